from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.apigatewayv2 import API, STAGE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api-access"


@pytest.fixture
def api(member: boto3.Session) -> str:
    client = member.client("apigatewayv2", region_name=REGION)
    api_id = client.create_api(Name="orders", ProtocolType="HTTP", Tags={"team": "shop"})["ApiId"]
    client.create_stage(
        ApiId=api_id,
        StageName="live",
        AccessLogSettings={"DestinationArn": LOGS, "Format": "$context.requestId"},
        Tags={"env": "live"},
    )
    return str(api_id)


def test_api(api: str, reader: AccountSession) -> None:
    found = collect_resources(API, reader, REGION)

    orders = found[api]
    assert orders.name == "orders"
    assert orders.arn == f"arn:aws:apigateway:{REGION}::/apis/{api}"
    assert (orders.region, orders.account) == (REGION, ACCOUNT)
    assert orders.tags == {"team": "shop"}


def test_stage(api: str, reader: AccountSession) -> None:
    found = collect_resources(STAGE, reader, REGION)

    live = found[f"{api}/stages/live"]
    assert live.name == "live"
    assert live.arn == f"arn:aws:apigateway:{REGION}::/apis/{api}/stages/live"
    assert (live.region, live.account) == (REGION, ACCOUNT)
    assert live.tags == {"env": "live"}
    assert live.relations == [
        {
            "kind": "api",
            "type": "apigatewayv2:api",
            "arn": f"arn:aws:apigateway:{REGION}::/apis/{api}",
        },
        {"kind": "log-group", "type": "logs:log-group", "arn": LOGS},
    ]
