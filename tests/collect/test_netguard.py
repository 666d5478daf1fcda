"""The network boundary (analysis.collect.netguard) and the whole-transfer deadline, against real servers.

Every connection the process opens is seen through Python's audit hook (``socket.connect`` events), so
"no connection was attempted" and "the connection went to the checked address" are observed, not
assumed. The redirect and DNS-rebinding cases need a second internal address: a second server on
127.0.0.2 (all of 127.0.0.0/8 is loopback), with 127.0.0.1 let through as a trusted address and names
given by a resolver hook, the only stand-in (no DNS server runs in a test).
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pandas as pd
import pytest
from http_server import Reply, running_server, serve

from analysis.collect.fetch import Fetcher, FetchPolicy
from analysis.collect.netguard import address_problem
from analysis.collect.rawstore import FINAL_STATUSES, collect_urls, read_collection_log

_connects: list[tuple] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _connects is not None:
        _connects.append(args[1])


sys.addaudithook(_audit)  # cannot be removed; records only inside connections()


@contextlib.contextmanager
def connections() -> Iterator[list[tuple]]:
    """Every socket address this process connects to inside the block."""
    global _connects
    _connects = seen = []
    try:
        yield seen
    finally:
        _connects = None


def fetcher(**kw: object) -> Fetcher:
    policy = FetchPolicy(per_host_delay=0, retries=0, timeout=5)
    return Fetcher(policy, sleep=lambda s: None, **kw)


@pytest.fixture
def intranet(server) -> Iterator:
    """A second server on 127.0.0.2, on the same port as ``server`` (so one URL can reach either)."""
    port = int(server.base.rsplit(":", 1)[1])
    with running_server("127.0.0.2", port) as other:
        other.add("/admin", Reply(body=b"<html><body>token=s3cret password=hunter2</body></html>"))
        yield other


# -- the rule ----------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255",
                                     "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
                                     "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe", "2001:db8::1"])
def test_internal_addresses_are_refused(address):
    assert address_problem(address).startswith(address.split("%")[0])


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::", "64:ff9b::808:808"])
def test_public_addresses_pass(address):
    assert address_problem(address) == ""


# -- first URL ---------------------------------------------------------------------


def test_loopback_admin_page_is_refused_without_the_allowance(server, tmp_path):
    admin = server.add("/admin", Reply(body=b"<html><body>token=s3cret</body></html>"))
    with connections() as seen:
        started = time.perf_counter()
        run = collect_urls(pd.DataFrame({"url": [admin]}), raw_dir=tmp_path, fetcher=fetcher())
        took = time.perf_counter() - started
    row = read_collection_log(tmp_path).iloc[-1]

    assert len(run) == 1 and row["status"] == "refused_address" and row["attempts"] == 0
    assert row["error"] == ("127.0.0.1 is a loopback address; not fetched "
                            "(pass --allow-private-addresses to reach it)")
    assert server.requests == [] and seen == []  # not even robots.txt
    assert pd.isna(row["page_path"]) and took < 0.5
    assert "refused_address" not in FINAL_STATUSES  # a later run with the allowance fetches it

    again = collect_urls(pd.DataFrame({"url": [admin]}), raw_dir=tmp_path,
                         fetcher=fetcher(allow_private_addresses=True))
    assert list(again["status"]) == ["ok"] and server.count("/admin") == 1


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:9/x",
                                 "http://[::ffff:169.254.169.254]/latest/", "http://0.0.0.0:80/",
                                 "http://2130706433/", "http://0x7f.1/", "http://10.0.0.1/", "http://[fe80::1]/"])
def test_metadata_and_other_internal_urls_are_refused_without_connecting(tmp_path, url):
    with connections() as seen:
        started = time.perf_counter()
        result = fetcher().fetch(url)
        took = time.perf_counter() - started
    assert result.status == "refused_address" and result.attempts == 0, result.error
    assert "--allow-private-addresses" in result.error
    assert seen == [] and took < 0.5  # a connect to 169.254.169.254 would hang until the timeout


def test_names_are_checked_by_what_they_resolve_to(server, tmp_path):
    server.add("/page")
    resolve = {"looks-public.example": ["93.184.215.14", "10.0.0.7"]}.__getitem__
    with connections() as seen:
        result = fetcher(resolver=resolve).fetch("http://looks-public.example/page")
    assert result.status == "refused_address"
    assert result.error.startswith("looks-public.example: 10.0.0.7 is a private address")
    assert seen == []


# -- every redirect hop -----------------------------------------------------------


def test_redirect_to_an_internal_address_is_refused_at_the_hop(server, intranet, tmp_path):
    port = server.base.rsplit(":", 1)[1]
    names = {"news.test": ["127.0.0.1"], "intranet.test": ["127.0.0.2"]}
    start = f"http://news.test:{port}/story"
    server.redirect("/story", f"http://intranet.test:{port}/admin")
    trusted = fetcher(trusted_addresses={"127.0.0.1"}, resolver=names.__getitem__)
    with connections() as seen:
        run = collect_urls(pd.DataFrame({"url": [start]}), raw_dir=tmp_path, fetcher=trusted)
    row = run.iloc[0]

    assert (row["status"], row["http_status"]) == ("refused_address", 302)
    assert row["final_url"] == f"http://intranet.test:{port}/admin"
    assert row["error"] == (f"redirected to http://intranet.test:{port}/admin: intranet.test: 127.0.0.2 is a "
                            "loopback address; not fetched (pass --allow-private-addresses to reach it)")
    assert server.count("/story") == 1 and intranet.requests == []
    assert {address[0] for address in seen} == {"127.0.0.1"}

    # The control: the same hop with 127.0.0.2 trusted too is followed, so the refusal above was the check.
    both = fetcher(trusted_addresses={"127.0.0.1", "127.0.0.2"}, resolver=names.__getitem__)
    result = both.fetch(start)
    assert result.status == "ok" and b"s3cret" in result.body and intranet.count("/admin") == 1


def test_redirect_to_an_ip_literal_metadata_address_is_refused(server):
    url = server.redirect("/promo", "http://169.254.169.254/latest/meta-data/")
    with connections() as seen:
        result = fetcher(trusted_addresses={"127.0.0.1"}).fetch(url)
    assert result.status == "refused_address" and "169.254.169.254 is a link-local address" in result.error
    assert {address[0] for address in seen} == {"127.0.0.1"}


# -- the connection goes where the check looked ------------------------------------


def test_a_name_is_resolved_once_and_connected_to_the_checked_address(server, intranet):
    """DNS rebinding: the second answer (private) is never asked for, so never connected to."""
    port = server.base.rsplit(":", 1)[1]
    server.add("/page"), server.add("/other")
    answers = iter([["127.0.0.1"]] + [["127.0.0.2"]] * 10)
    calls = []

    def rebinding(host: str) -> list[str]:
        calls.append(host)
        return next(answers)

    f = fetcher(trusted_addresses={"127.0.0.1"}, resolver=rebinding)
    with connections() as seen:
        first = f.fetch(f"http://rebind.test:{port}/page")
        second = f.fetch(f"http://rebind.test:{port}/other")
    assert (first.status, second.status) == ("ok", "ok")
    assert calls == ["rebind.test"]
    assert {address[0] for address in seen} == {"127.0.0.1"} and intranet.requests == []
    assert set(server.hosts) == {f"rebind.test:{port}"}  # the name stays in the Host header


# -- the command line, not the study file, opens the boundary -----------------------


def _web_study(project, urls: list[str], extra: str = "") -> None:
    from analysis.core import config

    paths = config.study_paths("net")
    paths.study_dir.mkdir(parents=True)
    (paths.study_dir / "urls.txt").write_text("".join(u + "\n" for u in urls))
    paths.study_file.write_text('[study]\ntitle = "net"\nkeep_undated = true\n'
                                f'[collect]\nper_host_delay = 0\n{extra}'
                                '[[sources]]\nkind = "urls"\npath = "data/studies/net/urls.txt"\noutlet = "X"\n')
    return paths


def test_only_the_command_line_flag_allows_private_addresses(project, server, capsys):
    from analysis.run.cli import main

    admin = server.add("/admin", Reply(body=b"<html><body><p>token</p></body></html>"))
    paths = _web_study(project, [admin])
    assert main(["-q", "collect", "net"]) == 0
    assert read_collection_log(paths.web)["status"].tolist() == ["refused_address"] and server.requests == []
    assert main(["-q", "collect", "net", "--allow-private-addresses"]) == 0
    assert read_collection_log(paths.web)["status"].tolist() == ["refused_address", "ok"]

    paths.study_file.write_text(paths.study_file.read_text().replace(
        "per_host_delay = 0\n", "per_host_delay = 0\nallow_private_addresses = true\n"))
    assert main(["-q", "collect", "net"]) == 2
    assert "allow_private_addresses" in capsys.readouterr().err


# -- deadlines that hold ------------------------------------------------------------


def test_a_trickling_body_is_stopped_at_the_deadline(server):
    """One byte every 0.2 s: each read is quick, so only a deadline checked during the read stops it."""
    url = server.add("/drip", Reply(body=b"<html><body>" + b"x" * 200 + b"</body></html>", trickle=0.2))
    policy = FetchPolicy(per_host_delay=0, retries=0, timeout=3, max_time=1.0)
    started = time.perf_counter()
    result = Fetcher(policy, allow_private_addresses=True).fetch(url)
    took = time.perf_counter() - started

    assert result.status == "timeout" and result.error == "transfer took longer than 1 s"
    assert result.http_status == 200 and result.body is None
    assert 0.9 < took < 2.0


class _DripHeaders(BaseHTTPRequestHandler):
    """Sends its status line and headers one byte every 0.2 s (the body never comes)."""

    def do_GET(self) -> None:  # noqa: N802
        with contextlib.suppress(OSError):
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"p" * 100:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)

    def log_message(self, format, *args) -> None:
        pass


def test_trickling_headers_are_stopped_at_the_deadline():
    with serve(_DripHeaders) as base:
        policy = FetchPolicy(per_host_delay=0, retries=0, timeout=3, max_time=1.0, respect_robots=False)
        started = time.perf_counter()
        result = Fetcher(policy, allow_private_addresses=True).fetch(base + "/slow")
        took = time.perf_counter() - started
    assert result.status == "timeout" and result.error == "transfer took longer than 1 s"
    assert took < 2.0


def test_an_international_name_is_resolved_once_whichever_way_it_is_written(server):
    port = server.base.rsplit(":", 1)[1]
    server.add("/page")
    calls = []

    def resolve(host: str) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    result = fetcher(trusted_addresses={"127.0.0.1"}, resolver=resolve).fetch(f"http://bücher.test:{port}/page")
    assert result.status == "ok" and calls == ["xn--bcher-kva.test"]


# -- proxies: the proxy is what is connected to, so the proxy is what is checked ------------


@pytest.fixture
def proxy_env(monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_proxy_on_a_private_address_is_refused(server, proxy_env):
    proxy_env.setenv("HTTP_PROXY", server.base)
    public = {"news.example": ["93.184.215.14"]}.__getitem__
    with connections() as seen:
        result = fetcher(resolver=public).fetch("http://news.example/story")
    assert result.status == "refused_address" and result.error.startswith("127.0.0.1 is a loopback address")
    assert seen == [] and server.requests == []


def test_a_socks_proxy_is_refused_because_its_connections_cannot_be_checked(proxy_env):
    proxy_env.setenv("HTTP_PROXY", "socks5h://127.0.0.1:1080")
    public = {"news.example": ["93.184.215.14"]}.__getitem__
    with connections() as seen:
        result = fetcher(resolver=public).fetch("http://news.example/story")
    assert result.status == "refused_address" and "SOCKS proxy" in result.error and seen == []


# -- HTTPS: the socket goes to the checked address, the certificate is checked against the name --------


@pytest.fixture
def news_test_tls(tmp_path, monkeypatch) -> ssl.SSLContext:
    """A server context with a self-signed certificate for news.test only, trusted by the client (via
    REQUESTS_CA_BUNDLE, as a user would point requests at a private CA)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test"],
                   check=True, capture_output=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_https_keeps_the_name_for_the_certificate_check(news_test_tls):
    with running_server(tls=news_test_tls) as tls_server:
        tls_server.add("/page")
        port = tls_server.base.rsplit(":", 1)[1]
        names = {"news.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}.__getitem__
        with connections() as seen:
            good = fetcher(trusted_addresses={"127.0.0.1"}, resolver=names).fetch(f"https://news.test:{port}/page")
            wrong = fetcher(trusted_addresses={"127.0.0.1"}, resolver=names).fetch(f"https://other.test:{port}/page")
    assert good.status == "ok", good.error
    assert wrong.status == "unreachable" and "other.test" in wrong.error
    assert "certificate verify failed: hostn" in wrong.error.lower()  # "Hostname mismatch", cut by _describe
    assert {address[0] for address in seen} == {"127.0.0.1"}
    assert tls_server.count("/page") == 1 and f"news.test:{port}" in tls_server.hosts
