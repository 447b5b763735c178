"""How users name a run or a job on the command line: an id, or 'last'. Pure."""

from __future__ import annotations

from estate.errors import InputError


def parse_ref(ref: str | int | None, noun: str) -> int | None:
    """The id `ref` names, or None for the newest ('last' or nothing). InputError otherwise."""
    if ref in (None, "last"):
        return None
    try:
        return int(ref)  # type: ignore[arg-type]
    except ValueError:
        raise InputError(f"not a {noun} id: {ref!r} (a number, or 'last')") from None
