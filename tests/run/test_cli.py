"""The CLI end to end on a tiny in-code corpus, and its one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO, TINY_ARTICLES, write_jsonl

from analysis.core import config, storage
from analysis.run import dag
from analysis.run.cli import main


def tree_hashes(*folders) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def messy_dates() -> list[dict]:
    """The tiny corpus with month-only, year-only, missing and zoned publication dates."""
    articles = [dict(a) for a in TINY_ARTICLES]
    articles[0]["published"] = "2019-10"                      # month only
    articles[1]["published"] = "2019"                         # year only
    articles[2].pop("published")                              # undated
    articles[3]["published"] = "2019-10-08T23:30:00-05:00"    # a zone: 9 October in UTC
    articles[4]["published"] = "2019-10-09T01:00:00+08:00"    # 8 October in UTC
    return articles


@pytest.mark.slow  # the tiny study end to end, then a run that skips every stage
def test_init_ingest_run_on_own_jsonl_with_messy_dates(project, tmp_path, capsys):
    """A new user's own JSONL, whose dates are month-only, year-only, missing and in mixed time zones."""
    assert main(["init", "demo"]) == 0
    assert main(["ingest", "demo", str(write_jsonl(tmp_path / "dates.jsonl", messy_dates()))]) == 0
    assert main(["run", "demo"]) == 0
    assert "2 articles dated only to the month or year and 1 undated" in capsys.readouterr().err
    paths = config.study_paths("demo")
    table = pd.read_parquet(paths.table("articles")).set_index("source_id")
    assert table["date_precision"].to_dict() == {"a1": "month", "a2": "year", "a3": "", "a4": "time", "a5": "time"}
    assert table.loc["a4", "published"] == pd.Timestamp("2019-10-09 04:30", tz="UTC")
    index = (paths.reports / "index.html").read_text()
    assert "1 undated, 2 dated only to the month or year)" in index
    assert index.count("<figure") >= 3
    # a figure with nothing to show (the new study has no [[referents]]: no word choice) is named with its reason,
    # not drawn blank
    omitted = [json.loads(p.read_text()) for p in paths.figures.glob("*.json")]
    omitted = [s for s in omitted if s.get("kind") == "omitted"]
    assert "labels_by_leaning" in [s["name"] for s in omitted]
    for s in omitted:
        assert not list(paths.figures.glob(f"{s['name']}.png")) and f'<li id="{s["name"]}"><strong>' in index
        assert f'<figure id="{s["name"]}">' not in index
    assert "Left out for lack of data" in index and "No [[referents]] in study.toml" in index
    for name in ("articles_by_outlet", "sentiment_by_outlet", "actor_coverage"):
        assert (paths.figures / f"{name}.png").stat().st_size > 1000
        assert (paths.figures / f"{name}.svg").exists()
    assert "5 articles from 3 outlets" in index
    assert (paths.tables / "sentiment_by_outlet.csv").exists()
    assert not any(p.suffix == ".log" for p in paths.executed_notebooks.iterdir())

    before = tree_hashes(paths.processed, paths.reports)
    capsys.readouterr()
    assert main(["run", "demo"]) == 0  # nothing changed: answered from file metadata alone
    assert "demo: every stage is up to date" in capsys.readouterr().err
    assert tree_hashes(paths.processed, paths.reports) == before
    done = subprocess.run([sys.executable, "-c", HELP_IMPORTS, "run", "demo"], capture_output=True, text=True,
                          cwd=REPO)
    assert "every stage is up to date" in done.stderr
    heavy = done.stderr.strip().splitlines()[-1].split()[1:]
    assert not {"sklearn", "scipy", "matplotlib", "nbformat"} & set(heavy), done.stderr

    # A touched notebook (same content): the fast path declines, every stage compares content and is skipped.
    notebook = next(paths.notebooks.glob("*.ipynb"))
    os.utime(notebook, ns=(notebook.stat().st_atime_ns, notebook.stat().st_mtime_ns + 10**9))
    assert main(["run", "demo"]) == 0
    expected = ("done: collect skipped, ingest skipped, clean skipped, prepare skipped, measure skipped, "
                "frame skipped, compare skipped, provenance skipped, validate skipped, report skipped")
    assert expected in capsys.readouterr().err
    assert tree_hashes(paths.processed, paths.reports) == before
    assert main(["run", "demo"]) == 0  # and the record of that run lets the next one take the fast path again
    assert "demo: every stage is up to date" in capsys.readouterr().err
    # that a forced rebuild gives the same bytes and re-executes every notebook is checked by the reproduce test


