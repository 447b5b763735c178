from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest

from estate.engine.executor import LocalExecutor

# Only a safety net against a hang; a correct executor never waits this long.
TIMEOUT = 10.0

Task = tuple[str, int]


class Tracker:
    """Counts tasks in flight, in total and per group. Tasks hold until `peak` of them run
    at once, so the peak is observed without sleeping; later tasks pass straight through."""

    def __init__(self, peak: int) -> None:
        self.peak = peak
        self.cond = threading.Condition()
        self.running = 0
        self.in_group: Counter[str] = Counter()
        self.max_running = 0
        self.max_in_group: defaultdict[str, int] = defaultdict(int)
        self.released = False

    def __call__(self, task: Task) -> str:
        group, _ = task
        with self.cond:
            self.running += 1
            self.in_group[group] += 1
            self.max_running = max(self.max_running, self.running)
            self.max_in_group[group] = max(self.max_in_group[group], self.in_group[group])
            if self.running >= self.peak:
                self.released = True
                self.cond.notify_all()
            self.cond.wait_for(lambda: self.released, timeout=TIMEOUT)
            self.running -= 1
            self.in_group[group] -= 1
        return f"done {group}{task[1]}"


def _tasks(groups: str, per: int) -> list[Task]:
    return [(g, i) for g in groups for i in range(per)]


def _group(task: Task) -> str:
    return task[0]


@pytest.mark.parametrize(
    ("concurrency", "per_group", "groups", "peak", "group_peak"),
    [
        (4, 2, "abc", 4, 2),  # the global cap binds
        (4, 1, "abc", 3, 1),  # the per-group cap binds: 3 groups of 1
        (6, 2, "ab", 4, 2),  # per-group cap binds with fewer groups than slots
        (3, None, "a", 3, 3),  # no per-group cap: the global one
    ],
)
def test_caps_are_reached_and_never_exceeded(
    concurrency: int, per_group: int | None, groups: str, peak: int, group_peak: int
) -> None:
    tasks = _tasks(groups, 5)
    track = Tracker(peak)

    results = dict(LocalExecutor(concurrency, per_group).run(track, tasks, _group))

    assert track.released, f"never {peak} tasks at once"
    assert track.max_running == peak
    assert max(track.max_in_group.values()) == group_peak
    assert results == {t: f"done {t[0]}{t[1]}" for t in tasks}


def test_a_failing_task_is_its_result_and_the_others_complete() -> None:
    tasks = _tasks("ab", 4)
    boom = ValueError("boom in a2")

    def fn(task: Task) -> str:
        if task == ("a", 2):
            raise boom
        return f"{task[0]}{task[1]}"

    yielded = list(LocalExecutor(3, 2).run(fn, tasks, _group))

    assert Counter(t for t, _ in yielded) == Counter(tasks)
    results = dict(yielded)
    assert results.pop(("a", 2)) is boom
    assert results == {t: f"{t[0]}{t[1]}" for t in tasks if t != ("a", 2)}


def test_every_task_is_yielded_once_as_tasks_finish() -> None:
    tasks = _tasks("abcd", 6)
    order: list[Task] = []
    lock = threading.Lock()

    def fn(task: Task) -> int:
        with lock:
            order.append(task)
        return task[1] * 10

    yielded = list(LocalExecutor(5, 2).run(fn, iter(tasks), _group))

    assert Counter(t for t, _ in yielded) == Counter(tasks)
    assert all(result == task[1] * 10 for task, result in yielded)
    assert sorted(order) == sorted(tasks)


def test_a_task_finishing_first_is_yielded_first() -> None:
    """Results stream as they finish: the slow task does not hold back the fast ones."""
    slow_may_finish = threading.Event()

    def fn(task: Task) -> str:
        if task == ("a", 0):
            assert slow_may_finish.wait(TIMEOUT)
        return "ok"

    run = LocalExecutor(2).run(fn, [("a", 0), ("b", 0), ("b", 1)], _group)

    first = [next(run)[0], next(run)[0]]
    slow_may_finish.set()
    rest = [task for task, _ in run]

    assert first == [("b", 0), ("b", 1)]
    assert rest == [("a", 0)]


@pytest.mark.parametrize("make", [lambda: LocalExecutor(0), lambda: LocalExecutor(2, 0)])
def test_caps_are_at_least_one(make: Callable[[], LocalExecutor]) -> None:
    executor = make()

    assert executor.concurrency >= 1
    assert executor.per_group >= 1
    assert list(executor.run(lambda t: t, [("a", 1)], _group)) == [(("a", 1), ("a", 1))]


def test_no_tasks_yield_nothing() -> None:
    assert list(LocalExecutor(2).run(lambda t: t, [], _group)) == []
