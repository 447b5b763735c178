"""Regions done right: the source's true region, the destination created with a client of
its region and the matching LocationConstraint (none in us-east-1), ownership checked."""

from __future__ import annotations

import pytest

from estate.aws.sessions import SessionFactory
from estate.errors import InputError
from estate.s3copy.regions import (
    bucket_region,
    ensure_destination,
    inspect_destination,
    source_region,
)
from tests.unit.s3copy.conftest import (
    DST_ACCOUNT,
    DST_ROLE,
    OTHER_ACCOUNT,
    SRC_ACCOUNT,
    SRC_ROLE,
    make_bucket,
    s3_in,
)


def test_the_source_region_comes_from_the_bucket(factory: SessionFactory) -> None:
    make_bucket(SRC_ACCOUNT, "in-virginia", "us-east-1")
    make_bucket(SRC_ACCOUNT, "in-frankfurt", "eu-central-1")
    session = factory.for_account(SRC_ACCOUNT, SRC_ROLE)
    assert source_region(session, "in-virginia") == "us-east-1"
    assert source_region(session, "in-frankfurt") == "eu-central-1"
    assert bucket_region(session, "nowhere-at-all") is None
    with pytest.raises(InputError, match="source bucket nowhere-at-all does not exist"):
        source_region(session, "nowhere-at-all")


def test_get_bucket_location_answers_are_read_the_legacy_way(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When HeadBucket names no region (denied without the header), GetBucketLocation's null
    is us-east-1 and EU is eu-west-1."""
    session = factory.for_account(SRC_ACCOUNT, SRC_ROLE)
    from botocore.exceptions import ClientError

    answers = {"HeadBucket": None, "GetBucketLocation": {"LocationConstraint": None}}

    def call(service: str, region: str, operation: str, **params: object) -> dict:
        if operation == "HeadBucket":
            raise ClientError(
                {
                    "Error": {"Code": "403", "Message": "Forbidden"},
                    "ResponseMetadata": {"HTTPStatusCode": 403, "HTTPHeaders": {}},
                },
                operation,
            )
        return answers[operation]  # type: ignore[return-value]

    monkeypatch.setattr(session, "call", call)
    assert bucket_region(session, "old") == "us-east-1"
    answers["GetBucketLocation"] = {"LocationConstraint": "EU"}
    assert bucket_region(session, "old") == "eu-west-1"
    answers["GetBucketLocation"] = {"LocationConstraint": "ap-south-1"}
    assert bucket_region(session, "old") == "ap-south-1"


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1"])
def test_a_missing_destination_is_created_in_its_region(
    factory: SessionFactory, region: str
) -> None:
    session = factory.for_account(DST_ACCOUNT, DST_ROLE)
    dest = ensure_destination(session, "new-home", region, create=True)
    assert (dest.region, dest.exists) == (region, True)
    s3 = s3_in(DST_ACCOUNT, region)
    location = s3.get_bucket_location(Bucket="new-home")["LocationConstraint"]
    assert location == (None if region == "us-east-1" else region)
    assert "new-home" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_missing_destination_without_create_is_an_input_error(factory: SessionFactory) -> None:
    session = factory.for_account(DST_ACCOUNT, DST_ROLE)
    with pytest.raises(InputError, match="add --create-bucket"):
        ensure_destination(session, "not-yet", "eu-west-1", create=False)


def test_an_existing_destination_of_the_caller_is_reused(factory: SessionFactory) -> None:
    make_bucket(DST_ACCOUNT, "mine-already", "eu-west-1")
    session = factory.for_account(DST_ACCOUNT, DST_ROLE)
    dest = inspect_destination(session, "mine-already", None, "us-east-1")
    assert (dest.region, dest.exists) == ("eu-west-1", True)
    assert ensure_destination(session, "mine-already", "eu-west-1", create=True).exists
    with pytest.raises(InputError, match="exists in eu-west-1, not in eu-central-1"):
        inspect_destination(session, "mine-already", "eu-central-1", "us-east-1")


def test_a_destination_owned_by_another_account_is_refused(factory: SessionFactory) -> None:
    make_bucket(OTHER_ACCOUNT, "someone-elses", "eu-west-1")
    session = factory.for_account(DST_ACCOUNT, DST_ROLE)
    with pytest.raises(InputError, match="not owned by account 222222222222"):
        inspect_destination(session, "someone-elses", None, "eu-west-1")
