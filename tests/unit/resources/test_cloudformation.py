from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.cloudformation import STACK
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

REGION = "eu-west-1"
TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String"}, "Owner": {"Type": "String"}},
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {
        "StageOut": {"Value": {"Ref": "Stage"}},
        "OwnerOut": {"Value": {"Ref": "Owner"}},
    },
}


@pytest.fixture
def cloudformation(member: boto3.Session) -> CloudFormationClient:
    client = member.client("cloudformation", region_name=REGION)
    client.create_stack(
        StackName="pipeline",
        TemplateBody=json.dumps(TEMPLATE),
        Parameters=[
            {"ParameterKey": "Stage", "ParameterValue": "prod"},
            {"ParameterKey": "Owner", "ParameterValue": "core"},
        ],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Tags=[{"Key": "team", "Value": "core"}],
    )
    return client


def test_stack(cloudformation: CloudFormationClient, reader: AccountSession) -> None:
    pipeline = collect_resources(STACK, reader, REGION)["pipeline"]

    assert pipeline.name == "pipeline"
    assert pipeline.region == REGION
    assert pipeline.arn.startswith(f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/pipeline/")
    assert pipeline.tags == {"team": "core"}
    assert pipeline.config["StackStatus"] == "CREATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in pipeline.config["Parameters"]} == {
        "Stage": "prod",
        "Owner": "core",
    }


def test_hash_ignores_list_order_and_drift_checks(
    cloudformation: CloudFormationClient, reader: AccountSession
) -> None:
    raw = next(item for page in collect_pages(STACK, reader, REGION) for item in page.items)
    checked = copy.deepcopy(raw.data)
    checked["DriftInformation"] = {
        "StackDriftStatus": "IN_SYNC",
        "LastCheckTimestamp": "2030-01-01",
    }
    rechecked = copy.deepcopy(checked)
    rechecked["DriftInformation"]["LastCheckTimestamp"] = "2030-02-01"
    rechecked["Parameters"].reverse()
    rechecked["Outputs"].reverse()

    first = normalize_resource(STACK, ACCOUNT, REGION, checked)

    assert normalize_resource(STACK, ACCOUNT, REGION, rechecked).hash == first.hash
