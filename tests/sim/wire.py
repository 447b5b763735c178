"""What an AWS request is, read off the wire, and AWS's error answers in each protocol's format.

Pure: bytes and headers in, values out. The error bodies are the ones botocore's parsers turn
into a ClientError with the intended code (checked against real clients in test_proxy.py).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qs, urlsplit

DEFAULT_ACCOUNT = "123456789012"  # moto's account for any key it did not issue

# Answer formats, by how the request was made.
EC2 = "ec2"  # EC2's own query dialect: <Response><Errors>
QUERY = "query"  # iam, sts, sns, rds, autoscaling, cloudformation: <ErrorResponse>
JSON = "json"  # X-Amz-Target: dynamodb, sqs, organizations, kms, logs...
CBOR = "cbor"  # smithy-rpc-v2-cbor: cloudwatch
S3 = "s3"  # rest-xml with S3's bare <Error>
REST_XML = "rest-xml"  # route53, cloudfront: <ErrorResponse> like query
REST_JSON = "rest-json"  # lambda, apigateway, eks...

_REST_XML_SERVICES = frozenset({"route53", "cloudfront"})
_READ_PREFIXES = ("Describe", "Get", "List", "Head", "BatchGet", "Query", "Scan")
_EC2_TAG_OPERATIONS = frozenset({"CreateTags", "DeleteTags"})
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_ROLE_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):")
_ACCESS_KEY = re.compile(
    rb"<AccessKeyId>\s*([^<\s]+)\s*</AccessKeyId>|\"AccessKeyId\"\s*:\s*\"([^\"]+)\""
)


@dataclass(frozen=True)
class Call:
    """One request as the proxy sees it. `service` and `region` come from the SigV4 credential
    scope (the signing name: cloudwatch is "monitoring"); all three are "" when unsigned."""

    method: str
    protocol: str
    access_key: str = ""
    service: str = ""
    region: str = ""
    operation: str = ""  # "" for REST protocols, which name no operation
    content_type: str = ""
    params: Mapping[str, str] = field(default_factory=dict)  # query/form/JSON top level

    @property
    def signed(self) -> bool:
        return bool(self.access_key and self.service)

    @property
    def category(self) -> str:
        """The rate-limit bucket: "tags" (EC2 tag calls), "read" or "write"."""
        if self.service == "ec2" and self.operation in _EC2_TAG_OPERATIONS:
            return "tags"
        if self.operation:
            return "read" if self.operation.startswith(_READ_PREFIXES) else "write"
        return "read" if self.method in ("GET", "HEAD") else "write"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def read_call(method: str, target: str, headers: Mapping[str, str] | Message, body: bytes) -> Call:
    """Classify a request from its method, request target (path?query), headers and body.

    `headers` must look names up case-insensitively, as http.server's Message does.
    """
    query = urlsplit(target).query
    params = _first_values(parse_qs(query, keep_blank_values=True))
    access_key, region, service = _scope(headers.get("Authorization") or "", params)
    content_type = headers.get("Content-Type") or ""
    amz_target = headers.get("X-Amz-Target") or ""
    if amz_target:
        protocol, operation = JSON, amz_target.rsplit(".", 1)[-1]
        if service == "sts":  # only STS bodies matter (RoleArn); others can be large
            params = {**params, **_json_params(body)}
    elif (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor":
        protocol, operation = CBOR, urlsplit(target).path.rstrip("/").rsplit("/", 1)[-1]
    elif service == "s3":
        protocol, operation = S3, ""
    elif service in _REST_XML_SERVICES:
        protocol, operation = REST_XML, ""
    else:
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            params = {**params, **_first_values(form)}
        operation = params.get("Action", "")
        protocol = (EC2 if service == "ec2" else QUERY) if operation else REST_JSON
    return Call(
        method=method,
        protocol=protocol,
        access_key=access_key,
        service=service,
        region=region,
        operation=operation,
        content_type=content_type,
        params=params,
    )


def _scope(authorization: str, params: Mapping[str, str]) -> tuple[str, str, str]:
    """(access key, region, service) from a SigV4 Authorization header or presigned query."""
    match = _SCOPE.search(authorization)
    if match is None and "X-Amz-Credential" in params:
        match = _SCOPE.search("Credential=" + params["X-Amz-Credential"])
    if match is None:
        return "", "", ""
    return match.group(1), match.group(2), match.group(3)


def _first_values(parsed: Mapping[str, list[str]]) -> dict[str, str]:
    return {name: values[0] for name, values in parsed.items() if values}


def _json_params(body: bytes) -> dict[str, str]:
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    return {k: v for k, v in document.items() if isinstance(v, str)}


def role_account(call: Call) -> str | None:
    """The account an AssumeRole* call asks for (from RoleArn), else None."""
    match = _ROLE_ACCOUNT.match(call.params.get("RoleArn", ""))
    return match.group(1) if match else None


def issued_key(response_body: bytes) -> str | None:
    """The AccessKeyId an STS (or IAM CreateAccessKey) response hands out, else None."""
    match = _ACCESS_KEY.search(response_body)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


# --- answers --------------------------------------------------------------------------------


def throttled(call: Call) -> Answer:
    """AWS's "slow down" in the call's protocol."""
    if call.protocol == EC2:
        return _ec2(503, "RequestLimitExceeded", "Request limit exceeded.")
    if call.protocol == S3:
        return _s3(503, "SlowDown", "Please reduce your request rate.")
    if call.protocol == REST_JSON:
        return _rest_json(429, "TooManyRequestsException", "Rate exceeded", Type="User")
    if call.protocol in (JSON, CBOR):
        return _typed(call, 400, "ThrottlingException", "Rate exceeded")
    return _error_response(400, "Sender", "Throttling", "Rate exceeded")


def expired(call: Call) -> Answer:
    """AWS's answer to a request signed with expired temporary credentials."""
    if call.protocol == EC2:
        return _ec2(400, "RequestExpired", "Request has expired.")
    message = "The security token included in the request is expired"
    if call.protocol == S3:
        return _s3(400, "ExpiredToken", "The provided token has expired.")
    if call.protocol == REST_JSON:
        return _rest_json(400, "ExpiredTokenException", message)
    if call.protocol in (JSON, CBOR):
        return _typed(call, 400, "ExpiredTokenException", message)
    return _error_response(400, "Sender", "ExpiredToken", message)


