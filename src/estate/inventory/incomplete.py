"""Pure: resources collected incomplete (a per-item call refused) keep what was known before.

A refused call tells nothing about the fields it would have given, so they stay as last known:
no false "modified", no tags removed because GetBucketTagging was denied this time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from estate.inventory.normalize import content_hash

# Fields of a record (beside its config keys) that a refused call may leave unknown.
RECORD_FIELDS = ("name", "region", "tags")


def keep_known(record: Mapping[str, Any], known: Mapping[str, Any] | None) -> dict[str, Any]:
    """The staged `record` with every field its refused calls would have given taken from
    `known` (the stored resource: name, region, tags, config) and its hash recomputed over
    the result. A record that is complete, or has nothing known, is returned as it is."""
    refused = record.get("incomplete") or []
    if not refused or known is None:
        return dict(record)
    filled = {**record, "config": dict(record["config"])}
    for name in {f for refusal in refused for f in refusal.get("fields", [])}:
        if name in RECORD_FIELDS:
            filled[name] = known[name]
        elif name in known["config"]:
            filled["config"][name] = known["config"][name]
    state = {f: filled[f] for f in RECORD_FIELDS} | filled["config"]
    filled["hash"] = content_hash(state)
    return filled


def reason(refusal: Mapping[str, Any]) -> str:
    """One refusal as users read it: 'AccessDenied on s3:GetBucketTagging'."""
    return f"{refusal['code']} on {refusal['call']}"


def count_incomplete(records: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """{"resources": n, "calls": {reason: n}} over the incomplete records; None if none."""
    resources, calls = 0, Counter[str]()
    for record in records:
        refused = record.get("incomplete") or []
        if refused:
            resources += 1
            calls.update({reason(r) for r in refused})
    if not resources:
        return None
    return {"resources": resources, "calls": dict(sorted(calls.items()))}


def add_counts(total: Mapping[str, Any], more: Mapping[str, Any] | None) -> dict[str, Any]:
    """Two counts of count_incomplete (or a run's sum so far) added up."""
    calls = Counter(total.get("calls", {}))
    calls.update((more or {}).get("calls", {}))
    return {
        "resources": int(total.get("resources", 0)) + int((more or {}).get("resources", 0)),
        "calls": dict(sorted(calls.items())),
    }


def describe_incomplete(count: Mapping[str, Any] | None) -> str:
    """'3 resources incomplete: AccessDenied on s3:GetBucketTagging', or '' when none."""
    if not count or not count.get("resources"):
        return ""
    calls = count.get("calls", {})
    if len(calls) == 1:
        detail = next(iter(calls))
    else:
        detail = ", ".join(f"{r} ({n})" for r, n in calls.items())
    n = count["resources"]
    return f"{n} resource{'s' if n != 1 else ''} incomplete: {detail}"
