"""Benchmark: `estate tag` on ~10,000 instances over 3 accounts x 3 regions behind the simulated
AWS (tests/sim: latency, and EC2's token buckets per account and region). Prints, per run,
wall time, CreateTags calls, throttles, the CreateTags token-bucket lower bound and the ratio
actual/bound; then kills a job at a random point with SIGKILL, resumes it and checks that every
instance is tagged and that nothing recorded done was sent again.

    .venv/bin/python bench/tag.py                      # the three runs below, ~10 minutes
    .venv/bin/python bench/tag.py --skip-default --skip-kill   # only the rate-bound run

Runs (each sets a tag key of its own on every instance, so each starts from untagged ones):
1. default: 1,000 ids per CreateTags, EC2's published limits (burst 100, 10/s). Two calls per
   account-region: no bucket gets past its burst, the bound is 0 s and the time is estate's own
   (start, plan, journal) plus the emulator's.
2. rate-bound: `--batch-size` ids per call (default 10) against the limits scaled by
   `--limit-scale` (default 0.1: burst 10, 1 call/s), estate told the same scale, so the token
   buckets set the pace: here actual/bound says how well estate uses them (target <= 1.25).
3. kill + resume: run 2's settings, SIGKILL once a random number of items is recorded done,
   then `estate resume last`.

The inventory is collected once, straight from the emulator (moto needs ~7 ms of CPU to render
an instance; the collection is not what is measured here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.collect import EC2_LIMITS, ask, env_for_emulator  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1", "eu-central-1"]
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def start_world(args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    spec = {
        "shape": {
            "accounts": 3,
            "regions": REGIONS,
            "instances_per_region": args.instances,
            "volumes_per_region": 0,
            "queues_per_region": 0,
            "topics_per_region": 0,
            "buckets_per_region": 0,
            "roles_per_account": 0,
        },
        "faults": faults(args, 1.0),
    }
    world = subprocess.Popen(
        [sys.executable, "-m", "tests.sim.world", json.dumps(spec)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env_for_emulator(),
    )
    assert world.stdout is not None
    return world, json.loads(world.stdout.readline())


def faults(args: argparse.Namespace, scale: float) -> dict[str, Any]:
    return {"latency": args.latency, "limits": EC2_LIMITS, "limit_scale": scale}


def write_config(
    workdir: Path, name: str, endpoint: str, ready: dict[str, Any], args: argparse.Namespace,
    rate_scale: float = 1.0, concurrency: int | None = None,
) -> Path:  # fmt: skip
    path = workdir / f"{name}.yaml"
    config = {
        "store": f"sqlite:///{workdir}/estate.db",
        "endpoint_url": endpoint,
        "accounts": [{"id": a} for a in ready["accounts"]],
        "regions": REGIONS,
        "types": ["ec2:instance"],
        "concurrency": concurrency or args.concurrency,
        "rate_scale": rate_scale,
    }
    path.write_text(json.dumps(config))
    return path


def estate(workdir: Path, config: Path, *argv: str, check: bool = True) -> tuple[float, str]:
    """(wall seconds, stdout) of one estate command."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "estate", *argv, "-c", str(config)],
        capture_output=True,
        text=True,
        env=env_for_emulator(workdir / "state"),
        check=False,
    )
    wall = time.monotonic() - started
    if check and done.returncode != 0:
        raise SystemExit(f"estate {' '.join(argv)} failed ({done.returncode}):\n"
                         f"{done.stdout}\n{done.stderr}")  # fmt: skip
    return wall, done.stdout


def tag_args(key: str, batch_size: int | None) -> list[str]:
    args = ["tag", "ec2:instance", "--set", f"{key}=yes", "--missing-tag", key, "--apply", "--yes"]
    return args + (["--batch-size", str(batch_size)] if batch_size else [])


