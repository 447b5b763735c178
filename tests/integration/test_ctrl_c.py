"""Ctrl-C (a real SIGINT to a real `estate` process, against the moto server behind a slow
proxy): exit 130 and one line naming what is saved and the exact command to go on; running
that command finishes the work with nothing lost or done twice."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from sqlalchemy import text

from estate.demo.emulator import Emulator
from estate.store.database import Database
from tests.integration.running import estate_env, run_estate
from tests.integration.test_workers import Workers
from tests.sim.estate_gen import CREDENTIALS
from tests.sim.proxy import FaultProxy, Faults
from tests.sim.tagcount import TagCounter
from tests.support import estate_program

PROGRAM = re.escape(estate_program())  # `estate`, or its path when not on PATH

pytestmark = pytest.mark.integration

TAG_ACCOUNTS = ("470000000001", "470000000002")
COPY_SRC, COPY_DST = "470000000011", "470000000012"
AMI = "ami-1e749f67"


def session(endpoint_url: str, account: str) -> boto3.Session:
    sts = boto3.client("sts", endpoint_url=endpoint_url, region_name="us-east-1", **CREDENTIALS)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Setup", RoleSessionName="setup")
    c = creds["Credentials"]
    return boto3.Session(
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of `sql` on the store, read-only while estate writes; [] while it cannot."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def count(db: Path, sql: str) -> int:
    rows = query(db, sql)
    return int(rows[0][0]) if rows else 0


def interrupt(
    args: list[str], cwd: Path, ready: Callable[[], bool], *, times: int = 1
) -> tuple[int, str]:
    """Start `estate ARGS`, wait until `ready()` (progress in the store), send SIGINT `times`
    times; (exit code, stderr)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "estate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=estate_env(cwd),
        cwd=cwd,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not ready():
        time.sleep(0.02)
    assert process.poll() is None, "estate ended before it could be interrupted"
    for _ in range(times):
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def the_line(err: str) -> str:
    """stderr holds one line from estate (no traceback, no other estate line): that line."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("estate:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def slow(emulator: Emulator) -> Iterator[FaultProxy]:
    with FaultProxy(emulator.endpoint_url, Faults(latency=0.15)) as proxy:
        yield proxy


def fleet_config(tmp_path: Path, endpoint_url: str, **keys: Any) -> Path:
    """estate.yaml for the fleet's accounts behind `endpoint_url`: a SQLite store in tmp_path,
    EC2's network types in two regions, 2 shards at once, unless `keys` say otherwise."""
    config = tmp_path / "estate.yaml"
    settings = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "endpoint_url": endpoint_url,
        "accounts": [{"id": a} for a in TAG_ACCOUNTS],
        "regions": ["us-east-1", "eu-west-1"],
        "types": ["ec2:instance", "ec2:vpc", "ec2:subnet", "ec2:security-group"],
        "concurrency": 2,
        **keys,
    }
    config.write_text(yaml.safe_dump(settings))
    return config


def test_ctrl_c_during_collect_then_collect_resume_finishes_the_run(
    fleet: set[str], slow: FaultProxy, tmp_path: Path
) -> None:
    config = fleet_config(tmp_path, slow.endpoint_url, concurrency=2)
    db = tmp_path / "estate.db"
    ok = "SELECT count(*) FROM shards WHERE status = 'ok'"

    code, err = interrupt(["collect", "-c", str(config)], tmp_path, lambda: count(db, ok) >= 2)

    assert code == 130
    line = the_line(err)
    found = re.fullmatch(
        r"estate: interrupted: run 1 saved (\d+) of 16 shards; "
        rf"continue with: {PROGRAM} collect --resume 1 -c {re.escape(str(config))}",
        line,
    )
    assert found, line
    finished = "SELECT count(*) FROM shards WHERE status IN ('ok', 'failed')"
    assert 2 <= int(found[1]) == count(db, finished) < 16  # the journal is what the line says
    assert query(db, "SELECT status FROM runs") == [("interrupted",)]

    slow.set_faults(Faults())
    resumed = run_estate(tmp_path, config, "collect", "--resume", "1")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "run 1: ok" in resumed.stdout
    assert count(db, ok) == 16
    created = query(db, "SELECT arn FROM changes WHERE change = 'created'")
    assert len(created) == len(set(created)) == count(db, "SELECT count(*) FROM resources")
    instances = query(db, "SELECT res_id FROM resources WHERE type = 'ec2:instance'")
    assert {i for (i,) in instances} == fleet  # nothing lost


