from __future__ import annotations

import copy
import io
import zipfile
from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.awslambda import FUNCTION
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

REGION = "eu-west-1"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture
def functions(member: boto3.Session) -> LambdaClient:
    role = member.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
    client = member.client("lambda", region_name=REGION)
    common = {"Runtime": "python3.12", "Role": role["Role"]["Arn"], "Code": {"ZipFile": _zip()}}
    client.create_function(
        FunctionName="resize",
        Handler="handler.handle",
        MemorySize=512,
        Tags={"team": "media", "Name": "Resizer"},
        VpcConfig={"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-1", "sg-2"]},
        **common,  # type: ignore[arg-type]
    )
    client.create_function(FunctionName="bare", Handler="handler.handle", **common)  # type: ignore[arg-type]
    return client


def test_function(functions: LambdaClient, reader: AccountSession) -> None:
    found = collect_resources(FUNCTION, reader, REGION)

    resize = found["resize"]
    assert resize.name == "resize"
    assert resize.region == REGION
    assert resize.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize"
    assert resize.tags == {"Name": "Resizer", "team": "media"}
    assert resize.config["MemorySize"] == 512
    assert resize.config["Runtime"] == "python3.12"
    assert found["bare"].tags == {}


def test_functions_are_regional(functions: LambdaClient, reader: AccountSession) -> None:
    assert collect_resources(FUNCTION, reader, "us-east-1") == {}


def test_hash_ignores_vpc_order_and_the_idle_state(
    functions: LambdaClient, reader: AccountSession
) -> None:
    raw = next(
        item
        for page in collect_pages(FUNCTION, reader, REGION)
        for item in page.items
        if item.data["FunctionName"] == "resize"
    )
    parked = copy.deepcopy(raw.data)
    parked["VpcConfig"]["SubnetIds"].reverse()
    parked["VpcConfig"]["SecurityGroupIds"].reverse()
    parked["State"] = "Inactive"

    original = normalize_resource(FUNCTION, ACCOUNT, REGION, raw.data)

    assert normalize_resource(FUNCTION, ACCOUNT, REGION, parked).hash == original.hash
