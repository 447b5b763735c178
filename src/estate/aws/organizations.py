"""Member accounts of an AWS Organization (ListAccounts, once per run: it throttles)."""

from __future__ import annotations

from typing import Any

from estate.aws.partitions import home_region
from estate.resources.paging import next_token, paginator_config, token_params

PAGE_SIZE = 20  # ListAccounts' maximum


def get_active_accounts(session: Any) -> list[dict[str, Any]]:
    """Every ACTIVE account of the organization, following every page, asked of the
    partition's Organizations endpoint (cn-northwest-1 in aws-cn). Does I/O."""
    config = paginator_config("organizations", "ListAccounts")
    region = home_region(session.partition, "organizations")
    accounts: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        answer = session.call(
            "organizations", region, "ListAccounts", **token_params(config, token)
        )
        accounts += [a for a in answer.get("Accounts", []) if _is_active(a)]
        token = next_token(config, answer)
        if token is None:
            return accounts


def _is_active(account: dict[str, Any]) -> bool:
    # Status is deprecated in favour of State; accept whichever the API (or emulator) sends.
    return (account.get("State") or account.get("Status")) == "ACTIVE"
