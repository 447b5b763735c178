"""`--tags auto` on moto: one tagged object shows whether S3 copies tags across accounts;
the job remembers the answer, keeps every tag either way, and sends fewer requests when S3
copies them. Vanilla moto loses them (the emulator's bug); `s3_copies_tags` patches moto as
the simulated AWS does, to copy them as S3 does."""

from __future__ import annotations

import io
import os
from collections import Counter
from typing import Any

import pytest
from rich.console import Console

from estate.actions.jobs import JobContext
from estate.aws.sessions import SessionFactory
from estate.s3copy.copier import create_copy_job, run_copy
from estate.s3copy.plan import CopyOptions
from estate.s3copy.progress import print_copy_summary
from estate.s3copy.route import CopySpec, Route, resolve_spec
from estate.s3copy.urls import parse_s3_url
from estate.s3copy.verify import verify
from estate.store import jobs as store_jobs
from estate.store.jobs import JobRow
from tests.unit.aws.faults import error_answer
from tests.unit.s3copy.conftest import (
    DST_ACCOUNT,
    DST_ROLE,
    SRC_ACCOUNT,
    SRC_ROLE,
    MiB,
    make_bucket,
    s3_in,
)
from tests.unit.s3copy.test_copy import assert_same_objects, count_calls, fill_source

FIRST = "data/100%/done?.json"  # the first key listed of fill_source's objects


def plan(
    factory: SessionFactory, tags: str = "auto", concurrency: int = 1, dst: str = "dst-bucket"
) -> CopySpec:
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url(f"s3://{dst}"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        options=CopyOptions(multipart_threshold=8 * MiB, part_size=5 * MiB, tags=tags),
        concurrency=concurrency,
    )
    return spec


class Seen:
    """The S3 calls of both sides, and the TaggingDirective of each CopyObject."""

    def __init__(self, factory: SessionFactory) -> None:
        self.src = count_calls(factory, SRC_ACCOUNT, SRC_ROLE, "eu-west-1")
        self.dst = count_calls(factory, DST_ACCOUNT, DST_ROLE, "eu-central-1")
        self.directives: Counter[str] = Counter()
        dst = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")
        dst.meta.events.register("before-call.s3.CopyObject", self._copy)

    def _copy(self, params: dict[str, Any], **_: Any) -> None:
        self.directives[params["headers"]["x-amz-tagging-directive"]] += 1

    @property
    def requests(self) -> int:
        return sum(self.src.values()) + sum(self.dst.values())


def summary(ctx: JobContext, job: JobRow) -> str:
    console = Console(file=io.StringIO(), width=300)
    print_copy_summary(console, ctx.db, job)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_on_moto_which_loses_tags_auto_falls_back_to_reading_them_and_loses_none(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    spec = plan(factory)
    seen = Seen(factory)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    assert job.status == "ok" and job.counts == {"done": 9}
    assert job.state["tag_mode"] == {
        "mode": "read",
        "key": FIRST,
        "found": "different",
        "error": "",
    }
    assert "tags: read per object (S3 did not copy them on key data/100%/done?.json)" in (
        summary(ctx, job)
    )
    # the first object was the check: copied by S3 with COPY, its copy's tags read back and
    # found missing, then set; the 7 other single-part objects were copied the read way
    assert seen.directives == {"COPY": 1, "REPLACE": 7}
    assert seen.dst["PutObjectTagging"] == 1
    assert seen.src["GetObjectTagging"] == 9  # every object's, the parted one's included
    assert_same_objects()
    assert verify(Route.open(factory, spec), 4).ok


def test_where_s3_copies_tags_auto_lets_it_after_one_check_with_fewer_requests(
    s3_copies_tags: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    spec = plan(factory)
    seen = Seen(factory)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    assert job.status == "ok" and job.counts == {"done": 9}
    assert_same_objects()
    assert job.state["tag_mode"]["mode"] == "copy" and job.state["tag_mode"]["key"] == FIRST
    assert "tags: copied by S3 (checked on key data/100%/done?.json)" in summary(ctx, job)
    assert seen.directives == {"COPY": 8}
    assert seen.dst["GetObjectTagging"] == 1 and seen.dst["PutObjectTagging"] == 0
    # tags read: the checked object's, and the parted one's (a multipart copy needs them)
    assert seen.src["GetObjectTagging"] == 2
    auto_requests = seen.requests

    # the same copy reading tags per object sends 6 more requests (7 tag reads, not the
    # check's read-back)
    read_spec = plan(factory, tags="read", dst="dst-bucket-2")
    again = Seen(factory)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, read_spec)))
    assert job.status == "ok" and "tags: read per object (--tags read)" in summary(ctx, job)
    assert again.directives == {"REPLACE": 8}
    assert again.requests - auto_requests == 6


def test_many_copies_at_once_check_once(
    s3_copies_tags: None, ctx: JobContext, factory: SessionFactory
) -> None:
    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    for i in range(60):
        s3.put_object(Bucket="src-bucket", Key=f"data/{i:03d}", Body=b"x", Tagging=f"i={i}")
    seen = Seen(factory)
    job = run_copy(
        ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, plan(factory, concurrency=8)))
    )
    assert job.status == "ok" and job.counts == {"done": 60}
    assert seen.dst["GetObjectTagging"] == 1  # one check, whatever ran meanwhile
    assert job.state["tag_mode"]["mode"] == "copy"
    # copies that started before the decision read the tags; the rest did not
    assert (
        seen.directives["COPY"] >= 1 and seen.directives["COPY"] + seen.directives["REPLACE"] == 60
    )
    assert seen.src["GetObjectTagging"] == 1 + seen.directives["REPLACE"]
    dst = s3_in(DST_ACCOUNT, "eu-central-1")
    for i in range(60):
        assert dst.get_object_tagging(Bucket="dst-bucket", Key=f"{i:03d}")["TagSet"] == [
            {"Key": "i", "Value": str(i)}
        ]


