"""Rendering records as a table, JSON, JSON lines or CSV. Writes to the console given."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from estate.cli.options import Format


def stdout() -> Console:
    """The console for results: no wrapping of long lines, wide tables in pipes."""
    probe = Console()
    return Console(soft_wrap=True, width=None if probe.is_terminal else 200)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def render(
    console: Console,
    records: Iterable[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
    title: str | None = None,
) -> int:
    """Print records; returns how many were printed. json/jsonl carry every field; table
    and csv the given columns."""
    count = 0
    if fmt == Format.jsonl:
        for rec in records:
            console.out(json.dumps(rec, ensure_ascii=False, default=str), highlight=False)
            count += 1
        return count
    if fmt == Format.json:
        items = list(records)
        console.out(json.dumps(items, indent=2, ensure_ascii=False, default=str), highlight=False)
        return len(items)
    if fmt == Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow([_cell(rec.get(c)) for c in columns])
            count += 1
        console.out(buffer.getvalue().rstrip("\n"), highlight=False)
        return count
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for rec in records:
        table.add_row(*(_cell(rec.get(c)) for c in columns))
        count += 1
    console.print(table)
    return count


def render_json(console: Console, value: Any) -> None:
    console.out(json.dumps(value, indent=2, ensure_ascii=False, default=str), highlight=False)
