"""Workers and their heartbeats, and what a reconciler finds through them: shards whose
worker died, shards no message was sent for. Every function does I/O.

Times compared across machines are the database's own clock (PostgreSQL's now()), so a worker
whose clock is off does not look dead, or alive, to the others.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from estate.store.database import Database
from estate.store.runs import ShardRow, shard_row
from estate.store.schema import runs, shards, workers
from estate.store.timeutil import aware, utcnow

FORGET_AFTER = dt.timedelta(days=1)  # a worker row unseen this long is dropped


def new_worker_id() -> str:
    """host:pid:random — unique per process, readable in `estate runs` and logs."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def db_now(conn: Any) -> dt.datetime:
    """The database's current time (UTC, aware); this process's clock on SQLite."""
    if conn.dialect.name == "postgresql":
        value = conn.execute(select(func.now())).scalar_one()
        return aware(value) or utcnow()
    return utcnow()


def register_worker(db: Database, worker_id: str, concurrency: int) -> None:
    """Record a worker (or renew it), and forget workers unseen for a day."""
    host, pid = worker_id.split(":")[0], os.getpid()
    with db.write() as conn:
        now = db_now(conn)
        conn.execute(delete(workers).where(workers.c.beat_at < now - FORGET_AFTER))
        conn.execute(delete(workers).where(workers.c.id == worker_id))
        conn.execute(
            insert(workers).values(
                id=worker_id,
                host=host,
                pid=pid,
                concurrency=concurrency,
                started_at=now,
                beat_at=now,
            )
        )


def beat(db: Database, worker_id: str, concurrency: int) -> None:
    """A worker is alive: its heartbeat now (registering it again if it was forgotten)."""
    with db.write() as conn:
        done = conn.execute(
            update(workers).where(workers.c.id == worker_id).values(beat_at=db_now(conn))
        ).rowcount
    if not done:
        register_worker(db, worker_id, concurrency)


def forget_worker(db: Database, worker_id: str) -> None:
    """A worker that stops cleanly: its shards are handed out again without waiting."""
    with db.write() as conn:
        conn.execute(delete(workers).where(workers.c.id == worker_id))


def live_workers(db: Database, stale_after: float) -> int:
    """Workers that beat within the last `stale_after` seconds."""
    with db.read() as conn:
        cutoff = db_now(conn) - dt.timedelta(seconds=stale_after)
        return int(
            conn.execute(
                select(func.count()).select_from(workers).where(workers.c.beat_at >= cutoff)
            ).scalar_one()
        )


@dataclass(frozen=True)
class Orphan:
    shard_id: int
    run_id: int
    key: str
    owner: str | None
    claim: int
    silent_for: float | None = None  # seconds since its owner's last heartbeat (None: none)


def orphaned_shards(db: Database, run_ids: Sequence[int], stale_after: float) -> list[Orphan]:
    """Running shards of these runs whose owner has no heartbeat newer than `stale_after`
    seconds (or no worker row at all: it stopped, or it was a local process)."""
    now, rows = running_under_silent_workers(db, shards.c.run_id, run_ids, stale_after)
    return [
        Orphan(
            r.id,
            r.run_id,
            f"{r.account}/{r.region}/{r.type}",
            r.owner,
            r.attempts,
            seconds_since(now, r.beat_at),
        )
        for r in rows
    ]


def running_under_silent_workers(
    db: Database, parent: Any, ids: Sequence[int], stale_after: float
) -> tuple[dt.datetime, list[Any]]:
    """(the database's now, the running rows under `parent` in `ids` — shards of runs, or job
    groups of jobs — whose owner has no heartbeat newer than `stale_after` seconds, or no
    worker row at all), each row with its owner's `beat_at`."""
    table = parent.table
    with db.read() as conn:
        now = db_now(conn)
        if not ids:
            return now, []
        cutoff = now - dt.timedelta(seconds=stale_after)
        rows = conn.execute(
            select(table, workers.c.beat_at)
            .outerjoin(workers, workers.c.id == table.c.owner)
            .where(
                parent.in_(list(ids)),
                table.c.status == "running",
                or_(workers.c.beat_at.is_(None), workers.c.beat_at < cutoff),
            )
        ).all()
    return now, list(rows)


def seconds_since(now: dt.datetime, then: dt.datetime | None) -> float | None:
    then = aware(then)
    return None if then is None else (now - then).total_seconds()


def release_orphan(db: Database, orphan: Orphan) -> bool:
    """Put an orphaned shard back to pending and unsent (its message died with its worker),
    unless it moved on meanwhile (finished, or claimed again). True for exactly one of several
    reconcilers racing for it."""
    with db.write() as conn:
        return bool(
            conn.execute(
                update(shards)
                .where(
                    shards.c.id == orphan.shard_id,
                    shards.c.status == "running",
                    shards.c.attempts == orphan.claim,
                )
                .values(status="pending", owner=None, enqueued_at=None)
            ).rowcount
        )


def unsent_shards(db: Database, run_id: int, account: str | None = None) -> list[ShardRow]:
    """Pending shards no message has been sent for (planned by a discovery, or released)."""
    query = select(shards).where(
        shards.c.run_id == run_id, shards.c.status == "pending", shards.c.enqueued_at.is_(None)
    )
    if account is not None:
        query = query.where(shards.c.account == account)
    with db.read() as conn:
        return [shard_row(r) for r in conn.execute(query.order_by(shards.c.id))]


def mark_sent(db: Database, shard_ids: Sequence[int]) -> None:
    with db.write() as conn:
        now = db_now(conn)
        for start in range(0, len(shard_ids), 500):
            conn.execute(
                update(shards)
                .where(shards.c.id.in_(list(shard_ids[start : start + 500])))
                .values(enqueued_at=now)
            )


def _sent_long_ago(conn: Any, parent: Any, ids: Sequence[int], seconds: float) -> Any:
    table = parent.table
    cutoff = db_now(conn) - dt.timedelta(seconds=seconds)
    return and_(parent.in_(list(ids)), table.c.status == "pending", table.c.enqueued_at < cutoff)


def sent_before(
    db: Database, ids: Sequence[int], seconds: float, parent: Any = shards.c.run_id
) -> int:
    """Pending shards of these runs (or rows of another table with `enqueued_at`, under
    `parent`: job groups of jobs) whose message was sent more than `seconds` ago."""
    if not ids:
        return 0
    with db.read() as conn:
        where = _sent_long_ago(conn, parent, ids, seconds)
        return int(conn.execute(select(func.count()).where(where)).scalar_one())


def forget_sent(
    db: Database, ids: Sequence[int], seconds: float, parent: Any = shards.c.run_id
) -> int:
    """Mark those unsent again (their messages are gone): how many."""
    if not ids:
        return 0
    with db.write() as conn:
        where = _sent_long_ago(conn, parent, ids, seconds)
        return int(
            conn.execute(update(parent.table).where(where).values(enqueued_at=None)).rowcount
        )


def running_runs(db: Database, executor: str | None = None) -> list[int]:
    """Ids of the runs still running, optionally only those run by `executor`."""
    with db.read() as conn:
        rows = conn.execute(select(runs.c.id, runs.c.scope).where(runs.c.status == "running"))
        return [
            r.id for r in rows if executor is None or (r.scope or {}).get("executor") == executor
        ]
