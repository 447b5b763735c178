"""What the simulated AWS does to each request: the fault settings, the decision, the counts.

No sockets here. The clock is a parameter, so tests drive buckets and credential expiry with a
fake one; randomness comes from random.Random(seed).
"""

from __future__ import annotations

import enum
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests.sim.rate import Limits, TokenBucket, rate_excess
from tests.sim.wire import DEFAULT_ACCOUNT, Call, issued_key, role_account

Key = tuple[str, str, str, str]  # (account, region, service, category)

# Floating-point slack for rate checks: a bucket decision and its timestamp share one reading.
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Faults:
    """How AWS misbehaves. The random rates partition one draw per request, in the order
    reset, error, throttle; STS and unsigned requests get latency only."""

    latency: float = 0.0  # seconds added to every forwarded request
    limits: Mapping[str, Limits] | None = None  # per category; None: no rate limiting
    limit_scale: float = 1.0  # multiplies every burst and rate
    throttle_rate: float = 0.0  # fraction answered "throttled" at random, on top of limits
    error_rate: float = 0.0  # fraction answered 500 in the protocol's format
    reset_rate: float = 0.0  # fraction whose connection is closed with no answer
    credential_ttl: float | None = None  # assumed-role keys expire this long after issue
    seed: int = 0

    def scaled_limits(self) -> dict[str, Limits] | None:
        if self.limits is None:
            return None
        return {name: lim.scaled(self.limit_scale) for name, lim in self.limits.items()}


NO_FAULTS = Faults()


class Verdict(enum.Enum):
    FORWARD = "forward"
    THROTTLE = "throttle"
    EXPIRE = "expire"
    ERROR = "error"
    RESET = "reset"


