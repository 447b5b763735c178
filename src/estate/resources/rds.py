"""RDS: DB instances, Aurora/Multi-AZ DB clusters and their snapshots (tags inline in TagList);
subnet groups, parameter groups, option groups and event subscriptions (tags take a
ListTagsForResource call each: their answers carry none). Every type is named by its
identifier, unique per account and region, and every ARN is rds:{region}:{account}:<kind>:<id>."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

DB_INSTANCE = ResourceSpec(
    type="rds:db-instance",
    service="rds",
    relations=(
        Relation("subnet-group", "rds:db-subnet-group", "DBSubnetGroup.DBSubnetGroupName"),
        Relation("vpc", "ec2:vpc", "DBSubnetGroup.VpcId"),
        Relation("subnet", "ec2:subnet", "DBSubnetGroup.Subnets[].SubnetIdentifier"),
        Relation("security-group", "ec2:security-group", "VpcSecurityGroups[].VpcSecurityGroupId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("cluster", "rds:db-cluster", "DBClusterIdentifier"),
        Relation(
            "parameter-group", "rds:db-parameter-group", "DBParameterGroups[].DBParameterGroupName"
        ),
        Relation("monitoring-role", "iam:role", "MonitoringRoleArn"),
    ),
    operation="DescribeDBInstances",
    items="DBInstances",
    id="DBInstanceIdentifier",
    name="DBInstanceIdentifier",
    # Older answers (long-lived accounts) carry no DBInstanceArn.
    arn="DBInstanceArn",
    arn_template="arn:{partition}:rds:{region}:{account}:db:{id}",
    tags="TagList",
    params={"MaxRecords": 100},
    unordered=(
        "VpcSecurityGroups",
        "DBSecurityGroups",
        "DBParameterGroups",
        "OptionGroupMemberships",
        "DBSubnetGroup.Subnets",
        "ReadReplicaDBInstanceIdentifiers",
        "ReadReplicaDBClusterIdentifiers",
        "EnabledCloudwatchLogsExports",
        "AssociatedRoles",
        "DomainMemberships",
        "StatusInfos",
    ),
    # Advances every few minutes with the transaction log backups.
    volatile=("LatestRestorableTime",),
)


_ARN = "arn:{partition}:rds:{region}:{account}:"
_PAGE = {"MaxRecords": 100}  # the API's largest page


def _tags(arn_path: str) -> Detail:
    # The answer of these Describe* calls carries no TagList.
    return Detail(
        "ListTagsForResource", {"ResourceName": arn_path}, into="TagList", result="TagList"
    )


DB_CLUSTER = ResourceSpec(
    type="rds:db-cluster",
    service="rds",
    operation="DescribeDBClusters",
    items="DBClusters",
    id="DBClusterIdentifier",
    name="DBClusterIdentifier",
    arn="DBClusterArn",
    arn_template=_ARN + "cluster:{id}",
    tags="TagList",
    # Own clusters only: IncludeShared (clusters of other accounts shared for cloning) is off.
    params=_PAGE,
    unordered=(
        "AvailabilityZones",
        "CustomEndpoints",
        "ReadReplicaIdentifiers",
        "DBClusterMembers",
        "DBClusterOptionGroupMemberships",
        "VpcSecurityGroups",
        "AssociatedRoles",
        "EnabledCloudwatchLogsExports",
        "DomainMemberships",
        "StatusInfos",
    ),
    # The restore window's ends move with the backups; a serverless v1 cluster's capacity and
    # the backtrack change counter move with the load.
    volatile=(
        "LatestRestorableTime",
        "EarliestRestorableTime",
        "EarliestBacktrackTime",
        "BacktrackConsumedChangeRecords",
        "Capacity",
    ),
    relations=(
        Relation("instance", "rds:db-instance", "DBClusterMembers[].DBInstanceIdentifier"),
        Relation("subnet-group", "rds:db-subnet-group", "DBSubnetGroup"),
        Relation("parameter-group", "rds:db-cluster-parameter-group", "DBClusterParameterGroup"),
        Relation(
            "option-group",
            "rds:option-group",
            "DBClusterOptionGroupMemberships[].DBClusterOptionGroupName",
        ),
        Relation("security-group", "ec2:security-group", "VpcSecurityGroups[].VpcSecurityGroupId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("kms-key", "kms:key", "PerformanceInsightsKMSKeyId"),
        Relation("role", "iam:role", "AssociatedRoles[].RoleArn"),
        Relation("role", "iam:role", "MonitoringRoleArn"),
        Relation("replication-source", "rds:db-cluster", "ReplicationSourceIdentifier"),
    ),
)

DB_SNAPSHOT = ResourceSpec(
    type="rds:db-snapshot",
    service="rds",
    operation="DescribeDBSnapshots",
    items="DBSnapshots",
    # Manual and automated ("rds:billing-2026-12-07-03-10") snapshots: without SnapshotType,
    # IncludeShared or IncludePublic the answer holds the account's own snapshots only.
    id="DBSnapshotIdentifier",
    name="DBSnapshotIdentifier",
    arn="DBSnapshotArn",
    arn_template=_ARN + "snapshot:{id}",
    tags="TagList",
    params=_PAGE,
    unordered=("ProcessorFeatures", "AdditionalStorageVolumes"),
    # A snapshot being taken or copied counts up to 100.
    volatile=("PercentProgress",),
    relations=(
        Relation("instance", "rds:db-instance", "DBInstanceIdentifier"),
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("option-group", "rds:option-group", "OptionGroupName"),
    ),
)

DB_CLUSTER_SNAPSHOT = ResourceSpec(
    type="rds:db-cluster-snapshot",
    service="rds",
    operation="DescribeDBClusterSnapshots",
    items="DBClusterSnapshots",
    # Own manual and automated snapshots only (no IncludeShared, no IncludePublic).
    id="DBClusterSnapshotIdentifier",
    name="DBClusterSnapshotIdentifier",
    arn="DBClusterSnapshotArn",
    arn_template=_ARN + "cluster-snapshot:{id}",
    tags="TagList",
    params=_PAGE,
    unordered=("AvailabilityZones",),
    volatile=("PercentProgress",),
    relations=(
        Relation("cluster", "rds:db-cluster", "DBClusterIdentifier"),
        Relation("source", "rds:db-cluster-snapshot", "SourceDBClusterSnapshotArn"),
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
    ),
)

DB_SUBNET_GROUP = ResourceSpec(
    type="rds:db-subnet-group",
    service="rds",
    operation="DescribeDBSubnetGroups",
    items="DBSubnetGroups",
    id="DBSubnetGroupName",
    name="DBSubnetGroupName",
    arn="DBSubnetGroupArn",
    arn_template=_ARN + "subgrp:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_tags("DBSubnetGroupArn"),),
    unordered=("Subnets", "SupportedNetworkTypes"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "Subnets[].SubnetIdentifier"),
    ),
)

# Parameter groups: the answers name the group only; its parameters (hundreds, paged) are not
# read here. The default.* groups RDS creates in the account are listed too: instances use them.
DB_PARAMETER_GROUP = ResourceSpec(
    type="rds:db-parameter-group",
    service="rds",
    operation="DescribeDBParameterGroups",
    items="DBParameterGroups",
    id="DBParameterGroupName",
    name="DBParameterGroupName",
    arn="DBParameterGroupArn",
    arn_template=_ARN + "pg:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_tags("DBParameterGroupArn"),),
)

DB_CLUSTER_PARAMETER_GROUP = ResourceSpec(
    type="rds:db-cluster-parameter-group",
    service="rds",
    operation="DescribeDBClusterParameterGroups",
    items="DBClusterParameterGroups",
    id="DBClusterParameterGroupName",
    name="DBClusterParameterGroupName",
    arn="DBClusterParameterGroupArn",
    arn_template=_ARN + "cluster-pg:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_tags("DBClusterParameterGroupArn"),),
)

OPTION_GROUP = ResourceSpec(
    type="rds:option-group",
    service="rds",
    operation="DescribeOptionGroups",
    items="OptionGroupsList",
    id="OptionGroupName",
    name="OptionGroupName",
    arn="OptionGroupArn",
    arn_template=_ARN + "og:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_tags("OptionGroupArn"),),
    unordered=(
        "Options",
        "Options[].OptionSettings",
        "Options[].DBSecurityGroupMemberships",
        "Options[].VpcSecurityGroupMemberships",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation(
            "security-group",
            "ec2:security-group",
            "Options[].VpcSecurityGroupMemberships[].VpcSecurityGroupId",
        ),
    ),
)

EVENT_SUBSCRIPTION = ResourceSpec(
    type="rds:event-subscription",
    service="rds",
    operation="DescribeEventSubscriptions",
    items="EventSubscriptionsList",
    id="CustSubscriptionId",
    name="CustSubscriptionId",
    arn="EventSubscriptionArn",
    arn_template=_ARN + "es:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_tags("EventSubscriptionArn"),),
    unordered=("SourceIdsList", "EventCategoriesList"),
    relations=(Relation("topic", "sns:topic", "SnsTopicArn"),),
)

SPECS = (
    DB_INSTANCE,
    DB_CLUSTER,
    DB_SNAPSHOT,
    DB_CLUSTER_SNAPSHOT,
    DB_SUBNET_GROUP,
    DB_PARAMETER_GROUP,
    DB_CLUSTER_PARAMETER_GROUP,
    OPTION_GROUP,
    EVENT_SUBSCRIPTION,
)
