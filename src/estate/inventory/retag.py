"""Pure: a resource's tags and name after a tag change, as a collection would then see them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def apply_tags(
    tags: Mapping[str, str], set_: Mapping[str, str], unset: Iterable[str]
) -> dict[str, str]:
    """`tags` with `set_` written over them and `unset` removed, sorted by key as normalized
    records keep them."""
    gone = set(unset)
    after = {k: v for k, v in {**tags, **set_}.items() if k not in gone}
    return dict(sorted(after.items()))


def name_after(name_from_tag: bool, tags: Mapping[str, str], res_id: str, name: str) -> str:
    """A resource's name once its tags are `tags`: types without a name field take the tag
    "Name", else the id (as normalize_resource does); the others keep theirs."""
    if not name_from_tag:
        return name
    return tags.get("Name") or res_id
