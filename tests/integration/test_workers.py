"""`estate collect` with executor: celery and `estate worker` processes, PostgreSQL and Redis,
against the emulator: the same inventory as a local run; a worker killed with kill -9 loses
nothing; and four workers together stay within the API rate limits."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from estate.demo.emulator import Emulator
from estate.demo.sample import SampleOrg
from estate.demo.sample_plan import SAMPLE_TYPES
from estate.engine.ratelimit import seed_for
from estate.store.database import Database
from estate.store.schema import changes, resources, shards
from estate.store.schema import workers as worker_rows
from tests.integration.running import estate_env, run_estate
from tests.sim.proxy import FaultProxy, Faults, Limits, rate_excess

pytestmark = pytest.mark.integration


def write_config(path: Path, endpoint_url: str, org: SampleOrg, **extra: Any) -> Path:
    config = {
        "endpoint_url": endpoint_url,
        "organization": True,
        "role_name": "OrganizationAccountAccessRole",
        "regions": list(org.regions),
        "types": list(SAMPLE_TYPES),  # what the sample holds, not every type estate knows
        "concurrency": 4,
        **extra,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def distributed(path: Path, endpoint_url: str, org: SampleOrg, pg: str, redis: str, **extra: Any):  # type: ignore[no-untyped-def]
    return write_config(
        path,
        endpoint_url,
        org,
        store=pg,
        executor="celery",
        broker_url=redis,
        heartbeat=1,
        **extra,
    )


Inventory = dict[str, tuple[str, str, str]]


def inventory(url: str) -> Inventory:
    """arn -> (account, content hash, tags) of every live resource."""
    db = Database(url)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(
                    resources.c.arn, resources.c.account, resources.c.hash, resources.c.tags
                ).where(resources.c.deleted.is_(False))
            ).all()
    finally:
        db.close()
    return {arn: (a, h, json.dumps(tags, sort_keys=True)) for arn, a, h, tags in rows}


def of_accounts(found: Inventory, accounts: list[str]) -> Inventory:
    return {arn: item for arn, item in found.items() if item[0] in accounts}


@pytest.fixture(scope="module")
def local(emulator: Emulator, sample_org: SampleOrg, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The sample organization collected by one local process: the reference."""
    tmp = tmp_path_factory.mktemp("local")
    store = f"sqlite:///{tmp}/local.db"
    config = write_config(tmp / "local.yaml", emulator.endpoint_url, sample_org, store=store)
    done = run_estate(tmp, config, "collect")
    assert done.returncode == 0, done.stdout + done.stderr
    found = inventory(store)
    assert len(found) >= sample_org.total
    return found


class Workers:
    """`estate worker` processes, stopped (SIGTERM, then SIGKILL) at the end."""

    def __init__(self, tmp_path: Path, config: Path) -> None:
        self.tmp_path, self.config = tmp_path, config
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, n: int, store: str, concurrency: int = 2) -> list[subprocess.Popen[bytes]]:
        """Start n workers and wait until each is registered in the store (beating)."""
        for _ in range(n):
            index = len(self.processes)
            log = open(self.tmp_path / f"worker-{index}.log", "wb")  # noqa: SIM115
            command = [sys.executable, "-m", "estate", "worker", "-c", str(self.config)]
            command += ["--concurrency", str(concurrency), "-v"]
            self.processes.append(
                subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, env=estate_env(self.tmp_path)
                )
            )
        db = Database(store)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with contextlib.suppress(Exception), db.read() as conn:  # not migrated yet
                    if len(conn.execute(select(worker_rows.c.id)).all()) >= len(self.processes):
                        return self.processes[-n:]
                assert all(p.poll() is None for p in self.processes), self.logs()
                time.sleep(0.1)
        finally:
            db.close()
        raise AssertionError(f"the workers did not start:\n{self.logs()}")

    def stop(self) -> list[int | None]:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        return codes

    def logs(self) -> str:
        return "\n".join(
            (self.tmp_path / f"worker-{i}.log").read_text(errors="replace")[-3000:]
            for i in range(len(self.processes))
        )


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    running = Workers(tmp_path, tmp_path / "estate.yaml")
    yield running
    running.stop()


def test_two_workers_collect_the_inventory_of_a_local_run(
    emulator: Emulator,
    sample_org: SampleOrg,
    local: Inventory,
    pg_url: str,
    redis_url: str,
    workers: Workers,
    tmp_path: Path,
) -> None:
    config = distributed(workers.config, emulator.endpoint_url, sample_org, pg_url, redis_url)
    workers.start(2, pg_url)

    done = run_estate(tmp_path, config, "collect")

    assert done.returncode == 0, done.stdout + done.stderr + workers.logs()
    assert inventory(pg_url) == local
    assert f"{len(local):,} resources" in done.stdout
    owners = _shard_owners(pg_url)
    assert len(owners) == 2, owners  # both workers took part
    assert workers.stop() == [0, 0]  # SIGTERM: a warm shutdown, the store is left clean


