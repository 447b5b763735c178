"""Pure planning: config and discovered facts in, shards out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from estate.aws.partitions import partition_of_region
from estate.resources.spec import GLOBAL_REGION, ResourceSpec

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """An account to collect, and how to act in it (None: the base credentials directly)."""

    account_id: str
    name: str | None
    role_arn: str | None
    partition: str = "aws"  # where its global calls go and its ARNs start (aws-cn, ...)


@dataclass(frozen=True, order=True)
class PlannedShard:
    account: str
    region: str
    type: str
    regions: tuple[str, ...] | None = None  # a global type with a true region keeps these

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}/{self.type}"


def regions_by_target(targets: Sequence[Target], regions: Sequence[str]) -> dict[str, list[str]]:
    """Each account's share of the configured regions: those of its partition (an aws-cn
    account is not asked about eu-west-1, nor an aws one about cn-north-1)."""
    return {
        t.account_id: [r for r in regions if partition_of_region(r) == t.partition] for t in targets
    }


def plan_shards(
    regions_by_account: Mapping[str, Sequence[str]], specs: Sequence[ResourceSpec]
) -> list[PlannedShard]:
    """One shard per (account, region, regional type) and per (account, global type).

    A global type whose resources have a true region (S3) carries the account's regions,
    so it keeps, and may only delete, resources in those regions.
    """
    planned: list[PlannedShard] = []
    for account, regions in regions_by_account.items():
        ordered = tuple(sorted(set(regions)))
        for spec in specs:
            if spec.is_global:
                keep = ordered if spec.region_of else None
                planned.append(PlannedShard(account, GLOBAL_REGION, spec.type, keep))
            else:
                planned += [PlannedShard(account, region, spec.type) for region in ordered]
    return planned


def schedule(
    shards: Sequence[T], account: Callable[[T], str], weight: Callable[[T], int]
) -> list[T]:
    """The order to start shards in: within an account the heaviest first (a shard that makes
    a call per item is bound by its rate limit, so it must start early), and accounts
    interleaved, so every account's slowest buckets start at once. Pure and stable."""
    by_account: dict[str, list[T]] = {}
    for shard in shards:
        by_account.setdefault(account(shard), []).append(shard)
    queues = [sorted(group, key=lambda s: -weight(s)) for group in by_account.values()]
    ordered: list[T] = []
    for rank in range(max((len(q) for q in queues), default=0)):
        ordered += [q[rank] for q in queues if rank < len(q)]
    return ordered


def merge_targets(
    explicit: Sequence[Target],
    discovered: Sequence[Target],
    *,
    excluded: Sequence[str] = (),
    only: Sequence[str] = (),
) -> list[Target]:
    """Explicit accounts win over discovered ones with the same id; then filters apply."""
    by_id: dict[str, Target] = {t.account_id: t for t in discovered}
    by_id.update({t.account_id: t for t in explicit})
    chosen = [t for t in by_id.values() if t.account_id not in set(excluded)]
    if only:
        chosen = [t for t in chosen if t.account_id in set(only)]
    return sorted(chosen, key=lambda t: t.account_id)
