"""EC2 Auto Scaling groups (regional, tags inline)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Relation, ResourceSpec


def tag_propagation(item: Mapping[str, Any]) -> dict[str, dict[str, bool]]:
    """Pure: which tags the group copies to the instances it launches, by tag key (the tags
    themselves become a dict of values, which has no room for it)."""
    tags = item.get("Tags") or []
    return {
        "TagPropagation": {
            str(tag["Key"]): bool(tag.get("PropagateAtLaunch"))
            for tag in tags
            if tag.get("Key") is not None
        }
    }


GROUP = ResourceSpec(
    type="autoscaling:group",
    service="autoscaling",
    relations=(
        Relation("subnet", "ec2:subnet", "VPCZoneIdentifier"),
        Relation("target-group", "elbv2:target-group", "TargetGroupARNs"),
        Relation("launch-template", "ec2:launch-template", "LaunchTemplate.LaunchTemplateId"),
        Relation("load-balancer", "elb:load-balancer", "LoadBalancerNames"),
        Relation("role", "iam:role", "ServiceLinkedRoleARN"),
    ),
    operation="DescribeAutoScalingGroups",
    items="AutoScalingGroups",
    id="AutoScalingGroupName",
    name="AutoScalingGroupName",
    # No template: a group's ARN holds an id that only the answer knows.
    arn="AutoScalingGroupARN",
    derive=tag_propagation,
    params={"MaxRecords": 100},
    # TerminationPolicies and the MixedInstancesPolicy overrides stay ordered: order is priority.
    unordered=(
        "AvailabilityZones",
        "VPCZoneIdentifier",
        "LoadBalancerNames",
        "TargetGroupARNs",
        "TrafficSources",
        "SuspendedProcesses",
        "EnabledMetrics",
    ),
    # Members churn with every scale-out and health replacement; each is an ec2:instance anyway.
    volatile=("Instances",),
)

SPECS = (GROUP,)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "autoscaling:group": "the ARN holds a group id that only the answer knows",
}
