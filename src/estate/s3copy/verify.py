"""`estate s3 verify`: every source object exists at the destination with the same size,
content (ETag, or a full-object checksum where ETags cannot match), content headers, user
metadata, tags and storage class. Both listings are walked in step; each pair is compared
with HeadObject and GetObjectTagging on either side. Does I/O, changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from estate.aws.errors import describe
from estate.s3copy.listing import Cursor, lister
from estate.s3copy.objects import head
from estate.s3copy.plan import Listed, compare_objects, dest_key, tags_from
from estate.s3copy.route import Route


@dataclass(frozen=True)
class Difference:
    key: str  # the source key
    field: str
    source: Any
    destination: Any

    def record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "field": self.field,
            "source": self.source,
            "destination": self.destination,
        }


@dataclass
class VerifyResult:
    objects: int = 0  # source objects looked at
    identical: int = 0
    missing: int = 0
    differing: int = 0
    extra: int = 0  # destination objects with no source object (not a difference)
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _tags(route: Route, side: str, bucket: str, key: str) -> dict[str, str]:
    call = route.src_call if side == "src" else route.dst_call
    return tags_from(call("GetObjectTagging", Bucket=bucket, Key=key).get("TagSet", []))


def compare_pair(
    route: Route, obj: Listed, dst_key: str, storage_class: str | None
) -> list[Difference]:
    """The differences between one source object and its copy."""
    spec = route.spec
    try:
        src = head(route, "src", spec.source.bucket, obj.key)
        dst = head(route, "dst", spec.destination.bucket, dst_key)
        if src is None:
            return []  # deleted from the source since it was listed
        if dst is None:
            return [Difference(obj.key, "missing", obj.size, None)]
        src_tags = _tags(route, "src", spec.source.bucket, obj.key)
        dst_tags = _tags(route, "dst", spec.destination.bucket, dst_key)
    except ClientError as exc:
        return [Difference(obj.key, "error", describe(exc), None)]
    return [
        Difference(obj.key, name, a, b)
        for name, a, b in compare_objects(src, dst, src_tags, dst_tags, storage_class)
    ]


def _pairs(route: Route, result: VerifyResult) -> Iterator[tuple[Listed, Listed | None, str]]:
    """(source object, destination object or None, destination key), counting extras."""
    s, d = route.spec.source, route.spec.destination
    src = Cursor(lister(route.src, s.region, s.bucket, s.prefix))
    dst = Cursor(lister(route.dst, d.region, d.bucket, d.prefix))
    for page in src.pages():
        if not page:
            continue
        found = dst.upto(dest_key(page[-1].key, s.prefix, d.prefix))
        for obj in page:
            key = dest_key(obj.key, s.prefix, d.prefix)
            if not key:
                continue
            yield obj, found.pop(key, None), key
        result.extra += len(found)
    for rest in dst.pages():
        result.extra += len(rest)


def verify(
    route: Route,
    concurrency: int = 32,
    storage_class: str | None = None,
    on_object: Callable[[Listed, list[Difference]], None] | None = None,
) -> VerifyResult:
    """Compare both sides object by object; `storage_class` is what the copies should have
    (default: the source object's)."""
    result = VerifyResult()
    lock = threading.Lock()
    in_flight = threading.BoundedSemaphore(concurrency * 4)

    def record(obj: Listed, diffs: list[Difference]) -> None:
        with lock:
            result.objects += 1
            if not diffs:
                result.identical += 1
            elif diffs[0].field == "missing":
                result.missing += 1
            else:
                result.differing += 1
            result.differences.extend(diffs)
        if on_object is not None:
            on_object(obj, diffs)

    def done(obj: Listed, future: Future[list[Difference]]) -> None:
        in_flight.release()
        exc = future.exception()
        diffs = future.result() if exc is None else [Difference(obj.key, "error", str(exc), None)]
        record(obj, diffs)

    with ThreadPoolExecutor(concurrency, thread_name_prefix="s3verify") as pool:
        for obj, dst, key in _pairs(route, result):
            if dst is None:
                record(obj, [Difference(obj.key, "missing", obj.size, None)])
                continue
            if dst.size != obj.size:
                record(obj, [Difference(obj.key, "size", obj.size, dst.size)])
                continue
            in_flight.acquire()
            future = pool.submit(compare_pair, route, obj, key, storage_class)
            future.add_done_callback(lambda f, o=obj: done(o, f))  # type: ignore[misc]
    result.differences.sort(key=lambda d: (d.key, d.field))
    return result
