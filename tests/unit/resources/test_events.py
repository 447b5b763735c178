from __future__ import annotations

import dataclasses
import json
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.events import EVENT_BUS, RULE
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly"
PATTERN = json.dumps({"source": ["shop"]})


@pytest.fixture
def events(member: boto3.Session) -> Any:
    client = member.client("events", region_name=REGION)
    client.create_event_bus(Name="orders", Tags=[{"Key": "team", "Value": "shop"}])
    client.put_rule(
        Name="nightly",
        ScheduleExpression="rate(1 day)",
        Tags=[{"Key": "team", "Value": "ops"}],
    )
    client.put_targets(Rule="nightly", Targets=[{"Id": "fn", "Arn": FUNCTION}])
    client.put_rule(Name="placed", EventBusName="orders", EventPattern=PATTERN)
    client.put_targets(Rule="placed", EventBusName="orders", Targets=[{"Id": "q", "Arn": QUEUE}])
    return client


def test_event_bus(events: Any, reader: AccountSession) -> None:
    found = collect_resources(EVENT_BUS, reader, REGION)

    assert set(found) == {"default", "orders"}
    bus = found["orders"]
    assert bus.name == "orders"
    assert bus.arn == f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
    assert (bus.region, bus.account) == (REGION, ACCOUNT)
    assert bus.tags == {"team": "shop"}


def test_rules_of_every_bus(events: Any, reader: AccountSession) -> None:
    found = collect_resources(RULE, reader, REGION)

    assert set(found) == {"nightly", "orders/placed"}
    nightly = found["nightly"]
    assert nightly.name == "nightly"
    assert nightly.arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    assert (nightly.region, nightly.account) == (REGION, ACCOUNT)
    assert nightly.tags == {"team": "ops"}
    assert {"kind": "function", "type": "lambda:function", "arn": FUNCTION} in nightly.relations
    placed = found["orders/placed"]
    assert placed.name == "placed"
    assert placed.arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/placed"
    assert placed.tags == {}
    assert placed.relations == [
        {
            "kind": "event-bus",
            "type": "events:event-bus",
            "arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders",
        },
        {"kind": "queue", "type": "sqs:queue", "arn": QUEUE},
    ]


def test_event_buses_page_by_token() -> None:
    # ListEventBuses pages although botocore has no paginator for it.
    def bus(name: str) -> dict[str, str]:
        return {"Name": name, "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}"}

    first = [bus(f"bus-{n:03}") for n in range(100)]
    with stubbed("events", REGION) as (session, stubber):
        stubber.add_response(
            "list_event_buses", {"EventBuses": first, "NextToken": "t1"}, {"Limit": 100}
        )
        stubber.add_response(
            "list_event_buses", {"EventBuses": [bus("last")]}, {"Limit": 100, "NextToken": "t1"}
        )
        found = collect_resources(dataclasses.replace(EVENT_BUS, details=()), session, REGION)

    assert len(found) == 101
    assert found["last"].arn == f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/last"
