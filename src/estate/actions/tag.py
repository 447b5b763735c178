"""Bulk tag changes as jobs: a planned change becomes a job of items, one per resource, grouped
per account/region/API; each group sends its items in batches, and each batch is recorded
(items done, inventory updated, changes attributed to the job's run) in one transaction as
soon as AWS accepts it. A killed job resumes from its items: what is done is never sent again.

I/O: the store, and AWS through the job context's sessions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from estate.actions.jobs import JobContext, KindBase, Report, run_job
from estate.actions.tagapply import Caller, Outcome, sender_for
from estate.actions.tagplan import APIS, PlannedItem, TagPlan, batch_key, batch_limit, batch_stream
from estate.aws.partitions import home_region
from estate.aws.sessions import SessionFactory
from estate.cli.jobprogress import JobProgress, print_job_summary
from estate.config import Config
from estate.errors import Interrupted
from estate.interrupts import stopping
from estate.resources.spec import GLOBAL_REGION
from estate.store import jobs as store_jobs
from estate.store import runs as store_runs
from estate.store.jobs import JobRow, NewItem
from estate.store.tagging import Tagged, count_changes, save_outcomes

log = logging.getLogger(__name__)

KIND = "tag"
INFLIGHT = 4  # batches of one group in flight at once: latency must not set the pace
PAGE = 2000  # pending items read from the store at a time


def roles_for(config: Config, factory: SessionFactory, accounts: Sequence[str]) -> dict:
    """The role to act through in each account, as a collection does: the account's own
    role_arn, else role_name there, except the base credentials' account (used directly).
    Does I/O (STS GetCallerIdentity)."""
    caller, partition = factory.caller_account(), factory.caller_partition()
    configured = {a.id: a for a in config.accounts}

    def role(account_id: str) -> str | None:
        account = configured.get(account_id)
        if account is not None and account.role_arn:
            return account.role_arn
        return (
            None if account_id == caller else config.role_arn_for(account or account_id, partition)
        )

    return {a: role(a) for a in accounts}


def create_tag_job(
    ctx: JobContext, plan: TagPlan, selection: Mapping[str, Any], live: bool
) -> JobRow:
    """Store the plan as a job (resources already as desired are items skipped), not started.
    Does I/O (the store; STS to know which account needs no role)."""
    work = plan.to_change
    types = sorted({i.type for i in work})
    title = f"{plan.change.describe()} on {len(work):,} {', '.join(types)}"
    spec = {
        **plan.change.plain(),
        "selection": dict(selection),
        "live": live,
        "batch_size": plan.batch_size,
        "roles": roles_for(ctx.config, ctx.factory, plan.accounts),
    }
    items = [
        NewItem(i.arn, i.grp, i.payload(), status="skipped" if i.unchanged else "pending")
        for i in plan.items
    ]
    job_id = store_jobs.create_job(ctx.db, KIND, title, spec, items)
    return store_jobs.load_job(ctx.db, job_id)


class _Counting:
    """A caller that counts the calls made through it, per operation."""

    def __init__(self, caller: Caller, count: Callable[[str], None]) -> None:
        self._caller = caller
        self._count = count

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        self._count(operation)
        return self._caller.call(service, region, operation, **params)


class TagJob(KindBase):
    """The `tag` job kind (see actions/jobs.py): sends each group's pending items."""

    name = KIND

    def __init__(
        self, factory: SessionFactory, inflight: int = INFLIGHT, clock: Callable = time.monotonic
    ) -> None:
        self.inflight = max(1, inflight)
        self._clock = clock
        self._started = clock()
        self._before = factory.stats.snapshot()
        self._calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.stop = threading.Event()  # set on Ctrl-C (run_job): no new batch starts

    def _count(self, operation: str) -> None:
        with self._lock:
            self._calls[operation] += 1

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Report) -> None:
        account, region, api_name = grp.split("/")
        api = APIS[api_name]
        role = (job.spec.get("roles") or {}).get(account)
        session = ctx.factory.for_account(account, role)
        caller = _Counting(session, self._count)
        global_region = home_region(session.partition, api.service)
        call_region = global_region if region == GLOBAL_REGION else region
        limit = batch_limit(api, job.spec.get("batch_size"))
        run_id = int(job.state["run"])
        counts: Counter[str] = Counter()

        def send(batch: list[tuple[int, PlannedItem]]) -> None:
            items = [item for _, item in batch]
            outcomes = sender_for(items)(caller, call_region, items)
            done, failed = _split(batch, outcomes)
            save_outcomes(ctx.db, run_id, done, failed)
            with self._lock:
                counts.update(done=len(done), failed=len(failed))
            report("items", {"grp": grp, "done": len(done), "failed": len(failed)})

        batches = batch_stream(_pending(ctx, job.id, grp), lambda p: batch_key(p[1]), limit)
        _pipeline(send, batches, self.inflight, self.stop)
        report("group_done", {"grp": grp, "done": counts["done"], "failed": counts["failed"]})

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]:
        """This invocation's figures added to those of earlier ones (a resumed job)."""
        old = job.figures or {}
        now = ctx.factory.stats.snapshot()
        with self._lock:
            calls = Counter(old.get("calls") or {}) + self._calls
        figures: dict[str, Any] = {"calls": dict(sorted(calls.items()))}
        for name in ("api_calls", "throttles", "retries"):
            figures[name] = int(old.get(name, 0)) + now[name] - self._before[name]
        figures["seconds"] = round(float(old.get("seconds", 0)) + self._clock() - self._started, 2)
        return figures

    def finished(self, ctx: JobContext, job: JobRow) -> None:
        """The job's run closes with it: its changes are the job's."""
        run_id = int(job.state["run"])
        status = {"ok": "ok", "failed": "failed"}.get(job.status, "partial")
        store_runs.finish_run(ctx.db, run_id, status, run_figures(ctx, job, run_id), job.error)