class Stats:
    """Counts of what the proxy did, safe to read from any thread while it runs.

    `per_key` holds, per (account, region, service, category), the times (proxy clock) of the
    requests a bucket accepted, or that would have been accepted when there are no limits.
    """

    _COUNTERS = ("requests", "throttled", "errors", "resets", "expired", "upstream_failures")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._times: defaultdict[Key, list[float]] = defaultdict(list)
        self._throttled: Counter[Key] = Counter()
        self._limits: dict[str, Limits] | None = None

    def count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def accept(self, key: Key, now: float) -> None:
        with self._lock:
            self._times[key].append(now)

    def refuse(self, key: Key) -> None:
        with self._lock:
            self._counts["throttled"] += 1
            self._throttled[key] += 1

    def use_limits(self, limits: dict[str, Limits] | None) -> None:
        """The (scaled) limits max_rate_violation() checks against by default."""
        with self._lock:
            self._limits = limits

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._times.clear()
            self._throttled.clear()

    @property
    def requests(self) -> int:
        """Requests forwarded to the upstream (STS and unsigned ones included)."""
        return self._get("requests")

    @property
    def throttled(self) -> int:
        return self._get("throttled")

    @property
    def errors(self) -> int:
        return self._get("errors")

    @property
    def resets(self) -> int:
        return self._get("resets")

    @property
    def expired(self) -> int:
        return self._get("expired")

    @property
    def upstream_failures(self) -> int:
        return self._get("upstream_failures")

    @property
    def per_key(self) -> dict[Key, list[float]]:
        with self._lock:
            return {key: list(times) for key, times in self._times.items()}

    @property
    def throttled_per_key(self) -> dict[Key, int]:
        with self._lock:
            return dict(self._throttled)

    def max_rate_violation(
        self, limits: Mapping[str, Limits] | None = None, limit_scale: float = 1.0
    ) -> dict[Key, float]:
        """Per key, rate_excess() of its accepted requests: > 0 where they exceeded
        burst + rate * elapsed over some window. Checks against `limits` * `limit_scale`, by
        default the proxy's own (scaled) limits; keys of categories with no limit are left out.
        set_faults() refills the buckets but keeps this history: reset() the stats with it.
        """
        with self._lock:
            if limits is None:
                chosen = self._limits or {}
            else:
                chosen = {name: lim.scaled(limit_scale) for name, lim in limits.items()}
            history = {key: list(times) for key, times in self._times.items()}
        return {
            key: rate_excess(times, chosen[key[3]])
            for key, times in history.items()
            if key[3] in chosen
        }

    def rate_violations(
        self, limits: Mapping[str, Limits] | None = None, limit_scale: float = 1.0
    ) -> dict[Key, float]:
        """Only the keys whose accepted requests went beyond their bucket, with by how much."""
        return {
            key: excess
            for key, excess in self.max_rate_violation(limits, limit_scale).items()
            if excess > _TOLERANCE
        }

    def _get(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def __repr__(self) -> str:
        with self._lock:
            counts = ", ".join(f"{name}={self._counts[name]}" for name in self._COUNTERS)
        return f"Stats({counts})"


class Referee:
    """Decides each request's fate and remembers which account every issued key belongs to.
    Thread-safe: one lock over buckets, keys and the random generator."""

    def __init__(self, faults: Faults, clock: Callable[[], float], stats: Stats) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[str, float | None]] = {}  # key -> (account, issued at)
        self.stats = stats
        self._faults = faults
        self._limits = faults.scaled_limits()
        self._buckets: dict[Key, TokenBucket] = {}
        self._random = random.Random(faults.seed)
        stats.use_limits(self._limits)

    @property
    def faults(self) -> Faults:
        return self._faults

    def set_faults(self, faults: Faults) -> None:
        """New settings: fresh (full) buckets and a reseeded generator; keys are kept."""
        with self._lock:
            self._faults = faults
            self._limits = faults.scaled_limits()
            self._buckets.clear()
            self._random = random.Random(faults.seed)
            self.stats.use_limits(self._limits)

    def account_of(self, access_key: str) -> str:
        with self._lock:
            return self._keys.get(access_key, (DEFAULT_ACCOUNT, None))[0]

    def decide(self, call: Call) -> Verdict:
        """Forward, or answer with a fault. Counts what it decides (forwarding is counted by
        whoever forwards)."""
        if not call.signed or call.service == "sts":
            return Verdict.FORWARD  # credentials can always be refreshed
        with self._lock:
            now = self._clock()
            faults = self._faults
            account, issued = self._keys.get(call.access_key, (DEFAULT_ACCOUNT, None))
            if (
                faults.credential_ttl is not None
                and issued is not None
                and now - issued >= faults.credential_ttl
            ):
                self.stats.count("expired")
                return Verdict.EXPIRE
            key = (account, call.region, call.service, call.category)
            limits = (self._limits or {}).get(call.category)
            if limits is not None:
                bucket = self._buckets.get(key)
                if bucket is None:
                    bucket = self._buckets[key] = TokenBucket(limits, now)
                if not bucket.take(now):
                    self.stats.refuse(key)
                    return Verdict.THROTTLE
            self.stats.accept(key, now)
            draw = self._random.random()
        return self._random_fault(faults, draw, key)

    def _random_fault(self, faults: Faults, draw: float, key: Key) -> Verdict:
        if draw < faults.reset_rate:
            self.stats.count("resets")
            return Verdict.RESET
        draw -= faults.reset_rate
        if draw < faults.error_rate:
            self.stats.count("errors")
            return Verdict.ERROR
        draw -= faults.error_rate
        if draw < faults.throttle_rate:
            self.stats.refuse(key)
            return Verdict.THROTTLE
        return Verdict.FORWARD

    def observe(self, call: Call, status: int, response_body: bytes) -> None:
        """Learn keys from a forwarded call's answer: STS AssumeRole* and GetSessionToken
        (expiring), IAM CreateAccessKey (not expiring)."""
        if status != 200:
            return
        # AssumeRoleWithWebIdentity and WithSAML are unsigned: no service in a scope
        if call.service in ("sts", "") and call.operation.startswith(
            ("AssumeRole", "GetSessionToken", "GetFederationToken")
        ):
            expires = True
        elif call.service == "iam" and call.operation == "CreateAccessKey":
            expires = False
        else:
            return
        new_key = issued_key(response_body)
        if new_key is None:
            return
        with self._lock:
            caller = self._keys.get(call.access_key, (DEFAULT_ACCOUNT, None))[0]
            account = role_account(call) or caller
            self._keys[new_key] = (account, self._clock() if expires else None)
