"""`estate types`: every resource type estate collects, and how."""

from __future__ import annotations

from typing import Annotated

import typer

from estate.cli.options import Format, FormatOpt
from estate.cli.render import render
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.errors import InputError

COLUMNS = ("type", "scope", "calls", "tags read", "tags written", "relations", "moto")


def types(
    service: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SERVICE]...", help="Only these services (e.g. ec2 elbv2)."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the resource types estate collects: scope, calls, tags, relations."""
    from estate.resources.catalog import catalog, table_row
    from estate.resources.registry import REGISTRY

    wanted = [s.strip().rstrip(":") for s in service or [] if s.strip()]
    known = {spec.service for spec in REGISTRY.values()}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise InputError(f"unknown service {unknown[0]!r} (known: {', '.join(sorted(known))})")
    specs = [spec for spec in REGISTRY.values() if not wanted or spec.service in wanted]
    records = catalog(specs)
    if fmt in (Format.table, Format.csv):
        count = render(render_stdout(), (table_row(r) for r in records), fmt, COLUMNS)
    else:
        count = render(render_stdout(), records, fmt, COLUMNS)
    if fmt == Format.table:
        services = len({r["service"] for r in records})
        render_stderr().print(f"{count} types in {services} services", highlight=False)
