"""Pure: the checkpoint of a child type's listing (listeners per load balancer) as one page
token, so a shard's existing `page_token` resumes a two-level listing exactly where it was.

A cursor says where the next child page is: the token that asked for the parent page holding
the current parent (None: the first parent page), which parent of that page (its position,
and its request parameters to find it again if the page moved), and the child's own token
for that parent (None: its first child page).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from estate.errors import InputError

# A composite token is JSON with this marker, so it is never read as a plain token (or the
# other way round) when a type becomes a child type between a run and its resume.
MARKER = "estate-child-cursor"
VERSION = 1


@dataclass(frozen=True)
class ChildCursor:
    parent_token: str | None = None
    index: int = 0
    parent: Mapping[str, Any] = field(default_factory=dict)  # the child's params for it
    child_token: str | None = None


START = ChildCursor()


def encode_cursor(cursor: ChildCursor) -> str:
    """The cursor as one string for the shard's `page_token`."""
    return json.dumps(
        {
            MARKER: VERSION,
            "parent_token": cursor.parent_token,
            "index": cursor.index,
            "parent": dict(cursor.parent),
            "child_token": cursor.child_token,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def decode_cursor(token: str | None) -> ChildCursor:
    """The cursor a `page_token` holds (START for None); InputError for a token that is not
    one of ours, since resuming from a guess would skip or repeat parents."""
    if token is None:
        return START
    try:
        data = json.loads(token)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get(MARKER) != VERSION:
        raise InputError(f"not a child listing checkpoint: {token[:120]!r}")
    index = data.get("index")
    parent = data.get("parent")
    if not isinstance(index, int) or index < 0 or not isinstance(parent, dict):
        raise InputError(f"a child listing checkpoint without its parent: {token[:120]!r}")
    return ChildCursor(data.get("parent_token"), index, parent, data.get("child_token"))


def resume_position(cursor: ChildCursor, parents: Sequence[Mapping[str, Any]]) -> int:
    """Where in a re-read parent page (each parent as the child's params for it) the cursor's
    parent is: found by its params where the page moved, else the saved position (the parent
    there now follows the one that vanished, which a resume must not skip)."""
    if cursor.index < len(parents) and parents[cursor.index] == cursor.parent:
        return cursor.index
    for position, params in enumerate(parents):
        if params == cursor.parent:
            return position
    return min(cursor.index, len(parents))


def next_cursor(
    parent_token: str | None,
    index: int,
    parent: Mapping[str, Any],
    child_token: str | None,
    *,
    parents_on_page: int,
    next_parent_page: str | None,
    following: Mapping[str, Any] | None,
) -> ChildCursor | None:
    """The cursor after a child page: the same parent's next child page, else the next parent
    of this page (`following`, its params), else the next parent page; None at the end."""
    if child_token is not None:
        return ChildCursor(parent_token, index, parent, child_token)
    if index + 1 < parents_on_page:
        return ChildCursor(parent_token, index + 1, following or {}, None)
    if next_parent_page is not None:
        return ChildCursor(next_parent_page, 0, {}, None)
    return None
