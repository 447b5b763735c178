"""Pure: turn a raw API item into a stable Resource record and hash.

The same resource gives the same hash whatever order AWS returned its unordered lists in.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jmespath

from estate.aws.partitions import partition_of_region
from estate.errors import EstateError
from estate.inventory.relations import edges
from estate.resources.spec import ResourceSpec


@dataclass(frozen=True)
class Resource:
    arn: str
    type: str
    account: str
    region: str
    id: str
    name: str
    tags: dict[str, str]
    config: dict[str, Any]
    hash: str
    # Per-item calls refused for it ({"call", "code", "fields"}): it lacks those fields.
    incomplete: list[dict[str, Any]] = field(default_factory=list)
    # Typed edges from its fields ({"kind", "type", "arn"}); they follow from the config, so
    # they are not hashed apart.
    relations: list[dict[str, str]] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        """What a change is computed over: everything that describes the resource."""
        return {"name": self.name, "region": self.region, "tags": self.tags, **self.config}


def to_json_value(value: Any) -> Any:
    """API values (datetimes, bytes, Decimals) as plain JSON values."""
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def normalize_tags(raw: Any) -> dict[str, str]:
    """Tags as a dict, from a dict or a list of {Key, Value} (any capitalisation)."""
    if not raw:
        return {}
    if isinstance(raw, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in raw.items()}
    tags: dict[str, str] = {}
    for entry in raw:
        key = entry.get("Key", entry.get("key", entry.get("TagKey")))
        value = entry.get("Value", entry.get("value", entry.get("TagValue")))
        if key is not None:
            tags[str(key)] = "" if value is None else str(value)
    return tags


def _split_path(path: str) -> list[str]:
    return [p for p in path.split(".") if p]


def _apply_at(node: Any, parts: list[str], fn: Any) -> Any:
    """Apply fn to the value at a dotted path; `name[]` descends into every element of a list."""
    if not parts:
        return fn(node)
    if not isinstance(node, dict):
        return node
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        key = head[:-2]
        if isinstance(node.get(key), list):
            node[key] = [_apply_at(el, rest, fn) for el in node[key]]
        return node
    if head in node:
        if rest:
            node[head] = _apply_at(node[head], rest, fn)
        else:
            node[head] = fn(node[head])
    return node


def _sorted_canonically(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value, key=canonical_json)
    if isinstance(value, str) and "," in value:
        return ",".join(sorted(p.strip() for p in value.split(",")))
    return value


def sort_unordered(config: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """Sort the named unordered lists. Deepest paths first, so inner lists are canonical before
    the outer list is ordered by them."""
    for path in sorted(paths, key=lambda p: -p.count(".")):
        config = _apply_at(config, _split_path(path), _sorted_canonically)
    return config


_DROP = object()


def drop_paths(config: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    for path in paths:
        parts = _split_path(path)
        parent, last = parts[:-1], parts[-1]

        def drop(node: Any, last: str = last) -> Any:
            if isinstance(node, dict):
                node.pop(last, None)
            return node

        config = _apply_at(config, parent, drop) if parent else drop(config)
    return config


# The config key holding a spec's `unstable` fields: stored, but neither hashed nor diffed.
# Lower case and underscored, so no AWS field name can take it.
UNSTABLE = "_unstable"


def content_hash(state: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(without_unstable(state)).encode()).hexdigest()


def without_unstable(state: Mapping[str, Any]) -> dict[str, Any]:
    """A state or config without its unstable fields, as hashes and diffs compare it."""
    return {k: v for k, v in state.items() if k != UNSTABLE}


class UnusableItem(EstateError):
    """An item of a listing that cannot become a record (no id, no ARN): skipped, not fatal."""


def resource_arn(
    spec: ResourceSpec,
    account: str,
    region: str,
    res_id: str,
    data: Any,
    partition: str | None = None,
) -> str:
    """The ARN the answer carries, else the spec's template (older answer shapes lack the
    field) in `partition` (the collecting account's; by default the region's: a global
    record's `global` region names none); UnusableItem when there is neither."""
    found = jmespath.search(spec.arn, data) if spec.arn else None
    if found:
        return str(found)
    if spec.arn_template:
        return spec.arn_template.format(
            partition=partition or partition_of_region(region),
            region=region,
            account=account,
            id=res_id,
        )
    raise UnusableItem(f"{spec.type} {res_id}: the answer has no ARN at {spec.arn!r}")


def owner_of(spec: ResourceSpec, account: str, data: Any) -> str:
    """The account that owns an item: the one the answer names, else the collecting one."""
    found = jmespath.search(spec.owner, data) if spec.owner else None
    return str(found) if found else account


def _template_of(type_name: str) -> str | None:
    from estate.resources.registry import REGISTRY  # the registry imports every spec module

    spec = REGISTRY.get(type_name)
    return spec.arn_template if spec else None


def normalize_resource(
    spec: ResourceSpec,
    account: str,
    region: str,
    data: Any,
    incomplete: Iterable[Mapping[str, Any]] = (),
    partition: str | None = None,
) -> Resource:
    """A Resource from one raw item (details merged in) of `spec`, in its true `region`,
    collected by `account` in `partition` (default: the region's); `incomplete` names the
    per-item calls refused for it. UnusableItem when the item has no id or no ARN."""
    data = to_json_value(copy.deepcopy(dict(data)))
    found_id = jmespath.search(spec.id, data)
    if found_id in (None, ""):
        # Distinct resources would otherwise collide on an id (and ARN) of "None".
        raise UnusableItem(f"{spec.type} in {account} {region}: an item has no id at {spec.id!r}")
    res_id = str(found_id)
    tags = normalize_tags(jmespath.search(spec.tags, data)) if spec.tags else {}
    name = jmespath.search(spec.name, data) if spec.name else tags.get("Name")
    owner = owner_of(spec, account, data)
    arn = resource_arn(spec, owner, region, res_id, data, partition)
    relations = [e.plain() for e in edges(spec, data, owner, region, _template_of, partition)]
    config = data
    if spec.tags:
        config = drop_paths(config, [spec.tags])
    config = drop_paths(config, spec.volatile)
    config = sort_unordered(config, spec.unordered)
    unstable = {key: config.pop(key) for key in spec.unstable if key in config}
    if unstable:
        config[UNSTABLE] = unstable
    resource = Resource(
        arn=arn,
        type=spec.type,
        account=owner,
        region=region,
        id=res_id,
        name=str(name) if name not in (None, "") else res_id,
        tags=dict(sorted(tags.items())),
        config=config,
        hash="",
        incomplete=[dict(refusal) for refusal in incomplete],
        relations=relations,
    )
    return Resource(**{**resource.__dict__, "hash": content_hash(resource.state())})


@dataclass(frozen=True)
class NormalizedPage:
    """A page's records, split by what the collecting account may record."""

    records: list[Resource]  # owned by the collecting account
    # Listed here but owned by another account (a subnet shared through RAM): the owner's
    # own listing records it, so a participant neither copies it nor can mark it deleted.
    foreign: list[Resource]
    unusable: list[str]  # why items were skipped


def normalize_page(
    spec: ResourceSpec,
    account: str,
    items: Iterable[tuple[str, Any, Iterable[Mapping[str, Any]]]],
    partition: str | None = None,
) -> NormalizedPage:
    """Records from one page's (true region, raw item, refused calls) triples, collected in
    `partition`; an unusable item is skipped and named, never raised, so one odd item
    cannot fail a shard."""
    records: list[Resource] = []
    foreign: list[Resource] = []
    unusable: list[str] = []
    for region, data, incomplete in items:
        try:
            record = normalize_resource(spec, account, region, data, incomplete, partition)
        except UnusableItem as exc:
            unusable.append(str(exc))
            continue
        (records if record.account == account else foreign).append(record)
    return NormalizedPage(records, foreign, unusable)
