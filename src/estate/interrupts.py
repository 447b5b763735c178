"""Ctrl-C as a request to stop: the first one stops new work from starting and interrupts the
main thread, so the work in flight can end and its state be saved; later ones while that
happens are noted, never a second KeyboardInterrupt in the middle of the saving. Only the
main thread gets signals; elsewhere these are no-ops."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)


@contextlib.contextmanager
def stopping(stop: threading.Event | None = None) -> Iterator[threading.Event]:
    """While inside, SIGINT sets `stop` and raises KeyboardInterrupt once; the handler before
    is back on leaving. Yields the event (a new one when none is given)."""
    event = stop if stop is not None else threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return

    raised: list[int] = []

    def interrupted(signum: int, frame: Any) -> None:
        event.set()
        if raised:
            log.warning("stopping: the work in flight ends and is saved first")
            return
        raised.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, previous)
