"""``analysis.collect.fetch.download_file`` against a real HTTP server on 127.0.0.1 (the ``server`` fixture)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from http_server import Reply, free_port

from analysis.collect.fetch import download_file
from analysis.core.errors import DownloadError


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


PAYLOAD = bytes(range(256)) * 1000  # 256,000 bytes, every byte value, several read chunks


def test_download_writes_exact_bytes(server, tmp_path):
    url = server.add("/data.bin", Reply(body=PAYLOAD))
    dest = tmp_path / "sub" / "data.bin"

    result = download_file(url, dest)

    assert result == dest
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(dest.parent) == ["data.bin"]
    assert server.user_agents[0].startswith("media-framing-analysis/")


def test_download_without_content_length_reads_to_close(server, tmp_path):
    url = server.add("/stream", Reply(body=PAYLOAD, send_length=False))
    dest = download_file(url, tmp_path / "stream.bin")
    assert dest.read_bytes() == PAYLOAD


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_names_url_and_code(server, tmp_path, status):
    url = server.add(f"/err{status}", Reply(status=status, body=b"nope"))
    with pytest.raises(DownloadError) as info:
        download_file(url, tmp_path / "out.bin")
    message = str(info.value)
    assert url in message
    assert f"HTTP {status}" in message
    assert leftovers(tmp_path) == []


def test_streamed_body_over_limit_leaves_nothing(server, tmp_path):
    url = server.add("/big", Reply(body=PAYLOAD, send_length=False))
    with pytest.raises(DownloadError, match=r"more than 100,000 bytes"):
        download_file(url, tmp_path / "big.bin", max_bytes=100_000)
    assert leftovers(tmp_path) == []


def test_declared_length_over_limit_is_refused(server, tmp_path):
    # The body itself is small: only the header can trigger the refusal.
    url = server.add("/liar", Reply(body=b"x" * 10, content_length=1_000_000))
    with pytest.raises(DownloadError, match=r"1,000,000 bytes exceeds the limit of 100") as info:
        download_file(url, tmp_path / "liar.bin", max_bytes=100)
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


def test_body_exactly_at_limit_is_accepted(server, tmp_path):
    url = server.add("/exact", Reply(body=PAYLOAD[:1000], send_length=False))
    assert download_file(url, tmp_path / "exact.bin", max_bytes=1000).read_bytes() == PAYLOAD[:1000]


@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/file.zip", "/etc/hostname"])
def test_non_http_scheme_is_refused(tmp_path, url):
    with pytest.raises(DownloadError, match="only http and https") as info:
        download_file(url, tmp_path / "out")
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["before_headers", "mid_body"])
def test_timeout_raises_download_error(server, tmp_path, where):
    reply = Reply(body=PAYLOAD[:1000], delay=2.0) if where == "before_headers" \
        else Reply(body=PAYLOAD[:1000], stall=2.0)
    url = server.add("/slow", reply)
    with pytest.raises(DownloadError, match="timed out") as info:  # the server would answer after 2 s
        download_file(url, tmp_path / "slow.bin", timeout=0.5)
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("case", ["404", "too_large", "timeout"])
def test_existing_dest_survives_failed_download(server, tmp_path, case):
    dest = tmp_path / "keep.bin"
    dest.write_bytes(b"old contents")
    reply = {
        "404": Reply(status=404, body=b"gone"),
        "too_large": Reply(body=PAYLOAD, send_length=False),
        "timeout": Reply(body=PAYLOAD, stall=2.0),
    }[case]
    url = server.add("/fail", reply)
    with pytest.raises(DownloadError):
        download_file(url, dest, timeout=0.5, max_bytes=100_000)
    assert dest.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == ["keep.bin"]


def test_unreachable_host_raises_download_error(tmp_path):
    port = free_port()
    with pytest.raises(DownloadError) as info:
        download_file(f"http://127.0.0.1:{port}/x", tmp_path / "x", timeout=2)
    assert f"127.0.0.1:{port}" in str(info.value)


def test_truncated_body_raises_download_error(server, tmp_path):
    url = server.add("/cut", Reply(body=b"only 22 bytes arrived", content_length=1000))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "cut.bin")
    assert leftovers(tmp_path) == []


def test_malformed_content_length_raises_download_error(server, tmp_path):
    url = server.add("/odd", Reply(body=b"abc", content_length="lots"))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "odd.bin")


def test_connection_reset_raises_download_error(server, tmp_path):
    url = server.add("/reset", Reply(body=PAYLOAD, reset=True))
    with pytest.raises(DownloadError):
        download_file(url, tmp_path / "reset.bin")
    assert leftovers(tmp_path) == []


def test_download_with_the_declared_checksum_is_kept(server, tmp_path):
    url = server.add("/data.bin", Reply(body=PAYLOAD))
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    assert download_file(url, tmp_path / "data.bin", sha256=digest.upper()).read_bytes() == PAYLOAD


def test_download_with_another_checksum_is_not_kept(server, tmp_path):
    tampered = PAYLOAD[:-1] + b"\x00"
    url = server.add("/data.bin", Reply(body=tampered))
    expected = hashlib.sha256(PAYLOAD).hexdigest()
    with pytest.raises(DownloadError) as info:
        download_file(url, tmp_path / "data.bin", sha256=expected)
    assert str(info.value) == (f"{url}: checksum mismatch (sha256 {hashlib.sha256(tampered).hexdigest()}, "
                               f"expected {expected}); the download was not kept")
    assert leftovers(tmp_path) == []
