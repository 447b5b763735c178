"""EventBridge Scheduler schedule groups and schedules (regional). ListSchedules answers every
group's schedules at once, in short: each schedule's target and timing take a GetSchedule.
Schedules take no tags; their groups do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

SCHEDULE_GROUP = ResourceSpec(
    type="scheduler:schedule-group",
    service="scheduler",
    operation="ListScheduleGroups",
    items="ScheduleGroups",
    id="Name",
    name="Name",
    arn="Arn",
    arn_template="arn:{partition}:scheduler:{region}:{account}:schedule-group/{id}",
    params={"MaxResults": 100},
    details=(Detail("ListTagsForResource", {"ResourceArn": "Arn"}, into="Tags", result="Tags"),),
)


def schedule_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A schedule's name is unique in its group only: the id is GROUP/NAME, as in its ARN."""
    name, group = item.get("Name"), item.get("GroupName") or "default"
    return {"ScheduleId": f"{group}/{name}"} if name else {}


SCHEDULE = ResourceSpec(
    type="scheduler:schedule",
    service="scheduler",
    operation="ListSchedules",
    items="Schedules",
    id="ScheduleId",
    name="Name",
    arn="Arn",
    arn_template="arn:{partition}:scheduler:{region}:{account}:schedule/{id}",
    params={"MaxResults": 100},
    derive=schedule_id,
    details=(
        Detail(
            "GetSchedule",
            {"Name": "Name", "GroupName": "GroupName"},
            into="Schedule",
        ),
    ),
    tags=None,
    taggable=False,
    relations=(
        Relation("schedule-group", "scheduler:schedule-group", "GroupName"),
        Relation("role", "iam:role", "Schedule.Target.RoleArn"),
        Relation("kms-key", "kms:key", "Schedule.KmsKeyArn"),
        Relation("dead-letter-queue", "sqs:queue", "Schedule.Target.DeadLetterConfig.Arn"),
    ),
)

SPECS = (SCHEDULE_GROUP, SCHEDULE)
