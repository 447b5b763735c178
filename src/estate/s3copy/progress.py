"""Showing a copy: a Rich progress bar (objects, bytes, rate, ETA) on a terminal, a plain line
every few seconds otherwise, and the summary at the end. Writes to the consoles given."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from estate.cli.progress import live_progress
from estate.cli.render import styled
from estate.s3copy.listing import Survey
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow

GRANT_HINT = "estate s3 grant"


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} B"  # unreachable


class CopyProgress:
    """A listener for the copy job's report events; thread-safe."""

    def __init__(self, console: Console, every: float = 5.0) -> None:
        self.console = console
        self.live = console.is_terminal
        self.every = every
        self._lock = threading.Lock()
        self._stack = ExitStack()
        self._progress: Progress | None = None
        self._listing: TaskID | None = None
        self._copy: TaskID | None = None
        self._objects = self._failed = 0
        self._total_objects = 0
        self._bytes = 0
        self._total_bytes = 0
        self._started = time.monotonic()
        self._last_line = 0.0

    def __enter__(self) -> CopyProgress:
        if self.live:
            self._progress = live_progress(
                self.console,
                TextColumn("{task.description}", style="bold", markup=False),
                BarColumn(),
                "{task.fields[objects]}",
                DownloadColumn(binary_units=True),
                TransferSpeedColumn(),
                "{task.fields[rate]}",
                TimeRemainingColumn(),
                stack=self._stack,
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._stack.__exit__(*exc)
        elif self._copy is not None or self._total_objects:
            self._line(force=True)

    def listener(self, event: str, data: Any) -> None:
        with self._lock:
            if event == "listing":
                self._on_listing(data)
            elif event == "totals":
                self._on_totals(data)
            elif event == "bytes":
                self._bytes += int(data)
                self._update()
            elif event == "object":
                self._objects += 1
                if data["status"] == "failed":
                    self._failed += 1
                    self._print(styled(("failed", "red"), f" {data['key']}: {data['error']}"))
                self._update()
            elif event == "group_failed":
                self._print(styled(("failed", "red"), f" group {data['grp']}: {data['error']}"))
            elif event == "remote":  # the workers' objects and bytes so far
                self._objects = data["done"] + data["failed"]
                self._failed = data["failed"]
                self._bytes = int(data["figures"].get("bytes_copied", 0))
                self._update()
            elif event == "note":
                self._print(str(data))

    def _print(self, text: str | Text) -> None:
        console = self._progress.console if self._progress is not None else self.console
        console.print(text)

    def _on_listing(self, state: dict[str, Any]) -> None:
        text = (
            f"{state['objects']:,} objects, {human_bytes(state['bytes'])}; "
            f"{state['skipped']:,} already at the destination"
        )
        if self._progress is not None:
            if self._listing is None:
                self._listing = self._progress.add_task(
                    "listing", total=None, objects=text, rate=""
                )
            self._progress.update(self._listing, objects=text)
        elif time.monotonic() - self._last_line >= self.every:
            self._last_line = time.monotonic()
            self.console.print(f"listing: {text}")

    def _on_totals(self, totals: dict[str, int]) -> None:
        self._total_objects, self._total_bytes = totals["objects"], totals["bytes"]
        self._started = time.monotonic()
        if self._progress is not None:
            if self._listing is not None:
                text = self._progress.tasks[self._listing].fields["objects"]
                self._progress.remove_task(self._listing)
                self._progress.console.print(f"listed: {text}")
            self._copy = self._progress.add_task(
                "copy", total=max(self._total_bytes, 1), objects="", rate=""
            )
            self._update()
        else:
            self.console.print(
                f"copy: {self._total_objects:,} objects, {human_bytes(self._total_bytes)} to copy",
                highlight=False,
            )

    def _update(self) -> None:
        if self._progress is not None and self._copy is not None:
            elapsed = max(time.monotonic() - self._started, 1e-6)
            failed = f", {self._failed:,} failed" if self._failed else ""
            self._progress.update(
                self._copy,
                completed=self._bytes,
                objects=f"{self._objects:,}/{self._total_objects:,} objects{failed}",
                rate=f"{self._objects / elapsed:,.0f} obj/s",
            )
        elif time.monotonic() - self._last_line >= self.every:
            self._line()

    def _line(self, force: bool = False) -> None:
        self._last_line = time.monotonic()
        elapsed = max(self._last_line - self._started, 1e-6)
        rate = self._objects / elapsed
        left = self._total_objects - self._objects
        eta = f", about {left / rate:,.0f} s left" if rate > 0 and left > 0 else ""
        self.console.print(
            f"copy: {self._objects:,}/{self._total_objects:,} objects, "
            f"{human_bytes(self._bytes)}/{human_bytes(self._total_bytes)}, {self._failed} failed, "
            f"{rate:,.0f} objects/s, {human_bytes(self._bytes / elapsed)}/s{eta}"
        )


def print_copy_summary(console: Console, db: Database, job: JobRow, most: int = 10) -> None:
    """The job's outcome in a line, its first failures, and what to do next."""
    f = job.figures
    colour = {"ok": "green", "partial": "yellow"}.get(job.status, "red")
    console.print(
        styled(
            f"job {job.id}: ",
            (job.status, colour),
            f" in {f.get('seconds', 0):.1f} s — "
            f"{f.get('objects', 0):,} objects: {f.get('copied', 0):,} copied "
            f"({human_bytes(f.get('bytes_copied', 0))}, {f.get('multipart', 0):,} multipart), "
            f"{f.get('skipped', 0):,} skipped (already there), {f.get('failed', 0):,} failed; "
            f"{f.get('api_calls', 0):,} API calls, {f.get('throttles', 0)} throttled, "
            f"{f.get('retries', 0)} retried",
        )
    )
    if f.get("tags"):
        console.print(f"  tags: {f['tags']}")
    if job.error:
        console.print(styled("  ", ("error", "red"), f" {job.error}"))
    failed = store_jobs.load_items(db, job.id, status="failed", limit=most)
    for item in failed:
        console.print(styled("  ", ("failed", "red"), f" {item.key}: {item.error}"))
    if f.get("failed", 0) > len(failed):
        console.print(f"  … and {f['failed'] - len(failed):,} more failed")
    if any(GRANT_HINT in (i.error or "") for i in failed) or GRANT_HINT in (job.error or ""):
        console.print(
            "  The destination account must be able to read the source: see estate s3 grant."
        )
    if job.status != "ok":
        console.print(f"  Continue with: estate resume {job.id}")
    else:
        spec = job.spec
        src, dst = spec["source"], spec["destination"]
        console.print(
            f"  Compare both sides with: estate s3 verify s3://{src['bucket']}/{src['prefix']} "
            f"s3://{dst['bucket']}/{dst['prefix']}"
            + (f" --source-role {src['role_arn']}" if src.get("role_arn") else "")
            + (f" --dest-role {dst['role_arn']}" if dst.get("role_arn") else "")
        )


def print_plan(console: Console, survey: Survey, tags: str = "") -> None:
    """The plan of a copy: what is there, what will be copied, how tags will be carried."""
    hb = human_bytes
    console.print(
        f"  source: {survey.objects:,} objects, {hb(survey.bytes)} (largest {hb(survey.largest)})"
    )
    console.print(
        f"  already at the destination (same size and ETag): {survey.present:,} objects, "
        f"{hb(survey.present_bytes)} — skipped"
    )
    compared = (
        f"; {survey.compare:,} of the same size compared by checksum first"
        if survey.compare
        else ""
    )
    console.print(
        f"  to copy: {survey.copy:,} objects, {hb(survey.copy_bytes)} "
        f"({survey.multipart:,} in parts){compared}"
    )
    if survey.unmappable:
        console.print(
            styled(
                "  ",
                ("not copied", "yellow"),
                f": {survey.unmappable} folder marker(s) named like the "
                "source prefix, which would have an empty key at the destination",
            )
        )
    if tags:
        console.print(f"  tags: {tags}")
    console.print("Run again with --apply to copy.")
