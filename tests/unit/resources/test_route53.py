from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.route53 import HEALTH_CHECK, HOSTED_ZONE, RECORD_SET
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources


@pytest.fixture
def route53(member: boto3.Session) -> Any:
    return member.client("route53", region_name="us-east-1")


@pytest.fixture
def zone(route53: Any) -> str:
    zone_id = route53.create_hosted_zone(Name="example.com", CallerReference="zone-1")[
        "HostedZone"
    ]["Id"].removeprefix("/hostedzone/")
    route53.change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": "team", "Value": "dns"}]
    )
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "www.example.com.",
                "Type": "A",
                "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.1"}, {"Value": "192.0.2.2"}],
            },
        },
        *(
            {
                "Action": "CREATE",
                "ResourceRecordSet": {
                    "Name": "api.example.com.",
                    "Type": "CNAME",
                    "SetIdentifier": region,
                    "Region": region,
                    "TTL": 60,
                    "ResourceRecords": [{"Value": f"api.{region}.example.net"}],
                },
            }
            for region in ("eu-west-1", "us-east-1")
        ),
    ]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    return zone_id


def test_hosted_zone(zone: str, reader: AccountSession) -> None:
    found = collect_resources(HOSTED_ZONE, reader, GLOBAL_REGION)

    hosted = found[zone]  # the bare id, not /hostedzone/…
    assert hosted.name == "example.com."
    assert hosted.arn == f"arn:aws:route53:::hostedzone/{zone}"
    assert (hosted.region, hosted.account) == (GLOBAL_REGION, ACCOUNT)
    assert hosted.tags == {"team": "dns"}
    assert hosted.relations == []


def test_record_count_does_not_change_the_zones_hash(zone: str, reader: AccountSession) -> None:
    (raw,) = [i.data for p in collect_pages(HOSTED_ZONE, reader, GLOBAL_REGION) for i in p.items]
    busier = copy.deepcopy(raw)
    busier["ResourceRecordSetCount"] = 1000

    original = normalize_resource(HOSTED_ZONE, ACCOUNT, GLOBAL_REGION, raw)

    assert normalize_resource(HOSTED_ZONE, ACCOUNT, GLOBAL_REGION, busier).hash == original.hash


def test_record_sets(zone: str, reader: AccountSession) -> None:
    found = collect_resources(RECORD_SET, reader, GLOBAL_REGION)

    www = found[f"{zone}/www.example.com./A"]
    assert www.name == "www.example.com."
    assert www.arn == f"arn:aws:route53:::hostedzone/{zone}/www.example.com./A"
    assert (www.region, www.account) == (GLOBAL_REGION, ACCOUNT)
    assert www.tags == {}
    assert www.relations == [
        {
            "kind": "hosted-zone",
            "type": "route53:hosted-zone",
            "arn": f"arn:aws:route53:::hostedzone/{zone}",
        }
    ]
    # Latency records of one name and type are told apart by their set identifier.
    assert {
        f"{zone}/api.example.com./CNAME/eu-west-1",
        f"{zone}/api.example.com./CNAME/us-east-1",
    } <= set(found)
    assert f"{zone}/example.com./SOA" in found


def test_record_values_in_another_order_hash_the_same(zone: str, reader: AccountSession) -> None:
    raw = next(
        i.data
        for p in collect_pages(RECORD_SET, reader, GLOBAL_REGION)
        for i in p.items
        if i.data["Type"] == "A"
    )
    shuffled = copy.deepcopy(raw)
    shuffled["ResourceRecords"].reverse()

    original = normalize_resource(RECORD_SET, ACCOUNT, GLOBAL_REGION, raw)

    assert normalize_resource(RECORD_SET, ACCOUNT, GLOBAL_REGION, shuffled).hash == original.hash


def test_health_check(route53: Any, reader: AccountSession) -> None:
    parent = route53.create_health_check(
        CallerReference="hc-2",
        HealthCheckConfig={"Type": "CALCULATED", "ChildHealthChecks": [], "HealthThreshold": 1},
    )["HealthCheck"]["Id"]
    child = route53.create_health_check(
        CallerReference="hc-1",
        HealthCheckConfig={
            "Type": "HTTPS",
            "FullyQualifiedDomainName": "www.example.com",
            "Port": 443,
            "ResourcePath": "/health",
        },
    )["HealthCheck"]["Id"]
    route53.update_health_check(HealthCheckId=parent, ChildHealthChecks=[child])
    route53.change_tags_for_resource(
        ResourceType="healthcheck", ResourceId=child, AddTags=[{"Key": "Name", "Value": "www"}]
    )

    found = collect_resources(HEALTH_CHECK, reader, GLOBAL_REGION)

    www = found[child]
    assert www.name == "www"  # the Name tag
    assert www.arn == f"arn:aws:route53:::healthcheck/{child}"
    assert (www.region, www.account) == (GLOBAL_REGION, ACCOUNT)
    assert www.tags == {"Name": "www"}
    assert found[parent].relations == [
        {
            "kind": "child",
            "type": "route53:health-check",
            "arn": f"arn:aws:route53:::healthcheck/{child}",
        }
    ]
