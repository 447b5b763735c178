"""Runs and their shards: the checkpointed state of a collection. Every function does I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from estate.errors import InputError
from estate.inventory.normalize import Resource
from estate.store.database import Database
from estate.store.refs import parse_ref
from estate.store.schema import runs, shards, staged
from estate.store.timeutil import aware, iso, utcnow

# The type of the shards that list an account's regions (`regions: all`): they own nothing.
DISCOVERY_TYPE = "regions"


class ShardLost(Exception):
    """Another process has claimed this shard since we did (we looked dead): stop writing."""


@dataclass(frozen=True)
class ShardRow:
    """A shard as stored: plain data, so any worker can pick it up."""

    id: int
    run_id: int
    account: str
    region: str
    type: str
    regions: tuple[str, ...] | None
    status: str
    attempts: int
    page_token: str | None
    pages: int
    items: int
    error: str | None = None
    owner: str | None = None  # the process that claimed it last

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}/{self.type}"


def shard_row(row: Any) -> ShardRow:
    return ShardRow(
        id=row.id,
        run_id=row.run_id,
        account=row.account,
        region=row.region,
        type=row.type,
        regions=tuple(row.regions) if row.regions is not None else None,
        status=row.status,
        attempts=row.attempts,
        page_token=row.page_token,
        pages=row.pages,
        items=row.items,
        error=row.error,
        owner=row.owner,
    )


def create_run(db: Database, kind: str, scope: dict[str, Any], now: Callable = utcnow) -> int:
    with db.write() as conn:
        result = conn.execute(
            insert(runs).values(
                kind=kind, status="running", started_at=now(), scope=scope, figures={}, resumes=0
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def resume_run(
    db: Database, run_id: int, now: Callable = utcnow, *, executor: str | None = None
) -> None:
    """Reopen a run; `executor` (local, celery) records who runs it this time."""
    with db.write() as conn:
        values: dict[str, Any] = {
            "status": "running",
            "finished_at": None,
            "resumes": runs.c.resumes + 1,
            "resumed_at": now(),
        }
        if executor is not None:
            scope = conn.execute(select(runs.c.scope).where(runs.c.id == run_id)).scalar_one()
            values["scope"] = {**(scope or {}), "executor": executor}
        conn.execute(update(runs).where(runs.c.id == run_id).values(**values))
        # A shard left running by a killed process is picked up again from its token; its
        # new claim takes it from whoever still thinks they have it. Every unfinished shard
        # is sent to the workers again (duplicates of queued messages find nothing to claim).
        conn.execute(
            update(shards)
            .where(shards.c.run_id == run_id, shards.c.status != "ok")
            .values(status="pending", owner=None, enqueued_at=None)
        )


def finish_run(
    db: Database,
    run_id: int,
    status: str,
    figures: dict[str, Any],
    error: str | None = None,
    now: Callable = utcnow,
) -> None:
    with db.write() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(status=status, finished_at=now(), figures=figures, error=error)
        )


def run_record(row: Any) -> dict[str, Any]:
    started, finished = aware(row.started_at), aware(row.finished_at)
    duration = (finished - started).total_seconds() if started and finished else None
    return {
        "run": row.id,
        "kind": row.kind,
        "status": row.status,
        "started_at": iso(started),
        "finished_at": iso(finished),
        "duration_s": round(duration, 1) if duration is not None else None,
        "resumes": row.resumes,
        "scope": row.scope,
        **(row.figures or {}),
        "error": row.error,
    }


def load_run(db: Database, ref: str | int | None, kind: str = "collect") -> dict[str, Any]:
    """A run by id, or the newest with 'last'/None. InputError when there is none."""
    run_id = parse_ref(ref, "run")
    query = select(runs)
    if run_id is None:
        query = query.where(runs.c.kind == kind).order_by(runs.c.id.desc()).limit(1)
    else:
        query = query.where(runs.c.id == run_id)
    with db.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise InputError(
            "no runs yet: run `estate collect` first" if ref in (None, "last") else f"no run {ref}"
        )
    return run_record(row)


def load_runs(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(limit)).all()
    return [run_record(r) for r in rows]


@dataclass(frozen=True)
class NewShard:
    account: str
    region: str
    type: str
    regions: tuple[str, ...] | None = None


def save_shards(db: Database, run_id: int, planned: Iterable[NewShard]) -> None:
    """Add shards to a run; a shard the run already has (same account, region, type) is kept
    as it is, so planning twice (a redelivered discovery) adds nothing."""
    rows = [
        {
            "run_id": run_id,
            "account": s.account,
            "region": s.region,
            "type": s.type,
            "regions": list(s.regions) if s.regions is not None else None,
            "status": "pending",
            "attempts": 0,
            "pages": 0,
            "items": 0,
        }
        for s in planned
    ]
    if rows:
        with db.write() as conn:
            stmt = _insert_for(conn)(shards).on_conflict_do_nothing(
                index_elements=[shards.c.run_id, shards.c.account, shards.c.region, shards.c.type]
            )
            conn.execute(stmt, rows)


def load_shards(db: Database, run_id: int, *, unfinished: bool = False) -> list[ShardRow]:
    query = select(shards).where(shards.c.run_id == run_id).order_by(shards.c.id)
    if unfinished:
        query = query.where(shards.c.status != "ok")
    with db.read() as conn:
        return [shard_row(r) for r in conn.execute(query)]


def shard_counts(db: Database, run_id: int) -> dict[str, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(shards.c.status, func.count())
            .where(shards.c.run_id == run_id)
            .group_by(shards.c.status)
        ).all()
    return {status: n for status, n in rows}


def load_shard(db: Database, shard_id: int) -> ShardRow | None:
    with db.read() as conn:
        row = conn.execute(select(shards).where(shards.c.id == shard_id)).first()
    return shard_row(row) if row is not None else None


def claim_shard(db: Database, shard_id: int, owner: str, now: Callable = utcnow) -> ShardRow | None:
    """Take a pending shard for `owner`: the shard as claimed (its `attempts` is the claim,
    which fenced writes name), or None when it is not pending (done, failed, or running
    elsewhere) — so a message delivered twice runs its shard once."""
    with db.write() as conn:
        claimed = conn.execute(
            update(shards)
            .where(shards.c.id == shard_id, shards.c.status == "pending")
            .values(
                status="running",
                owner=owner,
                attempts=shards.c.attempts + 1,
                started_at=now(),
                finished_at=None,
                error=None,
                error_kind=None,
            )
        ).rowcount
        if not claimed:
            return None
        row = conn.execute(select(shards).where(shards.c.id == shard_id)).one()
    return shard_row(row)


def fence(shard_id: int, claim: int | None) -> Any:
    """The WHERE of a write to a shard: its id and, for a claimed shard, the claim."""
    where = shards.c.id == shard_id
    if claim is not None:
        where = and_(where, shards.c.attempts == claim, shards.c.status == "running")
    return where


def start_shard(db: Database, shard_id: int, now: Callable = utcnow) -> None:
    with db.write() as conn:
        conn.execute(
            update(shards)
            .where(shards.c.id == shard_id)
            .values(status="running", attempts=shards.c.attempts + 1, started_at=now(), error=None)
        )


def _insert_for(conn: Any) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (PostgreSQL and SQLite alike)."""
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _upsert_staged(conn: Any, rows: Sequence[dict[str, Any]]) -> None:
    stmt = _insert_for(conn)(staged)
    stmt = stmt.on_conflict_do_update(
        index_elements=[staged.c.shard_id, staged.c.arn], set_={"record": stmt.excluded.record}
    )
    conn.execute(stmt, list(rows))


