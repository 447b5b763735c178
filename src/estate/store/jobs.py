"""Jobs and their items: the journal of a bulk change or a copy. Every function does I/O.

A job is planned into items (one per resource or object) before anything is sent. An item
moves pending → running → done | skipped | failed, and is marked in the same transaction
that records its outcome, so a job killed at any moment resumes from its items: what is
done is never sent again, what was running is looked at again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from estate.errors import InputError
from estate.store.database import Database
from estate.store.refs import parse_ref
from estate.store.schema import job_items, jobs
from estate.store.timeutil import aware, iso, utcnow

ITEM_STATUSES = ("pending", "running", "done", "skipped", "failed")
FINISHED = ("done", "skipped")


@dataclass(frozen=True)
class NewItem:
    key: str
    grp: str
    payload: dict[str, Any]
    status: str = "pending"  # "skipped" for what the plan found already done


@dataclass(frozen=True)
class ItemRow:
    id: int
    job_id: int
    key: str
    grp: str
    payload: dict[str, Any]
    progress: dict[str, Any] | None
    status: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class JobRow:
    id: int
    kind: str
    status: str
    title: str
    spec: dict[str, Any]
    state: dict[str, Any]
    figures: dict[str, Any]
    resumes: int
    error: str | None
    created_at: Any = None
    started_at: Any = None
    finished_at: Any = None
    counts: dict[str, int] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        started, finished = aware(self.started_at), aware(self.finished_at)
        duration = (finished - started).total_seconds() if started and finished else None
        return {
            "job": self.id,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            **{s: self.counts.get(s, 0) for s in ITEM_STATUSES},
            "total": sum(self.counts.values()),
            "created_at": iso(aware(self.created_at)),
            "started_at": iso(started),
            "finished_at": iso(finished),
            "duration_s": round(duration, 1) if duration is not None else None,
            "resumes": self.resumes,
            **self.figures,
            "error": self.error,
        }


def _item(row: Any) -> ItemRow:
    return ItemRow(
        id=row.id,
        job_id=row.job_id,
        key=row.key,
        grp=row.grp,
        payload=row.payload,
        progress=row.progress,
        status=row.status,
        attempts=row.attempts,
        error=row.error,
    )


def create_job(
    db: Database,
    kind: str,
    title: str,
    spec: dict[str, Any],
    items: Iterable[NewItem] = (),
    now: Callable = utcnow,
) -> int:
    """A planned job with its items, in one transaction: a job never exists half-planned."""
    with db.write() as conn:
        result = conn.execute(
            insert(jobs).values(
                kind=kind,
                status="planned",
                title=title,
                created_at=now(),
                spec=spec,
                state={},
                figures={},
                resumes=0,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        job_id = int(key[0])
        _insert_items(conn, job_id, list(items), now())
    return job_id


def _insert_items(conn: Any, job_id: int, items: Sequence[NewItem], at: Any) -> int:
    """Insert items whose key is new to the job; existing ones keep their status."""
    if not items:
        return 0
    rows = [
        {
            "job_id": job_id,
            "key": i.key,
            "grp": i.grp,
            "payload": i.payload,
            "status": i.status,
            "attempts": 0,
            "updated_at": at,
        }
        for i in {i.key: i for i in items}.values()
    ]
    stmt_factory = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = stmt_factory(job_items).on_conflict_do_nothing(
        index_elements=[job_items.c.job_id, job_items.c.key]
    )
    total = 0
    for start in range(0, len(rows), 500):
        total += conn.execute(stmt, rows[start : start + 500]).rowcount or 0
    return total


def add_items(
    db: Database,
    job_id: int,
    items: Sequence[NewItem],
    state: dict[str, Any] | None = None,
    now: Callable = utcnow,
) -> None:
    """Add items found while the job runs (a listing page), and optionally the job's new
    checkpoint (the next page token), in one transaction: a resumed listing neither loses
    nor repeats an item, and an item already recorded keeps its status."""
    with db.write() as conn:
        _insert_items(conn, job_id, items, now())
        if state is not None:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(state=state))


def set_state(db: Database, job_id: int, state: dict[str, Any]) -> None:
    with db.write() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(state=state))


def merge_state(db: Database, job_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Set some keys of a job's state, keeping the others, in one transaction (the job's row
    locked, so processes merging at once lose nothing); the state as it is now."""
    with db.write() as conn:
        row = conn.execute(
            select(jobs.c.state).where(jobs.c.id == job_id).with_for_update()
        ).first()
        if row is None:
            raise InputError(f"no job {job_id}")
        state = {**(row.state or {}), **values}
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(state=state))
    return state


def load_state(db: Database, job_id: int) -> dict[str, Any]:
    """A job's state alone (load_job also counts its items)."""
    with db.read() as conn:
        row = conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).first()
    if row is None:
        raise InputError(f"no job {job_id}")
    return dict(row.state or {})


