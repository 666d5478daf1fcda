"""Shared fixtures: an isolated project folder, a tiny in-code corpus, the local HTTP server and the
session's one build of the default study.

Tests never write into the checkout: ``project`` points the toolkit at a
temporary project root (with the real outlet registry and notebooks copied
in) and at an empty data home, while the mirror stays the real
``../shared/data`` so dataset loaders read the real files.

``server`` is a scriptable HTTP server on 127.0.0.1 (tests/http_server.py);
``default_study_run`` is the default study built end to end once per session
(tests using it are marked ``slow`` and grouped on one xdist worker).

Test modules live in folders that mirror the package's rooms (tests/text/,
tests/collect/, ...) without ``__init__.py``: pytest puts each test's folder
and this one on ``sys.path``, so ``from conftest import ...``,
``from http_server import ...`` and ``from browser import ...`` work from any
folder, and every test module's file name must be unique across folders.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from http_server import Server, running_server

if TYPE_CHECKING:
    from analysis.core.config import StudyPaths

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


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory) -> Iterator[Path]:
    """One toolkit cache (validation results, trained models) for the whole run, shared by its xdist workers: the
    default study and every small study validate the same instruments, which is computed once per run, as once
    per machine for a user. Tests of the cache itself point ``ANALYSIS_CACHE_HOME`` at a folder of their own."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "analysis-cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture
def server() -> Iterator[Server]:
    """The local HTTP server (tests/http_server.py): ``server.add(path, Reply(...))`` returns the URL to fetch."""
    with running_server() as state:
        yield state


def new_project(root: Path) -> Path:
    """A bare project folder at ``root``: ``data/`` with the outlet registry, nothing else."""
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "outlets.csv", root / "data" / "outlets.csv")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = new_project(tmp_path / "project")
    (root / "notebooks").mkdir()
    for nb in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "data_home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    return root


@dataclass(frozen=True)
class DefaultStudyBuild:
    root: Path  # the temporary project root the default study was built in
    paths: StudyPaths
    snapshot: dict[Path, bytes]  # every processed and report file after the first run


@pytest.fixture(scope="session")
def default_study_build(tmp_path_factory, pytestconfig) -> DefaultStudyBuild:
    """The default study (``entity-list``) built once per session (per xdist worker: hence the ``default_study``
    xdist group) on real data in a temporary project, then run a second time (which must skip every stage).

    Use ``default_study_run``, which also points the toolkit at that project for the test."""
    if not (SHARED_DATA / "allsides" / "articles.jsonl.gz").exists():
        pytest.skip("the default study needs ../shared/data")
    _claim_the_only_build(tmp_path_factory, pytestconfig)
    from analysis.core import config
    from analysis.run.cli import main

    root = tmp_path_factory.mktemp("default") / "project"
    shutil.copytree(REPO / "data" / "studies" / "entity-list", root / "data" / "studies" / "entity-list")
    shutil.copy(REPO / "data" / "outlets.csv", root / "data" / "outlets.csv")
    (root / "notebooks").mkdir()
    for nb in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    with pytest.MonkeyPatch.context() as mp:
        _point_at_default_study(mp, root)
        assert main(["-q", "run"]) == 0
        paths = config.study_paths("entity-list")
        snapshot = {p: p.read_bytes() for d in (paths.processed, paths.reports) for p in d.rglob("*") if p.is_file()}
        assert main(["-q", "run"]) == 0
    return DefaultStudyBuild(root, paths, snapshot)


def _claim_the_only_build(tmp_path_factory, pytestconfig) -> None:
    """Under ``--dist loadgroup``, fail if another xdist worker of this run has built the default study already:
    the ``default_study`` group did not hold (a plugin incompatibility once made it a silent 4-minute loss)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not getattr(pytestconfig.option, "loadgroup", False):
        return
    claim = tmp_path_factory.getbasetemp().parent / "default-study-built-by"  # shared by this run's workers
    try:
        with open(claim, "x", encoding="utf-8") as fh:
            fh.write(worker)
    except FileExistsError:
        pytest.fail(f"the default study was already built by {claim.read_text(encoding='utf-8')} in this run: "
                    "the xdist_group 'default_study' is not keeping its tests on one worker (see "
                    "requirements-test.txt on pytest and pytest-xdist versions)")


def _point_at_default_study(mp: pytest.MonkeyPatch, root: Path) -> None:
    mp.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    mp.setenv("ANALYSIS_DATA_HOME", str(root / "home"))
    mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))


@pytest.fixture
def default_study_run(default_study_build, monkeypatch) -> tuple[StudyPaths, dict[Path, bytes]]:
    """``(paths, snapshot)`` of the session's default-study build, with the toolkit pointed at its project for
    this test. Tests using it are marked ``slow`` and put in the ``default_study`` xdist group (see below)."""
    _point_at_default_study(monkeypatch, default_study_build.root)
    return default_study_build.paths, default_study_build.snapshot


@pytest.fixture
def default_study_copy(default_study_build, tmp_path, monkeypatch) -> StudyPaths:
    """The paths of a private copy of the session's default-study project, with the toolkit pointed at it: for a
    test that writes into the study (the shared build must stay as built for the tests after it)."""
    from analysis.core import config

    root = tmp_path / "project"
    shutil.copytree(default_study_build.root, root, symlinks=True)
    _point_at_default_study(monkeypatch, root)
    return config.study_paths("entity-list")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Every test that uses the default-study build is slow (the build takes minutes) and runs on one xdist worker
    (``--dist loadgroup``), so the build happens once per session; under xdist, slow tests are handed out first."""
    for item in items:
        if "default_study_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("default_study"))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # On xdist workers (all sort alike), the slow tests go first: a test of minutes started last would leave
        # the other worker idle at the end. Otherwise each keeps its place.
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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

