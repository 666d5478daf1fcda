"""A small scriptable HTTP server on 127.0.0.1 for the collection and download tests (the ``server`` fixture).

No mocks: every case is a real exchange over a socket. A test registers what each path answers with
``server.add(path, Reply(...))`` (replies served in turn, the last one repeating), ``server.add_dynamic`` (a
function of the request number) or ``server.redirect``; ``server.count``, ``server.requests`` and
``server.user_agents`` say what the client asked for. Unknown paths answer 404; a route registered without a
query string also answers requests that add one; HEAD gets a GET's status and headers.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"


@dataclass
class Reply:
    """What the server answers to one request."""

    status: int = 200
    body: bytes = b"<html><body><p>hello</p></body></html>"
    content_type: str | None = HTML  # None: no Content-Type header
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    # Sent as the Content-Length instead of len(body) (a lie, or a malformed value); only with send_length.
    content_length: int | str | None = None
    delay: float = 0.0  # seconds before the status line
    stall: float = 0.0  # seconds after the first 16 bytes of the body
    reset: bool = False  # abort the connection (TCP RST) after the first 16 bytes of the body
    trickle: float = 0.0  # seconds between single bytes after the first 16 bytes of the body (a slow-drip server)
    gate: threading.Event | None = None  # answer only once the test sets it (at most 60 s), after ``delay``


NOT_FOUND = Reply(status=404, body=b"no such route", content_type="text/plain")


@dataclass
class Server:
    base: str = ""
    # path -> replies served in turn (the last one repeats), or a function of the request number
    routes: dict[str, list[Reply] | Callable[[int], Reply]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)  # every path asked for, in order
    user_agents: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # the Host header of every request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, *replies: Reply) -> str:
        """Serve ``replies`` at ``path`` in turn (the last one repeats; none: one default page); return the URL."""
        self.routes[path] = list(replies) or [Reply()]
        return self.base + path

    def add_dynamic(self, path: str, make: Callable[[int], Reply]) -> str:
        """Serve ``make(n)`` for the n-th request (from 0) to ``path``; return the URL."""
        self.routes[path] = make
        return self.base + path

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, Reply(status=status, body=b"", headers={"Location": location}))

    def count(self, path: str) -> int:
        return self.requests.count(path)

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            n = self.count(path)
            self.requests.append(path)
        route = self.routes.get(path)
        if route is None:  # a route registered without the query string the client added
            route = self.routes.get(path.partition("?")[0])
        if route is None:
            return NOT_FOUND
        if callable(route):
            return route(n)
        return route[min(n, len(route) - 1)]


class Handler(BaseHTTPRequestHandler):
    state: Server  # set on a per-server subclass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        self.state.user_agents.append(self.headers.get("User-Agent", ""))
        self.state.hosts.append(self.headers.get("Host", ""))
        reply = self.state.next_reply(self.path)
        time.sleep(reply.delay)
        if reply.gate is not None:
            reply.gate.wait(timeout=60)
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.send_length:
                length = len(reply.body) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", str(length))
            self.end_headers()
            if not with_body:
                return
            self.wfile.write(reply.body[:16])
            self.wfile.flush()
            if reply.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            time.sleep(reply.stall)
            if reply.trickle:
                for byte in reply.body[16:]:
                    time.sleep(reply.trickle)
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return
            self.wfile.write(reply.body[16:])
        except OSError:  # the client gave up (timeout, size limit): expected
            pass

    def log_message(self, format, *args) -> None:  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0,
          tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A real HTTP server on ``host`` (default 127.0.0.1; a free port) in a background thread; yields its base URL.

    With ``tls`` (a server-side context holding a certificate) it speaks HTTPS."""
    httpd = ThreadingHTTPServer((host, port), handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default (half a second a test).
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def running_server(host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """A :class:`Server` answering on ``host`` (a free port unless given; HTTPS with ``tls``) until the block ends."""
    state = Server()
    with serve(type("BoundHandler", (Handler,), {"state": state}), host, port, tls) as base:
        state.base = base
        yield state


def free_port() -> int:
    """A port nothing listens on: bound once to find it, then freed (a connection to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
