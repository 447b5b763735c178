from __future__ import annotations

import json

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.codebuild import PROJECT
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


def test_project(member: boto3.Session, reader: AccountSession) -> None:
    role = member.client("iam").create_role(
        RoleName="build", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    # moto's CodeBuild checks no network ids, and an EC2 backend costs seconds to start.
    vpc, subnet, sg = "vpc-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60718", "sg-0a1b2c3d4e5f60718"
    member.client("codebuild", region_name=REGION).create_project(
        name="api-build",
        source={"type": "S3", "location": "sources/api.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=role,
        vpcConfig={"vpcId": vpc, "subnets": [subnet], "securityGroupIds": [sg]},
        tags=[{"key": "team", "value": "ci"}],
    )

    project = collect_resources(PROJECT, reader, REGION)["api-build"]

    assert project.name == "api-build"
    assert project.region == REGION and project.account == ACCOUNT
    assert project.arn == f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/api-build"
    assert project.tags == {"team": "ci"}
    ec2_arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
    assert project.relations == [
        {
            "kind": "security-group",
            "type": "ec2:security-group",
            "arn": f"{ec2_arn}:security-group/{sg}",
        },
        {"kind": "service-role", "type": "iam:role", "arn": role},
        {"kind": "subnet", "type": "ec2:subnet", "arn": f"{ec2_arn}:subnet/{subnet}"},
        {"kind": "vpc", "type": "ec2:vpc", "arn": f"{ec2_arn}:vpc/{vpc}"},
    ]