def start_job(db: Database, job_id: int, now: Callable = utcnow) -> JobRow:
    """Mark a job running. On a resume, items left running or failed go back to pending:
    running ones because a killed process may or may not have finished them (each job kind
    checks before re-sending), failed ones because a resume is the user asking to retry."""
    with db.write() as conn:
        row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        if row is None:
            raise InputError(f"no job {job_id}")
        values: dict[str, Any] = {"status": "running", "finished_at": None, "error": None}
        if row.started_at is None:
            values["started_at"] = now()
        else:
            values["resumes"] = jobs.c.resumes + 1
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
        conn.execute(
            update(job_items)
            .where(job_items.c.job_id == job_id, job_items.c.status.in_(("running", "failed")))
            .values(status="pending")
        )
    return load_job(db, job_id)


def finish_job(
    db: Database,
    job_id: int,
    figures: dict[str, Any],
    error: str | None = None,
    now: Callable = utcnow,
) -> JobRow:
    """Close a job: ok when every item is done or skipped, partial when some failed or are
    still pending, failed when none finished and an error stopped it."""
    with db.write() as conn:
        close_job(conn, job_id, figures, error, now())
    return load_job(db, job_id)


def close_job(conn: Any, job_id: int, figures: dict[str, Any], error: str | None, at: Any) -> None:
    """finish_job inside the caller's transaction."""
    status = job_status(_counts(conn, job_id), error)
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(status=status, finished_at=at, figures=figures, error=error)
    )


def job_status(counts: dict[str, int], error: str | None) -> str:
    unfinished = sum(n for s, n in counts.items() if s not in FINISHED)
    finished = sum(n for s, n in counts.items() if s in FINISHED)
    if unfinished == 0 and error is None:
        return "ok"
    if finished == 0 and error is not None:
        return "failed"
    return "partial"


def item_counts(db: Database, job_id: int) -> dict[str, int]:
    with db.read() as conn:
        return _counts(conn, job_id)


def _counts(conn: Any, job_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(job_items.c.status, func.count())
        .where(job_items.c.job_id == job_id)
        .group_by(job_items.c.status)
    ).all()
    return {status: n for status, n in rows}


def groups(db: Database, job_id: int, status: str = "pending") -> list[tuple[str, int]]:
    """The item groups with work in `status`, largest first: (group, items)."""
    with db.read() as conn:
        rows = conn.execute(
            select(job_items.c.grp, func.count())
            .where(job_items.c.job_id == job_id, job_items.c.status == status)
            .group_by(job_items.c.grp)
            .order_by(func.count().desc(), job_items.c.grp)
        ).all()
    return [(g, n) for g, n in rows]


def load_items(
    db: Database,
    job_id: int,
    *,
    status: str | Sequence[str] | None = None,
    grp: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> list[ItemRow]:
    """Items in id order; page through many with `after_id` (the last id seen)."""
    query = select(job_items).where(job_items.c.job_id == job_id, job_items.c.id > after_id)
    if isinstance(status, str):
        query = query.where(job_items.c.status == status)
    elif status is not None:
        query = query.where(job_items.c.status.in_(tuple(status)))
    if grp is not None:
        query = query.where(job_items.c.grp == grp)
    query = query.order_by(job_items.c.id)
    if limit is not None:
        query = query.limit(limit)
    with db.read() as conn:
        return [_item(r) for r in conn.execute(query)]


def mark_items(
    db: Database,
    item_ids: Sequence[int],
    status: str,
    *,
    error: str | None = None,
    count_attempt: bool = False,
    now: Callable = utcnow,
) -> None:
    """Set the status of items (one call = one transaction)."""
    if status not in ITEM_STATUSES:
        raise ValueError(f"unknown item status {status!r}")
    if not item_ids:
        return
    values: dict[str, Any] = {
        "status": status,
        "error": error[:2000] if error else None,
        "updated_at": now(),
    }
    if count_attempt:
        values["attempts"] = job_items.c.attempts + 1
    with db.write() as conn:
        for start in range(0, len(item_ids), 500):
            conn.execute(
                update(job_items)
                .where(job_items.c.id.in_(list(item_ids[start : start + 500])))
                .values(**values)
            )


def set_progress(db: Database, item_id: int, progress: dict[str, Any] | None) -> None:
    """Save an item's partial work (e.g. a multipart upload id and the parts copied)."""
    with db.write() as conn:
        conn.execute(
            update(job_items)
            .where(job_items.c.id == item_id)
            .values(progress=progress, updated_at=utcnow())
        )


def _job(row: Any, counts: dict[str, int]) -> JobRow:
    return JobRow(
        id=row.id,
        kind=row.kind,
        status=row.status,
        title=row.title,
        spec=row.spec,
        state=row.state or {},
        figures=row.figures or {},
        resumes=row.resumes,
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        counts=counts,
    )


def load_job(db: Database, ref: str | int | None) -> JobRow:
    """A job by id, or the newest with 'last'/None. InputError when there is none."""
    job_id = parse_ref(ref, "job")
    query = select(jobs)
    if job_id is None:
        query = query.order_by(jobs.c.id.desc()).limit(1)
    else:
        query = query.where(jobs.c.id == job_id)
    with db.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise InputError("no jobs yet" if ref in (None, "last") else f"no job {ref}")
    return _job(row, item_counts(db, row.id))


def load_jobs(db: Database, limit: int = 20, kind: str | None = None) -> list[JobRow]:
    """The newest jobs (of one kind), newest first."""
    query = select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [_job(r, item_counts(db, r.id)) for r in rows]
