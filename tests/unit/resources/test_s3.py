from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.s3 import BUCKET, region_from_location
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_resources


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
