from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.elasticache import CACHE_CLUSTER, REPLICATION_GROUP, SUBNET_GROUP
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
ARN = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


@pytest.fixture
def cache(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        for cidr in ("10.1.1.0/24", "10.1.2.0/24")
    ]
    client = member.client("elasticache", region_name=REGION)
    client.create_cache_subnet_group(
        CacheSubnetGroupName="cache-private",
        CacheSubnetGroupDescription="private",
        SubnetIds=subnets,
        Tags=[{"Key": "team", "Value": "web"}],
    )
    client.create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        CacheSubnetGroupName="cache-private",
        Tags=[{"Key": "team", "Value": "web"}],
    )
    client.create_cache_cluster(
        CacheClusterId="pages",
        Engine="memcached",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache-private",
        Tags=[{"Key": "team", "Value": "web"}, {"Key": "Name", "Value": "Page cache"}],
    )
    return {"vpc": vpc, "subnets": subnets, "client": client}


def test_cache_cluster(cache: dict[str, Any], reader: AccountSession) -> None:
    pages = collect_resources(CACHE_CLUSTER, reader, REGION)["pages"]

    assert pages.name == "pages"  # the id, not the Name tag
    assert pages.region == REGION
    assert pages.account == ACCOUNT
    assert pages.arn == ARN + "cluster:pages"
    assert pages.tags == {"Name": "Page cache", "team": "web"}
    assert {
        "kind": "subnet-group",
        "type": "elasticache:subnet-group",
        "arn": ARN + "subnetgroup:cache-private",
    } in pages.relations


def test_replication_group(cache: dict[str, Any], reader: AccountSession) -> None:
    sessions = collect_resources(REPLICATION_GROUP, reader, REGION)["sessions"]

    assert sessions.name == "sessions"
    assert sessions.region == REGION and sessions.account == ACCOUNT
    assert sessions.arn == ARN + "replicationgroup:sessions"
    assert sessions.tags == {"team": "web"}
    members = sessions.config["MemberClusters"]  # moto makes one member whatever is asked
    assert members
    assert {r["arn"] for r in sessions.relations if r["kind"] == "cache-cluster"} == {
        f"{ARN}cluster:{m}" for m in members
    }


def test_replication_group_member_order_does_not_change_the_hash(
    cache: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(REPLICATION_GROUP, reader, REGION) for i in p.items]
    raw["MemberClusters"] = ["sessions-001", "sessions-002"]
    shuffled = copy.deepcopy(raw)
    shuffled["MemberClusters"].reverse()

    assert (
        normalize_resource(REPLICATION_GROUP, ACCOUNT, REGION, shuffled).hash
        == normalize_resource(REPLICATION_GROUP, ACCOUNT, REGION, raw).hash
    )


def test_subnet_group(cache: dict[str, Any], reader: AccountSession) -> None:
    group = collect_resources(SUBNET_GROUP, reader, REGION)["cache-private"]

    assert group.name == "cache-private"
    assert group.region == REGION and group.account == ACCOUNT
    assert group.arn == ARN + "subnetgroup:cache-private"
    assert group.tags == {"team": "web"}
    assert {r["arn"] for r in group.relations if r["kind"] == "subnet"} == {
        f"{EC2}subnet/{s}" for s in cache["subnets"]
    }
    assert {"kind": "vpc", "type": "ec2:vpc", "arn": f"{EC2}vpc/{cache['vpc']}"} in (
        group.relations
    )
