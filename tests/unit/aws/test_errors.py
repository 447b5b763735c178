from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from estate.aws.errors import ErrorKind, classify, describe


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
