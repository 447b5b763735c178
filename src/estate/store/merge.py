"""Merging a completed shard into the inventory: created / modified / deleted, with diffs.

This is the only place resources are marked deleted, and it runs only for a shard that
completed in full: what the shard owns and did not see this run is gone. A resource staged
incomplete (a per-item call refused) keeps its stored values for the fields that call gives.
Each state is stored with the botocore version that merged it, so a difference that only adds
fields under another version is recorded as `refreshed` (an SDK upgrade), not `modified`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore import __version__ as BOTOCORE_VERSION
from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from estate.inventory.diff import REFRESHED, changed_fields, classify_change, diff_states
from estate.inventory.incomplete import add_counts, count_incomplete, keep_known
from estate.store.database import Database
from estate.store.runs import ShardLost, ShardRow, fence
from estate.store.schema import changes, relations, resources, shards, staged
from estate.store.timeutil import utcnow

BATCH = 500


@dataclass(frozen=True)
class MergeOutcome:
    resources: int = 0
    created: int = 0
    modified: int = 0
    deleted: int = 0
    incomplete: int = 0  # resources merged with a per-item call refused
    refreshed: int = 0  # differences only a newer botocore's added fields make


def _state(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": record["name"],
        "region": record["region"],
        "tags": record["tags"],
        **record["config"],
    }


def _row_state(row: Any) -> dict[str, Any]:
    return {"name": row.name, "region": row.region, "tags": row.tags, **row.config}


def _change(run_id: int, at: Any, kind: str, rec: dict[str, Any], diff: dict[str, Any]) -> dict:
    return {
        "run_id": run_id,
        "at": at,
        "change": kind,
        "arn": rec["arn"],
        "type": rec["type"],
        "account": rec["account"],
        "region": rec["region"],
        "fields": changed_fields(diff),
        "diff": diff,
    }


def complete_shard(
    db: Database,
    shard: ShardRow,
    now: Callable = utcnow,
    *,
    claim: int | None = None,
    botocore_version: str = BOTOCORE_VERSION,
) -> MergeOutcome:
    """Merge the shard's staged resources, mark unseen owned resources deleted, mark the shard
    ok and drop its staging, all in one transaction. Does I/O. The merging process collected
    the staged pages, so its `botocore_version` is the one that parsed them.

    With `claim`, the shard's row is locked first and must still be running under that claim,
    else ShardLost and nothing changes: two processes never merge one shard."""
    at = now()
    with db.write() as conn:
        if claim is not None:
            held = conn.execute(
                update(shards).where(fence(shard.id, claim)).values(finished_at=at)
            ).rowcount
            if not held:
                raise ShardLost(f"shard {shard.key}: claimed by another process")
        merged = _merge_staged(conn, shard, at, botocore_version)
        deleted = _mark_deleted(conn, shard, at)
        conn.execute(delete(staged).where(staged.c.shard_id == shard.id))
        conn.execute(
            update(shards)
            .where(shards.c.id == shard.id)
            .values(
                status="ok",
                finished_at=at,
                page_token=None,
                error=None,
                items=merged.resources,
                incomplete=merged.incomplete_calls,
            )
        )
    return MergeOutcome(
        merged.resources,
        merged.created,
        merged.modified,
        deleted,
        merged.incomplete,
        merged.refreshed,
    )


def _known(row: Any) -> dict[str, Any]:
    return {"name": row.name, "region": row.region, "tags": row.tags, "config": row.config}


@dataclass
class _Merged:
    resources: int = 0
    created: int = 0
    modified: int = 0
    refreshed: int = 0
    incomplete_calls: dict[str, Any] | None = None  # count_incomplete's count, None if none

    @property
    def incomplete(self) -> int:
        return self.incomplete_calls["resources"] if self.incomplete_calls else 0


def _merge_staged(conn: Connection, shard: ShardRow, at: Any, botocore_version: str) -> _Merged:
    """Merge the staged records in batches, counting what happened to them."""
    merged = _Merged()
    last_arn = ""
    while True:
        batch = conn.execute(
            select(staged.c.arn, staged.c.record)
            .where(staged.c.shard_id == shard.id, staged.c.arn > last_arn)
            .order_by(staged.c.arn)
            .limit(BATCH)
        ).all()
        if not batch:
            return merged
        last_arn = batch[-1].arn
        existing = {
            row.arn: row
            for row in conn.execute(
                select(resources).where(resources.c.arn.in_([b.arn for b in batch]))
            )
        }
        new_rows, change_rows = [], []
        batch_incomplete = count_incomplete(item.record for item in batch)
        if batch_incomplete:
            merged.incomplete_calls = add_counts(merged.incomplete_calls or {}, batch_incomplete)
        for item in batch:
            old = existing.get(item.arn)
            rec = keep_known(item.record, _known(old) if old is not None else None)
            merged.resources += 1
            values = {
                "type": rec["type"],
                "account": rec["account"],
                "region": rec["region"],
                "shard_region": shard.region,
                "res_id": rec["id"],
                "name": rec["name"],
                "tags": rec["tags"],
                "config": rec["config"],
                "hash": rec["hash"],
                "last_seen": at,
                "last_run": shard.run_id,
                "deleted": False,
                "deleted_at": None,
                "incomplete": rec.get("incomplete") or None,  # a complete collection clears it
                "botocore_version": botocore_version,
            }
            if old is None:
                new_rows.append({"arn": rec["arn"], "first_seen": at, **values})
                change_rows.append(_change(shard.run_id, at, "created", rec, {}))
                merged.created += 1
                continue
            if old.deleted:
                change_rows.append(_change(shard.run_id, at, "created", rec, {}))
                merged.created += 1
            elif old.hash != rec["hash"]:
                diff = diff_states(_row_state(old), _state(rec))
                if diff:
                    kind = classify_change(diff, old.botocore_version, botocore_version)
                    change_rows.append(_change(shard.run_id, at, kind, rec, diff))
                    if kind == REFRESHED:
                        merged.refreshed += 1
                    else:
                        merged.modified += 1
            conn.execute(update(resources).where(resources.c.arn == rec["arn"]).values(**values))
        if new_rows:
            _upsert_resources(conn, new_rows)
        if change_rows:
            conn.execute(insert(changes), change_rows)
        _replace_relations(conn, [item.record for item in batch])


def _replace_relations(conn: Connection, records: list[dict[str, Any]]) -> None:
    """Each record's edges become the stored ones (a record staged before records carried
    edges leaves its stored ones as they are)."""
    carrying = [rec for rec in records if "relations" in rec]
    if not carrying:
        return
    conn.execute(delete(relations).where(relations.c.arn.in_([r["arn"] for r in carrying])))
    rows = {
        (rec["arn"], edge["kind"], edge["arn"]): edge["type"]
        for rec in carrying
        for edge in rec["relations"]
    }
    if rows:
        conn.execute(
            insert(relations),
            [
                {"arn": arn, "kind": kind, "target": target, "target_type": target_type}
                for (arn, kind, target), target_type in rows.items()
            ],
        )


def _upsert_resources(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new resources; one that appeared meanwhile (the same page merged twice) is
    updated instead, so a merge is idempotent on the ARN."""
    insert_for = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert_for(resources)
    updated = {c.name: stmt.excluded[c.name] for c in resources.c if c.name != "first_seen"}
    conn.execute(stmt.on_conflict_do_update(index_elements=[resources.c.arn], set_=updated), rows)


def _mark_deleted(conn: Connection, shard: ShardRow, at: Any) -> int:
    owned = and_(
        resources.c.account == shard.account,
        resources.c.type == shard.type,
        resources.c.shard_region == shard.region,
        resources.c.deleted.is_(False),
        resources.c.last_run != shard.run_id,
    )
    if shard.regions is not None:
        # A global type filtered by region (S3) owns only what lies in the regions it scanned.
        owned = and_(owned, resources.c.region.in_(shard.regions))
    gone = conn.execute(select(resources).where(owned)).all()
    if not gone:
        return 0
    conn.execute(
        insert(changes),
        [
            {
                "run_id": shard.run_id,
                "at": at,
                "change": "deleted",
                "arn": row.arn,
                "type": row.type,
                "account": row.account,
                "region": row.region,
                "fields": [],
                "diff": {},
            }
            for row in gone
        ],
    )
    arns = [row.arn for row in gone]
    for start in range(0, len(arns), BATCH):
        conn.execute(
            update(resources)
            .where(resources.c.arn.in_(arns[start : start + BATCH]))
            .values(deleted=True, deleted_at=at)
        )
    return len(arns)
