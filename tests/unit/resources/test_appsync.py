from __future__ import annotations

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.appsync import GRAPHQL_API
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/appsync-logs"


def test_graphql_api(member: boto3.Session, reader: AccountSession) -> None:
    api = member.client("appsync", region_name=REGION).create_graphql_api(
        name="catalog",
        authenticationType="API_KEY",
        logConfig={"fieldLogLevel": "ERROR", "cloudWatchLogsRoleArn": ROLE},
        tags={"team": "catalog"},
    )["graphqlApi"]["apiId"]

    found = collect_resources(GRAPHQL_API, reader, REGION)

    catalog = found[api]
    assert catalog.name == "catalog"
    assert catalog.arn == f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{api}"
    assert (catalog.region, catalog.account) == (REGION, ACCOUNT)
    assert catalog.tags == {"team": "catalog"}
    assert catalog.relations == [{"kind": "role", "type": "iam:role", "arn": ROLE}]
