"""Copies end to end on moto: every property kept on both paths, tricky keys, skips on a
re-run, and a copy killed halfway that resumes without copying anything twice."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from estate.actions.jobs import JobContext
from estate.aws.sessions import SessionFactory
from estate.cli import s3 as cli_s3
from estate.cli.main import main
from estate.s3copy.copier import S3Copy, create_copy_job, listed_from, resume_job, run_copy
from estate.s3copy.objects import copy_single
from estate.s3copy.plan import CopyOptions, compare_objects, tags_from
from estate.s3copy.route import Route, resolve_spec
from estate.s3copy.urls import parse_s3_url
from estate.store import jobs as store_jobs
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

TRICKY_KEYS = [
    "plain.txt",
    "with space/and more.csv",
    "unicodé/日本語/ключ.bin",
    "a+b=c&d%20e.txt",
    "100%/done?.json",
    "folder/",
    "deep/folder/",
    "trailing space ",
]
PROPS = {
    "ContentType": "text/csv; charset=utf-8",
    "CacheControl": "max-age=3600",
    "ContentDisposition": 'attachment; filename="x.csv"',
    "ContentEncoding": "identity",
    "ContentLanguage": "fr-CA",
    "Expires": "2031-02-03T04:05:06Z",
    "Metadata": {"owner": "team-a", "note": "plain"},
    "StorageClass": "STANDARD_IA",
}
TAGS = "env=prod&cost%20centre=a%2Bb&empty="


def fill_source(bucket: str = "src-bucket", region: str = "eu-west-1", big: int = 1) -> Any:
    s3 = make_bucket(SRC_ACCOUNT, bucket, region)
    for i, key in enumerate(TRICKY_KEYS):
        s3.put_object(
            Bucket=bucket, Key=f"data/{key}", Body=os.urandom(i * 100), **PROPS, Tagging=TAGS
        )
    for n in range(big):  # above the lowered threshold: copied in parts
        s3.put_object(
            Bucket=bucket, Key=f"data/big-{n}.bin", Body=os.urandom(11 * MiB), **PROPS, Tagging=TAGS
        )
    # an object uploaded in parts, whose ETag a mirrored copy keeps
    upload = s3.create_multipart_upload(Bucket=bucket, Key="data/parted.bin", **PROPS, Tagging=TAGS)
    parts = []
    for number in (1, 2):
        body = os.urandom(5 * MiB if number == 1 else MiB)
        etag = s3.upload_part(
            Bucket=bucket,
            Key="data/parted.bin",
            PartNumber=number,
            UploadId=upload["UploadId"],
            Body=body,
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="data/parted.bin",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": parts},
    )
    s3.put_object(Bucket=bucket, Key="elsewhere/not-copied", Body=b"x")
    return s3


COPY_ARGS = [
    "s3",
    "copy",
    "s3://src-bucket/data",
    "s3://dst-bucket",
    "--source-role",
    SRC_ROLE,
    "--dest-role",
    DST_ROLE,
    "--dest-region",
    "eu-central-1",
    "--create-bucket",
    "--multipart-threshold",
    "8MiB",
    "--part-size",
    "5MiB",
    "--concurrency",
    "4",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_same_objects(src_bucket: str = "src-bucket", dst_bucket: str = "dst-bucket") -> None:
    src = s3_in(SRC_ACCOUNT, "eu-west-1")
    dst = s3_in(DST_ACCOUNT, "eu-central-1")
    keys = [o["Key"] for o in src.list_objects_v2(Bucket=src_bucket, Prefix="data/")["Contents"]]
    copied = [o["Key"] for o in dst.list_objects_v2(Bucket=dst_bucket)["Contents"]]
    assert sorted(copied) == sorted(k.removeprefix("data/") for k in keys)
    for key in keys:
        dst_key = key.removeprefix("data/")
        a = src.head_object(Bucket=src_bucket, Key=key, ChecksumMode="ENABLED")
        b = dst.head_object(Bucket=dst_bucket, Key=dst_key, ChecksumMode="ENABLED")
        a_tags = tags_from(src.get_object_tagging(Bucket=src_bucket, Key=key)["TagSet"])
        b_tags = tags_from(dst.get_object_tagging(Bucket=dst_bucket, Key=dst_key)["TagSet"])
        assert compare_objects(a, b, a_tags, b_tags) == [], key
        assert a_tags == {"env": "prod", "cost centre": "a+b", "empty": ""}
        assert (
            src.get_object(Bucket=src_bucket, Key=key)["Body"].read()
            == dst.get_object(Bucket=dst_bucket, Key=dst_key)["Body"].read()
        )


def count_calls(factory: SessionFactory, account: str, role: str, region: str) -> Counter[str]:
    """Count the S3 operations a session's client sends (by name)."""
    seen: Counter[str] = Counter()

    def handler(model: Any, **_: Any) -> None:
        seen[model.name] += 1

    factory.for_account(account, role).client("s3", region).meta.events.register(
        "before-call.s3", handler
    )
    return seen


