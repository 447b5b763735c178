"""The throttle budget at its upper edge: a call throttled without end gives up once the
budget is spent, no later than one backoff and one paced call after it. Fake clock, real
boto3 client against moto, every answer a throttle."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from estate.aws.retry import RetryPolicy
from estate.engine.ratelimit import MIN_RATE
from tests.unit.aws.faults import error_answer
from tests.unit.aws.test_retries import MEMBER, ROLE, factory_with
from tests.unit.engine.test_ratelimit import FakeClock


@pytest.mark.parametrize("budget", [30.0, 300.0])
def test_throttling_gives_up_when_the_budget_is_spent_not_later(aws: None, budget: float) -> None:
    clock = FakeClock()
    policy = RetryPolicy(throttle_budget=budget)
    session = factory_with(clock, policy).for_account(MEMBER, ROLE)
    session.client("ec2", "eu-west-1").meta.events.register(
        "before-call.ec2.DescribeVpcs", lambda **_: error_answer("RequestLimitExceeded", 503)
    )

    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        session.call("ec2", "eu-west-1", "DescribeVpcs")

    # The last try starts before the budget ends; after it, one backoff and one paced call.
    assert budget <= clock.now <= budget + policy.max_delay + 1 / MIN_RATE
