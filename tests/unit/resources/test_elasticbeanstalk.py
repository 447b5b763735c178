from __future__ import annotations

import copy

import boto3

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.elasticbeanstalk import APPLICATION, ENVIRONMENT
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
_ARN = f"arn:aws:elasticbeanstalk:{REGION}:{ACCOUNT}:"


def _shop(member: boto3.Session) -> None:
    client = member.client("elasticbeanstalk", region_name=REGION)
    client.create_application(ApplicationName="shop", Tags=[{"Key": "team", "Value": "web"}])
    client.create_environment(
        ApplicationName="shop",
        EnvironmentName="shop-prod",
        SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Python 3.11",
        Tags=[{"Key": "stage", "Value": "prod"}],
    )


def test_application() -> None:
    # moto 5.2 lacks an application's tags (ListTagsForResource answers ResourceNotFound)
    # and its ResourceLifecycleConfig.
    role = f"arn:aws:iam::{ACCOUNT}:role/eb-lifecycle"
    shop = {
        "ApplicationArn": f"{_ARN}application/shop",
        "ApplicationName": "shop",
        "DateCreated": "2030-01-01T00:00:00Z",
        "Versions": ["v2", "v1"],
        "ConfigurationTemplates": [],
        "ResourceLifecycleConfig": {
            "ServiceRole": role,
            "VersionLifecycleConfig": {"MaxCountRule": {"Enabled": True, "MaxCount": 200}},
        },
    }
    with stubbed("elasticbeanstalk", REGION) as (session, stubber):
        stubber.add_response("describe_applications", {"Applications": [shop]}, {})
        stubber.add_response(
            "list_tags_for_resource",
            {
                "ResourceArn": shop["ApplicationArn"],
                "ResourceTags": [{"Key": "team", "Value": "web"}],
            },
            {"ResourceArn": shop["ApplicationArn"]},
        )
        (found,) = collect_resources(APPLICATION, session, REGION).values()

    assert found.id == found.name == "shop"
    assert found.region == REGION
    assert found.account == ACCOUNT
    assert found.arn == f"{_ARN}application/shop"
    assert found.tags == {"team": "web"}
    assert found.config["Versions"] == ["v1", "v2"]
    assert found.relations == [{"kind": "service-role", "type": "iam:role", "arn": role}]


def test_environment(member: boto3.Session, reader: AccountSession) -> None:
    _shop(member)

    (prod,) = collect_resources(ENVIRONMENT, reader, REGION).values()

    assert prod.id == "shop/shop-prod"
    assert prod.name == "shop-prod"
    assert prod.region == REGION
    assert prod.account == ACCOUNT
    assert prod.arn == f"{_ARN}environment/shop/shop-prod"
    assert prod.tags["stage"] == "prod"
    assert prod.relations == [
        {
            "kind": "application",
            "type": "elasticbeanstalk:application",
            "arn": f"{_ARN}application/shop",
        }
    ]


def test_environment_hash_ignores_its_health(member: boto3.Session, reader: AccountSession) -> None:
    _shop(member)
    (raw,) = [item for page in collect_pages(ENVIRONMENT, reader, REGION) for item in page.items]
    degraded = copy.deepcopy(raw.data)
    degraded.update(Health="Red", HealthStatus="Degraded", AbortableOperationInProgress=True)

    original = normalize_resource(ENVIRONMENT, ACCOUNT, REGION, raw.data)

    assert normalize_resource(ENVIRONMENT, ACCOUNT, REGION, degraded).hash == original.hash
