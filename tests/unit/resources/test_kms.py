from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.kms import ALIAS, KEY
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def kms(member: boto3.Session) -> Any:
    return member.client("kms", region_name=REGION)


def test_key(kms: Any, reader: AccountSession) -> None:
    key_id = kms.create_key(Description="orders", Tags=[{"TagKey": "team", "TagValue": "shop"}])[
        "KeyMetadata"
    ]["KeyId"]

    key = collect_resources(KEY, reader, REGION)[key_id]

    assert key.name == key_id
    assert key.arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    assert key.region == REGION
    assert key.account == ACCOUNT
    assert key.tags == {"team": "shop"}
    assert key.config["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    assert key.config["KeyMetadata"]["Description"] == "orders"
    assert key.relations == []


def test_a_replica_key_names_its_primary(member: boto3.Session, reader: AccountSession) -> None:
    primary = member.client("kms", region_name="us-east-1").create_key(MultiRegion=True)
    primary_arn = primary["KeyMetadata"]["Arn"]
    member.client("kms", region_name="us-east-1").replicate_key(
        KeyId=primary["KeyMetadata"]["KeyId"], ReplicaRegion=REGION
    )

    (replica,) = collect_resources(KEY, reader, REGION).values()

    assert {"kind": "primary-key", "type": "kms:key", "arn": primary_arn} in replica.relations


def test_alias(kms: Any, reader: AccountSession) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)

    alias = collect_resources(ALIAS, reader, REGION)["alias/orders"]

    assert alias.name == "alias/orders"
    assert alias.arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders"
    assert alias.region == REGION
    assert alias.account == ACCOUNT
    assert alias.tags == {}
    assert alias.relations == [
        {"kind": "key", "type": "kms:key", "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"}
    ]


def test_algorithm_order_does_not_change_the_hash(kms: Any, reader: AccountSession) -> None:
    kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    (raw,) = [item for page in collect_pages(KEY, reader, REGION) for item in page.items]
    shuffled = copy.deepcopy(raw.data)
    algorithms = shuffled["KeyMetadata"]["EncryptionAlgorithms"]
    assert len(algorithms) > 1
    algorithms.reverse()

    assert (
        normalize_resource(KEY, ACCOUNT, REGION, shuffled).hash
        == normalize_resource(KEY, ACCOUNT, REGION, raw.data).hash
    )
