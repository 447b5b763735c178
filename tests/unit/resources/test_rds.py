from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.rds import DB_INSTANCE
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed

if TYPE_CHECKING:
    from mypy_boto3_rds import RDSClient

REGION = "eu-west-1"


@pytest.fixture
def rds(member: boto3.Session) -> RDSClient:
    client = member.client("rds", region_name=REGION)
    client.create_db_instance(
        DBInstanceIdentifier="billing",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        Tags=[{"Key": "team", "Value": "finance"}, {"Key": "Name", "Value": "Billing DB"}],
    )
    return client


def test_db_instance(rds: RDSClient, reader: AccountSession) -> None:
    billing = collect_resources(DB_INSTANCE, reader, REGION)["billing"]

    assert billing.name == "billing"  # the identifier, not the Name tag
    assert billing.region == REGION
    assert billing.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:billing"
    assert billing.tags == {"Name": "Billing DB", "team": "finance"}
    assert billing.config["Engine"] == "postgres"
    assert billing.config["AllocatedStorage"] == 20
    assert "TagList" not in billing.config
    assert "LatestRestorableTime" not in billing.config


def test_a_resize_changes_the_hash(rds: RDSClient, reader: AccountSession) -> None:
    before = collect_resources(DB_INSTANCE, reader, REGION)["billing"]
    rds.modify_db_instance(
        DBInstanceIdentifier="billing", AllocatedStorage=40, ApplyImmediately=True
    )

    after = collect_resources(DB_INSTANCE, reader, REGION)["billing"]

    assert after.config["AllocatedStorage"] == 40
    assert after.hash != before.hash


def test_an_older_answer_without_its_arn_gets_the_template() -> None:
    older = {  # a long-lived account's DB instance, as DescribeDBInstances answered it
        "DBInstanceIdentifier": "legacy-orders",
        "DBInstanceClass": "db.m1.small",
        "Engine": "mysql",
        "DBInstanceStatus": "available",
        "AllocatedStorage": 100,
    }
    with stubbed("rds", REGION) as (session, stubber):
        stubber.add_response("describe_db_instances", {"DBInstances": [older]}, {"MaxRecords": 100})
        legacy = collect_resources(DB_INSTANCE, session, REGION)["legacy-orders"]

    assert legacy.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:legacy-orders"
    assert legacy.account == ACCOUNT
    assert legacy.tags == {}
