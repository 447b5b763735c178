"""Token buckets in Redis, shared by every process and machine that works on the same accounts,
so N workers together send AWS no more than one process would.

A bucket is a Redis hash per (account, region, service, category). One Lua script refills and
takes (or records a throttle, or a success) atomically, on Redis's own clock, with the same
arithmetic as ratelimit.TokenBucket: a throttle seen by any worker cuts the rate for all of
them, and successes anywhere let it creep back up. Does I/O (Redis).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from estate.engine.ratelimit import (
    DECREASE,
    EPSILON,
    INCREASE,
    MIN_RATE,
    MIN_WAIT,
    BucketKey,
    seed_for,
)

PREFIX = "estate:rate"
TTL = 3600  # seconds an unused bucket lives on

# KEYS[1]: the bucket. ARGV: op (take|throttle|success), capacity, starting rate, ceiling,
# now ("" = Redis's clock), ttl, then the constants. Returns {wait, now, rate} as strings
# (a Lua number would come back truncated to an integer).
SCRIPT = """
local op = ARGV[1]
local capacity, rate0, ceiling = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local ttl = tonumber(ARGV[6])
local decrease, min_rate, increase = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local epsilon, min_wait = tonumber(ARGV[10]), tonumber(ARGV[11])

local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'rate', 'last_cut', 'throttles')
local tokens, stamp, rate = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
local last_cut, throttles = tonumber(b[4]), tonumber(b[5])
if not tokens then
  tokens, stamp, rate, last_cut, throttles = capacity, now, rate0, -1e18, 0
end
if now > stamp and op ~= 'success' then  -- as TokenBucket.on_success: the rate alone
  tokens = math.min(capacity, tokens + (now - stamp) * rate)
  stamp = now
end

local wait = 0
if op == 'take' then
  if tokens >= 1 - epsilon then
    tokens = math.max(0, tokens - 1)
  else
    wait = math.max((1 - tokens) / rate, min_wait)
  end
elseif op == 'throttle' then
  tokens = math.min(tokens, 0)
  throttles = throttles + 1
  if now - last_cut >= 1 / rate then
    rate = math.max(min_rate, rate * decrease)
    last_cut = now
  end
elseif op == 'success' then
  rate = math.min(ceiling, rate + ceiling * increase)
end

redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
  'stamp', string.format('%.17g', stamp), 'rate', string.format('%.17g', rate),
  'last_cut', string.format('%.17g', last_cut), 'throttles', throttles,
  'ceiling', string.format('%.17g', ceiling))
redis.call('EXPIRE', KEYS[1], ttl)
return {string.format('%.17g', wait), string.format('%.17g', now), string.format('%.17g', rate)}
"""


@dataclass(frozen=True)
class Answer:
    wait: float  # 0.0: a token was taken; else seconds until one will be there
    now: float  # Redis's clock when the script ran
    rate: float  # the bucket's rate afterwards


@dataclass
class RedisRateLimiter:
    """The RateLimiter interface (acquire, on_throttle, on_success) over buckets in Redis.

    `clock` and `sleep` are this process's, for waiting and for the sessions' retry timing;
    the buckets themselves run on Redis's clock, the same for every machine.
    """

    url: str
    scale: float = 1.0
    prefix: str = PREFIX
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    ttl: int = TTL
    _client: Any = field(default=None, repr=False)
    _script: Any = field(default=None, repr=False)
    _seen: set[BucketKey] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        import redis

        if self._client is None:
            self._client = redis.Redis.from_url(self.url, socket_timeout=10)
        self._script = self._client.register_script(SCRIPT)

    def redis_key(self, key: BucketKey) -> str:
        return f"{self.prefix}:{key.account}:{key.region}:{key.service}:{key.category}"

    def call(self, op: str, key: BucketKey, now: float | None = None) -> Answer:
        """Run the script once. `now` replaces Redis's clock (tests drive it with a fake one)."""
        with self._lock:
            self._seen.add(key)
        burst, rate, ceiling = seed_for(key.service, key.category)
        args = [
            op,
            burst * self.scale,
            rate * self.scale,
            ceiling * self.scale,
            "" if now is None else repr(now),
            self.ttl,
            DECREASE,
            MIN_RATE,
            INCREASE,
            EPSILON,
            MIN_WAIT,
        ]
        wait, at, new_rate = self._script(keys=[self.redis_key(key)], args=args)
        return Answer(float(wait), float(at), float(new_rate))

    def acquire(self, key: BucketKey) -> float:
        """Block until the key's shared bucket gives a token; the seconds waited."""
        waited = 0.0
        while True:
            wait = self.call("take", key).wait
            if wait <= 0.0:
                return waited
            self.sleep(wait)
            waited += wait

    def on_throttle(self, key: BucketKey) -> None:
        self.call("throttle", key)

    def on_success(self, key: BucketKey) -> None:
        self.call("success", key)

    def snapshot(self) -> dict[BucketKey, tuple[float, float, int]]:
        """(rate, ceiling, throttles) of the buckets this process used, as Redis has them."""
        found: dict[BucketKey, tuple[float, float, int]] = {}
        with self._lock:
            keys = sorted(self._seen)
        for key in keys:
            rate, ceiling, throttles = self._client.hmget(
                self.redis_key(key), "rate", "ceiling", "throttles"
            )
            if rate is not None:
                found[key] = (float(rate), float(ceiling), int(throttles))
        return found

    def close(self) -> None:
        self._client.close()