def test_a_worker_killed_mid_run_loses_nothing(
    emulator: Emulator,
    sample_org: SampleOrg,
    local: Inventory,
    pg_url: str,
    redis_url: str,
    workers: Workers,
    tmp_path: Path,
) -> None:
    accounts = list(sample_org.member_accounts[:2])
    with FaultProxy(emulator.endpoint_url, Faults(latency=0.1)) as proxy:
        config = distributed(workers.config, proxy.endpoint_url, sample_org, pg_url, redis_url)
        victim, survivor = workers.start(2, pg_url)
        collect = subprocess.Popen(
            [sys.executable, "-m", "estate", "collect", "-c", str(config),
             "--accounts", ",".join(accounts)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=estate_env(tmp_path),
            text=True,
        )  # fmt: skip
        held = _wait_for_running_shards(pg_url, victim.pid, collect)
        os.kill(victim.pid, signal.SIGKILL)
        out, err = collect.communicate(timeout=300)

    assert collect.returncode == 0, out + err + workers.logs()
    assert victim.wait() == -signal.SIGKILL and survivor.poll() is None
    expected = of_accounts(local, accounts)
    assert inventory(pg_url) == expected
    db = Database(pg_url)
    try:
        with db.read() as conn:
            rerun = conn.execute(
                select(shards.c.status, shards.c.attempts).where(shards.c.id.in_(held))
            ).all()
            created = conn.execute(select(changes.c.change, changes.c.arn)).all()
    finally:
        db.close()
    assert rerun and all(status == "ok" and attempts >= 2 for status, attempts in rerun)
    assert {c for c, _ in created} == {"created"} and len(created) == len(expected)  # once


def test_four_workers_together_stay_within_the_rate_limits(
    emulator: Emulator,
    sample_org: SampleOrg,
    pg_url: str,
    redis_url: str,
    workers: Workers,
    tmp_path: Path,
) -> None:
    # One account and region, so its five EC2 types' shards run at once on several workers
    # and share one bucket of EC2 reads: a burst of 3, then 0.6 per second at this scale.
    scale = 0.03
    account, region = sample_org.member_accounts[0], sample_org.regions[0]
    with FaultProxy(emulator.endpoint_url, Faults(latency=0.02)) as proxy:
        config = distributed(
            workers.config, proxy.endpoint_url, sample_org, pg_url, redis_url, rate_scale=scale
        )
        workers.start(4, pg_url)
        types = "ec2:instance,ec2:vpc,ec2:subnet,ec2:security-group,ec2:volume,sqs:queue"
        done = run_estate(
            tmp_path, config, "collect", "--accounts", account, "--regions", region,
            "--types", types,
        )  # fmt: skip
        sent = proxy.stats.per_key

    assert done.returncode == 0, done.stdout + done.stderr + workers.logs()
    checked = 0
    for (key_account, key_region, service, category), times in sent.items():
        if key_account != account:
            continue  # the management account's calls: Organizations, STS
        burst, _, ceiling = seed_for(service, category)
        excess = rate_excess(times, Limits(burst * scale, ceiling * scale))
        assert excess <= 0.5, (key_region, service, category, len(times), excess)
        checked += 1
    ec2_reads = len(sent[(account, region, "ec2", "read")])
    assert checked == 2 and ec2_reads > 100 * scale  # EC2's bucket was emptied and waited for
    assert _ec2_shards_overlapping_on_several_workers(pg_url)


def _shard_owners(url: str) -> set[str]:
    db = Database(url)
    try:
        with db.read() as conn:
            return {o for (o,) in conn.execute(select(shards.c.owner).distinct())}
    finally:
        db.close()


def _wait_for_running_shards(url: str, pid: int, collect: subprocess.Popen[str]) -> list[int]:
    """Wait until the worker with `pid` is in the middle of shards, after others finished."""
    db = Database(url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert collect.poll() is None, "the run ended before a worker could be killed"
            with contextlib.suppress(Exception), db.read() as conn:  # tables may not exist yet
                rows = conn.execute(select(shards.c.id, shards.c.status, shards.c.owner)).all()
                done = sum(1 for _, status, _ in rows if status == "ok")
                held = [i for i, s, o in rows if s == "running" and f":{pid}:" in (o or "")]
                if done >= 5 and held:
                    return held
            time.sleep(0.05)
        raise AssertionError("the worker never held a shard")
    finally:
        db.close()


def _ec2_shards_overlapping_on_several_workers(url: str) -> bool:
    db = Database(url)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(
                    shards.c.account,
                    shards.c.region,
                    shards.c.owner,
                    shards.c.started_at,
                    shards.c.finished_at,
                ).where(shards.c.type.like("ec2:%"))
            ).all()
    finally:
        db.close()
    for a in rows:
        for b in rows:
            same_bucket = (a.account, a.region) == (b.account, b.region)
            overlap = a.started_at < b.finished_at and b.started_at < a.finished_at
            if same_bucket and a.owner != b.owner and overlap:
                return True
    return False
