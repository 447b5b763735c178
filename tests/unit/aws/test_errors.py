from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

from estate.aws.errors import ErrorKind, as_estate_error, classify, describe
from estate.errors import EndpointError


def client_error(code: str, status: int = 400, op: str = "DescribeVpcs") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        op,
    )


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("Throttling", 400, ErrorKind.THROTTLED),
        ("ThrottlingException", 400, ErrorKind.THROTTLED),
        ("RequestLimitExceeded", 503, ErrorKind.THROTTLED),
        ("SlowDown", 503, ErrorKind.THROTTLED),
        ("503", 503, ErrorKind.THROTTLED),  # S3 SlowDown to a HEAD: no body, no code
        ("ServiceUnavailable", 503, ErrorKind.TRANSIENT),
        ("TooManyRequestsException", 429, ErrorKind.THROTTLED),
        ("ExpiredToken", 400, ErrorKind.EXPIRED),
        ("ExpiredTokenException", 400, ErrorKind.EXPIRED),
        ("RequestExpired", 400, ErrorKind.EXPIRED),
        ("AccessDenied", 403, ErrorKind.DENIED),
        ("UnauthorizedOperation", 403, ErrorKind.DENIED),
        ("AuthFailure", 401, ErrorKind.DENIED),
        ("NoSuchBucket", 404, ErrorKind.NOT_FOUND),
        ("NoSuchEntity", 404, ErrorKind.NOT_FOUND),
        ("ResourceNotFoundException", 400, ErrorKind.NOT_FOUND),
        ("AWS.SimpleQueueService.NonExistentQueue", 400, ErrorKind.NOT_FOUND),
        ("InternalError", 500, ErrorKind.TRANSIENT),
        ("ValidationError", 400, ErrorKind.FATAL),
    ],
)
def test_classify_client_errors(code: str, status: int, kind: ErrorKind) -> None:
    assert classify(client_error(code, status)) == kind


def test_connection_errors_are_transient() -> None:
    assert classify(EndpointConnectionError(endpoint_url="http://x")) == ErrorKind.TRANSIENT


def test_describe_names_operation_code_and_message() -> None:
    assert (
        describe(client_error("AccessDenied", 403, "AssumeRole")) == "AssumeRole: AccessDenied: m"
    )


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="https://sts.amazonaws.com/"),
        ConnectTimeoutError(endpoint_url="https://sts.amazonaws.com/"),
        ReadTimeoutError(endpoint_url="https://sts.amazonaws.com/"),
        SSLError(endpoint_url="https://sts.amazonaws.com/", error="certificate verify failed"),
        ProxyConnectionError(proxy_url="http://proxy:3128", error="refused"),
    ],
)
def test_an_unreachable_endpoint_is_one_line_exit_1(exc: Exception) -> None:
    error = as_estate_error(exc, doing="assuming role arn:aws:iam::111111111111:role/R")
    assert isinstance(error, EndpointError) and error.exit_code == 1
    text = str(error)
    assert text.startswith("assuming role arn:aws:iam::111111111111:role/R: cannot reach ")
    assert "\n" not in text and type(exc).__name__ in text


def test_the_configured_endpoint_unreachable_is_bad_input_exit_2() -> None:
    exc = EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")
    error = as_estate_error(exc, endpoint_url="http://127.0.0.1:9")
    assert isinstance(error, EndpointError) and error.exit_code == 2
    assert "cannot reach endpoint_url http://127.0.0.1:9" in str(error)


def test_missing_credentials_are_not_blamed_on_the_endpoint() -> None:
    error = as_estate_error(NoCredentialsError(), endpoint_url="http://127.0.0.1:5000")
    assert "no AWS credentials found: export AWS_ACCESS_KEY_ID" in str(error)
    assert "127.0.0.1" not in str(error)
