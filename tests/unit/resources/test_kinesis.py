from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.kinesis import STREAM
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def kinesis(member: boto3.Session) -> Any:
    client = member.client("kinesis", region_name=REGION)
    client.create_stream(StreamName="clicks", ShardCount=2)
    client.add_tags_to_stream(StreamName="clicks", Tags={"team": "web"})
    client.start_stream_encryption(StreamName="clicks", EncryptionType="KMS", KeyId=KEY)
    client.create_stream(StreamName="audit", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    return client


def test_stream(kinesis: Any, reader: AccountSession) -> None:
    found = collect_resources(STREAM, reader, REGION)

    clicks = found["clicks"]
    assert clicks.name == "clicks"
    assert clicks.region == REGION and clicks.account == ACCOUNT
    assert clicks.arn == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
    assert clicks.tags == {"team": "web"}
    assert clicks.relations == [{"kind": "kms-key", "type": "kms:key", "arn": KEY}]
    assert clicks.config["StreamDescriptionSummary"]["RetentionPeriodHours"] == 24
    assert found["audit"].tags == {}
    assert found["audit"].relations == []


def test_resharding_does_not_change_the_hash(kinesis: Any, reader: AccountSession) -> None:
    pages = collect_pages(STREAM, reader, REGION)
    (raw,) = [i.data for p in pages for i in p.items if i.data["StreamName"] == "audit"]
    busier = copy.deepcopy(raw)
    busier["StreamDescriptionSummary"].update(OpenShardCount=8, ConsumerCount=3)

    assert (
        normalize_resource(STREAM, ACCOUNT, REGION, busier).hash
        == normalize_resource(STREAM, ACCOUNT, REGION, raw).hash
    )
