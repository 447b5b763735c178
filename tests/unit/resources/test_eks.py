from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.eks import ADDON, CLUSTER, FARGATE_PROFILE, NODEGROUP
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
_EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/prod"


@pytest.fixture
def eks(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]["SubnetId"]
        for n in (1, 2)
    ]
    group = ec2.create_security_group(GroupName="eks", Description="eks", VpcId=vpc)["GroupId"]
    iam = member.client("iam")
    role = iam.create_role(RoleName="eks", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    nodes = iam.create_role(RoleName="nodes", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client = member.client("eks", region_name=REGION)
    client.create_cluster(
        name="prod",
        roleArn=role,
        resourcesVpcConfig={"subnetIds": subnets, "securityGroupIds": [group]},
        tags={"team": "platform"},
    )
    client.create_nodegroup(
        clusterName="prod",
        nodegroupName="general",
        nodeRole=nodes,
        subnets=subnets,
        scalingConfig={"minSize": 1, "maxSize": 5, "desiredSize": 2},
        tags={"Name": "General"},
    )
    client.create_fargate_profile(
        clusterName="prod",
        fargateProfileName="jobs",
        podExecutionRoleArn=nodes,
        subnets=subnets[:1],
        selectors=[{"namespace": "jobs"}],
        tags={"tier": "batch"},
    )
    return {"vpc": vpc, "subnets": subnets, "group": group, "role": role, "nodes": nodes}


def test_cluster(eks: dict[str, Any], reader: AccountSession) -> None:
    (prod,) = collect_resources(CLUSTER, reader, REGION).values()

    assert prod.id == prod.name == "prod"
    assert prod.region == REGION
    assert prod.account == ACCOUNT
    assert prod.arn == CLUSTER_ARN
    assert prod.tags == {"team": "platform"}
    edges = {(e["kind"], e["arn"]) for e in prod.relations}
    # moto 5.2 answers no resourcesVpcConfig.vpcId, so no vpc edge here.
    assert {
        ("role", eks["role"]),
        ("security-group", f"{_EC2}security-group/{eks['group']}"),
        *(("subnet", f"{_EC2}subnet/{subnet}") for subnet in eks["subnets"]),
    } <= edges


def test_nodegroup(eks: dict[str, Any], reader: AccountSession) -> None:
    (general,) = collect_resources(NODEGROUP, reader, REGION).values()

    assert general.id == "prod/general"
    assert general.name == "general"
    assert general.region == REGION
    assert general.account == ACCOUNT
    assert general.arn.startswith(f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/prod/general/")
    assert general.arn == general.config["nodegroup"]["nodegroupArn"]
    assert general.tags == {"Name": "General"}
    assert {"kind": "cluster", "type": "eks:cluster", "arn": CLUSTER_ARN} in general.relations
    assert {"kind": "role", "type": "iam:role", "arn": eks["nodes"]} in general.relations
    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": f"{_EC2}subnet/{eks['subnets'][1]}",
    } in general.relations


def test_nodegroup_hash_ignores_the_autoscalers_desired_size(
    eks: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [item for page in collect_pages(NODEGROUP, reader, REGION) for item in page.items]
    scaled = copy.deepcopy(raw.data)
    scaled["nodegroup"]["scalingConfig"]["desiredSize"] = 4
    scaled["nodegroup"]["subnets"].reverse()

    original = normalize_resource(NODEGROUP, ACCOUNT, REGION, raw.data)

    assert normalize_resource(NODEGROUP, ACCOUNT, REGION, scaled).hash == original.hash


def test_fargate_profile(eks: dict[str, Any], reader: AccountSession) -> None:
    (jobs,) = collect_resources(FARGATE_PROFILE, reader, REGION).values()

    assert jobs.id == "prod/jobs"
    assert jobs.name == "jobs"
    assert jobs.region == REGION
    assert jobs.account == ACCOUNT
    assert jobs.arn == jobs.config["profile"]["fargateProfileArn"]
    assert jobs.arn.startswith(f"arn:aws:eks:{REGION}:{ACCOUNT}:fargateprofile/prod/jobs/")
    assert jobs.tags == {"tier": "batch"}
    assert jobs.relations == [
        {"kind": "cluster", "type": "eks:cluster", "arn": CLUSTER_ARN},
        {"kind": "role", "type": "iam:role", "arn": eks["nodes"]},
        {"kind": "subnet", "type": "ec2:subnet", "arn": f"{_EC2}subnet/{eks['subnets'][0]}"},
    ]


def test_addon() -> None:
    # moto 5.2 lacks EKS add-ons (ListAddons, DescribeAddon).
    addon_arn = (
        f"arn:aws:eks:{REGION}:{ACCOUNT}:addon/prod/vpc-cni/a2c9ad6e-5c3e-4f3b-8d0a-2b1f1d4e6a7c"
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/vpc-cni"
    described = {
        "addon": {
            "addonName": "vpc-cni",
            "clusterName": "prod",
            "status": "ACTIVE",
            "addonVersion": "v1.18.1-eksbuild.1",
            "health": {"issues": []},
            "addonArn": addon_arn,
            "serviceAccountRoleArn": role,
            "tags": {"team": "platform"},
        }
    }
    with stubbed("eks", REGION) as (session, stubber):
        stubber.add_response("list_clusters", {"clusters": ["prod"]}, {"maxResults": 100})
        stubber.add_response(
            "list_addons", {"addons": ["vpc-cni"]}, {"clusterName": "prod", "maxResults": 100}
        )
        stubber.add_response(
            "describe_addon", described, {"clusterName": "prod", "addonName": "vpc-cni"}
        )
        (cni,) = collect_resources(ADDON, session, REGION).values()

    assert cni.id == "prod/vpc-cni"
    assert cni.name == "vpc-cni"
    assert cni.region == REGION
    assert cni.account == ACCOUNT
    assert cni.arn == addon_arn
    assert cni.tags == {"team": "platform"}
    assert cni.relations == [
        {"kind": "cluster", "type": "eks:cluster", "arn": CLUSTER_ARN},
        {"kind": "role", "type": "iam:role", "arn": role},
    ]
