"""A job run by workers: its groups (one message each, claimed by one worker at a time), each
worker's figures, and the fan-in — whoever finishes the last group closes the job, once.
Every function does I/O.

A group's `attempts` is the fencing token of its claim, as a shard's is: a worker taken for
dead whose group was handed out again cannot mark it done over the new owner's claim.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from estate.store import jobs as store_jobs
from estate.store import workers as workers_store
from estate.store.database import Database
from estate.store.jobs import JobRow
from estate.store.schema import job_calls, job_groups, job_items, jobs
from estate.store.timeutil import utcnow
from estate.store.workers import db_now

UNFINISHED = ("pending", "running")
EXECUTOR = "celery"  # the job state's "executor" when its groups run on workers


@dataclass(frozen=True)
class GroupClaim:
    job_id: int
    grp: str
    claim: int  # the attempts value this claim set: the fencing token


@dataclass(frozen=True)
class OrphanGroup:
    job_id: int
    grp: str
    owner: str | None
    claim: int
    silent_for: float | None


def plan_groups(db: Database, job_id: int) -> int:
    """Every group with items left to send becomes pending and unsent (a resumed job sends
    all of them again: a claim makes a duplicate harmless); groups with none left are done.
    The job's earlier per-worker figures are dropped: the job's figures hold them."""
    with db.write() as conn:
        todo = {
            g
            for (g,) in conn.execute(
                select(job_items.c.grp)
                .where(job_items.c.job_id == job_id, job_items.c.status.in_(UNFINISHED))
                .distinct()
            )
        }
        conn.execute(delete(job_groups).where(job_groups.c.job_id == job_id))
        conn.execute(delete(job_calls).where(job_calls.c.job_id == job_id))
        if todo:
            conn.execute(
                job_groups.insert(),
                [{"job_id": job_id, "grp": g, "status": "pending", "attempts": 0} for g in todo],
            )
    return len(todo)


def unsent_groups(db: Database, job_id: int) -> list[str]:
    with db.read() as conn:
        return [
            g
            for (g,) in conn.execute(
                select(job_groups.c.grp)
                .where(
                    job_groups.c.job_id == job_id,
                    job_groups.c.status == "pending",
                    job_groups.c.enqueued_at.is_(None),
                )
                .order_by(job_groups.c.grp)
            )
        ]


def mark_groups_sent(db: Database, job_id: int, grps: Sequence[str]) -> None:
    with db.write() as conn:
        now = db_now(conn)
        for start in range(0, len(grps), 500):
            conn.execute(
                update(job_groups)
                .where(
                    job_groups.c.job_id == job_id,
                    job_groups.c.grp.in_(list(grps[start : start + 500])),
                )
                .values(enqueued_at=now)
            )


def claim_group(db: Database, job_id: int, grp: str, owner: str) -> GroupClaim | None:
    """Take a pending group for this worker: None when it is not there to take (done,
    running elsewhere, or the job is not run by workers)."""
    with db.write() as conn:
        row = conn.execute(
            select(job_groups.c.attempts).where(
                job_groups.c.job_id == job_id,
                job_groups.c.grp == grp,
                job_groups.c.status == "pending",
            )
        ).first()
        if row is None:
            return None
        claim = int(row.attempts) + 1
        taken = conn.execute(
            update(job_groups)
            .where(
                job_groups.c.job_id == job_id,
                job_groups.c.grp == grp,
                job_groups.c.status == "pending",
                job_groups.c.attempts == row.attempts,
            )
            .values(status="running", owner=owner, attempts=claim)
        ).rowcount
    return GroupClaim(job_id, grp, claim) if taken else None


def finish_group(db: Database, claim: GroupClaim) -> bool:
    """Mark a claimed group done, unless it was handed out again meanwhile."""
    with db.write() as conn:
        return bool(
            conn.execute(
                update(job_groups)
                .where(_fenced(claim.job_id, claim.grp, claim.claim))
                .values(status="done")
            ).rowcount
        )


def release_group(db: Database, claim: GroupClaim) -> bool:
    """A claim given back (the store failed under it): pending and unsent again."""
    with db.write() as conn:
        return bool(
            conn.execute(
                update(job_groups)
                .where(_fenced(claim.job_id, claim.grp, claim.claim))
                .values(status="pending", owner=None, enqueued_at=None)
            ).rowcount
        )


def _fenced(job_id: int, grp: str, claim: int) -> Any:
    return and_(
        job_groups.c.job_id == job_id,
        job_groups.c.grp == grp,
        job_groups.c.status == "running",
        job_groups.c.attempts == claim,
    )


def orphaned_groups(db: Database, job_ids: Sequence[int], stale_after: float) -> list[OrphanGroup]:
    """Running groups whose worker has not beaten for `stale_after` seconds, or has no row."""
    now, rows = workers_store.running_under_silent_workers(
        db, job_groups.c.job_id, job_ids, stale_after
    )
    return [
        OrphanGroup(
            r.job_id, r.grp, r.owner, r.attempts, workers_store.seconds_since(now, r.beat_at)
        )
        for r in rows
    ]


def release_orphan_group(db: Database, orphan: OrphanGroup) -> bool:
    """An orphaned group back to pending and unsent, its running items back to pending (the
    kind looks at them again before sending), unless it moved on meanwhile. True for exactly
    one of several reconcilers racing for it."""
    with db.write() as conn:
        released = conn.execute(
            update(job_groups)
            .where(_fenced(orphan.job_id, orphan.grp, orphan.claim))
            .values(status="pending", owner=None, enqueued_at=None)
        ).rowcount
        if released:
            conn.execute(
                update(job_items)
                .where(
                    job_items.c.job_id == orphan.job_id,
                    job_items.c.grp == orphan.grp,
                    job_items.c.status == "running",
                )
                .values(status="pending")
            )
    return bool(released)


def sent_before(db: Database, job_ids: Sequence[int], seconds: float) -> int:
    """Pending groups whose message was sent more than `seconds` ago."""
    return workers_store.sent_before(db, job_ids, seconds, parent=job_groups.c.job_id)


def forget_sent(db: Database, job_ids: Sequence[int], seconds: float) -> int:
    """Mark those groups unsent again (their messages are gone): how many."""
    return workers_store.forget_sent(db, job_ids, seconds, parent=job_groups.c.job_id)


def save_job_figures(
    db: Database, job_id: int, worker: str, figures: Mapping[str, Any], now: Callable = utcnow
) -> None:
    """This process's figures for a job (replacing the ones it saved before)."""
    values = {"figures": dict(figures), "updated_at": now()}
    with db.write() as conn:
        insert_for = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_for(job_calls).values(job_id=job_id, worker=worker, **values)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[job_calls.c.job_id, job_calls.c.worker], set_=values
            )
        )


