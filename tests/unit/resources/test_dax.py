from __future__ import annotations

import copy

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.dax import CLUSTER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dax-access"


@pytest.fixture
def dax(member: boto3.Session) -> None:
    member.client("dax", region_name=REGION).create_cluster(
        ClusterName="hot-reads",
        NodeType="dax.t3.small",
        ReplicationFactor=2,
        IamRoleArn=ROLE,
        Tags=[{"Key": "team", "Value": "api"}],
    )


def test_cluster(dax: None, reader: AccountSession) -> None:
    hot = collect_resources(CLUSTER, reader, REGION)["hot-reads"]

    assert hot.name == "hot-reads"
    assert hot.region == REGION and hot.account == ACCOUNT
    assert hot.arn == f"arn:aws:dax:{REGION}:{ACCOUNT}:cache/hot-reads"
    assert hot.tags == {"team": "api"}
    assert {"kind": "role", "type": "iam:role", "arn": ROLE} in hot.relations


def test_node_status_does_not_change_the_hash(dax: None, reader: AccountSession) -> None:
    (raw,) = [i.data for p in collect_pages(CLUSTER, reader, REGION) for i in p.items]
    # moto 5.2 answers no Nodes while the cluster is creating: two, as AWS lists them.
    raw["Nodes"] = [
        {"NodeId": f"hot-reads-{n}", "AvailabilityZone": f"{REGION}{z}", "NodeStatus": "available"}
        for n, z in (("a", "a"), ("b", "b"))
    ]
    later = copy.deepcopy(raw)
    later["ActiveNodes"] = 1
    later["Nodes"] = [{**n, "NodeStatus": "rebooting"} for n in reversed(raw["Nodes"])]

    assert (
        normalize_resource(CLUSTER, ACCOUNT, REGION, later).hash
        == normalize_resource(CLUSTER, ACCOUNT, REGION, raw).hash
    )
