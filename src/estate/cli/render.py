"""Rendering for people and for programs: the consoles estate prints through, text printed
literally, and records as a table, JSON, JSON lines or CSV. Writes to the console given."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from estate.cli.options import Format

# What a terminal obeys instead of showing: C0, DEL and C1. Format characters (RTL marks,
# zero-width joiners) are printable text and stay as they are.
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_CONTROL = {
    code: _NAMED.get(chr(code), f"\\x{code:02x}") for code in (*range(0x20), *range(0x7F, 0xA0))
}


def visible(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\n`); pure."""
    return text.translate(_CONTROL)


class LiteralConsole(Console):
    """A console that prints every string as it is: never markup, emoji or highlighting,
    whatever a call asks for, and control characters escaped, so AWS's and the user's text
    can neither be parsed nor steer the terminal."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(visible(text), **kwargs)


def make_console(
    *, stderr: bool = False, file: IO[str] | None = None, **options: Any
) -> LiteralConsole:
    """Every console estate prints through is made here."""
    return LiteralConsole(
        stderr=stderr,
        file=file,
        soft_wrap=True,
        markup=False,
        emoji=False,
        highlight=False,
        **options,
    )


def stdout() -> Console:
    """The console for results (records, summaries, plans)."""
    return make_console()


def stderr() -> Console:
    """The console for messages, progress and errors."""
    return make_console(stderr=True)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line from parts, each a string or (string, style); no string is ever parsed."""
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(visible(part[0]), style=part[1])
        else:
            text.append(visible(part))
    return text


def _cell(value: Any) -> Text:
    return Text(visible(_plain(value)))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def _write(console: Console, text: str) -> None:
    """Data formats go to the file as they are (Rich would drop a carriage return)."""
    console.file.write(text + "\n")
    console.file.flush()


def _csv_row(values: Sequence[str]) -> str:
    """One CSV row without its line end. Written with CRLF, so a value holding a carriage
    return is quoted too (with LF only, csv leaves it bare); rows are then joined by LF."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()[:-2]


def render(
    console: Console,
    records: Iterable[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
) -> int:
    """Print records; returns how many were printed. json/jsonl carry every field; table
    and csv the given columns. A table with no rows prints nothing."""
    count = 0
    if fmt == Format.jsonl:
        for rec in records:
            _write(console, json.dumps(rec, ensure_ascii=False, default=str))
            count += 1
        return count
    if fmt == Format.json:
        items = list(records)
        _write(console, json.dumps(items, indent=2, ensure_ascii=False, default=str))
        return len(items)
    if fmt == Format.csv:
        rows = [_csv_row(columns)]
        for rec in records:
            rows.append(_csv_row([_plain(rec.get(c)) for c in columns]))
            count += 1
        _write(console, "\n".join(rows))
        return count
    table = Table(show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for rec in records:
        table.add_row(*(_cell(rec.get(c)) for c in columns))
        count += 1
    if count:
        print_table(console, table)
    return count


def print_table(console: Console, table: Table) -> None:
    """On a terminal a table fits the screen; elsewhere (a pipe, a file) it is as wide as
    its longest values, so no value is ever folded or cut."""
    if console.is_terminal:
        console.print(table)
        return
    wide = console.options.update(width=1_000_000, max_width=1_000_000)
    width = Measurement.get(console, wide, table).maximum
    make_console(file=console.file, width=max(width, 1)).print(table)


def render_json(console: Console, value: Any) -> None:
    _write(console, json.dumps(value, indent=2, ensure_ascii=False, default=str))
