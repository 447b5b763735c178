from __future__ import annotations

import copy
import dataclasses

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.glacier import VAULT
from tests.unit.resources.collecting import ACCOUNT, collect_pages
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/"


@pytest.fixture
def vaults(member: boto3.Session) -> None:
    client = member.client("glacier", region_name=REGION)
    client.create_vault(vaultName="archive-2019")


def test_vault_listed_in_moto(vaults: None, reader: AccountSession) -> None:
    # moto 5.2 lacks ListTagsForVault: the listing is checked here, the tags with a stub below.
    (page,) = collect_pages(dataclasses.replace(VAULT, details=()), reader, REGION)
    (item,) = page.items
    assert item.data["VaultName"] == "archive-2019"
    assert item.data["VaultARN"] == ARN + "archive-2019"


def test_vault() -> None:
    vault = {
        "VaultARN": ARN + "archive-2019",
        "VaultName": "archive-2019",
        "CreationDate": "2019-03-01T10:00:00.000Z",
        "LastInventoryDate": "2026-12-06T04:12:31.000Z",
        "NumberOfArchives": 1520,
        "SizeInBytes": 51539607552,
    }
    with stubbed("glacier", REGION) as (session, stubber):
        stubber.add_response(
            "list_vaults", {"VaultList": [vault]}, {"accountId": "-", "limit": "1000"}
        )
        stubber.add_response(
            "list_tags_for_vault",
            {"Tags": {"team": "records", "retention": "10y"}},
            {"accountId": "-", "vaultName": "archive-2019"},
        )
        (raw,) = [i.data for p in collect_pages(VAULT, session, REGION) for i in p.items]

    found = normalize_resource(VAULT, ACCOUNT, REGION, raw)
    assert found.name == found.id == "archive-2019"
    assert found.region == REGION and found.account == ACCOUNT
    assert found.arn == ARN + "archive-2019"
    assert found.tags == {"retention": "10y", "team": "records"}
    assert found.relations == []  # a vault points at nothing
    assert "SizeInBytes" not in found.config
    grown = copy.deepcopy(raw)
    grown.update(NumberOfArchives=1600, SizeInBytes=60000000000)
    assert normalize_resource(VAULT, ACCOUNT, REGION, grown).hash == found.hash
