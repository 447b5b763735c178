"""Reading the inventory: resources, one resource, its history, changes. Every function reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from estate.inventory.changekinds import SHOWN_CHANGES
from estate.store.database import Database
from estate.store.schema import changes, relations, resources
from estate.store.timeutil import aware, iso


@dataclass(frozen=True)
class Selection:
    """Which resources a command is about; shared by `ls` and bulk actions."""

    types: Sequence[str] = ()
    accounts: Sequence[str] = ()
    regions: Sequence[str] = ()
    tags: Mapping[str, str | None] = field(default_factory=dict)  # None: the key, any value
    missing_tags: Sequence[str] = ()
    deleted: bool = False  # True: only deleted ones
    related_to: str | None = None  # an ARN: what it points to and what points to it


def resource_record(row: Any) -> dict[str, Any]:
    return {
        "arn": row.arn,
        "type": row.type,
        "account": row.account,
        "region": row.region,
        "id": row.res_id,
        "name": row.name,
        "tags": row.tags,
        "config": row.config,
        "first_seen": iso(row.first_seen),
        "last_seen": iso(row.last_seen),
        "deleted": bool(row.deleted),
        # Per-item calls refused at its last collection: those fields are as last known.
        "incomplete": row.incomplete or [],
    }


def _tag(key: str) -> Any:
    return resources.c.tags[key].as_string()


def selection_query(sel: Selection) -> Select:
    conds: list[ColumnElement[bool]] = [resources.c.deleted.is_(sel.deleted)]
    if sel.types:
        conds.append(resources.c.type.in_(list(sel.types)))
    if sel.accounts:
        conds.append(resources.c.account.in_(list(sel.accounts)))
    if sel.regions:
        conds.append(resources.c.region.in_(list(sel.regions)))
    for key, value in sel.tags.items():
        conds.append(_tag(key).is_not(None) if value is None else _tag(key) == value)
    for key in sel.missing_tags:
        conds.append(_tag(key).is_(None))
    if sel.related_to is not None:
        uses = select(relations.c.target).where(relations.c.arn == sel.related_to)
        used_by = select(relations.c.arn).where(relations.c.target == sel.related_to)
        conds.append(or_(resources.c.arn.in_(uses), resources.c.arn.in_(used_by)))
    return (
        select(resources)
        .where(and_(*conds))
        .order_by(resources.c.type, resources.c.account, resources.c.region, resources.c.arn)
    )


def load_resources(db: Database, sel: Selection, limit: int | None = None) -> Iterator[dict]:
    """Resources matching a selection, streamed in pages of rows."""
    query = selection_query(sel)
    if limit:
        query = query.limit(limit)
    with db.read() as conn:
        result = conn.execution_options(yield_per=1000).execute(query)
        for row in result:
            yield resource_record(row)


def load_relations(db: Database, arn: str) -> dict[str, list[dict[str, Any]]]:
    """A resource's stored edges both ways: `uses` (its own, to targets that may be outside
    the inventory) and `used_by` (other resources' edges to it), each with the other end's
    name where the inventory has it."""
    known = resources.alias("known")
    with db.read() as conn:
        uses = conn.execute(
            select(relations, known.c.name, known.c.deleted)
            .outerjoin(known, known.c.arn == relations.c.target)
            .where(relations.c.arn == arn)
            .order_by(relations.c.kind, relations.c.target)
        ).all()
        used_by = conn.execute(
            select(relations, known.c.name, known.c.type, known.c.deleted)
            .join(known, known.c.arn == relations.c.arn)
            .where(relations.c.target == arn, known.c.deleted.is_(False))
            .order_by(relations.c.kind, relations.c.arn)
        ).all()
    return {
        "uses": [
            {
                "kind": r.kind,
                "type": r.target_type,
                "arn": r.target,
                "name": r.name,
                "in_inventory": r.name is not None and not r.deleted,
            }
            for r in uses
        ],
        "used_by": [
            {"kind": r.kind, "type": r.type, "arn": r.arn, "name": r.name} for r in used_by
        ],
    }


def load_resource(db: Database, arn: str) -> dict[str, Any] | None:
    with db.read() as conn:
        row = conn.execute(select(resources).where(resources.c.arn == arn)).first()
    return resource_record(row) if row else None


def change_record(row: Any) -> dict[str, Any]:
    return {
        "run": row.run_id,
        "at": iso(row.at),
        "change": row.change,
        "arn": row.arn,
        "type": row.type,
        "account": row.account,
        "region": row.region,
        "fields": row.fields,
        "diff": row.diff,
    }


def load_history(
    db: Database, arn: str, *, kinds: Sequence[str] = SHOWN_CHANGES
) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(
            select(changes)
            .where(changes.c.arn == arn, changes.c.change.in_(list(kinds)))
            .order_by(changes.c.id)
        ).all()
    return [change_record(r) for r in rows]


def load_changes(
    db: Database,
    *,
    run_id: int | None = None,
    since: dt.datetime | None = None,
    kinds: Sequence[str] = SHOWN_CHANGES,
    types: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Changes in id order; only `kinds` (by default every kind but refreshed)."""
    conds: list[ColumnElement[bool]] = [changes.c.change.in_(list(kinds))]
    if run_id is not None:
        conds.append(changes.c.run_id == run_id)
    if since is not None:
        # As UTC: SQLite stores the wall time and drops the offset.
        conds.append(changes.c.at >= aware(since))
    if types:
        conds.append(changes.c.type.in_(list(types)))
    with db.read() as conn:
        rows = conn.execute(
            select(changes).where(and_(true(), *conds)).order_by(changes.c.id)
        ).all()
    return [change_record(r) for r in rows]
