from __future__ import annotations

import re
import socket

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from estate.demo.emulator import (
    EMULATOR_CREDENTIALS,
    MANAGEMENT_ACCOUNT,
    Emulator,
    wait_until_ready,
)
from estate.errors import EndpointError

_NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)


def sts(endpoint_url: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        config=_NO_RETRY,
        **EMULATOR_CREDENTIALS,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.integration
def test_serves_sts_on_a_free_loopback_port_and_stops_after_the_block() -> None:
    with Emulator() as emu:
        url = emu.endpoint_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert emu.port != 0
        assert sts(url).get_caller_identity()["Account"] == MANAGEMENT_ACCOUNT
    assert not emu.running
    with pytest.raises(EndpointConnectionError):
        sts(url).get_caller_identity()


@pytest.mark.integration
def test_stops_when_the_block_raises() -> None:
    with pytest.raises(ZeroDivisionError), Emulator() as emu:
        url = emu.endpoint_url
        1 / 0  # noqa: B018
    assert not emu.running
    with pytest.raises(EndpointConnectionError):
        sts(url).get_caller_identity()


@pytest.mark.integration
def test_prints_nothing_while_serving(capfd: pytest.CaptureFixture[str]) -> None:
    with Emulator() as emu:
        sts(emu.endpoint_url).get_caller_identity()
        boto3.client(
            "s3", endpoint_url=emu.endpoint_url, config=_NO_RETRY, **EMULATOR_CREDENTIALS
        ).list_buckets()
    out, err = capfd.readouterr()
    assert out == ""
    assert "HTTP/1.1" not in err  # no werkzeug request log either


@pytest.mark.integration
def test_a_taken_port_is_an_endpoint_error_not_a_hang() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EndpointError, match=f"127.0.0.1:{port}"):
            Emulator(port=port).start()


@pytest.mark.integration
def test_reset_forgets_everything() -> None:
    with Emulator() as emu:
        s3 = boto3.client(
            "s3", endpoint_url=emu.endpoint_url, config=_NO_RETRY, **EMULATOR_CREDENTIALS
        )
        s3.create_bucket(Bucket="estate-reset-test")
        emu.reset()
        assert s3.list_buckets()["Buckets"] == []


@pytest.mark.integration
def test_wait_until_ready_returns_once_the_server_answers() -> None:
    with Emulator() as emu:
        clock = FakeClock()
        wait_until_ready(emu.endpoint_url, timeout=5, clock=clock, sleep=clock.sleep)
        assert clock.sleeps == []


def test_wait_until_ready_gives_up_after_the_timeout() -> None:
    clock = FakeClock()
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(EndpointError, match=re.escape(url)):
        wait_until_ready(url, timeout=1, clock=clock, sleep=clock.sleep)
    assert clock.now >= 1
    assert 10 <= len(clock.sleeps) <= 11  # 0.1 s steps, give or take float rounding


def test_endpoint_url_before_start_is_an_error() -> None:
    emu = Emulator()
    assert not emu.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.endpoint_url
    emu.stop()  # stopping what never ran is harmless
