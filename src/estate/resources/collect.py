"""The one generic collector: enumerate a spec's items page by page, with per-item details.

`get_pages` does I/O through an AccountSession and raises on failure; it never retries (the
session's clients do) and never turns an error into an empty result. A per-item call that is
refused (denied, or throttled past the retry budget) does not fail the listing: the listing is
the truth about existence, so the item is kept, without that call's fields, as incomplete.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import jmespath
from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify, error_code
from estate.aws.partitions import home_region
from estate.inventory.normalize import resource_arn
from estate.resources.cursor import decode_cursor, encode_cursor, next_cursor, resume_position
from estate.resources.paging import RepeatedPageToken, next_token, paginator_config, token_params
from estate.resources.spec import GLOBAL_REGION, ITEM_ARN, Detail, ResourceSpec

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

    A child type (spec.parent) is listed per item of its parent type; its pages' tokens are
    composite (resources.cursor), so a shard resumes inside the parent listing too.
    For a global type with a true region (S3), only items in `regions` are kept. A page's
    per-item detail calls run `detail_workers` at a time: one after another, a call's
    latency, not the API's rate limit, would set the pace (the shared limiter still does).
    """
    pages = _child_pages if spec.parent else _pages
    if spec.details and detail_workers > 1:
        with ThreadPoolExecutor(detail_workers, thread_name_prefix="estate-detail") as pool:
            yield from pages(spec, session, shard_region, start_token, regions, pool.map)
    else:
        yield from pages(spec, session, shard_region, start_token, regions, map)


def _pages(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    start_token: str | None,
    regions: frozenset[str] | None,
    mapper: Callable[..., Iterable[RawItem | None]],
) -> Iterator[Page]:
    region = call_region(spec, shard_region, session.partition)
    config = spec.page_config()
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


def _child_pages(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    start_token: str | None,
    regions: frozenset[str] | None,
    mapper: Callable[..., Iterable[RawItem | None]],
) -> Iterator[Page]:
    """The pages of a child type: for each parent item (paged through the parent type's own
    listing, itself a child listing for a rule's listeners), each page of the child's listing
    for it. Does I/O.

    Every page's token is the cursor of the page after it, so a resume neither re-sends a
    finished parent's child pages nor loses any. A parent gone between the two listings
    (NotFound on the child call) ends its children, not the shard: an empty page moves the
    checkpoint past it.
    """
    assert spec.parent is not None
    parent_spec = lean_parent(spec)
    region = call_region(spec, shard_region, session.partition)
    cursor = decode_cursor(start_token)
    parent_token = cursor.parent_token  # the token that asked for the parent page at hand
    resuming = start_token is not None
    listing = _child_pages if parent_spec.parent else _pages
    for parent_page in listing(parent_spec, session, shard_region, parent_token, None, map):
        parents = [item.data for item in parent_page.items]
        asked = [child_params(spec, parent) for parent in parents]
        start, resumed = 0, None
        if resuming:  # the page the checkpoint is on: from its parent, at its child page
            start = resume_position(cursor, asked)
            if start < len(asked) and asked[start] == cursor.parent:
                resumed = cursor.child_token
            resuming = False
        if start >= len(asked):  # no parents left on this page: the checkpoint moves past it
            after = next_cursor(
                parent_token,
                len(asked),
                {},
                None,
                parents_on_page=len(asked),
                next_parent_page=parent_page.next_token,
                following=None,
            )
            yield Page([], None if after is None else encode_cursor(after))
        for index in range(start, len(asked)):
            yield from _children_of(
                spec,
                session,
                region,
                shard_region,
                regions,
                mapper,
                parent=parents[index],
                at=(parent_token, index, asked),
                child_token=resumed if index == start else None,
                parent_next=parent_page.next_token,
            )
        parent_token = parent_page.next_token


def lean_parent(spec: ResourceSpec) -> ResourceSpec:
    """The parent type of a child type as its children's listing reads it: without the
    per-item calls the child's params do not need (a load balancer's tags cost a call each,
    and its listeners need only its ARN)."""
    from estate.resources.registry import get_spec  # the registry imports every spec module

    assert spec.parent is not None
    parent = get_spec(spec.parent.type)
    needed = {
        p.split(".")[0].split("[")[0]
        for p in (*spec.parent.params.values(), *spec.parent.carry.values())
    }
    details = tuple(d for d in parent.details if d.into in needed)
    return dataclasses.replace(parent, details=details)


def _children_of(
    spec: ResourceSpec,
    session: Caller,
    region: str,
    shard_region: str,
    regions: frozenset[str] | None,
    mapper: Callable[..., Iterable[RawItem | None]],
    *,
    parent: dict[str, Any],
    at: tuple[str | None, int, list[dict[str, Any]]],
    child_token: str | None,
    parent_next: str | None,
) -> Iterator[Page]:
    """The child pages of one parent, from `child_token`, each with its cursor. Does I/O."""
    assert spec.parent is not None
    parent_token, index, asked = at
    config = spec.page_config()
    following = asked[index + 1] if index + 1 < len(asked) else None
    carried = {key: jmespath.search(path, parent) for key, path in spec.parent.carry.items()}

    def cursor_after(token: str | None) -> str | None:
        found = next_cursor(
            parent_token,
            index,
            asked[index],
            token,
            parents_on_page=len(asked),
            next_parent_page=parent_next,
            following=following,
        )
        return None if found is None else encode_cursor(found)

    token = child_token
    seen: set[str] = set() if token is None else {token}
    pages = 0
    while True:
        params = {**spec.params, **asked[index], **token_params(config, token)}
        try:
            response = session.call(spec.service, region, spec.operation, **params)
        except ClientError as exc:
            if classify(exc) != ErrorKind.NOT_FOUND:
                raise
            log.info("%s %s: parent gone before its listing; skipped", spec.type, asked[index])
            yield Page([], cursor_after(None))
            return
        new_token = next_token(config, response)
        if new_token is not None and new_token in seen:
            what = f"{spec.type} {shard_region} {asked[index]}"
            raise RepeatedPageToken(what, spec.operation, new_token, pages + 1)

        def enrich(value: Any) -> RawItem | None:
            data = {spec.item_key: value} if spec.item_key else dict(value)
            data.update({k: v for k, v in carried.items() if v is not None})
            return _with_details(spec, session, region, shard_region, data, regions)

        found = mapper(enrich, spec.items_in(response))
        yield Page([item for item in found if item is not None], cursor_after(new_token))
        if new_token is None:
            return
        seen.add(new_token)
        token = new_token
        pages += 1


def child_params(spec: ResourceSpec, parent: Mapping[str, Any]) -> dict[str, Any]:
    """Pure: the child listing's request parameters for one parent item."""
    assert spec.parent is not None
    return {name: jmespath.search(path, parent) for name, path in spec.parent.params.items()}


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
    params.update(
        {
            name: item_arn(spec, session, region, data)
            if path == ITEM_ARN
            else jmespath.search(path, data)
            for name, path in detail.params.items()
        }
    )
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


def item_arn(spec: ResourceSpec, session: Caller, region: str, data: Mapping[str, Any]) -> str:
    """Pure: the ARN a listed item will be recorded under (the answer's, else the template's
    in the collecting account and partition)."""
    return resource_arn(
        spec,
        session.account_id,
        region,
        str(jmespath.search(spec.id, data)),
        data,
        session.partition,
    )


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
