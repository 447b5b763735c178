from __future__ import annotations

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.ecr import REPOSITORY
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


def test_repository(member: boto3.Session, reader: AccountSession) -> None:
    key = member.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    client = member.client("ecr", region_name=REGION)
    client.create_repository(
        repositoryName="team/web",
        tags=[{"Key": "team", "Value": "web"}],
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
    )
    client.create_repository(repositoryName="bare")

    found = collect_resources(REPOSITORY, reader, REGION)

    web = found["team/web"]
    assert web.name == "team/web"
    assert web.region == REGION
    assert web.account == ACCOUNT
    assert web.arn == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/web"
    assert web.tags == {"team": "web"}
    assert web.relations == [{"kind": "kms-key", "type": "kms:key", "arn": key}]
    assert found["bare"].tags == {}
