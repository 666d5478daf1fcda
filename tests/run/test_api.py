"""The Python API (analysis.run.api): a study from a DataFrame with its own column names, partial runs whose
tables are readable, errors that say what to do, the instruments on plain texts, and a light import."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from conftest import REPO, TINY_ARTICLES
from nbclient import NotebookClient
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import analysis
from analysis import Study, frame_texts, score_texts
from analysis.core import tables
from analysis.core.errors import AnalysisError, SchemaError, StageInputError, StudyConfigError
from analysis.framing.dictionary import FrameMatcher
from analysis.report import notebook, report


def export_frame() -> pd.DataFrame:
    """The tiny corpus as a spreadsheet export names it, plus a row without text and a column of its own."""
    rows = [{"Body": a["text"], "Source": a["outlet"], "Headline": a["title"], "Link": a["url"],
             "Date": pd.Timestamp(a["published"]), "Bias": None, "Notes": "x"} for a in TINY_ARTICLES]
    rows.append({"Body": None, "Source": "Reuters", "Headline": "empty", "Link": None, "Date": pd.NaT,
                 "Bias": None, "Notes": "y"})
    rows.append({"Body": "The Daily Planet said the decision was excellent.", "Source": "Daily Planet",
                 "Headline": "Planet", "Link": None, "Date": pd.Timestamp("2019-10-12"), "Bias": "right", "Notes": ""})
    return pd.DataFrame(rows)


def from_export(name: str = "api", **options) -> Study:
    return Study.from_dataframe(export_frame(), name=name, text="Body", outlet="Source", title="Headline",
                                url="Link", published="Date", columns={"leaning": "Bias"}, **options)


def test_from_dataframe_then_a_partial_run_leaves_earlier_tables_readable(project, caplog):
    with caplog.at_level(logging.WARNING, logger="analysis"):
        study = from_export(study_title="API test", actors=["Hikvision", {"name": "US government", "type": "government",
                                                                           "aliases": ["Commerce Department"]}])
    assert "dataframe.jsonl:6: missing text; row skipped" in caplog.text  # line N is the DataFrame's Nth row
    assert study.config.title == "API test" and [a.name for a in study.config.actors] == ["Hikvision", "US government"]
    assert study.config.actors[1].aliases == ("Commerce Department",)

    assert study.run(until="prepare") == {"collect": "skipped", "ingest": "ran", "clean": "ran", "prepare": "ran"}
    articles = study.table("articles").set_index("title")
    assert len(articles) == 6
    assert articles.loc["China vows response", "published"] == pd.Timestamp("2019-10-09", tz="UTC")
    assert articles.loc["Planet", "leaning"] == "right"  # an outlet the registry lacks, rated by a mapped column
    assert articles.loc["China vows response", "url"] == "https://www.reuters.com/a2"
    sentences = study.table("sentences")
    assert set(sentences["doc_id"]) == set(articles["doc_id"]) and len(sentences) >= len(articles)

    with pytest.raises(StageInputError, match=r"'sentiment_contrasts' of study 'api': not built yet: "
                                              r"run\(until='compare'\) \(built so far: articles_raw, articles"):
        study.table("sentiment_contrasts")
    with pytest.raises(SchemaError, match="no table is called 'sentence'; did you mean 'sentences'"):
        study.table("sentence")

    listing = study.tables().set_index("table")
    assert sorted(listing.index) == sorted(tables.SCHEMAS)
    assert listing.loc["sentences", ["built", "rows", "stage", "status"]].tolist() == [True, len(sentences),
                                                                                     "prepare", "built"]
    assert listing.loc["sentiment_contrasts", "status"] == "not built yet: run(until='compare')"
    assert not listing.loc["sentiment_contrasts", "built"] and pd.isna(listing.loc["sentiment_contrasts", "rows"])
    assert listing.loc["articles", "description"] == tables.schema("articles").doc
    stages = listing["stage"].tolist()  # in the order the stages run
    assert stages.index("prepare") < stages.index("measure") < stages.index("compare") < stages.index("validate")

    assert study.run(until="prepare")["prepare"] == "skipped"
    assert Study.load("api").table("sentences").equals(sentences)


def test_columns_are_the_schema_docs(project):
    study = Study.create("cols")
    cols = study.columns("sentences")
    schema = tables.schema("sentences")
    assert cols["column"].tolist() == schema.names
    assert cols["description"].tolist() == [c.doc for c in schema.columns]
    assert set(cols.loc[cols["key"], "column"]) == set(schema.key)


def test_errors_name_the_columns_found_and_what_to_pass(project):
    with pytest.raises(AnalysisError, match=r"no column 'outlet' for the article outlet \(name it with outlet='...'\); "
                                            r"no column 'text' for the article text .*; its columns are Body, Source"):
        Study.from_dataframe(export_frame(), name="bad")
    with pytest.raises(AnalysisError, match=r"no column 'body' .*; did you mean 'Body'\?"):
        Study.from_dataframe(export_frame(), name="bad", text="body", outlet="Source")
    with pytest.raises(AnalysisError, match=r"columns=\{'leanings': ...\} is not an import column; did you mean "
                                            r"'leaning'\?"):
        Study.from_dataframe(export_frame(), name="bad", text="Body", outlet="Source", columns={"leanings": "Bias"})
    with pytest.raises(StudyConfigError, match=r"actors\[0\].*'kind'"):
        Study.create("bad", actors=[{"name": "X", "aliases": ["X"], "kind": "company"}])
    assert not (project / "data" / "studies" / "bad").exists()  # nothing written by a failed start

    from_export()
    with pytest.raises(StudyConfigError, match=r"already exists; open it with Study.load\('api'\) or pass overwrite=True"):
        from_export()
    with pytest.raises(StudyConfigError, match=r"no such study \(studies in this project: api\); did you mean 'api'"):
        Study.load("apj")
    with pytest.raises(AnalysisError, match=r"until='prepar' is not a stage; did you mean 'prepare'"):
        Study.load("api").run(until="prepar")


def test_overwrite_replaces_the_imported_rows(project):
    study = from_export()
    smaller = export_frame().head(2)
    Study.from_dataframe(smaller, name="api", text="Body", outlet="Source", overwrite=True)
    imported = list(study.paths.imports.iterdir())
    assert len(imported) == 1
    assert len(imported[0].read_text(encoding="utf-8").splitlines()) == 2


def test_a_new_project_folder_gets_the_registry_and_notebooks_and_the_report_skips_your_study(tmp_path, project):
    study = Study.create("elsewhere", title="Another project", root=tmp_path / "other")
    assert study.paths.root == (tmp_path / "other").resolve() and study.config.title == "Another project"
    assert (tmp_path / "other" / "data" / "outlets.csv").read_bytes() == (REPO / "data" / "outlets.csv").read_bytes()
    copied = sorted(p.name for p in (tmp_path / "other" / "notebooks").iterdir())
    assert "your_study.ipynb" in copied and "01_corpus.ipynb" in copied
    assert "your_study.ipynb" not in [p.name for p in report.notebook_files(study.paths)]


def test_figures_lists_the_sidecars_in_report_order(project, monkeypatch):
    study = Study.create("figs")
    assert study.figures().empty and study.report_path == project / "reports" / "figs" / "index.html"
    for nb, name in (("02_sentiment", "b_table"), ("01_corpus", "a_table")):
        monkeypatch.setenv(notebook.NOTEBOOK_ENV, nb)
        notebook.publish_table(name, pd.DataFrame({"x": [1]}), caption=f"caption of {name}", study="figs")
    figures = study.figures()
    assert figures["name"].tolist() == ["a_table", "b_table"]
    assert figures.loc[0, ["kind", "caption", "notebook"]].tolist() == ["table", "caption of a_table", "01_corpus"]
    assert figures.loc[0, "path"] == study.paths.figures / "a_table.html" and figures.loc[0, "path"].exists()


def test_instruments_score_a_list_of_texts():
    texts = ["Officials praised the excellent decision.", "Critics called the move a disaster.", ""]
    scored = score_texts(texts)
    reference = SentimentIntensityAnalyzer()  # the VADER authors' package
    assert scored["text"].tolist() == texts and set(scored["instrument"]) == {"vader"}
    assert scored["score"].tolist() == pytest.approx([reference.polarity_scores(t)["compound"] for t in texts])
    series = pd.Series(texts[:2], index=["a", "b"])
    assert score_texts(series)["score"].index.tolist() == ["a", "b"]
    with pytest.raises(AnalysisError, match="'roberta' is not a built-in sentence instrument; use one of vader, "
                                            "news_ridge"):
        score_texts(texts, instrument="roberta")
    with pytest.raises(TypeError, match="not one string"):
        score_texts("one string")


def test_frame_texts_counts_each_frames_cues():
    texts = ["Tariffs will cost the economy billions of dollars.", "The weather was mild."]
    framed = frame_texts(texts, codebook="generic_news_frames")
    matcher = FrameMatcher(codebook="generic_news_frames").fit()
    assert framed.columns.tolist() == ["text", *matcher.frame_ids_]
    assert framed.drop(columns="text").to_numpy().tolist() == matcher.transform(texts).tolist()
    assert framed.loc[0, "economic_consequences"] > 0 and framed.drop(columns="text").loc[1].sum() == 0


def test_importing_the_package_imports_neither_pandas_nor_the_stages():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    probe = ("import sys, json, analysis; light = 'pandas' not in sys.modules; from analysis import Study; "
             "print(json.dumps([light, Study.__module__, sorted(m for m in ('sklearn', 'nbformat', 'matplotlib', "
             "'analysis.run.dag') if m in sys.modules)]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO, env=env)
    assert json.loads(out.stdout) == [True, "analysis.run.api", []]
    assert {"Study", "score_texts", "frame_texts"} <= set(analysis.__all__)


@pytest.mark.slow  # a run to the measure stage and a Jupyter kernel: about 30 s
def test_your_study_notebook_runs_on_a_small_study(project, tmp_path):
    study = from_export()
    study.run(until="measure")
    nb = nbformat.read(REPO / "notebooks" / "your_study.ipynb", as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source = 'STUDY = "api"'
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute(
        env={**os.environ, "PYTHONPATH": str(REPO)})
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the seaborn figure
    assert any("article_sentiment" in o.get("data", {}).get("text/plain", "") for o in outputs)
