"""Classify botocore failures once, so nothing else needs to know error codes."""

from __future__ import annotations

import enum

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)


class ErrorKind(enum.StrEnum):
    THROTTLED = "throttled"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    EXPIRED = "expired"
    TRANSIENT = "transient"
    FATAL = "fatal"


THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "OptInRequired",
        "SignatureDoesNotMatch",
        "AuthorizationError",
        "AllAccessDisabled",
    }
)
NOT_FOUND_SUFFIXES = (
    "NotFound",
    "NotFoundException",
    "NoSuchEntity",
    "NonExistentQueue",  # SQS: AWS.SimpleQueueService.NonExistentQueue
    "QueueDoesNotExist",
)
NOT_FOUND_PREFIXES = ("NoSuch",)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError, or '' for anything else."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def classify(exc: BaseException) -> ErrorKind:
    """Map any exception raised by a botocore call to what the caller should do about it."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        # An answer to a HEAD has no body, so S3's SlowDown arrives as the bare status "503".
        if code in THROTTLING_CODES or code == "503":
            return ErrorKind.THROTTLED
        if code in EXPIRED_CODES:
            return ErrorKind.EXPIRED
        if code in DENIED_CODES or status == 403:
            return ErrorKind.DENIED
        if code.endswith(NOT_FOUND_SUFFIXES) or code.startswith(NOT_FOUND_PREFIXES):
            return ErrorKind.NOT_FOUND
        if status == 404:
            return ErrorKind.NOT_FOUND
        if status >= 500 or code in {"InternalError", "ServiceUnavailable", "InternalFailure"}:
            return ErrorKind.TRANSIENT
        return ErrorKind.FATAL
    if isinstance(
        exc,
        EndpointConnectionError | ConnectionClosedError | ReadTimeoutError | ConnectTimeoutError,
    ):
        return ErrorKind.TRANSIENT
    if isinstance(exc, NoCredentialsError):
        return ErrorKind.DENIED
    return ErrorKind.FATAL


def describe(exc: BaseException) -> str:
    """A one-line, credential-free description of a failed call."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "") or "call"
        msg = str(err.get("Message", "")).strip()
        return f"{op}: {err.get('Code', 'Error')}" + (f": {msg}" if msg else "")
    return f"{type(exc).__name__}: {exc}"
