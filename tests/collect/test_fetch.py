"""``Fetcher`` and ``collect_urls`` against a real HTTP server on 127.0.0.1.

No mocks: every case is a real exchange over a socket with the ``server``
fixture (tests/http_server.py). Waits are recorded by a fake ``sleep`` (so
backoff and ``Retry-After`` cost nothing) except where the timing itself is
under test (timeouts, the killed run).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA
from http_server import HTML, Reply, free_port

from analysis.collect.fetch import Fetcher, FetchPolicy, parse_retry_after
from analysis.collect.rawstore import LOG_NAME, collect_urls, read_collection_log
from analysis.core.errors import InputFileError
from analysis.core.storage import sha256_file

BENCHMARK_HTML = SHARED_DATA / "extraction_benchmark" / "html"


@dataclass
class FakeTime:
    """A clock that moves only when something sleeps; records every wait."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_fetcher(fake_time: FakeTime, **policy: object) -> Fetcher:
    settings = {"per_host_delay": 0.0, "timeout": 5.0, "backoff_base": 1.0, "retries": 3} | policy
    # The local server is on 127.0.0.1, which only an explicit allowance reaches (test_netguard.py tests the refusal).
    return Fetcher(FetchPolicy(**settings), sleep=fake_time.sleep, clock=fake_time.clock, allow_private_addresses=True)


def collect_one(url: str, raw_dir: Path, fetcher: Fetcher, **kw: object) -> dict:
    """Collect one URL; return its row as read back from the log on disk."""
    run = collect_urls(pd.DataFrame({"url": [url], "outlet": ["Test Outlet"]}), raw_dir=raw_dir, fetcher=fetcher, **kw)
    log = read_collection_log(raw_dir)
    assert len(run) == 1 and log.iloc[-1]["url"] == url
    return log.iloc[-1].to_dict()


def benchmark_page() -> bytes:
    path = sorted(BENCHMARK_HTML.glob("*.html.gz"))[0]
    return gzip.decompress(path.read_bytes())


# -- one log row per fault case -----------------------------------------------------


def test_real_page_is_kept_byte_for_byte(server, tmp_path, fake_time):
    page = benchmark_page()
    url = server.add("/news/article", Reply(body=page))
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert row["status"] == "ok" and row["http_status"] == 200 and row["error"] == ""
    assert row["final_url"] == url and row["content_type"] == HTML and row["outlet"] == "Test Outlet"
    assert row["attempts"] == 1 and row["bytes"] == len(page)
    assert row["page_path"] == f"pages/{row['content_sha256']}.html"
    assert (tmp_path / row["page_path"]).read_bytes() == page
    assert sha256_file(tmp_path / row["page_path"]) == row["content_sha256"]
    assert datetime.fromisoformat(row["retrieved_at"]).utcoffset().total_seconds() == 0
    assert fake_time.sleeps == []
    assert server.user_agents[-1].startswith("media-framing-analysis/") and "+https://" in server.user_agents[-1]


