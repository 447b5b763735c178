"""A bucket whose policy denies GetBucketTagging, through a whole collection and the store.

The denial is AWS's answer injected into the real moto-backed clients of the base session
(moto does not enforce bucket policies), so it is parsed by boto3 like a real one.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from rich.console import Console

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.cli.collect import print_summary
from estate.config import Config
from estate.engine.run import Collection, CollectRequest, RunSummary
from estate.store import queries
from estate.store.database import Database
from estate.store.runs import load_run
from tests.unit.aws.faults import error_answer

LOCKED = "estate-locked"
REASON = "AccessDenied on s3:GetBucketTagging"


class DenyTagsOf:
    """A before-call handler that answers AccessDenied to GetBucketTagging on one bucket,
    while `on`: a bucket policy that lets the owner role alone read its tags."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, params: dict[str, Any], **_: Any) -> Any:
        if self.on and LOCKED in str(params.get("url", "")):
            return error_answer("AccessDenied", 403, "explicit deny in a resource-based policy")
        return None


@pytest.fixture
def buckets(aws: None) -> Any:
    s3 = boto3.client("s3", region_name="us-east-1")
    for bucket in ("estate-open", LOCKED):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "core"}]})
    return s3


def collect(tmp_path: Path, deny: DenyTagsOf, **request: Any) -> tuple[RunSummary, Database]:
    config = Config.model_validate(
        {
            "store": f"sqlite:///{tmp_path}/estate.db",
            "regions": ["us-east-1"],
            "types": ["s3:bucket"],
        }
    )
    base = botocore.session.Session()
    base.register("before-call.s3.GetBucketTagging", deny)
    db = Database(config.store)
    summary = Collection(config, db, SessionFactory(AwsSettings(), base=base)).run(
        CollectRequest(**request)
    )
    return summary, db


def test_a_bucket_denying_its_tags_is_kept_incomplete_until_a_full_run(
    buckets: Any, tmp_path: Path
) -> None:
    deny = DenyTagsOf()
    first, db = collect(tmp_path, deny)
    assert first.status == "ok"
    arn = f"arn:aws:s3:::{LOCKED}"

    deny.on = True
    second, db = collect(tmp_path, deny)

    assert (second.status, second.exit_code, second.failures) == ("ok", 0, [])
    assert second.figures["resources"] == 2
    assert (second.figures["incomplete"], second.figures["incomplete_calls"]) == (1, {REASON: 1})
    stored = queries.load_resource(db, arn)
    assert stored is not None
    assert stored["tags"] == {"team": "core"}  # as last known: not removed
    assert stored["incomplete"] == [
        {"call": "s3:GetBucketTagging", "code": "AccessDenied", "fields": ["tags"]}
    ]
    assert queries.load_changes(db, run_id=second.run_id) == []
    assert load_run(db, second.run_id)["incomplete"] == 1  # what `estate runs` shows
    out = io.StringIO()
    print_summary(Console(file=out, width=200), second)
    assert f"1 resource incomplete: {REASON}" in out.getvalue()

    buckets.put_bucket_tagging(
        Bucket=LOCKED, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]}
    )
    deny.on = False
    third, db = collect(tmp_path, deny)

    assert third.figures["incomplete"] == 0
    stored = queries.load_resource(db, arn)
    assert stored is not None
    assert (stored["incomplete"], stored["tags"]) == ([], {"team": "data"})
    (change,) = queries.load_changes(db, run_id=third.run_id)
    assert (change["arn"], change["fields"]) == (arn, ["tags"])
