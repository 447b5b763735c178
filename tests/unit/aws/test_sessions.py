from __future__ import annotations

import threading
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from estate.aws.sessions import AwsSettings, SessionFactory, parse_role_arn
from estate.errors import EndpointError, InputError
from tests.unit.aws.faults import error_answer

MEMBER = "111111111111"
ROLE = f"arn:aws:iam::{MEMBER}:role/EstateReader"


def test_assumed_session_acts_in_the_member_account(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.for_account(MEMBER, ROLE)
    identity = session.call("sts", "us-east-1", "GetCallerIdentity")
    assert identity["Account"] == MEMBER
    assert factory.stats.assume_roles == 1


def test_caller_account_is_used_directly_without_assume_role(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.base_session()
    assert session.call("sts", "us-east-1", "GetCallerIdentity")["Account"] == "123456789012"
    assert factory.stats.assume_roles == 0


def test_one_session_and_one_client_per_account_region_service(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    a = factory.for_account(MEMBER, ROLE)
    assert factory.for_account(MEMBER, ROLE) is a
    assert a.client("ec2", "eu-west-1") is a.client("ec2", "eu-west-1")
    assert a.client("ec2", "eu-west-1") is not a.client("ec2", "us-east-1")
    config = a.client("ec2", "eu-west-1").meta.config
    assert config.retries["mode"] == "standard"


def test_expired_token_refreshes_credentials_and_retries_once(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.for_account(MEMBER, ROLE)
    session.call("sts", "us-east-1", "GetCallerIdentity")  # first AssumeRole
    answers = [error_answer("ExpiredToken", 400)]

    def expire_once(**_: Any) -> Any:
        return answers.pop() if answers else None

    client = session.client("ec2", "eu-west-1")
    client.meta.events.register("before-call.ec2.DescribeVpcs", expire_once)
    result = session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert "Vpcs" in result
    assert factory.stats.assume_roles == 2
    assert factory.stats.expired_refreshes == 1


def test_expired_token_twice_is_raised_not_looped(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.for_account(MEMBER, ROLE)
    client = session.client("ec2", "eu-west-1")
    client.meta.events.register(
        "before-call.ec2.DescribeVpcs", lambda **_: error_answer("RequestExpired", 400)
    )
    with pytest.raises(ClientError) as err:
        session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert err.value.response["Error"]["Code"] == "RequestExpired"
    assert factory.stats.expired_refreshes == 1


def test_credentials_that_expire_again_during_a_long_throttled_wait_are_refreshed_again(
    aws: None,
) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.for_account(MEMBER, ROLE)
    # expired, throttled (the new credentials were accepted), expired again, then an answer
    answers = [
        error_answer("RequestExpired", 400),
        error_answer("RequestLimitExceeded", 503),
        error_answer("RequestExpired", 400),
    ]

    def script(**_: Any) -> Any:
        return answers.pop(0) if answers else None

    session._sleep = lambda seconds: None  # type: ignore[method-assign]
    client = session.client("ec2", "eu-west-1")
    client.meta.events.register("before-call.ec2.DescribeVpcs", script)
    assert "Vpcs" in session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert factory.stats.expired_refreshes == 2
    assert factory.stats.throttles == 1


def test_threads_that_saw_the_same_expired_token_cause_one_assume_role(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    session = factory.for_account(MEMBER, ROLE)
    session.call("sts", "us-east-1", "GetCallerIdentity")
    creds = session._credentials
    assert creds is not None
    seen = creds.generation
    barrier = threading.Barrier(8)

    def refresh() -> None:
        barrier.wait()
        creds.force_refresh(seen)

    threads = [threading.Thread(target=refresh) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert factory.stats.assume_roles == 2  # the first fetch, then exactly one refresh


def test_denied_assume_role_surfaces_as_access_denied(aws: None) -> None:
    base = botocore.session.Session()
    base.register(
        "before-call.sts.AssumeRole", lambda **_: error_answer("AccessDenied", 403, "not allowed")
    )
    factory = SessionFactory(AwsSettings(), base=base)
    session = factory.for_account(MEMBER, ROLE)
    with pytest.raises(ClientError) as err:
        session.call("ec2", "eu-west-1", "DescribeVpcs")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert err.value.operation_name == "AssumeRole"


def test_role_in_another_account_is_refused(aws: None) -> None:
    factory = SessionFactory(AwsSettings())
    with pytest.raises(InputError, match="222222222222"):
        factory.for_account(MEMBER, "arn:aws:iam::222222222222:role/EstateReader")


@pytest.mark.parametrize(
    "arn",
    ["", "arn:aws:iam::12345:role/x", "arn:aws:s3:::bucket", "arn:aws:iam::111111111111:user/x"],
)
def test_parse_role_arn_rejects_what_is_not_a_role(arn: str) -> None:
    with pytest.raises(InputError, match="not an IAM role ARN"):
        parse_role_arn(arn)


def test_parse_role_arn_gives_the_account() -> None:
    assert parse_role_arn("arn:aws:iam::111111111111:role/path/Name") == MEMBER


def test_unreachable_endpoint_is_a_clear_input_error() -> None:
    factory = SessionFactory(AwsSettings(endpoint_url="http://127.0.0.1:9"))
    with pytest.raises(EndpointError, match=r"cannot reach endpoint_url http://127\.0\.0\.1:9"):
        factory.caller_account()


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no-such-profile"):
        SessionFactory(AwsSettings(profile="no-such-profile"))
