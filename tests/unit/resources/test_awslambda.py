from __future__ import annotations

import copy
import io
import zipfile
from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.awslambda import EVENT_SOURCE_MAPPING, FUNCTION, LAYER
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


def test_layer_is_its_latest_version(member: boto3.Session, reader: AccountSession) -> None:
    client = member.client("lambda", region_name=REGION)
    for description in ("first", "second"):
        client.publish_layer_version(
            LayerName="common",
            Description=description,
            Content={"ZipFile": _zip()},
            CompatibleRuntimes=["python3.12", "python3.11"],
        )

    (common,) = collect_resources(LAYER, reader, REGION).values()

    assert common.id == common.name == "common"
    assert common.region == REGION
    assert common.account == ACCOUNT
    assert common.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:common"
    assert common.tags == {}
    latest = common.config["LatestMatchingVersion"]
    assert latest["Version"] == 2
    assert latest["LayerVersionArn"] == f"{common.arn}:2"
    assert latest["CompatibleRuntimes"] == ["python3.11", "python3.12"]
    assert common.relations == []  # a layer points at nothing


def test_event_source_mapping(
    functions: LambdaClient, member: boto3.Session, reader: AccountSession
) -> None:
    sqs = member.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    mapping = functions.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName="resize", BatchSize=5
    )

    (found,) = collect_resources(EVENT_SOURCE_MAPPING, reader, REGION).values()

    uuid = mapping["UUID"]
    assert found.id == found.name == uuid
    assert found.region == REGION
    assert found.account == ACCOUNT
    assert found.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{uuid}"
    assert found.tags == {}
    assert found.config["BatchSize"] == 5
    assert found.relations == [
        {
            "kind": "function",
            "type": "lambda:function",
            "arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize",
        },
        {"kind": "source", "type": "sqs:queue", "arn": queue_arn},
    ]


def test_event_source_mapping_hash_ignores_the_last_poll(
    functions: LambdaClient, member: boto3.Session, reader: AccountSession
) -> None:
    stream = member.client("kinesis", region_name=REGION)
    stream.create_stream(StreamName="clicks", ShardCount=1)
    stream_arn = stream.describe_stream(StreamName="clicks")["StreamDescription"]["StreamARN"]
    functions.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="resize", StartingPosition="LATEST"
    )
    (raw,) = [
        item for page in collect_pages(EVENT_SOURCE_MAPPING, reader, REGION) for item in page.items
    ]
    polled = copy.deepcopy(raw.data)
    polled["LastProcessingResult"] = "PROBLEM: Function call failed"
    polled["LastModified"] = "2030-01-01T00:00:00+00:00"

    original = normalize_resource(EVENT_SOURCE_MAPPING, ACCOUNT, REGION, raw.data)

    assert normalize_resource(EVENT_SOURCE_MAPPING, ACCOUNT, REGION, polled).hash == original.hash
    assert {"kind": "source", "type": "kinesis:stream", "arn": stream_arn} in original.relations
