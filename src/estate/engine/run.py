"""A collection run: plan shards, execute them, merge each completed shard, sum up.

Discovery of an account's regions is itself a shard (type `regions`), so a failure to list
regions is recorded, shown and resumed like any other failure. The work of one shard lives in
shardwork.py, shared with `estate worker`; this module runs a whole run in one process.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from estate.aws.regions import RegionDiscovery, discover_regions
from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.engine.executor import Executor, LocalExecutor, draining
from estate.engine.plan import plan_shards, regions_by_target, schedule
from estate.engine.shardwork import (
    DISCOVERY_REGION,
    LOST,
    ShardResult,
    ShardWork,
    account_of,
    new_shard,
    weight,
)
from estate.engine.targets import resolve_targets
from estate.errors import InputError, Interrupted
from estate.interrupts import stopping
from estate.resources.registry import get_specs
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.figures import CALL_FIGURES, run_figures, save_calls, status_of
from estate.store.runs import DISCOVERY_TYPE, NewShard, ShardRow
from estate.store.workers import new_worker_id

log = logging.getLogger(__name__)

__all__ = ["CollectRequest", "Collection", "RunSummary", "ShardResult"]


@dataclass(frozen=True)
class CollectRequest:
    """What the user asked for on top of the config (CLI filters, resume)."""

    accounts: Sequence[str] = ()
    regions: Sequence[str] = ()
    types: Sequence[str] = ()
    resume: str | None = None  # a run id or "last"


@dataclass
class RunSummary:
    run_id: int
    status: str
    figures: dict[str, Any]
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "ok" else 1


Listener = Callable[[str, Any], None]


class Collection:
    """Collects what a config names into a store. I/O through the factory and the database."""

    def __init__(
        self,
        config: Config,
        db: Database,
        factory: SessionFactory,
        *,
        region_discovery: RegionDiscovery = discover_regions,
        executor: Executor | None = None,
        listener: Listener | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.db = db
        self.factory = factory
        self.region_discovery = region_discovery
        self.executor = executor or LocalExecutor(config.concurrency, per_group=config.per_account)
        self.listener = listener or (lambda event, data: None)
        self.clock = clock
        self._owner = new_worker_id()  # the claims this process holds on shards
        self._work: ShardWork

    # -- planning ---------------------------------------------------------------------------

    def plan(self, request: CollectRequest) -> tuple[int, dict[str, Any]]:
        """Create the run and its first shards (or reopen a run to resume): its id and its
        record as it was. Does I/O (the store; Organizations when the config asks)."""
        executor = self.config.executor
        if request.resume:
            run = store_runs.load_run(self.db, request.resume)
            if run["kind"] != "collect":
                raise InputError(f"run {run['run']} is not a collection")
            if run["status"] == "ok":
                raise InputError(f"run {run['run']} already finished ok; nothing to resume")
            store_runs.resume_run(self.db, run["run"], executor=executor)
            return run["run"], run
        types = list(request.types or self.config.types or [])
        specs = get_specs(types or None)
        targets = resolve_targets(self.config, self.factory, only=request.accounts)
        regions = self._regions(request)
        scope = {
            "accounts": {t.account_id: t.role_arn for t in targets},
            "names": {t.account_id: t.name for t in targets if t.name},
            # only the accounts outside `aws`, so older runs (without the key) read the same
            "partitions": {t.account_id: t.partition for t in targets if t.partition != "aws"},
            "regions": regions,
            "types": [s.type for s in specs],
            "executor": executor,
        }
        run_id = store_runs.create_run(self.db, "collect", scope)
        if regions == "all":
            planned = [NewShard(t.account_id, DISCOVERY_REGION, DISCOVERY_TYPE) for t in targets]
        else:
            by_account = regions_by_target(targets, regions)
            for account, kept in by_account.items():
                if not kept:
                    log.warning("account %s: none of the regions is in its partition", account)
            planned = [new_shard(s) for s in plan_shards(by_account, specs)]
        store_runs.save_shards(self.db, run_id, planned)
        return run_id, {"scope": scope, "figures": {}}

    def _regions(self, request: CollectRequest) -> list[str] | str:
        configured = self.config.regions
        if request.regions:
            if configured != "all":
                outside = sorted(set(request.regions) - set(configured))
                if outside:
                    raise InputError(
                        f"--regions: not in the configured regions: {', '.join(outside)}"
                    )
            return sorted(set(request.regions))
        return configured if configured == "all" else sorted(set(configured))

    # -- running ----------------------------------------------------------------------------

    def run(self, request: CollectRequest = CollectRequest()) -> RunSummary:
        started = self.clock()
        stats_before = self.factory.stats.snapshot()
        run_id, previous = self.plan(request)
        self._work = ShardWork(self.db, self.factory, previous["scope"], self.region_discovery)
        failures: list[tuple[str, str]] = []
        log.info(
            "run %d: %s, %d accounts",
            run_id,
            "resumed" if request.resume else "started",
            len(self._work.targets),
        )
        try:
            with stopping():
                self._run_phases(run_id, failures)
        except KeyboardInterrupt:
            # the executor let the shards in flight end first: what the store holds is exact
            with stopping():
                figures = self._figures(run_id, previous, stats_before, started)
                store_runs.finish_run(self.db, run_id, "interrupted", figures, "interrupted")
            resume = ("collect", "--resume", str(run_id))
            raise Interrupted(self._saved(run_id), resume) from None
        figures = self._figures(run_id, previous, stats_before, started)
        status = status_of(figures)
        store_runs.finish_run(self.db, run_id, status, figures)
        log.info("run %d: %s %s", run_id, status, figures)
        return RunSummary(run_id, status, figures, failures)

    def _run_phases(self, run_id: int, failures: list[tuple[str, str]]) -> None:
        """Discovery shards first (they plan the others), then the collection's."""
        for phase in (True, False):
            pending = schedule(
                [
                    s
                    for s in store_runs.load_shards(self.db, run_id, unfinished=True)
                    if (s.type == DISCOVERY_TYPE) == phase
                ],
                account_of,
                weight,
            )
            self.listener("phase", {"discovery": phase, "shards": len(pending)})
            left = Counter(s.account for s in pending)
            with draining(self.executor.run(self._execute, pending, account_of)) as results:
                for shard, result in results:
                    if isinstance(result, BaseException):  # a bug, not an AWS failure
                        result = self._work.record_failure(shard, result)
                    if not result.ok:
                        failures.append((shard.key, result.error or ""))
                    self.listener("shard", result)
                    left[shard.account] -= 1
                    if not left[shard.account] and not phase:
                        self.factory.release(shard.account)

    def _execute(self, shard: ShardRow) -> ShardResult:
        claimed = store_runs.claim_shard(self.db, shard.id, self._owner)
        if claimed is None:  # another process resumed this run meanwhile
            return ShardResult(shard, False, error="claimed by another process", kind=LOST)
        return self._work.execute(claimed)

    def _saved(self, run_id: int) -> str:
        """What an interrupted run keeps: its finished shards (a resume tries failed ones
        again). The shards of accounts whose regions are not known yet are not counted."""
        rows = store_runs.load_shards(self.db, run_id)
        ended = sum(1 for s in rows if s.status in ("ok", "failed"))
        return f"run {run_id} saved {ended:,} of {len(rows):,} shards"

    # -- figures ----------------------------------------------------------------------------

    def _figures(
        self, run_id: int, previous: dict[str, Any], before: dict[str, int], started: float
    ) -> dict[str, Any]:
        """The run's figures; this process's calls are saved with the others' first."""
        now = self.factory.stats.snapshot()
        save_calls(self.db, run_id, self._owner, {k: now[k] - before[k] for k in CALL_FIGURES})
        with self.db.read() as conn:
            figures = run_figures(conn, run_id)
        old = previous.get("figures") or {}
        figures["seconds"] = round(old.get("seconds", 0) + self.clock() - started, 2)
        return figures