def worker_figures(db: Database, job_id: int) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(select(job_calls.c.figures).where(job_calls.c.job_id == job_id))
        return [dict(f or {}) for (f,) in rows]


def groups_left(db: Database, job_id: int) -> int:
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    job_groups.c.job_id == job_id, job_groups.c.status.in_(UNFINISHED)
                )
            ).scalar_one()
        )


def running_jobs(db: Database) -> list[int]:
    """Ids of the running jobs whose groups run on workers."""
    with db.read() as conn:
        rows = conn.execute(select(jobs.c.id, jobs.c.state).where(jobs.c.status == "running"))
        return [r.id for r in rows if (r.state or {}).get("executor") == EXECUTOR]


def finalize_job(
    db: Database, job_id: int, figures: Callable[[JobRow], dict[str, Any]], now: Callable = utcnow
) -> JobRow | None:
    """Close the job if no group is left: the closed job when this call closed it, None when
    groups are left or it was closed already. Safe from every process at once: the job's row
    is locked first, so finalizers queue up and only the first to find none left closes it.
    `figures(job)` gives the job's final figures (read before the lock: once no group is
    left, nothing changes them)."""
    if groups_left(db, job_id):  # the common case, without taking the lock
        return None
    final = figures(store_jobs.load_job(db, job_id))
    with db.write() as conn:
        row = conn.execute(
            select(jobs.c.status).where(jobs.c.id == job_id).with_for_update(key_share=True)
        ).first()
        if row is None or row.status != "running":
            return None
        left = conn.execute(
            select(func.count()).where(
                job_groups.c.job_id == job_id, job_groups.c.status.in_(UNFINISHED)
            )
        ).scalar_one()
        if left:
            return None
        store_jobs.close_job(conn, job_id, final, None, now())
    return store_jobs.load_job(db, job_id)


def forget_groups(db: Database, job_id: int) -> None:
    """The job is no longer run by workers: no group of it is left to send or to claim."""
    with db.write() as conn:
        conn.execute(delete(job_groups).where(job_groups.c.job_id == job_id))
