"""Which regions an account can use: DescribeRegions, enabled ones, in the account's partition."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Collection, Iterable
from typing import Any

from estate.aws.partitions import (
    DEFAULT_PARTITION,
    home_region,
    partition_names,
    partition_of_region,
    regions_of,
)

ENABLED = frozenset({"opt-in-not-required", "opted-in"})

# (session) -> region names; injectable so tests and emulators can supply a list.
RegionDiscovery = Callable[[Any], list[str]]


def enabled_regions(regions: list[dict[str, Any]], partition: str = DEFAULT_PARTITION) -> list[str]:
    """Pure: the enabled regions of a DescribeRegions answer, in one partition, sorted."""
    return sorted(
        r["RegionName"]
        for r in regions
        if r.get("OptInStatus", "opt-in-not-required") in ENABLED
        and partition_of_region(r["RegionName"]) == partition
    )


def discover_regions(session: Any) -> list[str]:
    """The enabled regions of the session's account, asked in its partition (an aws-cn
    account's EC2 answers in cn-north-1). Does I/O (EC2 DescribeRegions)."""
    partition = session.partition
    answer = session.call("ec2", home_region(partition, "ec2"), "DescribeRegions", AllRegions=True)
    return enabled_regions(answer.get("Regions", []), partition)


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in the installed botocore's endpoint data. Reads it."""
    return frozenset(r for p in partition_names() for r in regions_of(p))


def unknown_regions(
    regions: Iterable[str], allowed: Collection[str] = (), known: Collection[str] | None = None
) -> list[str]:
    """One message per region that is neither known (default: botocore's) nor `allowed`,
    naming the closest real ones. Pure but for the default `known`."""
    known = known_regions() if known is None else known
    messages = []
    for region in regions:
        if region in known or region in allowed:
            continue
        close = difflib.get_close_matches(region, sorted(known), n=3, cutoff=0.6)
        hint = f"closest: {', '.join(close)}; " if close else ""
        messages.append(
            f"{region!r} is not a region this botocore knows ({hint}one newer than botocore "
            f"can be allowed with allow_regions: [{region}] or ESTATE_ALLOW_REGIONS={region})"
        )
    return messages