@pytest.fixture(scope="module")
def fleet(emulator: Emulator) -> set[str]:
    """Untagged instances in two accounts (one region): the tag job's work."""
    ids: set[str] = set()
    for account in TAG_ACCOUNTS:
        ec2 = session(emulator.endpoint_url, account).client(
            "ec2", region_name="us-east-1", endpoint_url=emulator.endpoint_url
        )
        made = ec2.run_instances(ImageId=AMI, MinCount=24, MaxCount=24)
        ids.update(i["InstanceId"] for i in made["Instances"])
    return ids


def test_ctrl_c_during_tag_apply_and_resume_then_resume_tags_each_once(
    fleet: set[str], emulator: Emulator, tmp_path: Path
) -> None:
    counter = TagCounter()
    with FaultProxy(emulator.endpoint_url, on_forward=counter) as proxy:
        config = fleet_config(
            tmp_path, proxy.endpoint_url, regions=["us-east-1"], types=["ec2:instance"]
        )
        collected = run_estate(tmp_path, config, "collect")
        assert collected.returncode == 0, collected.stdout + collected.stderr
        db = tmp_path / "estate.db"
        done = "SELECT count(*) FROM job_items WHERE status = 'done'"
        proxy.set_faults(Faults(latency=0.3))
        tag = ["tag", "ec2:instance", "--set", "Owner=ana", "--batch-size", "2"]

        code, err = interrupt(
            [*tag, "--apply", "--yes", "-c", str(config)], tmp_path, lambda: count(db, done) >= 4
        )

        assert code == 130
        line = the_line(err)
        found = re.fullmatch(
            r"estate: interrupted: job 1 saved (\d+) of 48 items; "
            rf"continue with: {PROGRAM} resume 1 -c {re.escape(str(config))}",
            line,
        )
        assert found, line
        assert 4 <= int(found[1]) == count(db, done) < 48
        assert count(db, "SELECT count(*) FROM job_items WHERE status = 'running'") == 0
        assert set(counter.ids()) == {
            json.loads(p)["id"]
            for (p,) in query(db, "SELECT payload FROM job_items WHERE status = 'done'")
        }  # what was sent is what the journal says is done

        # `estate resume` interrupted too, with a second Ctrl-C while it saves
        before = count(db, done)
        code, err = interrupt(
            ["resume", "1", "-c", str(config)],
            tmp_path,
            lambda: count(db, done) >= before + 4,
            times=2,
        )
        assert code == 130
        assert re.fullmatch(
            r"estate: interrupted: job 1 saved \d+ of 48 items; "
            rf"continue with: {PROGRAM} resume 1.*",
            the_line(err),
        )

        proxy.set_faults(Faults())
        resumed = run_estate(tmp_path, config, "resume", "1")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert counter.ids() == {i: 1 for i in fleet}  # every instance tagged, once


@pytest.fixture(scope="module")
def many(emulator: Emulator) -> Any:
    s3 = session(emulator.endpoint_url, COPY_SRC).client(
        "s3", region_name="us-east-1", endpoint_url=emulator.endpoint_url
    )
    s3.create_bucket(Bucket="ctrlc-source")
    for i in range(60):
        s3.put_object(Bucket="ctrlc-source", Key=f"obj/{i:03d}", Body=os.urandom(64))
    return s3


