"""Pagination from botocore's own paginator models, one page at a time, so a shard can save its
token after each page and resume from it."""

from __future__ import annotations

import functools
import json
from typing import Any

import botocore.session
import jmespath
from botocore.exceptions import UnknownServiceError

from estate.errors import AwsError

TOKEN_SHOWN = 120  # characters of a token a message quotes (EC2's run to hundreds)


@functools.cache
def _loader() -> Any:
    return botocore.session.get_session().get_component("data_loader")


@functools.cache
def paginator_config(service: str, operation: str) -> dict[str, Any] | None:
    """The paginator model of an operation, or None when it returns everything at once."""
    try:
        model = _loader().load_service_model(service, "paginators-1")
    except UnknownServiceError:
        return None
    except Exception:  # a service without a paginators file
        return None
    return model.get("pagination", {}).get(operation)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def next_token(config: dict[str, Any] | None, response: dict[str, Any]) -> str | None:
    """The token of the next page as one string (JSON for multi-token APIs), or None at the end."""
    if not config:
        return None
    more = config.get("more_results")
    if more and not jmespath.search(more, response):
        return None
    values = [jmespath.search(expr, response) for expr in _as_list(config["output_token"])]
    if all(v in (None, "") for v in values):
        return None
    return values[0] if len(values) == 1 else json.dumps(values)


def token_params(config: dict[str, Any] | None, token: str | None) -> dict[str, Any]:
    """The request parameters that ask for the page after `token`."""
    if not config or token is None:
        return {}
    names = _as_list(config["input_token"])
    if len(names) == 1:
        return {names[0]: token}
    return {n: v for n, v in zip(names, json.loads(token), strict=True) if v is not None}


class RepeatedPageToken(AwsError):
    """An API handed back a page token it had handed back before. Paging on would loop, and
    stopping would pass for the end of the list: what it did not reach is unknown, so the
    listing is incomplete and must not count as complete (nothing may be marked deleted)."""

    def __init__(self, what: str, operation: str, token: str, pages: int) -> None:
        shown = token if len(token) <= TOKEN_SHOWN else token[:TOKEN_SHOWN] + "…"
        super().__init__(
            f"{what}: {operation} handed back page token {shown!r} a second time after"
            f" {pages} page(s); the listing is incomplete: failed, nothing deleted",
            kind="incomplete",
            code="RepeatedPageToken",
        )
        self.operation = operation
        self.token = token
