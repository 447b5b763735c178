"""Recording a batch of tag changes: job items done or failed, and the inventory kept true, in
one transaction. Does I/O.

A tag job writes its changes under a run of its own (kind "tag"), so `estate changes --run N`
and `estate history ARN` show what the job changed, attributed to it, before any collection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from estate.inventory.diff import changed_fields, diff_states
from estate.inventory.normalize import content_hash
from estate.inventory.retag import apply_tags, name_after
from estate.store.database import Database
from estate.store.queries import Selection, selection_query
from estate.store.schema import changes, job_items, resources
from estate.store.timeutil import utcnow


@dataclass(frozen=True)
class Tagged:
    """An item whose change AWS accepted. `tags`: the resource's whole tag set when the call
    told us (S3 reads it first), else the change is applied to what the inventory has."""

    item_id: int
    arn: str
    set: Mapping[str, str] = field(default_factory=dict)
    unset: Sequence[str] = ()
    tags: Mapping[str, str] | None = None
    name_from_tag: bool = False


def save_outcomes(
    db: Database,
    run_id: int,
    done: Sequence[Tagged],
    failed: Sequence[tuple[int, str]] = (),
    now: Callable = utcnow,
) -> int:
    """Mark `done` items done (updating their resources and recording `modified` changes under
    `run_id`) and `failed` ones failed with their error, all in one transaction. Returns the
    number of changes recorded."""
    at = now()
    with db.write() as conn:
        if done:
            _mark(conn, [d.item_id for d in done], "done", None, at)
        for item_id, error in failed:
            conn.execute(
                update(job_items)
                .where(job_items.c.id == item_id)
                .values(
                    status="failed",
                    error=error[:2000],
                    attempts=job_items.c.attempts + 1,
                    updated_at=at,
                )
            )
        return _retag(conn, run_id, done, at) if done else 0


def _mark(conn: Connection, ids: Sequence[int], status: str, error: str | None, at: Any) -> None:
    for start in range(0, len(ids), 500):
        conn.execute(
            update(job_items)
            .where(job_items.c.id.in_(list(ids[start : start + 500])))
            .values(status=status, error=error, updated_at=at, attempts=job_items.c.attempts + 1)
        )


def _state(name: str, region: str, tags: Mapping[str, str], config: Mapping[str, Any]) -> dict:
    return {"name": name, "region": region, "tags": dict(tags), **config}


_UPDATE_TAGS = (
    update(resources)
    .where(resources.c.arn == bindparam("b_arn"))
    .values(tags=bindparam("b_tags"), name=bindparam("b_name"), hash=bindparam("b_hash"))
)


def _retag(conn: Connection, run_id: int, done: Sequence[Tagged], at: Any) -> int:
    recorded = 0
    for start in range(0, len(done), 500):
        chunk = done[start : start + 500]
        rows = {
            r.arn: r
            for r in conn.execute(
                select(resources).where(resources.c.arn.in_([d.arn for d in chunk]))
            )
        }
        change_rows, row_updates = [], []
        for d in chunk:
            row = rows.get(d.arn)
            if row is None or row.deleted:
                continue  # not (or no longer) in the inventory: nothing to keep true
            tags = dict(sorted(d.tags.items())) if d.tags is not None else None
            if tags is None:
                tags = apply_tags(row.tags or {}, d.set, d.unset)
            name = name_after(d.name_from_tag, tags, row.res_id, row.name)
            # only name and tags can differ: the diff need not walk the whole config
            diff = diff_states(
                {"name": row.name, "tags": row.tags or {}}, {"name": name, "tags": tags}
            )
            if not diff:
                continue
            new = _state(name, row.region, tags, row.config)
            row_updates.append(
                {"b_arn": d.arn, "b_tags": tags, "b_name": name, "b_hash": content_hash(new)}
            )
            change_rows.append(
                {
                    "run_id": run_id,
                    "at": at,
                    "change": "modified",
                    "arn": row.arn,
                    "type": row.type,
                    "account": row.account,
                    "region": row.region,
                    "fields": changed_fields(diff),
                    "diff": diff,
                }
            )
        if row_updates:
            conn.execute(_UPDATE_TAGS, row_updates)
        if change_rows:
            conn.execute(insert(changes), change_rows)
            recorded += len(change_rows)
    return recorded


def count_changes(db: Database, run_id: int) -> int:
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(changes).where(changes.c.run_id == run_id)
            ).scalar_one()
        )


def load_tag_targets(
    db: Database, selection: Selection, config_keys: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """The selected resources as a tag plan needs them: without their config (large, and
    not needed) but for the top-level `config_keys` tag writes name resources by (an SQS
    queue's QueueUrl). Reads."""
    wanted = [resources.c.config[k].as_string().label(f"c{i}") for i, k in enumerate(config_keys)]
    query = selection_query(selection).with_only_columns(
        resources.c.arn,
        resources.c.type,
        resources.c.account,
        resources.c.region,
        resources.c.res_id,
        resources.c.tags,
        *wanted,
    )
    with db.read() as conn:
        for row in conn.execution_options(yield_per=1000).execute(query):
            values = {k: row[6 + i] for i, k in enumerate(config_keys)}
            yield {
                "arn": row.arn,
                "type": row.type,
                "account": row.account,
                "region": row.region,
                "id": row.res_id,
                "tags": row.tags,
                "config": {k: v for k, v in values.items() if v},
            }
