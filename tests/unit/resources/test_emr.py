from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.emr import CLUSTER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def emr(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    client = member.client("emr", region_name=REGION)
    common: dict[str, Any] = {
        "ReleaseLabel": "emr-7.1.0",
        "JobFlowRole": "EMR_EC2_DefaultRole",
        "ServiceRole": "EMR_DefaultRole",
    }
    running = client.run_job_flow(
        Name="analytics",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "SlaveInstanceType": "m5.xlarge",
            "InstanceCount": 3,
            "KeepJobFlowAliveWhenNoSteps": True,
            "Ec2SubnetId": subnet,
        },
        Tags=[{"Key": "team", "Value": "data"}],
        **common,
    )["JobFlowId"]
    done = client.run_job_flow(
        Name="finished",
        Instances={"MasterInstanceType": "m5.xlarge", "InstanceCount": 1},
        **common,
    )["JobFlowId"]
    client.terminate_job_flows(JobFlowIds=[done])
    return {"running": running, "done": done, "subnet": subnet}


def test_cluster_not_yet_terminated(emr: dict[str, Any], reader: AccountSession) -> None:
    found = collect_resources(CLUSTER, reader, REGION)

    assert set(found) == {emr["running"]}  # a terminated cluster is not listed
    analytics = found[emr["running"]]
    assert analytics.name == "analytics"
    assert analytics.region == REGION
    assert analytics.account == ACCOUNT
    assert analytics.arn == (
        f"arn:aws:elasticmapreduce:{REGION}:{ACCOUNT}:cluster/{emr['running']}"
    )
    assert analytics.tags == {"team": "data"}
    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{emr['subnet']}",
    } in analytics.relations


def test_hash_ignores_its_state_and_hours(emr: dict[str, Any], reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(CLUSTER, reader, REGION) for item in page.items]
    later = copy.deepcopy(raw.data)
    later["Status"] = later["Cluster"]["Status"] = {"State": "RUNNING"}
    later["NormalizedInstanceHours"] = later["Cluster"]["NormalizedInstanceHours"] = 96

    original = normalize_resource(CLUSTER, ACCOUNT, REGION, raw.data)

    assert normalize_resource(CLUSTER, ACCOUNT, REGION, later).hash == original.hash
