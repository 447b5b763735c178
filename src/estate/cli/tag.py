"""`estate tag`: plan a bulk tag change over a selection of the inventory; with --apply, run it
as a job (resumable with `estate resume`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from estate.cli.inventory import parse_tag
from estate.cli.options import (
    AccountsOpt,
    ConfigOpt,
    Format,
    FormatOpt,
    LogConfigOpt,
    MissingTagOpt,
    ProfileOpt,
    RegionsOpt,
    VerboseOpt,
    check_regions,
    open_store,
    prepare,
    session_factory,
)
from estate.cli.progress import CollectProgress
from estate.cli.render import print_table, render, visible
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.errors import EstateError, InputError

if TYPE_CHECKING:
    from estate.actions.tagplan import TagChange, TagPlan
    from estate.aws.sessions import SessionFactory
    from estate.config import Config
    from estate.store import queries
    from estate.store.database import Database

PLAN_COLUMNS = ("arn", "type", "account", "region", "action", "set", "unset")
MOST_GROUPS = 40  # rows of the plan table; the rest are summed up in one line


def tag(
    type_: Annotated[
        str | None, typer.Argument(metavar="TYPE", help="e.g. ec2:instance; default: any.")
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="KEY=VALUE to write (repeatable).")
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", help="KEY to remove (repeatable).")
    ] = None,
    account: AccountsOpt = None,
    region: RegionsOpt = None,
    tag_: Annotated[list[str] | None, typer.Option("--tag", help="KEY=VALUE, or KEY.")] = None,
    missing_tag: MissingTagOpt = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="Collect the selection's types, accounts and regions first."),
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the changes (as a job); else print the plan.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    max_resources: Annotated[
        int | None,
        typer.Option("--max-resources", min=0, help="Refuse a plan changing more resources."),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size", min=1, help="Resources per call at most (default: the API's maximum)."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Add, change or remove tags on every resource of a selection (a plan unless --apply)."""
    from estate.actions.jobs import JobContext
    from estate.actions.tag import create_tag_job, resume_job
    from estate.actions.tagplan import (
        check_taggable,
        parse_tag_change,
        plan_tags,
        tag_config_keys,
    )
    from estate.resources.registry import REGISTRY, get_spec
    from estate.store import queries
    from estate.store.tagging import load_tag_targets

    change = parse_tag_change(set_ or [], unset or [])
    if type_:
        check_taggable(get_spec(type_))
    filters = dict(parse_tag(t) for t in tag_ or [])
    cfg = prepare(config, verbose, log_config)
    selection = queries.Selection(
        types=[type_] if type_ else [],
        accounts=account or [],
        regions=check_regions(region or [], cfg),
        tags=filters,
        missing_tags=missing_tag or [],
    )
    db = open_store(cfg)
    factory: SessionFactory | None = None
    if live:
        factory = session_factory(cfg, profile)
        _collect_again(cfg, db, factory, selection)
    targets = load_tag_targets(db, selection, tag_config_keys(REGISTRY.values()))
    plan = plan_tags(targets, change, get_spec, batch_size)
    _check(plan, max_resources)
    out, err = render_stdout(), render_stderr()
    if fmt == Format.table:
        _print_plan(out, plan)
    else:
        render(out, (i.record() for i in plan.items), fmt, PLAN_COLUMNS)
    work = len(plan.to_change)
    if not work:
        err.print("nothing to change")
        raise typer.Exit(0)
    if not apply:
        err.print(f"nothing changed: add --apply to tag {work:,} resources")
        raise typer.Exit(0)
    if not yes and sys.stdin.isatty() and err.is_terminal:
        accounts = len(plan.accounts)
        if not typer.confirm(
            f"Change the tags of {work:,} resources in {accounts} account(s)?", err=True
        ):
            err.print("nothing changed")
            raise typer.Exit(1)
    ctx = JobContext(
        config=cfg,
        db=db,
        factory=factory or session_factory(cfg, profile),
        out=out if fmt == Format.table else err,  # stdout stays the plan's records
        err=err,
        options={"yes": yes},
    )
    job = create_tag_job(ctx, plan, _plain(selection), live)
    raise typer.Exit(resume_job(ctx, job))


