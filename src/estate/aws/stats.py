"""Thread-safe counters of what a run asked of AWS (calls, throttles, retries, role refreshes)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class CallStats:
    api_calls: int = 0
    throttles: int = 0
    retries: int = 0
    assume_roles: int = 0
    expired_refreshes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "api_calls": self.api_calls,
                "throttles": self.throttles,
                "retries": self.retries,
                "assume_roles": self.assume_roles,
                "expired_refreshes": self.expired_refreshes,
            }
