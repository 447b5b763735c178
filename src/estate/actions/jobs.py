"""What every kind of job shares: the context it runs in, the driver that runs a job's item
groups through an executor, and how `estate resume` finds the code for a job's kind.

A job kind (tag, s3copy, ...) is an object with:
- `prepare(ctx, job)`: work before the items run, e.g. listing a bucket into items; it must be
  resumable itself (checkpoint in the job's `state`). Most kinds do nothing here.
- `run_group(ctx, job, grp, report)`: send the pending items of one group (items sent together,
  e.g. one account/region/service), marking each item in the store as it finishes, and calling
  `report(event, data)` for progress. Raising fails only that group's unfinished items.
- `figures(ctx, job)`: the job's figures for `estate jobs` and the summary.
A module names its kind in RUNNERS with a `resume_job(ctx, job) -> exit code` function, so
listing jobs does not import every kind's dependencies, and in KINDS with its JobKind object,
which a worker looks up to run one group of a job.

A group is plain data (job id + group name), so a distributed executor can send each group
to a worker as one message; the worker has no CLI options, so a kind keeps in the job's
`spec` everything its groups need.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rich.console import Console

from estate.aws.errors import describe
from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.engine.executor import Executor, LocalExecutor
from estate.errors import InputError
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow

log = logging.getLogger(__name__)

RUNNERS: dict[str, str] = {
    "tag": "estate.actions.tag:resume_job",
    "s3copy": "estate.s3copy.copier:resume_job",
    "s3grant": "estate.s3copy.grant:resume_job",
}

# The JobKind object of each kind: what `estate worker` calls `run_group` on.
KINDS: dict[str, str] = {
    "tag": "estate.actions.tag:KIND",
    "s3copy": "estate.s3copy.copier:KIND",
    "s3grant": "estate.s3copy.grant:KIND",
}

Report = Callable[[str, Any], None]


@dataclass
class JobContext:
    """What a running job may use: all I/O goes through these."""

    config: Config
    db: Database
    factory: SessionFactory
    out: Console  # results and the summary
    err: Console  # progress
    options: dict[str, Any] = field(default_factory=dict)  # per-invocation knobs


class JobKind(Protocol):
    name: str

    def prepare(self, ctx: JobContext, job: JobRow, report: Report) -> None: ...

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Report) -> None: ...

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]: ...


@dataclass(frozen=True)
class GroupTask:
    """One message's worth of work: plain data."""

    job_id: int
    grp: str

    @property
    def account(self) -> str:
        return self.grp.split("/", 1)[0]


def run_job(
    ctx: JobContext,
    job: JobRow,
    kind: JobKind,
    *,
    executor: Executor | None = None,
    report: Report | None = None,
) -> JobRow:
    """Run (or continue) a planned job to its end and return it as finished. Items done are
    never sent again; a group that raises fails only its own unfinished items."""
    emit: Report = report or (lambda event, data: None)
    job = store_jobs.start_job(ctx.db, job.id)
    emit("start", job)
    try:
        kind.prepare(ctx, job, emit)
        job = store_jobs.load_job(ctx.db, job.id)
        tasks = [GroupTask(job.id, g) for g, _ in store_jobs.groups(ctx.db, job.id)]
        emit("groups", {"groups": len(tasks), "counts": job.counts})
        pool = executor or LocalExecutor(ctx.config.concurrency, per_group=ctx.config.per_account)

        def run(task: GroupTask) -> None:
            kind.run_group(ctx, job, task.grp, emit)

        for task, result in pool.run(run, tasks, lambda t: t.account):
            if isinstance(result, BaseException):
                fail_group(ctx.db, task, result)
                emit("group_failed", {"grp": task.grp, "error": describe(result)})
    except KeyboardInterrupt:
        store_jobs.finish_job(ctx.db, job.id, kind.figures(ctx, job), error="interrupted")
        raise
    except Exception as exc:  # prepare failed: nothing ran, the job says why
        log.exception("job %d failed", job.id)
        return store_jobs.finish_job(ctx.db, job.id, kind.figures(ctx, job), error=describe(exc))
    return store_jobs.finish_job(ctx.db, job.id, kind.figures(ctx, job))


def fail_group(db: Database, task: GroupTask, exc: BaseException) -> None:
    """Mark a group's unfinished items failed with the reason; done items stay done."""
    left = store_jobs.load_items(db, task.job_id, grp=task.grp, status=("pending", "running"))
    store_jobs.mark_items(
        db, [i.id for i in left], "failed", error=describe(exc), count_attempt=True
    )
    log.warning("job %d group %s failed: %s", task.job_id, task.grp, describe(exc))


Runner = Callable[[JobContext, JobRow], int]


def _load(registry: dict[str, str], kind: str) -> Any:
    target = registry.get(kind)
    if target is None:
        raise InputError(f"job kind {kind!r} cannot be resumed by this version of estate")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def runner(kind: str) -> Runner:
    fn: Runner = _load(RUNNERS, kind)
    return fn


def job_kind(kind: str) -> JobKind:
    """The JobKind object of a kind's name (imports its module)."""
    found: JobKind = _load(KINDS, kind)
    return found
