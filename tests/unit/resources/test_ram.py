from __future__ import annotations

import datetime as dt
from typing import Any

from estate.resources.ram import RESOURCE_SHARE
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
SHARE_ID = "7ab63972-b505-7e2a-420d-6f5d3EXAMPLE"
SHARE_ARN = f"arn:aws:ram:{REGION}:{ACCOUNT}:resource-share/{SHARE_ID}"
SUBNET_ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0a1b2c3d4e5f67890"


def _share(arn: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceShareArn": arn,
        "name": "core-network",
        "owningAccountId": ACCOUNT,
        "allowExternalPrincipals": False,
        "status": status,
        "creationTime": dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        "lastUpdatedTime": dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        "featureSet": "STANDARD",
        **extra,
    }


def test_resource_share() -> None:
    # moto 5.2 lacks ListResources.
    deleted = f"arn:aws:ram:{REGION}:{ACCOUNT}:resource-share/0b2e1c34-deleted"
    shares = [
        _share(SHARE_ARN, "ACTIVE", tags=[{"key": "team", "value": "net"}]),
        _share(deleted, "DELETED"),
    ]
    resources = [
        {
            "arn": SUBNET_ARN,
            "type": "ec2:Subnet",
            "resourceShareArn": SHARE_ARN,
            "status": "AVAILABLE",
        }
    ]
    with stubbed("ram", REGION) as (session, stubber):
        stubber.add_response(
            "get_resource_shares",
            {"resourceShares": shares},
            {"resourceOwner": "SELF", "maxResults": 500},
        )
        stubber.add_response(
            "list_resources",
            {"resources": resources},
            {"resourceOwner": "SELF", "resourceShareArns": [SHARE_ARN]},
        )
        found = collect_resources(RESOURCE_SHARE, session, REGION)

    assert set(found) == {SHARE_ID}  # a deleted share is gone
    share = found[SHARE_ID]
    assert share.arn == SHARE_ARN
    assert share.name == "core-network"
    assert share.region == REGION
    assert share.account == ACCOUNT
    assert share.tags == {"team": "net"}
    assert share.relations == [{"kind": "subnet", "type": "ec2:subnet", "arn": SUBNET_ARN}]
