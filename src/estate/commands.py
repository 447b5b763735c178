"""The estate commands printed for a user to copy and run (continue a run, start a worker):
with the config file this process was given, so they act on the same store."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

_config_in_use: list[Path | None] = [None]


def use_config(path: Path | None) -> None:
    """Remember the -c of this invocation (None: the default ./estate.yaml)."""
    _config_in_use[0] = path


def command_line(words: Sequence[str]) -> str:
    """`estate WORDS`, with the -c in use: a line to copy into a shell."""
    config = _config_in_use[0]
    extra = ["-c", str(config)] if config is not None else []
    return shlex.join(["estate", *words, *extra])
