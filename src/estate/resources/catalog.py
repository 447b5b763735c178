"""Pure: what `estate types` says about each type, read from its spec alone: where it is
listed, how its tags are read and written, what it relates to, whether tests run it on moto."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from estate.resources.spec import ResourceSpec


def tag_write_text(spec: ResourceSpec) -> str:
    """How `estate tag` writes the type's tags, in words."""
    reason = spec.tag_reason()
    if reason is not None:
        return f"not taggable: {reason}"
    write = spec.tag_write
    if write.style == "tagging-api":
        return f"tagging API: TagResources, {write.batch} per call"
    if write.style == "merged":
        return f"{write.read_op}+{write.set_op} (merged with the tags there)"
    per = f", {write.batch} per call" if write.batch > 1 else ""
    return f"{write.set_op}/{write.unset_op}{per}"


def describe_type(spec: ResourceSpec) -> dict[str, Any]:
    """One type as a record (every value JSON-ready)."""
    read = spec.tag_read()
    return {
        "type": spec.type,
        "service": spec.service,
        "scope": spec.scope,
        "parent": spec.parent.type if spec.parent else None,
        "list_call": f"{spec.service}:{spec.operation}",
        "detail_calls": [d.operation for d in spec.details],
        "tags_read": read.describe(),
        "tags_write": tag_write_text(spec),
        "taggable": spec.tag_reason() is None,
        "relations": [{"kind": r.kind, "type": r.target} for r in spec.relations],
        "emulated": spec.emulated,
        "iam_actions": spec.iam_actions(),
        "tag_iam_actions": spec.tag_iam_actions(),
    }


def table_row(record: dict[str, Any]) -> dict[str, Any]:
    """The short form a table shows of a record from describe_type."""
    calls = [record["list_call"].split(":", 1)[1], *record["detail_calls"]]
    kinds = sorted({r["kind"] for r in record["relations"]})
    return {
        "type": record["type"],
        "scope": (
            f"{record['scope']}, per {record['parent']}" if record["parent"] else record["scope"]
        ),
        "calls": " + ".join(calls),
        "tags read": record["tags_read"],
        "tags written": record["tags_write"] if record["taggable"] else "not taggable",
        "relations": ", ".join(kinds),
        "moto": "yes" if record["emulated"] else "model",
    }


def catalog(specs: Iterable[ResourceSpec]) -> list[dict[str, Any]]:
    return [describe_type(spec) for spec in specs]
