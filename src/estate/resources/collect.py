"""The one generic collector: enumerate a spec's items page by page, with per-item details.

`get_pages` does I/O through an AccountSession and raises on failure; it never retries (the
session's clients do) and never turns an error into an empty result.
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
from estate.resources.paging import next_token, paginator_config, token_params
from estate.resources.spec import GLOBAL_REGION, HOME_REGION, Detail, ResourceSpec

log = logging.getLogger(__name__)

DETAIL_WORKERS = 4


class Caller(Protocol):
    account_id: str

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RawItem:
    """One API item (with its details merged in) and the region it truly lives in."""

    region: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Page:
    items: list[RawItem]
    next_token: str | None


def call_region(spec: ResourceSpec, shard_region: str) -> str:
    """The region a shard's list call is made in (a global type's calls go to its home region)."""
    return HOME_REGION if shard_region == GLOBAL_REGION else shard_region


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
    region = call_region(spec, shard_region)
    config = paginator_config(spec.service, spec.operation)
    token = start_token
    seen_tokens: set[str] = set()
    while True:
        params = {**spec.params, **token_params(config, token)}
        response = session.call(spec.service, region, spec.operation, **params)
        new_token = next_token(config, response)
        if new_token is not None and (new_token == token or new_token in seen_tokens):
            # An emulator (or a bug) handing back a token we already used would loop forever.
            log.warning("%s %s: paginator repeated a token; stopping", spec.type, region)
            new_token = None

        def enrich(value: Any) -> RawItem | None:
            data = {spec.item_key: value} if spec.item_key else dict(value)
            return _with_details(spec, session, region, shard_region, data, regions)

        found = mapper(enrich, spec.items_in(response))
        yield Page([item for item in found if item is not None], new_token)
        if new_token is None:
            return
        seen_tokens.add(new_token)
        token = new_token


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
    for detail in spec.details:
        if not detail.regional and not _apply_detail(detail, spec, session, region, data):
            return None
    true_region = spec.region_of(data) if spec.region_of else shard_region
    if spec.region_of and regions is not None and true_region not in regions:
        return None
    for detail in spec.details:
        if detail.regional and not _apply_detail(detail, spec, session, true_region, data):
            return None
    return RawItem(true_region, data)


def _apply_detail(
    detail: Detail, spec: ResourceSpec, session: Caller, region: str, data: dict[str, Any]
) -> bool:
    params = {**detail.constants}
    params.update({name: jmespath.search(path, data) for name, path in detail.params.items()})
    try:
        value = _detail_result(detail, spec, session, region, params)
    except ClientError as exc:
        code = error_code(exc)
        if code in detail.missing:
            data[detail.into] = detail.default
            return True
        if classify(exc) == ErrorKind.NOT_FOUND:
            log.info("%s %s: gone before %s; skipped", spec.type, params, detail.operation)
            return False
        raise
    data[detail.into] = value
    return True


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
            log.warning("%s %s: paginator repeated a token; stopping", spec.type, detail.operation)
            return collected
        seen.add(token)


def item_path(data: Mapping[str, Any], path: str) -> Any:
    return jmespath.search(path, data)
