"""The estate commands printed for a user to copy and run (continue a run, start a worker):
with the config file this process was given, so they act on the same store."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

_config_in_use: list[Path | None] = [None]


def use_config(path: Path | None) -> None:
    """Remember the -c of this invocation (None: the default ./estate.yaml)."""
    _config_in_use[0] = path


def command_line(words: Sequence[str]) -> str:
    """`estate WORDS`, with the -c in use: a line to copy into a shell, naming estate by a
    path that works from there (see estate_command)."""
    config = _config_in_use[0]
    extra = ["-c", str(config)] if config is not None else []
    program = estate_command(shutil.which("estate"), sys.executable)
    return f"{program} {shlex.join([*words, *extra])}"


def estate_command(on_path: str | None, executable: str) -> str:
    """How printed hints name estate: `estate` when the shell finds this very one, else its
    absolute path beside the running Python (a .venv/bin/ not on PATH, as after `make demo`),
    which still works after `cd`."""
    beside = Path(executable).parent / "estate"
    if on_path and Path(on_path).resolve() == beside.resolve():
        return "estate"
    if beside.exists():
        return shlex.quote(str(beside.absolute()))
    return f"{shlex.quote(executable)} -m estate"
