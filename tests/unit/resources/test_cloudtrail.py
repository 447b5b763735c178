from __future__ import annotations

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.cloudtrail import TRAIL
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


def test_trail(member: boto3.Session, reader: AccountSession) -> None:
    member.client("s3", region_name=REGION).create_bucket(
        Bucket="audit-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    logs = member.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="trail")
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail"
    cloudtrail = member.client("cloudtrail", region_name=REGION)
    cloudtrail.create_trail(
        Name="audit",
        S3BucketName="audit-logs",
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=f"{group_arn}:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail",
        TagsList=[{"Key": "team", "Value": "sec"}],
    )
    cloudtrail.put_event_selectors(
        TrailName="audit",
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )

    found = collect_resources(TRAIL, reader, REGION)
    # A multi-region trail is recorded in its home region only.
    shadows = collect_resources(TRAIL, reader, "us-east-1")

    trail = found["audit"]
    assert trail.name == "audit"
    assert trail.arn == f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/audit"
    assert (trail.region, trail.account) == (REGION, ACCOUNT)
    assert trail.tags == {"team": "sec"}
    assert {"kind": "bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::audit-logs"} in (
        trail.relations
    )
    assert {"kind": "log-group", "type": "logs:log-group", "arn": group_arn} in trail.relations
    assert trail.config["Selectors"]["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
    assert "audit" not in shadows
