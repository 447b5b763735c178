"""Querying the inventory: ls, show, history, changes, runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from estate.cli.options import (
    AccountsOpt,
    ConfigOpt,
    Format,
    FormatOpt,
    LogConfigOpt,
    MissingTagOpt,
    RegionsOpt,
    VerboseOpt,
    check_regions,
    open_store,
    prepare,
)
from estate.cli.render import render, styled
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.errors import InputError
from estate.inventory.arns import check_arn
from estate.inventory.changekinds import ALL_CHANGES, SHOWN_CHANGES

if TYPE_CHECKING:
    from rich.console import Console

    from estate.store import queries
    from estate.store.database import Database

ArnArg = Annotated[str, typer.Argument(help="The resource's ARN.")]
RESOURCE_COLUMNS = ("type", "account", "region", "id", "name", "tags", "last_seen")
CHANGE_COLUMNS = ("run", "at", "change", "type", "account", "region", "arn", "fields")
RUN_COLUMNS = (
    "run", "status", "started_at", "duration_s", "resumes", "shards_ok", "shards_failed",
    "resources", "incomplete", "unusable", "foreign", "created", "modified", "deleted",
    "refreshed", "api_calls", "throttles", "retries",
)  # fmt: skip
RUN_TABLE = {
    "run": "run", "status": "status", "started_at": "started", "duration_s": "secs",
    "resumes": "resumed", "shards_ok": "ok", "shards_failed": "failed", "resources": "resources",
    "incomplete": "incomplete", "created": "+", "modified": "~", "deleted": "-",
    "api_calls": "calls", "throttles": "throttled", "retries": "retries",
}  # fmt: skip
# Table columns shown only when a listed run has a figure in them.
RUN_TABLE_IF_ANY = {"unusable": "skipped", "foreign": "shared", "refreshed": "refreshed"}
CHANGE_KINDS = ALL_CHANGES
ChangeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--change",
        help="created|modified|deleted|refreshed (refreshed: fields only a newer botocore "
        "added; shown only when asked).",
    ),
]


def check_change_kinds(kinds: list[str] | None) -> list[str]:
    """The kinds asked for (none: every kind but refreshed); InputError on another word."""
    for kind in kinds or []:
        if kind not in CHANGE_KINDS:
            raise InputError(f"--change {kind!r}: expected one of {', '.join(CHANGE_KINDS)}")
    return list(kinds or SHOWN_CHANGES)


def parse_tag(text: str, option: str = "--tag") -> tuple[str, str | None]:
    """'k=v' → (k, v); 'k' → (k, None) meaning any value."""
    key, sep, value = text.partition("=")
    if not key:
        raise InputError(f"{option} {text!r}: expected KEY=VALUE or KEY")
    return key, (value if sep else None)


def ls(
    type_: Annotated[str | None, typer.Argument(metavar="TYPE", help="e.g. ec2:instance")] = None,
    account: AccountsOpt = None,
    region: RegionsOpt = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="KEY=VALUE, or KEY.")] = None,
    missing_tag: MissingTagOpt = None,
    deleted: Annotated[bool, typer.Option("--deleted", help="Deleted resources only.")] = False,
    related_to: Annotated[
        str | None,
        typer.Option("--related-to", metavar="ARN", help="What this ARN uses, and what uses it."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most N resources.")] = None,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """List resources from the inventory."""
    from estate.resources.registry import get_spec
    from estate.store import queries

    cfg = prepare(config, verbose, log_config)
    if type_:
        get_spec(type_)
    selection = queries.Selection(
        types=[type_] if type_ else [],
        accounts=account or [],
        regions=check_regions(region or [], cfg),
        tags=dict(parse_tag(t) for t in tag or []),
        missing_tags=missing_tag or [],
        deleted=deleted,
        related_to=_related_arn(related_to),
    )
    db = open_store(cfg)
    count = render(
        render_stdout(), queries.load_resources(db, selection, limit), fmt, RESOURCE_COLUMNS
    )
    if not count:
        render_stderr().print(no_resources_match(selection))
    elif fmt == Format.table:
        render_stderr().print(f"{count} resource{'s' if count != 1 else ''}")


def _related_arn(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_arn(value)
    except InputError as exc:
        raise InputError(f"--related-to: {exc}") from None


def describe_selection(sel: queries.Selection) -> str:
    """The filters of a selection in words, e.g. 'type ec2:instance, tag env=prod'; pure."""
    parts = [f"type {t}" for t in sel.types]
    parts += [f"account {a}" for a in sel.accounts]
    parts += [f"region {r}" for r in sel.regions]
    parts += [f"tag {k}={v}" if v is not None else f"tag {k}" for k, v in sel.tags.items()]
    parts += [f"missing tag {k}" for k in sel.missing_tags]
    parts += ["deleted"] if sel.deleted else []
    parts += [f"related to {sel.related_to}"] if sel.related_to else []
    return ", ".join(parts)


def no_resources_match(sel: queries.Selection) -> str:
    filters = describe_selection(sel)
    if filters:
        return f"no resources match: {filters}"
    return "no resources in the inventory (run `estate collect`?)"


def _store_for(
    arn: str, config: Path | None, verbose: int = 0, log_config: Path | None = None
) -> Database:
    """The inventory to look an ARN up in, once the ARN is known to be one."""
    cfg = prepare(config, verbose, log_config)
    check_arn(arn)
    return open_store(cfg)


def show(
    arn: ArnArg,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """One resource: current config, tags, first and last seen."""
    from estate.store import queries

    db = _store_for(arn, config, verbose, log_config)
    record = queries.load_resource(db, arn)
    if record is None:
        raise InputError(f"{arn}: not in the inventory (run `estate collect`?)")
    record["relations"] = queries.load_relations(db, arn)
    console = render_stdout()
    if fmt != Format.table:
        render(console, [record], fmt, RESOURCE_COLUMNS)
        return
    for key in ("arn", "type", "account", "region", "id", "name", "first_seen", "last_seen"):
        console.print(styled((f"{key:11}", "bold"), f" {record[key]}"))
    if record["deleted"]:
        console.print(styled(("deleted    ", "bold"), " ", ("yes", "red")))
    tags = ", ".join(f"{k}={v}" for k, v in record["tags"].items()) or "(none)"
    console.print(styled(("tags       ", "bold"), f" {tags}"))
    _print_relations(console, record["relations"])
    console.print_json(json.dumps(record["config"], sort_keys=True, default=str))


def _print_relations(console: Console, found: dict[str, list[dict[str, Any]]]) -> None:
    """Its edges, one per line: `uses  subnet  arn (name)`, then `used by ...`; an edge to
    what the inventory does not hold says so."""
    for heading, edges in (("uses", found["uses"]), ("used by", found["used_by"])):
        for edge in edges:
            known = f" ({edge['name']})" if edge.get("name") else ""
            if heading == "uses" and not edge["in_inventory"]:
                known = " (not in the inventory)"
            console.print(
                styled((f"{heading:11}", "bold"), f" {edge['kind']:16} {edge['arn']}{known}")
            )


def history(
    arn: ArnArg,
    change: ChangeOpt = None,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """The changes of one resource over time, with field-level diffs."""
    from estate.store import queries

    kinds = check_change_kinds(change)
    db = _store_for(arn, config, verbose, log_config)
    events = queries.load_history(db, arn, kinds=kinds)
    if not events and queries.load_resource(db, arn) is None:
        raise InputError(f"{arn}: not in the inventory")
    if not events:
        render_stderr().print(f"{arn}: no changes recorded")
    console = render_stdout()
    if fmt != Format.table:
        render(console, events, fmt, CHANGE_COLUMNS)
        return
    for event in events:
        colour = {"created": "green", "deleted": "red"}.get(event["change"], "yellow")
        console.print(styled(f"{event['at']}  run {event['run']}  ", (event["change"], colour)))
        for path, d in event["diff"].items():
            if "items_added" in d:
                console.print(f"    {path}:")
                for item in d["items_added"]:
                    console.print(styled("      ", ("+", "green"), f" {_short(item, 120)}"))
                for item in d["items_removed"]:
                    console.print(styled("      ", ("-", "red"), f" {_short(item, 120)}"))
                continue
            console.print(f"    {path}: {_short(d['old'])} → {_short(d['new'])}")


def _short(value: Any, width: int = 80) -> str:
    text = "∅" if value is None else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def changes(
    run: Annotated[str | None, typer.Option(help="A run id, or 'last' (the default).")] = None,
    since: Annotated[str | None, typer.Option(help="ISO date/time, e.g. 2026-11-01.")] = None,
    change: ChangeOpt = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Only this type.")] = None,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """What was created, modified or deleted (the last run's, unless --run or --since)."""
    from estate.resources.registry import get_spec
    from estate.store import queries
    from estate.store.runs import load_run

    cfg = prepare(config, verbose, log_config)
    kinds = check_change_kinds(change)
    for name in type_ or []:
        get_spec(name)
    when = _parse_since(since) if since else None
    db = open_store(cfg)
    run_id = None
    if when is None:
        run_id = load_run(db, run)["run"]
    records = queries.load_changes(db, run_id=run_id, since=when, kinds=kinds, types=type_ or [])
    if not render(render_stdout(), records, fmt, CHANGE_COLUMNS):
        filters = [f"run {run_id}" if run_id is not None else f"since {since}"]
        filters += [f"change {k}" for k in change or []] + [f"type {t}" for t in type_ or []]
        render_stderr().print(f"no changes match: {', '.join(filters)}")


def _parse_since(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since {text!r}: expected an ISO date or date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def runs(
    limit: Annotated[int, typer.Option(min=1, help="The newest N runs.")] = 20,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Past runs: when, status, shards ok/failed, resources, changes, API figures."""
    from estate.store.figures import with_progress
    from estate.store.runs import load_runs

    cfg = prepare(config, verbose, log_config)
    db = open_store(cfg)
    records = [with_progress(db, r) for r in load_runs(db, limit)]  # runs going on: so far
    if not records:
        render_stderr().print("no runs yet: estate collect starts one")
    if fmt == Format.table:
        table = dict(RUN_TABLE)
        for key, title in RUN_TABLE_IF_ANY.items():
            if any(r.get(key) for r in records):
                table[key] = title
        rows = [
            {
                table[k]: (v[:19].replace("T", " ") if k == "started_at" and v else v)
                for k, v in r.items()
                if k in table
            }
            for r in records
        ]
        render(render_stdout(), rows, fmt, list(table.values()))
        return
    render(render_stdout(), records, fmt, RUN_COLUMNS)
