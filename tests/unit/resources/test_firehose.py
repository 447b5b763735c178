from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.errors import AwsError
from estate.resources.firehose import DELIVERY_STREAM, LIMIT, stream_names
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-delivery"


@pytest.fixture
def firehose(member: boto3.Session) -> None:
    client = member.client("firehose", region_name=REGION)
    for name in ("clicks-to-s3", "audit"):
        client.create_delivery_stream(
            DeliveryStreamName=name,
            ExtendedS3DestinationConfiguration={
                "RoleARN": ROLE,
                "BucketARN": "arn:aws:s3:::clicks-archive",
            },
        )
    client.tag_delivery_stream(
        DeliveryStreamName="clicks-to-s3", Tags=[{"Key": "team", "Value": "web"}]
    )


def test_delivery_stream(firehose: None, reader: AccountSession) -> None:
    found = collect_resources(DELIVERY_STREAM, reader, REGION)

    clicks = found["clicks-to-s3"]
    assert clicks.name == "clicks-to-s3"
    assert clicks.region == REGION and clicks.account == ACCOUNT
    assert clicks.arn == f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/clicks-to-s3"
    assert clicks.tags == {"team": "web"}
    assert {"kind": "role", "type": "iam:role", "arn": ROLE} in clicks.relations
    assert {"kind": "bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::clicks-archive"} in (
        clicks.relations
    )
    assert found["audit"].tags == {}


def test_a_full_page_with_more_to_come_fails_the_listing() -> None:
    full = {"DeliveryStreamNames": [f"s{n}" for n in range(LIMIT)], "HasMoreDeliveryStreams": True}
    last = {"DeliveryStreamNames": ["a", "b"], "HasMoreDeliveryStreams": False}

    assert [s["DeliveryStreamName"] for s in stream_names(last)] == ["a", "b"]
    with pytest.raises(AwsError, match="incomplete") as raised:
        list(stream_names(full))
    assert raised.value.kind == "incomplete"
