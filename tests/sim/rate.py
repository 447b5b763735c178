"""Token buckets as AWS applies them, and a check that a request history stayed within one.

Pure: every function takes the time as an argument; nothing here reads a clock or sleeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """A token bucket: `burst` tokens at most, refilled at `rate` tokens per second."""

    burst: float
    rate: float

    def scaled(self, factor: float) -> Limits:
        return Limits(self.burst * factor, self.rate * factor)


# AWS's published EC2 API limits per account and region (non-mutating, mutating, tag calls).
EC2_LIMITS = {"read": Limits(100, 20), "write": Limits(50, 5), "tags": Limits(100, 10)}


class TokenBucket:
    """Starts full; a request takes one token or is refused. Not thread-safe: lock around it."""

    def __init__(self, limits: Limits, now: float) -> None:
        self.limits = limits
        self.tokens = float(limits.burst)
        self.updated = now

    def take(self, now: float) -> bool:
        """True (and one token fewer) when a token is available at `now`."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.limits.burst), self.tokens + elapsed * self.limits.rate)
        self.updated = max(self.updated, now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def rate_excess(times: Iterable[float], limits: Limits) -> float:
    """How far requests at `times` went beyond `limits`, over the worst window.

    For every window [t_i, t_j] of the sorted times, a bucket that was full at t_i admits at
    most burst + rate * (t_j - t_i) requests; the answer is the largest (count - allowance).
    Positive means no bucket with these limits could have admitted them; 0 means the bucket was
    used to the full; no requests give -burst. O(n log n).
    """
    ordered = sorted(times)
    worst = -float(limits.burst)
    best_start = float("-inf")  # max over i <= j of (rate * t_i - i)
    for j, t in enumerate(ordered):
        best_start = max(best_start, limits.rate * t - j)
        worst = max(worst, (j + 1) - limits.rate * t + best_start - limits.burst)
    return worst
