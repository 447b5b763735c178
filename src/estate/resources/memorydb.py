"""MemoryDB clusters; tags take a ListTags call each. Names are unique per account and
region; ARNs are memorydb:{region}:{account}:cluster/<name>."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

CLUSTER = ResourceSpec(
    type="memorydb:cluster",
    service="memorydb",
    operation="DescribeClusters",
    items="Clusters",
    id="Name",
    name="Name",
    arn="ARN",
    arn_template="arn:{partition}:memorydb:{region}:{account}:cluster/{id}",
    tags="TagList",
    params={"MaxResults": 100},
    details=(Detail("ListTags", {"ResourceArn": "ARN"}, into="TagList", result="TagList"),),
    unordered=("SecurityGroups",),
    relations=(
        Relation("security-group", "ec2:security-group", "SecurityGroups[].SecurityGroupId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("topic", "sns:topic", "SnsTopicArn"),
    ),
)

SPECS = (CLUSTER,)
