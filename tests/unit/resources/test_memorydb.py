from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.memorydb import CLUSTER
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def memorydb(member: boto3.Session) -> str:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="mdb", Description="mdb", VpcId=vpc)["GroupId"]
    member.client("memorydb", region_name=REGION).create_cluster(
        ClusterName="carts",
        NodeType="db.t4g.small",
        ACLName="open-access",
        SecurityGroupIds=[group],
        Tags=[{"Key": "team", "Value": "shop"}],
    )
    return group


def test_cluster(memorydb: str, reader: AccountSession) -> None:
    carts = collect_resources(CLUSTER, reader, REGION)["carts"]

    assert carts.name == "carts"
    assert carts.region == REGION and carts.account == ACCOUNT
    assert carts.arn == f"arn:aws:memorydb:{REGION}:{ACCOUNT}:cluster/carts"
    assert carts.tags == {"team": "shop"}
    assert {
        "kind": "security-group",
        "type": "ec2:security-group",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{memorydb}",
    } in carts.relations