def test_a_check_refused_by_s3_means_reading_tags_and_the_object_is_copied_the_read_way(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    seen = Seen(factory)
    dst = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")
    dst.meta.events.register(
        "before-call.s3.CopyObject",
        lambda params, **_: (
            error_answer("AccessDenied", 403)
            if params["headers"]["x-amz-tagging-directive"] == "COPY"
            else None
        ),
    )
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, plan(factory))))
    assert job.status == "ok" and job.counts == {"done": 9}
    assert_same_objects()
    assert job.state["tag_mode"] == {
        "mode": "read",
        "key": FIRST,
        "found": "refused",
        "error": "CopyObject AccessDenied",
    }
    assert "S3 refused CopyObject AccessDenied on key data/100%/done?.json" in summary(ctx, job)
    assert seen.directives == {"COPY": 1, "REPLACE": 8}  # the refused one, then all read
    assert seen.dst["PutObjectTagging"] == 0


def test_a_copy_refused_altogether_decides_nothing_and_the_next_object_checks(
    s3_copies_tags: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    dst = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")
    dst.meta.events.register(
        "before-call.s3.CopyObject",
        lambda params, **_: (
            error_answer("AccessDenied", 403)
            if "100%25" in params["headers"]["x-amz-copy-source"]
            else None
        ),
    )
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, plan(factory))))
    assert job.status == "partial" and job.counts == {"done": 8, "failed": 1}
    (failed,) = store_jobs.load_items(ctx.db, job.id, status="failed")
    assert failed.key == FIRST and "estate s3 grant" in (failed.error or "")
    assert job.state["tag_mode"]["mode"] == "copy"
    assert job.state["tag_mode"]["key"] == "data/a+b=c&d%20e.txt"  # the next one listed


def test_the_decision_survives_a_resume_which_checks_nothing_again(
    s3_copies_tags: None, ctx: JobContext, factory: SessionFactory
) -> None:
    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    for i in range(12):
        s3.put_object(
            Bucket="src-bucket", Key=f"data/{i:03d}", Body=os.urandom(i), Tagging=f"i={i}&k=v"
        )
    spec = plan(factory)
    dst = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")
    copies = 0

    def die_after_four(**_: Any) -> None:  # the process dies after 4 copies
        nonlocal copies
        copies += 1
        if copies > 4:
            raise RuntimeError("killed")

    dst.meta.events.register("before-call.s3.CopyObject", die_after_four)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    assert job.counts == {"done": 4, "failed": 8}
    decided = job.state["tag_mode"]
    assert decided == {"mode": "copy", "key": "data/000", "found": "same", "error": ""}
    dst.meta.events.unregister("before-call.s3.CopyObject", die_after_four)

    seen = Seen(factory)
    finished = run_copy(ctx, store_jobs.load_job(ctx.db, job.id))
    assert finished.status == "ok" and finished.counts == {"done": 12}
    assert finished.state["tag_mode"] == decided
    assert "tags: copied by S3 (checked on key data/000)" in summary(ctx, finished)
    # no check, no tag read: S3 copied the tags of the 8 objects left
    assert seen.dst["GetObjectTagging"] == 0 and seen.src["GetObjectTagging"] == 0
    assert seen.directives == {"COPY": 8}
    out = s3_in(DST_ACCOUNT, "eu-central-1")
    for i in range(12):
        tags = out.get_object_tagging(Bucket="dst-bucket", Key=f"{i:03d}")["TagSet"]
        assert sorted((t["Key"], t["Value"]) for t in tags) == [("i", str(i)), ("k", "v")]


def test_a_check_cut_short_after_its_copy_is_finished_on_resume(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    """The copy made by a check lacks its tags until the check ends: a run that dies in
    between leaves the object recorded, and the resume gives the copy its tags."""
    fill_source(big=0)
    spec = plan(factory)
    dst = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")

    def die(**_: Any) -> None:
        raise RuntimeError("killed")

    dst.meta.events.register("before-call.s3.GetObjectTagging", die)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    # every single-part object was copied by a check that died before reading its tags back
    # (each check that decided nothing lets the next object check); the parted one is done
    assert job.counts == {"done": 1, "failed": 8} and "tag_mode" not in job.state
    assert all(
        i.progress == {"tag_probe": True}
        for i in store_jobs.load_items(ctx.db, job.id, status="failed")
    )
    copy = s3_in(DST_ACCOUNT, "eu-central-1")
    assert copy.get_object_tagging(Bucket="dst-bucket", Key="plain.txt")["TagSet"] == []
    dst.meta.events.unregister("before-call.s3.GetObjectTagging", die)

    seen = Seen(factory)
    finished = run_copy(ctx, store_jobs.load_job(ctx.db, job.id))
    assert finished.status == "ok" and finished.counts == {"done": 9}
    assert_same_objects()
    assert seen.dst["CopyObject"] == 0 and seen.dst["PutObjectTagging"] == 8
    assert all(i.progress is None for i in store_jobs.load_items(ctx.db, job.id))


@pytest.mark.parametrize("tags", ["read", "copy"])
def test_explicit_modes_never_check(
    s3_copies_tags: None, ctx: JobContext, factory: SessionFactory, tags: str
) -> None:
    fill_source(big=0)
    seen = Seen(factory)
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, plan(factory, tags))))
    assert job.status == "ok" and "tag_mode" not in job.state
    assert seen.dst["GetObjectTagging"] == 0
    assert seen.directives == ({"REPLACE": 8} if tags == "read" else {"COPY": 8})
    assert_same_objects()
