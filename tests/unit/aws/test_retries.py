"""The call loop: throttling waited out within a budget, transient failures retried, and every
throttled answer slows the shared bucket. Real boto3 clients against moto; faults injected."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from estate.aws.retry import RetryPolicy, backoff_delay
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.engine.ratelimit import BucketKey, RateLimiter
from tests.unit.aws.faults import error_answer
from tests.unit.engine.test_ratelimit import FakeClock

MEMBER = "111111111111"
ROLE = f"arn:aws:iam::{MEMBER}:role/EstateReader"


def factory_with(clock: FakeClock, policy: RetryPolicy) -> SessionFactory:
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    return SessionFactory(AwsSettings(), limiter=limiter, policy=policy)


def answers(*codes: tuple[str, int]) -> Any:
    queue = list(codes)

    def handler(**_: Any) -> Any:
        return error_answer(*queue.pop(0)) if queue else None

    return handler


def test_throttled_calls_are_retried_and_slow_the_bucket(aws: None) -> None:
    clock = FakeClock()
    factory = factory_with(clock, RetryPolicy())
    session = factory.for_account(MEMBER, ROLE)
    client = session.client("ec2", "eu-west-1")
    client.meta.events.register(
        "before-call.ec2.DescribeVpcs",
        answers(("RequestLimitExceeded", 503), ("RequestLimitExceeded", 503), ("Throttling", 400)),
    )
    assert "Vpcs" in session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert factory.stats.retries == 3
    assert factory.stats.throttles == 3
    assert factory.stats.api_calls >= 4
    rate, ceiling, throttles = factory.limiter.snapshot()[  # type: ignore[union-attr]
        BucketKey(MEMBER, "eu-west-1", "ec2", "read")
    ]
    assert throttles == 3 and rate < ceiling
    assert clock.now > 0  # it backed off (on the fake clock)


def test_a_throttled_s3_head_is_throttling_not_a_transient_error(aws: None) -> None:
    """S3 answers a HEAD without a body: SlowDown arrives as the bare code "503"."""
    clock = FakeClock()
    factory = factory_with(clock, RetryPolicy(transient_attempts=2))
    session = factory.for_account(MEMBER, ROLE)
    s3 = session.client("s3", "eu-west-1")
    s3.create_bucket(Bucket="busy", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="busy", Key="k", Body=b"x")
    s3.meta.events.register(
        "before-call.s3.HeadObject", answers(*[("503", 503)] * 5)
    )  # more than transient_attempts: only a throttle is retried this often
    assert session.call("s3", "eu-west-1", "HeadObject", Bucket="busy", Key="k")["ContentLength"]
    assert factory.stats.throttles == 5
    snapshot = factory.limiter.snapshot()  # type: ignore[union-attr]
    assert snapshot[BucketKey(MEMBER, "eu-west-1", "s3", "object-read")][2] == 5


def test_throttling_fails_only_after_the_budget(aws: None) -> None:
    clock = FakeClock()
    factory = factory_with(clock, RetryPolicy(throttle_budget=60))
    session = factory.for_account(MEMBER, ROLE)
    session.client("ec2", "eu-west-1").meta.events.register(
        "before-call.ec2.DescribeVpcs", lambda **_: error_answer("RequestLimitExceeded", 503)
    )
    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert clock.now >= 60
    assert factory.stats.retries > 5


def test_transient_errors_are_retried_a_bounded_number_of_times(aws: None) -> None:
    clock = FakeClock()
    factory = factory_with(clock, RetryPolicy(transient_attempts=4))
    session = factory.for_account(MEMBER, ROLE)
    client = session.client("sqs", "us-east-1")
    client.meta.events.register(
        "before-call.sqs.ListQueues", answers(("InternalError", 500), ("ServiceUnavailable", 503))
    )
    assert session.call("sqs", "us-east-1", "ListQueues") is not None
    assert factory.stats.retries == 2

    def refuse(**_: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="http://reset.invalid")

    client.meta.events.register("before-call.sqs.ListQueues", refuse)
    with pytest.raises(EndpointConnectionError):
        session.call("sqs", "us-east-1", "ListQueues")
    assert factory.stats.retries == 2 + 3  # four attempts, three retries


def test_access_denied_is_not_retried(aws: None) -> None:
    clock = FakeClock()
    factory = factory_with(clock, RetryPolicy())
    session = factory.for_account(MEMBER, ROLE)
    session.client("ec2", "eu-west-1").meta.events.register(
        "before-call.ec2.DescribeVpcs", lambda **_: error_answer("UnauthorizedOperation", 403)
    )
    with pytest.raises(ClientError):
        session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert factory.stats.retries == 0 and clock.now == 0


def test_backoff_is_jittered_exponential_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=10)
    assert backoff_delay(0, policy, rand=lambda: 1.0) == 0.5
    assert backoff_delay(3, policy, rand=lambda: 1.0) == 4.0
    assert backoff_delay(10, policy, rand=lambda: 1.0) == 10
    assert backoff_delay(100, policy, rand=lambda: 0.5) == 5
    assert backoff_delay(2, policy, rand=lambda: 0.0) == 0.0
