"""The tag job's runner pieces: batches in flight, errors and Ctrl-C stop new batches only."""

from __future__ import annotations

import threading

import pytest

from estate.actions.tag import _pipeline


def test_the_pipeline_sends_every_batch_and_raises_after_those_in_flight() -> None:
    sent: list[int] = []
    lock = threading.Lock()

    def send(batch: int) -> None:
        with lock:
            sent.append(batch)
        if batch == 3:
            raise RuntimeError("denied")

    _pipeline(lambda b: send(b) if b != 3 else None, iter(range(10)), 4, threading.Event())
    assert sorted(sent) == [b for b in range(10) if b != 3]
    sent.clear()
    with pytest.raises(RuntimeError, match="denied"):
        _pipeline(send, iter(range(100)), 2, threading.Event())
    assert 3 in sent and len(sent) < 10  # no new batch after the error


def test_a_stop_starts_no_new_batch() -> None:
    stop = threading.Event()
    sent: list[int] = []

    def send(batch: int) -> None:
        sent.append(batch)
        if batch == 1:
            stop.set()

    _pipeline(send, iter(range(50)), 1, stop)
    assert sent == [0, 1]
