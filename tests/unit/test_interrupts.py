"""Ctrl-C as a request to stop: once it interrupts, later ones while saving do not."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from estate.interrupts import restored, stopping


def _ctrl_c(wait: float = 5) -> None:
    os.kill(os.getpid(), signal.SIGINT)
    threading.Event().wait(wait)  # the signal arrives here (and ends the wait if it raises)


def test_ctrl_c_sets_stop_then_interrupts_and_later_ones_are_only_noted() -> None:
    before = signal.getsignal(signal.SIGINT)
    stop = threading.Event()
    with restored():
        with pytest.raises(KeyboardInterrupt), stopping(stop):
            _ctrl_c()
        assert stop.is_set()
        _ctrl_c(wait=0.05)  # on the way out: no KeyboardInterrupt cuts the exit short
    assert signal.getsignal(signal.SIGINT) is before


def test_without_ctrl_c_the_handler_is_put_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with stopping() as stop:
        pass
    assert not stop.is_set() and signal.getsignal(signal.SIGINT) is before


def test_a_second_ctrl_c_while_saving_does_not_interrupt_the_saving() -> None:
    saved = []
    with restored(), stopping() as stop:
        try:
            _ctrl_c()
        except KeyboardInterrupt:
            os.kill(os.getpid(), signal.SIGINT)  # again, while what was done is saved
            threading.Event().wait(0.05)
            saved.append("run 7")
    assert stop.is_set() and saved == ["run 7"]


def test_a_stop_set_by_other_means_still_lets_ctrl_c_interrupt() -> None:
    stop = threading.Event()
    stop.set()
    with restored(), pytest.raises(KeyboardInterrupt), stopping(stop):
        _ctrl_c()
