"""Benchmark: one estate behind the simulated AWS, collected by the local executor and by 2 and
4 `estate worker` processes (executor: celery) sharing PostgreSQL and Redis. Prints, per
mode, wall time, API calls, throttled answers, the rate-limit lower bound and bound/actual,
and resources that differ from the local run.

    .ci/services start && export $(.ci/services env)     # PostgreSQL and Redis
    .venv/bin/python bench/distributed.py                  # rate limits bind (as bench/collect.py)
    .venv/bin/python bench/distributed.py --latency 0.5 --limit-scale 1 --concurrency 8

Every worker gets --concurrency threads, as one worker per machine would; they all run on this
machine's two cores, next to the emulator and the proxy.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import fresh_pg_database, fresh_redis_db  # noqa: E402

from bench.collect import ask, env_for_emulator, rate_limit_bound, start_world  # noqa: E402


def write_config(path: Path, ready: dict[str, Any], args: argparse.Namespace, **extra: Any) -> Path:
    path.write_text(
        json.dumps(
            {
                "endpoint_url": ready["proxy"],
                "accounts": [{"id": a} for a in ready["accounts"]],
                "role_name": "EstateReader",
                "regions": ready["regions"],
                "concurrency": args.concurrency,
                "rate_scale": args.limit_scale,
                **extra,
            }
        )
    )
    return path


def start_workers(config: Path, n: int, args: argparse.Namespace, env: dict[str, str],
                  store: str, logs: Path) -> list[subprocess.Popen[bytes]]:  # fmt: skip
    from sqlalchemy import func, select

    from estate.store.database import Database
    from estate.store.schema import workers

    processes = []
    for i in range(n):
        log = open(logs / f"worker-{i}.log", "wb")  # noqa: SIM115
        command = [sys.executable, "-m", "estate", "worker", "-c", str(config)]
        command += ["--concurrency", str(args.concurrency)]
        processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env))
    db = Database(store)
    try:
        while True:  # all registered, so none starts late
            with db.read() as conn:
                if conn.execute(select(func.count()).select_from(workers)).scalar_one() >= n:
                    return processes
            if any(p.poll() is not None for p in processes):
                raise SystemExit(f"a worker died at start; see {logs}")
            time.sleep(0.2)
    finally:
        db.close()


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


def collect(config: Path, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "estate", "collect", "-c", str(config)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"estate collect failed:\n{done.stdout}\n{done.stderr}")
    runs = subprocess.run(
        [sys.executable, "-m", "estate", "runs", "--format", "json", "-c", str(config)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return wall, json.loads(runs.stdout)[0]


def inventory(store: str) -> dict[str, str]:
    from sqlalchemy import select

    from estate.store.database import Database
    from estate.store.schema import resources

    db = Database(store)
    try:
        with db.read() as conn:
            rows = conn.execute(select(resources.c.arn, resources.c.hash)).all()
        return dict(rows)
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100, help="instances per region")
    parser.add_argument("--volumes", type=int, default=300, help="extra volumes per region")
    parser.add_argument("--queues", type=int, default=30)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--roles", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit-scale", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16, help="threads per process")
    parser.add_argument("--workers", default="2,4", help="worker counts to measure")
    args = parser.parse_args()
    pg, redis = os.environ.get("ESTATE_TEST_PG_URL"), os.environ.get("ESTATE_TEST_REDIS_URL")
    if not pg or not redis:
        raise SystemExit(
            "needs PostgreSQL and Redis: .ci/services start; export $(.ci/services env)"
        )

    world, ready = start_world(args)
    print(f"estate: {sum(ready['counts'].values()):,} generated resources in "
          f"{len(ready['accounts'])} accounts x {len(ready['regions'])} regions {ready['counts']}; "
          f"latency {args.latency} s, limits x{args.limit_scale}, "
          f"{args.concurrency} threads per process")  # fmt: skip
    # (name, workers, threads per process): local twice, to tell threads from processes
    counts = [int(n) for n in args.workers.split(",")]
    modes = [
        ("local", 0, args.concurrency),
        (f"local x{counts[0]}", 0, counts[0] * args.concurrency),
    ]
    modes += [(f"{n} workers", n, args.concurrency) for n in counts]
    reference: dict[str, str] | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="estate-bench-dist-") as tmp:
            for name, n, threads in modes:
                workdir = Path(tmp) / name.replace(" ", "-")
                workdir.mkdir()
                env = env_for_emulator(workdir / "state")
                with fresh_pg_database(pg) as store, fresh_redis_db(redis) as broker:
                    extra: dict[str, Any] = {"store": store, "concurrency": threads}
                    if n:
                        extra.update(executor="celery", broker_url=broker, heartbeat=5)
                    config = write_config(workdir / "estate.yaml", ready, args, **extra)
                    processes = start_workers(config, n, args, env, store, workdir) if n else []
                    before = ask(world, "stats")
                    try:
                        wall, figures = collect(config, env)
                    finally:
                        stop(processes)
                    after = ask(world, "stats")
                    found = inventory(store)
                seen = {
                    "per_key": {
                        k: v - before["per_key"].get(k, 0) for k, v in after["per_key"].items()
                    },
                    "limits": after["limits"],
                }
                bound, busiest = rate_limit_bound(seen)
                reference = reference if reference is not None else found
                differ = len(set(reference.items()) ^ set(found.items()))
                label = f"{name} ({f'{n} x ' if n else ''}{threads} threads)"
                print(f"{label:>28}: {wall:6.1f} s wall ({figures['seconds']:.1f} s run), "
                      f"{figures['resources']:,} resources, {figures['api_calls']:,} API calls, "
                      f"{after['throttled'] - before['throttled']:,} throttled; bound "
                      f"{bound:.1f} s ({busiest}), bound/actual {bound / wall:.2f}; "
                      f"{differ} resources differ from the local run")  # fmt: skip
    finally:
        if world.stdin:
            world.stdin.close()
        world.wait(timeout=60)


if __name__ == "__main__":
    main()
