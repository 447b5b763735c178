"""EventBridge event buses and rules (regional). ListRules answers one bus's rules, so a rule
is listed per event bus (the default bus among them); its targets take ListTargetsByRule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_PAGE = 100  # the largest Limit the List* calls take

EVENT_BUS = ResourceSpec(
    type="events:event-bus",
    service="events",
    operation="ListEventBuses",
    items="EventBuses",
    id="Name",
    name="Name",
    arn="Arn",
    arn_template="arn:{partition}:events:{region}:{account}:event-bus/{id}",
    params={"Limit": _PAGE},
    # botocore has no paginator for ListEventBuses, yet it pages (the quota of 100 buses is
    # adjustable). A page short of the limit is the last one, whatever token it carries.
    paginator={
        "input_token": "NextToken",
        "output_token": "NextToken",
        "limit_key": "Limit",
        "more_results": f"length(EventBuses) >= `{_PAGE}`",
    },
    details=(Detail("ListTagsForResource", {"ResourceARN": "Arn"}, into="Tags", result="Tags"),),
)


def rule_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A rule's name is unique on its bus only. Its ARN says rule/NAME on the default bus and
    rule/BUS/NAME on any other: the id is that part of it."""
    name, bus = item.get("Name"), item.get("EventBusName")
    if not name:
        return {}
    return {"RuleId": name if bus in (None, "default") else f"{bus}/{name}"}


# Targets of the types estate records; others (API destinations, Batch queues…) are kept in
# the config only.
_TARGETS = (
    ("function", "lambda:function", ":lambda:"),
    ("queue", "sqs:queue", ":sqs:"),
    ("topic", "sns:topic", ":sns:"),
    ("state-machine", "stepfunctions:state-machine", ":states:"),
    ("stream", "kinesis:stream", ":kinesis:"),
    ("delivery-stream", "firehose:delivery-stream", ":firehose:"),
    ("log-group", "logs:log-group", ":logs:"),
    ("cluster", "ecs:cluster", ":ecs:"),
    ("event-bus", "events:event-bus", ":events:"),
)

RULE = ResourceSpec(
    type="events:rule",
    service="events",
    operation="ListRules",
    items="Rules",
    id="RuleId",
    name="Name",
    arn="Arn",
    arn_template="arn:{partition}:events:{region}:{account}:rule/{id}",
    parent=Parent("events:event-bus", {"EventBusName": "Name"}),
    params={"Limit": _PAGE},
    derive=rule_id,
    details=(
        Detail(
            "ListTargetsByRule",
            {"Rule": "Name", "EventBusName": "EventBusName"},
            into="Targets",
            result="Targets",
        ),
        Detail("ListTagsForResource", {"ResourceARN": "Arn"}, into="Tags", result="Tags"),
    ),
    unordered=("Targets",),
    relations=(
        Relation("event-bus", "events:event-bus", "EventBusName"),
        Relation("role", "iam:role", "RoleArn"),
        Relation("role", "iam:role", "Targets[].RoleArn"),
        *(
            Relation(kind, target, f"Targets[?contains(Arn, '{marker}')].Arn")
            for kind, target, marker in _TARGETS
        ),
    ),
)

SPECS = (EVENT_BUS, RULE)
