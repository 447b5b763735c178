from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.dynamodb import BACKUP, TABLE
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGION = "eu-west-1"
# moto (like AWS) returns ListTagsOfResource in pages; moto's are ten tags long.
TAGS = {f"key-{n:02}": f"value-{n}" for n in range(12)}


@pytest.fixture
def dynamodb(member: boto3.Session) -> DynamoDBClient:
    client = member.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName="orders",
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "placed", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "placed", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total", "items"]},
            }
        ],
        Tags=[{"Key": k, "Value": v} for k, v in TAGS.items()],
    )
    for name in ("carts", "sessions"):
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return client


def test_table(dynamodb: DynamoDBClient, reader: AccountSession) -> None:
    found = collect_resources(TABLE, reader, REGION)

    orders = found["orders"]
    assert orders.name == "orders"
    assert orders.region == REGION
    assert orders.arn == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    assert orders.tags == TAGS  # all twelve: the tag pages are followed
    assert [k["KeyType"] for k in orders.config["Table"]["KeySchema"]] == ["HASH", "RANGE"]
    assert found["carts"].tags == {}


def test_tables_on_every_page_are_collected(
    dynamodb: DynamoDBClient, reader: AccountSession
) -> None:
    pages = collect_pages(dataclasses.replace(TABLE, params={"Limit": 1}), reader, REGION)

    assert len(pages) >= 3
    assert {i.data["TableName"] for p in pages for i in p.items} == {"orders", "carts", "sessions"}


def test_items_do_not_change_the_hash(dynamodb: DynamoDBClient, reader: AccountSession) -> None:
    pages = collect_pages(TABLE, reader, REGION)
    raw = next(i for p in pages for i in p.items if i.data["TableName"] == "orders")
    grown = copy.deepcopy(raw.data)
    grown["Table"].update(ItemCount=1200, TableSizeBytes=88000)
    grown["Table"]["GlobalSecondaryIndexes"][0].update(ItemCount=1100, IndexSizeBytes=9000)
    grown["Table"]["AttributeDefinitions"].reverse()
    grown["Table"]["GlobalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"].reverse()

    original = normalize_resource(TABLE, ACCOUNT, REGION, raw.data)

    assert normalize_resource(TABLE, ACCOUNT, REGION, grown).hash == original.hash


def test_a_real_item_write_leaves_the_hash(
    dynamodb: DynamoDBClient, reader: AccountSession
) -> None:
    before = collect_resources(TABLE, reader, REGION)["carts"]
    dynamodb.put_item(TableName="carts", Item={"id": {"S": "c-1"}, "lines": {"N": "3"}})

    assert collect_resources(TABLE, reader, REGION)["carts"].hash == before.hash


def test_backup(dynamodb: DynamoDBClient, reader: AccountSession) -> None:
    arn = dynamodb.create_backup(TableName="orders", BackupName="before-migration")[
        "BackupDetails"
    ]["BackupArn"]

    found = collect_resources(BACKUP, reader, REGION)

    backup = found[arn]
    assert backup.name == "before-migration"
    assert backup.region == REGION and backup.account == ACCOUNT
    assert backup.arn == arn
    assert arn.startswith(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/backup/")
    assert backup.tags == {}
    assert backup.relations == [
        {
            "kind": "table",
            "type": "dynamodb:table",
            "arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders",
        }
    ]
