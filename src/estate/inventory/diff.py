"""Pure: the field-level difference between two states of a resource, and its kind.

A newer botocore parses members an older one did not know, so every resource of a type would
read as modified after an SDK upgrade. A difference made only of fields the older state did not
have, at any depth (a new key in a nested dict, or in every element of a list of the same
length, element by element), recorded by a different botocore version, is `refreshed`, not
`modified`. An unknown older version (None: stored before versions were) counts as different:
those rows predate the column, and an older SDK is their likeliest story. A removed field or a
changed value is always `modified`, whatever the versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.inventory.changekinds import MODIFIED, REFRESHED
from estate.inventory.normalize import canonical_json, without_unstable

_MISSING = object()


def diff_states(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{dotted.path: {"old": ..., "new": ...}} for every leaf that differs.

    Dicts are compared key by key; lists and scalars as a whole (unordered lists were already
    sorted by normalization, so a list that differs really changed). A key that appears or
    disappears has old or new of None and `"added"`/`"removed"` set. A list that changed also
    says which elements came and went (`"items_added"`, `"items_removed"`), so a new rule in
    a security group reads as that rule, not as two long lists. Unstable fields are not
    compared: they move without the resource changing.
    """
    out: dict[str, dict[str, Any]] = {}
    _walk(without_unstable(old), without_unstable(new), "", out)
    return out


def _walk(old: Any, new: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            _walk(old.get(key, _MISSING), new.get(key, _MISSING), path, out)
        return
    # Equal as JSON, as the hash sees them: Python's 1 == True == 1.0 would hide a change.
    if old is not _MISSING and new is not _MISSING and canonical_json(old) == canonical_json(new):
        return
    entry: dict[str, Any] = {
        "old": None if old is _MISSING else old,
        "new": None if new is _MISSING else new,
    }
    if old is _MISSING:
        entry["added"] = True
    if new is _MISSING:
        entry["removed"] = True
    if isinstance(old, list) and isinstance(new, list):
        entry.update(_item_changes(old, new))
    out[prefix] = entry


def _item_changes(old: list[Any], new: list[Any]) -> dict[str, list[Any]]:
    """Elements only in `new` and only in `old`, counting duplicates (a multiset difference)."""
    remaining: dict[str, int] = {}
    for item in old:
        key = canonical_json(item)
        remaining[key] = remaining.get(key, 0) + 1
    added = []
    for item in new:
        key = canonical_json(item)
        if remaining.get(key, 0):
            remaining[key] -= 1
        else:
            added.append(item)
    left = dict(remaining)
    removed = []
    for item in old:
        key = canonical_json(item)
        if left.get(key, 0):
            left[key] -= 1
            removed.append(item)
    return {"items_added": added, "items_removed": removed}


def changed_fields(diff: Mapping[str, Any]) -> list[str]:
    """The top-level fields a diff touches."""
    return sorted({path.split(".", 1)[0] for path in diff})


def classify_change(
    diff: Mapping[str, Mapping[str, Any]], old_version: str | None, new_version: str | None
) -> str:
    """`refreshed` when every entry of a non-empty diff only adds fields and the botocore
    versions differ (an unknown old version is different), else `modified`."""
    if not diff or (old_version is not None and old_version == new_version):
        return MODIFIED
    return REFRESHED if all(_only_added(entry) for entry in diff.values()) else MODIFIED


def _only_added(entry: Mapping[str, Any]) -> bool:
    if entry.get("removed"):
        return False
    if entry.get("added"):
        return True
    return only_adds(entry["old"], entry["new"])


def only_adds(old: Any, new: Any) -> bool:
    """True when `new` is `old` with keys added somewhere, nothing removed or changed.

    Lists are compared element by element in their order: a list whose elements moved (a new
    member can change the canonical sort of an unordered list) reads as modified, the safe side.
    """
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return all(key in new and only_adds(value, new[key]) for key, value in old.items())
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(only_adds(a, b) for a, b in zip(old, new, strict=True))
    return canonical_json(old) == canonical_json(new)
