"""Reading a text file the user named (estate.yaml, a LOG_CFG): one line for what is wrong
with it, never a hang or a decoding traceback. Does I/O."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from estate.errors import InputError

_KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
}


def read_user_file(path: Path, what: str, error: type[InputError] = InputError) -> str:
    """The UTF-8 text of `path`; `error("[what ]path: why")` when it cannot be read as one:
    missing, a directory, unreadable, not UTF-8, or a FIFO or device named directly (opening
    one would wait for a writer forever). `<(cat file)` and /dev/stdin are read: they are
    symlinks to a pipe that already has its writer."""
    name = f"{what} {path}" if what else str(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror})") from None
    for check, kind in _KINDS.items():
        if check(mode):
            raise error(f"{name}: is {kind}, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None
