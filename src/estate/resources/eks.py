"""EKS clusters (regional) and, per cluster, their managed node groups, Fargate profiles and
add-ons (child types). The list calls give names only; a Describe* call per item gives the
rest, tags (a map) included.

A node group's, profile's or add-on's name is unique in its cluster only: their ids are
`cluster/name`. Their ARNs end with a UUID only the answer knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_PAGE = {"maxResults": 100}  # the largest page of every EKS List* call
_IN_CLUSTER = Parent("eks:cluster", {"clusterName": "name"}, carry={"clusterName": "name"})
_VPC = "cluster.resourcesVpcConfig"


def _in_cluster(key: str) -> Callable[[Mapping[str, Any]], dict[str, str]]:
    """Pure: the derive hook giving a child its id within its cluster, `cluster/name`."""

    def derive(item: Mapping[str, Any]) -> dict[str, str]:
        name = item.get(key)
        return {"id": f"{item.get('clusterName')}/{name}"} if name else {}

    return derive


CLUSTER = ResourceSpec(
    type="eks:cluster",
    service="eks",
    operation="ListClusters",
    items="clusters",
    item_key="name",
    id="name",
    name="name",
    arn="cluster.arn",
    arn_template="arn:{partition}:eks:{region}:{account}:cluster/{id}",
    params=_PAGE,
    tags="cluster.tags",
    details=(Detail("DescribeCluster", {"name": "name"}, into="cluster", result="cluster"),),
    unordered=(
        f"{_VPC}.subnetIds",
        f"{_VPC}.securityGroupIds",
        f"{_VPC}.publicAccessCidrs",
        "cluster.logging.clusterLogging",
        "cluster.logging.clusterLogging[].types",
        "cluster.encryptionConfig",
        "cluster.encryptionConfig[].resources",
    ),
    # Health issues come and go with AWS's own checks.
    volatile=("cluster.health",),
    relations=(
        Relation("role", "iam:role", "cluster.roleArn"),
        Relation("vpc", "ec2:vpc", f"{_VPC}.vpcId"),
        Relation("subnet", "ec2:subnet", f"{_VPC}.subnetIds"),
        Relation("security-group", "ec2:security-group", f"{_VPC}.securityGroupIds"),
        Relation("security-group", "ec2:security-group", f"{_VPC}.clusterSecurityGroupId"),
        Relation("kms-key", "kms:key", "cluster.encryptionConfig[].provider.keyArn"),
    ),
)

_CLUSTER_EDGE = Relation("cluster", "eks:cluster", "clusterName")

NODEGROUP = ResourceSpec(
    type="eks:nodegroup",
    service="eks",
    operation="ListNodegroups",
    items="nodegroups",
    item_key="nodegroupName",
    parent=_IN_CLUSTER,
    id="id",
    name="nodegroupName",
    arn="nodegroup.nodegroupArn",
    params=_PAGE,
    derive=_in_cluster("nodegroupName"),
    tags="nodegroup.tags",
    details=(
        Detail(
            "DescribeNodegroup",
            {"clusterName": "clusterName", "nodegroupName": "nodegroupName"},
            into="nodegroup",
            result="nodegroup",
        ),
    ),
    unordered=(
        "nodegroup.subnets",
        "nodegroup.instanceTypes",
        "nodegroup.taints",
        "nodegroup.remoteAccess.sourceSecurityGroups",
        "nodegroup.resources.autoScalingGroups",
    ),
    # The cluster autoscaler moves the desired size (and so modifiedAt) all day long; health
    # issues come and go with AWS's own checks.
    volatile=("nodegroup.scalingConfig.desiredSize", "nodegroup.modifiedAt", "nodegroup.health"),
    relations=(
        _CLUSTER_EDGE,
        Relation("role", "iam:role", "nodegroup.nodeRole"),
        Relation("subnet", "ec2:subnet", "nodegroup.subnets"),
        Relation(
            "security-group", "ec2:security-group", "nodegroup.remoteAccess.sourceSecurityGroups"
        ),
    ),
)

FARGATE_PROFILE = ResourceSpec(
    type="eks:fargate-profile",
    service="eks",
    operation="ListFargateProfiles",
    items="fargateProfileNames",
    item_key="fargateProfileName",
    parent=_IN_CLUSTER,
    id="id",
    name="fargateProfileName",
    arn="profile.fargateProfileArn",
    params=_PAGE,
    derive=_in_cluster("fargateProfileName"),
    tags="profile.tags",
    details=(
        Detail(
            "DescribeFargateProfile",
            {"clusterName": "clusterName", "fargateProfileName": "fargateProfileName"},
            into="profile",
            result="fargateProfile",
        ),
    ),
    unordered=("profile.subnets", "profile.selectors"),
    volatile=("profile.health",),
    relations=(
        _CLUSTER_EDGE,
        Relation("role", "iam:role", "profile.podExecutionRoleArn"),
        Relation("subnet", "ec2:subnet", "profile.subnets"),
    ),
)

ADDON = ResourceSpec(
    type="eks:addon",
    service="eks",
    operation="ListAddons",
    items="addons",
    item_key="addonName",
    parent=_IN_CLUSTER,
    id="id",
    name="addonName",
    arn="addon.addonArn",
    params=_PAGE,
    derive=_in_cluster("addonName"),
    tags="addon.tags",
    details=(
        Detail(
            "DescribeAddon",
            {"clusterName": "clusterName", "addonName": "addonName"},
            into="addon",
            result="addon",
        ),
    ),
    unordered=("addon.podIdentityAssociations",),
    volatile=("addon.health",),
    relations=(
        _CLUSTER_EDGE,
        Relation("role", "iam:role", "addon.serviceAccountRoleArn"),
    ),
)

SPECS = (CLUSTER, NODEGROUP, FARGATE_PROFILE, ADDON)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "eks:nodegroup": "the ARN ends with a UUID only the answer knows",
    "eks:fargate-profile": "the ARN ends with a UUID only the answer knows",
    "eks:addon": "the ARN ends with a UUID only the answer knows",
}