def test_init_refuses_to_overwrite(project, capsys):
    assert main(["init", "demo"]) == 0
    assert main(["init", "demo"]) == 2
    assert "already exists; use --force to overwrite" in capsys.readouterr().err


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def test_bad_study_toml_is_one_line_error(project, capsys):
    paths = config.study_paths("bad")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "x"\nseeed = 3\n[[sources]]\nkind = "imports"\n')
    assert main(["run", "bad"]) == 2
    line = _one_line_error(capsys)
    assert "study.toml: [study]: unknown key 'seeed'" in line


def test_broken_jsonl_is_one_line_error_and_loses_nothing(project, tiny_jsonl, tmp_path, capsys):
    main(["init", "demo"])
    assert main(["ingest", "demo", str(tiny_jsonl)]) == 0
    paths = config.study_paths("demo")
    articles_before = paths.table("articles_raw").read_bytes()
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"outlet": "Vox", "text": "fine"}\n{"outlet": "Vox", "text": "oops"\n')
    capsys.readouterr()
    assert main(["ingest", "demo", str(broken)]) == 2
    assert _one_line_error(capsys) == "error: broken.jsonl:2: invalid JSON (Expecting ',' delimiter at column 33)"
    assert paths.table("articles_raw").read_bytes() == articles_before
    assert len(list(paths.imports.iterdir())) == 1


def test_rows_missing_fields_are_warned_not_dropped_silently(project, tmp_path, capsys):
    main(["init", "demo"])
    f = write_jsonl(tmp_path / "some.jsonl", [TINY_ARTICLES[0], {"outlet": "Vox", "title": "no text"}])
    assert main(["ingest", "demo", str(f)]) == 0
    assert "warning: some.jsonl:2: missing text; row skipped" in capsys.readouterr().err


def test_missing_data_is_one_line_error(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(tmp_path / "empty"))
    paths = config.study_paths("seedonly")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "x"\n[[sources]]\nkind = "files"\ndataset = "seed"\n'
                                'outlet = "Reclaim The Net"\n')
    assert main(["-q", "run", "seedonly"]) == 2
    line = _one_line_error(capsys)
    assert "dataset 'seed' file seed/reclaimthenet_2019-10_entity-list.txt is not in" in line
    assert "ANALYSIS_DATA_HOME" in line


