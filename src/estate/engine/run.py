"""A collection run: plan shards, execute them, merge each completed shard, sum up.

Discovery of an account's regions is itself a shard (type `regions`), so a failure to list
regions is recorded, shown and resumed like any other failure.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from estate.aws.errors import classify, describe
from estate.aws.regions import RegionDiscovery, discover_regions
from estate.aws.sessions import AccountSession, SessionFactory
from estate.config import Config
from estate.engine.executor import Executor, LocalExecutor
from estate.engine.plan import Target, plan_shards, schedule
from estate.engine.targets import resolve_targets
from estate.errors import InputError
from estate.inventory.normalize import normalize_resource
from estate.resources.collect import get_pages
from estate.resources.registry import get_specs
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.merge import MergeOutcome, complete_shard
from estate.store.runs import NewShard, ShardRow
from estate.store.schema import changes, shards

log = logging.getLogger(__name__)

DISCOVERY_TYPE = "regions"
DISCOVERY_REGION = "*"
ADDITIVE_FIGURES = ("api_calls", "throttles", "retries", "assume_roles", "expired_refreshes")


@dataclass(frozen=True)
class CollectRequest:
    """What the user asked for on top of the config (CLI filters, resume)."""

    accounts: Sequence[str] = ()
    regions: Sequence[str] = ()
    types: Sequence[str] = ()
    resume: str | None = None  # a run id or "last"


@dataclass(frozen=True)
class ShardResult:
    shard: ShardRow
    ok: bool
    outcome: MergeOutcome | None = None
    error: str | None = None
    kind: str | None = None


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
        self._targets: dict[str, Target] = {}
        self._scope: dict[str, Any] = {}

    # -- planning ---------------------------------------------------------------------------

    def _start(self, request: CollectRequest) -> tuple[int, dict[str, Any]]:
        if request.resume:
            run = store_runs.load_run(self.db, request.resume)
            if run["kind"] != "collect":
                raise InputError(f"run {run['run']} is not a collection")
            if run["status"] == "ok":
                raise InputError(f"run {run['run']} already finished ok; nothing to resume")
            store_runs.resume_run(self.db, run["run"])
            return run["run"], run
        types = list(request.types or self.config.types or [])
        specs = get_specs(types or None)
        targets = resolve_targets(self.config, self.factory, only=request.accounts)
        regions = self._regions(request)
        scope = {
            "accounts": {t.account_id: t.role_arn for t in targets},
            "names": {t.account_id: t.name for t in targets if t.name},
            "regions": regions,
            "types": [s.type for s in specs],
        }
        run_id = store_runs.create_run(self.db, "collect", scope)
        if regions == "all":
            planned = [NewShard(t.account_id, DISCOVERY_REGION, DISCOVERY_TYPE) for t in targets]
        else:
            by_account = {t.account_id: regions for t in targets}
            planned = [_new_shard(s) for s in plan_shards(by_account, specs)]
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
        run_id, previous = self._start(request)
        self._scope = previous["scope"]
        self._targets = {
            a: Target(a, self._scope.get("names", {}).get(a), role)
            for a, role in self._scope["accounts"].items()
        }
        failures: list[tuple[str, str]] = []
        log.info(
            "run %d: %s, %d accounts",
            run_id,
            "resumed" if request.resume else "started",
            len(self._targets),
        )
        try:
            for phase in (True, False):
                pending = schedule(
                    [
                        s
                        for s in store_runs.load_shards(self.db, run_id, unfinished=True)
                        if (s.type == DISCOVERY_TYPE) == phase
                    ],
                    _account_of,
                    _weight,
                )
                self.listener("phase", {"discovery": phase, "shards": len(pending)})
                left = Counter(s.account for s in pending)
                for shard, result in self.executor.run(self._execute, pending, _account_of):
                    if isinstance(result, BaseException):  # a bug, not an AWS failure
                        result = self._record_failure(shard, result)
                    if not result.ok:
                        failures.append((shard.key, result.error or ""))
                    self.listener("shard", result)
                    left[shard.account] -= 1
                    if not left[shard.account] and not phase:
                        self.factory.release(shard.account)
        except KeyboardInterrupt:
            store_runs.finish_run(
                self.db,
                run_id,
                "interrupted",
                self._figures(run_id, previous, stats_before, started),
                "interrupted",
            )
            raise
        figures = self._figures(run_id, previous, stats_before, started)
        status = (
            "ok"
            if not figures["shards_failed"]
            else ("partial" if figures["shards_ok"] else "failed")
        )
        store_runs.finish_run(self.db, run_id, status, figures)
        log.info("run %d: %s %s", run_id, status, figures)
        return RunSummary(run_id, status, figures, failures)

    def _session(self, account: str) -> AccountSession:
        target = self._targets[account]
        return self.factory.for_account(account, target.role_arn)

    def _execute(self, shard: ShardRow) -> ShardResult:
        store_runs.start_shard(self.db, shard.id)
        try:
            if shard.type == DISCOVERY_TYPE:
                return self._discover(shard)
            return self._collect(shard)
        except Exception as exc:
            return self._record_failure(shard, exc)

    def _record_failure(self, shard: ShardRow, exc: BaseException) -> ShardResult:
        kind, message = str(classify(exc)), describe(exc)
        log.warning("shard %s failed: %s", shard.key, message)
        store_runs.fail_shard(self.db, shard.id, message, kind)
        return ShardResult(shard, False, error=message, kind=kind)

    def _discover(self, shard: ShardRow) -> ShardResult:
        regions = self.region_discovery(self._session(shard.account))
        specs = get_specs(self._scope["types"])
        planned = [_new_shard(s) for s in plan_shards({shard.account: regions}, specs)]
        store_runs.save_shards(self.db, shard.run_id, planned)
        outcome = complete_shard(self.db, shard)
        log.info("account %s: %d regions, %d shards", shard.account, len(regions), len(planned))
        return ShardResult(shard, True, outcome)

    def _collect(self, shard: ShardRow) -> ShardResult:
        specs = get_specs([shard.type])
        spec = specs[0]
        finished_listing = shard.pages > 0 and shard.page_token is None
        if not finished_listing:
            session = self._session(shard.account)
            regions = frozenset(shard.regions) if shard.regions is not None else None
            pages = get_pages(
                spec, session, shard.region, start_token=shard.page_token, regions=regions
            )
            for page in pages:
                records = [
                    normalize_resource(spec, shard.account, item.region, item.data)
                    for item in page.items
                ]
                store_runs.save_page(self.db, shard.id, records, page.next_token)
        outcome = complete_shard(self.db, shard)
        log.debug(
            "shard %s ok: %d resources, %d created, %d modified, %d deleted",
            shard.key,
            outcome.resources,
            outcome.created,
            outcome.modified,
            outcome.deleted,
        )
        return ShardResult(shard, True, outcome)

    # -- figures ----------------------------------------------------------------------------

    def _figures(
        self, run_id: int, previous: dict[str, Any], before: dict[str, int], started: float
    ) -> dict[str, Any]:
        counts = store_runs.shard_counts(self.db, run_id)
        with self.db.read() as conn:
            resources = conn.execute(
                select(func.coalesce(func.sum(shards.c["items"]), 0)).where(
                    shards.c.run_id == run_id,
                    shards.c.status == "ok",
                    shards.c.type != DISCOVERY_TYPE,
                )
            ).scalar_one()
            by_kind: dict[str, int] = dict(
                conn.execute(
                    select(changes.c.change, func.count())
                    .where(changes.c.run_id == run_id)
                    .group_by(changes.c.change)
                ).all()
            )
        now = self.factory.stats.snapshot()
        old = previous.get("figures") or {}
        figures: dict[str, Any] = {
            "shards_total": sum(counts.values()),
            "shards_ok": counts.get("ok", 0),
            "shards_failed": sum(n for s, n in counts.items() if s != "ok"),
            "resources": int(resources),
            "created": by_kind.get("created", 0),
            "modified": by_kind.get("modified", 0),
            "deleted": by_kind.get("deleted", 0),
        }
        for name in ADDITIVE_FIGURES:
            figures[name] = old.get(name, 0) + now[name] - before[name]
        figures["seconds"] = round(old.get("seconds", 0) + self.clock() - started, 2)
        return figures


def _account_of(shard: ShardRow) -> str:
    return shard.account


def _weight(shard: ShardRow) -> int:
    """Shards whose types make a call per item take longest under rate limits."""
    if shard.type == DISCOVERY_TYPE:
        return 0
    return 1 + len(get_specs([shard.type])[0].details)


def _new_shard(planned: Any) -> NewShard:
    return NewShard(planned.account, planned.region, planned.type, planned.regions)
