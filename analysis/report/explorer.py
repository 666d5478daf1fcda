"""``reports/<study>/explorer.html``: from any number in the report down to the sentences behind it.

One self-contained file (BokehJS inline, the data embedded as JSON, nothing fetched) with six views: distinctive
terms, frame shares, sentiment, quotes and sources, copying, and the articles. Written by the report stage and by
``python -m analysis explore STUDY``. :mod:`explorer_data` turns the tables into compact columns (sampling evidence
per cell when the study would not fit the size budget), :mod:`explorer_page` lays out the plots and panels.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import storage, tables
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError
from analysis.core.study import Study
from analysis.report import explorer_data

try:  # Bokeh is the `explorer` extra (in requirements.txt, so the README's install has it); without it the
    # report is written without its explorer and says how to add it
    from analysis.report import explorer_page
except ImportError as missing:  # pragma: no cover - exercised in a subprocess that blocks bokeh
    explorer_page = None
    _MISSING = str(missing)

INSTALL_HINT = "pip install 'media-framing-analysis[explorer]' (Bokeh)"

EXPLORER = "explorer.html"
# The tables the explorer reads; a study without referents or voice analysis lacks the optional ones.
EXPLORER_TABLES = ("articles", "sentences", "distinctive_terms", "frame_profiles", "frame_evidence", "frame_hits",
                   "sentiment_by_group", "actor_sentiment_by_group", "sentiment_evidence", "sentence_sentiment",
                   "actor_sentiment", "quotes", "reuse_pairs", "reuse_passages", "label_mentions")
OPTIONAL = {"frame_hits", "label_mentions"}
# The columns the page uses, where a table has more: the others were a fifth of what the explorer read.
COLUMNS = {"articles": ["doc_id", "outlet", "title", "url", "published", "text", "leaning", "outlet_type", "country"],
           "sentences": ["doc_id", "sent_id", "outlet", "start", "text"],
           "sentence_sentiment": ["doc_id", "sent_id", "instrument", "score"],
           "frame_evidence": ["doc_id", "sent_id", "outlet", "codebook", "frame", "matched", "start", "end"],
           "frame_hits": ["doc_id", "sent_id", "codebook", "frame", "voice"]}


DEFAULT_BUDGET = explorer_data.DEFAULT_BUDGET


def read_tables(paths: StudyPaths) -> dict[str, pd.DataFrame]:
    out = {}
    for name in EXPLORER_TABLES:
        path = paths.table(name)
        if name in OPTIONAL and not path.exists():
            out[name] = tables.empty(name)
            continue
        out[name] = storage.read_table(path, columns=COLUMNS.get(name),
                                       hint=f"run `python -m analysis run {paths.study}` first")
    return out


def input_files(paths: StudyPaths) -> list[Path]:
    return [paths.table(n) for n in EXPLORER_TABLES if n not in OPTIONAL or paths.table(n).exists()]


def available() -> bool:
    """Whether the explorer can be drawn here (Bokeh installed)."""
    return explorer_page is not None


def build(tables_: dict[str, pd.DataFrame], *, study: str, title: str, seed: int,
          budget: int = explorer_data.DEFAULT_BUDGET) -> str:
    """The explorer page (HTML text) for a study's tables."""
    if not available():
        raise AnalysisError(f"the explorer needs Bokeh, which is not installed ({_MISSING}): {INSTALL_HINT}")
    payload = explorer_data.fit_budget(tables_, study=study, title=title, seed=seed, budget=budget)
    return explorer_page.render(payload)


def write(study: Study, paths: StudyPaths, *, budget: int = explorer_data.DEFAULT_BUDGET) -> Path:
    """Write ``reports/<study>/explorer.html`` (only when its bytes changed) and return its path."""
    if not paths.table("articles").exists():
        raise AnalysisError(f"no tables for {study.id} yet; run `python -m analysis run {study.id}` first")
    page = build(read_tables(paths), study=study.id, title=study.title, seed=study.seed, budget=budget)
    out = paths.reports / EXPLORER
    storage.write_if_changed(out, page.encode("utf-8"))
    return out
