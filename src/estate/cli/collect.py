"""`estate collect`: build or update the inventory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from estate.cli.options import (
    ConfigOpt,
    LogConfigOpt,
    ProfileOpt,
    VerboseOpt,
    check_accounts,
    check_regions,
    open_store,
    prepare,
    session_factory,
)
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.cli.render import styled
from estate.commands import command_line

# The engine (botocore, SQLAlchemy) is imported when a collection starts, not for --help.
if TYPE_CHECKING:
    from rich.console import Console

    from estate.aws.sessions import SessionFactory
    from estate.cli.progress import CollectProgress
    from estate.config import Config
    from estate.engine.run import CollectRequest, RunSummary
    from estate.store.database import Database


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def collect(
    accounts: Annotated[
        str | None, typer.Option(help="Only these account ids (comma-separated).")
    ] = None,
    regions: Annotated[
        str | None, typer.Option(help="Only these regions (comma-separated).")
    ] = None,
    types: Annotated[
        str | None, typer.Option(help="Only these types, e.g. s3:bucket,ec2:instance.")
    ] = None,
    resume: Annotated[str | None, typer.Option(help="Continue run RUN (an id, or 'last').")] = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Collect every configured account, region and type into the inventory."""
    from estate.cli.progress import CollectProgress
    from estate.engine.run import Collection, CollectRequest
    from estate.resources.registry import get_spec

    cfg = prepare(config, verbose, log_config)
    if resume and (accounts or regions or types):
        raise typer.BadParameter("--resume continues a run as planned; drop the filters")
    for name in _split(types):
        get_spec(name)
    db = open_store(cfg)
    factory = session_factory(cfg, profile)
    request = CollectRequest(
        accounts=check_accounts(_split(accounts)),
        regions=check_regions(_split(regions), cfg, "--regions"),
        types=_split(types),
        resume=resume,
    )
    with CollectProgress(render_stderr()) as progress:
        if cfg.executor == "celery":
            summary = _collect_on_workers(cfg, db, factory, request, progress)
        else:
            summary = Collection(cfg, db, factory, listener=progress.listener).run(request)
    print_summary(render_stdout(), summary)
    raise typer.Exit(summary.exit_code)


def _collect_on_workers(
    cfg: Config,
    db: Database,
    factory: SessionFactory,
    request: CollectRequest,
    progress: CollectProgress,
) -> RunSummary:
    """Plan, send every shard to the workers, follow them to the end. Ctrl-C stops following
    (Interrupted), not the run."""
    from estate.distributed.app import make_app
    from estate.distributed.dispatch import CeleryDispatcher
    from estate.distributed.follow import RemoteCollection

    remote = RemoteCollection(
        cfg, db, factory, CeleryDispatcher(make_app(cfg)), listener=progress.listener
    )
    return remote.run(request)


def print_summary(console: Console, summary: RunSummary, most: int = 15) -> None:
    from estate.inventory.incomplete import describe_incomplete

    f = summary.figures
    colour = {"ok": "green", "partial": "yellow"}.get(summary.status, "red")
    console.print(
        styled(
            f"run {summary.run_id}: ",
            (summary.status, colour),
            f" in {f['seconds']:.1f} s — "
            f"{f['shards_total']} shards ({f['shards_ok']} ok, {f['shards_failed']} failed), "
            f"{f['resources']:,} resources; changes: {f['created']} created, "
            f"{f['modified']} modified, {f['deleted']} deleted{_refreshed(f)}; "
            f"{f['api_calls']:,} API calls, {f['throttles']} throttled, {f['retries']} retried",
        )
    )
    incomplete = describe_incomplete(
        {"resources": f.get("incomplete", 0), "calls": f.get("incomplete_calls", {})}
    )
    if incomplete:
        console.print(
            styled("  ", (incomplete, "yellow"), " (estate ls --format json shows which)")
        )
    skipped = describe_skipped(f.get("unusable", 0), f.get("foreign", 0))
    if skipped:
        console.print(f"  {skipped}")
    for key, error in sorted(summary.failures)[:most]:
        console.print(styled("  ", ("failed", "red"), f" {key}: {error}"))
    if len(summary.failures) > most:
        console.print(
            f"  … and {len(summary.failures) - most} more failed shards "
            f"(estate runs; the log in the state directory has each)"
        )
    if summary.failures:
        console.print(
            "  Nothing owned by a failed shard was changed. Retry with: "
            + command_line(["collect", "--resume", str(summary.run_id)])
        )


def _refreshed(figures: dict) -> str:
    n = figures.get("refreshed", 0)
    return f", {n} refreshed (fields a newer botocore added)" if n else ""


def describe_skipped(unusable: int, foreign: int) -> str:
    """'2 items skipped: no id or ARN; 5 shared by other accounts', or '' when neither; pure."""
    parts = []
    if unusable:
        parts.append(f"{unusable} item{'s' if unusable != 1 else ''} skipped: no id or ARN")
    if foreign:
        parts.append(f"{foreign} shared by other accounts (recorded under their owners)")
    return "; ".join(parts)