def _plain(selection: queries.Selection) -> dict[str, Any]:
    return {
        "types": list(selection.types),
        "accounts": list(selection.accounts),
        "regions": list(selection.regions),
        "tags": dict(selection.tags),
        "missing_tags": list(selection.missing_tags),
    }


def _collect_again(
    cfg: Config, db: Database, factory: SessionFactory, selection: queries.Selection
) -> None:
    """--live: collect the selection's types, accounts and regions, so the plan starts from
    what AWS has now. Refuses to plan when any of it could not be read."""
    from estate.actions.tagplan import untaggable_reason
    from estate.engine.run import Collection, CollectRequest
    from estate.resources.registry import REGISTRY, get_spec

    types = list(selection.types) or [
        t for t in (cfg.types or REGISTRY) if untaggable_reason(get_spec(t)) is None
    ]
    request = CollectRequest(
        accounts=list(selection.accounts), regions=list(selection.regions), types=types
    )
    with CollectProgress(render_stderr()) as progress:
        summary = Collection(cfg, db, factory, listener=progress.listener).run(request)
    if summary.failures:
        key, error = sorted(summary.failures)[0]
        raise EstateError(
            f"--live: {len(summary.failures)} shard(s) could not be read again "
            f"(first: {key}: {error}); nothing was planned "
            f"(retry with: estate collect --resume {summary.run_id})"
        )


def _check(plan: TagPlan, max_resources: int | None) -> None:
    from estate.actions.tagplan import MAX_TAGS

    if plan.over_limit:
        arn, count = plan.over_limit[0]
        more = f" (and {len(plan.over_limit) - 1} more)" if len(plan.over_limit) > 1 else ""
        raise InputError(f"{arn} would have {count} tags; AWS allows {MAX_TAGS} per resource{more}")
    work = len(plan.to_change)
    if max_resources is not None and work > max_resources:
        raise InputError(
            f"the plan changes {work:,} resources, more than --max-resources {max_resources:,}"
        )


def _print_plan(console: Console, plan: TagPlan) -> None:
    from estate.actions.tagplan import untaggable_reason
    from estate.resources.registry import get_spec

    groups = plan.groups()
    # the change is a line of its own, not the table's title: a title folds to the table's width
    console.print(f"plan: {plan.change.describe()}")
    table = Table(header_style="bold")
    for column in ("account", "region", "calls to", "resources", "already", "calls"):
        justify: Any = "right" if column in ("resources", "already", "calls") else "left"
        table.add_column(column, justify=justify)
    for g in groups[:MOST_GROUPS]:
        calls = f"{g.calls:,}"
        table.add_row(
            *(Text(visible(c)) for c in (g.account, g.region, _calls_text(g.api, plan.change))),
            f"{g.resources:,}",
            f"{g.unchanged:,}",
            calls,
        )
    if len(groups) > MOST_GROUPS:
        rest = groups[MOST_GROUPS:]
        table.add_row(
            f"… {len(rest)} more groups",
            "",
            "",
            f"{sum(g.resources for g in rest):,}",
            f"{sum(g.unchanged for g in rest):,}",
            f"{sum(g.calls for g in rest):,}",
        )
    if groups:
        print_table(console, table)
    work = plan.to_change
    console.print(
        f"{len(work):,} resources to change in {len(plan.accounts)} account(s) and "
        f"{len(groups)} group(s), {len(plan.unchanged):,} already as desired; "
        f"{plan.calls:,} calls"
    )
    for type_name, count in plan.excluded.items():
        reason = untaggable_reason(get_spec(type_name))
        console.print(f"left out: {count:,} {type_name} ({reason})")


def _calls_text(api_name: str, change: TagChange) -> str:
    """The calls a group makes: its API's operations the change needs."""
    from estate.actions.tagplan import APIS

    return APIS[api_name].calls_text(change)
