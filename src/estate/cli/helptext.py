"""Help texts as a user reads them: TEXT, N, PATH or the choices (table|json|jsonl|csv) after
an option, nothing after a flag, never a Python type such as <bool> or <list[str]>."""

from __future__ import annotations

import datetime as dt
import enum
import inspect
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import rich_utils
from typer.core import TyperArgument, TyperOption

_NAMES: dict[Any, str] = {int: "N", float: "NUMBER", str: "TEXT", Path: "PATH", dt.datetime: "TIME"}


def placeholder(annotation: Any, choices: Any = None) -> str:
    """The word for a value of this type, or its choices joined by '|'; pure."""
    if choices:
        return "|".join(str(c.value if isinstance(c, enum.Enum) else c) for c in choices)
    if get_origin(annotation) in (list, tuple):
        return placeholder(get_args(annotation)[0])
    return _NAMES.get(annotation, "TEXT")


def _option_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return str(self.metavar)
    if self.is_flag or self.count:
        return None
    desc = self.type_descriptor
    return placeholder(desc.annotation, desc.choices if desc.is_choice else None)


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None  # the argument's name (its metavar, e.g. ARN or [TYPE]) says it already


def _one_line_summary(original: Any) -> Any:
    """A command's summary in a list of commands: its docstring's first paragraph as one line
    (Rich markup mode keeps the docstring's own line breaks, which the table then wraps again)."""

    def summary(*, help_text: str, markup_mode: Any) -> Any:
        first = inspect.cleandoc(help_text).split("\n\n")[0]
        return original(help_text=" ".join(first.split()), markup_mode=markup_mode)

    return summary


def install() -> None:
    """Make Typer's help show these placeholders and one-line command summaries. Changes
    Typer's option and argument classes and its command-list renderer."""
    if not getattr(rich_utils, "_estate_summaries", False):
        rich_utils._make_command_help = _one_line_summary(rich_utils._make_command_help)
        rich_utils._estate_summaries = True  # type: ignore[attr-defined]
    options: Any = TyperOption
    options.display_type_rich = _option_type
    arguments: Any = TyperArgument
    arguments.display_type_rich = _argument_type
