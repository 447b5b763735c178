from __future__ import annotations

import json

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.stepfunctions import ACTIVITY, STATE_MACHINE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def test_state_machine(member: boto3.Session, reader: AccountSession) -> None:
    role = member.client("iam").create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")
    role_arn = role["Role"]["Arn"]
    client = member.client("stepfunctions", region_name=REGION)
    client.create_state_machine(
        name="orders",
        definition=DEFINITION,
        roleArn=role_arn,
        tags=[{"key": "team", "value": "shop"}],
    )

    (orders,) = collect_resources(STATE_MACHINE, reader, REGION).values()

    assert orders.id == orders.name == "orders"
    assert orders.region == REGION
    assert orders.account == ACCOUNT
    assert orders.arn == f"{_ARN}stateMachine:orders"
    assert orders.tags == {"team": "shop"}
    assert json.loads(orders.config["stateMachine"]["definition"])["StartAt"] == "Done"
    assert {"kind": "role", "type": "iam:role", "arn": role_arn} in orders.relations


def test_activity(member: boto3.Session, reader: AccountSession) -> None:
    key = member.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    client = member.client("stepfunctions", region_name=REGION)
    client.create_activity(
        name="approve",
        tags=[{"key": "Name", "value": "Approval"}],
        encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": key},
    )
    client.create_activity(name="plain")

    found = collect_resources(ACTIVITY, reader, REGION)

    approve = found["approve"]
    assert approve.name == "approve"
    assert approve.region == REGION
    assert approve.account == ACCOUNT
    assert approve.arn == f"{_ARN}activity:approve"
    assert approve.tags == {"Name": "Approval"}
    assert approve.relations == [{"kind": "kms-key", "type": "kms:key", "arn": key}]
    assert found["plain"].tags == {}
