"""Benchmark: collect a generated estate behind the simulated AWS, and the same estate with a
plain sequential loop (the naive way). Prints wall time, API calls, throttles, retries, peak
RSS, the rate-limit lower bound and the ratio bound/actual.

    .venv/bin/python bench/collect.py                 # ~22,000 resources, 3 accounts x 4 regions
    .venv/bin/python bench/collect.py --volumes 7000 --skip-naive   # ~100,000 resources
    .venv/bin/python bench/collect.py --storm --skip-naive   # and again through a storm

The simulated AWS scales AWS's published EC2 limits by --limit-scale (default 0.05: burst 5,
one read/s per account, region and service) so that moto, which needs ~7 ms of CPU to render
an instance and ~1.5 ms a volume on these two cores, is not what is measured; estate is told
the same scale with `rate_scale`. Most resources are volumes because moto renders them
cheaply; the types that cost a call per item (queues, topics, roles, buckets) set the bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.naive import collect_naively  # noqa: E402

EC2_LIMITS = {"read": [100, 20], "write": [50, 5], "tags": [100, 10]}


def start_world(args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    spec = {
        "shape": {
            "accounts": 3,
            "regions": ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"],
            "instances_per_region": args.instances,
            "volumes_per_region": args.volumes,
            "queues_per_region": args.queues,
            "topics_per_region": args.topics,
            "buckets_per_region": 5,
            "roles_per_account": args.roles,
        },
        "faults": {
            "latency": args.latency,
            "limits": EC2_LIMITS,
            "limit_scale": args.limit_scale,
        },
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
    ready = json.loads(world.stdout.readline())
    return world, ready


def env_for_emulator(state: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ESTATE_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONPATH=str(ROOT),
    )
    if state:
        env["ESTATE_STATE_DIR"] = str(state)
    return env


def ask(world: subprocess.Popen[str], command: str) -> dict[str, Any]:
    assert world.stdin is not None and world.stdout is not None
    world.stdin.write(command + "\n")
    world.stdin.flush()
    return json.loads(world.stdout.readline())


def run_estate(workdir: Path, endpoint: str, ready: dict[str, Any], args: argparse.Namespace,
               name: str) -> tuple[float, int, float, dict[str, Any]]:  # fmt: skip
    """(wall seconds, peak RSS in MB, CPU seconds, the run's figures) of one `estate collect`."""
    config = workdir / f"{name}.yaml"
    config.write_text(
        json.dumps(
            {
                "store": f"sqlite:///{workdir}/{name}.db",
                "endpoint_url": endpoint,
                "accounts": [{"id": a} for a in ready["accounts"]],
                "role_name": "EstateReader",
                "regions": ready["regions"],
                "concurrency": args.concurrency,
                "rate_scale": 1.0 if name == "truth" else args.limit_scale,
            }
        )
    )
    env = env_for_emulator(workdir / "state")
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "estate", "collect", "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    out = child.stdout.read() if child.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"estate collect ({name}) failed:\n{out}")
    runs = subprocess.run(
        [sys.executable, "-m", "estate", "runs", "--format", "json", "-c", str(config)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss // 1024, cpu, json.loads(runs.stdout)[0]


def rate_limit_bound(stats: dict[str, Any]) -> tuple[float, str]:
    """The time the busiest bucket alone needs for the requests it accepted."""
    worst, worst_key = 0.0, ""
    for key, count in stats["per_key"].items():
        category = key.rsplit("/", 1)[-1]
        burst, rate = stats["limits"][category]
        need = max(0.0, (count - burst) / rate)
        if need > worst:
            worst, worst_key = need, key
    return worst, worst_key


def inventory(db: Path) -> dict[str, str]:
    """ARN → content hash (config and tags) of every live resource in a run's store."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT arn, hash FROM resources WHERE deleted = 0").fetchall())
    finally:
        con.close()


def arns(db: Path) -> set[str]:
    return set(inventory(db))


def storm(world: subprocess.Popen[str], workdir: Path, ready: dict[str, Any],
          args: argparse.Namespace) -> None:  # fmt: skip
    """The same estate through a storm: 30% of calls throttled, 1% 500s and assumed-role
    credentials expiring every 60 s, on top of the limits; the inventory must equal the clean
    run's, resource for resource and hash for hash."""
    faults = {
        "latency": args.latency,
        "limits": EC2_LIMITS,
        "limit_scale": args.limit_scale,
        "throttle_rate": 0.3,
        "error_rate": 0.01,
        "credential_ttl": 60.0,
        "seed": 7,
    }
    ask(world, "faults " + json.dumps(faults))
    before = ask(world, "stats")
    wall, _, _, figures = run_estate(workdir, ready["proxy"], ready, args, "storm")
    after = ask(world, "stats")
    clean, stormy = inventory(workdir / "truth.db"), inventory(workdir / "storm.db")
    differ = sum(1 for arn, h in clean.items() if stormy.get(arn) not in (None, h))
    print(f"storm:            {wall:8.1f} s wall, exit 0, {figures['resources']:,} resources, "
          f"{figures['throttles']:,} throttled, {after['errors'] - before['errors']} 500s, "
          f"{after['expired'] - before['expired']} expired-token answers, "
          f"{figures.get('expired_refreshes', 0)} refreshes; against the clean run: "
          f"{len(clean.keys() - stormy.keys())} missing, {len(stormy.keys() - clean.keys())} "
          f"extra, {differ} different")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300, help="instances per region")
    parser.add_argument("--volumes", type=int, default=1200, help="extra volumes per region")
    parser.add_argument("--queues", type=int, default=30)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--roles", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit-scale", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--storm", action="store_true", help="also collect through a throttling storm"
    )
    args = parser.parse_args()

    world, ready = start_world(args)
    print(f"estate: {sum(ready['counts'].values()):,} generated resources "
          f"{ready['counts']} in {ready['seconds']} s")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="estate-bench-") as tmp:
            workdir = Path(tmp)
            before = ask(world, "stats")
            wall, rss, cpu, figures = run_estate(workdir, ready["proxy"], ready, args, "estate")
            after = ask(world, "stats")
            seen = {
                "per_key": {
                    k: v - before["per_key"].get(k, 0) for k, v in after["per_key"].items()
                },
                "limits": after["limits"],
            }
            bound, busiest = rate_limit_bound(seen)
            print(f"estate collect:   {wall:8.1f} s wall, {figures['resources']:,} resources, "
                  f"{figures['api_calls']:,} API calls, {figures['throttles']:,} throttled, "
                  f"{figures['retries']:,} retries, peak RSS {rss} MB")  # fmt: skip
            world_cpu = after["cpu_s"] - before["cpu_s"]
            busy = (cpu + world_cpu) / wall
            print(f"CPU seconds:      {cpu:8.1f} estate, {world_cpu:.1f} emulator + proxy "
                  f"({busy:.2f} of {os.cpu_count()} cores busy on average)")  # fmt: skip
            print(f"rate-limit bound: {bound:8.1f} s (busiest bucket {busiest}); "
                  f"bound/actual = {bound / wall:.2f}")  # fmt: skip
            # Lost resources: a clean run straight to the emulator is the truth.
            ask(world, "stats")
            _, _, _, _ = run_estate(workdir, ready["direct"], ready, args, "truth")
            lost = arns(workdir / "truth.db") - arns(workdir / "estate.db")
            print(f"resources lost:   {len(lost)} (against a direct collection of the emulator)")
            if args.storm:
                storm(world, workdir, ready, args)
                ask(world, "faults " + json.dumps({"latency": args.latency, "limits": EC2_LIMITS,
                                                   "limit_scale": args.limit_scale}))  # fmt: skip
            if not args.skip_naive:
                started = time.monotonic()
                naive = collect_naively(ready["proxy"], ready["accounts"], ready["regions"])
                naive_wall = time.monotonic() - started
                print(f"naive sequential: {naive_wall:8.1f} s wall, {naive.resources:,} resources, "
                      f"{naive.calls:,} calls, {naive.failures} failed listings run again, "
                      f"{naive.gave_up} given up; "
                      f"estate is {naive_wall / wall:.1f}x faster")  # fmt: skip
    finally:
        if world.stdin:
            world.stdin.close()
        world.wait(timeout=60)


if __name__ == "__main__":
    main()
