"""Shared fixtures: an isolated project folder and a tiny in-code corpus.

Tests never write into the checkout: ``project`` points the toolkit at a
temporary project root (with the real outlet registry and notebooks copied
in) and at an empty data home, while the mirror stays the real
``../shared/data`` so dataset loaders read the real files.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

TINY_ARTICLES = [
    {"id": "a1", "outlet": "Reuters", "url": "https://www.reuters.com/a1", "published": "2019-10-08",
     "title": "U.S. adds Chinese AI firms to trade blacklist",
     "text": "The U.S. Commerce Department added Hikvision to the Entity List on Monday. "
             "Beijing said it firmly opposes the move.\n\nOfficials said the firms were implicated in abuses."},
    {"id": "a2", "outlet": "Reuters", "url": "https://www.reuters.com/a2", "published": "2019-10-09",
     "title": "China vows response",
     "text": "China's Foreign Ministry condemned the decision. It said the U.S. should stop interfering."},
    {"id": "a3", "outlet": "Fox News", "url": "https://www.foxnews.com/a3", "published": "2019-10-08",
     "title": "Trump administration blacklists surveillance firms",
     "text": "President Trump's administration took a great step against horrible abuses. "
             "Lawmakers praised the excellent decision."},
    {"id": "a4", "outlet": "Fox News", "url": "https://www.foxnews.com/a4", "published": "2019-11-01",
     "title": "Uighur camps condemned",
     "text": "Uighurs face terrible repression in Xinjiang. Sen. Rubio called it an outrage."},
    {"id": "a5", "outlet": "The Guardian", "url": "https://www.theguardian.com/a5", "published": "2019-10-10",
     "title": "Tech firms blacklisted",
     "text": "Hikvision and SenseTime were blacklisted. The companies said they were disappointed.",},
]

TINY_STUDY = """\
[study]
title = "Tiny test study"
question = "Does the spine work?"
start = 2019-01-01
end = 2019-12-31
keep_undated = true
seed = 7
outlets = "data/outlets.csv"
groups = ["outlet", "leaning", "outlet_type"]

[compare]
n_boot = 200
n_perm = 200
min_articles = 2

# The baseline only: the target-aware model trains for ~30 s (tested on real data in test_default_study).
[sentiment]
actor_instruments = ["sentence_vader"]

[[sources]]
kind = "imports"

[[actors]]
name = "Hikvision"
type = "company"
aliases = ["Hikvision"]

[[actors]]
name = "Chinese government"
type = "government"
aliases = ["Beijing", "Foreign Ministry"]

[[actors]]
name = "US government"
type = "government"
aliases = ["Commerce Department", "Trump administration"]
"""


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) in a background thread; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "outlets.csv", root / "data" / "outlets.csv")
    (root / "notebooks").mkdir()
    for nb in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "data_home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    return root


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def tiny_jsonl(tmp_path) -> Path:
    return write_jsonl(tmp_path / "tiny.jsonl", TINY_ARTICLES)


@pytest.fixture
def tiny_study(project, tiny_jsonl):
    """A project with the tiny study defined and its articles imported (nothing run yet)."""
    from analysis.collect import ingest
    from analysis.core import config

    paths = config.study_paths("tiny")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text(TINY_STUDY, encoding="utf-8")
    ingest.import_file(tiny_jsonl, paths)
    return paths


def allsides_articles():
    """The AllSides articles table from the shared data (a pytest skip where the mirror lacks it)."""
    from analysis.collect import datasets
    from analysis.core.errors import DataNotFoundError

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
        try:
            return datasets.load_allsides(download=False)
        except DataNotFoundError as exc:
            pytest.skip(f"AllSides articles not available: {exc}")

