from __future__ import annotations

import copy
import dataclasses
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.wafv2 import IP_SET, RULE_GROUP, WEB_ACL
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
VISIBILITY = {
    "SampledRequestsEnabled": False,
    "CloudWatchMetricsEnabled": False,
    "MetricName": "m",
}


@pytest.fixture
def waf(member: boto3.Session) -> Any:
    return member.client("wafv2", region_name=REGION)


def _block(name: str, ip_set_arn: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": 0,
        "Statement": {"IPSetReferenceStatement": {"ARN": ip_set_arn}},
        "Action": {"Block": {}},
        "VisibilityConfig": VISIBILITY,
    }


def _ip_set(waf: Any) -> dict[str, Any]:
    return waf.create_ip_set(
        Name="blocked",
        Scope="REGIONAL",
        IPAddressVersion="IPV4",
        Addresses=["192.0.2.0/24", "198.51.100.0/24"],
        Tags=[{"Key": "team", "Value": "sec"}],
    )["Summary"]


def test_ip_set(waf: Any, reader: AccountSession) -> None:
    summary = _ip_set(waf)

    ip_set = collect_resources(IP_SET, reader, REGION)[summary["Id"]]

    assert ip_set.arn == (
        f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/ipset/blocked/{summary['Id']}"
    )
    assert ip_set.name == "blocked"
    assert ip_set.region == REGION
    assert ip_set.account == ACCOUNT
    assert ip_set.tags == {"team": "sec"}
    assert sorted(ip_set.config["IPSet"]["Addresses"]) == ["192.0.2.0/24", "198.51.100.0/24"]
    assert "LockToken" not in ip_set.config


def test_addresses_in_any_order_and_a_new_lock_token_hash_the_same(
    waf: Any, reader: AccountSession
) -> None:
    _ip_set(waf)
    (raw,) = [item for page in collect_pages(IP_SET, reader, REGION) for item in page.items]
    moved = copy.deepcopy(raw.data)
    moved["IPSet"]["Addresses"].reverse()
    moved["LockToken"] = "another-token"

    assert (
        normalize_resource(IP_SET, ACCOUNT, REGION, moved).hash
        == normalize_resource(IP_SET, ACCOUNT, REGION, raw.data).hash
    )


def test_web_acl(waf: Any, reader: AccountSession) -> None:
    ip_set = _ip_set(waf)
    summary = waf.create_web_acl(
        Name="shop",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[_block("block-bad", ip_set["ARN"])],
        VisibilityConfig=VISIBILITY,
        Tags=[{"Key": "team", "Value": "shop"}],
    )["Summary"]

    acl = collect_resources(WEB_ACL, reader, REGION)[summary["Id"]]

    assert acl.arn == f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/shop/{summary['Id']}"
    assert acl.name == "shop"
    assert acl.region == REGION
    assert acl.account == ACCOUNT
    assert acl.tags == {"team": "shop"}
    assert acl.relations == [{"kind": "ip-set", "type": "wafv2:ip-set", "arn": ip_set["ARN"]}]


def test_rule_group(waf: Any, reader: AccountSession) -> None:
    ip_set = _ip_set(waf)
    summary = waf.create_rule_group(
        Name="edge",
        Scope="REGIONAL",
        Capacity=10,
        Rules=[_block("block-bad", ip_set["ARN"])],
        VisibilityConfig=VISIBILITY,
        Tags=[{"Key": "team", "Value": "sec"}],
    )["Summary"]

    group = collect_resources(RULE_GROUP, reader, REGION)[summary["Id"]]

    assert group.arn == (
        f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/rulegroup/edge/{summary['Id']}"
    )
    assert group.name == "edge"
    assert group.region == REGION
    assert group.account == ACCOUNT
    assert group.tags == {"team": "sec"}
    assert group.relations == [{"kind": "ip-set", "type": "wafv2:ip-set", "arn": ip_set["ARN"]}]


def test_web_acls_on_every_page_are_collected(waf: Any, reader: AccountSession) -> None:
    for n in range(3):
        waf.create_web_acl(
            Name=f"acl-{n}",
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            VisibilityConfig=VISIBILITY,
        )
    spec = dataclasses.replace(WEB_ACL, params={"Scope": "REGIONAL", "Limit": 2})

    pages = collect_pages(spec, reader, REGION)

    assert len(pages) == 2
    assert {item.data["Name"] for page in pages for item in page.items} == {
        "acl-0",
        "acl-1",
        "acl-2",
    }
