"""Elastic Load Balancing v2 (application, network and gateway load balancers): load balancers
and target groups (regional), listeners per load balancer and rules per listener (child
types). Tags take a DescribeTags call per item (up to 20 ARNs a call; batching is for later).

ELBv2 ARNs hold a hash only the answer knows (loadbalancer/app/web/50dc6c495c0c9188), so
they come from the answer; load balancer and target group names are unique per account and
region, listeners and rules have no name, so their ARN is their id.
"""

from __future__ import annotations

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

# The API's largest page for every Describe* call here.
_PAGE = {"PageSize": 400}


def _tags(arn_path: str) -> Detail:
    # DescribeTags takes a list of ARNs and answers one TagDescription per ARN asked.
    return Detail(
        "DescribeTags",
        {"ResourceArns": f"[{arn_path}]"},
        into="Tags",
        result="TagDescriptions[0].Tags",
    )


# A default action forwards to one target group, or (weighted) to several.
_ACTION_TARGET_GROUPS = ("TargetGroupArn", "ForwardConfig.TargetGroups[].TargetGroupArn")

LOAD_BALANCER = ResourceSpec(
    type="elbv2:load-balancer",
    service="elbv2",
    iam_service="elasticloadbalancing",
    operation="DescribeLoadBalancers",
    items="LoadBalancers",
    id="LoadBalancerName",
    name="LoadBalancerName",
    arn="LoadBalancerArn",
    params=_PAGE,
    details=(_tags("LoadBalancerArn"),),
    unordered=("AvailabilityZones", "AvailabilityZones[].LoadBalancerAddresses", "SecurityGroups"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "AvailabilityZones[].SubnetId"),
        Relation("security-group", "ec2:security-group", "SecurityGroups"),
    ),
)

TARGET_GROUP = ResourceSpec(
    type="elbv2:target-group",
    service="elbv2",
    iam_service="elasticloadbalancing",
    operation="DescribeTargetGroups",
    items="TargetGroups",
    id="TargetGroupName",
    name="TargetGroupName",
    arn="TargetGroupArn",
    params=_PAGE,
    details=(_tags("TargetGroupArn"),),
    unordered=("LoadBalancerArns",),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("load-balancer", "elbv2:load-balancer", "LoadBalancerArns"),
    ),
)

LISTENER = ResourceSpec(
    type="elbv2:listener",
    service="elbv2",
    iam_service="elasticloadbalancing",
    operation="DescribeListeners",
    items="Listeners",
    id="ListenerArn",
    arn="ListenerArn",
    parent=Parent("elbv2:load-balancer", {"LoadBalancerArn": "LoadBalancerArn"}),
    params=_PAGE,
    details=(_tags("ListenerArn"),),
    # DescribeListeners gives the default certificate only (the others need
    # DescribeListenerCertificates, a call per listener).
    unordered=("Certificates", "AlpnPolicy"),
    relations=(
        Relation("load-balancer", "elbv2:load-balancer", "LoadBalancerArn"),
        Relation("certificate", "acm:certificate", "Certificates[].CertificateArn"),
        *(
            Relation("target-group", "elbv2:target-group", f"DefaultActions[].{path}")
            for path in _ACTION_TARGET_GROUPS
        ),
    ),
)

LISTENER_RULE = ResourceSpec(
    type="elbv2:listener-rule",
    service="elbv2",
    iam_service="elasticloadbalancing",
    operation="DescribeRules",
    items="Rules",
    id="RuleArn",
    arn="RuleArn",
    # A rule's answer does not name its listener: the listener's ARN is carried into it.
    parent=Parent(
        "elbv2:listener", {"ListenerArn": "ListenerArn"}, carry={"ListenerArn": "ListenerArn"}
    ),
    params=_PAGE,
    details=(_tags("RuleArn"),),
    # Conditions are ANDed and each one's values ORed: their order means nothing. Actions
    # keep theirs (their Order field, then authenticate before forward).
    unordered=("Conditions", "Conditions[].Values"),
    relations=(
        Relation("listener", "elbv2:listener", "ListenerArn"),
        *(
            Relation("target-group", "elbv2:target-group", f"Actions[].{path}")
            for path in _ACTION_TARGET_GROUPS
        ),
    ),
)

SPECS = (LOAD_BALANCER, TARGET_GROUP, LISTENER, LISTENER_RULE)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "elbv2:load-balancer": "the ARN holds a hash only the answer knows (app/web/50dc6c49…)",
    "elbv2:target-group": "the ARN holds a hash only the answer knows",
    "elbv2:listener": "a listener's id is its ARN, which holds its load balancer's hash",
    "elbv2:listener-rule": "a rule's id is its ARN, which holds its listener's hash",
}
