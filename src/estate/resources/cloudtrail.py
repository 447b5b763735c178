"""CloudTrail trails (regional): DescribeTrails answers every trail of the region at once.

A multi-region trail is answered in every region as a "shadow" of its home region's trail;
`includeShadowTrails=False` keeps it to its home region, so it is recorded once, where its
tags (ListTags) can be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec


def log_group_arn(item: Mapping[str, Any]) -> dict[str, str]:
    """The trail's log group as the log group's own record names it: CloudTrail gives the
    group's ARN with a trailing ':*' (every stream), DescribeLogGroups' logGroupArn has none."""
    arn = item.get("CloudWatchLogsLogGroupArn")
    return {"LogGroupArn": str(arn).removesuffix(":*")} if arn else {}


TRAIL = ResourceSpec(
    type="cloudtrail:trail",
    service="cloudtrail",
    operation="DescribeTrails",
    items="trailList",
    id="Name",
    name="Name",
    arn="TrailARN",
    arn_template="arn:{partition}:cloudtrail:{region}:{account}:trail/{id}",
    params={"includeShadowTrails": False},
    single_call="DescribeTrails takes no page token: it answers every trail of the region",
    derive=log_group_arn,
    details=(
        Detail(
            "ListTags",
            {"ResourceIdList": "[TrailARN]"},
            into="Tags",
            result="ResourceTagList[0].TagsList",
        ),
        # What the trail records: its (basic or advanced) event selectors.
        Detail("GetEventSelectors", {"TrailName": "TrailARN"}, into="Selectors"),
    ),
    relations=(
        Relation("bucket", "s3:bucket", "S3BucketName"),
        Relation("log-group", "logs:log-group", "LogGroupArn"),
        Relation("role", "iam:role", "CloudWatchLogsRoleArn"),
        Relation("topic", "sns:topic", "SnsTopicARN"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
    ),
)

SPECS = (TRAIL,)