@pytest.mark.slow  # three report runs (notebooks included)
def test_failed_stage_keeps_earlier_results_and_resumes(tiny_study, capsys):
    broken = tiny_study.notebooks / "99_broken.ipynb"
    broken.write_text('{"cells": [{"cell_type": "code", "execution_count": null, "id": "x", "metadata": {}, '
                      '"outputs": [], "source": "raise ValueError(\'boom\')"}], "metadata": {}, '
                      '"nbformat": 4, "nbformat_minor": 5}')
    assert main(["run", "tiny"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("error: notebook 99_broken.ipynb failed: ValueError: boom (partial output in ")
    assert tiny_study.table("sentiment_by_group").exists()
    broken.unlink()
    assert main(["run", "tiny"]) == 0
    err = capsys.readouterr().err
    assert ("ingest skipped, clean skipped, prepare skipped, measure skipped, frame skipped, compare skipped, "
            "provenance skipped, validate skipped, report ran") in err
    # the notebooks that ran before the failure stand: none is executed again
    assert "executing" not in err and err.count("up to date, not executed") == 6

    # A table only the provenance notebook reads changes: that notebook alone runs again.
    matching = storage.read_table(tiny_study.table("fact_matching_validation"))
    storage.write_table(matching.iloc[:-1], tiny_study.table("fact_matching_validation"))
    assert main(["report", "tiny"]) == 0
    err = capsys.readouterr().err
    assert "executing 06_provenance.ipynb" in err and err.count("executing") == 1, err


def test_changing_seed_reruns_compare_but_not_earlier_stages(tiny_study, capsys):
    assert main(["run", "tiny", "--until", "compare"]) == 0
    text = tiny_study.study_file.read_text().replace("seed = 7", "seed = 8")
    tiny_study.study_file.write_text(text)
    capsys.readouterr()
    assert main(["run", "tiny", "--until", "compare"]) == 0
    assert "ingest skipped, clean skipped, prepare skipped, measure skipped, frame ran, compare ran" in capsys.readouterr().err


# `python -m analysis CMD --help` for each command in turn, in one interpreter (importing the toolkit once, not once
# a command): the package's __main__ runs afresh for each, a form feed ends each command's output.
EVERY_HELP = """
import runpy, sys
for cmd in sys.argv[1:]:
    sys.argv = [sys.argv[0], cmd, "--help"]
    try:
        runpy.run_module("analysis", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    print(end="\\f", flush=True)
"""


def test_every_subcommand_has_help():
    commands = ["run", "init", "ingest", *dag.STAGES, "datasets", "reproduce", "explore"]
    done = subprocess.run([sys.executable, "-c", EVERY_HELP, *commands], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    outputs = done.stdout.split("\f")
    assert len(outputs) == len(commands) + 1 and outputs[-1] == ""
    for cmd, out in zip(commands, outputs):
        assert out.startswith("usage: python -m analysis " + cmd), (cmd, out[:200])


# Parses a command line as `python -m analysis` does, then names the heavy packages that got imported.
HELP_IMPORTS = """
import sys
from analysis.run.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = [m for m in ("pandas", "numpy", "sklearn", "scipy", "matplotlib", "nbformat") if m in sys.modules]
print("imported:", *heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["codesheet", "export", "--help"], ["explore", "--help"],
                                  ["nosuchcmd"],
                                  ["run", "--until", "nosuchstage"]])
def test_help_and_usage_errors_answer_without_the_scientific_stack(argv):
    done = subprocess.run([sys.executable, "-c", HELP_IMPORTS, *argv], capture_output=True, text=True, cwd=REPO)
    assert done.stderr.strip().splitlines()[-1] == "imported:", done.stderr
    assert "usage: python -m analysis" in done.stdout + done.stderr


def test_unknown_study_is_one_line_error(project, capsys):
    assert main(["measure", "ghost"]) == 2
    error = _one_line_error(capsys)
    assert "no such study file;" in error and "create it with `python -m analysis init ghost`" in error


def test_validate_a_study_runs_as_its_stage_from_the_command_line(tiny_study):
    # `validate STUDY` takes no engine options; it crashed looking them up when stages gained engines.
    assert main(["-q", "validate", "tiny", "--force"]) == 0
    assert tiny_study.table("sentiment_validation").exists()


def test_validate_sentiment_writes_long_table_and_summary(tiny_study, capsys):
    assert main(["-q", "validate", "sentiment", "--study", "tiny"]) == 0
    out = config.validation_reports() / "sentiment.csv"
    table = pd.read_csv(out)
    assert list(table.columns) == ["dataset", "split", "instrument", "metric", "value", "n"]
    assert set(table["instrument"]) == {"vader", "one human rater", "sentence_vader"}
    r = table.query("instrument == 'vader' and split == 'sentences' and metric == 'pearson_r'")
    assert r["value"].iloc[0] == pytest.approx(0.503, abs=0.001) and r["n"].iloc[0] == 5190
    f1 = table.query("instrument == 'sentence_vader' and metric == 'macro_f1'")
    assert f1["value"].iloc[0] == pytest.approx(0.512, abs=0.001) and f1["n"].iloc[0] == 1146
    summary = out.with_suffix(".md").read_text()
    assert summary in capsys.readouterr().out and "| vader | sentences | 5,190 | 0.503" in summary


def test_malformed_dictionary_is_one_line_error_naming_file_and_line(tiny_study, capsys):
    lexicon = tiny_study.root / "data" / "lexicons" / "tone.dic"
    lexicon.parent.mkdir(parents=True)
    lexicon.write_text("%\n1\tpositive\n2\tnegative\n%\ngood\t1\nbad\t3\n", encoding="utf-8")
    text = tiny_study.study_file.read_text().replace(
        '[sentiment]\n', '[sentiment]\ninstruments = ["vader", "tone"]\n')
    text += ('\n[[sentiment.dictionaries]]\nname = "tone"\npath = "data/lexicons/tone.dic"\n'
             'positive = ["positive"]\nnegative = ["negative"]\n')
    tiny_study.study_file.write_text(text)
    assert main(["run", "tiny"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("error: ") and f"{lexicon}:6:" in last and "'3'" in last
    assert tiny_study.table("sentences").exists()  # earlier stages' results are kept
    lexicon.write_text("%\n1\tpositive\n2\tnegative\n%\ngood\t1\nbad\t2\n", encoding="utf-8")
    assert main(["-q", "run", "tiny", "--until", "measure"]) == 0
    scores = pd.read_parquet(tiny_study.table("sentence_sentiment"))
    assert set(scores["instrument"]) == {"vader", "tone"}
    lexicon.unlink()
    assert main(["run", "tiny"]) == 2
    assert "sentiment.dictionaries[0]: key 'path' points to" in capsys.readouterr().err


@pytest.mark.slow  # two end-to-end builds (notebooks included)
def test_reproduce_check_rebuilds_byte_identically_and_names_what_was_altered(tiny_study, capsys):
    import pandas as pd

    assert main(["-q", "run", "tiny"]) == 0
    listed = pd.read_csv(tiny_study.reports / "MANIFEST.csv", keep_default_na=False)
    assert {"figure", "table", "notebook", "report", "explorer", "input", "config", "package", "code"} <= \
        set(listed["kind"])
    assert listed.loc[listed["kind"] == "explorer", "path"].tolist() == ["explorer.html"]
    assert 'href="explorer.html"' in (tiny_study.reports / "index.html").read_text()
    figures = listed.loc[listed["path"].str.endswith(".png")]
    assert (figures["made_by"].str.startswith("notebooks/0")).all()
    assert listed.loc[listed["kind"] == "code", "detail"].iloc[0].startswith("git commit ")

    # Alter one figure and one table by hand. The check rebuilds everything from the data (every notebook
    # executed again, as with --force) and names those two, and only those: every other artifact of the
    # rebuild is byte-identical to the first build.
    png = tiny_study.figures / f"{figures['path'].iloc[0].split('/')[-1]}"
    import matplotlib.image as mpimg

    pixels = mpimg.imread(png)
    pixels[:10, :10, :3] = 0.0
    mpimg.imsave(png, pixels)
    csv = tiny_study.tables / "sentiment_by_outlet.csv"
    table = pd.read_csv(csv)
    table.loc[0, "mean"] = 0.999
    table.to_csv(csv, index=False)
    capsys.readouterr()
    assert main(["reproduce", "tiny", "--check"]) == 1
    err = capsys.readouterr().err
    assert err.count("report: executing") == 6
    assert "reproduce: 2 artifacts differ from" in err
    assert f"figures/{png.name}: differs (" in err and "pixels differ" in err
    assert "tables/sentiment_by_outlet.csv: differs (1 of " in err and "column 'mean'" in err
    assert mpimg.imread(png)[:10, :10, :3].max() > 0  # the rebuild restored the figure
    assert pd.read_csv(csv).loc[0, "mean"] != 0.999  # and the table