def test_404_is_an_http_error_without_retry(server, tmp_path, fake_time):
    url = server.add("/gone", Reply(status=404, body=b"not here", content_type="text/html"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert (row["status"], row["http_status"], row["attempts"]) == ("http_error", 404, 1)
    assert row["error"] == "HTTP 404 Not Found"
    assert pd.isna(row["page_path"]) and pd.isna(row["content_sha256"]) and pd.isna(row["bytes"])
    assert fake_time.sleeps == []


def test_500_then_success_is_retried_after_backoff(server, tmp_path, fake_time):
    url = server.add("/flaky", Reply(status=500, body=b"oops"), Reply(body=b"<html>fine now</html>"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time, backoff_base=1.5))

    assert (row["status"], row["http_status"], row["attempts"]) == ("ok", 200, 2)
    assert fake_time.sleeps == [1.5]
    assert server.count("/flaky") == 2


def test_429_waits_for_retry_after_then_succeeds(server, tmp_path, fake_time):
    url = server.add("/busy", Reply(status=429, body=b"slow down", headers={"Retry-After": "2"}),
                     Reply(body=b"<html>served</html>"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert (row["status"], row["http_status"], row["attempts"]) == ("ok", 200, 2)
    assert 2.0 in fake_time.sleeps
    assert fake_time.sleeps == [2.0]  # Retry-After replaces the backoff, it is not added to it


def test_retry_after_beyond_cap_gives_up_instead_of_coming_back_early(server, tmp_path, fake_time):
    url = server.add("/later", Reply(status=503, headers={"Retry-After": "3600"}))
    row = collect_one(url, tmp_path, make_fetcher(fake_time, max_retry_after=120))

    assert (row["status"], row["http_status"], row["attempts"]) == ("http_error", 503, 1)
    assert "3600 s" in row["error"] and "max_retry_after" in row["error"]
    assert fake_time.sleeps == []


def test_permanent_503_backs_off_exponentially_then_fails(server, tmp_path, fake_time):
    url = server.add("/down", Reply(status=503, body=b"maintenance"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time, retries=3, backoff_base=1.0))

    assert (row["status"], row["http_status"], row["attempts"]) == ("http_error", 503, 4)
    assert row["error"].startswith("HTTP 503")
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert server.count("/down") == 4


@pytest.mark.parametrize("where", ["before_headers", "mid_body"])
def test_slow_response_times_out(server, tmp_path, fake_time, where):
    slow = Reply(delay=2.0) if where == "before_headers" else Reply(body=b"<html>" + b"x" * 100, stall=2.0)
    url = server.add("/slow", slow)
    row = collect_one(url, tmp_path, make_fetcher(fake_time, timeout=0.5, retries=1))  # the server waits 2 s

    assert row["status"] == "timeout" and row["attempts"] == 2
    assert "timed out" in row["error"]
    assert fake_time.sleeps == [1.0]
    if where == "mid_body":
        assert row["http_status"] == 200


def test_redirect_loop_is_detected(server, tmp_path, fake_time):
    url = server.redirect("/loop/a", "/loop/b")
    server.redirect("/loop/b", server.base + "/loop/a", status=301)
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert row["status"] == "redirect_loop" and row["attempts"] == 1
    assert row["error"] == f"redirect loop: {url} -> {server.base}/loop/b -> {url}"
    assert server.count("/loop/a") == 1 and server.count("/loop/b") == 1


def test_too_many_redirects_count_as_a_loop(server, tmp_path, fake_time):
    url = None
    for hop in range(7):
        first = server.redirect(f"/hop/{hop}", f"/hop/{hop + 1}")
        url = url or first
    server.add("/hop/7")
    row = collect_one(url, tmp_path, make_fetcher(fake_time, max_redirects=5))

    assert row["status"] == "redirect_loop"
    assert row["error"] == f"more than 5 redirects, last to {server.base}/hop/6"
    assert server.count("/hop/6") == 0


def test_redirect_chain_within_limit_records_final_url(server, tmp_path, fake_time):
    url = server.redirect("/chain/1", "/chain/2", status=301)
    server.redirect("/chain/2", "3", status=307)  # relative to /chain/2
    server.redirect("/chain/3", server.base + "/landing", status=308)
    server.add("/landing", Reply(body=b"<html>landed</html>"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time, max_redirects=3))

    assert row["status"] == "ok" and row["http_status"] == 200
    assert row["url"] == url and row["final_url"] == server.base + "/landing"
    assert (tmp_path / row["page_path"]).read_bytes() == b"<html>landed</html>"


@pytest.mark.parametrize("send_length", [True, False], ids=["content_length", "no_content_length"])
def test_huge_body_is_cut_off(server, tmp_path, fake_time, send_length):
    url = server.add("/huge", Reply(body=b"<html>" + b"x" * 300_000, send_length=send_length))
    row = collect_one(url, tmp_path, make_fetcher(fake_time, max_bytes=100_000))

    assert (row["status"], row["http_status"], row["attempts"]) == ("too_large", 200, 1)
    expected = "Content-Length 300,006 bytes exceeds the limit of 100,000" if send_length \
        else "more than 100,000 bytes; stopped reading"
    assert row["error"] == expected
    assert pd.isna(row["page_path"])
    assert not (tmp_path / "pages").exists()


def test_pdf_is_not_html_but_kept_as_evidence(server, tmp_path, fake_time):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    url = server.add("/statement.pdf", Reply(body=pdf, content_type="application/pdf"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert (row["status"], row["http_status"], row["content_type"]) == ("not_html", 200, "application/pdf")
    assert row["error"] == "content type 'application/pdf' is not HTML"
    assert row["page_path"].endswith(".bin") and (tmp_path / row["page_path"]).read_bytes() == pdf


def test_gb18030_page_keeps_its_bytes(server, tmp_path, fake_time):
    text = "<html><head><title>商务部新闻发言人</title></head><body><p>美方将28家中国实体列入出口管制“实体清单”。㐀€</p></body></html>"
    body = text.encode("gb18030")
    url = server.add("/mofcom", Reply(body=body, content_type="text/html; charset=gb18030"))
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert row["status"] == "ok" and row["content_type"] == "text/html; charset=gb18030"
    stored = (tmp_path / row["page_path"]).read_bytes()
    assert stored == body and stored.decode("gb18030") == text


def test_robots_disallowed_path_is_never_requested(server, tmp_path, fake_time):
    server.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    secret = server.add("/private/memo")
    public = server.add("/public/story")
    server.redirect("/sneaky", "/private/other")
    sneaky = server.base + "/sneaky"
    fetcher = make_fetcher(fake_time)
    collect_urls(pd.DataFrame({"url": [secret, public, sneaky]}), raw_dir=tmp_path, fetcher=fetcher)
    rows = read_collection_log(tmp_path).set_index("url")

    assert rows.loc[secret, "status"] == "robots_disallowed" and rows.loc[secret, "attempts"] == 0
    assert rows.loc[secret, "error"] == f"robots.txt of {server.base} disallows {secret}"
    assert pd.isna(rows.loc[secret, "http_status"])
    assert rows.loc[public, "status"] == "ok"
    assert rows.loc[sneaky, "status"] == "robots_disallowed"
    assert rows.loc[sneaky, "final_url"] == server.base + "/private/other"
    assert server.count("/private/memo") == 0 and server.count("/private/other") == 0
    assert server.count("/robots.txt") == 1  # once per host, not per URL


def test_unreachable_robots_txt_allows_but_is_noted(server, tmp_path, fake_time):
    server.add("/robots.txt", Reply(delay=2.0, body=b"User-agent: *\nDisallow: /\n"))
    url = server.add("/page")
    row = collect_one(url, tmp_path, make_fetcher(fake_time, timeout=0.5))

    assert row["status"] == "ok"
    assert row["note"].startswith("robots.txt unreachable") and "treated as allowing all" in row["note"]


def test_per_host_delay_counts_per_host(server, fake_time):
    here, there = server.base, server.base.replace("127.0.0.1", "localhost")
    server.add("/a"), server.add("/b")
    fetcher = make_fetcher(fake_time, per_host_delay=2.0)
    for url in (here + "/a", there + "/a", here + "/b"):
        assert fetcher.fetch(url).status == "ok"
    # robots.txt (404) is each host's first request; each page waits 2 s after
    # its host's previous request, and /b's host has already rested 2 s.
    assert fake_time.sleeps == [2.0, 2.0]


def test_crawl_delay_in_robots_txt_slows_us_further(server, fake_time):
    server.add("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 3\n", content_type="text/plain"))
    fetcher = make_fetcher(fake_time, per_host_delay=2.0)
    for path in ("/a", "/b"):
        assert fetcher.fetch(server.add(path)).status == "ok"
    assert fake_time.sleeps == [3.0, 3.0]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file.zip", "file:///etc/hostname", "mailto:press@example.org",
                                 "http://", "not a url", "javascript:alert(1)", "http://a..b/x",
                                 f"http://{'x' * 64}.example/", "http://[::1/x"])
def test_non_http_url_is_a_bad_url(server, tmp_path, fake_time, url):
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert row["status"] == "bad_url" and row["attempts"] == 0 and row["error"]
    assert server.requests == []


def test_unreachable_host_is_retried_then_logged(tmp_path, fake_time):
    port = free_port()
    url = f"http://127.0.0.1:{port}/x"
    row = collect_one(url, tmp_path, make_fetcher(fake_time))

    assert (row["status"], row["attempts"]) == ("unreachable", 4)
    assert row["error"] == f"connection to 127.0.0.1:{port} failed ([Errno 111] Connection refused)"
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert "robots.txt unreachable" in row["note"]


def test_unknown_host_is_not_retried(tmp_path, fake_time):
    # A name that does not resolve will not resolve a second later; this is
    # what keeps an offline run fast. (.invalid never resolves: RFC 6761.)
    row = collect_one("http://no-such-outlet.invalid/story", tmp_path, make_fetcher(fake_time))

    assert (row["status"], row["attempts"]) == ("unreachable", 1)
    assert row["error"].startswith("connection to no-such-outlet.invalid failed")
    assert fake_time.sleeps == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2", 2.0), (" 120 ", 120.0), ("Wed, 09 Oct 2019 12:00:30 GMT", 30.0),
    ("Wed, 09 Oct 2019 11:00:00 GMT", 0.0), ("soon", None), (None, None), ("", None),
])
def test_parse_retry_after(value, expected):
    now = datetime(2019, 10, 9, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(("name", "value"), [("timeout", 0), ("max_bytes", -1), ("retries", -1),
                                             ("per_host_delay", -0.5)])
def test_policy_refuses_impossible_settings(name, value):
    with pytest.raises(ValueError, match=rf"FetchPolicy.{name} must be"):
        FetchPolicy(**{name: value})


# -- the store: incremental, refresh, damaged log ----------------------------------


def test_second_run_skips_done_urls_and_retries_failures(server, tmp_path, fake_time):
    ok = server.add("/ok")
    pdf = server.add("/doc.pdf", Reply(body=b"%PDF-1.4", content_type="application/pdf"))
    failing = server.add("/fail", Reply(status=403))  # may change; a 404 or 410 would not be asked again
    urls = pd.DataFrame({"url": [ok, pdf, failing, ok, "  "], "outlet": ["A", "A", "B", "A", None]})
    first = collect_urls(urls, raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    assert list(first["status"]) == ["ok", "not_html", "http_error"]  # repeats fetched once, blanks dropped
    assert first["http_status"].dtype == "Int64"

    second = collect_urls(urls, raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    assert list(second["url"]) == [failing]
    assert server.count("/ok") == 1 and server.count("/doc.pdf") == 1 and server.count("/fail") == 2
    assert len(read_collection_log(tmp_path)) == 4


def test_refresh_adds_a_snapshot_and_keeps_the_old_file(server, tmp_path, fake_time):
    url = server.add("/live", Reply(body=b"<html>version 1</html>"), Reply(body=b"<html>version 2</html>"))
    frame = pd.DataFrame({"url": [url]})
    collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time), refresh=True)
    log = read_collection_log(tmp_path)

    assert list(log["status"]) == ["ok", "ok"] and log["page_path"].nunique() == 2
    assert [(tmp_path / p).read_bytes() for p in log["page_path"]] == [b"<html>version 1</html>",
                                                                      b"<html>version 2</html>"]


def test_truncated_last_line_is_ignored_and_cut_before_the_next_append(server, tmp_path, fake_time):
    collect_urls(pd.DataFrame({"url": [server.add("/one")]}), raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    log_file = tmp_path / LOG_NAME
    with open(log_file, "ab") as fh:
        fh.write(b'{"url": "http://example.org/half", "status": "o')
    assert len(read_collection_log(tmp_path)) == 1

    collect_urls(pd.DataFrame({"url": [server.add("/two")]}), raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    lines = log_file.read_bytes().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["status"] == "ok" for line in lines)


def test_malformed_line_inside_the_log_is_an_error(tmp_path):
    (tmp_path / LOG_NAME).write_text('{"url": "a", "attempts": 1}\nnot json\n{"url": "b", "attempts": 1}\n')
    with pytest.raises(InputFileError, match=r"collection_log.jsonl:2: malformed"):
        read_collection_log(tmp_path)


def test_missing_url_column_is_refused(tmp_path, fake_time):
    with pytest.raises(InputFileError, match="'url' column"):
        collect_urls(pd.DataFrame({"link": ["http://x"]}), raw_dir=tmp_path, fetcher=make_fetcher(fake_time))


# -- a run killed midway -----------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import pandas as pd
    from analysis.collect.fetch import Fetcher, FetchPolicy
    from analysis.collect.rawstore import collect_urls

    urls = json.loads(Path(sys.argv[1]).read_text())
    fetcher = Fetcher(FetchPolicy(per_host_delay=0, retries=0, timeout=10), allow_private_addresses=True)
    collect_urls(pd.DataFrame({"url": urls}), raw_dir=Path(sys.argv[2]), fetcher=fetcher)
""")


def committed_rows(log_file: Path) -> int:
    return log_file.read_bytes().count(b"\n") if log_file.exists() else 0


def test_killed_run_resumes_with_every_url_exactly_once(server, tmp_path):
    # Each response differs (it carries the request number), so a page written
    # just before the kill but never logged stays behind as the one orphan.
    def article(n: int, path: str) -> Reply:
        return Reply(body=f"<html><body><h1>{path}</h1><p>served {n}</p></body></html>".encode(), delay=0.1)

    urls = [server.add_dynamic(f"/article/{i}", lambda n, p=f"/article/{i}": article(n, p)) for i in range(30)]
    raw = tmp_path / "raw"
    (tmp_path / "urls.json").write_text(json.dumps(urls))
    (tmp_path / "child.py").write_text(CHILD)
    log_file = raw / LOG_NAME

    child = subprocess.Popen([sys.executable, str(tmp_path / "child.py"), str(tmp_path / "urls.json"), str(raw)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while committed_rows(log_file) < 5 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if child.poll() is None:  # an exited child fails the next assertion, with its stderr
        os.kill(child.pid, signal.SIGKILL)
    _, stderr = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, stderr.decode()
    before = committed_rows(log_file)
    assert 5 <= before < 30, "the child was not killed midway"

    # What a kill (or power loss) can also leave: half a log line, a temp file.
    with open(log_file, "ab") as fh:
        fh.write(json.dumps({"url": urls[-1], "status": "ok"}).encode()[:25])
    (raw / "pages" / ".0123abcd.html.k1ll3d.tmp").write_bytes(b"<html>half")

    resumed = collect_urls(pd.DataFrame({"url": urls}), raw_dir=raw,
                           fetcher=Fetcher(FetchPolicy(per_host_delay=0, retries=0, timeout=10),
                                           allow_private_addresses=True))
    log = read_collection_log(raw)

    assert len(resumed) == 30 - before
    assert sorted(log["url"]) == sorted(urls) and (log["status"] == "ok").all()  # each URL once, none lost
    assert log_file.read_bytes().endswith(b"\n")  # the fragment was cut, not glued to a row
    pages = raw / "pages"
    for path, digest in zip(log["page_path"], log["content_sha256"]):
        assert (raw / path).exists() and sha256_file(raw / path) == digest == Path(path).stem
    assert [p.name for p in pages.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")] == []
    unreferenced = {p.name for p in pages.iterdir()} - {Path(p).name for p in log["page_path"]}
    assert len(unreferenced) <= 1, unreferenced  # only a page written between its file and its row


def test_slow_trickle_is_stopped_by_max_time(server, tmp_path):
    """``timeout`` bounds each read; ``max_time`` bounds the whole transfer (clock jumps 50 s per call)."""
    url = server.add("/trickle", Reply(body=b"<html>" + b"x" * 200_000 + b"</html>"))
    ticks = iter(range(0, 10_000_000, 50))
    fetcher = Fetcher(FetchPolicy(per_host_delay=0.0, max_time=120.0), sleep=lambda s: None,
                      clock=lambda: float(next(ticks)), allow_private_addresses=True)
    result = fetcher.fetch(url)
    assert result.status == "timeout" and "longer than 120 s" in result.error


# -- politeness across runs ----------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410])
def test_not_found_and_gone_are_final_until_refresh_or_retry_gone(server, tmp_path, fake_time, code):
    url = server.add("/removed", Reply(status=code, body=b"no"))
    other = server.add("/flaky", Reply(status=500, body=b"oops"))
    frame = pd.DataFrame({"url": [url, other]})
    collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time, retries=0))
    second = collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time, retries=0))
    assert list(second["url"]) == [other]  # a 500 may pass; a 404/410 is asked again only on request
    assert server.count("/removed") == 1

    assert list(collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time, retries=0),
                             retry_gone=True)["url"]) == [url, other]
    assert list(collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time, retries=0),
                             refresh=True)["url"]) == [url, other]
    assert server.count("/removed") == 3


def test_retry_after_beyond_the_run_is_recorded_and_honoured_later(server, tmp_path, fake_time):
    url = server.add("/busy", Reply(status=503, headers={"Retry-After": "86400"}), Reply(body=b"<html>back</html>"))
    frame = pd.DataFrame({"url": [url]})
    first = collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time))
    row = read_collection_log(tmp_path).iloc[-1]
    asked = datetime.fromisoformat(row["retrieved_at"])
    until = datetime.fromisoformat(row["retry_after"])
    assert list(first["status"]) == ["http_error"] and (until - asked).total_seconds() == 86400

    for kw in ({}, {"refresh": True}, {"now": until - pd.Timedelta(seconds=1)}):  # refresh does not override it
        run = collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time), **kw)
        assert list(run["status"]) == ["deferred"] and run["retry_after"].tolist() == [row["retry_after"]]
        assert "Retry-After" in run["error"].item() and row["retry_after"] in run["error"].item()
    assert server.count("/busy") == 1

    later = collect_urls(frame, raw_dir=tmp_path, fetcher=make_fetcher(fake_time), now=until)
    assert list(later["status"]) == ["ok"] and pd.isna(later["retry_after"].item())
    assert server.count("/busy") == 2


def test_a_log_written_before_retry_after_existed_still_reads(tmp_path):
    old = {"url": "http://example.org/a", "status": "http_error", "http_status": 503, "attempts": 1}
    (tmp_path / LOG_NAME).write_text(json.dumps(old) + "\n")
    log = read_collection_log(tmp_path)
    assert pd.isna(log["retry_after"].item())
