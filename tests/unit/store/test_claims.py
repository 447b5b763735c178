"""Claims, fenced writes, heartbeats and orphans: what lets many processes share one run."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from estate.store.database import Database
from estate.store.figures import finalize_run, save_calls, with_progress
from estate.store.merge import complete_shard
from estate.store.runs import (
    ShardLost,
    claim_shard,
    create_run,
    fail_shard,
    load_run,
    load_shard,
    load_shards,
    save_page,
    save_shards,
)
from estate.store.schema import changes, resources, shards, workers
from estate.store.timeutil import utcnow
from estate.store.workers import (
    beat,
    forget_worker,
    mark_sent,
    orphaned_shards,
    register_worker,
    release_orphan,
    running_runs,
    unsent_shards,
)
from tests.unit.store.records import Clock, resource, shard


def _run(db: Database, *types: str, executor: str = "celery") -> tuple[int, list[int]]:
    run_id = create_run(db, "collect", {"executor": executor})
    save_shards(db, run_id, [shard(t) for t in types])
    return run_id, [s.id for s in load_shards(db, run_id)]


def test_a_shard_is_claimed_once(db: Database) -> None:
    _, (shard_id,) = _run(db, "ec2:vpc")

    first = claim_shard(db, shard_id, "w1")
    second = claim_shard(db, shard_id, "w2")  # the same message, delivered twice

    assert first is not None and first.status == "running" and first.attempts == 1
    assert second is None
    assert load_shard(db, shard_id).status == "running"  # type: ignore[union-attr]


def test_planning_the_same_shards_twice_adds_nothing(db: Database) -> None:
    run_id, ids = _run(db, "ec2:vpc", "ec2:subnet")

    save_shards(db, run_id, [shard("ec2:vpc"), shard("ec2:volume")])

    assert [s.type for s in load_shards(db, run_id)] == ["ec2:vpc", "ec2:subnet", "ec2:volume"]
    assert [s.id for s in load_shards(db, run_id)][:2] == ids


def test_a_process_that_lost_its_claim_can_no_longer_write(db: Database) -> None:
    run_id, (shard_id,) = _run(db, "ec2:vpc")
    register_worker(db, "dead", 1)
    stale = claim_shard(db, shard_id, "dead")
    assert stale is not None
    save_page(db, shard_id, [resource("vpc-1")], "token-1", claim=stale.attempts)
    forget_worker(db, "dead")  # it stopped beating
    (orphan,) = orphaned_shards(db, [run_id], stale_after=60)
    assert release_orphan(db, orphan)
    assert not release_orphan(db, orphan)  # a second reconciler finds nothing to do
    fresh = claim_shard(db, shard_id, "alive")
    assert fresh is not None and fresh.attempts == 2
    assert fresh.page_token == "token-1"  # the new owner resumes from the saved page

    with pytest.raises(ShardLost):
        save_page(db, shard_id, [resource("vpc-stale")], "token-stale", claim=stale.attempts)
    with pytest.raises(ShardLost):
        complete_shard(db, stale, claim=stale.attempts)
    fail_shard(db, shard_id, "boom", "fatal", claim=stale.attempts)  # ignored

    after = load_shard(db, shard_id)
    assert after is not None
    assert (after.status, after.page_token, after.error) == ("running", "token-1", None)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(resources)).scalar_one() == 0

    save_page(db, shard_id, [resource("vpc-2")], None, claim=fresh.attempts)
    outcome = complete_shard(db, fresh, claim=fresh.attempts)
    assert outcome.created == 2
    assert finalize_run(db, run_id) == "ok"


def test_orphans_are_running_shards_without_a_live_worker(db: Database) -> None:
    run_id, (a, b, c, _d) = _run(db, "ec2:vpc", "ec2:subnet", "ec2:volume", "ec2:instance")
    local_run, (e,) = _run(db, "ec2:vpc", executor="local")
    register_worker(db, "alive", 4)
    register_worker(db, "silent", 4)
    claim_shard(db, a, "alive")
    claim_shard(db, b, "silent")
    claim_shard(db, c, "never-registered")
    claim_shard(db, e, "alive")
    with db.write() as conn:  # "silent" last beat two minutes ago
        conn.execute(
            update(workers)
            .where(workers.c.id == "silent")
            .values(beat_at=utcnow() - dt.timedelta(minutes=2))
        )
    beat(db, "alive", 4)

    found = {o.shard_id: o.owner for o in orphaned_shards(db, [run_id], stale_after=60)}

    assert found == {b: "silent", c: "never-registered"}  # d is pending, not orphaned
    assert running_runs(db, "celery") == [run_id]
    assert set(running_runs(db)) == {run_id, local_run}


def test_released_and_newly_planned_shards_are_unsent_until_marked(db: Database) -> None:
    run_id, (a, b) = _run(db, "ec2:vpc", "ec2:subnet")
    assert [s.id for s in unsent_shards(db, run_id)] == [a, b]
    mark_sent(db, [a, b])
    assert unsent_shards(db, run_id) == []
    claim_shard(db, a, "gone")
    (orphan,) = orphaned_shards(db, [run_id], stale_after=60)
    release_orphan(db, orphan)

    assert [s.id for s in unsent_shards(db, run_id)] == [a]


def test_the_last_shard_finalizes_the_run_once(db: Database, clock: Clock) -> None:
    run_id, (a, b) = _run(db, "ec2:vpc", "ec2:subnet")
    first = claim_shard(db, a, "w1")
    second = claim_shard(db, b, "w2")
    assert first is not None and second is not None
    save_page(db, a, [resource("vpc-1")], None, claim=first.attempts)
    complete_shard(db, first, claim=first.attempts)
    save_calls(db, run_id, "w1", {"api_calls": 3, "throttles": 1})

    assert finalize_run(db, run_id) is None  # b is still running
    fail_shard(db, b, "AccessDenied", "denied", claim=second.attempts)
    save_calls(db, run_id, "w2", {"api_calls": 2})
    save_calls(db, run_id, "w2", {"api_calls": 4})  # totals replace, never add up twice

    assert finalize_run(db, run_id) == "partial"
    assert finalize_run(db, run_id) is None
    run = load_run(db, run_id)
    assert run["status"] == "partial"
    assert (run["shards_ok"], run["shards_failed"], run["resources"]) == (1, 1, 1)
    assert (run["api_calls"], run["throttles"], run["created"]) == (7, 1, 1)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(changes)).scalar_one() == 1


def test_merging_a_page_twice_is_idempotent(db: Database) -> None:
    _run_id, (shard_id,) = _run(db, "ec2:vpc")
    claimed = claim_shard(db, shard_id, "w")
    assert claimed is not None
    page = [resource("vpc-1"), resource("vpc-2")]
    save_page(db, shard_id, page, "t", claim=claimed.attempts)
    save_page(db, shard_id, page, None, claim=claimed.attempts)  # a retried page

    complete_shard(db, claimed, claim=claimed.attempts)

    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(resources)).scalar_one() == 2
        row = conn.execute(select(shards).where(shards.c.id == shard_id)).one()
    assert (row.status, row.items) == ("ok", 2)


def test_a_run_still_being_planned_is_not_closed(db: Database) -> None:
    run_id = create_run(db, "collect", {"executor": "celery"})  # its shards are not saved yet

    assert finalize_run(db, run_id) is None
    assert finalize_run(db, run_id, allow_empty=True) == "ok"  # its planner found nothing


def test_a_run_going_on_shows_its_figures_so_far(db: Database) -> None:
    run_id, (a, _) = _run(db, "ec2:vpc", "ec2:subnet")
    claimed = claim_shard(db, a, "w1")
    assert claimed is not None
    save_page(db, a, [resource("vpc-1")], None, claim=claimed.attempts)
    complete_shard(db, claimed, claim=claimed.attempts)
    save_calls(db, run_id, "w1", {"api_calls": 2})

    record = with_progress(db, load_run(db, run_id))

    assert record["status"] == "running"
    assert (record["shards_ok"], record["shards_total"], record["resources"]) == (1, 2, 1)
    assert record["api_calls"] == 2
