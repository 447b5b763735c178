"""Route 53 Resolver endpoints and rules (regional). Tags take a ListTagsForResource call per
item; an endpoint's subnets and addresses take ListResolverEndpointIpAddresses."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:route53resolver:{region}:{account}:"
_PAGE = {"MaxResults": 100}


def _tags(arn_path: str) -> Detail:
    return Detail("ListTagsForResource", {"ResourceArn": arn_path}, into="Tags", result="Tags")


RESOLVER_ENDPOINT = ResourceSpec(
    type="route53resolver:resolver-endpoint",
    service="route53resolver",
    operation="ListResolverEndpoints",
    items="ResolverEndpoints",
    id="Id",
    name="Name",
    arn="Arn",
    arn_template=_ARN + "resolver-endpoint/{id}",
    params=_PAGE,
    details=(
        Detail(
            "ListResolverEndpointIpAddresses",
            {"ResolverEndpointId": "Id"},
            into="IpAddresses",
            result="IpAddresses",
        ),
        _tags("Arn"),
    ),
    unordered=("SecurityGroupIds", "Protocols", "IpAddresses"),
    # The addresses' own health, as the service last saw it.
    volatile=("StatusMessage", "IpAddresses[].Status", "IpAddresses[].StatusMessage"),
    relations=(
        Relation("vpc", "ec2:vpc", "HostVPCId"),
        Relation("subnet", "ec2:subnet", "IpAddresses[].SubnetId"),
        Relation("security-group", "ec2:security-group", "SecurityGroupIds"),
    ),
)

RESOLVER_RULE = ResourceSpec(
    type="route53resolver:resolver-rule",
    service="route53resolver",
    operation="ListResolverRules",
    items="ResolverRules",
    id="Id",
    name="Name",
    arn="Arn",
    arn_template=_ARN + "resolver-rule/{id}",
    # Rules shared through RAM are listed with their owner's account; the built-in
    # Internet Resolver rule with OwnerId "Route 53 Resolver": neither is the account's own.
    owner="OwnerId",
    params=_PAGE,
    details=(_tags("Arn"),),
    unordered=("TargetIps",),
    volatile=("StatusMessage",),
    relations=(
        Relation("resolver-endpoint", "route53resolver:resolver-endpoint", "ResolverEndpointId"),
    ),
)

SPECS = (RESOLVER_ENDPOINT, RESOLVER_RULE)
