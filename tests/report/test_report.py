"""Notebooks stay thin and clean; figure files are reproducible; atomic writes."""

from __future__ import annotations

import ast

import jupytext
import nbformat
import pandas as pd
import pytest
from conftest import REPO

import analysis.framing.frame  # noqa: F401  (registers the framing tables, so the README check sees them)
from analysis.core import config, storage, tables
from analysis.report import exports, figures, report

# The report's numbered notebooks and your_study, the one a student copies (which the report does not run).
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_are_thin_and_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    for cell in code:
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_percent_script_matches_notebook(path):
    paired = jupytext.read(path.with_suffix(".py"))
    nb = nbformat.read(path, as_version=4)
    assert [c.source for c in paired.cells] == [c.source for c in nb.cells]


def test_figure_files_are_byte_identical_across_saves(tmp_path):
    by_period = pd.DataFrame({"period": ["2019Q4", "2019Q4", "undated"], "outlet": ["A", "B", "B"],
                              "outlet_type": "wire", "leaning": ["left", "right", "right"], "n_articles": [3, 1, 2]})
    first = figures.save(figures.articles_by_outlet(by_period), tmp_path / "a")
    second = figures.save(figures.articles_by_outlet(by_period), tmp_path / "b")
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes(), p.name
    svg = first[1].read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in first[0].read_bytes().decode("latin-1")


def test_captions_state_n_and_method():
    table = pd.DataFrame({"group_var": "outlet", "group": ["A", "B"], "instrument": "vader", "n_articles": [4, 1],
                          "n_sentences": [40, 9], "mean": [0.1, -0.2], "sd": [0.1, None], "ci_low": [0.0, None],
                          "ci_high": [0.2, None],
                          "ci_method": ["95% percentile bootstrap over articles, 2000 resamples", "no interval"]})
    cap = figures.sentiment_by_outlet(table, seed=11).caption
    assert "5 articles, 49 sentences" in cap and "percentile bootstrap over articles" in cap and "seed 11" in cap


def test_atomic_write_keeps_old_file_when_writer_crashes(tmp_path):
    target = tmp_path / "t.bin"
    storage.write_bytes(target, b"old")
    with pytest.raises(RuntimeError):
        with storage.atomic_path(target) as tmp:
            tmp.write_bytes(b"half-writ")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.bin"]


def test_write_table_leaves_unchanged_file_untouched(tmp_path):
    df = pd.DataFrame({"a": [1, 2]})
    path = tmp_path / "x.parquet"
    assert storage.write_table(df, path) is True
    mtime = path.stat().st_mtime_ns
    assert storage.write_table(df, path) is False and path.stat().st_mtime_ns == mtime


