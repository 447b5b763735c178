"""One shard's work, wherever it runs: a thread of `estate collect`, or an `estate worker`.

Given the store, a session factory and the run's scope (all of it plain data in the store),
a claimed shard is listed from its saved page token, page by page, and merged when complete;
a discovery shard (type `regions`) lists the account's regions and plans its shards. Every
write names the shard's claim, so a process that lost its claim stops instead of writing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estate.aws.errors import classify, describe
from estate.aws.regions import RegionDiscovery, discover_regions
from estate.aws.sessions import AccountSession, SessionFactory
from estate.engine.plan import Target, plan_shards
from estate.inventory.normalize import normalize_page
from estate.resources.collect import get_pages
from estate.resources.registry import get_specs
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.merge import MergeOutcome, complete_shard
from estate.store.runs import DISCOVERY_TYPE, NewShard, ShardLost, ShardRow

log = logging.getLogger(__name__)

DISCOVERY_REGION = "*"
LOST = "lost"  # ShardResult.kind of a shard another process claimed meanwhile


@dataclass(frozen=True)
class ShardResult:
    shard: ShardRow
    ok: bool
    outcome: MergeOutcome | None = None
    error: str | None = None
    kind: str | None = None
    planned: int = 0  # shards a discovery shard added
    unusable: int = 0  # listed items that could not become records (no id, no ARN)
    foreign: int = 0  # listed items another account owns (RAM shares), left to their owner


def targets_of(scope: Mapping[str, Any]) -> dict[str, Target]:
    """The accounts of a run as stored in its scope: id -> how to act in it."""
    names, partitions = scope.get("names", {}), scope.get("partitions", {})
    return {
        a: Target(a, names.get(a), role, partitions.get(a, "aws"))
        for a, role in scope["accounts"].items()
    }


class ShardWork:
    """Runs claimed shards of one run. Thread-safe; I/O through the factory and the store."""

    def __init__(
        self,
        db: Database,
        factory: SessionFactory,
        scope: Mapping[str, Any],
        region_discovery: RegionDiscovery = discover_regions,
        before_finish: Callable[[ShardRow], None] | None = None,
    ) -> None:
        self.db = db
        self.factory = factory
        self.targets = targets_of(scope)
        self.types: Sequence[str] = scope["types"]
        self.region_discovery = region_discovery
        # Called once a shard's AWS calls are over, before it is marked ok or failed (a worker
        # saves its call counts there, so they are in the store when the run closes).
        self.before_finish = before_finish or (lambda shard: None)

    def execute(self, shard: ShardRow) -> ShardResult:
        """Run a shard claimed by this process (its `attempts` is the claim) to ok or failed.
        AWS failures and bugs alike are recorded on the shard, never raised."""
        try:
            if shard.type == DISCOVERY_TYPE:
                return self._discover(shard)
            return self._collect(shard)
        except ShardLost as exc:
            log.warning("shard %s: %s; leaving it", shard.key, exc)
            return ShardResult(shard, False, error=str(exc), kind=LOST)
        except Exception as exc:
            return self.record_failure(shard, exc)

    def record_failure(self, shard: ShardRow, exc: BaseException) -> ShardResult:
        kind, message = str(classify(exc)), describe(exc)
        log.warning("shard %s failed: %s", shard.key, message)
        self.before_finish(shard)
        store_runs.fail_shard(self.db, shard.id, message, kind, claim=shard.attempts)
        return ShardResult(shard, False, error=message, kind=kind)

    def _session(self, account: str) -> AccountSession:
        return self.factory.for_account(account, self.targets[account].role_arn)

    def _discover(self, shard: ShardRow) -> ShardResult:
        regions = self.region_discovery(self._session(shard.account))
        specs = get_specs(list(self.types))
        planned = [new_shard(s) for s in plan_shards({shard.account: regions}, specs)]
        # Saved before the discovery shard completes: the run never looks finished between.
        store_runs.save_shards(self.db, shard.run_id, planned)
        self.before_finish(shard)
        outcome = complete_shard(self.db, shard, claim=shard.attempts)
        log.info("account %s: %d regions, %d shards", shard.account, len(regions), len(planned))
        return ShardResult(shard, True, outcome, planned=len(planned))

    def _collect(self, shard: ShardRow) -> ShardResult:
        spec = get_specs([shard.type])[0]
        finished_listing = shard.pages > 0 and shard.page_token is None
        unusable = foreign = 0
        if not finished_listing:
            session = self._session(shard.account)
            regions = frozenset(shard.regions) if shard.regions is not None else None
            pages = get_pages(
                spec, session, shard.region, start_token=shard.page_token, regions=regions
            )
            for page in pages:
                found = normalize_page(
                    spec,
                    shard.account,
                    (
                        (item.region, item.data, [r.as_record() for r in item.refused])
                        for item in page.items
                    ),
                    session.partition,
                )
                for reason in found.unusable:
                    log.warning("shard %s: %s; skipped", shard.key, reason)
                unusable += len(found.unusable)
                foreign += len(found.foreign)
                store_runs.save_page(
                    self.db,
                    shard.id,
                    found.records,
                    page.next_token,
                    claim=shard.attempts,
                    unusable=len(found.unusable),
                    foreign=len(found.foreign),
                )
        if foreign:
            # TODO(relationships): record the participant's view of a shared resource as an
            # edge to its owner's record, once records carry relationships.
            log.info("shard %s: %d items owned by other accounts, left to them", shard.key, foreign)
        self.before_finish(shard)
        outcome = complete_shard(self.db, shard, claim=shard.attempts)
        log.debug(
            "shard %s ok: %d resources, %d created, %d modified, %d deleted",
            shard.key,
            outcome.resources,
            outcome.created,
            outcome.modified,
            outcome.deleted,
        )
        return ShardResult(shard, True, outcome, unusable=unusable, foreign=foreign)


def weight(shard: ShardRow) -> int:
    """Shards whose types make a call per item take longest under rate limits."""
    if shard.type == DISCOVERY_TYPE:
        return 0
    return 1 + len(get_specs([shard.type])[0].details)


def account_of(shard: ShardRow) -> str:
    return shard.account


def new_shard(planned: Any) -> NewShard:
    return NewShard(planned.account, planned.region, planned.type, planned.regions)
