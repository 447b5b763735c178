"""What every kind of job shares: the context it runs in, the driver that runs a job's item
groups through an executor, and how `estate resume` finds the code for a job's kind.

A job kind (tag, s3copy, ...) is an object with:
- `prepare(ctx, job)`: work before the items run, e.g. listing a bucket into items; it must be
  resumable itself (checkpoint in the job's `state`). Most kinds do nothing here.
- `run_group(ctx, job, grp, report)`: send the pending items of one group (items sent together,
  e.g. one account/region/service), marking each item in the store as it finishes, and calling
  `report(event, data)` for progress. Raising fails only that group's unfinished items.
- `figures(ctx, job)`: the job's figures for `estate jobs` and the summary.
- `combine(ctx, job, parts)`: the job's final figures from the figures each worker saved.
- `finished(ctx, job)`: after the job closed (e.g. close the run its changes went under).
- `close()`: let go of threads and connections.
`KindBase` gives the defaults. A module names its kind in RUNNERS with a
`resume_job(ctx, job) -> exit code` function, so listing jobs does not import every kind's
dependencies, and in KINDS with an `open_kind(ctx, job) -> JobKind` function, which a worker
calls to run groups of a job.

A group is plain data (job id + group name), so with `executor: celery` each group goes to a
worker as one message (distributed/jobs.py); the worker has no CLI options, so a kind keeps
in the job's `spec` everything its groups need.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rich.console import Console

from estate.aws.errors import describe
from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.engine.executor import Executor, LocalExecutor, draining
from estate.errors import InputError, Interrupted
from estate.interrupts import stopping
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow

log = logging.getLogger(__name__)

RUNNERS: dict[str, str] = {
    "tag": "estate.actions.tag:resume_job",
    "s3copy": "estate.s3copy.copier:resume_job",
    "s3grant": "estate.s3copy.grant:resume_job",
}

# The function making each kind's JobKind for a job: what `estate worker` runs groups with.
# Grants are not here: one policy, changed by the process that asked for it.
KINDS: dict[str, str] = {
    "tag": "estate.actions.tag:open_kind",
    "s3copy": "estate.s3copy.copier:open_kind",
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
    dispatcher: Any = None  # with executor: celery, where group messages go (default: broker)


class JobKind(Protocol):
    name: str

    def prepare(self, ctx: JobContext, job: JobRow, report: Report) -> None: ...

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Report) -> None: ...

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]: ...

    def combine(
        self, ctx: JobContext, job: JobRow, parts: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]: ...

    def finished(self, ctx: JobContext, job: JobRow) -> None: ...

    def close(self) -> None: ...


class KindBase:
    """Defaults for a JobKind's optional steps."""

    def prepare(self, ctx: JobContext, job: JobRow, report: Report) -> None:
        """Nothing to discover: the plan made every item."""

    def combine(
        self, ctx: JobContext, job: JobRow, parts: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """The workers' figures added to the job's earlier ones; `seconds` is the time since
        the job was sent to them, added to the earlier runs' time."""
        total = add_up([job.figures, *parts])
        sent = job.state.get("dispatched")
        if sent is not None:
            earlier = float(job.figures.get("seconds", 0))
            total["seconds"] = round(earlier + max(0.0, time.time() - float(sent)), 2)
        return total

    def finished(self, ctx: JobContext, job: JobRow) -> None:
        return None

    def close(self) -> None:
        return None


def add_up(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Figures summed key by key: numbers add, mappings (e.g. calls per operation) add
    recursively; anything else keeps the last value seen."""
    total: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            have = total.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, Mapping)):
                total[key] = value
            elif isinstance(value, Mapping):
                total[key] = add_up([have if isinstance(have, Mapping) else {}, value])
            else:
                total[key] = (have if isinstance(have, (int, float)) else 0) + value
    return total


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
    distributable: bool = True,
) -> JobRow:
    """Run (or continue) a planned job to its end and return it as finished. Items done are
    never sent again; a group that raises fails only its own unfinished items. With
    `executor: celery` (and a `distributable` kind) the groups run on `estate worker`s and
    this process follows them. Ctrl-C raises Interrupted: here after the groups in flight
    ended and the job was closed as interrupted; on workers it stops following, not the job."""
    emit: Report = report or (lambda event, data: None)
    job = store_jobs.start_job(ctx.db, job.id)
    emit("start", job)
    remote = distributable and ctx.config.executor == "celery"
    try:
        with stopping(getattr(kind, "stop", None)):
            kind.prepare(ctx, job, emit)
            job = store_jobs.load_job(ctx.db, job.id)
            if remote:
                from estate.distributed.jobs import RemoteJob

                return RemoteJob(ctx).run(job, kind, emit)
            job = _run_here(ctx, job)
            _run_groups(ctx, job, kind, executor, emit)
    except KeyboardInterrupt:
        # the groups in flight ended first (draining): the journal is exact
        with stopping():
            stopped = store_jobs.finish_job(
                ctx.db, job.id, kind.figures(ctx, job), error="interrupted"
            )
        raise Interrupted(saved_items(stopped), ("resume", str(job.id))) from None
    except Interrupted:
        raise
    except Exception as exc:  # prepare failed: nothing ran, the job says why
        log.exception("job %d failed", job.id)
        finished = store_jobs.finish_job(
            ctx.db, job.id, kind.figures(ctx, job), error=describe(exc)
        )
    else:
        finished = store_jobs.finish_job(ctx.db, job.id, kind.figures(ctx, job))
    kind.finished(ctx, finished)
    return finished


def _run_groups(
    ctx: JobContext, job: JobRow, kind: JobKind, executor: Executor | None, emit: Report
) -> None:
    tasks = [GroupTask(job.id, g) for g, _ in store_jobs.groups(ctx.db, job.id)]
    emit("groups", {"groups": len(tasks), "counts": job.counts})
    pool = executor or LocalExecutor(ctx.config.concurrency, per_group=ctx.config.per_account)

    def run(task: GroupTask) -> None:
        kind.run_group(ctx, job, task.grp, emit)

    with draining(pool.run(run, tasks, lambda t: t.account)) as results:
        for task, result in results:
            if isinstance(result, BaseException):
                fail_group(ctx.db, task, result)
                emit("group_failed", {"grp": task.grp, "error": describe(result)})


def saved_items(job: JobRow) -> str:
    """What an interrupted job keeps: the items that ended (done, skipped or failed)."""
    counts = job.counts
    ended = sum(counts.get(s, 0) for s in ("done", "skipped", "failed"))
    failed = f", {counts['failed']} failed" if counts.get("failed") else ""
    return f"job {job.id} saved {ended:,} of {sum(counts.values()):,} items{failed}"


def _run_here(ctx: JobContext, job: JobRow) -> JobRow:
    """A job once sent to workers and now run by this process: workers must not take its
    groups any more, or the reconcilers send them again."""
    if job.state.get("executor") != "celery":
        return job
    from estate.store.jobgroups import forget_groups

    forget_groups(ctx.db, job.id)
    store_jobs.set_state(ctx.db, job.id, {**job.state, "executor": "local"})
    return store_jobs.load_job(ctx.db, job.id)


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


def open_kind(ctx: JobContext, job: JobRow) -> JobKind:
    """The JobKind that runs this job's groups on a worker (imports its module)."""
    made: JobKind = _load(KINDS, job.kind)(ctx, job)
    return made
