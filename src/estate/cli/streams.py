"""The process's stdout and stderr as a command line tool needs them. Does I/O.

`estate ls | head -1` closes the pipe early: the reader is gone, which is no error of ours, so
the rest of the output is dropped quietly and the work (a collection, a job) goes on to its
end. A terminal or pipe whose encoding cannot hold a character (PYTHONIOENCODING=ascii) shows
it escaped (`\\u202e`) instead of failing the command half-way through its output.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, TextIO


class ReaderGone:
    """`stream`, except that once its reader has closed the pipe every write is dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop_the_rest()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop_the_rest()

    def _drop_the_rest(self) -> None:
        self.gone = True
        # What is still buffered is flushed at exit: to /dev/null, not into another EPIPE.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # not a file descriptor (a test's stream): dropping the writes is enough

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_standard_streams() -> None:
    """Replace sys.stdout and sys.stderr with guarded ones, for the real process only."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, ReaderGone):
            continue
        with contextlib.suppress(AttributeError, ValueError):  # not a TextIOWrapper: as it is
            stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, ReaderGone(stream))
