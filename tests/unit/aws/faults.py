"""Inject AWS error answers into real botocore clients through the event system.

A `before-call` handler that returns (http_response, parsed) short-circuits the HTTP request;
botocore then raises the ClientError exactly as for a real answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse


def error_answer(code: str, status: int = 400, message: str = "injected") -> tuple[Any, dict]:
    http = AWSResponse("https://injected.invalid", status, {}, None)
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return http, parsed


def fail_when(
    predicate: Callable[[dict[str, Any]], bool], code: str, status: int = 400
) -> Callable[..., Any]:
    """A before-call handler answering `code` whenever predicate(params) is true."""

    def handler(params: dict[str, Any], **_: Any) -> Any:
        body = params.get("body")
        if predicate(body if isinstance(body, dict) else params):
            return error_answer(code, status)
        return None

    return handler
