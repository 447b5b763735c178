"""Items a listing skipped (no id or ARN; another account's) are counted with their page."""

from __future__ import annotations

from estate.store.database import Database
from estate.store.figures import finalize_run, run_figures
from estate.store.merge import complete_shard
from estate.store.runs import (
    create_run,
    fail_shard,
    load_run,
    load_shards,
    save_page,
    save_shards,
    start_shard,
)
from tests.unit.store.records import Clock, resource, shard


def test_skipped_items_are_counted_once_per_page_across_a_resume(
    db: Database, clock: Clock
) -> None:
    run_id = create_run(db, "collect", {}, now=clock)
    save_shards(db, run_id, [shard("ec2:subnet")])
    (row,) = load_shards(db, run_id)
    start_shard(db, row.id, now=clock)
    save_page(db, row.id, [resource("subnet-1", type="ec2:subnet")], "t1", unusable=2, foreign=1)
    fail_shard(db, row.id, "Throttling: rate exceeded", "throttled", now=clock)
    with db.read() as conn:
        failed = run_figures(conn, run_id)
    assert (failed["unusable"], failed["foreign"]) == (0, 0)  # not merged: not the run's yet

    # Resumed from its token: the first page is not listed (nor counted) again.
    start_shard(db, row.id, now=clock)
    save_page(db, row.id, [resource("subnet-2", type="ec2:subnet")], None, foreign=4)
    (row,) = load_shards(db, run_id)
    complete_shard(db, row, now=clock)

    with db.read() as conn:
        figures = run_figures(conn, run_id)
    assert (figures["resources"], figures["unusable"], figures["foreign"]) == (2, 2, 5)
    assert finalize_run(db, run_id, now=clock) == "ok"
    record = load_run(db, run_id)  # what `estate runs` shows
    assert (record["unusable"], record["foreign"]) == (2, 5)
