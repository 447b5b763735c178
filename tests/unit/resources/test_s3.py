from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from estate.aws.sessions import AccountSession
from estate.inventory.diff import diff_states
from estate.inventory.normalize import UNSTABLE, normalize_resource
from estate.resources.collect import get_pages
from estate.resources.s3 import BUCKET, region_from_location
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed


@pytest.fixture
def buckets(member: boto3.Session) -> None:
    east = member.client("s3", region_name="us-east-1")
    east.create_bucket(Bucket="estate-east")  # us-east-1 takes no LocationConstraint
    east.put_bucket_tagging(
        Bucket="estate-east", Tagging={"TagSet": [{"Key": "team", "Value": "core"}]}
    )
    west = member.client("s3", region_name="eu-west-1")
    west.create_bucket(
        Bucket="estate-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    west.put_bucket_tagging(
        Bucket="estate-west",
        Tagging={"TagSet": [{"Key": "Name", "Value": "West"}, {"Key": "env", "Value": "prod"}]},
    )
    west.create_bucket(
        Bucket="estate-untagged", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )


def test_us_east_1_bucket_without_location_constraint(
    buckets: None, reader: AccountSession
) -> None:
    east = collect_resources(BUCKET, reader, GLOBAL_REGION)["estate-east"]

    assert east.region == "us-east-1"
    assert east.arn == "arn:aws:s3:::estate-east"
    assert east.account == ACCOUNT
    assert east.name == "estate-east"
    assert east.tags == {"team": "core"}
    assert east.config["LocationConstraint"] is None


def test_eu_west_1_bucket(buckets: None, reader: AccountSession) -> None:
    west = collect_resources(BUCKET, reader, GLOBAL_REGION)["estate-west"]

    assert west.region == "eu-west-1"
    assert west.arn == "arn:aws:s3:::estate-west"
    assert west.id == west.name == "estate-west"  # the bucket name, not the Name tag
    assert west.tags == {"Name": "West", "env": "prod"}
    assert west.config["LocationConstraint"] == "eu-west-1"
    assert "Tags" not in west.config


def test_untagged_bucket_has_no_tags(buckets: None, reader: AccountSession) -> None:
    untagged = collect_resources(BUCKET, reader, GLOBAL_REGION)["estate-untagged"]

    assert untagged.tags == {}


def test_buckets_outside_the_regions_filter_are_left_out(
    buckets: None, reader: AccountSession
) -> None:
    found = collect_resources(BUCKET, reader, GLOBAL_REGION, regions=frozenset({"us-east-1"}))

    assert set(found) == {"estate-east"}


def test_buckets_are_only_read_from_the_member_account(
    buckets: None, reader: AccountSession
) -> None:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="management-bucket")

    assert set(collect_resources(BUCKET, reader, GLOBAL_REGION)) == {
        "estate-east",
        "estate-west",
        "estate-untagged",
    }


@pytest.mark.parametrize(
    ("constraint", "region"),
    [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"), ("ap-south-1", "ap-south-1")],
)
def test_legacy_location_constraints(constraint: str | None, region: str) -> None:
    assert region_from_location(constraint) == region


# --- real answer shapes, through botocore's Stubber ------------------------------------------

OWNER = {"DisplayName": "platform", "ID": "a1b2c3" * 10}


def _listed(*names: str, created: dt.datetime = dt.datetime(2019, 3, 1, tzinfo=dt.UTC)) -> Any:
    return [{"Name": n, "CreationDate": created, "BucketRegion": "us-east-1"} for n in names]


def _expect_details(stubber: Stubber, name: str) -> None:
    stubber.add_response("get_bucket_location", {}, {"Bucket": name})  # null: us-east-1
    stubber.add_response(
        "get_bucket_tagging", {"TagSet": [{"Key": "team", "Value": name}]}, {"Bucket": name}
    )


def test_list_buckets_is_read_page_by_page() -> None:
    with stubbed("s3", "us-east-1") as (session, stubber):
        stubber.add_response(
            "list_buckets",
            {"Buckets": _listed("first-a", "first-b"), "Owner": OWNER, "ContinuationToken": "t1"},
            {"MaxBuckets": 1000},
        )
        _expect_details(stubber, "first-a")
        _expect_details(stubber, "first-b")
        stubber.add_response(
            "list_buckets",
            {"Buckets": _listed("second-c"), "Owner": OWNER},
            {"MaxBuckets": 1000, "ContinuationToken": "t1"},
        )
        _expect_details(stubber, "second-c")

        pages = list(get_pages(BUCKET, session, GLOBAL_REGION, detail_workers=1))

    assert [page.next_token for page in pages] == ["t1", None]
    records = [
        normalize_resource(BUCKET, ACCOUNT, i.region, i.data) for p in pages for i in p.items
    ]
    assert [(r.id, r.arn, r.tags) for r in records] == [
        (name, f"arn:aws:s3:::{name}", {"team": name})
        for name in ("first-a", "first-b", "second-c")
    ]


def test_a_moved_creation_date_is_kept_but_is_no_change() -> None:
    location = {"LocationConstraint": None, "Tags": []}
    (before,) = _listed("logs", created=dt.datetime(2019, 3, 1, 12, 0, tzinfo=dt.UTC))
    (after,) = _listed("logs", created=dt.datetime(2021, 7, 9, 8, 30, tzinfo=dt.UTC))

    old = normalize_resource(BUCKET, ACCOUNT, "us-east-1", {**before, **location})
    new = normalize_resource(BUCKET, ACCOUNT, "us-east-1", {**after, **location})

    assert new.hash == old.hash
    assert diff_states(old.state(), new.state()) == {}
    assert new.config[UNSTABLE] == {"CreationDate": "2021-07-09T08:30:00+00:00"}
    # A real change is still one, and its diff does not drag the moved date along.
    versioned = normalize_resource(BUCKET, ACCOUNT, "us-east-1", {**after, **location, "X": 1})
    assert versioned.hash != old.hash
    assert list(diff_states(old.state(), versioned.state())) == ["X"]