def open_kind(ctx: JobContext, job: JobRow) -> TagJob:
    """The kind as a worker runs it (see actions/jobs.py KINDS)."""
    return TagJob(ctx.factory)


def _pending(ctx: JobContext, job_id: int, grp: str) -> Iterator[tuple[int, PlannedItem]]:
    last = 0
    while True:
        rows = store_jobs.load_items(
            ctx.db, job_id, status="pending", grp=grp, after_id=last, limit=PAGE
        )
        if not rows:
            return
        for row in rows:
            yield row.id, PlannedItem.from_payload(row.key, row.grp, row.payload)
        last = rows[-1].id


def _split(
    batch: Sequence[tuple[int, PlannedItem]], outcomes: Sequence[Outcome]
) -> tuple[list[Tagged], list[tuple[int, str]]]:
    ids = {item.arn: item_id for item_id, item in batch}
    done, failed = [], []
    for o in outcomes:
        if o.error is not None:
            failed.append((ids[o.item.arn], o.error))
            continue
        change = o.item.change
        done.append(
            Tagged(
                ids[o.item.arn],
                o.item.arn,
                change.set,
                change.unset,
                o.tags,
                o.item.name_from_tag,
            )
        )
    return done, failed


def _pipeline(
    send: Callable[[Any], None], batches: Iterator[Any], inflight: int, stop: threading.Event
) -> None:
    """send(batch) for every batch, `inflight` at a time. On the first error (or once `stop` is
    set) no new batch is started; those in flight finish (and are recorded), then the error is
    raised."""
    error: BaseException | None = None
    with ThreadPoolExecutor(max_workers=inflight, thread_name_prefix="estate-tag") as pool:
        running: set[Future[None]] = set()
        for batch in batches:
            if stop.is_set():
                break
            running.add(pool.submit(send, batch))
            if len(running) >= inflight:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                error = next((f.exception() for f in finished if f.exception()), None)
                if error is not None:
                    break
        finished, _ = wait(running)
        error = error or next((f.exception() for f in finished if f.exception()), None)
    if error is not None:
        raise error


def ensure_run(ctx: JobContext, job: JobRow) -> int:
    """The run the job's changes are recorded under (kind "tag", scope {"job": id}): created
    on the first start, resumed with the job after."""
    if job.state.get("run"):
        run_id = int(job.state["run"])
        store_runs.resume_run(ctx.db, run_id)
        return run_id
    run_id = store_runs.create_run(ctx.db, KIND, {"job": job.id, "title": job.title})
    store_jobs.set_state(ctx.db, job.id, {**job.state, "run": run_id})
    return run_id


def run_figures(ctx: JobContext, job: JobRow, run_id: int) -> dict[str, Any]:
    return {
        "resources": job.counts.get("done", 0),
        "modified": count_changes(ctx.db, run_id),
        **{k: job.figures.get(k) for k in ("api_calls", "throttles", "retries", "seconds")},
    }


def resume_job(ctx: JobContext, job: JobRow) -> int:
    """Run a planned tag job, or continue one, to its end; print progress and a summary.
    Returns the exit status: 0 when every item is done or skipped, 1 otherwise; raises
    Interrupted on Ctrl-C, once the batches in flight are recorded."""
    run_id = ensure_run(ctx, job)
    job = store_jobs.load_job(ctx.db, job.id)
    kind = TagJob(ctx.factory, inflight=int(ctx.options.get("inflight", INFLIGHT)))
    try:
        with JobProgress(ctx.err, job) as progress:
            finished = run_job(ctx, job, kind, report=progress.listener)
    except Interrupted:
        stopped = store_jobs.load_job(ctx.db, job.id)
        if stopped.status != "running":  # else it goes on on the workers, under this run
            with stopping():
                store_runs.finish_run(
                    ctx.db, run_id, "interrupted", run_figures(ctx, stopped, run_id), "interrupted"
                )
        raise
    failures = store_jobs.load_items(ctx.db, job.id, status="failed", limit=15)
    print_job_summary(ctx.out, finished, failures, run_id)
    return 0 if finished.status == "ok" else 1
