"""The rate limiter on a fake clock: no test sleeps."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from estate.engine.ratelimit import (
    DECREASE,
    MIN_RATE,
    BucketKey,
    RateLimiter,
    TokenBucket,
    category_of,
    seed_for,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_ec2_buckets_start_from_the_published_limits() -> None:
    assert seed_for("ec2", "read") == (100, 20, 20)
    assert seed_for("ec2", "write") == (50, 5, 5)
    assert seed_for("ec2", "tags") == (100, 10, 10)
    burst, rate, ceiling = seed_for("sqs", "read")
    assert ceiling > rate > 0 and burst > 0


def test_calls_fall_into_categories() -> None:
    assert category_of("ec2", "DescribeInstances") == "read"
    assert category_of("ec2", "CreateTags") == "tags"
    assert category_of("ec2", "DeleteTags") == "tags"
    assert category_of("ec2", "RunInstances") == "write"
    assert category_of("s3", "GetBucketTagging") == "read"
    assert category_of("s3", "PutBucketTagging") == "write"
    assert category_of("dynamodb", "ListTagsOfResource") == "read"
    assert category_of("s3", "HeadObject") == "object-read"
    assert category_of("s3", "ListObjectsV2") == "object-read"
    assert category_of("s3", "CopyObject") == "object-write"
    assert category_of("s3", "UploadPartCopy") == "object-write"


def test_s3_object_buckets_start_from_s3s_per_prefix_rates() -> None:
    assert seed_for("s3", "object-write")[:2] == (3500, 3500)
    assert seed_for("s3", "object-read")[:2] == (5500, 5500)


@settings(max_examples=200, deadline=None)
@given(
    capacity=st.integers(1, 200),
    rate=st.floats(0.5, 100),
    gaps=st.lists(st.floats(0, 2), min_size=1, max_size=300),
)
def test_a_bucket_never_gives_more_than_burst_plus_rate_times_elapsed(
    capacity: int, rate: float, gaps: list[float]
) -> None:
    bucket = TokenBucket.full(capacity, rate, rate, 0.0)
    now, taken = 0.0, 0
    for gap in gaps:
        now += gap
        if bucket.take(now) == 0.0:
            taken += 1
        assert taken <= capacity + rate * now + 1e-9


def test_take_says_how_long_until_the_next_token() -> None:
    bucket = TokenBucket.full(2, 4.0, 4.0, 0.0)
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == 0.25
    assert bucket.take(0.25) == 0.0


def test_throttling_cuts_the_rate_and_success_wins_it_back_to_the_ceiling() -> None:
    bucket = TokenBucket.full(10, 20.0, 20.0, 0.0)
    bucket.on_throttle(0.0)
    assert bucket.rate == 20.0 * DECREASE and bucket.tokens <= 0.0
    for step in range(200):
        bucket.on_throttle(float(step))
    assert bucket.rate >= MIN_RATE
    for _ in range(1000):
        bucket.on_success()
    assert bucket.rate == 20.0  # never above the ceiling


def test_throttles_of_calls_in_flight_together_cut_the_rate_once() -> None:
    bucket = TokenBucket.full(10, 20.0, 20.0, 0.0)
    for _ in range(4):  # four answers of the same moment
        bucket.on_throttle(1.0)
    assert bucket.rate == 20.0 * DECREASE and bucket.throttles == 4
    bucket.on_throttle(1.0 + 2.0 / bucket.rate)  # a later congestion event cuts again
    assert bucket.rate == 20.0 * DECREASE * DECREASE


def test_acquire_waits_on_the_injected_clock_and_respects_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    key = BucketKey("111111111111", "eu-west-1", "ec2", "write")  # burst 50, 5/s
    for _ in range(150):
        limiter.acquire(key)
    # 50 from the burst, then 100 at 5 per second: 20 s of (fake) waiting
    assert abs(clock.now - 20.0) < 1e-6


def test_buckets_are_per_account_region_service_and_category() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for account in ("111111111111", "222222222222"):
        for region in ("eu-west-1", "us-east-1"):
            for _ in range(50):
                limiter.acquire(BucketKey(account, region, "ec2", "write"))
    assert clock.now == 0.0  # each bucket spent only its own burst
    assert len(limiter.snapshot()) == 4


def test_threads_share_one_bucket() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    key = BucketKey("111111111111", "eu-west-1", "ec2", "read")  # burst 100, 20/s
    threads = [
        threading.Thread(target=lambda: [limiter.acquire(key) for _ in range(50)]) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 200 tokens: 100 from the burst, 100 more need at least 5 s at 20 per second
    assert clock.now >= 5.0 - 1e-6


def test_scale_divides_the_limits_between_processes() -> None:
    limiter = RateLimiter(clock=lambda: 0.0, scale=0.5)
    bucket = limiter.bucket(BucketKey("1", "r", "ec2", "read"))
    assert (bucket.capacity, bucket.rate) == (50, 10)
