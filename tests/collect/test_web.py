"""Collection end to end: a study whose URL list and feed point at a real local server."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA
from http_server import Reply

from analysis.collect import datasets, rawstore
from analysis.core import config
from analysis.run.cli import main

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "extraction_benchmark").exists(), reason="needs ../shared/data")


@pytest.fixture
def site(project, server):
    """Three real pages, a robots.txt that forbids /private, a PDF and an RSS feed on the local server."""
    pages = datasets.load_extraction_benchmark().head(3)
    for i, html in enumerate(pages["html"]):
        server.add(f"/p{i}.html", Reply(body=html, content_type="text/html; charset=utf-8"))
    server.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private\n", content_type="text/plain"))
    server.add("/private/x.html", Reply(body=b"<html><body>secret</body></html>", content_type="text/html"))
    server.add("/statement.pdf", Reply(body=b"%PDF-1.4 not html", content_type="application/pdf"))
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Local Wire</title>"
            f"<item><title>One</title><link>{server.base}/p2.html</link></item></channel></rss>").encode()
    server.add("/feed.xml", Reply(body=feed, content_type="application/rss+xml"))
    return server, pages


def _study(project, base: str) -> config.StudyPaths:
    paths = config.study_paths("web")
    paths.study_dir.mkdir(parents=True)
    (paths.study_dir / "urls.csv").write_text(
        "url,outlet\n" + "".join(f"{base}/{p},Local News\n" for p in
                                 ["p0.html", "p1.html", "missing.html", "private/x.html", "statement.pdf"]))
    paths.study_file.write_text(
        '[study]\ntitle = "web"\nkeep_undated = true\n[compare]\nmin_articles = 2\n'
        '[collect]\nper_host_delay = 0\nuser_agent = "test-suite/1.0"\n'
        '[[sources]]\nkind = "urls"\npath = "data/studies/web/urls.csv"\n'
        f'[[sources]]\nkind = "feed"\nurl = "{base}/feed.xml"\noutlet = "Local Wire"\n')
    return paths


def test_collect_ingest_and_resume(site, project, monkeypatch):
    server, pages = site
    base = server.base
    paths = _study(project, base)
    assert main(["-q", "run", "web", "--until", "clean", "--allow-private-addresses"]) == 0
    status = pd.read_csv(paths.interim / "collection_status.csv").set_index("url")
    assert status.loc[f"{base}/p0.html", "status"] == "ok"
    assert status.loc[f"{base}/missing.html", "status"] == "http_error"
    assert status.loc[f"{base}/missing.html", "http_status"] == 404
    assert status.loc[f"{base}/private/x.html", "status"] == "robots_disallowed"
    assert status.loc[f"{base}/statement.pdf", "status"] == "not_html"
    assert status.loc[f"{base}/p2.html", "status"] == "ok"  # from the feed
    assert server.count("/private/x.html") == 0

    articles = pd.read_parquet(paths.table("articles"))
    assert len(articles) == 3
    extractions = (paths.web / "extractions.tsv").read_text().splitlines()
    assert len(extractions) == 3 and all(line.split("\t")[1].startswith("trafilatura 2.") for line in extractions)
    assert set(articles["extractor"]) == {f"trafilatura {__import__('trafilatura').__version__}"}
    assert set(articles["outlet"]) == {"Local News", "Local Wire"}
    gold_words = pages["gold_text"].iloc[0].split()[:8]
    body = articles.loc[articles["source_id"] == f"{base}/p0.html", "text"].item()
    assert " ".join(gold_words[:4]) in body

    # a second run fetches nothing already collected, nor the 404 (final until --refresh or --retry-gone)
    n_hits = len(server.requests)
    assert main(["-q", "collect", "web", "--allow-private-addresses"]) == 0
    assert set(server.requests[n_hits:]) == {"/robots.txt", "/feed.xml"}
    n_hits = len(server.requests)
    assert main(["-q", "collect", "web", "--allow-private-addresses", "--retry-gone"]) == 0
    assert set(server.requests[n_hits:]) == {"/robots.txt", "/feed.xml", "/missing.html"}
    ok_rows = rawstore.read_collection_log(paths.web).query("status == 'ok'")
    assert ok_rows["url"].is_unique


def test_saved_html_folder_source(project):
    pages = datasets.load_extraction_benchmark().head(2)
    folder = project / "data" / "external" / "saved"
    folder.mkdir(parents=True)
    for i, html in enumerate(pages["html"]):
        (folder / f"page{i}.html").write_bytes(html)
    (folder / "broken.html").write_bytes(b"<html><body><div>")
    paths = config.study_paths("saved")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "saved"\nkeep_undated = true\n'
                                '[[sources]]\nkind = "html"\npath = "data/external/saved"\noutlet = "Saved Outlet"\n')
    assert main(["-q", "run", "saved", "--until", "clean"]) == 0
    articles = pd.read_parquet(paths.table("articles"))
    assert sorted(articles["source_id"]) == ["page0.html", "page1.html"]  # the broken page is logged, not fatal


@pytest.mark.slow  # runs the founding study up to compare
def test_founding_study_builds_offline(project):
    """Every URL unreachable: collection logs each one and the study builds from the seed article."""
    paths = config.study_paths("entity-list-2019")
    shutil.copytree(REPO / "data" / "studies" / "entity-list-2019", paths.study_dir)
    urls = pd.read_csv(paths.study_dir / "urls.csv")
    # .invalid never resolves (RFC 2606), so this test behaves the same with or without a network.
    urls["url"] = urls["url"].str.replace(r"^(https?://)([^/]+)", r"\1\2.invalid", regex=True)
    urls.to_csv(paths.study_dir / "urls.csv", index=False)
    assert main(["-q", "run", "entity-list-2019", "--until", "compare"]) == 0
    status = pd.read_csv(paths.interim / "collection_status.csv")
    assert len(status) == len(urls) and set(status["status"]) == {"unreachable"}
    assert status["error"].str.contains(".invalid").all()
    articles = pd.read_parquet(paths.table("articles"))
    assert articles["outlet"].tolist() == ["Reclaim The Net"]
    log = pd.read_parquet(paths.table("cleaning_log"))
    assert (log["step"] == "boilerplate").sum() >= 4
    assert "Subscribe to Reclaim The Net" not in articles["text"].item()


def test_empty_extraction_and_non_english_are_reported(project, server):
    # Close-delimited bodies (no Content-Length), as some servers send them.
    empty = b"<html><head><title>x</title></head><body><script>var a;</script></body></html>"
    french = ("<html><head><title>Sanctions</title></head><body><article><p>"
              + "Les entreprises chinoises ont été ajoutées à la liste noire américaine. " * 8
              + "</p></article></body></html>").encode()
    server.add("/empty.html", Reply(body=empty, send_length=False))
    server.add("/fr.html", Reply(body=french, send_length=False))
    base = server.base
    paths = config.study_paths("mixed")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "m"\nkeep_undated = true\n[collect]\nper_host_delay = 0\n'
                                '[[sources]]\nkind = "urls"\npath = "data/studies/mixed/urls.txt"\noutlet = "X"\n')
    (paths.study_dir / "urls.txt").write_text(f"{base}/empty.html\n{base}/fr.html\n")
    for _ in range(2):  # the status must survive a second run (collect runs every time)
        assert main(["-q", "run", "mixed", "--until", "clean", "--allow-private-addresses"]) == 0
        status = pd.read_csv(paths.interim / "collection_status.csv").set_index("url")["status"]
        assert status[f"{base}/empty.html"] == "extraction_empty" and status[f"{base}/fr.html"] == "ok"
    articles = pd.read_parquet(paths.table("articles"))
    assert articles["language"].tolist() == ["fr"]
    assert "non_english:fr" in articles["quality_flags"].item()
