from __future__ import annotations

import pytest

from estate.errors import InputError
from estate.store.database import Database
from estate.store.jobs import (
    NewItem,
    add_items,
    create_job,
    finish_job,
    groups,
    item_counts,
    load_items,
    load_job,
    load_jobs,
    load_state,
    mark_items,
    merge_state,
    set_progress,
    start_job,
)


def _items(n: int, grp: str = "111111111111/us-east-1/ec2") -> list[NewItem]:
    return [NewItem(key=f"arn:{grp}:{i}", grp=grp, payload={"i": i}) for i in range(n)]


def test_a_job_is_created_planned_with_its_items(db: Database) -> None:
    job_id = create_job(db, "tag", "tag 3", {"set": {"a": "1"}}, _items(3))
    job = load_job(db, job_id)
    assert (job.kind, job.status, job.title, job.spec) == (
        "tag",
        "planned",
        "tag 3",
        {"set": {"a": "1"}},
    )
    assert job.counts == {"pending": 3}
    assert job.record()["total"] == 3


def test_adding_items_twice_keeps_the_status_of_items_already_recorded(db: Database) -> None:
    job_id = create_job(db, "s3copy", "copy", {})
    add_items(db, job_id, _items(2), state={"token": "page-2"})
    first = load_items(db, job_id)
    mark_items(db, [first[0].id], "done")
    add_items(db, job_id, _items(3), state={"token": None})  # the listing repeated a page
    assert item_counts(db, job_id) == {"done": 1, "pending": 2}
    assert load_job(db, job_id).state == {"token": None}


def test_merging_state_keeps_the_other_keys_and_names_a_missing_job(db: Database) -> None:
    job_id = create_job(db, "s3copy", "copy", {})
    add_items(db, job_id, _items(1), state={"listed": True, "after": "k"})
    assert merge_state(db, job_id, {"tag_mode": {"mode": "copy"}, "after": "z"}) == {
        "listed": True,
        "after": "z",
        "tag_mode": {"mode": "copy"},
    }
    assert load_state(db, job_id) == load_job(db, job_id).state
    assert load_state(db, job_id)["tag_mode"] == {"mode": "copy"}
    with pytest.raises(InputError, match="no job 999"):
        merge_state(db, 999, {"a": 1})
    with pytest.raises(InputError, match="no job 999"):
        load_state(db, 999)


def test_resume_retries_running_and_failed_items_but_not_done_ones(db: Database) -> None:
    job_id = create_job(db, "tag", "t", {}, _items(4))
    start_job(db, job_id)
    a, b, c, _ = load_items(db, job_id)
    mark_items(db, [a.id], "done", count_attempt=True)
    mark_items(db, [b.id], "running")
    mark_items(db, [c.id], "failed", error="AccessDenied", count_attempt=True)
    job = start_job(db, job_id)
    assert job.resumes == 1 and job.status == "running"
    assert item_counts(db, job_id) == {"done": 1, "pending": 3}
    assert [i.attempts for i in load_items(db, job_id)] == [1, 0, 1, 0]


def test_finish_status_follows_the_items(db: Database) -> None:
    ok = create_job(db, "tag", "t", {}, _items(2))
    mark_items(db, [i.id for i in load_items(db, ok)], "done")
    assert finish_job(db, ok, {"calls": 1}).status == "ok"
    partial = create_job(db, "tag", "t", {}, _items(2))
    mark_items(db, [load_items(db, partial)[0].id], "failed", error="denied")
    assert finish_job(db, partial, {}).status == "partial"
    failed = create_job(db, "tag", "t", {}, _items(2))
    job = finish_job(db, failed, {}, error="cannot assume role")
    assert (job.status, job.error) == ("failed", "cannot assume role")


def test_groups_and_paged_loading(db: Database) -> None:
    job_id = create_job(
        db, "tag", "t", {}, _items(3, "a/us-east-1/ec2") + _items(5, "b/eu-west-1/ec2")
    )
    assert groups(db, job_id) == [("b/eu-west-1/ec2", 5), ("a/us-east-1/ec2", 3)]
    first = load_items(db, job_id, grp="b/eu-west-1/ec2", limit=2)
    rest = load_items(db, job_id, grp="b/eu-west-1/ec2", after_id=first[-1].id)
    assert len(first) == 2 and len(rest) == 3
    set_progress(db, rest[0].id, {"upload_id": "u1", "parts": [1]})
    assert load_items(db, job_id, status="pending", after_id=rest[0].id - 1)[0].progress == {
        "upload_id": "u1",
        "parts": [1],
    }


def test_unknown_job_references_are_input_errors(db: Database) -> None:
    with pytest.raises(InputError, match="no jobs yet"):
        load_job(db, "last")
    with pytest.raises(InputError, match="not a job id"):
        load_job(db, "x")
    job_id = create_job(db, "tag", "t", {})
    assert load_job(db, "last").id == job_id
    assert [j.id for j in load_jobs(db)] == [job_id]
    with pytest.raises(ValueError):
        mark_items(db, [1], "bogus")