def newest_job(workdir: Path, config: Path) -> dict[str, Any]:
    _, out = estate(workdir, config, "jobs", "--format", "json", "--limit", "1")
    return json.loads(out)[0]


def tag_calls(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """CreateTags/DeleteTags requests each account-region bucket accepted in between."""
    return {
        key: count - before["per_key"].get(key, 0)
        for key, count in after["per_key"].items()
        if key.endswith("/ec2/tags") and count > before["per_key"].get(key, 0)
    }


def bound(calls: dict[str, int], limits: dict[str, Any]) -> tuple[float, str]:
    """The time the busiest tags bucket alone needs for its calls: (calls - burst) / refill."""
    burst, rate = limits["tags"]
    worst, busiest = 0.0, ""
    for key, n in calls.items():
        need = max(0.0, (n - burst) / rate)
        if need > worst or not busiest:
            worst, busiest = need, key
    return worst, busiest


def measured_run(
    world: subprocess.Popen[str], workdir: Path, ready: dict[str, Any], args: argparse.Namespace,
    label: str, key: str, scale: float, batch_size: int | None,
) -> None:  # fmt: skip
    ask(world, "faults " + json.dumps(faults(args, scale)))  # fresh, full buckets
    config = write_config(workdir, key, ready["proxy"], ready, args, rate_scale=scale)
    before = ask(world, "stats")
    wall, _ = estate(workdir, config, *tag_args(key, batch_size))
    after = ask(world, "stats")
    job = newest_job(workdir, config)
    calls = tag_calls(before, after)
    need, busiest = bound(calls, after["limits"])
    burst, rate = after["limits"]["tags"]
    per_bucket = sorted(set(calls.values()))
    print(f"{label}: {job['done']:,} instances tagged ({job['failed']} failed) in {wall:.1f} s "
          f"wall (the job itself {job['seconds']:.1f} s); {sum(calls.values()):,} CreateTags "
          f"calls ({'/'.join(map(str, per_bucket))} per account-region), "
          f"{after['throttled'] - before['throttled']} throttled by the simulated AWS, "
          f"{job['throttles']} seen by estate")  # fmt: skip
    if need > 0:
        print(f"  CreateTags bucket bound (burst {burst:g}, {rate:g}/s): {need:.1f} s "
              f"(busiest {busiest}); actual/bound = {wall / need:.2f} wall, "
              f"{job['seconds'] / need:.2f} job; target <= 1.25")  # fmt: skip
    else:
        print(f"  CreateTags bucket bound (burst {burst:g}, {rate:g}/s): 0 s — no bucket needs "
              f"more than its burst; the time is estate's own and the emulator's")  # fmt: skip


def newest_job_id(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM jobs").fetchone()[0])
    finally:
        db.close()


def done_ids(db_path: Path, after_job: int) -> tuple[set[str], int]:
    """The ids recorded done by the newest job, once there is one newer than `after_job`."""
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            job = db.execute("SELECT max(id) FROM jobs").fetchone()[0]
            if job is None or job <= after_job:
                return set(), 0
            rows = db.execute(
                "SELECT payload, status FROM job_items WHERE job_id = ?", (job,)
            ).fetchall()
        finally:
            db.close()
    except (sqlite3.Error, TypeError):
        return set(), 0
    return {json.loads(p)["id"] for p, s in rows if s == "done"}, len(rows)


def tagged_instances(endpoint: str, accounts: list[str], key: str) -> dict[str, str]:
    """instance id -> value of `key`, read with plain boto3 straight from the emulator."""
    found: dict[str, str] = {}
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    for account in accounts:
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/Bench", RoleSessionName="readback"
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        for region in REGIONS:
            ec2 = session.client("ec2", endpoint_url=endpoint, region_name=region)
            filters = [{"Name": "key", "Values": [key]},
                       {"Name": "resource-type", "Values": ["instance"]}]  # fmt: skip
            for page in ec2.get_paginator("describe_tags").paginate(Filters=filters):
                found.update({t["ResourceId"]: t["Value"] for t in page["Tags"]})
    return found


def inventory_instances(db_path: Path) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        rows = db.execute(
            "SELECT res_id FROM resources WHERE type = 'ec2:instance' AND deleted = 0"
        ).fetchall()
    finally:
        db.close()
    return {r for (r,) in rows}


def kill_and_resume(
    world: subprocess.Popen[str], workdir: Path, ready: dict[str, Any], args: argparse.Namespace
) -> None:
    key = "BenchResume"
    ask(world, "faults " + json.dumps(faults(args, args.limit_scale)))
    config = write_config(workdir, key, ready["proxy"], ready, args, rate_scale=args.limit_scale)
    instances = inventory_instances(workdir / "estate.db")
    sent_at_start = ask(world, "tag_ids")
    earlier = newest_job_id(workdir / "estate.db")
    target = random.Random(args.seed).randint(len(instances) // 10, len(instances) * 9 // 10)
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "estate", *tag_args(key, args.batch_size), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env_for_emulator(workdir / "state"),
    )
    while child.poll() is None and len(done_ids(workdir / "estate.db", earlier)[0]) < target:
        time.sleep(0.05)
    if child.poll() is not None:
        raise SystemExit("the job ended before it was killed; lower the target")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    killed_after = time.monotonic() - started
    recorded, total = done_ids(workdir / "estate.db", earlier)
    sent_before = ask(world, "tag_ids")
    wall, _ = estate(workdir, config, "resume", "last")
    sent_after = ask(world, "tag_ids")
    again = [i for i in recorded if sent_after.get(i, 0) > sent_before.get(i, 0)]
    twice = [i for i in instances if sent_after.get(i, 0) - sent_at_start.get(i, 0) > 1]
    tags = tagged_instances(ready["direct"], ready["accounts"], key)
    tagged = {i for i in instances if tags.get(i) == "yes"}
    job = newest_job(workdir, config)
    print(f"kill -9 + resume: killed after {killed_after:.1f} s with {len(recorded):,} of "
          f"{total:,} items recorded done; `estate resume last` finished in {wall:.1f} s "
          f"(job {job['status']}, resumed {job['resumes']}x)")  # fmt: skip
    print(f"  every instance tagged as planned: {'yes' if tagged == instances else 'NO'} "
          f"({len(tagged):,}/{len(instances):,}); sent again after recorded done: {len(again)}; "
          f"ids in two calls in all: {len(twice)} (in flight at the kill: allowed)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1112, help="per account-region")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit-scale", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--skip-default", action="store_true")
    parser.add_argument("--skip-kill", action="store_true")
    args = parser.parse_args()

    world, ready = start_world(args)
    instances = ready["counts"]["ec2:instance"]
    print(f"world: {instances:,} instances in {len(ready['accounts'])} accounts x "
          f"{len(REGIONS)} regions, made in {ready['seconds']} s")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="estate-bench-tag-") as tmp:
            workdir = Path(tmp)
            # two pages at a time: moto renders a page of 500 instances in seconds of CPU
            direct = write_config(workdir, "collect", ready["direct"], ready, args, concurrency=2)
            wall, _ = estate(workdir, direct, "collect")
            print(f"inventory: collected straight from the emulator in {wall:.1f} s")
            if not args.skip_default:
                measured_run(world, workdir, ready, args, "default (1,000 ids a call)",
                             "BenchDefault", 1.0, None)  # fmt: skip
            label = f"rate-bound ({args.batch_size} ids a call, limits x{args.limit_scale:g})"
            measured_run(world, workdir, ready, args, label, "BenchRate", args.limit_scale,
                         args.batch_size)  # fmt: skip
            if not args.skip_kill:
                kill_and_resume(world, workdir, ready, args)
    finally:
        if world.stdin:
            world.stdin.close()
        world.wait(timeout=120)


if __name__ == "__main__":
    main()
