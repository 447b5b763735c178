from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.redshift import CLUSTER, CLUSTER_SUBNET_GROUP
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
ARN = f"arn:aws:redshift:{REGION}:{ACCOUNT}:"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


@pytest.fixture
def warehouse(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        for cidr in ("10.3.1.0/24", "10.3.2.0/24")
    ]
    group = ec2.create_security_group(GroupName="dw", Description="dw", VpcId=vpc)["GroupId"]
    client = member.client("redshift", region_name=REGION)
    client.create_cluster_subnet_group(
        ClusterSubnetGroupName="dw-private",
        Description="private",
        SubnetIds=subnets,
        Tags=[{"Key": "team", "Value": "bi"}],
    )
    client.create_cluster(
        ClusterIdentifier="analytics",
        NodeType="ra3.xlplus",
        MasterUsername="admin_user",
        MasterUserPassword="Not-a-secret-1",
        ClusterType="multi-node",
        NumberOfNodes=2,
        ClusterSubnetGroupName="dw-private",
        VpcSecurityGroupIds=[group],
        Tags=[{"Key": "team", "Value": "bi"}, {"Key": "Name", "Value": "Analytics"}],
    )
    return {"vpc": vpc, "subnets": subnets, "group": group}


def test_cluster(warehouse: dict[str, Any], reader: AccountSession) -> None:
    analytics = collect_resources(CLUSTER, reader, REGION)["analytics"]

    assert analytics.name == "analytics"
    assert analytics.region == REGION and analytics.account == ACCOUNT
    assert analytics.arn == ARN + "cluster:analytics"
    assert analytics.tags == {"Name": "Analytics", "team": "bi"}
    relations = {(r["kind"], r["arn"]) for r in analytics.relations}
    assert ("subnet-group", ARN + "subnetgroup:dw-private") in relations
    assert ("security-group", f"{EC2}security-group/{warehouse['group']}") in relations


def test_cluster_schedule_does_not_change_the_hash(
    warehouse: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(CLUSTER, reader, REGION) for i in p.items]
    later = copy.deepcopy(raw)
    later["NextMaintenanceWindowStartTime"] = "2031-01-01T00:00:00+00:00"
    later["ExpectedNextSnapshotScheduleTime"] = "2031-01-01T00:00:00+00:00"

    assert (
        normalize_resource(CLUSTER, ACCOUNT, REGION, later).hash
        == normalize_resource(CLUSTER, ACCOUNT, REGION, raw).hash
    )


def test_cluster_subnet_group(warehouse: dict[str, Any], reader: AccountSession) -> None:
    group = collect_resources(CLUSTER_SUBNET_GROUP, reader, REGION)["dw-private"]

    assert group.name == "dw-private"
    assert group.region == REGION and group.account == ACCOUNT
    assert group.arn == ARN + "subnetgroup:dw-private"
    assert group.tags == {"team": "bi"}
    assert {r["arn"] for r in group.relations if r["kind"] == "subnet"} == {
        f"{EC2}subnet/{s}" for s in warehouse["subnets"]
    }
