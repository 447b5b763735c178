"""Collect a spec end to end (get_pages, then normalize_resource), as the engine will."""

from __future__ import annotations

from estate.inventory.normalize import Resource, normalize_resource
from estate.resources.collect import Caller, Page, get_pages
from estate.resources.spec import ResourceSpec

ACCOUNT = "111111111111"
READER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/EstateReader"


def collect_pages(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    *,
    regions: frozenset[str] | None = None,
) -> list[Page]:
    return list(get_pages(spec, session, shard_region, regions=regions))


def collect_resources(
    spec: ResourceSpec,
    session: Caller,
    shard_region: str,
    *,
    regions: frozenset[str] | None = None,
) -> dict[str, Resource]:
    """Every resource of one shard, by id."""
    resources = [
        normalize_resource(spec, session.account_id, item.region, item.data)
        for page in collect_pages(spec, session, shard_region, regions=regions)
        for item in page.items
    ]
    by_id = {r.id: r for r in resources}
    assert len(by_id) == len(resources), "an id was collected twice"
    return by_id
