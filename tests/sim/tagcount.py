"""Counting what EC2 tag calls reached the emulator, per resource id: a FaultProxy `on_forward`
hook. Tests and benchmarks use it to show that nothing a job recorded done was sent again."""

from __future__ import annotations

import threading
from collections import Counter

from tests.sim.wire import Call

TAG_OPERATIONS = ("CreateTags", "DeleteTags")


class TagCounter:
    """Per operation, the calls and how often each resource id was in one (answered 200)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, Counter[str]] = {op: Counter() for op in TAG_OPERATIONS}
        self._calls: Counter[str] = Counter()

    def __call__(self, call: Call, status: int) -> None:
        if call.service != "ec2" or call.operation not in TAG_OPERATIONS or status != 200:
            return
        ids = [v for k, v in call.params.items() if k.startswith("ResourceId.")]
        with self._lock:
            self._calls[call.operation] += 1
            self._ids[call.operation].update(ids)

    def calls(self, operation: str = "CreateTags") -> int:
        with self._lock:
            return self._calls[operation]

    def ids(self, operation: str = "CreateTags") -> dict[str, int]:
        with self._lock:
            return dict(self._ids[operation])
