"""`estate tag` as its own process against the moto server behind the fault proxy: the plan is
exact, a job killed with SIGKILL at a random moment is finished by `estate resume`, every
resource ends tagged as planned (read back with plain boto3) and nothing the job recorded done
was sent again (the proxy counts the ids of every CreateTags that reached the emulator)."""

from __future__ import annotations

import json
import os
import random
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
import yaml

from estate.demo.emulator import Emulator
from tests.integration.running import estate_env, run_estate
from tests.sim.estate_gen import CREDENTIALS
from tests.sim.proxy import FaultProxy, Faults
from tests.sim.tagcount import TagCounter

pytestmark = pytest.mark.integration

ACCOUNTS = ("330000000001", "330000000002")
REGIONS = ("us-east-1", "eu-west-1")
PER_REGION = 40
AMI = "ami-1e749f67"


def session(endpoint_url: str, account: str) -> boto3.Session:
    sts = boto3.client("sts", endpoint_url=endpoint_url, region_name="us-east-1", **CREDENTIALS)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Setup", RoleSessionName="setup")[
        "Credentials"
    ]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


@pytest.fixture(scope="module")
def fleet(emulator: Emulator) -> dict[str, Any]:
    """Instances without CostCenter (the job's work), some with another value (to be left
    alone), and a tagged bucket per account (its tags must be merged, not replaced)."""
    url = emulator.endpoint_url
    untagged, other_value = set(), set()
    for account in ACCOUNTS:
        s = session(url, account)
        for region in REGIONS:
            ec2 = s.client("ec2", region_name=region, endpoint_url=url)
            made = ec2.run_instances(ImageId=AMI, MinCount=PER_REGION, MaxCount=PER_REGION)
            ids = [i["InstanceId"] for i in made["Instances"]]
            keep = ids[:5]
            ec2.create_tags(Resources=keep, Tags=[{"Key": "CostCenter", "Value": "7777"}])
            other_value.update(keep)
            untagged.update(ids[5:])
        s3 = s.client("s3", region_name="eu-west-1", endpoint_url=url)
        bucket = f"tagged-{account}"
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "owner", "Value": "ana"}]})
    return {"untagged": untagged, "other_value": other_value}


@pytest.fixture
def counted(emulator: Emulator) -> Iterator[tuple[FaultProxy, TagCounter]]:
    counter = TagCounter()
    with FaultProxy(emulator.endpoint_url, on_forward=counter) as proxy:
        yield proxy, counter


def write_config(tmp_path: Path, endpoint_url: str) -> Path:
    path = tmp_path / "estate.yaml"
    config = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "endpoint_url": endpoint_url,
        "accounts": [{"id": a} for a in ACCOUNTS],
        "regions": list(REGIONS),
        "types": ["ec2:instance", "s3:bucket"],
        "concurrency": 2,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def done_items(db_path: Path) -> tuple[set[str], int]:
    """(ids of the items recorded done, all items) — read-only, while estate may be writing."""
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            rows = db.execute("SELECT payload, status FROM job_items").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return set(), 0
    return {json.loads(p)["id"] for p, s in rows if s == "done"}, len(rows)


def instance_tags(endpoint_url: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for account in ACCOUNTS:
        s = session(endpoint_url, account)
        for region in REGIONS:
            ec2 = s.client("ec2", region_name=region, endpoint_url=endpoint_url)
            for page in ec2.get_paginator("describe_instances").paginate():
                for reservation in page["Reservations"]:
                    for i in reservation["Instances"]:
                        tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                        found[i["InstanceId"]] = tags
    return found


def test_plan_apply_kill_9_and_resume(
    fleet: dict[str, Any],
    counted: tuple[FaultProxy, TagCounter],
    emulator: Emulator,
    tmp_path: Path,
) -> None:
    proxy, counter = counted
    config = write_config(tmp_path, proxy.endpoint_url)
    done = run_estate(tmp_path, config, "collect")
    assert done.returncode == 0, done.stdout + done.stderr

    args = ["tag", "--set", "CostCenter=1234", "--missing-tag", "CostCenter"]
    plan = run_estate(tmp_path, config, *args, "--format", "json")
    assert plan.returncode == 0, plan.stderr
    planned = json.loads(plan.stdout)
    instances = {p["id"] for p in planned if p["type"] == "ec2:instance"}
    assert instances == fleet["untagged"]  # exactly the instances without the tag
    assert {p["id"] for p in planned if p["type"] == "s3:bucket"} == {
        f"tagged-{a}" for a in ACCOUNTS
    }
    assert counter.calls() == 0

    # slow calls and small batches, so the job can be killed in the middle
    proxy.set_faults(Faults(latency=0.4))
    job = subprocess.Popen(
        [sys.executable, "-m", "estate", *args, "--batch-size", "3", "--apply", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=estate_env(tmp_path),
    )
    db_path = tmp_path / "estate.db"
    target = random.Random().randint(6, len(planned) - 30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and job.poll() is None:
        if len(done_items(db_path)[0]) >= target:
            break
        time.sleep(0.02)
    assert job.poll() is None, "the job ended before it could be killed"
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    recorded, total = done_items(db_path)
    assert 0 < len(recorded) < total == len(planned)
    sent_before = counter.ids()

    proxy.set_faults(Faults())
    resumed = run_estate(tmp_path, config, "resume", "last")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "job 1: ok" in resumed.stdout

    sent = counter.ids()
    again = {i for i in recorded if sent.get(i, 0) > sent_before.get(i, 0)}
    assert again == set(), f"{len(again)} items recorded done were sent again"
    assert set(sent) == fleet["untagged"]  # everything planned was sent, nothing else
    tags = instance_tags(emulator.endpoint_url)
    for instance_id in fleet["untagged"]:
        assert tags[instance_id].get("CostCenter") == "1234", instance_id
    for instance_id in fleet["other_value"]:
        assert tags[instance_id].get("CostCenter") == "7777", instance_id
    for account in ACCOUNTS:
        s3 = session(emulator.endpoint_url, account).client(
            "s3", region_name="eu-west-1", endpoint_url=emulator.endpoint_url
        )
        got = s3.get_bucket_tagging(Bucket=f"tagged-{account}")["TagSet"]
        assert {t["Key"]: t["Value"] for t in got} == {"owner": "ana", "CostCenter": "1234"}

    jobs = run_estate(tmp_path, config, "jobs", "--format", "json")
    (record,) = json.loads(jobs.stdout)
    assert (record["status"], record["resumes"], record["done"]) == ("ok", 1, len(planned))
    left = run_estate(tmp_path, config, "ls", "--missing-tag", "CostCenter", "--format", "json")
    assert json.loads(left.stdout) == []  # the inventory knows without a new collection
