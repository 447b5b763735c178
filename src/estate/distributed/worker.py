"""What `estate worker` does with a message: claim the shard, run it from its saved page token
with the code a local run uses (shardwork.py), fan in (the last shard closes the run), and,
for a discovery shard, send the shards it planned. Between messages a heartbeat thread keeps
the worker alive in the store and reconciles what dead workers left.

A message delivered twice, or after its shard was done, finds nothing to claim and is
acknowledged. Does I/O (store, broker, AWS).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from estate.actions.jobs import GroupTask, JobContext, JobKind, fail_group, open_kind
from estate.aws.regions import RegionDiscovery, discover_regions
from estate.aws.sessions import SessionFactory
from estate.cli.render import make_console
from estate.config import Config
from estate.distributed.dispatch import STALE_BEATS, Dispatcher, reconcile, send_unsent
from estate.distributed.jobs import close_if_done, reconcile_jobs
from estate.engine.shardwork import LOST, ShardResult, ShardWork
from estate.store import jobgroups
from estate.store import jobs as store_jobs
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.figures import finalize_run, save_calls
from estate.store.jobs import JobRow
from estate.store.runs import DISCOVERY_TYPE, ShardRow
from estate.store.schema import shards
from estate.store.workers import (
    beat,
    forget_worker,
    new_worker_id,
    register_worker,
    running_runs,
)

log = logging.getLogger(__name__)

RELEASE_TRIES = 5


@dataclass
class _Run:
    """What this worker keeps for a run it works on."""

    work: ShardWork
    factory: SessionFactory
    saving: threading.Lock = field(default_factory=threading.Lock)  # call counts in order
    running: Counter[str] = field(default_factory=Counter)  # shards in flight per account


@dataclass
class _Job:
    """What this worker keeps for a job whose groups it runs: its kind, made once."""

    ctx: JobContext
    kind: JobKind
    saving: threading.Lock = field(default_factory=threading.Lock)  # figures in order


class WorkerRuntime:
    """The state of one worker process, shared by its threads."""

    def __init__(
        self,
        config: Config,
        db: Database,
        dispatcher: Dispatcher,
        factory_for_run: Callable[[], SessionFactory],
        *,
        concurrency: int = 1,
        worker_id: str | None = None,
        region_discovery: RegionDiscovery = discover_regions,
        kinds: Callable[[JobContext, JobRow], JobKind] = open_kind,
    ) -> None:
        self.config = config
        self.db = db
        self.dispatcher = dispatcher
        self.factory_for_run = factory_for_run
        self.concurrency = concurrency
        self.id = worker_id or new_worker_id()
        self.region_discovery = region_discovery
        self.kinds = kinds
        self.stale_after = STALE_BEATS * config.heartbeat
        self.max_open_accounts = max(8, 2 * concurrency)
        self._runs: dict[int, _Run] = {}
        self._jobs: dict[int, _Job] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.finished: Counter[str] = Counter()  # shards and job groups this process ended

    # -- life -------------------------------------------------------------------------------

    def start(self) -> None:
        register_worker(self.db, self.id, self.concurrency)
        self._threads = [
            threading.Thread(target=self._beat, name="estate-heartbeat", daemon=True),
            threading.Thread(target=self._repair, name="estate-reconciler", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        log.info("worker %s: started, %d threads", self.id, self.concurrency)

    def stop(self) -> None:
        """After the last task: stop beating and leave the store (no shard of ours waits for
        our heartbeat to time out)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        forget_worker(self.db, self.id)
        log.info("worker %s: stopped", self.id)

    def _beat(self) -> None:
        """Heartbeats only: nothing slow may delay them, or a busy worker looks dead."""
        last = time.monotonic()
        while not self._stop.wait(self.config.heartbeat):
            started = time.monotonic()
            try:
                beat(self.db, self.id, self.concurrency)
            except Exception:  # the store may be away for a moment; beat again next time
                log.exception("worker %s: heartbeat failed", self.id)
                continue
            if started - last > 2 * self.config.heartbeat:
                log.warning("worker %s: heartbeat %.1f s late", self.id, started - last)
            last = started

    def _repair(self) -> None:
        while not self._stop.wait(STALE_BEATS * self.config.heartbeat):
            try:
                self.reconcile()
            except Exception:
                log.exception("worker %s: reconciling failed", self.id)

    def reconcile(self) -> None:
        """Repair the running distributed runs and jobs (the work of dead workers, runs and
        jobs left open), and forget the runs and jobs that ended."""
        live = running_runs(self.db, "celery")
        done = reconcile(self.db, self.dispatcher, live, self.stale_after)
        if done.released or done.closed:
            log.info("worker %s: reconciled %s", self.id, done)
        jobs = jobgroups.running_jobs(self.db)
        released = reconcile_jobs(
            self.db, self.dispatcher, jobs, self.stale_after, self._close_if_done
        )
        if released:
            log.info("worker %s: sent %d job groups of stopped workers again", self.id, released)
        with self._lock:
            for run_id in [r for r in self._runs if r not in live]:
                del self._runs[run_id]
            ended = [self._jobs.pop(j) for j in list(self._jobs) if j not in jobs]
        for state in ended:
            state.kind.close()

    # -- shards -----------------------------------------------------------------------------

    def collect_shard(self, run_id: int, shard_id: int) -> ShardResult | None:
        """Run one shard if it is there to claim; None when it is not (done, or another
        worker's). Raises only when the store fails, after handing the shard back."""
        claimed = store_runs.claim_shard(self.db, shard_id, self.id)
        if claimed is None:
            log.debug("shard %d: nothing to claim (done, or running elsewhere)", shard_id)
            return None
        run_id = claimed.run_id
        try:
            result = self._collect(run_id, claimed)
        except Exception:
            log.exception("shard %s: store failure; handing it back", claimed.key)
            self._hand_back(claimed)
            raise
        with self._lock:
            self.finished["shards"] += 1
        return result

    def _collect(self, run_id: int, shard: ShardRow) -> ShardResult:
        state = self._run(run_id)
        with self._lock:
            state.running[shard.account] += 1
        try:
            result = state.work.execute(shard)
        finally:
            self._done_with(state, shard.account)
        if result.ok and shard.type == DISCOVERY_TYPE:
            sent = send_unsent(self.db, self.dispatcher, run_id, shard.account)
            log.info("run %d: account %s: sent %d shards", run_id, shard.account, sent)
        if result.kind != LOST:
            status = finalize_run(self.db, run_id)
            if status is not None:
                log.info("run %d: %s (its last shard ended here)", run_id, status)
        return result

    def _run(self, run_id: int) -> _Run:
        with self._lock:
            state = self._runs.get(run_id)
            if state is None:
                scope = store_runs.load_run(self.db, run_id)["scope"]
                factory = self.factory_for_run()
                work = ShardWork(
                    self.db,
                    factory,
                    scope,
                    self.region_discovery,
                    before_finish=lambda shard: self._save_calls(shard.run_id),
                )
                state = self._runs[run_id] = _Run(work, factory)
            return state

    def _save_calls(self, run_id: int) -> None:
        """This worker's call counts for the run, before one of its shards ends: when the
        last shard ends, every worker's counts are in the store."""
        state = self._runs.get(run_id)
        if state is not None:
            with state.saving:
                save_calls(self.db, run_id, self.id, state.factory.stats.snapshot())

    def _done_with(self, state: _Run, account: str) -> None:
        """Keep sessions of accounts that may come back, but not of hundreds of accounts."""
        with self._lock:
            state.running[account] -= 1
            open_accounts = state.factory.open_accounts()
            if len(open_accounts) > self.max_open_accounts:
                for idle in open_accounts:
                    if not state.running[idle]:
                        state.factory.release(idle)

    def _hand_back(self, shard: ShardRow) -> None:
        """Our claim back to pending and unsent, so the reconciler sends it again."""
        for attempt in range(RELEASE_TRIES):
            try:
                with self.db.write() as conn:
                    conn.execute(
                        shards.update()
                        .where(store_runs.fence(shard.id, shard.attempts))
                        .values(status="pending", owner=None, enqueued_at=None)
                    )
                return
            except Exception:
                time.sleep(2**attempt)
        log.error("shard %s: could not hand it back; it waits for this worker to stop", shard.key)

    # -- job groups -------------------------------------------------------------------------

    def run_job_group(self, job_id: int, grp: str) -> bool:
        """Send one group of a running job with its kind's own code; False when there was
        nothing to claim (the job is not running on workers, or the group is done or taken).
        A group that raises fails its unfinished items only, as in a local job; the worker
        that ends the last group closes the job."""
        job = store_jobs.load_job(self.db, job_id)
        if job.status != "running":
            log.info("job %d is %s: group %s not sent", job_id, job.status, grp)
            return False
        claim = jobgroups.claim_group(self.db, job_id, grp, self.id)
        if claim is None:
            log.debug("job %d group %s: nothing to claim (done, or running elsewhere)", job_id, grp)
            return False
        try:
            state = self._job(job)
        except Exception:
            jobgroups.release_group(self.db, claim)
            raise
        try:
            state.kind.run_group(state.ctx, job, grp, self._report(job_id, grp))
        except Exception as exc:
            fail_group(self.db, GroupTask(job_id, grp), exc)
        self._save_figures(job_id, state)
        jobgroups.finish_group(self.db, claim)
        with self._lock:
            self.finished["job groups"] += 1
        self._close_if_done(job_id)
        return True

    def _job(self, job: JobRow) -> _Job:
        with self._lock:
            state = self._jobs.get(job.id)
            if state is None:
                quiet = make_console(file=io.StringIO())
                ctx = JobContext(self.config, self.db, self.factory_for_run(), quiet, quiet)
                state = self._jobs[job.id] = _Job(ctx, self.kinds(ctx, job))
            return state

    def _save_figures(self, job_id: int, state: _Job) -> None:
        """This worker's figures for the job so far (the job's earlier ones are not in them:
        `combine` adds those)."""
        job = store_jobs.load_job(self.db, job_id)
        with state.saving:
            part = state.kind.figures(state.ctx, replace(job, figures={}))
            jobgroups.save_job_figures(self.db, job_id, self.id, part)

    def _close_if_done(self, job_id: int) -> None:
        if jobgroups.groups_left(self.db, job_id):  # before making a kind for a job
            return
        job = store_jobs.load_job(self.db, job_id)
        if job.status == "running":
            state = self._job(job)
            close_if_done(state.ctx, state.kind, job_id)

    @staticmethod
    def _report(job_id: int, grp: str) -> Callable[[str, Any], None]:
        def report(event: str, data: Any) -> None:
            log.debug("job %d group %s: %s %s", job_id, grp, event, data)

        return report
