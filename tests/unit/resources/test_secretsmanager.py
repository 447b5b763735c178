from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.secretsmanager import SECRET
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def secrets(member: boto3.Session) -> Any:
    return member.client("secretsmanager", region_name=REGION)


def test_secret(secrets: Any, member: boto3.Session, reader: AccountSession) -> None:
    kms = member.client("kms", region_name=REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    arn = secrets.create_secret(
        Name="orders/db",
        SecretString="hunter2-not-collected",
        KmsKeyId=key_id,
        Tags=[{"Key": "team", "Value": "shop"}],
    )["ARN"]
    secrets.create_secret(Name="plain", SecretString="x", KmsKeyId="alias/orders")

    found = collect_resources(SECRET, reader, REGION)

    secret = found["orders/db"]
    assert secret.arn == arn
    assert arn.startswith(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders/db-")
    assert secret.name == "orders/db"
    assert secret.region == REGION
    assert secret.account == ACCOUNT
    assert secret.tags == {"team": "shop"}
    assert "hunter2-not-collected" not in str(secret.config)
    assert secret.relations == [
        {
            "kind": "kms-key",
            "type": "kms:key",
            "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
        }
    ]
    # An alias is an edge to the alias, never a key ARN made of the alias name.
    assert found["plain"].relations == [
        {
            "kind": "kms-alias",
            "type": "kms:alias",
            "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders",
        }
    ]


def test_a_new_value_does_not_change_the_hash(secrets: Any, reader: AccountSession) -> None:
    secrets.create_secret(Name="token", SecretString="one")
    before = collect_resources(SECRET, reader, REGION)["token"]
    secrets.put_secret_value(SecretId="token", SecretString="two")
    (raw,) = [item for page in collect_pages(SECRET, reader, REGION) for item in page.items]
    accessed = copy.deepcopy(raw.data)
    accessed["LastAccessedDate"] = "2030-01-01T00:00:00+00:00"

    assert collect_resources(SECRET, reader, REGION)["token"].hash == before.hash
    assert normalize_resource(SECRET, ACCOUNT, REGION, accessed).hash == before.hash
