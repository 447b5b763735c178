"""Collections through a misbehaving AWS (tests/sim) end with the inventory of a clean run:
throttling storms, 500s, expiring credentials, and a kill -9 followed by --resume."""

from __future__ import annotations

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

import pytest
import yaml

from estate.demo.emulator import Emulator
from tests.integration.running import estate_env, run_estate
from tests.sim.estate_gen import EstateShape, Generated, generate_estate
from tests.sim.proxy import FaultProxy, Faults

pytestmark = pytest.mark.integration

SHAPE = EstateShape(
    accounts=2,
    regions=("us-east-1", "eu-west-1"),
    instances_per_region=40,
    queues_per_region=12,
    topics_per_region=8,
    buckets_per_region=3,
    roles_per_account=15,
    first_account=310000000000,
)
TYPES = ["s3:bucket", "ec2:instance", "ec2:volume", "ec2:security-group", "sqs:queue",
         "sns:topic", "iam:role"]  # fmt: skip


@pytest.fixture(scope="module")
def estate_world(emulator: Emulator) -> Generated:
    return generate_estate(emulator.endpoint_url, SHAPE)


@pytest.fixture
def proxy(emulator: Emulator) -> Iterator[FaultProxy]:
    with FaultProxy(emulator.endpoint_url) as running:
        yield running


def write_config(path: Path, endpoint_url: str, **extra: Any) -> Path:
    config = {
        "store": f"sqlite:///{path.parent}/{path.stem}.db",
        "endpoint_url": endpoint_url,
        "accounts": [{"id": a} for a in SHAPE.account_ids],
        "role_name": "EstateReader",
        "regions": list(SHAPE.regions),
        "types": TYPES,
        "concurrency": 8,
        **extra,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def inventory(config: Path) -> dict[str, tuple[str, str]]:
    """arn -> (content hash, tags) of every live resource."""
    db = sqlite3.connect(config.with_suffix(".db"))
    try:
        rows = db.execute("SELECT arn, hash, tags FROM resources WHERE deleted = 0").fetchall()
    finally:
        db.close()
    return {arn: (h, tags) for arn, h, tags in rows}


def changes_of_last_run(config: Path) -> list[str]:
    db = sqlite3.connect(config.with_suffix(".db"))
    try:
        (run,) = db.execute("SELECT max(id) FROM runs").fetchone()
        return [c for (c,) in db.execute("SELECT change FROM changes WHERE run_id = ?", (run,))]
    finally:
        db.close()


@pytest.fixture(scope="module")
def clean(
    estate_world: Generated, emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    tmp = tmp_path_factory.mktemp("clean")
    with FaultProxy(emulator.endpoint_url) as proxy:
        config = write_config(tmp / "clean.yaml", proxy.endpoint_url)
        done = run_estate(tmp, config, "collect")
    assert done.returncode == 0, done.stdout + done.stderr
    found = inventory(config)
    assert len(found) >= estate_world.total  # plus default VPC groups
    return found


def test_a_throttling_storm_with_errors_and_expiring_credentials_loses_nothing(
    clean: dict, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.set_faults(Faults(throttle_rate=0.3, error_rate=0.01, credential_ttl=2.0, seed=11))
    config = write_config(tmp_path / "storm.yaml", proxy.endpoint_url)
    done = run_estate(tmp_path, config, "collect", "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    assert inventory(config) == clean
    assert set(changes_of_last_run(config)) == {"created"}
    assert len(changes_of_last_run(config)) == len(clean)
    assert proxy.stats.throttled > 0 and proxy.stats.errors > 0 and proxy.stats.expired > 0
    runs = run_estate(tmp_path, config, "runs", "--format", "json")
    figures = __import__("json").loads(runs.stdout)[0]
    assert figures["throttles"] > 0 and figures["retries"] >= figures["throttles"]
    assert figures["expired_refreshes"] > 0


def test_kill_9_at_a_random_moment_then_resume(
    clean: dict, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.set_faults(Faults(latency=0.05))
    config = write_config(tmp_path / "killed.yaml", proxy.endpoint_url, concurrency=4)
    process = subprocess.Popen(
        [sys.executable, "-m", "estate", "collect", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=estate_env(tmp_path),
    )
    # Kill once some shards finished and others have not: a moment chosen at random.
    deadline = time.monotonic() + 120
    target = random.Random().randint(2, 20)
    finished = 0
    while time.monotonic() < deadline and process.poll() is None:
        # A read that fails (the writer holds the lock on a loaded machine) keeps the last count.
        finished = _finished_shards(config, finished)
        if finished >= target:
            break
        time.sleep(0.05)
    time.sleep(random.Random().random() * 0.5)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    db = sqlite3.connect(config.with_suffix(".db"))
    (status,) = db.execute("SELECT status FROM runs").fetchone()
    (unfinished,) = db.execute("SELECT count(*) FROM shards WHERE status != 'ok'").fetchone()
    db.close()
    # killed mid-run, as it would be by an OOM
    assert status == "running" and unfinished > 0, (status, unfinished, finished, target)

    proxy.set_faults(Faults())
    done = run_estate(tmp_path, config, "collect", "--resume", "last")
    assert done.returncode == 0, done.stdout + done.stderr
    assert inventory(config) == clean
    db = sqlite3.connect(config.with_suffix(".db"))
    kinds = [c for (c,) in db.execute("SELECT change FROM changes")]
    resumes = db.execute("SELECT resumes, status FROM runs").fetchall()
    db.close()
    assert set(kinds) == {"created"} and len(kinds) == len(clean)  # nothing lost, none twice
    assert resumes == [(1, "ok")]

    again = run_estate(tmp_path, config, "collect")
    assert again.returncode == 0
    assert changes_of_last_run(config) == []  # no false changes after a resume


def _finished_shards(config: Path, last: int) -> int:
    path = config.with_suffix(".db")
    if not path.exists():
        return last
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            (n,) = db.execute("SELECT count(*) FROM shards WHERE status = 'ok'").fetchone()
        finally:
            db.close()
        return int(n)
    except sqlite3.Error:
        return last
