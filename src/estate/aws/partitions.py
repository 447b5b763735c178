"""AWS partitions (aws, aws-cn, aws-us-gov, ...): which one a region or an ARN is in, its
regions, and where its global services answer. Pure over botocore's endpoint data, which the
default arguments read once (from the installed botocore, no network)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import botocore.loaders

from estate.errors import InputError

DEFAULT_PARTITION = "aws"
# Where a partition's non-global services are called when no region is given: the region
# that signs its IAM calls (us-east-1, cn-north-1, us-gov-west-1).
ANCHOR_SERVICE = "iam"

Endpoints = Mapping[str, Any]


@functools.cache
def endpoint_data() -> Endpoints:
    """botocore's endpoints.json. Reads it (once)."""
    data: Endpoints = botocore.loaders.create_loader().load_data("endpoints")
    return data


def _partitions(data: Endpoints | None) -> list[Mapping[str, Any]]:
    return list((endpoint_data() if data is None else data).get("partitions", []))


def _partition(name: str, data: Endpoints | None) -> Mapping[str, Any]:
    for partition in _partitions(data):
        if partition["partition"] == name:
            return partition
    known = ", ".join(p["partition"] for p in _partitions(data))
    raise InputError(f"not an AWS partition: {name!r} (known: {known})")


def partition_names(data: Endpoints | None = None) -> list[str]:
    return [p["partition"] for p in _partitions(data)]


def partition_of_region(region: str, data: Endpoints | None = None) -> str:
    """The partition a region belongs to: listed there, else matching its region pattern
    (a region newer than botocore); `aws` for anything else (the `global` pseudo-region)."""
    partitions = _partitions(data)
    for partition in partitions:
        if region in partition.get("regions", {}):
            return str(partition["partition"])
    for partition in partitions:
        pattern = partition.get("regionRegex")
        if pattern and re.match(pattern, region):
            return str(partition["partition"])
    return DEFAULT_PARTITION


def partition_of_arn(arn: str) -> str:
    """The partition an ARN names (`arn:aws-cn:iam::…` → aws-cn); InputError when the text
    is not an ARN."""
    parts = (arn or "").split(":", 2)
    if len(parts) < 3 or parts[0] != "arn" or not parts[1]:
        raise InputError(f"not an ARN: {arn!r} (expected arn:PARTITION:SERVICE:…)")
    return parts[1]


def regions_of(partition: str, data: Endpoints | None = None) -> list[str]:
    """The regions botocore knows in a partition, sorted."""
    return sorted(_partition(partition, data).get("regions", {}))


def dns_suffix(partition: str, data: Endpoints | None = None) -> str:
    """The domain of a partition's endpoints (amazonaws.com, amazonaws.com.cn, ...)."""
    return str(_partition(partition, data)["dnsSuffix"])


def home_region(
    partition: str, service: str = ANCHOR_SERVICE, data: Endpoints | None = None
) -> str:
    """The region a call to `service` is made in when it has no region of its own: the
    region that signs the partition's global endpoint for it (IAM: cn-north-1 in aws-cn,
    Route 53: cn-northwest-1), else the partition's anchor region (S3 ListBuckets in aws-cn
    goes to cn-north-1)."""
    found = _global_scope(_partition(partition, data), service)
    if found is not None:
        return found
    anchor = _global_scope(_partition(partition, data), ANCHOR_SERVICE)
    if anchor is not None:
        return anchor
    regions = regions_of(partition, data)
    if not regions:
        raise InputError(f"partition {partition} has no regions in this botocore's data")
    return regions[0]


def _global_scope(partition: Mapping[str, Any], service: str) -> str | None:
    """The signing region of a service's partition-wide endpoint, or None."""
    entry = partition.get("services", {}).get(service, {})
    endpoint_name = entry.get("partitionEndpoint")
    if not endpoint_name:
        return None
    scope = entry.get("endpoints", {}).get(endpoint_name, {}).get("credentialScope", {})
    region = scope.get("region")
    return str(region) if region else None
