"""A per-item call that is refused never sinks the listing: the item is kept, incomplete.

The refusals are AWS answers injected into real moto-backed clients through botocore's
`before-call` event (moto does not enforce bucket or queue policies), so boto3 parses them.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.retry import RetryPolicy
from estate.aws.sessions import AccountSession, AwsSettings, SessionFactory
from estate.inventory.normalize import normalize_resource
from estate.resources.s3 import BUCKET
from estate.resources.spec import GLOBAL_REGION
from estate.resources.sqs import QUEUE
from tests.unit.aws.faults import error_answer
from tests.unit.resources.collecting import ACCOUNT, READER_ROLE, collect_pages


def answer_for(name: str, code: str, status: int) -> Any:
    """A before-call handler answering `code` to requests that name `name` in their URL or
    body (a bucket's URL carries its name, an SQS request its queue URL)."""

    def handler(params: dict[str, Any], **_: Any) -> Any:
        if name in str(params.get("url", "")) or name in str(params.get("body", "")):
            return error_answer(code, status)
        return None

    return handler


@pytest.fixture
def buckets(member: boto3.Session) -> None:
    s3 = member.client("s3", region_name="us-east-1")
    for bucket in ("estate-open", "estate-locked"):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "core"}]})


def items_by_id(spec: Any, session: AccountSession, region: str) -> dict[str, Any]:
    return {
        item.data[spec.id]: item
        for page in collect_pages(spec, session, region)
        for item in page.items
    }


def test_a_bucket_denying_get_bucket_tagging_is_kept_incomplete(
    buckets: None, reader: AccountSession
) -> None:
    reader.client("s3", "us-east-1").meta.events.register(
        "before-call.s3.GetBucketTagging", answer_for("estate-locked", "AccessDenied", 403)
    )

    found = items_by_id(BUCKET, reader, GLOBAL_REGION)

    assert set(found) == {"estate-open", "estate-locked"}
    assert found["estate-open"].refused == ()
    locked = found["estate-locked"]
    assert [r.as_record() for r in locked.refused] == [
        {"call": "s3:GetBucketTagging", "code": "AccessDenied", "fields": ["tags"]}
    ]
    assert "Tags" not in locked.data  # not "no tags": unknown
    record = normalize_resource(
        BUCKET, ACCOUNT, locked.region, locked.data, [r.as_record() for r in locked.refused]
    )
    assert record.arn == "arn:aws:s3:::estate-locked"
    assert record.region == "us-east-1"
    assert record.incomplete == [
        {"call": "s3:GetBucketTagging", "code": "AccessDenied", "fields": ["tags"]}
    ]


def test_a_bucket_deleted_before_its_tags_are_read_is_skipped(
    buckets: None, reader: AccountSession
) -> None:
    reader.client("s3", "us-east-1").meta.events.register(
        "before-call.s3.GetBucketTagging", answer_for("estate-locked", "NoSuchBucket", 404)
    )

    found = items_by_id(BUCKET, reader, GLOBAL_REGION)

    assert set(found) == {"estate-open"}
    assert found["estate-open"].refused == ()


def test_tags_throttled_past_the_budget_leave_the_bucket_incomplete(
    buckets: None, reader: AccountSession
) -> None:
    # A budget of 0 s: the first throttled answer already outlasts it (no sleeping).
    factory = SessionFactory(AwsSettings(), policy=RetryPolicy(throttle_budget=0.0))
    session = factory.for_account(ACCOUNT, READER_ROLE)
    session.client("s3", "us-east-1").meta.events.register(
        "before-call.s3.GetBucketTagging", answer_for("estate-locked", "SlowDown", 503)
    )

    found = items_by_id(BUCKET, session, GLOBAL_REGION)

    assert set(found) == {"estate-open", "estate-locked"}
    assert [(r.call, r.code) for r in found["estate-locked"].refused] == [
        ("s3:GetBucketTagging", "SlowDown")
    ]
    assert found["estate-open"].data["Tags"] == [{"Key": "team", "Value": "core"}]


def test_a_queue_denying_get_queue_attributes_is_kept_with_its_arn(
    member: boto3.Session, reader: AccountSession
) -> None:
    sqs = member.client("sqs", region_name="eu-west-1")
    sqs.create_queue(QueueName="estate-jobs")
    sqs.create_queue(QueueName="estate-private", tags={"team": "core"})
    reader.client("sqs", "eu-west-1").meta.events.register(
        "before-call.sqs.GetQueueAttributes", answer_for("estate-private", "AccessDenied", 403)
    )

    found = items_by_id(QUEUE, reader, "eu-west-1")

    assert set(found) == {"estate-jobs", "estate-private"}
    private = found["estate-private"]
    assert [r.as_record() for r in private.refused] == [
        {"call": "sqs:GetQueueAttributes", "code": "AccessDenied", "fields": ["Attributes"]}
    ]
    record = normalize_resource(
        QUEUE, ACCOUNT, private.region, private.data, [r.as_record() for r in private.refused]
    )
    # Without its attributes, the ARN comes from the template: the same one AWS gives.
    jobs = normalize_resource(QUEUE, ACCOUNT, "eu-west-1", found["estate-jobs"].data)
    assert jobs.arn == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:estate-jobs"
    assert record.arn == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:estate-private"
    assert record.tags == {"team": "core"}  # ListQueueTags was allowed


def test_a_bucket_denying_get_bucket_location_keeps_the_region_listbuckets_gave(
    member: boto3.Session, reader: AccountSession
) -> None:
    s3 = member.client("s3", region_name="eu-west-1")
    s3.create_bucket(
        Bucket="estate-far", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    client = reader.client("s3", "us-east-1")  # ListBuckets and GetBucketLocation both
    client.meta.events.register(
        "before-call.s3.GetBucketLocation", answer_for("estate-far", "AccessDenied", 403)
    )

    def with_bucket_region(parsed: dict[str, Any], **_: Any) -> None:
        # AWS's ListBuckets answer carries each bucket's BucketRegion; moto 5.2's does not.
        for bucket in parsed.get("Buckets", []):
            bucket.setdefault("BucketRegion", "eu-west-1")

    client.meta.events.register("after-call.s3.ListBuckets", with_bucket_region)

    far = items_by_id(BUCKET, reader, GLOBAL_REGION)["estate-far"]

    assert [r.as_record()["call"] for r in far.refused] == ["s3:GetBucketLocation"]
    # Not us-east-1 (what a null LocationConstraint means): the constraint is unknown here,
    # and ListBuckets' BucketRegion says where the bucket is, so its tags are read there.
    assert far.region == "eu-west-1"
    assert far.data["Tags"] == []
