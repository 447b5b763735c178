from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.sns import TOPIC
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def sns(member: boto3.Session) -> Any:
    client = member.client("sns", region_name=REGION)
    client.create_topic(
        Name="alerts",
        Attributes={"DisplayName": "Alerts"},
        Tags=[{"Key": "team", "Value": "ops"}, {"Key": "Name", "Value": "Alerting"}],
    )
    client.create_topic(Name="quiet")
    return client


def test_topic(sns: Any, reader: AccountSession) -> None:
    found = collect_resources(TOPIC, reader, REGION)

    alerts = found["alerts"]
    assert alerts.name == "alerts"  # the topic name, not the Name tag
    assert alerts.region == REGION
    assert alerts.arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
    assert alerts.tags == {"Name": "Alerting", "team": "ops"}
    assert alerts.config["Attributes"]["DisplayName"] == "Alerts"
    assert found["quiet"].tags == {}


def test_subscription_counts_do_not_change_the_hash(sns: Any, reader: AccountSession) -> None:
    # moto keeps the Subscriptions* counts at "0" even after a subscribe, so the raw item is edited.
    raw = next(
        item
        for page in collect_pages(TOPIC, reader, REGION)
        for item in page.items
        if item.data["TopicName"] == "alerts"
    )
    busier = copy.deepcopy(raw.data)
    busier["Attributes"].update(SubscriptionsConfirmed="12", SubscriptionsPending="1")

    original = normalize_resource(TOPIC, ACCOUNT, REGION, raw.data)

    assert normalize_resource(TOPIC, ACCOUNT, REGION, busier).hash == original.hash
    assert "SubscriptionsConfirmed" not in original.config["Attributes"]


def test_a_display_name_changes_the_hash(sns: Any, reader: AccountSession) -> None:
    before = collect_resources(TOPIC, reader, REGION)["alerts"]
    sns.set_topic_attributes(
        TopicArn=before.arn, AttributeName="DisplayName", AttributeValue="Pager"
    )

    assert collect_resources(TOPIC, reader, REGION)["alerts"].hash != before.hash
