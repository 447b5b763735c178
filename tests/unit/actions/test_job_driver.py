"""The job driver: groups run through the executor, failures stay in their group, a resume
sends only what is not done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from estate.actions.jobs import JobContext, KindBase, run_job
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.aws.stats import CallStats
from estate.config import Config
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow, NewItem


class Recording(KindBase):
    """A job kind that records which items it was asked to send, failing one group once."""

    name = "test"

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.sent: list[str] = []

    def prepare(self, ctx: JobContext, job: JobRow, report: Any) -> None:
        store_jobs.add_items(ctx.db, job.id, [NewItem("late", "b/r/s", {})])

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Any) -> None:
        items = store_jobs.load_items(ctx.db, job.id, grp=grp, status="pending")
        first, *rest = items
        self.sent.append(first.key)
        store_jobs.mark_items(ctx.db, [first.id], "done")
        if grp in self.failing:
            self.failing.discard(grp)
            raise RuntimeError("throttled past the budget")
        self.sent.extend(i.key for i in rest)
        store_jobs.mark_items(ctx.db, [i.id for i in rest], "done")
        report("done", len(items))

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]:
        return {"sent": len(self.sent)}


def _ctx(tmp_path: Path) -> JobContext:
    config = Config(store=f"sqlite:///{tmp_path}/e.db", accounts=[{"id": "111111111111"}])
    return JobContext(
        config=config,
        db=Database(config.store),
        factory=SessionFactory(AwsSettings(), CallStats()),
        out=Console(),
        err=Console(),
    )


def test_a_failed_group_fails_only_its_unfinished_items_and_resume_sends_only_those(
    tmp_path: Path,
) -> None:
    ctx = _ctx(tmp_path)
    items = [NewItem(f"a{i}", "a/r/s", {}) for i in range(3)]
    items += [NewItem(f"b{i}", "b/r/s", {}) for i in range(3)]
    job_id = store_jobs.create_job(ctx.db, "test", "t", {}, items)
    kind = Recording(failing={"a/r/s"})
    events: list[str] = []

    job = run_job(
        ctx, store_jobs.load_job(ctx.db, job_id), kind, report=lambda e, d: events.append(e)
    )
    assert job.status == "partial"
    assert job.counts == {"done": 5, "failed": 2}
    failed = store_jobs.load_items(ctx.db, job_id, status="failed")
    assert {i.key for i in failed} == {"a1", "a2"}
    assert all(i.error == "RuntimeError: throttled past the budget" for i in failed)
    assert "group_failed" in events and events[0] == "start"

    kind.sent.clear()
    job = run_job(ctx, job, kind)
    assert sorted(kind.sent) == ["a1", "a2"]
    assert (job.status, job.resumes, job.figures) == ("ok", 1, {"sent": 2})
