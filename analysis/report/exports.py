"""The report's tables for others: CSV copies of the study's tables with their data dictionary, LaTeX tables,
and the explorer page, written beside the notebooks (:mod:`analysis.report.report` runs them).

Split from ``report`` (which runs the notebooks and writes the index) so that each stays readable in one
sitting.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from analysis.core import cells, memory, storage
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.provenance import facts
from analysis.report import datadict, explorer
from analysis.report.notebook import OPTIONAL_TABLES, REPORT_TABLES

log = logging.getLogger("analysis")

# Tables split in two CSV files for readers: rows for outlets, rows for the other groupings.
_SPLIT_BY_OUTLET = {"sentiment_by_group": ("sentiment_by_outlet", "sentiment_by_group"),
                    "actor_sentiment_by_group": ("actor_sentiment_by_outlet", "actor_sentiment_by_group"),
                    "frame_profiles": ("frames_by_outlet", "frames_by_group"),
                    "frame_voices": ("frame_voices_by_outlet", "frame_voices_by_group"),
                    "label_shares": ("labels_by_outlet", "labels_by_group"),
                    "topic_prevalence": ("topics_by_outlet", "topics_by_group"),
                    "markers_by_group": ("loaded_language_by_outlet", "loaded_language_by_group"),
                    "quote_sources": ("sources_by_outlet", "sources_by_group"),
                    "fact_coverage": ("fact_coverage_long", "fact_coverage_by_group")}
def export_tables(paths: StudyPaths) -> list[Path]:
    """CSV copies of the report tables (article text left out: it is the publishers'), and their data dictionary
    (``datapackage.json`` and ``README.md``, from the tables' schemas).

    Text cells that a spreadsheet would run as a formula get a leading quote (:mod:`analysis.core.cells`).
    """
    resources: list[dict] = []

    def write(df: pd.DataFrame, stem: str, table: str) -> Path:
        out = paths.tables / f"{stem}.csv"
        storage.write_csv(cells.neutralise_frame(datadict.csv_ready(df, table)), out)
        resources.append(datadict.resource(out, table=table))
        memory.release_unused()  # one table at a time: the next one need not add to what this one left
        return out

    written = []
    for name in REPORT_TABLES:
        if name in OPTIONAL_TABLES and not paths.table(name).exists():
            continue
        df = storage.read_table(paths.table(name))
        if name == "articles":
            df = df[["doc_id", "outlet", "outlet_type", "leaning", "leaning_source", "published", "url", "source",
                     "source_id", "language", "original_outlet", "extractor", "n_chars_removed", "canonical_doc_id",
                     "is_duplicate", "quality_flags"]]
        if name in _SPLIT_BY_OUTLET:
            outlet = df["group_var"] == "outlet"
            for subset, stem in zip((df[outlet], df[~outlet]), _SPLIT_BY_OUTLET[name]):
                written.append(write(subset, stem, name))
            continue
        written.append(write(df, name, name))
    written.append(_fact_matrix_csv(paths))
    resources.append(datadict.resource(written[-1], table=None, description=_FACT_MATRIX_DOC))
    written += _latex_exports(paths)
    status = paths.interim / "collection_status.csv"
    if status.exists():
        # URLs and titles from the user's lists: neutralised like the other tables (the interim copy is not).
        storage.write_csv(cells.neutralise_frame(storage.read_csv(status, dtype=str, keep_default_na=False)),
                          paths.tables / status.name)
        written.append(paths.tables / status.name)
        resources.append(datadict.resource(written[-1], table=None, description=_COLLECTION_STATUS_DOC))
    package = datadict.data_package(resources, study=paths.study)
    storage.write_if_changed(paths.tables / "datapackage.json",
                             (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode())
    storage.write_if_changed(paths.tables / "README.md", datadict.readme(package).encode())
    return [*written, paths.tables / "datapackage.json", paths.tables / "README.md"]


_FACT_MATRIX_DOC = ("One row per fact (fact_id, event_id, fact_text), then one column per outlet: the share of that "
                    "outlet's articles in the fact's event that carried it (empty where the outlet had no article "
                    "in the event).")
_COLLECTION_STATUS_DOC = "One row per URL the collect stage tried: its status, HTTP code and message."


# The main comparison tables, also written as LaTeX (booktabs) for papers: (table, columns, caption).
LATEX_TABLES = {
    "sentiment_by_group": (["group_var", "group", "instrument", "n_articles", "mean", "ci_low", "ci_high"],
                           "Mean article sentiment per group, with expanded percentile bootstrap CIs over articles."),
    "sentiment_contrasts": (["target", "group_var", "group_a", "group_b", "instrument", "n_a", "n_b", "diff",
                             "ci_low", "ci_high", "p_perm", "p_fdr"],
                            "Group contrasts of sentiment: bootstrap CIs over articles, permutation p, "
                            "Benjamini--Hochberg adjusted p."),
    "quote_source_contrasts": (["group_var", "group_a", "group_b", "source_type", "n_a", "n_b", "share_a",
                                "share_b", "diff", "ci_low", "ci_high", "p_fdr"],
                               "Contrasts of quote-source shares: article bootstrap, permutation p, "
                               "Benjamini--Hochberg."),
    "omission_contrasts": (["group_var", "group_a", "group_b", "n_events", "n_facts", "omission_a", "omission_b",
                            "diff", "ci_low", "ci_high", "p_fdr"],
                           "Facts left out, compared on the events both groups covered: event bootstrap, "
                           "within-event permutation p, Benjamini--Hochberg."),
}


def latex_table(df: pd.DataFrame, *, name: str, study: str) -> str:
    """A booktabs table (three decimals, escaped text) with caption and label, ready for ``\\input``."""
    columns, caption = LATEX_TABLES[name]
    shown = df[[c for c in columns if c in df.columns]]
    return shown.to_latex(index=False, float_format="%.3f", escape=True, longtable=False,
                          caption=f"{caption} Study \\texttt{{{study}}}; n = {len(shown):,} rows.",
                          label=f"tab:{study}:{name}",
                          column_format="".join("r" if pd.api.types.is_numeric_dtype(shown[c]) else "l"
                                                for c in shown.columns))


def _latex_exports(paths: StudyPaths) -> list[Path]:
    written = []
    for name in LATEX_TABLES:
        if not paths.table(name).exists():
            continue
        out = paths.tables / "latex" / f"{name}.tex"
        storage.write_if_changed(out, latex_table(storage.read_table(paths.table(name)), name=name,
                                             study=paths.study).encode("utf-8"))
        written.append(out)
    return written


def _fact_matrix_csv(paths: StudyPaths) -> Path:
    """``fact_coverage.csv``: one row per fact, its text, and one column per outlet (share of its articles
    on the event that state the fact; empty where the outlet did not cover the event)."""

    # only the columns the matrix shows: the whole million-row table was this export's memory peak
    coverage = storage.read_table(paths.table("fact_coverage"), columns=["fact_id", "group_var", "group", "share"])
    matrix = facts.coverage_matrix(coverage.loc[coverage["group_var"] == "outlet"])
    del coverage
    text = storage.read_table(paths.table("facts"), columns=["fact_id", "event_id", "fact_text"]).set_index("fact_id")
    wide = text.join(matrix, how="inner").reindex(matrix.index).reset_index(names="fact_id")
    storage.write_csv(cells.neutralise_frame(wide), paths.tables / "fact_coverage.csv")
    return paths.tables / "fact_coverage.csv"


# From this many sentences the CSV exports and the explorer are a lane of their own beside the notebooks' kernels,
# which then take one worker fewer (:func:`takes_a_worker`): on the full AllSides corpus (1.77 million sentences)
# the exports write 1.1 GB of CSV in about 44 s and the explorer takes about 46 s. Run beside each other and beside
# two kernels, four processes shared two cores, none faster for it, and their memory added up (2,593 MiB on a
# 12,000-article study, the explorer and the exports process at about 1 GB and 0.8 GB of it). The exports run in
# a process of their own, whose memory goes back to the system when it ends, spawned, not forked: this one runs the
# kernels' client threads, which a fork would copy mid-flight. Below the threshold a new interpreter's imports
# (about 2 s) would cost more than they save.
SEPARATE_EXPORTS_SENTENCES = 200_000


def takes_a_worker(paths: StudyPaths) -> bool:
    """Whether the exports and the explorer run as a lane of their own (a large study, see above)."""
    sentences = paths.table("sentences")
    return (sentences.exists() and storage.table_rows(sentences) >= SEPARATE_EXPORTS_SENTENCES
            and spawn_is_safe(sys.modules.get("__main__")))


def tables_and_explorer(study: Study, paths: StudyPaths) -> tuple[list[Path], list[Path]]:
    """The CSV exports and the explorer page (none without Bokeh: a stale page is removed, with a warning), one
    after the other."""
    if takes_a_worker(paths):
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as side:
            tables_written = side.submit(export_tables, paths).result()
        return tables_written, _explorer(study, paths)
    return export_tables(paths), _explorer(study, paths)


def spawn_is_safe(main) -> bool:
    """Whether a spawned process can start without running ``main`` (the ``__main__`` module) again.

    A spawned process imports the parent's main module once more, as ``__mp_main__``, unless it is a package's
    ``__main__`` (``python -m analysis``, ``python -m pytest``) or has no file (an interactive session): a script
    whose top level is not under ``if __name__ == "__main__":`` would run a second time inside the export
    process. That cannot be told from outside, so a script (or a ``-m`` module) keeps the exports in the thread.
    """
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return name == "__main__" or name.endswith(".__main__")
    return getattr(main, "__file__", None) is None


def _explorer(study: Study, paths: StudyPaths) -> list[Path]:
    if explorer.available():
        page = explorer.write(study, paths)
        memory.release_unused()  # the explorer's tables are freed; the notebooks' kernels still run beside this
        return [page]
    storage.remove_file(paths.reports / explorer.EXPLORER)  # never leave a stale page beside a new report
    log.warning("report: explorer.html not written: %s", explorer.INSTALL_HINT)
    return []
