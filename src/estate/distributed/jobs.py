"""A job (tag, s3copy) with executor: celery: after its kind's `prepare` (e.g. a copy's
listing) in this process, one message per group of items goes to the workers; this process
follows the items in the store, reconciling what dead workers left, until a worker (or this
reconciler) closes the job. Does I/O (store, broker)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from estate.actions.jobs import JobContext, JobKind, Report, add_up, saved_items
from estate.distributed.dispatch import STALE_BEATS, Dispatcher
from estate.distributed.watch import WorkerWatch
from estate.errors import Interrupted
from estate.store import jobgroups
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow
from estate.store.workers import live_workers

log = logging.getLogger(__name__)


def send_unsent_groups(db: Database, dispatcher: Dispatcher, job_id: int) -> int:
    """A message for each pending group of the job that has none yet, then mark them sent
    (a crash in between sends some twice, which a group's claim makes harmless)."""
    grps = jobgroups.unsent_groups(db, job_id)
    for grp in grps:
        dispatcher.send_group(job_id, grp)
    jobgroups.mark_groups_sent(db, job_id, grps)
    return len(grps)


def reconcile_jobs(
    db: Database,
    dispatcher: Dispatcher,
    job_ids: Sequence[int],
    stale_after: float,
    finalize: Callable[[int], Any],
) -> int:
    """Repair what dead workers left in these jobs: their groups go back to pending and are
    sent again, as are groups whose message was lost; jobs with no group left are closed
    (`finalize(job_id)`). Safe from many processes at once. Returns the groups released."""
    released = 0
    for orphan in jobgroups.orphaned_groups(db, job_ids, stale_after):
        if jobgroups.release_orphan_group(db, orphan):
            silent = f"{orphan.silent_for:.1f} s" if orphan.silent_for is not None else "ever"
            log.warning(
                "job %d: group %s was running under %s, silent for %s; sending it again",
                orphan.job_id,
                orphan.grp,
                orphan.owner,
                silent,
            )
            released += 1
    if jobgroups.sent_before(db, job_ids, stale_after) and dispatcher.waiting() == 0:
        lost = jobgroups.forget_sent(db, job_ids, stale_after)
        log.warning("%d pending job groups lost their messages; sending them again", lost)
    for job_id in job_ids:
        send_unsent_groups(db, dispatcher, job_id)
        finalize(job_id)
    return released


def close_if_done(ctx: JobContext, kind: JobKind, job_id: int) -> JobRow | None:
    """The fan-in: close the job when no group is left, with the workers' figures, and let
    its kind finish (once, by whoever closed it)."""
    closed = jobgroups.finalize_job(
        ctx.db, job_id, lambda job: kind.combine(ctx, job, jobgroups.worker_figures(ctx.db, job_id))
    )
    if closed is not None:
        log.info("job %d: %s (its last group ended here)", job_id, closed.status)
        kind.finished(ctx, closed)
    return closed


class RemoteJob:
    """Sends a prepared job's groups to the workers and follows it to its end."""

    def __init__(
        self,
        ctx: JobContext,
        *,
        poll: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.ctx = ctx
        self.dispatcher: Dispatcher = ctx.dispatcher or _celery_dispatcher(ctx)
        self.poll = poll
        self.clock = clock
        self.sleep = sleep
        self.stale_after = STALE_BEATS * ctx.config.heartbeat

    def run(self, job: JobRow, kind: JobKind, emit: Report) -> JobRow:
        db = self.ctx.db
        state = {**job.state, "executor": jobgroups.EXECUTOR, "dispatched": time.time()}
        store_jobs.set_state(db, job.id, state)
        job = store_jobs.load_job(db, job.id)
        planned = jobgroups.plan_groups(db, job.id)
        emit("groups", {"groups": planned, "counts": job.counts})
        try:
            # From the first group sent, a Ctrl-C leaves the job to the workers: it must say so.
            sent = send_unsent_groups(db, self.dispatcher, job.id)
            log.info("job %d: sent %d groups to the workers", job.id, sent)
            return self.follow(job, kind, emit)
        except KeyboardInterrupt:
            raise following_stopped(store_jobs.load_job(db, job.id)) from None

    def follow(self, job: JobRow, kind: JobKind, emit: Report) -> JobRow:
        """Report the items' progress until the job is closed; reconcile every heartbeat."""
        db = self.ctx.db
        done_before = job.counts.get("done", 0)
        next_repair = self.clock()
        watch = WorkerWatch(
            lambda: live_workers(db, self.stale_after),
            lambda message: emit("note", message),
            f"job {job.id} waits for one",
            after=self.stale_after,
            clock=self.clock,
        )
        while True:
            current = store_jobs.load_job(db, job.id)
            emit(
                "remote",
                {
                    "done": current.counts.get("done", 0) - done_before,
                    "failed": current.counts.get("failed", 0),
                    "figures": add_up(jobgroups.worker_figures(db, job.id)),
                },
            )
            if current.status != "running":
                return current
            if self.clock() >= next_repair:
                next_repair = self.clock() + self.ctx.config.heartbeat
                released = reconcile_jobs(
                    db,
                    self.dispatcher,
                    [job.id],
                    self.stale_after,
                    lambda job_id: close_if_done(self.ctx, kind, job_id),
                )
                if released:
                    emit("note", f"{released} groups of stopped workers sent again")
                ended = sum(current.counts.get(s, 0) for s in ("done", "skipped", "failed"))
                watch.check(ended)
            self.sleep(self.poll)


def following_stopped(job: JobRow) -> Interrupted:
    """Ctrl-C while following: the job stays running for the workers; `estate resume`
    follows it again (and sends what no worker has)."""
    return Interrupted(
        f"{saved_items(job)}; the rest stays queued for the workers", ("resume", str(job.id))
    )


def _celery_dispatcher(ctx: JobContext) -> Dispatcher:
    from estate.distributed.app import make_app
    from estate.distributed.dispatch import CeleryDispatcher

    return CeleryDispatcher(make_app(ctx.config))
