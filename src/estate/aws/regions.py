"""Which regions an account can use: DescribeRegions, enabled ones, in the aws partition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
