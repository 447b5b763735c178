"""DynamoDB Accelerator (DAX) clusters; tags take a ListTags call each. Names are unique per
account and region; ARNs are dax:{region}:{account}:cache/<name>."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

CLUSTER = ResourceSpec(
    type="dax:cluster",
    service="dax",
    operation="DescribeClusters",
    items="Clusters",
    id="ClusterName",
    name="ClusterName",
    arn="ClusterArn",
    arn_template="arn:{partition}:dax:{region}:{account}:cache/{id}",
    tags="Tags",
    params={"MaxResults": 100},
    details=(Detail("ListTags", {"ResourceName": "ClusterArn"}, into="Tags", result="Tags"),),
    unordered=("Nodes", "NodeIdsToRemove", "SecurityGroups"),
    # Nodes come up and go down (replacements, maintenance) with the cluster unchanged.
    volatile=("ActiveNodes", "Nodes[].NodeStatus", "Nodes[].ParameterGroupStatus"),
    relations=(
        Relation("role", "iam:role", "IamRoleArn"),
        Relation(
            "security-group", "ec2:security-group", "SecurityGroups[].SecurityGroupIdentifier"
        ),
        Relation("topic", "sns:topic", "NotificationConfiguration.TopicArn"),
    ),
)

SPECS = (CLUSTER,)
