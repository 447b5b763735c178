"""DynamoDB tables: ListTables gives bare names; DescribeTable and tags take a call each.
Backups: ListBackups pages them, with all a record needs."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_INDEXES = ("Table.GlobalSecondaryIndexes[]", "Table.LocalSecondaryIndexes[]")

TABLE = ResourceSpec(
    type="dynamodb:table",
    service="dynamodb",
    relations=(Relation("kms-key", "kms:key", "Table.SSEDescription.KMSMasterKeyArn"),),
    operation="ListTables",
    items="TableNames",
    item_key="TableName",
    id="TableName",
    name="TableName",
    arn="Table.TableArn",
    arn_template="arn:{partition}:dynamodb:{region}:{account}:table/{id}",
    details=(
        Detail("DescribeTable", {"TableName": "TableName"}, into="Table", result="Table"),
        Detail("ListTagsOfResource", {"ResourceArn": "Table.TableArn"}, into="Tags", result="Tags"),
    ),
    # KeySchema stays ordered: HASH then RANGE is its meaning.
    unordered=(
        "Table.AttributeDefinitions",
        "Table.GlobalSecondaryIndexes",
        "Table.LocalSecondaryIndexes",
        "Table.Replicas",
        *(f"{index}.Projection.NonKeyAttributes" for index in _INDEXES),
    ),
    # Sizes and counts move with the data (AWS refreshes them every ~6 hours); the daily
    # decrease counter resets at midnight.
    volatile=(
        "Table.ItemCount",
        "Table.TableSizeBytes",
        "Table.ProvisionedThroughput.NumberOfDecreasesToday",
        *(f"{index}.ItemCount" for index in _INDEXES),
        *(f"{index}.IndexSizeBytes" for index in _INDEXES),
        "Table.GlobalSecondaryIndexes[].ProvisionedThroughput.NumberOfDecreasesToday",
    ),
)


BACKUP = ResourceSpec(
    type="dynamodb:backup",
    service="dynamodb",
    operation="ListBackups",
    items="BackupSummaries",
    # On-demand (USER), kept-on-delete (SYSTEM) and AWS Backup's: all of the account's own.
    params={"BackupType": "ALL"},
    # Backup names need not be unique; the ARN (table/<table>/backup/<id>) is.
    id="BackupArn",
    name="BackupName",
    arn="BackupArn",
    tags=None,
    taggable=False,  # DynamoDB tags tables only
    relations=(Relation("table", "dynamodb:table", "TableArn"),),
)

SPECS = (TABLE, BACKUP)

ARN_ONLY_FROM_ANSWER = {
    "dynamodb:backup": "the id is the ARN: BackupArn is a required member of BackupSummary",
}
