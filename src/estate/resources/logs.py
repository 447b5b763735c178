"""CloudWatch Logs log groups and metric filters (regional).

DescribeLogGroups answers two ARNs: `arn` ends in ':*' (every stream), `logGroupArn` is the
group's own, which tags and other services' references use. Metric filters have no ARN in
AWS (IAM names none, CloudFormation gives none): estate names one under its log group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

LOG_GROUP = ResourceSpec(
    type="logs:log-group",
    service="logs",
    operation="DescribeLogGroups",
    items="logGroups",
    id="logGroupName",
    name="logGroupName",
    arn="logGroupArn",
    arn_template="arn:{partition}:logs:{region}:{account}:log-group:{id}",
    params={"limit": 50},
    details=(
        Detail("ListTagsForResource", {"resourceArn": "logGroupArn"}, into="tags", result="tags"),
    ),
    tags="tags",
    # Bytes grow with every event; the filter count follows the metric filters' own records.
    volatile=("storedBytes", "metricFilterCount"),
    unordered=("inheritedProperties",),
    relations=(Relation("kms-key", "kms:key", "kmsKeyId"),),
)


def metric_filter_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A filter's name is unique in its log group only; neither name can hold a ':'."""
    group, name = item.get("logGroupName"), item.get("filterName")
    return {"metricFilterId": f"{group}:{name}"} if group and name else {}


METRIC_FILTER = ResourceSpec(
    type="logs:metric-filter",
    service="logs",
    operation="DescribeMetricFilters",
    items="metricFilters",
    id="metricFilterId",
    name="filterName",
    arn_template="arn:{partition}:logs:{region}:{account}:metric-filter:{id}",
    params={"limit": 50},
    derive=metric_filter_id,
    tags=None,
    taggable=False,
    relations=(Relation("log-group", "logs:log-group", "logGroupName"),),
)

SPECS = (LOG_GROUP, METRIC_FILTER)
