"""Which accounts a run covers and how to act in each. Does I/O (STS, Organizations)."""

from __future__ import annotations

from collections.abc import Sequence

from botocore.exceptions import ClientError

from estate.aws.errors import describe
from estate.aws.organizations import get_active_accounts
from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.engine.plan import Target, merge_targets
from estate.errors import AwsError, InputError


def resolve_targets(
    config: Config, factory: SessionFactory, only: Sequence[str] = ()
) -> list[Target]:
    """Explicit accounts, plus the organization's ACTIVE members when `organization: true`, or
    the caller's own account when neither is given. The caller's account is used directly
    (no role) unless the config names a role for it."""
    caller = factory.caller_account()

    def role_for(account_id: str, explicit_arn: str | None = None) -> str | None:
        if explicit_arn:
            return explicit_arn
        return None if account_id == caller else config.role_arn_for(account_id)

    explicit = [Target(a.id, a.name, role_for(a.id, a.role_arn)) for a in config.accounts]
    discovered: list[Target] = []
    if config.organization:
        try:
            members = get_active_accounts(factory.base_session())
        except ClientError as exc:
            raise AwsError(f"cannot list the organization's accounts: {describe(exc)}") from exc
        discovered = [Target(m["Id"], m.get("Name"), role_for(m["Id"])) for m in members]
    elif not explicit:
        discovered = [Target(caller, None, None)]
    targets = merge_targets(explicit, discovered, excluded=config.exclude_accounts, only=only)
    if only:
        unknown = sorted(set(only) - {t.account_id for t in targets})
        if unknown:
            raise InputError(f"--accounts: not in the configured accounts: {', '.join(unknown)}")
    return targets
