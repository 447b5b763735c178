"""A run's figures, and the fan-in: whoever finishes a run's last shard closes the run, once.
Every function does I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from estate.inventory.incomplete import add_counts
from estate.store.database import Database
from estate.store.runs import DISCOVERY_TYPE
from estate.store.schema import changes, run_calls, runs, shards
from estate.store.timeutil import aware, utcnow

CALL_FIGURES = ("api_calls", "throttles", "retries", "assume_roles", "expired_refreshes")
UNFINISHED = ("pending", "running")


def save_calls(
    db: Database, run_id: int, worker: str, calls: Mapping[str, int], now: Callable = utcnow
) -> None:
    """This process's totals of calls for a run (replacing the ones it saved before)."""
    values = {"calls": {k: int(calls.get(k, 0)) for k in CALL_FIGURES}, "updated_at": now()}
    with db.write() as conn:
        insert_for = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_for(run_calls).values(run_id=run_id, worker=worker, **values)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[run_calls.c.run_id, run_calls.c.worker], set_=values
            )
        )


def run_figures(conn: Connection, run_id: int) -> dict[str, Any]:
    """Shards, resources, changes and calls of a run, as the store has them (no `seconds`)."""
    counts: dict[str, int] = dict(
        conn.execute(
            select(shards.c.status, func.count())
            .where(shards.c.run_id == run_id)
            .group_by(shards.c.status)
        ).all()
    )
    resources, unusable, foreign = conn.execute(
        select(
            func.coalesce(func.sum(shards.c["items"]), 0),
            func.coalesce(func.sum(shards.c.unusable), 0),
            func.coalesce(func.sum(shards.c.foreign), 0),
        ).where(shards.c.run_id == run_id, shards.c.status == "ok", shards.c.type != DISCOVERY_TYPE)
    ).one()
    by_kind: dict[str, int] = dict(
        conn.execute(
            select(changes.c.change, func.count())
            .where(changes.c.run_id == run_id)
            .group_by(changes.c.change)
        ).all()
    )
    incomplete: dict[str, Any] = {}
    for (count,) in conn.execute(
        select(shards.c.incomplete).where(shards.c.run_id == run_id, shards.c.status == "ok")
    ):
        incomplete = add_counts(incomplete, count)
    figures: dict[str, Any] = {
        "shards_total": sum(counts.values()),
        "shards_ok": counts.get("ok", 0),
        "shards_failed": sum(n for s, n in counts.items() if s != "ok"),
        "resources": int(resources),
        "created": by_kind.get("created", 0),
        "modified": by_kind.get("modified", 0),
        "deleted": by_kind.get("deleted", 0),
        # Differences made only of fields a newer botocore added: not counted as modified.
        "refreshed": by_kind.get("refreshed", 0),
        # Resources recorded without what a refused per-item call gives, and why.
        "incomplete": incomplete.get("resources", 0),
        "incomplete_calls": incomplete.get("calls", {}),
        # Listed items that became no record: no id or ARN; owned by another account.
        "unusable": int(unusable),
        "foreign": int(foreign),
    }
    calls = dict.fromkeys(CALL_FIGURES, 0)
    for (saved,) in conn.execute(select(run_calls.c.calls).where(run_calls.c.run_id == run_id)):
        for name in CALL_FIGURES:
            calls[name] += int((saved or {}).get(name, 0))
    figures.update(calls)
    return figures


def with_progress(db: Database, record: dict[str, Any]) -> dict[str, Any]:
    """A run's record; while it runs, with its figures so far (shards, resources, calls)."""
    if record["status"] != "running":
        return record
    with db.read() as conn:
        return {**record, **run_figures(conn, record["run"])}


def status_of(figures: Mapping[str, Any]) -> str:
    if not figures["shards_failed"]:
        return "ok"
    return "partial" if figures["shards_ok"] else "failed"


def unfinished_shards(db: Database, run_id: int) -> int:
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    shards.c.run_id == run_id, shards.c.status.in_(UNFINISHED)
                )
            ).scalar_one()
        )


def finalize_run(
    db: Database, run_id: int, now: Callable = utcnow, *, allow_empty: bool = False
) -> str | None:
    """Close the run if no shard is left to run: its status when this call closed it, None
    when shards are left or it was closed already. Safe to call from every process at once.
    A run without shards is being planned, unless its planner says so (`allow_empty`).

    The run's row is locked first, so finalizers queue up: each counts the shards after its
    own shard was committed, the last one sees none left, and only the first to see none
    finds the run still running."""
    if unfinished_shards(db, run_id):  # the common case, without taking the lock
        return None
    with db.write() as conn:
        run = conn.execute(
            select(runs).where(runs.c.id == run_id).with_for_update(key_share=True)
        ).first()
        if run is None or run.status != "running":
            return None
        left = conn.execute(
            select(func.count()).where(shards.c.run_id == run_id, shards.c.status.in_(UNFINISHED))
        ).scalar_one()
        if left:
            return None
        at = now()
        figures = run_figures(conn, run_id)
        if not figures["shards_total"] and not allow_empty:
            return None
        began = aware(run.resumed_at) or aware(run.started_at)
        earlier = float((run.figures or {}).get("seconds", 0)) if run.resumed_at else 0.0
        figures["seconds"] = round(earlier + max(0.0, (at - began).total_seconds()), 2)
        status = status_of(figures)
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(status=status, finished_at=at, figures=figures, error=None)
        )
    return status