def save_page(
    db: Database,
    shard_id: int,
    records: Sequence[Resource],
    next_token: str | None,
    *,
    claim: int | None = None,
    unusable: int = 0,
    foreign: int = 0,
) -> None:
    """Stage a page's resources and the token of the next page, in one transaction, so a
    resumed shard neither loses nor repeats a page (nor its count of items skipped as
    `unusable` or `foreign`). With `claim`, ShardLost (and nothing written) when the shard
    has been claimed again since."""
    with db.write() as conn:
        if records:
            # Within a page an ARN may repeat (an emulator's pages may overlap): last one wins.
            by_arn = {r.arn: r for r in records}
            _upsert_staged(
                conn,
                [{"shard_id": shard_id, "arn": a, "record": r.__dict__} for a, r in by_arn.items()],
            )
        saved = conn.execute(
            update(shards)
            .where(fence(shard_id, claim))
            .values(
                page_token=next_token,
                pages=shards.c.pages + 1,
                unusable=shards.c.unusable + unusable,
                foreign=shards.c.foreign + foreign,
                items=select(func.count()).where(staged.c.shard_id == shard_id).scalar_subquery(),
            )
        ).rowcount
        if not saved:
            raise ShardLost(f"shard {shard_id}: claimed by another process")


def fail_shard(
    db: Database,
    shard_id: int,
    error: str,
    kind: str,
    now: Callable = utcnow,
    *,
    claim: int | None = None,
) -> None:
    """Record a failure. Staged pages and the token stay, so a resume continues from there.
    With `claim`, nothing happens when the shard has been claimed again since."""
    with db.write() as conn:
        conn.execute(
            update(shards)
            .where(fence(shard_id, claim))
            .values(status="failed", error=error[:2000], error_kind=kind, finished_at=now())
        )


def drop_staged(db: Database, shard_id: int) -> None:
    with db.write() as conn:
        conn.execute(delete(staged).where(staged.c.shard_id == shard_id))
