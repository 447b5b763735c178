"""Cloud Map (servicediscovery) namespaces and services (regional), the account's own only
(namespaces can be shared through RAM). Services are listed per namespace, which their list
answer does not name otherwise. Tags take a ListTagsForResource call per item."""

from __future__ import annotations

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_ARN = "arn:{partition}:servicediscovery:{region}:{account}:"
_OWN = {"Name": "RESOURCE_OWNER", "Values": ["SELF"], "Condition": "EQ"}


def _tags() -> Detail:
    return Detail("ListTagsForResource", {"ResourceARN": "Arn"}, into="Tags", result="Tags")


NAMESPACE = ResourceSpec(
    type="servicediscovery:namespace",
    service="servicediscovery",
    operation="ListNamespaces",
    items="Namespaces",
    id="Id",
    name="Name",
    arn="Arn",
    arn_template=_ARN + "namespace/{id}",
    owner="ResourceOwner",
    params={"MaxResults": 100, "Filters": [_OWN]},
    details=(_tags(),),
    # Follows the services' own records.
    volatile=("ServiceCount",),
    relations=(
        Relation("hosted-zone", "route53:hosted-zone", "Properties.DnsProperties.HostedZoneId"),
    ),
)

SERVICE = ResourceSpec(
    type="servicediscovery:service",
    service="servicediscovery",
    operation="ListServices",
    items="Services",
    id="Id",
    name="Name",
    arn="Arn",
    arn_template=_ARN + "service/{id}",
    owner="ResourceOwner",
    parent=Parent(
        "servicediscovery:namespace",
        {
            "Filters": "[{Name: 'NAMESPACE_ID', Values: [Id], Condition: 'EQ'},"
            " {Name: 'RESOURCE_OWNER', Values: ['SELF'], Condition: 'EQ'}]"
        },
        carry={"NamespaceId": "Id"},
    ),
    params={"MaxResults": 100},
    details=(_tags(),),
    # Instances register and deregister without the service changing.
    volatile=("InstanceCount",),
    unordered=("DnsConfig.DnsRecords",),
    relations=(Relation("namespace", "servicediscovery:namespace", "NamespaceId"),),
)

SPECS = (NAMESPACE, SERVICE)
