"""Watching for live workers while this process follows work they are to do: when none has
beaten for a while and nothing moved, say so and name the command that starts one; say it
again now and then while that lasts. No I/O here: `live` counts the workers, the clock is a
parameter."""

from __future__ import annotations

import time
from collections.abc import Callable

from estate.commands import command_line

AGAIN_EVERY = 300.0  # seconds between reminders while nothing moves


class WorkerWatch:
    """Call `check(progress)` now and then with a figure that grows as work ends (shards or
    items finished); `say` gets the message when no worker has been seen for `after` seconds
    and the figure did not move, then every `every` seconds until a worker or progress shows."""

    def __init__(
        self,
        live: Callable[[], int],
        say: Callable[[str], None],
        waiting: str,
        *,
        after: float,
        every: float = AGAIN_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.live = live
        self.say = say
        self.waiting = waiting
        self.after = after
        self.every = every
        self.clock = clock
        self._quiet_since: float | None = None
        self._next_say = 0.0
        self._progress: int | None = None

    def message(self) -> str:
        start = command_line(["worker"])
        return f"no estate worker is running: {self.waiting}; start one with: {start}"

    def check(self, progress: int) -> None:
        now = self.clock()
        moved = self._progress is not None and progress != self._progress
        self._progress = progress
        if moved or self.live():
            self._quiet_since = None
            return
        if self._quiet_since is None:
            self._quiet_since = now
            self._next_say = now + self.after
        if now >= self._next_say:
            self.say(self.message())
            self._next_say = now + self.every
