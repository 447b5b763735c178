"""The one generic collector: enumerate a spec's items page by page, with per-item details.

`get_pages` does I/O through an AccountSession and raises on failure; it never retries (the
session's clients do) and never turns an error into an empty result. A per-item call that is
refused (denied, or throttled past the retry budget) does not fail the listing: the listing is
the truth about existence, so the item is kept, without that call's fields, as incomplete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import jmespath
from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify, error_code
from estate.aws.partitions import home_region
from estate.resources.paging import RepeatedPageToken, next_token, paginator_config, token_params
from estate.resources.spec import GLOBAL_REGION, Detail, ResourceSpec

log = logging.getLogger(__name__)

DETAIL_WORKERS = 4


class Caller(Protocol):
    account_id: str

    @property
    def partition(self) -> str: ...

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]: ...


# What classify() calls these, a per-item call answering them leaves its item incomplete.
REFUSALS = frozenset({ErrorKind.DENIED, ErrorKind.THROTTLED})


@dataclass(frozen=True)
class Refusal:
    """A per-item call that was refused: `call` is its IAM-style name (s3:GetBucketTagging),
    `fields` the record fields it would have given ("tags", "name", or a config key)."""

    call: str
    code: str
    fields: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        return {"call": self.call, "code": self.code, "fields": list(self.fields)}


@dataclass(frozen=True)
class RawItem:
    """One API item (with its details merged in) and the region it truly lives in; `refused`
    names the detail calls that were refused for it (then it lacks their fields)."""

    region: str
    data: dict[str, Any]
    refused: tuple[Refusal, ...] = ()


@dataclass(frozen=True)
class Page:
    items: list[RawItem]
    next_token: str | None


def call_region(spec: ResourceSpec, shard_region: str, partition: str) -> str:
    """The region a shard's list call is made in: a global type's calls go to its service's
    home region in the account's partition (IAM in aws-cn: cn-north-1), not us-east-1."""
    return home_region(partition, spec.service) if shard_region == GLOBAL_REGION else shard_region


def get_pages(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    *,
    start_token: str | None = None,
    regions: frozenset[str] | None = None,
    detail_workers: int = DETAIL_WORKERS,
) -> Iterator[Page]:
    """Yield the pages of one shard, from `start_token`. Does I/O.

    For a global type with a true region (S3), only items in `regions` are kept. A page's
    per-item detail calls run `detail_workers` at a time: one after another, a call's
    latency, not the API's rate limit, would set the pace (the shared limiter still does).
    """
    if spec.details and detail_workers > 1:
        with ThreadPoolExecutor(detail_workers, thread_name_prefix="estate-detail") as pool:
            yield from _pages(spec, session, shard_region, start_token, regions, pool.map)
    else:
        yield from _pages(spec, session, shard_region, start_token, regions, map)


def _pages(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    start_token: str | None,
    regions: frozenset[str] | None,
    mapper: Callable[..., Iterable[RawItem | None]],
) -> Iterator[Page]:
    region = call_region(spec, shard_region, session.partition)
    config = paginator_config(spec.service, spec.operation)
    token = start_token
    seen_tokens: set[str] = set() if token is None else {token}
    pages = 0  # pages read by this call before the current one
    while True:
        params = {**spec.params, **token_params(config, token)}
        response = session.call(spec.service, region, spec.operation, **params)
        new_token = next_token(config, response)
        if new_token is not None and new_token in seen_tokens:
            # Neither loop forever nor stop as if the list had ended: the shard fails before
            # this page is saved, so it keeps its checkpoint and a resume asks again.
            what = f"{spec.type} {shard_region}"
            raise RepeatedPageToken(what, spec.operation, new_token, pages + 1)

        def enrich(value: Any) -> RawItem | None:
            data = {spec.item_key: value} if spec.item_key else dict(value)
            return _with_details(spec, session, region, shard_region, data, regions)

        found = mapper(enrich, spec.items_in(response))
        yield Page([item for item in found if item is not None], new_token)
        if new_token is None:
            return
        seen_tokens.add(new_token)
        token = new_token
        pages += 1


def _with_details(
    spec: ResourceSpec,
    session: Caller,
    region: str,
    shard_region: str,
    data: dict[str, Any],
    regions: frozenset[str] | None,
) -> RawItem | None:
    """The item with its details, or None when it vanished meanwhile or is out of scope."""
    if spec.derive:
        data.update(spec.derive(data))
    refused: list[Refusal] = []
    for detail in spec.details:
        if not detail.regional and not _apply_detail(detail, spec, session, region, data, refused):
            return None
    true_region = spec.region_of(data) if spec.region_of else shard_region
    if spec.region_of and regions is not None and true_region not in regions:
        return None
    for detail in spec.details:
        if detail.regional and not _apply_detail(detail, spec, session, true_region, data, refused):
            return None
    return RawItem(true_region, data, tuple(refused))


def _apply_detail(
    detail: Detail,
    spec: ResourceSpec,
    session: Caller,
    region: str,
    data: dict[str, Any],
    refused: list[Refusal],
) -> bool:
    """Merge one detail into the item; False when the item vanished meanwhile. A refused call
    is appended to `refused` and leaves the item without its fields. Does I/O."""
    params = {**detail.constants}
    params.update({name: jmespath.search(path, data) for name, path in detail.params.items()})
    try:
        value = _detail_result(detail, spec, session, region, params)
    except ClientError as exc:
        code = error_code(exc)
        if code in detail.missing:
            data[detail.into] = detail.default
            return True
        kind = classify(exc)
        if kind == ErrorKind.NOT_FOUND:
            log.info("%s %s: gone before %s; skipped", spec.type, params, detail.operation)
            return False
        if kind in REFUSALS:
            refusal = Refusal(detail_call(spec, detail), code, detail_fields(spec, detail))
            log.info("%s %s: %s on %s; incomplete", spec.type, params, code, refusal.call)
            refused.append(refusal)
            return True
        raise
    data[detail.into] = value
    return True


def detail_call(spec: ResourceSpec, detail: Detail) -> str:
    """A detail call's name as IAM and users know it, e.g. s3:GetBucketTagging."""
    return detail.iam_action or f"{spec.service}:{detail.operation}"


def detail_fields(spec: ResourceSpec, detail: Detail) -> tuple[str, ...]:
    """The record fields a detail gives: its tags (and the name, when that is the Name tag)
    when it fills the spec's tags, else the config key it is stored under."""
    if spec.tags is not None and detail.into == spec.tags:
        return ("tags",) if spec.name else ("tags", "name")
    return (detail.into,)


def _detail_result(
    detail: Detail, spec: ResourceSpec, session: Caller, region: str, params: dict[str, Any]
) -> Any:
    """A detail's result; a list result is read to its last page (tags come 10 at a time from
    DynamoDB). Does I/O."""
    config = paginator_config(spec.service, detail.operation) if detail.result else None
    collected: list[Any] = []
    token: str | None = None
    seen: set[str] = set()
    while True:
        response = session.call(
            spec.service, region, detail.operation, **{**params, **token_params(config, token)}
        )
        response.pop("ResponseMetadata", None)
        value = jmespath.search(detail.result, response) if detail.result else response
        if not isinstance(value, list):
            return collected if token is not None else value
        collected += value
        token = next_token(config, response)
        if token is None:
            return collected
        if token in seen:
            # A detail cut short (an item's tags) would be stored as the whole of it.
            raise RepeatedPageToken(
                f"{spec.type} {region} {params}", detail.operation, token, len(seen) + 1
            )
        seen.add(token)


def item_path(data: Mapping[str, Any], path: str) -> Any:
    return jmespath.search(path, data)
