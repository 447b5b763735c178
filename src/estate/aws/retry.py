"""How long to wait before trying again, and for how long to keep trying. Pure."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Throttling is retried until `throttle_budget` seconds have passed since the first try
    (AWS limits are temporary; a long run should wait them out, not fail). Transient failures
    (5xx, a reset connection) are retried `transient_attempts` times."""

    throttle_budget: float = 900.0
    transient_attempts: int = 8
    base_delay: float = 0.25
    max_delay: float = 20.0


def backoff_delay(
    attempt: int, policy: RetryPolicy, rand: Callable[[], float] = random.random
) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(max, base * 2**attempt)]."""
    return rand() * min(policy.max_delay, policy.base_delay * (2 ** min(attempt, 30)))
