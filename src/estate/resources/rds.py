"""RDS DB instances (regional, tags inline in TagList)."""

from __future__ import annotations

from estate.resources.spec import ResourceSpec

DB_INSTANCE = ResourceSpec(
    type="rds:db-instance",
    service="rds",
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
