"""While a progress bar is live, log lines go through its console, so they print above the
bar instead of breaking it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


class ConsoleHandler(logging.Handler):
    """Writes formatted records through a Rich console (which keeps a live bar intact)."""

    def __init__(self, console: Console, like: logging.Handler) -> None:
        super().__init__(like.level)
        self.console = console
        self.setFormatter(like.formatter)
        for f in like.filters:
            self.addFilter(f)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record))
        except Exception:  # a log line must never end the work it describes
            self.handleError(record)


def _stream_handlers(logger: logging.Logger) -> list[logging.Handler]:
    """The handlers that write to a stream (stderr), not to a file."""
    return [h for h in logger.handlers if type(h) is logging.StreamHandler]


@contextmanager
def logging_through(console: Console) -> Iterator[None]:
    """Replace the root logger's stream handlers with ones writing through `console`, and
    put them back afterwards. Changes the logging setup."""
    root = logging.getLogger()
    replaced = [(h, ConsoleHandler(console, h)) for h in _stream_handlers(root)]
    for old, new in replaced:
        root.removeHandler(old)
        root.addHandler(new)
    try:
        yield
    finally:
        for old, new in replaced:
            root.removeHandler(new)
            root.addHandler(old)
