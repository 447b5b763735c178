"""Which accounts a run covers and how to act in each. Does I/O (STS, Organizations)."""

from __future__ import annotations

from collections.abc import Sequence

from botocore.exceptions import ClientError

from estate.aws.errors import describe
from estate.aws.organizations import get_active_accounts
from estate.aws.partitions import partition_of_arn
from estate.aws.sessions import SessionFactory
from estate.config import AccountConfig, Config
from estate.engine.plan import Target, merge_targets
from estate.errors import AwsError, InputError


def resolve_targets(
    config: Config, factory: SessionFactory, only: Sequence[str] = ()
) -> list[Target]:
    """Explicit accounts, plus the organization's ACTIVE members when `organization: true`, or
    the caller's own account when neither is given. The caller's account is used directly
    (no role) unless the config names a role for it. A role built from `role_name` is in the
    account's partition: its own `partition`, else the config's, else the caller's."""
    caller = factory.caller_account()
    caller_partition = factory.caller_partition()

    def role_for(account: AccountConfig | str) -> str | None:
        if isinstance(account, AccountConfig) and account.role_arn:
            return account.role_arn
        account_id = account.id if isinstance(account, AccountConfig) else account
        return None if account_id == caller else config.role_arn_for(account, caller_partition)

    def target(account_id: str, name: str | None, role_arn: str | None) -> Target:
        partition = partition_of_arn(role_arn) if role_arn else caller_partition
        return Target(account_id, name, role_arn, partition)

    explicit = [target(a.id, a.name, role_for(a)) for a in config.accounts]
    discovered: list[Target] = []
    if config.organization:
        try:
            members = get_active_accounts(factory.base_session())
        except ClientError as exc:
            raise AwsError(f"cannot list the organization's accounts: {describe(exc)}") from exc
        discovered = [target(m["Id"], m.get("Name"), role_for(m["Id"])) for m in members]
    elif not explicit:
        discovered = [target(caller, None, None)]
    targets = merge_targets(explicit, discovered, excluded=config.exclude_accounts, only=only)
    if only:
        unknown = sorted(set(only) - {t.account_id for t in targets})
        if unknown:
            raise InputError(f"--accounts: not in the configured accounts: {', '.join(unknown)}")
    return targets