def test_a_cross_account_cross_region_copy_keeps_every_property_and_reruns_skip_it(
    aws: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no estate.yaml: the job goes to ./estate.db
    src = fill_source()
    code, out, _ = run(capsys, *COPY_ARGS)
    assert code == 0
    assert "10 objects" in out and "to copy: 10 objects" in out and "(2 in parts)" in out
    assert "will be created" in out
    assert "tags: read per object until the first tagged object shows" in out
    assert not (tmp_path / "estate.db").exists()  # a plan writes nothing

    code, out, err = run(capsys, *COPY_ARGS, "--apply")
    assert code == 0, out + err
    assert "10 copied" in out and "0 failed" in out and "2 multipart" in out
    # moto loses tags across accounts: the check finds it on whichever object came first
    assert "tags: read per object (S3 did not copy them on key data/" in out
    assert (tmp_path / "estate.db").exists()
    assert_same_objects()
    dst = s3_in(DST_ACCOUNT, "eu-central-1")
    assert dst.get_bucket_location(Bucket="dst-bucket")["LocationConstraint"] == "eu-central-1"
    parted = src.head_object(Bucket="src-bucket", Key="data/parted.bin")["ETag"]
    assert dst.head_object(Bucket="dst-bucket", Key="parted.bin")["ETag"] == parted
    assert dst.list_multipart_uploads(Bucket="dst-bucket").get("Uploads", []) == []

    stamps = {
        o["Key"]: o["LastModified"] for o in dst.list_objects_v2(Bucket="dst-bucket")["Contents"]
    }
    code, out, err = run(capsys, *COPY_ARGS, "--apply")
    assert code == 0, out + err
    assert "0 copied" in out and "10 skipped" in out
    after = {
        o["Key"]: o["LastModified"] for o in dst.list_objects_v2(Bucket="dst-bucket")["Contents"]
    }
    assert after == stamps

    code, out, err = run(
        capsys,
        "s3",
        "verify",
        "s3://src-bucket/data",
        "s3://dst-bucket",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        DST_ROLE,
    )
    assert code == 0, out + err
    assert "10 identical" in out

    code, out, _ = run(capsys, "jobs", "--format", "json")
    assert code == 0 and '"kind": "s3copy"' in out


def test_a_killed_copy_resumes_its_upload_and_copies_nothing_twice(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=2)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url("s3://dst-bucket"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        options=CopyOptions(multipart_threshold=8 * MiB, part_size=5 * MiB),
        concurrency=4,
    )
    job_id = create_copy_job(ctx.db, spec)
    route = Route.open(factory, spec)
    # The run that was killed: it listed everything, copied two objects (one recorded, one
    # not), began the upload of big-0 with its first part, and began one of big-1 without
    # living to record its id.
    kind = S3Copy(route, 4)
    job = store_jobs.start_job(ctx.db, job_id)
    kind.prepare(ctx, job, lambda e, d: None)
    kind.close()
    items = {i.key: i for i in store_jobs.load_items(ctx.db, job_id)}
    dst = s3_in(DST_ACCOUNT, "eu-central-1")
    for key in ("data/plain.txt", "data/folder/"):
        copy_single(route, listed_from(items[key]), key.removeprefix("data/"))
    store_jobs.mark_items(ctx.db, [items["data/plain.txt"].id], "done")
    store_jobs.mark_items(ctx.db, [items["data/folder/"].id], "running", count_attempt=True)
    upload = dst.create_multipart_upload(  # as the killed run made it
        Bucket="dst-bucket",
        Key="big-0.bin",
        **PROPS,
        Tagging=TAGS,
        ChecksumAlgorithm="CRC32",
        ChecksumType="FULL_OBJECT",
    )["UploadId"]
    part = dst.upload_part_copy(
        Bucket="dst-bucket",
        Key="big-0.bin",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": "src-bucket", "Key": "data/big-0.bin"},
        CopySourceRange=f"bytes=0-{5 * MiB - 1}",
    )
    store_jobs.set_progress(
        ctx.db,
        items["data/big-0.bin"].id,
        {
            "upload_id": upload,
            "part_size": 5 * MiB,
            "parts": {"1": {"ETag": part["CopyPartResult"]["ETag"]}},
        },
    )
    store_jobs.mark_items(ctx.db, [items["data/big-0.bin"].id], "running", count_attempt=True)
    orphan = dst.create_multipart_upload(Bucket="dst-bucket", Key="big-1.bin")["UploadId"]
    store_jobs.set_progress(ctx.db, items["data/big-1.bin"].id, {"initiating": time.time() - 5})
    store_jobs.mark_items(ctx.db, [items["data/big-1.bin"].id], "running", count_attempt=True)
    store_jobs.finish_job(ctx.db, job_id, {}, error="killed")  # what `estate jobs` would show

    calls = count_calls(factory, DST_ACCOUNT, DST_ROLE, "eu-central-1")
    code = resume_job(ctx, store_jobs.load_job(ctx.db, job_id))
    assert code == 0
    job = store_jobs.load_job(ctx.db, job_id)
    assert job.status == "ok" and job.resumes == 1
    assert job.counts == {"done": 11}
    # 11 objects: plain.txt was done, folder/ was found copied, big-0 resumed (2 of 3 parts
    # left), big-1 copied afresh (3 parts), parted.bin mirrored (2 parts): 6 CopyObjects
    assert calls["CopyObject"] == 6
    assert calls["UploadPartCopy"] == 2 + 3 + 2
    assert calls["CompleteMultipartUpload"] == 3
    assert calls["AbortMultipartUpload"] == 1  # the orphan of big-1
    assert dst.list_multipart_uploads(Bucket="dst-bucket").get("Uploads", []) == []
    assert all(i.progress is None for i in store_jobs.load_items(ctx.db, job_id))
    assert_same_objects()
    assert orphan


def test_a_listing_interrupted_halfway_resumes_after_the_last_page_recorded(
    aws: None, ctx: JobContext, factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("estate.s3copy.listing.PAGE_SIZE", 3)
    s3 = make_bucket(SRC_ACCOUNT, "many-objects", "eu-west-1")
    for i in range(10):
        s3.put_object(Bucket="many-objects", Key=f"k{i:02d}", Body=b"x" * i)
    make_bucket(DST_ACCOUNT, "half-full", "eu-west-1")
    dst = s3_in(DST_ACCOUNT, "eu-west-1")
    for i in (1, 4, 5):  # already there: skipped
        dst.put_object(Bucket="half-full", Key=f"k{i:02d}", Body=b"x" * i)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://many-objects"),
        parse_s3_url("s3://half-full"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        concurrency=2,
    )
    job_id = create_copy_job(ctx.db, spec)
    kind = S3Copy(Route.open(factory, spec), 2)
    pages = 0

    def crash_after_two_pages(event: str, data: Any) -> None:
        nonlocal pages
        if event == "listing":
            pages += 1
            if pages == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kind.prepare(ctx, store_jobs.load_job(ctx.db, job_id), crash_after_two_pages)
    job = store_jobs.load_job(ctx.db, job_id)
    assert job.state["after"] == "k05" and not job.state.get("listed")
    assert len(store_jobs.load_items(ctx.db, job_id)) == 6

    finished = run_copy(ctx, job)
    kind.close()
    assert finished.status == "ok"
    assert finished.counts == {"done": 7, "skipped": 3}
    assert finished.state["objects"] == 10 and finished.state["skipped"] == 3
    keys = [o["Key"] for o in dst.list_objects_v2(Bucket="half-full")["Contents"]]
    assert keys == [f"k{i:02d}" for i in range(10)]


def test_a_source_the_destination_may_not_read_is_refused_before_any_copy(
    aws: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 makes a copy as the destination reading the source: when it may not list the
    source, the copy stops before it starts, pointing to `estate s3 grant`."""
    monkeypatch.chdir(tmp_path)
    fill_source(big=0)
    make_bucket(DST_ACCOUNT, "dst-bucket", "eu-central-1")
    real_factory = cli_s3.s3_factory

    def factory_refusing_the_destination(*args: Any, **kwargs: Any) -> SessionFactory:
        factory = real_factory(*args, **kwargs)
        client = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-west-1")
        client.meta.events.register(
            "before-call.s3.ListObjectsV2", lambda **_: error_answer("AccessDenied", 403)
        )
        return factory

    monkeypatch.setattr(cli_s3, "s3_factory", factory_refusing_the_destination)
    code, _, err = run(
        capsys,
        "s3",
        "copy",
        "s3://src-bucket/data",
        "s3://dst-bucket",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        DST_ROLE,
        "--apply",
    )
    assert code == 2
    assert err.count("\n") == 1 and "account 222222222222 cannot read s3://src-bucket" in err
    assert "estate s3 grant s3://src-bucket/data/ --to-account 222222222222" in err
    assert not (tmp_path / "estate.db").exists()


def test_objects_the_destination_may_not_read_fail_alone_and_name_the_grant(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url("s3://dst-bucket"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        concurrency=2,
    )
    client = factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1")
    client.meta.events.register(
        "before-call.s3.CopyObject",
        lambda params, **_: (
            error_answer("AccessDenied", 403)
            if "plain" in params["headers"].get("x-amz-copy-source", "")
            else None
        ),
    )
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    assert job.status == "partial"
    (failed,) = store_jobs.load_items(ctx.db, job.id, status="failed")
    assert failed.key == "data/plain.txt"
    assert "AccessDenied" in (failed.error or "")
    assert "estate s3 grant s3://src-bucket --to-account 222222222222" in (failed.error or "")
    assert job.counts["done"] == 8


def test_a_source_changed_after_listing_is_not_copied_half_new(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    src = fill_source(big=0)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url("s3://dst-bucket"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        concurrency=2,
    )
    job_id = create_copy_job(ctx.db, spec)
    kind = S3Copy(Route.open(factory, spec), 2)
    kind.prepare(ctx, store_jobs.start_job(ctx.db, job_id), lambda e, d: None)
    kind.close()
    src.put_object(Bucket="src-bucket", Key="data/plain.txt", Body=b"changed since")
    job = run_copy(ctx, store_jobs.load_job(ctx.db, job_id))
    (failed,) = store_jobs.load_items(ctx.db, job.id, status="failed")
    assert failed.key == "data/plain.txt"
    # AWS refuses the copy (CopySourceIfMatch); moto copies, and the ETag check catches it
    assert "changed after it was listed" in (failed.error or "")


def test_a_same_account_copy_lets_s3_copy_the_tags_and_overrides_apply(
    aws: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "us-east-1")
    s3.put_object(Bucket="src-bucket", Key="a", Body=b"1", Tagging="k=v", Metadata={"m": "1"})
    code, out, err = run(
        capsys,
        "s3",
        "copy",
        "s3://src-bucket",
        "s3://copy-in-virginia",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        SRC_ROLE,
        "--create-bucket",
        "--storage-class",
        "GLACIER_IR",
        "--apply",
        "--concurrency",
        "2",
    )
    assert code == 0, out + err
    assert "tags: copied by S3 (same account)" in out
    head = s3.head_object(Bucket="copy-in-virginia", Key="a")
    assert head["StorageClass"] == "GLACIER_IR" and head["Metadata"] == {"m": "1"}
    assert s3.get_object_tagging(Bucket="copy-in-virginia", Key="a")["TagSet"] == [
        {"Key": "k", "Value": "v"}
    ]
    assert s3.get_bucket_location(Bucket="copy-in-virginia")["LocationConstraint"] is None
    code, out, _ = run(
        capsys,
        "s3",
        "verify",
        "s3://src-bucket",
        "s3://copy-in-virginia",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        SRC_ROLE,
    )
    assert code == 1 and "StorageClass" in out
    code, out, _ = run(
        capsys,
        "s3",
        "verify",
        "s3://src-bucket",
        "s3://copy-in-virginia",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        SRC_ROLE,
        "--storage-class",
        "GLACIER_IR",
    )
    assert code == 0, out


def test_with_tags_copy_s3_copies_the_tags_in_one_request_per_object(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    fill_source(big=0)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url("s3://dst-bucket"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        options=CopyOptions(multipart_threshold=8 * MiB, part_size=5 * MiB, tags="copy"),
        concurrency=2,
    )
    reads = count_calls(factory, SRC_ACCOUNT, SRC_ROLE, "eu-west-1")
    copies: list[str] = []
    factory.for_account(DST_ACCOUNT, DST_ROLE).client("s3", "eu-central-1").meta.events.register(
        "before-call.s3.CopyObject",
        lambda params, **_: copies.append(params["headers"]["x-amz-tagging-directive"]),
    )
    job = run_copy(ctx, store_jobs.load_job(ctx.db, create_copy_job(ctx.db, spec)))
    assert job.status == "ok" and job.counts == {"done": 9}
    # the parted object is copied in parts: CreateMultipartUpload needs its tags read
    assert reads["GetObjectTagging"] == 1
    assert copies == ["COPY"] * 8


def test_an_upload_that_cannot_be_resumed_is_aborted_not_left_behind(
    aws: None, ctx: JobContext, factory: SessionFactory
) -> None:
    src = fill_source(big=1)
    spec, _ = resolve_spec(
        factory,
        parse_s3_url("s3://src-bucket/data"),
        parse_s3_url("s3://dst-bucket"),
        source_role=SRC_ROLE,
        dest_role=DST_ROLE,
        dest_region="eu-central-1",
        create_bucket=True,
        options=CopyOptions(multipart_threshold=8 * MiB, part_size=5 * MiB),
        concurrency=2,
    )
    job_id = create_copy_job(ctx.db, spec)
    kind = S3Copy(Route.open(factory, spec), 2)
    kind.prepare(ctx, store_jobs.start_job(ctx.db, job_id), lambda e, d: None)
    kind.close()
    (big,) = [i for i in store_jobs.load_items(ctx.db, job_id) if i.key == "data/big-0.bin"]
    dst = s3_in(DST_ACCOUNT, "eu-central-1")
    upload = dst.create_multipart_upload(Bucket="dst-bucket", Key="big-0.bin")["UploadId"]
    store_jobs.set_progress(
        ctx.db, big.id, {"upload_id": upload, "part_size": 5 * MiB, "parts": {}}
    )
    store_jobs.mark_items(ctx.db, [big.id], "running", count_attempt=True)
    # the source changed while the copy was down: the saved upload cannot be finished
    src.put_object(Bucket="src-bucket", Key="data/big-0.bin", Body=os.urandom(9 * MiB))
    job = run_copy(ctx, store_jobs.load_job(ctx.db, job_id))
    (failed,) = store_jobs.load_items(ctx.db, job.id, status="failed")
    assert failed.key == "data/big-0.bin" and "changed after it was listed" in (failed.error or "")
    assert failed.progress is None
    assert dst.list_multipart_uploads(Bucket="dst-bucket").get("Uploads", []) == []
