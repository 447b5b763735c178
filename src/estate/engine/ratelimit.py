"""Token buckets per (account, region, service, category), shared by every thread.

The arithmetic is pure and takes the time as an argument (as botocore's retries/bucket.py
does), so tests drive it with a fake clock and never sleep. A bucket adapts like TCP: a
throttled answer halves its rate, each success gives a little back, up to its ceiling.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

# Published EC2 API limits per account and region: (burst, refill per second).
# Everything else starts from DEFAULT_SEEDS and may climb to CEILING_FACTOR x its seed.
PUBLISHED: dict[tuple[str, str], tuple[float, float]] = {
    ("ec2", "read"): (100, 20),
    ("ec2", "write"): (50, 5),
    ("ec2", "tags"): (100, 10),
}
DEFAULT_SEEDS: dict[str, tuple[float, float]] = {
    "read": (50, 25),
    "write": (20, 5),
    "tags": (20, 5),
    # S3 objects: 5,500 GET/HEAD and 3,500 PUT/COPY/POST/DELETE per second per prefix.
    "object-read": (5500, 5500),
    "object-write": (3500, 3500),
}
CEILING_FACTOR = 4.0
MIN_RATE = 0.5  # never below one call every two seconds: a throttle storm must still progress
DECREASE = 0.7  # multiplicative decrease on a throttled answer (0.5 wastes a quarter)
INCREASE = 0.02  # additive increase per success, as a fraction of the ceiling
EPSILON = 1e-9
MIN_WAIT = 1e-3

READ_PREFIXES = ("Describe", "Get", "List", "Head", "BatchGet", "Query", "Scan", "Search")
EC2_TAG_OPERATIONS = frozenset({"CreateTags", "DeleteTags"})
# S3 calls on objects, whose limits are per prefix and far above the bucket-level calls'.
S3_OBJECT_OPERATIONS = frozenset(
    {
        "GetObject", "HeadObject", "GetObjectTagging", "GetObjectAttributes", "ListObjectsV2",
        "ListObjectVersions", "ListParts", "ListMultipartUploads", "CopyObject", "PutObject",
        "DeleteObject", "DeleteObjects", "PutObjectTagging", "CreateMultipartUpload",
        "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload",
    }
)  # fmt: skip


class BucketKey(NamedTuple):
    account: str
    region: str
    service: str
    category: str  # read | write | tags | object-read | object-write


def category_of(service: str, operation: str) -> str:
    """Which of an account's buckets an API call draws from."""
    if service == "ec2" and operation in EC2_TAG_OPERATIONS:
        return "tags"
    read = operation.startswith(READ_PREFIXES)
    if service == "s3" and operation in S3_OBJECT_OPERATIONS:
        return "object-read" if read else "object-write"
    return "read" if read else "write"


def seed_for(service: str, category: str) -> tuple[float, float, float]:
    """(burst, starting rate, ceiling rate) of a new bucket."""
    if (service, category) in PUBLISHED:
        burst, rate = PUBLISHED[(service, category)]
        return burst, rate, rate
    burst, rate = DEFAULT_SEEDS[category]
    return burst, rate, rate * CEILING_FACTOR


@dataclass
class TokenBucket:
    """A token bucket whose refill rate adapts. Pure: every method takes `now`."""

    capacity: float
    rate: float
    ceiling: float
    tokens: float
    stamp: float
    throttles: int = 0
    last_cut: float = float("-inf")

    @classmethod
    def full(cls, capacity: float, rate: float, ceiling: float, now: float) -> TokenBucket:
        return cls(capacity, rate, ceiling, capacity, now)

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def take(self, now: float) -> float:
        """Take a token: 0.0 when one was taken, else the seconds until one will be there."""
        self._refill(now)
        # Tolerance: after sleeping exactly the wait we computed, rounding may leave
        # 0.99999… tokens, and a wait too small to move the clock would spin forever.
        if self.tokens >= 1.0 - EPSILON:
            self.tokens = max(0.0, self.tokens - 1.0)
            return 0.0
        return max((1.0 - self.tokens) / self.rate, MIN_WAIT)

    def on_throttle(self, now: float) -> None:
        """AWS said slow down: cut the rate and empty the bucket, so every thread pauses.

        Calls in flight together are throttled together; like TCP, cut once per congestion
        event (one refill interval), not once per answer, or four answers would cut 4 times.
        """
        self._refill(now)
        self.tokens = min(self.tokens, 0.0)
        self.throttles += 1
        if now - self.last_cut >= 1.0 / self.rate:
            self.rate = max(MIN_RATE, self.rate * DECREASE)
            self.last_cut = now

    def on_success(self) -> None:
        self.rate = min(self.ceiling, self.rate + self.ceiling * INCREASE)


class Limiter(Protocol):
    """What sessions need of a rate limiter: this module's, or sharedrate's (in Redis)."""

    @property
    def clock(self) -> Callable[[], float]: ...

    @property
    def sleep(self) -> Callable[[float], None]: ...

    def acquire(self, key: BucketKey) -> float: ...

    def on_throttle(self, key: BucketKey) -> None: ...

    def on_success(self, key: BucketKey) -> None: ...

    def snapshot(self) -> dict[BucketKey, tuple[float, float, int]]: ...


@dataclass
class RateLimiter:
    """The buckets of a run, created on first use. Thread-safe; sleeping is injected."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    scale: float = 1.0  # multiply every seed (e.g. 0.5 when two processes share the limits)
    _buckets: dict[BucketKey, TokenBucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bucket(self, key: BucketKey) -> TokenBucket:
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                burst, rate, ceiling = seed_for(key.service, key.category)
                found = TokenBucket.full(
                    burst * self.scale, rate * self.scale, ceiling * self.scale, self.clock()
                )
                self._buckets[key] = found
            return found

    def acquire(self, key: BucketKey) -> float:
        """Block until the key's bucket gives a token; the seconds waited."""
        bucket = self.bucket(key)
        waited = 0.0
        while True:
            with self._lock:
                wait = bucket.take(self.clock())
            if wait <= 0.0:
                return waited
            self.sleep(wait)
            waited += wait

    def on_throttle(self, key: BucketKey) -> None:
        bucket = self.bucket(key)
        with self._lock:
            bucket.on_throttle(self.clock())

    def on_success(self, key: BucketKey) -> None:
        bucket = self.bucket(key)
        with self._lock:
            bucket.on_success()

    def snapshot(self) -> dict[BucketKey, tuple[float, float, int]]:
        """(rate, ceiling, throttles) per bucket, for figures and tests."""
        with self._lock:
            return {k: (b.rate, b.ceiling, b.throttles) for k, b in self._buckets.items()}
