from __future__ import annotations

import json

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.codepipeline import PIPELINE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
# moto checks that CodePipeline may assume the role.
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "codepipeline.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _action(name: str, category: str, provider: str, **config: str) -> dict[str, object]:
    return {
        "name": name,
        "actionTypeId": {
            "category": category,
            "owner": "AWS",
            "provider": provider,
            "version": "1",
        },
        "configuration": config,
        **({"outputArtifacts": [{"name": "src"}]} if category == "Source" else {}),
        **({"inputArtifacts": [{"name": "src"}]} if category != "Source" else {}),
    }


def test_pipeline(member: boto3.Session, reader: AccountSession) -> None:
    role = member.client("iam").create_role(
        RoleName="pipeline", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]["Arn"]
    member.client("codepipeline", region_name=REGION).create_pipeline(
        pipeline={
            "name": "release",
            "roleArn": role,
            "artifactStore": {"type": "S3", "location": "release-artifacts"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        _action("s3", "Source", "S3", S3Bucket="sources", S3ObjectKey="a.zip")
                    ],
                },
                {"name": "Build", "actions": [_action("b", "Build", "CodeBuild", ProjectName="b")]},
            ],
        },
        tags=[{"key": "team", "value": "ci"}],
    )

    pipeline = collect_resources(PIPELINE, reader, REGION)["release"]

    assert pipeline.name == "release"
    assert pipeline.region == REGION and pipeline.account == ACCOUNT
    assert pipeline.arn == f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:release"
    assert pipeline.tags == {"team": "ci"}
    assert pipeline.relations == [
        {"kind": "artifact-bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::release-artifacts"},
        {"kind": "role", "type": "iam:role", "arn": role},
    ]
