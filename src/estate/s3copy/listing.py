"""Listing both sides of a copy page by page, in step: each page of the source is matched
with the destination objects in the same key range, so neither listing is held in memory
and a listing can resume after the last key recorded. Does I/O (ListObjectsV2)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from estate.aws.sessions import AccountSession
from estate.s3copy.plan import Decision, Listed, dest_key, plan_page

PAGE_SIZE = 1000

ListFn = Callable[[str | None, str | None], tuple[list[Listed], str | None]]


def lister(
    session: AccountSession, region: str, bucket: str, prefix: str, page_size: int | None = None
) -> ListFn:
    """A function (start_after, continuation token) -> (objects, next token or None)."""
    page_size = page_size or PAGE_SIZE

    def list_page(start_after: str | None, token: str | None) -> tuple[list[Listed], str | None]:
        params: dict[str, object] = {"Bucket": bucket, "MaxKeys": page_size}
        if prefix:
            params["Prefix"] = prefix
        if token:
            params["ContinuationToken"] = token
        elif start_after:
            params["StartAfter"] = start_after
        answer = session.call("s3", region, "ListObjectsV2", **params)
        objects = [Listed.from_listing(e) for e in answer.get("Contents", [])]
        more = answer.get("IsTruncated") and answer.get("NextContinuationToken")
        return objects, (more or None)

    return list_page


class Cursor:
    """One side's listing from a key on, read as far as asked (S3 lists in UTF-8 byte order,
    which is also Python's order of the decoded keys)."""

    def __init__(self, list_page: ListFn, start_after: str | None = None) -> None:
        self._list = list_page
        self._after = start_after
        self._token: str | None = None
        self._buffer: deque[Listed] = deque()
        self._done = False

    def upto(self, last_key: str) -> dict[str, Listed]:
        """The objects with keys up to and including `last_key`, by key."""
        found: dict[str, Listed] = {}
        while True:
            while self._buffer and self._buffer[0].key <= last_key:
                obj = self._buffer.popleft()
                found[obj.key] = obj
            if self._buffer or self._done:
                return found
            page, self._token = self._list(self._after, self._token)
            self._buffer.extend(page)
            if page:
                self._after = page[-1].key
            self._done = self._token is None

    def pages(self) -> Iterator[list[Listed]]:
        """Every remaining page (what `upto` read ahead first)."""
        if self._buffer:
            yield list(self._buffer)
            self._buffer.clear()
        while not self._done:
            page, self._token = self._list(self._after, self._token)
            if page:
                self._after = page[-1].key
            self._done = self._token is None
            yield page


def read_ahead(pages: Iterator[list[Listed]]) -> Iterator[list[Listed]]:
    """The pages, the next one fetched (in a thread) while the caller works on this one."""
    with ThreadPoolExecutor(1, thread_name_prefix="s3list") as pool:
        coming = pool.submit(next, pages, None)
        while True:
            page = coming.result()
            if page is None:
                return
            coming = pool.submit(next, pages, None)
            yield page


@dataclass(frozen=True)
class PagePlan:
    """One source page matched with the destination: what to do with each object."""

    entries: list[tuple[Listed, str, Decision]]
    last_key: str | None  # the page's last source key: where a resumed listing starts after
    unmappable: int


def plan_pages(
    source: ListFn,
    destination: ListFn,
    src_prefix: str,
    dst_prefix: str,
    after: str | None = None,
) -> Iterator[PagePlan]:
    """Walk the source from after `after`, each page planned against the destination."""
    src = Cursor(source, after)
    dst = Cursor(destination, dest_key(after, src_prefix, dst_prefix) if after else None)
    for page in read_ahead(src.pages()):
        if not page:
            continue
        last = page[-1].key
        entries = plan_page(
            page, dst.upto(dest_key(last, src_prefix, dst_prefix)), src_prefix, dst_prefix
        )
        yield PagePlan(entries, last, len(page) - len(entries))


@dataclass
class Survey:
    """What a copy would do, counted from both listings (the plan `estate s3 copy` prints)."""

    objects: int = 0
    bytes: int = 0
    present: int = 0  # identical at the destination: skipped
    present_bytes: int = 0
    compare: int = 0  # same size, ETags differ, checksums of one kind: compared before copying
    copy: int = 0
    copy_bytes: int = 0
    multipart: int = 0
    unmappable: int = 0
    largest: int = 0

    def add(self, page: PagePlan, is_multipart: Callable[[Listed], bool]) -> None:
        self.unmappable += page.unmappable
        for obj, _, decision in page.entries:
            self.objects += 1
            self.bytes += obj.size
            self.largest = max(self.largest, obj.size)
            if decision == "skip":
                self.present += 1
                self.present_bytes += obj.size
                continue
            if decision == "check":
                self.compare += 1
            self.copy += 1
            self.copy_bytes += obj.size
            if is_multipart(obj):
                self.multipart += 1
