from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.registry import REGISTRY
from estate.resources.sesv2 import CONFIGURATION_SET, EMAIL_IDENTITY
from estate.resources.spec import ResourceSpec
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.test_athena import check_against_the_model

REGION = "eu-west-1"
SES = f"arn:aws:ses:{REGION}:{ACCOUNT}"


@pytest.mark.parametrize("spec", [CONFIGURATION_SET, EMAIL_IDENTITY], ids=lambda s: s.type)
def test_paths_resolve_in_the_api_shapes(spec: ResourceSpec) -> None:
    check_against_the_model(spec)


@pytest.fixture
def ses(member: boto3.Session) -> Any:
    client = member.client("sesv2", region_name=REGION)
    client.create_configuration_set(
        ConfigurationSetName="marketing", Tags=[{"Key": "team", "Value": "growth"}]
    )
    client.create_email_identity(
        EmailIdentity="example.com",
        ConfigurationSetName="marketing",
        Tags=[{"Key": "team", "Value": "growth"}],
    )
    return client


def test_configuration_set(ses: Any, reader: AccountSession) -> None:
    marketing = collect_resources(CONFIGURATION_SET, reader, REGION)["marketing"]

    assert marketing.name == "marketing"
    assert marketing.region == REGION and marketing.account == ACCOUNT
    assert marketing.arn == f"{SES}:configuration-set/marketing"
    assert marketing.tags == {"team": "growth"}


def test_email_identity(ses: Any, reader: AccountSession, monkeypatch: pytest.MonkeyPatch) -> None:
    # Edges by name take the target's template from the registry, which has no SES yet.
    monkeypatch.setitem(REGISTRY, CONFIGURATION_SET.type, CONFIGURATION_SET)

    domain = collect_resources(EMAIL_IDENTITY, reader, REGION)["example.com"]

    assert domain.name == "example.com"
    assert domain.region == REGION and domain.account == ACCOUNT
    assert domain.arn == f"{SES}:identity/example.com"
    assert domain.tags == {"team": "growth"}
    assert domain.relations == [
        {
            "kind": "configuration-set",
            "type": "sesv2:configuration-set",
            "arn": f"{SES}:configuration-set/marketing",
        }
    ]


def test_dkim_key_rotation_does_not_change_the_hash(ses: Any, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(EMAIL_IDENTITY, reader, REGION) for item in page.items]
    rotated = copy.deepcopy(raw.data)
    rotated["Identity"]["DkimAttributes"]["NextSigningKeyLength"] = "RSA_2048_BIT"

    assert (
        normalize_resource(EMAIL_IDENTITY, ACCOUNT, REGION, rotated).hash
        == normalize_resource(EMAIL_IDENTITY, ACCOUNT, REGION, raw.data).hash
    )