def test_written_files_get_umask_mode_not_0600(tmp_path):
    import os
    import stat

    path = tmp_path / "r.html"
    storage.write_text(path, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_readme_lists_every_table_with_its_key_and_columns():
    readme = (REPO / "README.md").read_text()
    for s in tables.SCHEMAS.values():
        assert f"| `{s.name}` | {s.layer} | `{', '.join(s.key)}` | {', '.join(s.names)} |" in readme, s.name


def test_actor_heatmap_stars_cells_whose_interval_excludes_zero():
    rows = [("Huawei", "A", 6, -0.4, -0.6, -0.2), ("Huawei", "B", 5, 0.1, -0.1, 0.3), ("ZTE", "A", 2, 0.5, None, None),
            ("ZTE", "B", 5, 0.3, 0.1, 0.5)]
    table = pd.DataFrame(rows, columns=["actor", "group", "n_articles", "mean", "ci_low", "ci_high"]).assign(
        group_var="outlet", instrument="target_logreg", instrument_version="v", n_sentences=9, sd=0.1,
        ci_method="95% expanded percentile bootstrap over articles")
    plot = figures.actor_sentiment_heatmap(table, instrument="target_logreg", seed=3, min_articles=5)
    texts = sorted(t.get_text() for t in plot.figure.axes[0].texts)
    assert texts == sorted(["-0.40*\n6", "+0.10\n5", "+0.50\n2", "+0.30*\n5"])
    assert "2 outlets" in plot.caption and "seed 3" in plot.caption and "excludes zero" in plot.caption


def test_evidence_table_shows_top_sentences_of_outlets_with_enough_articles():
    by_group = pd.DataFrame({"group_var": "outlet", "group": ["A", "B"], "instrument": "vader",
                             "n_articles": [5, 2], "mean": [-0.2, 0.3]})
    evidence = pd.DataFrame({"outlet": ["A", "A", "A", "B"], "instrument": "vader", "rank": [1, 2, 3, 1],
                             "doc_id": ["d1", "d2", "d1", "d9"], "sent_id": [4, 0, 2, 1],
                             "score": [-0.9, -0.7, -0.5, 0.9], "pull": [-0.05, -0.03, -0.01, 0.2],
                             "text": ["bad", "worse", "meh", "good"]})
    shown, caption = figures.sentiment_evidence_table(evidence, by_group, instrument="vader", min_articles=5, top=2)
    assert shown["sentence"].tolist() == ["bad", "worse"] and shown["article"].tolist() == ["d1#4", "d2#0"]
    assert shown["outlet"].iloc[0] == "A (mean -0.200, n=5)"
    assert "at least 5 articles (1 outlet)" in caption and "pull = (score - corpus mean)" in caption


def test_latex_export_is_booktabs_with_caption_label_and_escaped_text():

    df = pd.DataFrame({"group_var": ["leaning"], "group_a": ["left_&_co"], "group_b": ["right"],
                       "n_events": [12], "n_facts": [40], "omission_a": [0.25], "omission_b": [0.2], "diff": [0.05],
                       "ci_low": [-0.01], "ci_high": [0.104], "p_perm": [0.2], "p_fdr": [0.3]})
    tex = exports.latex_table(df, name="omission_contrasts", study="demo")
    for part in ("\\toprule", "\\midrule", "\\bottomrule", "\\label{tab:demo:omission_contrasts}", "\\caption{",
                 "left\\_\\&\\_co", "0.050", "\\begin{tabular}{lllrrrrrrrr}"):
        assert part in tex, part
    assert "p\\_perm" not in tex  # only the columns chosen for the paper


def test_tables_are_exported_while_the_notebooks_run_and_a_notebook_error_waits_for_them(monkeypatch, tmp_path):
    import threading
    import time

    started, notebooks_started, finished = threading.Event(), threading.Event(), threading.Event()

    def export(study, paths):  # each side waits for the other to start: run one after the other, they fail
        started.set()
        assert notebooks_started.wait(10), "the notebooks did not start while the tables were exported"
        time.sleep(0.2)
        finished.set()
        return [], []

    def notebooks(study, paths, *, workers=None):
        notebooks_started.set()
        assert started.wait(10), "the table exports did not start while the notebooks ran"
        raise RuntimeError("cell 3 of 02_sentiment failed")

    monkeypatch.setattr(exports, "tables_and_explorer", export)
    monkeypatch.setattr(report, "execute_notebooks", notebooks)
    with pytest.raises(RuntimeError, match="cell 3 of 02_sentiment"):
        report.run(None, config.study_paths("x", tmp_path))
    assert finished.is_set()  # the exports were written in full before the error reached the user


@pytest.mark.parametrize("threshold, kernels", [(10**12, 2), (1, 1)])
def test_a_large_study_gives_its_exports_and_explorer_one_of_the_workers(monkeypatch, tmp_path, threshold, kernels):
    paths = config.study_paths("x", tmp_path)
    storage.write_table(pd.DataFrame({"doc_id": ["d1", "d2"], "sent_id": [0, 0]}), paths.table("sentences"))
    monkeypatch.setattr(exports, "SEPARATE_EXPORTS_SENTENCES", threshold)
    asked = []

    def notebooks(study, paths, *, workers=None):
        asked.append(workers)
        raise RuntimeError("stop here")

    monkeypatch.setattr(exports, "tables_and_explorer", lambda study, paths: ([], []))
    monkeypatch.setattr(report, "execute_notebooks", notebooks)

    class TwoWorkers:
        workers = 2

    with pytest.raises(RuntimeError, match="stop here"):
        report.run(None, paths, engine=TwoWorkers())
    assert asked == [kernels]


def test_an_export_error_is_raised_once_the_notebooks_have_finished(monkeypatch, tmp_path):
    import time

    ran = []

    def export(study, paths):
        raise OSError("No space left on device: reports/x/tables/quotes.csv")

    def notebooks(study, paths, *, workers=None):
        time.sleep(0.1)
        ran.append("notebooks")
        return []

    monkeypatch.setattr(exports, "tables_and_explorer", export)
    monkeypatch.setattr(report, "execute_notebooks", notebooks)
    with pytest.raises(OSError, match="quotes.csv"):
        report.run(None, config.study_paths("x", tmp_path))
    assert ran == ["notebooks"]


def test_when_notebooks_and_exports_both_fail_the_notebooks_error_is_raised_and_the_other_logged(monkeypatch, caplog,
                                                                                                     tmp_path):
    def export(study, paths):
        raise OSError("No space left on device: reports/x/tables/quotes.csv")

    def notebooks(study, paths, *, workers=None):
        raise RuntimeError("cell 3 of 02_sentiment failed")

    monkeypatch.setattr(exports, "tables_and_explorer", export)
    monkeypatch.setattr(report, "execute_notebooks", notebooks)
    with caplog.at_level("ERROR", logger="analysis"), pytest.raises(RuntimeError, match="cell 3"):
        report.run(None, config.study_paths("x", tmp_path))
    assert "quotes.csv" in caplog.text


@pytest.mark.parametrize("spec, file, safe", [
    ("analysis.__main__", "/x/analysis/__main__.py", True),  # python -m analysis
    ("__main__", None, True),
    (None, None, True),  # an interactive session
    (None, "/home/me/my_study.py", False),  # a script: its top level may be unguarded
    ("my_module", "/home/me/my_module.py", False),  # python -m my_module: imported again as __mp_main__
])
def test_exports_are_spawned_only_where_the_main_module_is_not_run_again(spec, file, safe):
    import types

    main = types.ModuleType("__main__")
    main.__spec__ = types.SimpleNamespace(name=spec) if spec else None
    if file:
        main.__file__ = file
    assert exports.spawn_is_safe(main) is safe
