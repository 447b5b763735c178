"""`estate tag --apply` and `estate s3 copy --apply` with executor: celery: the job's groups run
on two `estate worker` processes (PostgreSQL, Redis) against the emulator, and the jobs end as
a local run would — every instance tagged, every object copied with its properties and tags;
a worker killed with kill -9 in the middle of a copy loses nothing."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from estate.demo.emulator import Emulator
from estate.store.database import Database
from estate.store.schema import job_groups, job_items
from tests.integration.running import estate_env, run_estate
from tests.integration.test_s3copy import client, create
from tests.integration.test_tag_against_server import AMI, session
from tests.integration.test_workers import Workers
from tests.sim.proxy import FaultProxy, Faults

pytestmark = pytest.mark.integration

ACCOUNTS = ("350000000001", "350000000002")
REGIONS = ("us-east-1", "eu-west-1")
PER_REGION = 15
OBJECTS = 300  # three groups of 100
SRC_ROLE = f"arn:aws:iam::{ACCOUNTS[0]}:role/Migrate"
DST_ROLE = f"arn:aws:iam::{ACCOUNTS[1]}:role/Migrate"


def write_config(path: Path, endpoint_url: str, pg: str, redis: str) -> Path:
    config = {
        "store": pg,
        "executor": "celery",
        "broker_url": redis,
        "heartbeat": 1,
        "endpoint_url": endpoint_url,
        "accounts": [{"id": a} for a in ACCOUNTS],
        "regions": list(REGIONS),
        "types": ["ec2:instance"],
        "concurrency": 2,
    }
    path.write_text(json.dumps(config))
    return path


@pytest.fixture(scope="module")
def instances(emulator: Emulator) -> set[str]:
    made: set[str] = set()
    for account in ACCOUNTS:
        s = session(emulator.endpoint_url, account)
        for region in REGIONS:
            ec2 = s.client("ec2", region_name=region, endpoint_url=emulator.endpoint_url)
            answer = ec2.run_instances(ImageId=AMI, MinCount=PER_REGION, MaxCount=PER_REGION)
            made.update(i["InstanceId"] for i in answer["Instances"])
    return made


@pytest.fixture(scope="module")
def bucket(emulator: Emulator) -> Any:
    s3 = client(emulator.endpoint_url, ACCOUNTS[0], "eu-west-1")
    create(s3, "workers-source", "eu-west-1")
    for i in range(OBJECTS):
        s3.put_object(
            Bucket="workers-source",
            Key=f"k/{i:04d} é+",
            Body=os.urandom(100 + i),
            ContentType="text/x-estate",
            Metadata={"i": str(i)},
            Tagging=f"i={i}",
        )
    return s3


def test_a_tag_job_runs_on_the_workers(
    emulator: Emulator,
    instances: set[str],
    pg_url: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    workers = Workers(
        tmp_path, write_config(tmp_path / "estate.yaml", emulator.endpoint_url, pg_url, redis_url)
    )
    try:
        ids = workers.start(2, pg_url)
        collected = run_estate(tmp_path, workers.config, "collect")
        assert collected.returncode == 0, collected.stdout + collected.stderr + workers.logs()

        done = run_estate(
            tmp_path,
            workers.config,
            "tag",
            "ec2:instance",
            "--set",
            "Team=data",
            "--apply",
            "--yes",
        )

        assert done.returncode == 0, done.stdout + done.stderr + workers.logs()
        assert workers.stop() == [0, 0]
    finally:
        workers.stop()
    assert f"{len(instances):,} done" in done.stdout
    for account in ACCOUNTS:
        s = session(emulator.endpoint_url, account)
        for region in REGIONS:
            ec2 = s.client("ec2", region_name=region, endpoint_url=emulator.endpoint_url)
            for reservation in ec2.describe_instances()["Reservations"]:
                for i in reservation["Instances"]:
                    tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                    assert tags.get("Team") == "data", i["InstanceId"]
    owners = _group_owners(pg_url)
    assert len(owners) == len(ACCOUNTS) * len(REGIONS)  # one group per account and region
    pids = {str(p.pid) for p in ids}
    assert {o.split(":")[1] for o in owners.values()} <= pids  # run by the workers only
    jobs = run_estate(tmp_path, workers.config, "jobs", "--format", "json")
    (record,) = json.loads(jobs.stdout)
    assert (record["status"], record["done"]) == ("ok", len(instances))
    assert record["calls"] == {"CreateTags": len(ACCOUNTS) * len(REGIONS)}  # the workers' calls
    left = run_estate(tmp_path, workers.config, "ls", "--missing-tag", "Team", "-f", "json")
    assert json.loads(left.stdout) == []  # the inventory was updated by the workers


def test_a_copy_runs_on_the_workers_and_a_killed_worker_loses_nothing(
    emulator: Emulator, bucket: Any, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    with FaultProxy(emulator.endpoint_url, Faults(latency=0.1)) as proxy:
        config = write_config(tmp_path / "estate.yaml", proxy.endpoint_url, pg_url, redis_url)
        workers = Workers(tmp_path, config)
        try:
            victim, survivor = workers.start(2, pg_url)
            args = [
                "s3", "copy", "s3://workers-source/k/", "s3://workers-dest",
                "--source-role", SRC_ROLE, "--dest-role", DST_ROLE,
                "--dest-region", "eu-central-1", "--create-bucket", "--concurrency", "4",
                "--apply", "--yes", "-c", str(config),
            ]  # fmt: skip
            copy = subprocess.Popen(
                [sys.executable, "-m", "estate", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=estate_env(tmp_path),
                text=True,
            )
            _wait_for_a_group_in_hand(pg_url, victim.pid, copy)
            os.kill(victim.pid, signal.SIGKILL)
            out, err = copy.communicate(timeout=300)
            assert copy.returncode == 0, out + err + workers.logs()
            assert victim.wait() == -signal.SIGKILL and survivor.poll() is None
        finally:
            workers.stop()

    assert f"{OBJECTS:,} copied" in out and "0 failed" in out
    src = bucket
    dst = client(emulator.endpoint_url, ACCOUNTS[1], "eu-central-1")
    copied = {
        o["Key"]
        for page in dst.get_paginator("list_objects_v2").paginate(Bucket="workers-dest")
        for o in page.get("Contents", [])
    }
    assert copied == {f"{i:04d} é+" for i in range(OBJECTS)}
    for i in (0, 150, OBJECTS - 1):
        key = f"{i:04d} é+"
        head = dst.head_object(Bucket="workers-dest", Key=key)
        assert (head["ContentType"], head["Metadata"]) == ("text/x-estate", {"i": str(i)})
        tags = dst.get_object_tagging(Bucket="workers-dest", Key=key)["TagSet"]
        assert tags == [{"Key": "i", "Value": str(i)}]
        assert head["ETag"] == src.head_object(Bucket="workers-source", Key=f"k/{key}")["ETag"]
    db = Database(pg_url)
    try:
        with db.read() as conn:
            attempts = conn.execute(select(job_groups.c.attempts)).scalars().all()
            statuses = set(conn.execute(select(job_items.c.status)).scalars())
    finally:
        db.close()
    assert statuses == {"done"}
    assert max(attempts) >= 2  # the killed worker's group was claimed again


def _group_owners(url: str) -> dict[str, str]:
    db = Database(url)
    try:
        with db.read() as conn:
            return dict(conn.execute(select(job_groups.c.grp, job_groups.c.owner)).all())
    finally:
        db.close()


def _wait_for_a_group_in_hand(url: str, pid: int, copy: subprocess.Popen[str]) -> None:
    """Wait until the worker with `pid` holds a group with objects in flight."""
    db = Database(url)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert copy.poll() is None, "the copy ended before a worker could be killed"
            with contextlib.suppress(Exception), db.read() as conn:  # tables may not exist yet
                held = conn.execute(
                    select(job_groups.c.grp).where(
                        job_groups.c.status == "running", job_groups.c.owner.like(f"%:{pid}:%")
                    )
                ).all()
                done = conn.execute(
                    select(job_items.c.id).where(job_items.c.status == "done")
                ).all()
                if held and done:
                    return
            time.sleep(0.05)
        raise AssertionError("the worker never held a group")
    finally:
        db.close()
