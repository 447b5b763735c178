"""`estate s3 copy` as its own process against the emulator, across accounts and regions:
tricky keys and sizes through a throttling S3, then `aws s3 sync --dryrun` (the peer tool)
finds nothing to copy; a kill -9 mid-copy and `estate resume` end with the same result and no
object copied twice, also once `--tags auto` has found S3 copying tags (on the simulated AWS,
whose moto copies them as S3 does); bad input is one line and exit 2 with no estate.yaml."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from estate.demo.emulator import EMULATOR_CREDENTIALS, Emulator
from estate.s3copy.plan import compare_objects, tags_from
from tests.integration.running import estate_env
from tests.sim.moto_process import MotoProcess
from tests.sim.proxy import FaultProxy, Faults
from tests.sim.wire import Call

pytestmark = pytest.mark.integration

SRC_ACCOUNT = "410000000001"
DST_ACCOUNT = "410000000002"
SRC_ROLE = f"arn:aws:iam::{SRC_ACCOUNT}:role/Migrate"
DST_ROLE = f"arn:aws:iam::{DST_ACCOUNT}:role/Migrate"
MiB = 1024 * 1024
KEYS = [
    "plain.txt",
    "with space/and more.csv",
    "unicodé/日本語/ключ.bin",
    "a+b=c&d%20e.txt",
    "100%/done?.json",
    "folder/",
    "deep/folder/",
    "trailing space ",
    "empty",
]
PROPS: dict[str, Any] = {
    "ContentType": "application/vnd.estate+json",
    "CacheControl": "max-age=600",
    "ContentDisposition": 'inline; filename="x"',
    "ContentEncoding": "identity",
    "ContentLanguage": "nl",
    "Expires": "2032-03-04T05:06:07Z",
    "Metadata": {"origin": "integration", "n": "1"},
    "StorageClass": "STANDARD_IA",
}
TAGS = "team=data&note=a%20b%2Bc"


def client(endpoint: str, account: str, region: str) -> Any:
    sts = boto3.client(
        "sts", endpoint_url=endpoint, region_name="us-east-1", **EMULATOR_CREDENTIALS
    )
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Setup", RoleSessionName="setup")
    c = creds["Credentials"]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )


def create(s3: Any, bucket: str, region: str) -> None:
    config = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=bucket, **config)


@pytest.fixture(scope="module")
def source(emulator: Emulator) -> Any:
    """A bucket in eu-west-1 of the source account: tricky keys, empty to 11 MiB, one
    object uploaded in parts; and a bigger one of many small objects."""
    s3 = client(emulator.endpoint_url, SRC_ACCOUNT, "eu-west-1")
    create(s3, "s3copy-source", "eu-west-1")
    for i, key in enumerate(KEYS):
        s3.put_object(
            Bucket="s3copy-source",
            Key=f"data/{key}",
            Body=os.urandom(i * 333),
            **PROPS,
            Tagging=TAGS,
        )
    s3.put_object(
        Bucket="s3copy-source", Key="data/big.bin", Body=os.urandom(11 * MiB), **PROPS, Tagging=TAGS
    )
    upload = s3.create_multipart_upload(
        Bucket="s3copy-source", Key="data/parted.bin", **PROPS, Tagging=TAGS
    )
    parts = []
    for number, size in ((1, 5 * MiB), (2, 2 * MiB)):
        answer = s3.upload_part(
            Bucket="s3copy-source",
            Key="data/parted.bin",
            PartNumber=number,
            UploadId=upload["UploadId"],
            Body=os.urandom(size),
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    s3.complete_multipart_upload(
        Bucket="s3copy-source",
        Key="data/parted.bin",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": parts},
    )
    s3.put_object(Bucket="s3copy-source", Key="outside/prefix", Body=b"not copied")
    create(s3, "s3copy-many", "eu-west-1")
    for i in range(120):
        s3.put_object(
            Bucket="s3copy-many",
            Key=f"obj/{i:04d}",
            Body=os.urandom(64),
            Metadata={"i": str(i)},
            Tagging=f"i={i}",
        )
    for i in range(2):
        s3.put_object(
            Bucket="s3copy-many", Key=f"obj/0-big-{i}", Body=os.urandom(16 * MiB), Tagging="big=1"
        )
    return s3


@pytest.fixture
def proxy(emulator: Emulator) -> Iterator[FaultProxy]:
    with FaultProxy(emulator.endpoint_url) as running:
        yield running


def estate(
    tmp_path: Path, endpoint: str, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run estate in tmp_path, where there is no estate.yaml: the endpoint comes from
    ESTATE_ENDPOINT_URL and the job store is ./estate.db."""
    env = {**estate_env(tmp_path), "ESTATE_ENDPOINT_URL": endpoint}
    return subprocess.run(
        [sys.executable, "-m", "estate", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=timeout,
        check=False,
    )


def assert_faithful(src: Any, dst: Any, src_bucket: str, dst_bucket: str, prefix: str) -> int:
    """Every source object under prefix is at the destination with every property; returns
    how many."""
    keys = [o["Key"] for o in src.list_objects_v2(Bucket=src_bucket, Prefix=prefix)["Contents"]]
    copied = [o["Key"] for o in dst.list_objects_v2(Bucket=dst_bucket)["Contents"]]
    assert sorted(copied) == sorted(k.removeprefix(prefix) for k in keys)
    for key in keys:
        dst_key = key.removeprefix(prefix)
        a = src.head_object(Bucket=src_bucket, Key=key, ChecksumMode="ENABLED")
        b = dst.head_object(Bucket=dst_bucket, Key=dst_key, ChecksumMode="ENABLED")
        a_tags = tags_from(src.get_object_tagging(Bucket=src_bucket, Key=key)["TagSet"])
        b_tags = tags_from(dst.get_object_tagging(Bucket=dst_bucket, Key=dst_key)["TagSet"])
        assert compare_objects(a, b, a_tags, b_tags) == [], key
        assert a_tags, key
    return len(keys)


def awscli_dryrun(tmp_path: Path, endpoint: str, src: str, dst: str) -> list[str]:
    """What `aws s3 sync --dryrun` (awscli v1, as the destination account) would copy."""
    sts = boto3.client(
        "sts", endpoint_url=endpoint, region_name="us-east-1", **EMULATOR_CREDENTIALS
    )
    creds = sts.assume_role(RoleArn=DST_ROLE, RoleSessionName="peer")["Credentials"]
    env = {
        **estate_env(tmp_path),
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "s3",
            "sync",
            src,
            dst,
            "--dryrun",
            "--endpoint-url",
            endpoint,
            "--region",  # no --source-region: it would take the source's calls past the endpoint
            "eu-central-1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if line.strip()]


def test_a_cross_account_cross_region_copy_through_a_throttling_s3_leaves_nothing_to_sync(
    emulator: Emulator, source: Any, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.set_faults(Faults(throttle_rate=0.1, latency=0.01, seed=5))
    args = [
        "s3",
        "copy",
        "s3://s3copy-source/data",
        "s3://s3copy-dest",
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
        "8",
    ]
    plan = estate(tmp_path, proxy.endpoint_url, *args)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "to copy: 11 objects" in plan.stdout and "(2 in parts)" in plan.stdout

    done = estate(tmp_path, proxy.endpoint_url, *args, "--apply")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "11 copied" in done.stdout and "0 failed" in done.stdout
    assert proxy.stats.throttled > 0  # SlowDown answers were waited out, nothing failed

    src = client(emulator.endpoint_url, SRC_ACCOUNT, "eu-west-1")
    dst = client(emulator.endpoint_url, DST_ACCOUNT, "eu-central-1")
    assert dst.get_bucket_location(Bucket="s3copy-dest")["LocationConstraint"] == "eu-central-1"
    assert assert_faithful(src, dst, "s3copy-source", "s3copy-dest", "data/") == 11
    assert dst.list_multipart_uploads(Bucket="s3copy-dest").get("Uploads", []) == []

    proxy.set_faults(Faults())
    verified = estate(
        tmp_path,
        proxy.endpoint_url,
        "s3",
        "verify",
        "s3://s3copy-source/data",
        "s3://s3copy-dest",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        DST_ROLE,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "11 identical" in verified.stdout

    if importlib.util.find_spec("awscli") is None:
        pytest.skip("awscli v1 is not installed: the peer check needs it (pip install awscli)")
    assert (
        awscli_dryrun(
            tmp_path, emulator.endpoint_url, "s3://s3copy-source/data", "s3://s3copy-dest"
        )
        == []
    )
    # and the peer does see a difference when there is one
    dst.delete_object(Bucket="s3copy-dest", Key="plain.txt")
    (line,) = awscli_dryrun(
        tmp_path, emulator.endpoint_url, "s3://s3copy-source/data", "s3://s3copy-dest"
    )
    assert "plain.txt" in line


def _db_figures(db: Path) -> tuple[int, int]:
    """(objects done, objects with an upload in progress) in the job store, read-only."""
    if not db.exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            (done,) = conn.execute(
                "SELECT count(*) FROM job_items WHERE status = 'done'"
            ).fetchone()
            (uploading,) = conn.execute(
                "SELECT count(*) FROM job_items WHERE progress LIKE '%upload_id%'"
            ).fetchone()
        finally:
            conn.close()
        return int(done), int(uploading)
    except sqlite3.Error:
        return 0, 0


def test_kill_9_mid_copy_then_resume_copies_everything_once(
    emulator: Emulator, source: Any, proxy: FaultProxy, tmp_path: Path
) -> None:
    dst = client(emulator.endpoint_url, DST_ACCOUNT, "eu-west-1")
    create(dst, "s3copy-versioned", "eu-west-1")  # an existing bucket of the caller is reused
    dst.put_bucket_versioning(
        Bucket="s3copy-versioned", VersioningConfiguration={"Status": "Enabled"}
    )
    proxy.set_faults(Faults(latency=0.5))
    env = {**estate_env(tmp_path), "ESTATE_ENDPOINT_URL": proxy.endpoint_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "estate",
            "s3",
            "copy",
            "s3://s3copy-many/obj",
            "s3://s3copy-versioned",
            "--source-role",
            SRC_ROLE,
            "--dest-role",
            DST_ROLE,
            "--multipart-threshold",
            "8MiB",
            "--part-size",
            "5MiB",
            "--concurrency",
            "6",
            "--apply",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    db = tmp_path / "estate.db"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        done, uploading = _db_figures(db)
        if done and uploading:  # some objects done, an upload half-way
            break
        time.sleep(0.02)
    assert process.poll() is None, "the copy ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before, uploading = _db_figures(db)
    assert 0 < done_before < 122 and uploading
    time.sleep(1)  # requests the proxy still held when the copier died reach S3 now

    proxy.set_faults(Faults(latency=0.01))
    jobs = estate(tmp_path, proxy.endpoint_url, "jobs", "--format", "json")
    assert '"status": "running"' in jobs.stdout  # killed, as by an OOM
    resumed = estate(tmp_path, proxy.endpoint_url, "resume", "last")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "122 copied" in resumed.stdout and "0 failed" in resumed.stdout

    src = client(emulator.endpoint_url, SRC_ACCOUNT, "eu-west-1")
    assert assert_faithful(src, dst, "s3copy-many", "s3copy-versioned", "obj/") == 122
    versions = dst.list_object_versions(Bucket="s3copy-versioned")["Versions"]
    assert len(versions) == 122  # one version per key: nothing was copied twice
    assert dst.list_multipart_uploads(Bucket="s3copy-versioned").get("Uploads", []) == []
    again = estate(tmp_path, proxy.endpoint_url, "resume", "last")
    assert again.returncode == 2 and "already complete" in again.stderr


@pytest.fixture(scope="module")
def sim() -> Iterator[MotoProcess]:
    """moto as the simulated AWS runs it: a process of its own, patched to copy object tags
    across accounts as S3 does."""
    with MotoProcess() as moto:
        yield moto


def _decided(db: Path) -> tuple[str, int]:
    """(the job's tag decision as stored, objects done), read-only."""
    if not db.exists():
        return "", 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute("SELECT state FROM jobs ORDER BY id DESC LIMIT 1").fetchone()
            (done,) = conn.execute(
                "SELECT count(*) FROM job_items WHERE status = 'done'"
            ).fetchone()
        finally:
            conn.close()
        return (row[0] or "") if row else "", int(done)
    except sqlite3.Error:
        return "", 0


def test_kill_9_after_auto_found_s3_copying_tags_then_resume_reads_no_tags(
    sim: MotoProcess, tmp_path: Path
) -> None:
    src = client(sim.endpoint_url, SRC_ACCOUNT, "eu-west-1")
    create(src, "autotags-source", "eu-west-1")
    for i in range(60):
        src.put_object(
            Bucket="autotags-source", Key=f"obj/{i:03d}", Body=os.urandom(32), Tagging=f"i={i}"
        )
    forwarded: list[Call] = []
    with FaultProxy(
        sim.endpoint_url, Faults(latency=0.2), on_forward=lambda call, _: forwarded.append(call)
    ) as proxy:
        env = {**estate_env(tmp_path), "ESTATE_ENDPOINT_URL": proxy.endpoint_url}
        args = ["s3", "copy", "s3://autotags-source/obj", "s3://autotags-dest"]
        roles = ["--source-role", SRC_ROLE, "--dest-role", DST_ROLE, "--create-bucket"]
        process = subprocess.Popen(
            [sys.executable, "-m", "estate", *args, *roles, "--concurrency", "4", "--apply"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
        )
        db = tmp_path / "estate.db"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            state, done = _decided(db)
            if "tag_mode" in state and done >= 8:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the copy ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        state, done = _decided(db)
        assert '"mode": "copy"' in state and 8 <= done < 60, (state, done)
        time.sleep(1)  # requests the proxy still held when the copier died reach S3 now

        proxy.set_faults(Faults())
        forwarded.clear()
        resumed = estate(tmp_path, proxy.endpoint_url, "resume", "last")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert "60 copied" in resumed.stdout and "0 failed" in resumed.stdout
        assert "tags: copied by S3 (checked on key obj/" in resumed.stdout
        # no second check, and no object's tags read: S3 copied them
        tagging = [c for c in forwarded if "tagging" in c.params]
        assert tagging == []
        assert _decided(db)[0] == state

    dst = client(sim.endpoint_url, DST_ACCOUNT, "eu-west-1")
    for i in range(60):
        tags = dst.get_object_tagging(Bucket="autotags-dest", Key=f"{i:03d}")["TagSet"]
        assert tags == [{"Key": "i", "Value": str(i)}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s3", "copy", "s3:/s3copy-source", "s3://x-dest"], "source: not an S3 URL"),
        (["s3", "copy", "s3://s3copy-source", "s3://Bad_Name"], "invalid bucket name 'Bad_Name'"),
        (
            ["s3", "copy", "s3://s3copy-no-such", "s3://s3copy-x", "--create-bucket"],
            "source bucket s3copy-no-such does not exist",
        ),
        (
            ["s3", "copy", "s3://s3copy-source", "s3://s3copy-many", "--dest-role", DST_ROLE],
            "s3copy-many already exists and is not owned by account 410000000002",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    emulator: Emulator, source: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    done = estate(tmp_path, emulator.endpoint_url, *args, "--source-role", SRC_ROLE)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert done.stderr.startswith("estate: error: ")
