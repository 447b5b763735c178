"""Run tasks with bounded concurrency: a global cap, and a cap per account so one large
account cannot starve the others. The local executor is a thread pool; a distributed one
implements the same `run` method over plain-data tasks."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def run(
        self, fn: Callable[[T], R], tasks: Iterable[T], group: Callable[[T], str]
    ) -> Iterator[tuple[T, R | BaseException]]: ...


class LocalExecutor:
    """A thread pool that yields (task, result or exception) as tasks finish."""

    def __init__(self, concurrency: int, per_group: int | None = None) -> None:
        self.concurrency = max(1, concurrency)
        self.per_group = max(1, per_group or self.concurrency)

    def run(
        self, fn: Callable[[T], R], tasks: Iterable[T], group: Callable[[T], str]
    ) -> Iterator[tuple[T, R | BaseException]]:
        waiting = list(tasks)
        running: dict[Future[R], T] = {}
        in_group: dict[str, int] = defaultdict(int)
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="estate") as pool:
            while waiting or running:
                still_waiting = []
                for task in waiting:
                    g = group(task)
                    if len(running) < self.concurrency and in_group[g] < self.per_group:
                        in_group[g] += 1
                        running[pool.submit(fn, task)] = task
                    else:
                        still_waiting.append(task)
                waiting = still_waiting
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    in_group[group(task)] -= 1
                    exc = future.exception()
                    yield task, (exc if exc is not None else future.result())


@contextlib.contextmanager
def draining(results: Iterator[T]) -> Iterator[Iterator[T]]:
    """`results` of an executor's run, closed on leaving: a consumer that stops early (Ctrl-C,
    an error) waits there for the tasks in flight, so what they save is in before it goes on."""
    try:
        yield results
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
