"""Timestamps of answers read without dateutil, to the same instants botocore reads."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.utils import parse_timestamp as botocore_timestamp
from hypothesis import given
from hypothesis import strategies as st

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.aws.timestamps import parse_timestamp

MEMBER = "111111111111"

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
instants = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=offsets
)


@given(instants, st.sampled_from(["seconds", "milliseconds", "microseconds"]), st.booleans())
def test_iso_8601_with_an_offset_reads_as_botocore_reads_it(
    when: dt.datetime, timespec: str, zulu: bool
) -> None:
    text = when.isoformat(timespec=timespec)
    if zulu and when.utcoffset() == dt.timedelta(0):
        text = text.replace("+00:00", "Z")
    ours, theirs = parse_timestamp(text), botocore_timestamp(text)
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 22 Nov 2026 12:17:14 GMT",  # RFC 1123: HTTP headers (LastModified of HeadObject)
        "2026-11-22T12:17:14",  # no offset: botocore's reading, whatever it is
        1700000000,
        "1700000000.5",
    ],
)
def test_anything_else_is_left_to_botocore(value: object) -> None:
    assert parse_timestamp(value) == botocore_timestamp(value)


def test_clients_of_every_session_read_timestamps_quickly(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    for session in (
        factory.base_session(),
        factory.for_account(MEMBER, f"arn:aws:iam::{MEMBER}:role/R"),
    ):
        session.call("s3", "us-east-1", "CreateBucket", Bucket=f"b-{session.account_id}")
        session.call("s3", "us-east-1", "PutObject", Bucket=f"b-{session.account_id}", Key="k")
        listed = session.call("s3", "us-east-1", "ListObjectsV2", Bucket=f"b-{session.account_id}")
        when = listed["Contents"][0]["LastModified"]
        # datetime.fromisoformat's UTC, not dateutil's tzutc(): read by parse_timestamp
        assert when.tzinfo is dt.UTC
