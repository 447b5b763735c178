"""Token buckets in Redis: the same arithmetic as the in-process ones, shared by processes."""

from __future__ import annotations

import multiprocessing
import random
import time
from typing import Any

import pytest

from estate.engine.ratelimit import BucketKey, TokenBucket, seed_for
from estate.engine.sharedrate import RedisRateLimiter
from tests.sim.rate import Limits, rate_excess

EC2 = BucketKey("111111111111", "eu-west-1", "ec2", "read")
SQS = BucketKey("111111111111", "eu-west-1", "sqs", "read")


def test_the_script_does_the_arithmetic_of_the_in_process_bucket(redis_url: str) -> None:
    limiter = RedisRateLimiter(redis_url, scale=0.1)
    burst, rate, ceiling = seed_for("sqs", "read")
    local = TokenBucket.full(burst * 0.1, rate * 0.1, ceiling * 0.1, 1000.0)
    rng = random.Random(7)
    now = 1000.0
    for _ in range(400):
        now += rng.choice([0.0, 0.0, 0.001, 0.05, 0.3, 2.0])
        op = rng.choices(["take", "throttle", "success"], [6, 1, 3])[0]
        answer = limiter.call(op, SQS, now=now)
        if op == "take":
            assert answer.wait == pytest.approx(local.take(now), abs=1e-9)
        elif op == "throttle":
            local.on_throttle(now)
        else:
            local.on_success()
        assert answer.rate == pytest.approx(local.rate, rel=1e-9)
    assert limiter.snapshot()[SQS] == (
        pytest.approx(local.rate),
        pytest.approx(ceiling * 0.1),
        local.throttles,
    )


def test_a_throttle_seen_by_one_process_slows_all_and_successes_bring_it_back(
    redis_url: str,
) -> None:
    one, other = RedisRateLimiter(redis_url), RedisRateLimiter(redis_url)
    _, rate, ceiling = seed_for("sqs", "read")
    one.acquire(SQS)

    one.on_throttle(SQS)

    cut = other.call("success", SQS).rate - ceiling * 0.02
    assert cut == pytest.approx(rate * 0.7)
    for _ in range(200):
        other.on_success(SQS)
    assert one.snapshot()[SQS][0] == pytest.approx(ceiling)  # back up, to the ceiling only


def admit_for(url: str, seconds: float, start: Any, out: Any) -> None:
    """Take tokens as fast as the shared bucket allows; report Redis's time of each."""
    limiter = RedisRateLimiter(url)
    start.wait(timeout=60)
    times: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = limiter.call("take", EC2)
        if answer.wait <= 0:
            times.append(answer.now)
        else:
            time.sleep(answer.wait)
    out.put(times)


def test_processes_together_never_exceed_the_bucket(redis_url: str) -> None:
    burst, rate, _ = seed_for("ec2", "read")  # EC2's published 100 burst, 20/s
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Barrier(4), spawn.Queue()
    processes = [
        spawn.Process(target=admit_for, args=(redis_url, 3.0, start, out)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    per_process = [out.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    admitted = sorted(t for times in per_process for t in times)
    assert all(len(times) > 10 for times in per_process)  # everyone got a share
    assert rate_excess(admitted, Limits(burst, rate)) <= 1e-6
    span = admitted[-1] - admitted[0]
    assert len(admitted) >= burst + rate * span - 2  # and the bucket was used to the full