def internal_error(call: Call) -> Answer:
    """AWS's 500 in the call's protocol."""
    if call.protocol == EC2:
        return _ec2(500, "InternalError", "An internal error has occurred.")
    if call.protocol == S3:
        return _s3(500, "InternalError", "We encountered an internal error. Please try again.")
    message = "An internal error has occurred."
    if call.protocol == REST_JSON:
        return _rest_json(500, "InternalFailure", message)
    if call.protocol in (JSON, CBOR):
        return _typed(call, 500, "InternalFailure", message)
    return _error_response(500, "Receiver", "InternalFailure", message)


def bad_gateway(detail: str) -> Answer:
    """The upstream (moto) did not answer: an empty 502, which botocore reads as code "502"."""
    return Answer(502, (("x-sim-upstream-error", detail[:200]),), b"")


def _request_id() -> str:
    return str(uuid.uuid4())


def _xml(text: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()


def _ec2(status: int, code: str, message: str) -> Answer:
    body = (
        f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        f"</Errors><RequestID>{_request_id()}</RequestID></Response>"
    )
    return Answer(status, (("Content-Type", "text/xml;charset=UTF-8"),), _xml(body))


def _error_response(status: int, kind: str, code: str, message: str) -> Answer:
    body = (
        f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}"
        f"</Message></Error><RequestId>{_request_id()}</RequestId></ErrorResponse>"
    )
    return Answer(status, (("Content-Type", "text/xml"),), _xml(body))


def _s3(status: int, code: str, message: str) -> Answer:
    request_id = _request_id()
    body = (
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    )
    headers = (("Content-Type", "application/xml"), ("x-amz-request-id", request_id))
    return Answer(status, headers, _xml(body))


def _rest_json(status: int, code: str, message: str, **extra: str) -> Answer:
    headers = (
        ("Content-Type", "application/json"),
        ("x-amzn-ErrorType", code),
        ("x-amzn-RequestId", _request_id()),
    )
    return Answer(status, headers, json.dumps({"message": message, **extra}).encode())


def _typed(call: Call, status: int, code: str, message: str) -> Answer:
    """The JSON (X-Amz-Target) and RPC v2 CBOR protocols: {"__type": code, "message": ...}."""
    document = {"__type": code, "message": message}
    request_id = ("x-amzn-RequestId", _request_id())
    if call.protocol == CBOR:
        cbor = (("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"))
        return Answer(status, (*cbor, request_id), cbor_text_map(document))
    content_type = call.content_type
    if not content_type.startswith("application/x-amz-json"):
        content_type = "application/x-amz-json-1.1"
    headers = (("Content-Type", content_type), ("x-amzn-ErrorType", code), request_id)
    return Answer(status, headers, json.dumps(document).encode())


def cbor_text_map(document: Mapping[str, str]) -> bytes:
    """CBOR (RFC 8949) for a small map of text to text: all an error body needs."""
    return _cbor_head(5, len(document)) + b"".join(
        _cbor_text(key) + _cbor_text(value) for key, value in document.items()
    )


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    return _cbor_head(3, len(data)) + data


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError(f"CBOR item too long: {length}")
