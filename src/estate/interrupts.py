"""Ctrl-C as a request to stop: the first one stops new work from starting and interrupts the
main thread, so the work in flight can end and its state be saved; later ones are noted, never
a second KeyboardInterrupt in the middle of the saving or of the program's exit. Only the main
thread gets signals; elsewhere these are no-ops."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)


def _again(signum: int, frame: Any) -> None:
    log.info("Ctrl-C again: the work in flight ends and is saved first")


@contextlib.contextmanager
def stopping(stop: threading.Event | None = None) -> Iterator[threading.Event]:
    """While inside, SIGINT sets `stop` and raises KeyboardInterrupt once. Leaving, the
    handler from before is back, unless Ctrl-C came: then the program is on its way out with
    what it saved, and later ones are only noted (`restored` puts the old one back). Yields
    the event (a new one when none is given)."""
    event = stop if stop is not None else threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    # Inside the saving after a Ctrl-C (the handler is `_again`), a new Ctrl-C only is noted.
    raised: list[int] = [signal.SIGINT] if signal.getsignal(signal.SIGINT) is _again else []

    def interrupted(signum: int, frame: Any) -> None:
        event.set()
        if raised:
            _again(signum, frame)
            return
        raised.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, _again if raised else previous)


def ignored_while_exiting() -> None:
    """The program's work is over: a Ctrl-C now must not cut the exit short. Python sets its
    own handlers back to the default late in its exit, where a SIGINT would kill the process
    (status -2, not the 130 or 0 it returns); an ignored one stays ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def restored() -> Iterator[None]:
    """The SIGINT handler as it was, on leaving: for callers of estate as a function (tests),
    not for the program, whose exit a late Ctrl-C must not cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
