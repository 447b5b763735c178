"""Classic Load Balancers (service `elb`, regional). DescribeLoadBalancers answers no ARN, so
the ARN is built from the name (unique per account and region); tags take a DescribeTags
call per load balancer."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

LOAD_BALANCER = ResourceSpec(
    type="elb:load-balancer",
    service="elb",
    operation="DescribeLoadBalancers",
    items="LoadBalancerDescriptions",
    id="LoadBalancerName",
    name="LoadBalancerName",
    arn_template="arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{id}",
    iam_service="elasticloadbalancing",
    params={"PageSize": 400},
    details=(
        Detail(
            "DescribeTags",
            {"LoadBalancerNames": "[LoadBalancerName]"},
            into="Tags",
            result="TagDescriptions[0].Tags",
        ),
    ),
    unordered=(
        "AvailabilityZones",
        "Subnets",
        "SecurityGroups",
        "ListenerDescriptions",
        "ListenerDescriptions[].PolicyNames",
        "BackendServerDescriptions",
        "BackendServerDescriptions[].PolicyNames",
        "Policies.OtherPolicies",
        "Policies.AppCookieStickinessPolicies",
        "Policies.LBCookieStickinessPolicies",
    ),
    # Members come and go with every Auto Scaling scale-out or replacement (each one is an
    # ec2:instance, and an edge of the load balancer's, anyway).
    volatile=("Instances",),
    relations=(
        Relation("vpc", "ec2:vpc", "VPCId"),
        Relation("subnet", "ec2:subnet", "Subnets"),
        Relation("security-group", "ec2:security-group", "SecurityGroups"),
        Relation("instance", "ec2:instance", "Instances[].InstanceId"),
    ),
)

SPECS = (LOAD_BALANCER,)
