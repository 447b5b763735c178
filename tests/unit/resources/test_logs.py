from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.logs import LOG_GROUP, METRIC_FILTER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def logs(member: boto3.Session) -> Any:
    client = member.client("logs", region_name=REGION)
    client.create_log_group(logGroupName="/app/web", tags={"team": "web"}, kmsKeyId=KEY)
    client.put_retention_policy(logGroupName="/app/web", retentionInDays=30)
    client.create_log_group(logGroupName="/app/worker")
    client.put_metric_filter(
        logGroupName="/app/web",
        filterName="errors",
        filterPattern="ERROR",
        metricTransformations=[
            {"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}
        ],
    )
    return client


def test_log_group(logs: Any, reader: AccountSession) -> None:
    found = collect_resources(LOG_GROUP, reader, REGION)

    group = found["/app/web"]
    assert group.name == "/app/web"
    assert group.arn == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/web"
    assert (group.region, group.account) == (REGION, ACCOUNT)
    assert group.tags == {"team": "web"}
    assert group.config["retentionInDays"] == 30
    assert group.relations == [{"kind": "kms-key", "type": "kms:key", "arn": KEY}]
    assert found["/app/worker"].tags == {}


def test_stored_bytes_do_not_change_the_hash(logs: Any, reader: AccountSession) -> None:
    raw = next(
        item.data
        for page in collect_pages(LOG_GROUP, reader, REGION)
        for item in page.items
        if item.data["logGroupName"] == "/app/web"
    )
    fuller = copy.deepcopy(raw)
    fuller["storedBytes"] = 123456789

    original = normalize_resource(LOG_GROUP, ACCOUNT, REGION, raw)

    assert normalize_resource(LOG_GROUP, ACCOUNT, REGION, fuller).hash == original.hash
    assert "storedBytes" not in original.config


def test_metric_filter(logs: Any, reader: AccountSession) -> None:
    found = collect_resources(METRIC_FILTER, reader, REGION)

    errors = found["/app/web:errors"]
    assert errors.name == "errors"
    assert errors.arn == f"arn:aws:logs:{REGION}:{ACCOUNT}:metric-filter:/app/web:errors"
    assert (errors.region, errors.account) == (REGION, ACCOUNT)
    assert errors.tags == {}
    assert errors.relations == [
        {
            "kind": "log-group",
            "type": "logs:log-group",
            "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/web",
        }
    ]
