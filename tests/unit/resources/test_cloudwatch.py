from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.cloudwatch import ALARM, COMPOSITE_ALARM, DASHBOARD
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:pager"


@pytest.fixture
def cloudwatch(member: boto3.Session) -> Any:
    client = member.client("cloudwatch", region_name=REGION)
    client.put_metric_alarm(
        AlarmName="cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/EC2",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=2,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[TOPIC, f"arn:aws:automate:{REGION}:ec2:stop"],
        Dimensions=[{"Name": "InstanceId", "Value": "i-0123456789abcdef0"}],
        Tags=[{"Key": "team", "Value": "ops"}],
    )
    return client


def test_metric_alarm(cloudwatch: Any, reader: AccountSession) -> None:
    found = collect_resources(ALARM, reader, REGION)

    alarm = found["cpu-high"]
    assert alarm.name == "cpu-high"
    assert alarm.arn == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:cpu-high"
    assert (alarm.region, alarm.account) == (REGION, ACCOUNT)
    assert alarm.tags == {"team": "ops"}
    assert alarm.relations == [{"kind": "topic", "type": "sns:topic", "arn": TOPIC}]
    assert alarm.config["Threshold"] == 80.0


def test_an_alarms_state_does_not_change_its_hash(cloudwatch: Any, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(ALARM, reader, REGION) for item in page.items]
    fired = copy.deepcopy(raw.data)
    fired.update(
        StateValue="ALARM",
        StateReason="Threshold Crossed",
        StateUpdatedTimestamp="2030-01-01T00:00:00+00:00",
    )
    fired["AlarmActions"].reverse()

    original = normalize_resource(ALARM, ACCOUNT, REGION, raw.data)

    assert normalize_resource(ALARM, ACCOUNT, REGION, fired).hash == original.hash
    assert "StateReason" not in original.config


def test_composite_alarm() -> None:
    # moto 5.2 lacks PutCompositeAlarm: a literal answer shaped like AWS's.
    arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:service-down"
    with stubbed("cloudwatch", REGION) as (session, stubber):
        stubber.add_response(
            "describe_alarms",
            {
                "CompositeAlarms": [
                    {
                        "AlarmName": "service-down",
                        "AlarmArn": arn,
                        "AlarmRule": 'ALARM("cpu-high") OR ALARM("disk-full")',
                        "ActionsEnabled": True,
                        "AlarmActions": [TOPIC],
                        "OKActions": [],
                        "InsufficientDataActions": [],
                        "StateValue": "OK",
                        "StateReason": "arn:aws:cloudwatch:... transitioned to OK",
                        "StateUpdatedTimestamp": dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                        "AlarmConfigurationUpdatedTimestamp": dt.datetime(
                            2026, 10, 1, tzinfo=dt.UTC
                        ),
                    }
                ],
                "MetricAlarms": [],
            },
            {"AlarmTypes": ["CompositeAlarm"], "MaxRecords": 100},
        )
        stubber.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "team", "Value": "ops"}]},
            {"ResourceARN": arn},
        )
        found = collect_resources(COMPOSITE_ALARM, session, REGION)

    alarm = found["service-down"]
    assert alarm.name == "service-down"
    assert alarm.arn == arn
    assert (alarm.region, alarm.account) == (REGION, ACCOUNT)
    assert alarm.tags == {"team": "ops"}
    assert alarm.relations == [{"kind": "topic", "type": "sns:topic", "arn": TOPIC}]
    assert "StateReason" not in alarm.config


def test_dashboard(member: boto3.Session, reader: AccountSession) -> None:
    body = {"widgets": [{"type": "text", "properties": {"markdown": "hi"}}]}
    member.client("cloudwatch", region_name="us-east-1").put_dashboard(
        DashboardName="ops", DashboardBody=json.dumps(body)
    )

    dashboard = collect_resources(DASHBOARD, reader, GLOBAL_REGION)["ops"]

    assert dashboard.name == "ops"
    assert dashboard.arn == f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/ops"
    assert (dashboard.region, dashboard.account) == (GLOBAL_REGION, ACCOUNT)
    assert dashboard.tags == {}
