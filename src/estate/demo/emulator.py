"""An embedded AWS emulator: moto's server on a loopback port, in a thread of this process.

Everything here does I/O (a listening socket, HTTP). moto keeps its state in module globals, so
every emulator in one process, and moto's `mock_aws`, share one world: resetting one resets all.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from types import TracebackType
from typing import Final

from moto.server import ThreadedMotoServer

from estate.errors import EndpointError

# moto maps this access key to its default account (123456789012) and ignores the secret.
# Pass these, never the caller's own credentials, to clients of the emulator.
EMULATOR_CREDENTIALS: Final[dict[str, str]] = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
}
EMULATOR_REGION: Final = "us-east-1"
MANAGEMENT_ACCOUNT: Final = "123456789012"  # moto's default account

LOOPBACK: Final = "127.0.0.1"

# Loopback must never go through a proxy named in HTTP_PROXY.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Emulator:
    """moto's ThreadedMotoServer on `host:port` (port 0: a free one), as a context manager.

    Starting binds a socket and serves in a daemon thread; leaving the context stops it, also
    when the block raised.
    """

    def __init__(self, host: str = LOOPBACK, port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        """http://HOST:PORT of the running server; RuntimeError when it is not running."""
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> Emulator:
        """Bind and serve. Does I/O. EndpointError when the port is taken."""
        if self._server is not None:
            return self
        quiet_request_log()
        if self.port:
            # moto's start() waits forever when its thread fails to bind: find out first.
            check_port_free(self.host, self.port)
        server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        server.start()
        self.port = server.get_host_and_port()[1]
        self._server = server
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Does I/O; a no-op when not running."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def reset(self, timeout: float = 60) -> None:
        """Forget every resource in every account (moto's reset API). Does I/O. It walks every
        backend moto has loaded: seconds on a busy machine, hence the generous timeout."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with _DIRECT.open(request, timeout=timeout) as response:
            response.read()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.endpoint_url if self.running else "stopped"
        return f"Emulator({state})"


def quiet_request_log() -> None:
    """Keep werkzeug from logging a line per request, unless logging was configured for it.

    werkzeug sets its logger to INFO and adds a stderr handler when nobody configured one.
    """
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)


def check_port_free(host: str, port: int) -> None:
    """EndpointError naming host:port when it cannot be bound. Does I/O."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise EndpointError(
                f"cannot start the emulator on {host}:{port}: {exc}", configured=True
            ) from exc


def wait_until_ready(
    endpoint_url: str,
    timeout: float = 10.0,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Wait until `endpoint_url` answers HTTP (any status). Does I/O.

    An Emulator is ready when start() returns; this is for an emulator started elsewhere (a
    moto_server process or container). EndpointError after `timeout` seconds.
    """
    deadline = clock() + timeout
    while True:
        error = probe(endpoint_url, timeout=max(0.1, min(2.0, deadline - clock())))
        if error is None:
            return
        if clock() >= deadline:
            raise EndpointError(
                f"no answer from {endpoint_url} within {timeout:g} s: {error}", configured=True
            )
        sleep(0.1)


def probe(endpoint_url: str, timeout: float) -> str | None:
    """None when `endpoint_url` answers HTTP, else why not. Does I/O."""
    try:
        with _DIRECT.open(f"{endpoint_url}/moto-api/", timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError:
        return None  # an HTTP error status is still an answer
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))
    return None
