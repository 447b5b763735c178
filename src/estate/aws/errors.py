"""Classify botocore failures once, so nothing else needs to know error codes."""

from __future__ import annotations

import enum

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from estate.errors import AwsError, EndpointError, EstateError, InputError

NO_CREDENTIALS = (
    "no AWS credentials found: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
    "or set AWS_PROFILE (or --profile)"
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
    if isinstance(exc, AwsError):  # already classified where it arose (e.g. AssumeRole)
        return next((k for k in ErrorKind if k.value == exc.kind), ErrorKind.FATAL)
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


# A server's message longer than this is cut: a proxy's HTML page or botocore quoting a whole
# response body (ResponseParserError) must fit a shard's status and an error line.
MESSAGE_LIMIT = 300


def describe(exc: BaseException) -> str:
    """A one-line, credential-free description of a failed call, at most about
    MESSAGE_LIMIT characters of what the server or botocore said; pure."""
    if isinstance(exc, EstateError):
        return str(exc)
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "") or "call"
        msg = brief(str(err.get("Message", "")))
        return f"{op}: {err.get('Code', 'Error')}" + (f": {msg}" if msg else "")
    # botocore's first line says what went wrong; later ones quote the body it got.
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {brief(first.rstrip(':'))}"


def brief(text: str) -> str:
    """`text` on one line, cut after MESSAGE_LIMIT characters with how much was left; pure."""
    flat = " ".join(text.split())
    if len(flat) <= MESSAGE_LIMIT:
        return flat
    return f"{flat[:MESSAGE_LIMIT]}… ({len(flat) - MESSAGE_LIMIT:,} more characters)"


def is_unreachable(exc: BaseException) -> bool:
    """True for a failure to talk to an endpoint at all (refused, timed out, TLS, proxy)."""
    return isinstance(exc, BotoConnectionError | HTTPClientError)


def as_estate_error(
    exc: BaseException, *, endpoint_url: str | None = None, doing: str = ""
) -> EstateError:
    """The one-line EstateError for a botocore exception nobody handled: an unreachable
    endpoint (exit 2 when it is the configured one, else 1), missing credentials, a refused
    call. `doing` says what was under way ("assuming role ARN"), `endpoint_url` the configured
    endpoint, if any."""
    prefix = f"{doing}: " if doing else ""
    if is_unreachable(exc):
        kwargs = getattr(exc, "kwargs", {})
        where = kwargs.get("endpoint_url") or kwargs.get("proxy_url") or "AWS"
        target = f"endpoint_url {endpoint_url}" if endpoint_url else where
        return EndpointError(
            f"{prefix}cannot reach {target}: {_reason(exc)}", configured=bool(endpoint_url)
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
        return AwsError(f"{prefix}{NO_CREDENTIALS} ({exc})", kind=ErrorKind.DENIED)
    if isinstance(exc, NoRegionError):
        return InputError(f"{prefix}no AWS region: set AWS_DEFAULT_REGION (e.g. us-east-1)")
    if isinstance(exc, ClientError | BotoCoreError):
        return AwsError(f"{prefix}{describe(exc)}", kind=classify(exc), code=error_code(exc))
    raise TypeError(f"not a botocore exception: {type(exc).__name__}")


def _reason(exc: BaseException) -> str:
    """botocore's own sentence, without the urllib3 chain it sometimes appends."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
