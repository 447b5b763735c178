"""Options every command shares, and opening what a command needs (config, store, sessions)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from estate.commands import use_config
from estate.errors import ConfigError, InputError
from estate.logsetup import setup_logging

# What a command opens (config, AWS sessions, the store) is imported when it opens it: `estate
# --help` and a bad option must not pay for pydantic, botocore and SQLAlchemy.
if TYPE_CHECKING:
    from estate.aws.sessions import SessionFactory
    from estate.config import Config
    from estate.engine.ratelimit import Limiter
    from estate.store.database import Database


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default ./estate.yaml).", show_default=False),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="AWS profile for the base credentials.")
]
VerboseOpt = Annotated[
    int,
    typer.Option(
        "--verbose",
        "-v",
        count=True,
        show_default=False,
        help="More logging, repeatable: -v info, -vv debug.",
    ),
]
LogConfigOpt = Annotated[
    Path | None, typer.Option("--log-config", help="Logging YAML (dictConfig); also LOG_CFG.")
]


def _account_ids(values: list[str] | None) -> list[str] | None:
    from estate.config import ACCOUNT_ID_RE

    for value in values or []:
        if not ACCOUNT_ID_RE.match(value):
            raise typer.BadParameter(f"{value!r} is not an AWS account id (12 digits)")
    return values


def _tag_keys(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        if not value.strip():
            raise typer.BadParameter("a tag key cannot be empty")
    return values


AccountsOpt = Annotated[
    list[str] | None,
    typer.Option("--account", help="Account id, 12 digits (repeatable).", callback=_account_ids),
]
RegionsOpt = Annotated[list[str] | None, typer.Option("--region", help="Region (repeatable).")]
MissingTagOpt = Annotated[
    list[str] | None,
    typer.Option("--missing-tag", help="KEY (repeatable).", callback=_tag_keys),
]


def check_regions(regions: list[str], config: Config, option: str = "--region") -> list[str]:
    """InputError unless every region is one botocore knows or the config allows."""
    from estate.aws.regions import unknown_regions
    from estate.config import REGION_RE

    for region in regions:
        if not REGION_RE.match(region):
            raise InputError(f"{option} {region!r}: not an AWS region name")
    problems = unknown_regions(regions, config.allow_regions)
    if problems:
        raise InputError(f"{option}: " + "; ".join(problems))
    return regions


def check_accounts(accounts: list[str], option: str = "--accounts") -> list[str]:
    from estate.config import ACCOUNT_ID_RE

    for account in accounts:
        if not ACCOUNT_ID_RE.match(account):
            raise InputError(f"{option} {account!r}: not an AWS account id (12 digits)")
    return accounts


def prepare(config_path: Path | None, verbose: int = 0, log_config: Path | None = None) -> Config:
    setup_logging(str(log_config) if log_config else None, verbose)
    use_config(config_path)  # for the commands we print (continue with, start a worker)
    from estate.config import load_config

    return load_config(config_path)


def open_store(config: Config) -> Database:
    from estate.store.database import Database

    return Database(config.store)


def make_limiter(config: Config) -> Limiter:
    """API rate limits: in Redis when processes share them (see Config.shared_limits_url),
    else in this process."""
    from estate.engine.ratelimit import RateLimiter

    url = config.shared_limits_url
    if url is None:
        return RateLimiter(scale=config.rate_scale)
    try:
        from estate.engine.sharedrate import RedisRateLimiter
    except ImportError as exc:
        raise ConfigError(missing_extra("rate_limit_url", exc)) from None
    return RedisRateLimiter(url, scale=config.rate_scale)


def missing_extra(key: str, exc: ImportError) -> str:
    return (
        f"{key}: needs estate's distributed extra (pip install 'estate[distributed]'): "
        f"{exc.name or exc} is not installed"
    )


def session_factory(
    config: Config, profile: str | None = None, limiter: Limiter | None = None
) -> SessionFactory:
    """Sessions for a run; `limiter` shares rate limits with other factories (a worker's)."""
    from estate.aws.retry import RetryPolicy
    from estate.aws.sessions import AwsSettings, SessionFactory
    from estate.aws.stats import CallStats

    settings = AwsSettings(
        endpoint_url=config.endpoint_url,
        profile=profile or config.profile,
        external_id=config.external_id,
        partition=config.partition,
        duration_seconds=config.session_duration,
        max_pool_connections=max(10, config.concurrency),
    )
    return SessionFactory(
        settings,
        CallStats(),
        limiter=limiter or make_limiter(config),
        policy=RetryPolicy(throttle_budget=config.throttle_budget),
    )
