from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.batch import COMPUTE_ENVIRONMENT, JOB_DEFINITION, JOB_QUEUE
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:"
_EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


@pytest.fixture
def batch(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
    iam = member.client("iam")
    role = iam.create_role(RoleName="batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    job_role = iam.create_role(RoleName="job", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client = member.client("batch", region_name=REGION)
    environment = client.create_compute_environment(
        computeEnvironmentName="spot",
        type="MANAGED",
        state="ENABLED",
        serviceRole=role,
        computeResources={
            "type": "FARGATE",
            "maxvCpus": 16,
            "subnets": [subnet],
            "securityGroupIds": [group],
        },
        tags={"team": "data"},
    )["computeEnvironmentArn"]
    client.create_job_queue(
        jobQueueName="nightly",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
        tags={"Name": "Nightly"},
    )
    container = {"image": "busybox", "vcpus": 1, "memory": 512, "jobRoleArn": job_role}
    for memory in (512, 1024):
        client.register_job_definition(
            jobDefinitionName="etl",
            type="container",
            containerProperties={**container, "memory": memory},
            tags={"team": "data"},
        )
    return {"subnet": subnet, "group": group, "role": role, "job_role": job_role}


def test_compute_environment(batch: dict[str, Any], reader: AccountSession) -> None:
    (spot,) = collect_resources(COMPUTE_ENVIRONMENT, reader, REGION).values()

    assert spot.id == spot.name == "spot"
    assert spot.region == REGION
    assert spot.account == ACCOUNT
    assert spot.arn == f"{_ARN}compute-environment/spot"
    assert spot.tags == {"team": "data"}
    edges = {(e["kind"], e["arn"]) for e in spot.relations}
    assert {
        ("role", batch["role"]),
        ("subnet", f"{_EC2}subnet/{batch['subnet']}"),
        ("security-group", f"{_EC2}security-group/{batch['group']}"),
    } <= edges


def test_compute_environment_hash_ignores_desired_vcpus(
    batch: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [
        item for page in collect_pages(COMPUTE_ENVIRONMENT, reader, REGION) for item in page.items
    ]
    busy = copy.deepcopy(raw.data)
    busy["computeResources"]["desiredvCpus"] = 12

    original = normalize_resource(COMPUTE_ENVIRONMENT, ACCOUNT, REGION, raw.data)

    assert normalize_resource(COMPUTE_ENVIRONMENT, ACCOUNT, REGION, busy).hash == original.hash


def test_job_queue(batch: dict[str, Any], reader: AccountSession) -> None:
    (nightly,) = collect_resources(JOB_QUEUE, reader, REGION).values()

    assert nightly.id == nightly.name == "nightly"
    assert nightly.region == REGION
    assert nightly.account == ACCOUNT
    assert nightly.arn == f"{_ARN}job-queue/nightly"
    assert nightly.tags == {"Name": "Nightly"}
    assert nightly.relations == [
        {
            "kind": "compute-environment",
            "type": "batch:compute-environment",
            "arn": f"{_ARN}compute-environment/spot",
        }
    ]


def test_job_definition_revisions(batch: dict[str, Any], reader: AccountSession) -> None:
    found = collect_resources(JOB_DEFINITION, reader, REGION)

    assert set(found) == {"etl:1", "etl:2"}
    second = found["etl:2"]
    assert second.name == "etl"
    assert second.region == REGION
    assert second.account == ACCOUNT
    assert second.arn == f"{_ARN}job-definition/etl:2"
    assert second.tags == {"team": "data"}
    assert second.config["containerProperties"]["memory"] == 1024
    assert {"kind": "role", "type": "iam:role", "arn": batch["job_role"]} in second.relations
