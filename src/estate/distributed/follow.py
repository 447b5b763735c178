"""`estate collect` with executor: celery: plan the run as a local one would, send one message
per shard, follow the run's progress in the store (reconciling what dead workers left) until
a worker — or this reconciler — closes it, and sum it up like a local run. Does I/O."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.distributed.dispatch import STALE_BEATS, Dispatcher, reconcile, send_unsent
from estate.distributed.watch import WorkerWatch
from estate.engine.run import Collection, CollectRequest, Listener, RunSummary
from estate.engine.shardwork import ShardResult
from estate.errors import Interrupted
from estate.interrupts import stopping
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.figures import CALL_FIGURES, finalize_run, save_calls
from estate.store.merge import MergeOutcome
from estate.store.runs import DISCOVERY_TYPE, ShardRow
from estate.store.workers import live_workers, new_worker_id

log = logging.getLogger(__name__)

FINISHED = ("ok", "failed")
FIGURES = (
    "shards_total", "shards_ok", "shards_failed", "resources", "created", "modified", "deleted",
    "refreshed", "unusable", "foreign", "incomplete", "incomplete_calls", *CALL_FIGURES,
    "seconds",
)  # fmt: skip


class RemoteCollection:
    """Runs a collection on `estate worker` processes. The run goes on if this process stops
    (Ctrl-C raises Interrupted); `estate runs` shows it, and any worker closes it."""

    def __init__(
        self,
        config: Config,
        db: Database,
        factory: SessionFactory,
        dispatcher: Dispatcher,
        *,
        listener: Listener | None = None,
        poll: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.db = db
        self.factory = factory
        self.dispatcher = dispatcher
        self.listener = listener or (lambda event, data: None)
        self.poll = poll
        self.clock = clock
        self.sleep = sleep
        self.stale_after = STALE_BEATS * config.heartbeat
        self.id = new_worker_id()

    def run(self, request: CollectRequest) -> RunSummary:
        before = self.factory.stats.snapshot()
        run_id, _ = Collection(self.config, self.db, self.factory).plan(request)
        now = self.factory.stats.snapshot()  # planning may have listed an organization
        save_calls(self.db, run_id, self.id, {k: now[k] - before[k] for k in CALL_FIGURES})
        finished = {s.id for s in store_runs.load_shards(self.db, run_id) if s.status in FINISHED}
        try:
            # From the first shard sent, a Ctrl-C leaves a run on the workers: it must say so.
            with stopping():
                sent = send_unsent(self.db, self.dispatcher, run_id)
                log.info("run %d: sent %d shards to the workers", run_id, sent)
                if not store_runs.load_shards(self.db, run_id):
                    finalize_run(self.db, run_id, allow_empty=True)  # nothing to collect
                self.follow(run_id, finished)
        except KeyboardInterrupt:
            with stopping():
                raise self.following_stopped(run_id) from None
        return self.summary(run_id)

    def following_stopped(self, run_id: int) -> Interrupted:
        """Ctrl-C while following: the run goes on on the workers; `collect --resume`
        follows it again (and sends what no worker has)."""
        rows = store_runs.load_shards(self.db, run_id)
        ended = sum(1 for s in rows if s.status in FINISHED)
        return Interrupted(
            f"run {run_id} saved {ended:,} of {len(rows):,} shards; the rest stays queued for "
            "the workers",
            ("collect", "--resume", str(run_id)),
        )

    def summary(self, run_id: int) -> RunSummary:
        record = store_runs.load_run(self.db, run_id)
        figures = {k: record.get(k, {} if k == "incomplete_calls" else 0) for k in FIGURES}
        failures = [
            (s.key, s.error or "")
            for s in store_runs.load_shards(self.db, run_id)
            if s.status == "failed"
        ]
        return RunSummary(run_id, record["status"], figures, failures)

    def follow(self, run_id: int, finished_before: set[int]) -> None:
        """Report shards as they finish, until the run is closed."""
        progress = _Progress(self.listener, finished_before)
        next_repair = self.clock() + self.config.heartbeat
        watch = WorkerWatch(
            lambda: live_workers(self.db, self.stale_after),
            lambda message: self.listener("note", message),
            "the shards wait for one",
            after=self.stale_after,
            clock=self.clock,
        )
        while True:
            closed = store_runs.load_run(self.db, run_id)["status"] != "running"
            progress.update(store_runs.load_shards(self.db, run_id))
            if closed:
                return
            if self.clock() >= next_repair:
                next_repair = self.clock() + self.config.heartbeat
                done = reconcile(self.db, self.dispatcher, [run_id], self.stale_after)
                if done.released:
                    self.listener("note", f"{done.released} shards of stopped workers sent again")
                watch.check(len(progress.reported))
            self.sleep(self.poll)


class _Progress:
    """Turns the shards' states into the listener's events: the discovery phase first, then
    the collection with its final number of shards (known once every account's regions are)."""

    def __init__(self, listener: Listener, finished_before: set[int]) -> None:
        self.listener = listener
        self.before = set(finished_before)
        self.reported = set(finished_before)
        self.phase: bool | None = None  # True: in discovery; False: collection announced
        self.waiting: list[ShardResult] = []

    def update(self, rows: list[ShardRow]) -> None:
        if self.phase is None:
            discovering = sum(1 for s in rows if _discovery(s) and s.id not in self.before)
            if discovering:
                self.listener("phase", {"discovery": True, "shards": discovering})
            self.phase = True
        for shard in rows:
            if shard.status in FINISHED and shard.id not in self.reported:
                self.reported.add(shard.id)
                if _discovery(shard):
                    self.listener("shard", _result(shard))
                else:
                    self.waiting.append(_result(shard))
        if self.phase and all(s.status in FINISHED for s in rows if _discovery(s)):
            total = sum(1 for s in rows if not _discovery(s) and s.id not in self.before)
            self.listener("phase", {"discovery": False, "shards": total})
            self.phase = False
        if self.phase is False:
            for result in self.waiting:
                self.listener("shard", result)
            self.waiting = []


def _discovery(shard: ShardRow) -> bool:
    return shard.type == DISCOVERY_TYPE


def _result(shard: ShardRow) -> ShardResult:
    if shard.status == "ok":
        return ShardResult(shard, True, MergeOutcome(resources=shard.items))
    return ShardResult(shard, False, error=shard.error, kind="failed")
