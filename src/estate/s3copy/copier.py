"""The s3copy job kind: list the source into the job's items (resumable, page by page), then
copy them group by group, each object marked as it finishes. Does I/O (S3, the store).

Groups are batches of BATCH objects named after the destination account. The driver runs a
few groups at a time; each group hands its objects to a pool of `concurrency` threads shared
by all groups (and large objects' parts to a second pool), so the number of requests in
flight is set by `concurrency`, not by the number of groups.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from estate.actions.jobs import JobContext, KindBase, Report, run_job
from estate.aws.errors import describe
from estate.aws.sessions import SessionFactory
from estate.engine.executor import LocalExecutor
from estate.errors import InputError
from estate.s3copy.listing import lister, plan_pages
from estate.s3copy.objects import (
    MultipartCopy,
    ObjectFailed,
    SourceGone,
    abort_saved,
    copy_single,
    destination_matches,
    explain,
    restore_tags,
)
from estate.s3copy.plan import Decision, Listed, uses_multipart
from estate.s3copy.regions import ensure_destination
from estate.s3copy.route import CopySpec, Route
from estate.s3copy.tagmode import STATE_KEY as TAG_STATE
from estate.s3copy.tagmode import TagChooser, TagDecision
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import ItemRow, JobRow, NewItem

log = logging.getLogger(__name__)

KIND = "s3copy"
BATCH = 100  # objects per group


def group_name(account: str, number: int) -> str:
    return f"{account}/batch-{number:05d}"


def item_for(obj: Listed, dst_key: str, decision: Decision, grp: str) -> NewItem:
    payload: dict[str, Any] = {
        "dst": dst_key,
        "size": obj.size,
        "etag": obj.etag,
        "class": obj.storage_class,
    }
    if obj.checksums:
        payload["checksums"] = list(obj.checksums)
    if decision == "check":
        payload["check"] = True
    return NewItem(obj.key, grp, payload, "skipped" if decision == "skip" else "pending")


def listed_from(item: ItemRow) -> Listed:
    p = item.payload
    return Listed(
        item.key,
        int(p["size"]),
        p["etag"],
        p.get("class", "STANDARD"),
        tuple(p.get("checksums", ())),
    )


def create_copy_job(db: Database, spec: CopySpec, destination_ready: bool = False) -> int:
    """A planned copy job; its items come from the listing when it runs. `destination_ready`:
    the destination was just found to exist and belong to the right account."""
    job_id = store_jobs.create_job(db, KIND, spec.title, spec.record())
    if destination_ready:
        store_jobs.set_state(db, job_id, {"destination_ready": True})
    return job_id


class Journal:
    """Item outcomes, written in batches (one transaction per batch and status). A batch lost
    to a crash is harmless: those items were marked running, and a resume checks the
    destination before copying them again."""

    def __init__(self, db: Database, every: float = 0.5, most: int = 200) -> None:
        self.db = db
        self.every = every
        self.most = most
        self._pending: list[tuple[int, str, str | None]] = []
        self._last = time.monotonic()

    def add(self, item_id: int, status: str, error: str | None) -> None:
        self._pending.append((item_id, status, error))
        if len(self._pending) >= self.most or time.monotonic() - self._last >= self.every:
            self.flush()

    def flush(self) -> None:
        by_outcome: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        for item_id, status, error in self._pending:
            by_outcome[(status, error)].append(item_id)
        for (status, error), ids in by_outcome.items():
            store_jobs.mark_items(self.db, ids, status, error=error)
        self._pending.clear()
        self._last = time.monotonic()


class S3Copy(KindBase):
    """The job kind. One instance per run of a job (per job on a worker); `close` ends its
    thread pools."""

    name = KIND

    def __init__(self, route: Route, concurrency: int) -> None:
        self.route = route
        self.spec = route.spec
        self.objects = ThreadPoolExecutor(concurrency, thread_name_prefix="s3copy")
        self.parts = ThreadPoolExecutor(concurrency, thread_name_prefix="s3part")
        self._lock = threading.Lock()
        self.copied_bytes = 0
        self.multipart = 0
        self.started = time.monotonic()
        self.tags: TagChooser | None = None  # made by the first group (it needs the store)
        self.stop = threading.Event()  # set on Ctrl-C (run_job): objects not begun wait

    def close(self) -> None:
        self.objects.shutdown(wait=False, cancel_futures=True)
        self.parts.shutdown(wait=False, cancel_futures=True)

    # -- listing -----------------------------------------------------------------------------

    def prepare(self, ctx: JobContext, job: JobRow, report: Report) -> None:
        """Make sure of the destination, then list the source into items, one page per
        transaction with the key to resume after, matched against the destination."""
        state = dict(job.state)
        if not state.get("listed"):
            src, dst = self.spec.source, self.spec.destination
            if not state.get("destination_ready"):
                ensure_destination(self.route.dst, dst.bucket, dst.region, self.spec.create_bucket)
                state["destination_ready"] = True
            for key in ("objects", "bytes", "skipped", "skipped_bytes", "queued", "unmappable"):
                state.setdefault(key, 0)
            pages = plan_pages(
                lister(self.route.src, src.region, src.bucket, src.prefix),
                lister(self.route.dst, dst.region, dst.bucket, dst.prefix),
                src.prefix,
                dst.prefix,
                after=state.get("after"),
            )
            for page in pages:
                items = []
                for obj, dst_key, decision in page.entries:
                    items.append(
                        item_for(
                            obj,
                            dst_key,
                            decision,
                            group_name(dst.account, state["queued"] // BATCH),
                        )
                    )
                    state["objects"] += 1
                    state["bytes"] += obj.size
                    if decision == "skip":
                        state["skipped"] += 1
                        state["skipped_bytes"] += obj.size
                    else:
                        state["queued"] += 1
                state["unmappable"] += page.unmappable
                state["after"] = page.last_key
                store_jobs.add_items(ctx.db, job.id, items, state=dict(state))
                report("listing", dict(state))
            state["listed"] = True
            store_jobs.set_state(ctx.db, job.id, state)
        report("totals", pending_totals(ctx.db, job.id))

    # -- copying -----------------------------------------------------------------------------

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Report) -> None:
        items = store_jobs.load_items(ctx.db, job.id, grp=grp, status="pending")
        if not items:
            return
        store_jobs.mark_items(ctx.db, [i.id for i in items], "running", count_attempt=True)
        self._tag_chooser(ctx, job)
        journal = Journal(ctx.db)
        futures = {self.objects.submit(self._copy_item, ctx, item, report): item for item in items}
        try:
            for future in as_completed(futures):
                item = futures[future]
                if future.cancelled():  # never begun: pending again, as if never sent
                    journal.add(item.id, "pending", None)
                    continue
                status, error = future.result()
                journal.add(item.id, status, error)
                report("object", {"key": item.key, "status": status, "error": error})
                if self.stop.is_set():  # the objects in flight end; the others wait
                    for waiting in futures:
                        waiting.cancel()
        finally:
            journal.flush()

    def _tag_chooser(self, ctx: JobContext, job: JobRow) -> TagChooser:
        """The run's tag chooser; while it is undecided, it takes up a decision another run or
        process saved in the job since."""
        spec = self.spec

        def save(decision: TagDecision) -> None:
            try:
                store_jobs.merge_state(ctx.db, job.id, {TAG_STATE: decision.record()})
            except Exception as exc:  # this run still uses it; a resume checks again
                log.warning("could not save the tag decision of job %d: %s", job.id, exc)

        with self._lock:
            if self.tags is None:
                self.tags = TagChooser(spec.options.tags, spec.same_account, on_decided=save)
        if self.tags.undecided():
            saved = store_jobs.load_state(ctx.db, job.id).get(TAG_STATE)
            self.tags.adopt(TagDecision.from_record(saved))
        return self.tags

    def _copy_item(self, ctx: JobContext, item: ItemRow, report: Report) -> tuple[str, str | None]:
        """(status, error) of one object; never raises an Exception."""
        obj = listed_from(item)
        dst_key = item.payload["dst"]
        reported = 0

        def progress(n: int) -> None:
            nonlocal reported
            reported += n
            report("bytes", n)

        try:
            outcome = self._copy(ctx, item, obj, dst_key, progress)
        except SourceGone:
            outcome = ("skipped", "deleted from the source after it was listed")
        except ObjectFailed as exc:
            outcome = ("failed", str(exc))
        except ClientError as exc:
            outcome = ("failed", explain(exc, self.route, obj.key))
        except Exception as exc:
            log.exception("copying %s failed", obj.key)
            outcome = ("failed", describe(exc))
        if outcome[0] == "done":
            with self._lock:
                self.copied_bytes += obj.size
        if obj.size > reported:
            report("bytes", obj.size - reported)
        return outcome

    def _copy(
        self,
        ctx: JobContext,
        item: ItemRow,
        obj: Listed,
        dst_key: str,
        progress: Callable[[int], None],
    ) -> tuple[str, str | None]:
        tried_before = item.attempts > 0  # a killed or failed run may have copied it already
        if (tried_before or item.payload.get("check")) and destination_matches(
            self.route, obj, dst_key
        ):
            if item.progress:  # an upload begun for a copy that is there after all
                if item.progress.get("tag_probe"):  # or a tag check cut short: finish it
                    restore_tags(self.route, obj, dst_key)
                abort_saved(self.route, dst_key, item.progress)
                store_jobs.set_progress(ctx.db, item.id, None)
            return ("done" if tried_before else "skipped"), None
        if uses_multipart(obj.size, obj.etag, self.spec.options.multipart_threshold):
            copy = MultipartCopy(
                self.route,
                obj,
                dst_key,
                self.parts,
                save=lambda record: store_jobs.set_progress(ctx.db, item.id, record),
                progress=progress,
            )
            copy.run(item.progress)
            with self._lock:
                self.multipart += 1
        else:

            def note(record: dict[str, Any] | None) -> None:
                store_jobs.set_progress(ctx.db, item.id, record)

            copy_single(self.route, obj, dst_key, self.tags, note=note)
            if item.progress:  # a tag check cut short, copied again
                note(None)
        return "done", None

    # -- figures -----------------------------------------------------------------------------

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]:
        counts = store_jobs.item_counts(ctx.db, job.id)
        stats = ctx.factory.stats.snapshot()
        return {
            "objects": sum(counts.values()),
            "copied": counts.get("done", 0),
            "skipped": counts.get("skipped", 0),
            "failed": counts.get("failed", 0),
            "bytes_copied": int(job.figures.get("bytes_copied", 0)) + self.copied_bytes,
            "multipart": int(job.figures.get("multipart", 0)) + self.multipart,
            "seconds": round(time.monotonic() - self.started, 2),
            "api_calls": stats["api_calls"],
            "throttles": stats["throttles"],
            "retries": stats["retries"],
            "tags": (self.tags or self._saved_tags(job)).describe(),
        }

    def combine(
        self, ctx: JobContext, job: JobRow, parts: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """The workers' figures added up, but the objects counted in the store (each worker
        counted them all)."""
        total = super().combine(ctx, job, parts)
        counts = store_jobs.item_counts(ctx.db, job.id)
        total.update(
            objects=sum(counts.values()),
            copied=counts.get("done", 0),
            skipped=counts.get("skipped", 0),
            failed=counts.get("failed", 0),
        )
        return total

    def _saved_tags(self, job: JobRow) -> TagChooser:
        decision = TagDecision.from_record(job.state.get(TAG_STATE))
        return TagChooser(self.spec.options.tags, self.spec.same_account, decision)


def pending_totals(db: Database, job_id: int, page: int = 5000) -> dict[str, int]:
    """Objects and bytes still to copy."""
    objects = size = 0
    after = 0
    while True:
        items = store_jobs.load_items(db, job_id, status="pending", after_id=after, limit=page)
        if not items:
            return {"objects": objects, "bytes": size}
        objects += len(items)
        size += sum(int(i.payload.get("size", 0)) for i in items)
        after = items[-1].id


def copy_factory(factory: SessionFactory, concurrency: int) -> SessionFactory:
    """The factory with enough pooled connections for `concurrency` objects and as many
    parts in flight (else urllib3 opens and drops a connection per request)."""
    wanted = 2 * concurrency + 8
    if factory.settings.max_pool_connections >= wanted:
        return factory
    settings = replace(factory.settings, max_pool_connections=wanted)
    return SessionFactory(settings, factory.stats, limiter=factory.limiter, policy=factory.policy)


def groups_in_flight(concurrency: int) -> int:
    """Enough groups at once that the object pool always has work queued."""
    return max(2, math.ceil(2 * concurrency / BATCH) + 1)


def _same_endpoint(spec: CopySpec, factory: SessionFactory, job_id: int) -> None:
    """Never continue a copy planned against an emulator on AWS, or the other way round."""
    if spec.endpoint_url != factory.settings.endpoint_url:
        where = spec.endpoint_url or "AWS (no endpoint_url)"
        raise InputError(
            f"job {job_id} copies through {where}: resume it with the same endpoint_url "
            f"(estate.yaml or ESTATE_ENDPOINT_URL)"
        )


def open_kind(ctx: JobContext, job: JobRow) -> S3Copy:
    """The kind as a worker runs it (see actions/jobs.py KINDS): sessions from the job's
    spec (its roles), through the worker's own rate limiter."""
    spec = CopySpec.from_record(job.spec)
    _same_endpoint(spec, ctx.factory, job.id)
    return S3Copy(Route.open(copy_factory(ctx.factory, spec.concurrency), spec), spec.concurrency)


def run_copy(ctx: JobContext, job: JobRow) -> JobRow:
    """Run (or continue) a copy job to its end; progress on ctx.err. Does I/O."""
    from estate.s3copy.progress import CopyProgress

    spec = CopySpec.from_record(job.spec)
    _same_endpoint(spec, ctx.factory, job.id)
    factory = copy_factory(ctx.factory, spec.concurrency)
    ctx = replace(ctx, factory=factory)
    kind = S3Copy(Route.open(factory, spec), spec.concurrency)
    groups = groups_in_flight(spec.concurrency)
    try:
        with CopyProgress(ctx.err) as progress:
            return run_job(
                ctx,
                job,
                kind,
                executor=LocalExecutor(groups, per_group=groups),
                report=progress.listener,
            )
    finally:
        kind.close()


def resume_job(ctx: JobContext, job: JobRow) -> int:
    """`estate resume` for a copy: continue it, print the summary; the exit code."""
    from estate.s3copy.progress import print_copy_summary

    finished = run_copy(ctx, job)
    print_copy_summary(ctx.out, ctx.db, finished)
    return 0 if finished.status == "ok" else 1
