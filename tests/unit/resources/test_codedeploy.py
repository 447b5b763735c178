from __future__ import annotations

import json

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.codedeploy import APPLICATION, DEPLOYMENT_GROUP
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ARN = f"arn:aws:codedeploy:{REGION}:{ACCOUNT}"


def test_application_and_deployment_groups(member: boto3.Session, reader: AccountSession) -> None:
    role = member.client("iam").create_role(
        RoleName="deploy", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    client = member.client("codedeploy", region_name=REGION)
    for app in ("web", "api"):
        client.create_application(applicationName=app, computePlatform="Server")
        client.create_deployment_group(
            applicationName=app, deploymentGroupName="prod", serviceRoleArn=role
        )

    apps = collect_resources(APPLICATION, reader, REGION)
    groups = collect_resources(DEPLOYMENT_GROUP, reader, REGION)

    web = apps["web"]
    assert web.name == "web"
    assert web.region == REGION and web.account == ACCOUNT
    assert web.arn == f"{ARN}:application:web"
    assert web.tags == {}
    assert web.config["Application"]["computePlatform"] == "Server"
    assert set(groups) == {"web/prod", "api/prod"}  # one name in two applications
    prod = groups["web/prod"]
    assert prod.name == "prod"
    assert prod.region == REGION and prod.account == ACCOUNT
    assert prod.arn == f"{ARN}:deploymentgroup:web/prod"
    assert prod.relations == [
        {"kind": "application", "type": "codedeploy:application", "arn": f"{ARN}:application:web"},
        {"kind": "service-role", "type": "iam:role", "arn": role},
    ]
