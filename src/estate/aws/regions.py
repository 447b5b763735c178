"""Which regions an account can use: DescribeRegions, enabled ones, in the aws partition."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Collection, Iterable
from typing import Any

import botocore.loaders

from estate.inventory.normalize import partition_for

ENABLED = frozenset({"opt-in-not-required", "opted-in"})

# (session) -> region names; injectable so tests and emulators can supply a list.
RegionDiscovery = Callable[[Any], list[str]]


def enabled_regions(regions: list[dict[str, Any]], partition: str = "aws") -> list[str]:
    """Pure: the enabled regions of a DescribeRegions answer, in one partition, sorted."""
    return sorted(
        r["RegionName"]
        for r in regions
        if r.get("OptInStatus", "opt-in-not-required") in ENABLED
        and partition_for(r["RegionName"]) == partition
    )


def discover_regions(session: Any) -> list[str]:
    """The enabled regions of the session's account. Does I/O (EC2 DescribeRegions)."""
    answer = session.call("ec2", "us-east-1", "DescribeRegions", AllRegions=True)
    return enabled_regions(answer.get("Regions", []))


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in the installed botocore's endpoint data. Reads it."""
    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    return frozenset(r for p in endpoints.get("partitions", []) for r in p.get("regions", {}))


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
