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


def test_the_saving_in_its_own_stopping_block_after_a_ctrl_c_is_not_interrupted() -> None:
    # run_job saves the interrupted job inside a new `stopping()`: a Ctrl-C there is a later one
    saved = []
    with restored():
        try:
            with stopping():
                _ctrl_c()
        except KeyboardInterrupt:
            with stopping():
                _ctrl_c(wait=0.05)
                saved.append("job 1")
    assert saved == ["job 1"]


def test_the_exit_ignores_ctrl_c_so_the_status_is_the_one_returned() -> None:
    # Python sets its handlers back to SIG_DFL late in its exit; a SIGINT then would kill the
    # process (status -2) instead of letting it exit 130. An ignored SIGINT stays ignored.
    import subprocess
    import sys

    code = (
        "import os, signal, sys\n"
        "from estate.interrupts import ignored_while_exiting\n"
        "ignored_while_exiting()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.exit(130)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 130