def test_ctrl_c_during_s3_copy_then_resume_copies_each_object_once(
    many: Any, emulator: Emulator, slow: FaultProxy, tmp_path: Path
) -> None:
    dst = session(emulator.endpoint_url, COPY_DST).client(
        "s3", region_name="us-east-1", endpoint_url=emulator.endpoint_url
    )
    dst.create_bucket(Bucket="ctrlc-dest")
    dst.put_bucket_versioning(Bucket="ctrlc-dest", VersioningConfiguration={"Status": "Enabled"})
    (tmp_path / "estate.yaml").write_text(
        yaml.safe_dump(
            {"store": f"sqlite:///{tmp_path}/estate.db", "endpoint_url": slow.endpoint_url}
        )
    )
    db = tmp_path / "estate.db"
    done = "SELECT count(*) FROM job_items WHERE status = 'done'"
    roles = [
        "--source-role",
        f"arn:aws:iam::{COPY_SRC}:role/Migrate",
        "--dest-role",
        f"arn:aws:iam::{COPY_DST}:role/Migrate",
    ]
    copy = ["s3", "copy", "s3://ctrlc-source/obj", "s3://ctrlc-dest", *roles]

    code, err = interrupt(
        [*copy, "--concurrency", "3", "--apply", "--yes"], tmp_path, lambda: count(db, done) >= 4
    )

    assert code == 130
    found = re.fullmatch(
        rf"estate: interrupted: job 1 saved (\d+) of 60 items; continue with: {PROGRAM} resume 1",
        the_line(err),
    )
    assert found, err
    assert 4 <= int(found[1]) == count(db, done) < 60
    assert count(db, "SELECT count(*) FROM job_items WHERE status = 'running'") == 0
    versions = dst.list_object_versions(Bucket="ctrlc-dest").get("Versions", [])
    assert len(versions) == int(found[1])  # no object copied after the journal was closed

    slow.set_faults(Faults())
    resumed = run_estate(tmp_path, tmp_path / "estate.yaml", "resume", "1")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    versions = dst.list_object_versions(Bucket="ctrlc-dest")["Versions"]
    assert sorted(v["Key"] for v in versions) == [f"{i:03d}" for i in range(60)]  # each once


def pg_count(url: str, sql: str) -> int:
    db = Database(url)
    try:
        with contextlib.suppress(Exception), db.read() as conn:  # not migrated yet
            return int(conn.execute(text(sql)).scalar_one())
        return 0
    finally:
        db.close()


def test_ctrl_c_to_a_follower_and_a_worker_leaves_the_run_to_finish_elsewhere(
    fleet: set[str], slow: FaultProxy, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    config = fleet_config(
        tmp_path,
        slow.endpoint_url,
        store=pg_url,
        executor="celery",
        broker_url=redis_url,
        heartbeat=1,
        concurrency=1,
    )
    workers = Workers(tmp_path, config)
    try:
        (worker,) = workers.start(1, pg_url, concurrency=1)
        ok = "SELECT count(*) FROM shards WHERE status = 'ok'"

        sent = "SELECT count(*) FROM shards WHERE enqueued_at IS NOT NULL"
        code, err = interrupt(
            ["collect", "-c", str(config)], tmp_path, lambda: pg_count(pg_url, sent) > 0
        )
        assert code == 130
        assert re.fullmatch(
            r"estate: interrupted: run 1 saved \d+ of 16 shards; the rest stays queued for the "
            rf"workers; continue with: {PROGRAM} collect --resume 1 -c {re.escape(str(config))}",
            the_line(err),
        )

        deadline = time.monotonic() + 60
        while pg_count(pg_url, ok) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=60) == 130
        log = (tmp_path / "worker-0.log").read_text()
        found = re.fullmatch(
            r"estate: interrupted: worker (\S+) finished (\d+) shards and 0 job groups and holds "
            r"no claim; the messages it had not begun go back to the queue; "
            rf"continue with: {PROGRAM} worker -c {re.escape(str(config))}",
            the_line(log),
        )
        assert found, log
        assert 2 <= int(found[2]) == pg_count(pg_url, ok) < 16
        assert pg_count(pg_url, "SELECT count(*) FROM shards WHERE status = 'running'") == 0

        slow.set_faults(Faults())
        workers.stop()
        (tmp_path / "again").mkdir()
        follower = subprocess.Popen(
            [sys.executable, "-m", "estate", "collect", "--resume", "1", "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=estate_env(tmp_path),
        )  # the command the follower printed, then a worker as the worker's line says
        workers = Workers(tmp_path / "again", config)
        workers.start(1, pg_url)
        out, err = follower.communicate(timeout=60)
        assert follower.returncode == 0, out + err + workers.logs()
        assert "run 1: ok" in out
    finally:
        workers.stop()
    assert pg_count(pg_url, ok) == 16
    created = "SELECT count(*) FROM changes WHERE change = 'created'"
    assert pg_count(pg_url, created) == pg_count(pg_url, "SELECT count(*) FROM resources")
    instances = "SELECT count(*) FROM resources WHERE type = 'ec2:instance'"
    assert pg_count(pg_url, instances) == len(fleet)
