"""Redshift (provisioned): clusters and cluster subnet groups, tags inline. Ids are unique
per account and region; ARNs are redshift:{region}:{account}:<cluster|subnetgroup>:<id>."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

_ARN = "arn:{partition}:redshift:{region}:{account}:"
_PAGE = {"MaxRecords": 100}  # the API's largest page

CLUSTER = ResourceSpec(
    type="redshift:cluster",
    service="redshift",
    operation="DescribeClusters",
    items="Clusters",
    id="ClusterIdentifier",
    name="ClusterIdentifier",
    # DescribeClusters answers no cluster ARN (ClusterNamespaceArn is the namespace's).
    arn_template=_ARN + "cluster:{id}",
    params=_PAGE,
    unordered=(
        "ClusterSecurityGroups",
        "VpcSecurityGroups",
        "ClusterParameterGroups",
        "ClusterNodes",
        "IamRoles",
        "PendingActions",
        "DeferredMaintenanceWindows",
    ),
    # Schedules and maintenance windows roll forward on their own.
    volatile=(
        "ExpectedNextSnapshotScheduleTime",
        "ExpectedNextSnapshotScheduleTimeStatus",
        "NextMaintenanceWindowStartTime",
        "ElasticResizeNumberOfNodeOptions",
        "DataTransferProgress",
        "RestoreStatus",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("security-group", "ec2:security-group", "VpcSecurityGroups[].VpcSecurityGroupId"),
        Relation("subnet-group", "redshift:cluster-subnet-group", "ClusterSubnetGroupName"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("role", "iam:role", "IamRoles[].IamRoleArn"),
        Relation("secret", "secretsmanager:secret", "MasterPasswordSecretArn"),
    ),
)

CLUSTER_SUBNET_GROUP = ResourceSpec(
    type="redshift:cluster-subnet-group",
    service="redshift",
    operation="DescribeClusterSubnetGroups",
    items="ClusterSubnetGroups",
    id="ClusterSubnetGroupName",
    name="ClusterSubnetGroupName",
    arn_template=_ARN + "subnetgroup:{id}",
    params=_PAGE,
    unordered=("Subnets", "SupportedClusterIpAddressTypes"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "Subnets[].SubnetIdentifier"),
    ),
)

SPECS = (CLUSTER, CLUSTER_SUBNET_GROUP)
