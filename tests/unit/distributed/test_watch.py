"""Following work with no live worker: said after a while, repeated while nothing moves, with
the command that starts one (fake clock, no waiting)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from estate.commands import use_config
from estate.distributed.watch import WorkerWatch
from tests.support import estate_program


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def config_in_use() -> Iterator[Path]:
    path = Path("/srv/estate.yaml")
    use_config(path)
    yield path
    use_config(None)


def test_no_worker_is_said_after_a_while_then_every_few_minutes(config_in_use: Path) -> None:
    clock, said, live = Clock(), [], [0]
    watch = WorkerWatch(
        lambda: live[0], said.append, "the shards wait for one", after=60, clock=clock
    )

    for _ in range(60):  # 1000 s .. 1059 s
        watch.check(progress=3)
        clock.now += 1
    assert said == []
    watch.check(progress=3)
    assert said == [
        "no estate worker is running: the shards wait for one; "
        f"start one with: {estate_program()} worker -c /srv/estate.yaml"
    ]
    clock.now += 299
    watch.check(progress=3)
    assert len(said) == 1
    clock.now += 1
    watch.check(progress=3)
    assert len(said) == 2  # again, 5 minutes later, while nothing moves


def test_a_live_worker_or_progress_starts_the_wait_again(config_in_use: Path) -> None:
    clock, said, live = Clock(), [], [0]
    watch = WorkerWatch(lambda: live[0], said.append, "job 4 waits for one", after=60, clock=clock)
    watch.check(progress=0)
    clock.now += 50
    watch.check(progress=1)  # something ended: a worker was there a moment ago
    clock.now += 50
    watch.check(progress=1)
    assert said == []
    live[0] = 1
    clock.now += 100
    watch.check(progress=1)
    live[0] = 0
    clock.now += 59
    watch.check(progress=1)
    assert said == []
    clock.now += 61
    watch.check(progress=1)
    assert said and "job 4 waits for one" in said[0]
