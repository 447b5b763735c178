from __future__ import annotations

import pytest

from estate.errors import InputError
from estate.store.database import Database
from estate.store.runs import (
    create_run,
    fail_shard,
    finish_run,
    load_run,
    load_runs,
    load_shards,
    resume_run,
    save_page,
    save_shards,
    shard_counts,
    start_shard,
)
from tests.unit.store.records import Clock, collect, resource, shard


def test_resume_sets_running_and_failed_shards_pending_and_keeps_their_tokens(
    db: Database, clock: Clock
) -> None:
    run_id = create_run(db, "collect", {}, now=clock)
    save_shards(db, run_id, [shard("ec2:vpc"), shard("ec2:subnet"), shard("ec2:volume")])
    killed, failed, pending = load_shards(db, run_id)
    start_shard(db, killed.id, now=clock)
    save_page(db, killed.id, [resource("vpc-1")], "token-killed")
    start_shard(db, failed.id, now=clock)
    save_page(db, failed.id, [resource("subnet-1", type="ec2:subnet")], "token-failed")
    fail_shard(db, failed.id, "Throttling: rate exceeded", "throttled", now=clock)
    finish_run(db, run_id, "partial", {"failed": 1}, now=clock)

    resume_run(db, run_id)

    after = {s.type: s for s in load_shards(db, run_id)}
    assert {t: s.status for t, s in after.items()} == {
        "ec2:vpc": "pending",
        "ec2:subnet": "pending",
        "ec2:volume": "pending",
    }
    assert after["ec2:vpc"].page_token == "token-killed"
    assert after["ec2:subnet"].page_token == "token-failed"
    assert (after["ec2:vpc"].pages, after["ec2:vpc"].items, after["ec2:vpc"].attempts) == (1, 1, 1)
    assert after["ec2:volume"] == pending
    run = load_run(db, run_id)
    assert (run["status"], run["resumes"], run["finished_at"]) == ("running", 1, None)


def test_resume_leaves_completed_shards_alone(db: Database, clock: Clock) -> None:
    run_id, _ = collect(
        db,
        clock,
        {shard("ec2:vpc"): [[resource("vpc-1")]], shard("ec2:subnet"): [[]]},
        failed=[shard("ec2:subnet")],
    )
    assert shard_counts(db, run_id) == {"ok": 1, "failed": 1}

    resume_run(db, run_id)

    assert shard_counts(db, run_id) == {"ok": 1, "pending": 1}
    assert [s.type for s in load_shards(db, run_id, unfinished=True)] == ["ec2:subnet"]


def test_load_run_by_id_and_last(db: Database, clock: Clock) -> None:
    first, _ = collect(db, clock, {})
    second, _ = collect(db, clock, {})
    create_run(db, "apply", {}, now=clock)  # another kind: not the last collect

    assert load_run(db, "last")["run"] == second
    assert load_run(db, None)["run"] == second
    assert load_run(db, first)["run"] == first
    assert load_run(db, str(first))["run"] == first
    record = load_run(db, second)
    assert (record["status"], record["started_at"], record["duration_s"]) == (
        "ok",
        "2024-01-01T14:00:00Z",
        0.0,
    )
    assert [r["run"] for r in load_runs(db)] == [second + 1, second, first]


def test_load_run_errors(db: Database, clock: Clock) -> None:
    with pytest.raises(InputError, match="no runs yet"):
        load_run(db, "last")
    collect(db, clock, {})

    with pytest.raises(InputError, match="not a run id: 'nope'"):
        load_run(db, "nope")
    with pytest.raises(InputError, match="no run 999"):
        load_run(db, 999)
