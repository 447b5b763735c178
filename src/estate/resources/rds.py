"""RDS DB instances (regional, tags inline in TagList)."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

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

SPECS = (DB_INSTANCE,)
