from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.scheduler import SCHEDULE, SCHEDULE_GROUP
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:report"


@pytest.fixture
def scheduler(member: boto3.Session) -> Any:
    client = member.client("scheduler", region_name=REGION)
    client.create_schedule_group(Name="reports", Tags=[{"Key": "team", "Value": "bi"}])
    for group in ("reports", "default"):
        client.create_schedule(
            Name="daily",
            GroupName=group,
            ScheduleExpression="rate(1 day)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": FUNCTION, "RoleArn": ROLE},
        )
    return client


def test_schedule_group(scheduler: Any, reader: AccountSession) -> None:
    found = collect_resources(SCHEDULE_GROUP, reader, REGION)

    group = found["reports"]
    assert group.name == "reports"
    assert group.arn == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/reports"
    assert (group.region, group.account) == (REGION, ACCOUNT)
    assert group.tags == {"team": "bi"}


def test_schedules_of_every_group(scheduler: Any, reader: AccountSession) -> None:
    found = collect_resources(SCHEDULE, reader, REGION)

    assert set(found) == {"reports/daily", "default/daily"}
    daily = found["reports/daily"]
    assert daily.name == "daily"
    assert daily.arn == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/reports/daily"
    assert (daily.region, daily.account) == (REGION, ACCOUNT)
    assert daily.tags == {}
    assert daily.config["Schedule"]["ScheduleExpression"] == "rate(1 day)"
    assert daily.relations == [
        {"kind": "role", "type": "iam:role", "arn": ROLE},
        {
            "kind": "schedule-group",
            "type": "scheduler:schedule-group",
            "arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/reports",
        },
    ]
