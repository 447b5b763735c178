"""Options every command shares, and opening what a command needs (config, store, sessions)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from estate.aws.retry import RetryPolicy
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.aws.stats import CallStats
from estate.commands import use_config
from estate.config import Config, load_config
from estate.engine.ratelimit import Limiter, RateLimiter
from estate.errors import ConfigError
from estate.logsetup import setup_logging
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


def prepare(config_path: Path | None, verbose: int = 0, log_config: Path | None = None) -> Config:
    setup_logging(str(log_config) if log_config else None, verbose)
    use_config(config_path)  # for the commands we print (continue with, start a worker)
    return load_config(config_path)


def open_store(config: Config) -> Database:
    return Database(config.store)


def make_limiter(config: Config) -> Limiter:
    """API rate limits: in Redis when processes share them (see Config.shared_limits_url),
    else in this process."""
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
    settings = AwsSettings(
        endpoint_url=config.endpoint_url,
        profile=profile or config.profile,
        external_id=config.external_id,
        duration_seconds=config.session_duration,
        max_pool_connections=max(10, config.concurrency),
    )
    return SessionFactory(
        settings,
        CallStats(),
        limiter=limiter or make_limiter(config),
        policy=RetryPolicy(throttle_budget=config.throttle_budget),
    )
