"""Many writers on one run: threads sharing a store, and processes with stores of their own
(PostgreSQL), each claiming shards, saving pages and completing them, and trying to finalize
the run after each. Nothing is lost, nothing merged twice, no deadlock, one finalizer."""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from estate.store.database import Database
from estate.store.figures import finalize_run, save_calls
from estate.store.merge import complete_shard
from estate.store.runs import (
    NewShard,
    claim_shard,
    create_run,
    load_run,
    load_shards,
    save_page,
    save_shards,
)
from estate.store.schema import changes, resources
from tests.unit.store.conftest import empty
from tests.unit.store.records import ACCOUNT, resource

TYPES = ("ec2:vpc", "ec2:subnet", "ec2:volume", "ec2:instance")
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2")
PAGES, PER_PAGE = 3, 40


def _plan(db: Database) -> int:
    run_id = create_run(db, "collect", {"executor": "celery"})
    save_shards(db, run_id, [NewShard(ACCOUNT, r, t) for t in TYPES for r in REGIONS])
    return run_id


def drain(db: Database, run_id: int, owner: str, seed: int) -> int:
    """Work through the run's shards in an order of one's own; the times this call closed
    the run."""
    order = load_shards(db, run_id)
    random.Random(seed).shuffle(order)
    closed = 0
    for row in order:
        claimed = claim_shard(db, row.id, owner)
        if claimed is None:
            continue
        for page in range(PAGES):
            records = [
                resource(f"{row.type}-{row.region}-{page}-{i}", type=row.type, region=row.region)
                for i in range(PER_PAGE)
            ]
            token = f"t{page + 1}" if page + 1 < PAGES else None
            save_page(db, row.id, records, token, claim=claimed.attempts)
        complete_shard(db, claimed, claim=claimed.attempts)
        save_calls(db, run_id, owner, {"api_calls": PAGES})
        closed += finalize_run(db, run_id) is not None
    return closed


def drain_in_process(url: str, run_id: int, n: int, start: Any, out: Any) -> None:
    db = Database(url)
    try:
        start.wait(timeout=60)  # all at once, not one after another as they come up
        out.put(drain(db, run_id, f"p{n}", n))
    finally:
        db.close()


def _check(db: Database, run_id: int, closed: list[int]) -> None:
    expected = len(TYPES) * len(REGIONS) * PAGES * PER_PAGE
    assert sum(closed) == 1
    run = load_run(db, run_id)
    assert (run["status"], run["shards_ok"], run["resources"]) == ("ok", 20, expected)
    assert all(s.attempts == 1 for s in load_shards(db, run_id))
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(resources)).scalar_one() == expected
        assert conn.execute(select(func.count()).select_from(changes)).scalar_one() == expected


def test_threads_sharing_a_store(db: Database) -> None:
    run_id = _plan(db)

    with ThreadPoolExecutor(6) as pool:
        closed = list(pool.map(lambda n: drain(db, run_id, f"t{n}", n), range(6)))

    _check(db, run_id, closed)


def test_processes_with_stores_of_their_own(pg_store_url: str) -> None:
    """Workers on other machines: PostgreSQL only (a SQLite store belongs to one machine)."""
    db = Database(pg_store_url)
    empty(db)
    run_id = _plan(db)
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Barrier(4), spawn.Queue()
    processes = [
        spawn.Process(target=drain_in_process, args=(db.url, run_id, n, start, out))
        for n in range(4)
    ]
    for process in processes:
        process.start()
    closed = [out.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    _check(db, run_id, closed)
    db.close()
