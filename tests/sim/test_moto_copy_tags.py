"""The simulated AWS copies object tags across accounts as S3 does (moto on its own loses them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto.s3.models import S3Backend

from tests.sim.moto_process import copy_tags_across_accounts
from tests.support import session_in

SRC, DST = "111111111111", "222222222222"


@pytest.fixture
def copy_tags(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The patch of the simulated AWS, undone after the test (monkeypatch restores it)."""
    monkeypatch.setattr(S3Backend, "copy_object", S3Backend.copy_object)
    copy_tags_across_accounts()
    yield


def buckets() -> tuple[Any, Any]:
    src = session_in(SRC).client("s3", region_name="us-east-1")
    dst = session_in(DST).client("s3", region_name="us-east-1")
    src.create_bucket(Bucket="src")
    dst.create_bucket(Bucket="dst")
    src.put_object(Bucket="src", Key="k", Body=b"1", Tagging="env=prod&team=a")
    return src, dst


def tags(s3: Any, bucket: str, key: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}


def test_moto_alone_loses_the_tags_of_a_cross_account_copy(aws: None) -> None:
    # what the patch is for: if moto ever fixes this, the patch can go
    _, dst = buckets()
    dst.copy_object(Bucket="dst", Key="k", CopySource={"Bucket": "src", "Key": "k"})
    assert tags(dst, "dst", "k") == {}


def test_a_cross_account_copy_carries_the_source_s_tags(copy_tags: None) -> None:
    src, dst = buckets()
    dst.copy_object(
        Bucket="dst", Key="k", CopySource={"Bucket": "src", "Key": "k"}, TaggingDirective="COPY"
    )
    dst.copy_object(Bucket="dst", Key="default", CopySource={"Bucket": "src", "Key": "k"})
    assert tags(dst, "dst", "k") == tags(dst, "dst", "default") == {"env": "prod", "team": "a"}
    assert tags(src, "src", "k") == {"env": "prod", "team": "a"}  # the source keeps its own


def test_replace_still_replaces_and_an_overwritten_copy_keeps_no_old_tags(
    copy_tags: None,
) -> None:
    src, dst = buckets()
    source = {"Bucket": "src", "Key": "k"}
    dst.copy_object(
        Bucket="dst", Key="k", CopySource=source, TaggingDirective="REPLACE", Tagging="x=1"
    )
    assert tags(dst, "dst", "k") == {"x": "1"}
    src.put_object(Bucket="src", Key="untagged", Body=b"2")
    dst.copy_object(Bucket="dst", Key="k", CopySource={"Bucket": "src", "Key": "untagged"})
    assert tags(dst, "dst", "k") == {}


def test_a_same_account_copy_is_left_to_moto(copy_tags: None) -> None:
    src, _ = buckets()
    src.create_bucket(Bucket="src-copy")
    src.copy_object(Bucket="src-copy", Key="k", CopySource={"Bucket": "src", "Key": "k"})
    assert tags(src, "src-copy", "k") == {"env": "prod", "team": "a"}
