"""Progress of a collection: a Rich bar on a terminal, plain lines otherwise (CI, pipes)."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from estate.cli.consolelog import logging_through
from estate.cli.render import styled

if TYPE_CHECKING:
    from estate.engine.run import ShardResult


def live_progress(console: Console, *columns: Any, stack: ExitStack) -> Progress:
    """A started Rich bar on `console`, with log lines printed above it until `stack` closes.
    Text columns given as strings are formats of plain text, never markup."""
    progress = Progress(
        *(TextColumn(c, markup=False) if isinstance(c, str) else c for c in columns),
        console=console,
        transient=False,
    )
    stack.enter_context(progress)
    stack.enter_context(logging_through(progress.console))
    return progress


class CollectProgress:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self._stack = ExitStack()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._done = 0
        self._total = 0
        self._resources = 0

    def __enter__(self) -> CollectProgress:
        if self.live:
            self._progress = live_progress(
                self.console,
                TextColumn("{task.description}", style="bold", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                "{task.fields[resources]} resources, {task.fields[failed]} failed",
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                stack=self._stack,
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)

    def listener(self, event: str, data: Any) -> None:
        if event == "phase":
            self._phase(data)
        elif event == "shard":
            self._shard(data)
        elif event == "note":
            self.console.print(f"note: {data}")

    def _phase(self, data: dict[str, Any]) -> None:
        self._done, self._total = 0, data["shards"]
        label = "regions" if data["discovery"] else "collect"
        if not self._total:
            return
        if self._progress is not None:
            self._task = self._progress.add_task(label, total=self._total, resources=0, failed=0)
        else:
            self.console.print(f"{label}: {self._total} shards")

    def _shard(self, result: ShardResult) -> None:
        self._done += 1
        found = result.outcome.resources if result.outcome else 0
        if result.shard.type != "regions":
            self._resources += found
        if self._progress is not None and self._task is not None:
            failed = self._progress.tasks[self._task].fields["failed"] + (0 if result.ok else 1)
            self._progress.update(self._task, advance=1, resources=self._resources, failed=failed)
            if not result.ok:
                self._progress.console.print(
                    styled(("failed", "red"), f" {result.shard.key}: {result.error}")
                )
            return
        status = f"ok ({found})" if result.ok else f"FAILED: {result.error}"
        self.console.print(f"[{self._done}/{self._total}] {result.shard.key} {status}")
