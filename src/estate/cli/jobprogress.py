"""Progress of a job (its items, group by group): a Rich bar on a terminal, a line per finished
group otherwise; and the summary printed at the end."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from estate.cli.progress import live_progress
from estate.cli.render import styled

if TYPE_CHECKING:
    from estate.store.jobs import ItemRow, JobRow


class JobProgress:
    """A listener for run_job's events: groups, items (done/failed per batch), group_done,
    group_failed. Called from worker threads."""

    def __init__(self, console: Console, job: JobRow) -> None:
        self.console = console
        self.job = job
        self.live = console.is_terminal
        self._lock = threading.Lock()
        self._stack = ExitStack()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._groups = 0
        self._finished_groups = 0
        self._failed = 0

    def __enter__(self) -> JobProgress:
        if self.live:
            self._progress = live_progress(
                self.console,
                f"job {self.job.id}",
                BarColumn(),
                MofNCompleteColumn(),
                "{task.fields[failed]} failed, {task.fields[groups]}",
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                stack=self._stack,
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)

    def listener(self, event: str, data: Any) -> None:
        with self._lock:
            if event == "groups":
                self._start(data)
            elif event == "items":
                self._items(data)
            elif event in ("group_done", "group_failed"):
                self._group(event, data)
            elif event == "remote":
                self._remote(data)
            elif event == "note":
                self._note(str(data))

    def _groups_text(self) -> str:
        return f"{self._finished_groups}/{self._groups} groups"

    def _start(self, data: dict[str, Any]) -> None:
        self._groups = data["groups"]
        todo = data["counts"].get("pending", 0) + data["counts"].get("running", 0)
        if self._progress is not None:
            self._task = self._progress.add_task(
                "items", total=todo, failed=0, groups=self._groups_text()
            )
        else:
            self.console.print(
                f"job {self.job.id}: {todo:,} items to send in {self._groups} groups"
            )

    def _items(self, data: dict[str, Any]) -> None:
        self._failed += data["failed"]
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, advance=data["done"] + data["failed"], failed=self._failed
            )

    def _remote(self, data: dict[str, Any]) -> None:
        """Items finished on the workers since the job was sent to them."""
        self._failed = data["failed"]
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, completed=data["done"] + data["failed"], failed=self._failed
            )

    def _note(self, text: str) -> None:
        console = self._progress.console if self._progress is not None else self.console
        console.print(f"job {self.job.id}: {text}")

    def _group(self, event: str, data: dict[str, Any]) -> None:
        self._finished_groups += 1
        if event == "group_failed":
            line = styled(("failed", "red"), f" {data['grp']}: {data['error']}")
        else:
            line = styled(f"{data['grp']}: {data['done']:,} done, {data['failed']:,} failed")
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, groups=self._groups_text())
            if event == "group_failed":
                self._progress.console.print(line)
            return
        self.console.print(Text(f"[{self._finished_groups}/{self._groups}] ") + line)


def print_job_summary(
    console: Console, job: JobRow, failures: Sequence[ItemRow], run_id: int | None = None
) -> None:
    counts = job.counts
    f = job.figures
    colour = {"ok": "green", "partial": "yellow"}.get(job.status, "red")
    calls = ", ".join(f"{op} {n:,}" for op, n in (f.get("calls") or {}).items()) or "none"
    left = counts.get("pending", 0) + counts.get("running", 0)
    console.print(
        styled(
            f"job {job.id}: ",
            (job.status, colour),
            f" in {f.get('seconds', 0):.1f} s — "
            f"{sum(counts.values()):,} resources: {counts.get('done', 0):,} done, "
            f"{counts.get('skipped', 0):,} already as desired, {counts.get('failed', 0):,} failed"
            + (f", {left:,} not sent" if left else "")
            + f"; calls: {calls}; {f.get('throttles', 0):,} throttled, "
            f"{f.get('retries', 0):,} retried",
        )
    )
    if run_id is not None:
        console.print(f"  inventory updated; the changes: estate changes --run {run_id}")
    for item in failures:
        console.print(styled("  ", ("failed", "red"), f" {item.key}: {item.error or ''}"))
    failed = counts.get("failed", 0)
    if failed > len(failures):
        console.print(f"  … and {failed - len(failures):,} more failed items")
    if job.error:
        console.print(f"  error: {job.error}")
    if job.status != "ok":
        console.print(f"  Retry what failed or was not sent: estate resume {job.id}")
