"""``analysis.collect.fetch.download_file`` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import serve

from analysis.collect.fetch import download_file
from analysis.core.errors import DownloadError


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    # None: send Content-Length = len(body); False: send none (close-delimited body);
    # any other value is sent as given.
    length: object = None
    delay_before: float = 0.0  # seconds before the status line
    delay_after: float = 0.0  # seconds after the first 16 bytes of the body
    reset: bool = False  # abort the connection (TCP RST) after the first 16 bytes


@dataclass
class Server:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    user_agents: list[str] = field(default_factory=list)

    def url(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    server_state: Server  # set on a per-test subclass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        state = self.server_state
        state.user_agents.append(self.headers.get("User-Agent", ""))
        route = state.routes.get(self.path, Route(status=404, body=b"no such route"))
        time.sleep(route.delay_before)
        self.send_response(route.status)
        if route.length is None:
            self.send_header("Content-Length", str(len(route.body)))
        elif route.length is not False:
            self.send_header("Content-Length", str(route.length))
        self.end_headers()
        try:
            self.wfile.write(route.body[:16])
            self.wfile.flush()
            if route.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            time.sleep(route.delay_after)
            self.wfile.write(route.body[16:])
        except OSError:  # the client gave up (timeout, size limit): expected
            pass

    def log_message(self, format, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def server():
    state = Server(base="")
    with serve(type("BoundHandler", (Handler,), {"server_state": state})) as base:
        state.base = base
        yield state


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


PAYLOAD = bytes(range(256)) * 1000  # 256,000 bytes, every byte value, several read chunks


def test_download_writes_exact_bytes(server, tmp_path):
    url = server.url("/data.bin", Route(body=PAYLOAD))
    dest = tmp_path / "sub" / "data.bin"

    result = download_file(url, dest)

    assert result == dest
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(dest.parent) == ["data.bin"]
    assert server.user_agents[0].startswith("media-framing-analysis/")


def test_download_without_content_length_reads_to_close(server, tmp_path):
    url = server.url("/stream", Route(body=PAYLOAD, length=False))
    dest = download_file(url, tmp_path / "stream.bin")
    assert dest.read_bytes() == PAYLOAD


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_names_url_and_code(server, tmp_path, status):
    url = server.url(f"/err{status}", Route(status=status, body=b"nope"))
    with pytest.raises(DownloadError) as info:
        download_file(url, tmp_path / "out.bin")
    message = str(info.value)
    assert url in message
    assert f"HTTP {status}" in message
    assert leftovers(tmp_path) == []


def test_streamed_body_over_limit_leaves_nothing(server, tmp_path):
    url = server.url("/big", Route(body=PAYLOAD, length=False))
    with pytest.raises(DownloadError, match=r"more than 100,000 bytes"):
        download_file(url, tmp_path / "big.bin", max_bytes=100_000)
    assert leftovers(tmp_path) == []


def test_declared_length_over_limit_is_refused(server, tmp_path):
    # The body itself is small: only the header can trigger the refusal.
    url = server.url("/liar", Route(body=b"x" * 10, length=1_000_000))
    with pytest.raises(DownloadError, match=r"1,000,000 bytes exceeds the limit of 100") as info:
        download_file(url, tmp_path / "liar.bin", max_bytes=100)
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


def test_body_exactly_at_limit_is_accepted(server, tmp_path):
    url = server.url("/exact", Route(body=PAYLOAD[:1000], length=False))
    assert download_file(url, tmp_path / "exact.bin", max_bytes=1000).read_bytes() == PAYLOAD[:1000]


@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/file.zip", "/etc/hostname"])
def test_non_http_scheme_is_refused(tmp_path, url):
    with pytest.raises(DownloadError, match="only http and https") as info:
        download_file(url, tmp_path / "out")
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["before_headers", "mid_body"])
def test_timeout_raises_download_error(server, tmp_path, where):
    route = Route(body=PAYLOAD[:1000], delay_before=2.0) if where == "before_headers" \
        else Route(body=PAYLOAD[:1000], delay_after=2.0)
    url = server.url("/slow", route)
    with pytest.raises(DownloadError, match="timed out") as info:  # the server would answer after 2 s
        download_file(url, tmp_path / "slow.bin", timeout=0.5)
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("case", ["404", "too_large", "timeout"])
def test_existing_dest_survives_failed_download(server, tmp_path, case):
    dest = tmp_path / "keep.bin"
    dest.write_bytes(b"old contents")
    route = {
        "404": Route(status=404, body=b"gone"),
        "too_large": Route(body=PAYLOAD, length=False),
        "timeout": Route(body=PAYLOAD, delay_after=2.0),
    }[case]
    url = server.url("/fail", route)
    with pytest.raises(DownloadError):
        download_file(url, dest, timeout=0.5, max_bytes=100_000)
    assert dest.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == ["keep.bin"]


def test_unreachable_host_raises_download_error(tmp_path):
    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as probe:  # find a port, then free it
        port = probe.server_address[1]
    with pytest.raises(DownloadError) as info:
        download_file(f"http://127.0.0.1:{port}/x", tmp_path / "x", timeout=2)
    assert f"127.0.0.1:{port}" in str(info.value)


def test_truncated_body_raises_download_error(server, tmp_path):
    url = server.url("/cut", Route(body=b"only 22 bytes arrived", length=1000))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "cut.bin")
    assert leftovers(tmp_path) == []


def test_malformed_content_length_raises_download_error(server, tmp_path):
    url = server.url("/odd", Route(body=b"abc", length="lots"))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "odd.bin")


def test_connection_reset_raises_download_error(server, tmp_path):
    url = server.url("/reset", Route(body=PAYLOAD, reset=True))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "reset.bin")
    assert leftovers(tmp_path) == []
