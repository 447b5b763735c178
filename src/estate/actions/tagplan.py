"""Pure: a bulk tag change, its checks against AWS's tag rules, and its plan.

The plan turns the resources a selection found into items, one per resource, with the exact
change each needs (what it already has is left out; a resource that needs nothing is kept as
unchanged). Items are grouped per (account, region, API) and sent in batches of items that need
the same change, as many per call as the API takes. `batch_stream` is what the runner sends
with, so the planned number of calls is the number a fresh job makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from estate.errors import InputError
from estate.inventory.retag import apply_tags
from estate.resources.registry import REGISTRY, get_spec
from estate.resources.spec import TAGGING_API, TAGGING_SERVICE, ResourceSpec, TagWrite

T = TypeVar("T")

# AWS's tag rules (the same for every service estate tags).
MAX_TAGS = 50  # per resource; tags with the aws: prefix do not count
MAX_KEY = 128
MAX_VALUE = 256
RESERVED_PREFIX = "aws:"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class TagChange:
    """Tags to write (key → value) and keys to remove."""

    set: Mapping[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.set and not self.unset

    def apply(self, tags: Mapping[str, str]) -> dict[str, str]:
        return apply_tags(tags, self.set, self.unset)

    def needed_by(self, tags: Mapping[str, str]) -> TagChange:
        """The part of this change a resource with `tags` does not have yet."""
        return TagChange(
            {k: v for k, v in self.set.items() if tags.get(k) != v},
            tuple(k for k in self.unset if k in tags),
        )

    def key(self) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        """Hashable and ordered: items with the same key can share a call."""
        return tuple(sorted(self.set.items())), tuple(sorted(self.unset))

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in sorted(self.set.items())]
        parts += [f"-{k}" for k in sorted(self.unset)]
        return " ".join(parts)

    def plain(self) -> dict[str, Any]:
        return {"set": dict(sorted(self.set.items())), "unset": sorted(self.unset)}

    @classmethod
    def from_plain(cls, data: Mapping[str, Any]) -> TagChange:
        return cls(dict(data.get("set") or {}), tuple(data.get("unset") or ()))


def reserved(key: str) -> bool:
    return key.lower().startswith(RESERVED_PREFIX)


def _check_key(key: str, option: str, text: str) -> None:
    if not key:
        raise InputError(f"{option} {text!r}: the tag key is empty")
    if len(key) > MAX_KEY:
        raise InputError(
            f"{option} {text[:40]!r}…: tag key of {len(key)} characters (AWS allows {MAX_KEY})"
        )
    if reserved(key):
        raise InputError(f"{option} {text!r}: tag keys starting with 'aws:' are reserved for AWS")
    if _CONTROL.search(key):
        raise InputError(f"{option} {text!r}: control characters are not allowed in tag keys")


def parse_tag_change(sets: Sequence[str], unsets: Sequence[str]) -> TagChange:
    """`--set KEY=VALUE` and `--unset KEY` as a TagChange; InputError naming the bad one."""
    wanted: dict[str, str] = {}
    for text in sets:
        key, sep, value = text.partition("=")
        if not sep:
            raise InputError(f"--set {text!r}: expected KEY=VALUE (an empty value is KEY=)")
        _check_key(key, "--set", text)
        if len(value) > MAX_VALUE:
            raise InputError(
                f"--set {key}=…: tag value of {len(value)} characters (AWS allows {MAX_VALUE})"
            )
        if _CONTROL.search(value):
            raise InputError(f"--set {text!r}: control characters are not allowed in tag values")
        if key in wanted and wanted[key] != value:
            raise InputError(f"--set {key}: given twice with different values")
        wanted[key] = value
    removed: list[str] = []
    for key in unsets:
        if "=" in key:
            raise InputError(f"--unset {key!r}: expected a tag KEY (no value)")
        _check_key(key, "--unset", key)
        if key in wanted:
            raise InputError(f"--unset {key}: also given to --set")
        if key not in removed:
            removed.append(key)
    if not wanted and not removed:
        raise InputError("nothing to change: give --set KEY=VALUE and/or --unset KEY")
    if len([k for k in wanted if not reserved(k)]) > MAX_TAGS:
        raise InputError(f"--set: {len(wanted)} tags; AWS allows {MAX_TAGS} per resource")
    return TagChange(dict(sorted(wanted.items())), tuple(sorted(removed)))


# --- which API tags what: read from the specs --------------------------------------------


@dataclass(frozen=True)
class TagApi:
    """A group's API as a plan shows it, derived from the tag writes of the types in the group
    (iam: roles and users). `batch`: resources per call at most."""

    name: str  # the last part of an item group: account/region/NAME
    service: str  # botocore's service name
    batch: int
    set_op: str  # operations joined by "/" when the group's types call different ones
    unset_op: str
    read_op: str | None = None  # S3: read the bucket's tags (GetBucketTagging), write them merged

    @property
    def reads_first(self) -> bool:
        return self.read_op is not None

    def calls(self, change: TagChange) -> int:
        """Calls one batch needing `change` makes (on success, without retries)."""
        if self.reads_first:
            return 2
        return int(bool(change.set)) + int(bool(change.unset))

    def calls_text(self, change: TagChange) -> str:
        """The operations a batch needing `change` calls, joined by "+"."""
        if self.read_op is not None:
            return f"{self.read_op}+{self.set_op}"
        ops = ([self.set_op] if change.set else []) + ([self.unset_op] if change.unset else [])
        return "+".join(ops)


def tag_apis(specs: Iterable[ResourceSpec]) -> dict[str, TagApi]:
    """Pure: the API of every group the taggable specs among `specs` fall in."""
    by_group: dict[str, list[ResourceSpec]] = {}
    for spec in specs:
        if spec.tag_reason() is None:
            by_group.setdefault(spec.tag_group, []).append(spec)
    by_group.setdefault("tagging", [])  # S3's buckets with aws: tags fall back to it

    def ops(writes: list[TagWrite], attr: str, default: str) -> str:
        return "/".join(sorted({getattr(w, attr) for w in writes})) or default

    apis = {}
    for name, members in by_group.items():
        writes = [s.tag_write for s in members] or [TAGGING_API]
        apis[name] = TagApi(
            name=name,
            service=members[0].tag_service if members else TAGGING_SERVICE,
            batch=min(w.batch for w in writes),
            set_op=ops(writes, "set_op", TAGGING_API.set_op),
            unset_op=ops(writes, "unset_op", TAGGING_API.unset_op),
            read_op=next((w.read_op for w in writes if w.style == "merged"), None),
        )
    return apis


APIS: dict[str, TagApi] = tag_apis(REGISTRY.values())


def untaggable_reason(spec: ResourceSpec) -> str | None:
    """Why estate cannot tag resources of this type, or None when it can."""
    return spec.tag_reason()


def api_for(spec: ResourceSpec) -> TagApi:
    return APIS[spec.tag_group]


def check_taggable(spec: ResourceSpec) -> TagApi:
    reason = untaggable_reason(spec)
    if reason is not None:
        raise InputError(f"{spec.type} cannot be tagged by estate: {reason}")
    return api_for(spec)


def config_source(write: TagWrite) -> str | None:
    """The config key a write names its resource by ("config.QueueUrl": QueueUrl), or None."""
    prefix, sep, key = write.source.partition(".")
    return key if sep and prefix == "config" else None


def tag_config_keys(specs: Iterable[ResourceSpec]) -> tuple[str, ...]:
    """The config keys the tag writes of `specs` name resources by: what a plan must load."""
    keys = {config_source(s.tag_write) for s in specs if s.tag_reason() is None}
    return tuple(sorted(k for k in keys if k))


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedItem:
    """One resource and the change it needs (empty: it already is as desired)."""

    arn: str
    type: str
    account: str
    region: str
    id: str
    api: str
    change: TagChange
    name_from_tag: bool = False  # its name is its Name tag (kept true in the inventory)
    # The config value the type's tag write names the resource by (an SQS queue's URL); kept
    # under "url" in job payloads, as jobs planned before always had it.
    url: str | None = None

    @property
    def grp(self) -> str:
        return f"{self.account}/{self.region}/{self.api}"

    @property
    def unchanged(self) -> bool:
        return self.change.empty

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "account": self.account,
            "region": self.region,
            "id": self.id,
            **self.change.plain(),
        }
        if self.name_from_tag:
            data["name_from_tag"] = True
        if self.url:
            data["url"] = self.url
        return data

    @classmethod
    def from_payload(cls, arn: str, grp: str, data: Mapping[str, Any]) -> PlannedItem:
        return cls(
            arn=arn,
            type=data["type"],
            account=data["account"],
            region=data["region"],
            id=data["id"],
            api=grp.rsplit("/", 1)[-1],
            change=TagChange.from_plain(data),
            name_from_tag=bool(data.get("name_from_tag")),
            url=data.get("url"),
        )

    def record(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "type": self.type,
            "account": self.account,
            "region": self.region,
            "id": self.id,
            "group": self.grp,
            "action": "unchanged" if self.unchanged else "change",
            **self.change.plain(),
        }


@dataclass(frozen=True)
class GroupPlan:
    grp: str
    account: str
    region: str
    api: str
    resources: int  # to change
    unchanged: int
    calls: int


@dataclass(frozen=True)
class TagPlan:
    change: TagChange
    items: tuple[PlannedItem, ...]  # in the order they are sent: group, change, ARN
    batch_size: int | None = None
    excluded: Mapping[str, int] = field(default_factory=dict)  # untaggable type → resources
    over_limit: tuple[tuple[str, int], ...] = ()  # (ARN, tags it would have)

    @property
    def to_change(self) -> list[PlannedItem]:
        return [i for i in self.items if not i.unchanged]

    @property
    def unchanged(self) -> list[PlannedItem]:
        return [i for i in self.items if i.unchanged]

    def groups(self) -> list[GroupPlan]:
        by_group: dict[str, list[PlannedItem]] = {}
        for item in self.items:
            by_group.setdefault(item.grp, []).append(item)
        out = []
        for grp, items in sorted(by_group.items()):
            first = items[0]
            work = [i for i in items if not i.unchanged]
            out.append(
                GroupPlan(
                    grp=grp,
                    account=first.account,
                    region=first.region,
                    api=first.api,
                    resources=len(work),
                    unchanged=len(items) - len(work),
                    calls=planned_calls(work, APIS[first.api], self.batch_size),
                )
            )
        return out

    @property
    def calls(self) -> int:
        return sum(g.calls for g in self.groups())

    @property
    def accounts(self) -> list[str]:
        return sorted({i.account for i in self.to_change})


def batch_limit(api: TagApi, batch_size: int | None) -> int:
    return max(1, min(api.batch, batch_size or api.batch))


def batch_key(item: PlannedItem) -> Hashable:
    """Items that share a call: the same change, written the same way (a group may hold types
    whose writes differ, e.g. IAM roles and users)."""
    return get_spec(item.type).tag_write, item.change.key()


def batch_stream(items: Iterable[T], key: Callable[[T], Hashable], limit: int) -> Iterator[list[T]]:
    """Batches of at most `limit` items sharing a key, each yielded as soon as it is full, the
    partial ones at the end in the order their keys first came. Every item exactly once."""
    open_batches: dict[Hashable, list[T]] = {}
    for item in items:
        batch = open_batches.setdefault(key(item), [])
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            del open_batches[key(item)]
    yield from (b for b in open_batches.values() if b)


def planned_calls(items: Sequence[PlannedItem], api: TagApi, batch_size: int | None) -> int:
    """Calls sending `items` (of one group, in order) makes when nothing fails."""
    limit = batch_limit(api, batch_size)
    return sum(api.calls(b[0].change) for b in batch_stream(items, batch_key, limit))


def _sort_key(item: PlannedItem) -> tuple[Any, ...]:
    return item.grp, item.change.key(), item.arn


def plan_tags(
    resources: Iterable[Mapping[str, Any]],
    change: TagChange,
    specs: Callable[[str], ResourceSpec],
    batch_size: int | None = None,
) -> TagPlan:
    """The plan for `change` over inventory records (`estate ls --format json` records).
    Types estate cannot tag are counted in `excluded`; resources that would end with more tags
    than AWS allows are listed in `over_limit` (the plan must not be applied then)."""
    items: list[PlannedItem] = []
    excluded: dict[str, int] = {}
    over: list[tuple[str, int]] = []
    for rec in resources:
        spec = specs(rec["type"])
        if untaggable_reason(spec) is not None:
            excluded[spec.type] = excluded.get(spec.type, 0) + 1
            continue
        tags: Mapping[str, str] = rec["tags"] or {}
        needed = change.needed_by(tags)
        counted = len([k for k in needed.apply(tags) if not reserved(k)])
        if counted > MAX_TAGS and counted > len([k for k in tags if not reserved(k)]):
            over.append((rec["arn"], counted))
        config = rec.get("config") or {}
        key = config_source(spec.tag_write)
        items.append(
            PlannedItem(
                arn=rec["arn"],
                type=spec.type,
                account=rec["account"],
                region=rec["region"],
                id=rec["id"],
                api=spec.tag_group,
                change=needed,
                name_from_tag=spec.name is None,
                url=config.get(key) if key else None,
            )
        )
    items.sort(key=_sort_key)
    return TagPlan(change, tuple(items), batch_size, dict(sorted(excluded.items())), tuple(over))
