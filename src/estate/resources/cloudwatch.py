"""CloudWatch metric alarms, composite alarms (regional) and dashboards (global: one set per
account, whatever region is asked). Tags take a ListTagsForResource call per alarm;
dashboards have none."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_TAGS = Detail("ListTagsForResource", {"ResourceARN": "AlarmArn"}, into="Tags", result="Tags")

# An alarm's state moves with its metric, not with its configuration: the state itself is kept
# (users read it) but not hashed, its reasons and clocks are dropped.
_STATE_VOLATILE = (
    "StateReason",
    "StateReasonData",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
)
_STATE_UNSTABLE = ("StateValue",)

_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def _action_relations() -> tuple[Relation, ...]:
    # Actions are ARNs: SNS topics mostly, else EC2/Auto Scaling/SSM actions (not recorded).
    return tuple(
        Relation("topic", "sns:topic", f"{field}[?contains(@, ':sns:')]") for field in _ACTIONS
    )


ALARM = ResourceSpec(
    type="cloudwatch:alarm",
    service="cloudwatch",
    operation="DescribeAlarms",
    items="MetricAlarms",
    id="AlarmName",
    name="AlarmName",
    arn="AlarmArn",
    arn_template="arn:{partition}:cloudwatch:{region}:{account}:alarm:{id}",
    params={"AlarmTypes": ["MetricAlarm"], "MaxRecords": 100},
    details=(_TAGS,),
    unordered=(*_ACTIONS, "Dimensions"),
    volatile=_STATE_VOLATILE,
    unstable=_STATE_UNSTABLE,
    relations=_action_relations(),
)

COMPOSITE_ALARM = ResourceSpec(
    type="cloudwatch:composite-alarm",
    service="cloudwatch",
    operation="DescribeAlarms",
    items="CompositeAlarms",
    id="AlarmName",
    name="AlarmName",
    arn="AlarmArn",
    arn_template="arn:{partition}:cloudwatch:{region}:{account}:alarm:{id}",
    params={"AlarmTypes": ["CompositeAlarm"], "MaxRecords": 100},
    details=(_TAGS,),
    unordered=_ACTIONS,
    volatile=_STATE_VOLATILE,
    unstable=_STATE_UNSTABLE,
    relations=_action_relations(),
)

DASHBOARD = ResourceSpec(
    type="cloudwatch:dashboard",
    service="cloudwatch",
    operation="ListDashboards",
    items="DashboardEntries",
    id="DashboardName",
    name="DashboardName",
    arn="DashboardArn",
    arn_template="arn:{partition}:cloudwatch::{account}:dashboard/{id}",
    # Dashboards are global: every region answers the account's same dashboards.
    scope="global",
    tags=None,
    taggable=False,
)

SPECS = (ALARM, COMPOSITE_ALARM, DASHBOARD)
