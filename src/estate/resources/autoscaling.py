"""EC2 Auto Scaling groups (regional, tags inline)."""

from __future__ import annotations

from estate.resources.spec import ResourceSpec

GROUP = ResourceSpec(
    type="autoscaling:group",
    service="autoscaling",
    operation="DescribeAutoScalingGroups",
    items="AutoScalingGroups",
    id="AutoScalingGroupName",
    name="AutoScalingGroupName",
    # No template: a group's ARN holds an id that only the answer knows.
    arn="AutoScalingGroupARN",
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
