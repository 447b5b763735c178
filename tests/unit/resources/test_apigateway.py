from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.apigateway import REST_API, STAGE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def api(member: boto3.Session) -> tuple[Any, str]:
    client = member.client("apigateway", region_name=REGION)
    api_id = client.create_rest_api(name="shop", tags={"team": "web"})["id"]
    root = client.get_resources(restApiId=api_id)["items"][0]["id"]
    client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = client.create_deployment(restApiId=api_id)["id"]
    client.create_stage(
        restApiId=api_id, stageName="prod", deploymentId=deployment, tags={"env": "prod"}
    )
    return client, api_id


def test_rest_api(api: tuple[Any, str], reader: AccountSession) -> None:
    _, api_id = api

    found = collect_resources(REST_API, reader, REGION)

    shop = found[api_id]
    assert shop.name == "shop"
    assert shop.arn == f"arn:aws:apigateway:{REGION}::/restapis/{api_id}"
    assert (shop.region, shop.account) == (REGION, ACCOUNT)
    assert shop.tags == {"team": "web"}


def test_stage(api: tuple[Any, str], reader: AccountSession) -> None:
    _, api_id = api

    found = collect_resources(STAGE, reader, REGION)

    prod = found[f"{api_id}/stages/prod"]
    assert prod.name == "prod"
    assert prod.arn == f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/prod"
    assert (prod.region, prod.account) == (REGION, ACCOUNT)
    assert prod.tags == {"env": "prod"}
    assert prod.relations == [
        {
            "kind": "rest-api",
            "type": "apigateway:rest-api",
            "arn": f"arn:aws:apigateway:{REGION}::/restapis/{api_id}",
        }
    ]
