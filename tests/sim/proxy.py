"""A simulated AWS: a loopback HTTP proxy in front of a moto server that misbehaves like AWS.

It throttles per (account, region, service, category) token bucket, refuses assumed-role keys
once they are older than a TTL, answers 500s, resets connections and adds latency, each answer
in the wire format of the request's protocol (see wire.py). Everything else is forwarded to
moto unchanged. Standard library only; does I/O (a listening socket, one keep-alive upstream
connection per client connection).

    with Emulator() as moto, FaultProxy(moto.endpoint_url, Faults(limits=EC2_LIMITS)) as aws:
        boto3.client("ec2", endpoint_url=aws.endpoint_url, ...)
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from tests.sim.faults import NO_FAULTS, Faults, Key, Referee, Stats, Verdict
from tests.sim.rate import EC2_LIMITS, Limits, rate_excess
from tests.sim.wire import Answer, Call, bad_gateway, expired, internal_error, read_call, throttled

__all__ = [
    "EC2_LIMITS",
    "NO_FAULTS",
    "FaultProxy",
    "Faults",
    "Key",
    "Limits",
    "Stats",
    "rate_excess",
]

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
UPSTREAM_TIMEOUT = 60.0
IDLE_TIMEOUT = 120.0  # seconds a client's keep-alive connection may sit idle

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Recomputed from the body we hold; 100-continue was already answered to the client; Host is
# the upstream's, so what moto writes from it (SQS QueueUrl) is the same behind any proxy.
_NOT_FORWARDED = _HOP_BY_HOP | {"content-length", "expect", "host"}
_ANSWERS: dict[Verdict, Callable[[Call], Answer]] = {
    Verdict.THROTTLE: throttled,
    Verdict.EXPIRE: expired,
    Verdict.ERROR: internal_error,
}
_RESETTABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class FaultProxy:
    """The proxy, as a context manager. `.faults` may be replaced while it runs."""

    def __init__(
        self,
        upstream_url: str,
        faults: Faults = NO_FAULTS,
        host: str = LOOPBACK,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        on_forward: Callable[[Call, int], None] | None = None,
    ) -> None:
        parts = urlsplit(upstream_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be http://HOST:PORT, not {upstream_url!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.host = host
        self.port = port
        self.stats = Stats()
        self._referee = Referee(faults, clock, self.stats)
        # Told (call, upstream status) of every forwarded request, from the serving thread:
        # tests count what reached the emulator (e.g. the ids of each CreateTags).
        self.on_forward = on_forward
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        return self._referee.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.set_faults(faults)

    def set_faults(self, faults: Faults) -> None:
        """Switch behaviour, also while running: buckets start full again, the generator is
        reseeded; stats and known keys are kept."""
        self._referee.set_faults(faults)

    def account_of(self, access_key: str) -> str:
        """The account the proxy attributes `access_key` to (moto's default when unknown)."""
        return self._referee.account_of(access_key)

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running: call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> FaultProxy:
        """Bind and serve in a daemon thread. Does I/O."""
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), self)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.name = f"fault-proxy:{self.port}"
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop every open client connection. Does I/O; no-op when stopped."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FaultProxy:
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
        return f"FaultProxy({state} -> {self.upstream[0]}:{self.upstream[1]}, {self.faults})"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # dozens of clients connect at once

    def __init__(self, address: tuple[str, int], proxy: FaultProxy) -> None:
        super().__init__(address, _Handler)
        self.proxy = proxy
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def track(self, connection: socket.socket, is_open: bool) -> None:
        with self._open_lock:
            if is_open:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def drop_connections(self) -> None:
        with self._open_lock:
            connections, self._open = list(self._open), set()
        for connection in connections:
            with contextlib.suppress(OSError):  # already gone
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        # a client that hangs up mid-answer is normal here: no traceback on stderr
        log.debug("fault proxy: error serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as AWS
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self._upstream: http.client.HTTPConnection | None = None
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._drop_upstream()
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # never a line per request

    def _serve(self) -> None:
        proxy = self.server.proxy
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._answer(Answer(400, (("Content-Type", "text/plain"),), b"bad request body"))
            return
        call = read_call(self.command, self.path, self.headers, body)
        verdict = proxy._referee.decide(call)
        if verdict is Verdict.RESET:
            self._reset()
            return
        if verdict is not Verdict.FORWARD:
            self._answer(_ANSWERS[verdict](call))
            return
        latency = proxy.faults.latency
        if latency > 0:
            time.sleep(latency)
        proxy.stats.count("requests")
        try:
            status, reason, headers, data = self._forward(body)
        except (OSError, http.client.HTTPException) as exc:
            proxy.stats.count("upstream_failures")
            self._answer(bad_gateway(f"{type(exc).__name__}: {exc}"))
            return
        proxy._referee.observe(call, status, data)
        if proxy.on_forward is not None:
            proxy.on_forward(call, status)
        self._reply(status, reason, headers, data)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        """The whole request body; ValueError when its framing is broken."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise ValueError("request body cut short")
        return body

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline(1024).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(3)

    def _target(self) -> str:
        """The origin-form target, also when a client sent an absolute URL (proxy style)."""
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return self.path

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send the request upstream on this connection's keep-alive connection; once more on
        a fresh one when a reused connection turns out to be closed."""
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _NOT_FORWARDED]
        with_length = (
            bool(body) or "Content-Length" in self.headers or self.command in ("POST", "PUT")
        )
        for attempt in range(2):
            reused = self._upstream is not None
            connection = self._connection()
            try:
                connection.putrequest(self.command, self._target(), skip_accept_encoding=True)
                for name, value in headers:
                    connection.putheader(name, value)
                if with_length:
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body if body else None)
                response = connection.getresponse()
                data = response.read()
            except _RESETTABLE:
                self._drop_upstream()
                if reused and attempt == 0:
                    continue
                raise
            except BaseException:
                self._drop_upstream()
                raise
            if response.will_close:
                self._drop_upstream()
            return response.status, response.reason, response.getheaders(), data
        raise AssertionError("unreachable")

    def _connection(self) -> http.client.HTTPConnection:
        if self._upstream is None:
            host, port = self.server.proxy.upstream
            self._upstream = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT)
        return self._upstream

    def _drop_upstream(self) -> None:
        upstream, self._upstream = self._upstream, None
        if upstream is not None:
            upstream.close()

    def _reply(
        self, status: int, reason: str, headers: Iterable[tuple[str, str]], data: bytes
    ) -> None:
        """Relay an upstream answer: hop-by-hop headers dropped, Content-Length recomputed
        (kept as is where there is no body: a HEAD's length is the object's)."""
        bodiless = self.command == "HEAD" or status in (204, 304) or status < 200
        self.send_response_only(status, reason or None)
        for name, value in headers:
            lowered = name.lower()
            if lowered in _HOP_BY_HOP or (lowered == "content-length" and not bodiless):
                continue
            self.send_header(name, value)
        if not bodiless:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodiless and data:
            self.wfile.write(data)

    def _answer(self, answer: Answer) -> None:
        """One of the simulated faults, as AWS would send it."""
        body = b"" if self.command == "HEAD" else answer.body
        self.send_response_only(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _reset(self) -> None:
        """Close the client's socket at once with no answer (linger 0: an RST, not a FIN)."""
        self.close_connection = True
        connection = self.connection
        with contextlib.suppress(OSError):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.server.track(connection, False)
        # detach: the fd closes now, although rfile/wfile still refer to the socket object
        socket.close(connection.detach())
