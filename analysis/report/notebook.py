"""What a notebook kernel calls: load a study's tables, publish figures and small tables into its report.

Kept apart from the report stage (:mod:`analysis.report.report`) so that a kernel imports only pandas,
matplotlib and the storage layer: the stage's nbformat/nbclient imports cost about 2 s, in every kernel.

When the report stage runs a notebook it names a log file in ``ANALYSIS_REPORT_RUN_LOG``; the kernel
appends one line per table it read (``read NAME``) and per figure or table it published
(``published NAME``). The stage re-executes a notebook only when one of the tables it read, its source
or the toolkit's code changed.
"""

from __future__ import annotations

import base64
import gc
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.core import config, memory, storage, tables
from analysis.core.study import Study, load_study
from analysis.report import figure_checks, figures

log = logging.getLogger("analysis")
REPORT_TABLES = [
    "articles", "cleaning_log", "sentence_sentiment", "article_sentiment", "sentiment_by_group", "sentiment_by_voice",
    "sentiment_contrasts", "sentiment_evidence", "actor_coverage", "actor_sentiment_by_group", "articles_by_period",
    "sentiment_validation", "validation_scores", "target_sentiment_validation",
    "frame_profiles", "frame_voices", "frame_evidence", "frame_predictions", "frame_prediction_profiles", "distinctive_terms",
    "label_shares", "label_contrasts", "label_candidates", "topic_terms", "topic_k_scores", "topic_prevalence",
    "topic_top_articles", "markers_by_group", "framing_validation",
    "reuse_pairs", "reuse_clusters", "article_wire", "reuse_sensitivity", "term_sensitivity", "quotes",
    "quote_spread", "quote_sources", "quote_source_contrasts", "facts", "fact_coverage", "one_sided_facts",
    "fact_omission", "omission_contrasts", "fact_matching_validation", "instrument_agreement",
]
# Tables a study without [[referents]] does not produce.
OPTIONAL_TABLES = {"label_shares", "label_contrasts", "label_candidates", "frame_predictions",
                   "frame_prediction_profiles"}
NOTEBOOK_ENV = "ANALYSIS_REPORT_NOTEBOOK"
RUN_LOG_ENV = "ANALYSIS_REPORT_RUN_LOG"
_published: list[str] = []
# What the first notebook in this kernel found, restored for each later one (see begin_notebook).
_first_state: dict | None = None


def begin_notebook(env: dict[str, str]) -> None:
    """Give the next notebook in this kernel the state a new kernel would: called by the report stage, unseen,
    before every notebook it runs (:mod:`analysis.report.execute`), after clearing the namespace.

    Figures are closed; matplotlib's settings, numpy's print and error settings, the warning filters, the
    environment variables, the working folder and ``sys.path`` are those the first notebook found (the
    toolkit's style applied); pandas options are pandas' defaults; warnings already shown will show again; figure
    positions count from one; and ``env`` (the notebook's name and run log) is set on top."""
    global _first_state
    plt.close("all")
    _published.clear()
    if _first_state is None:  # the backend is the kernel's (inline, interactive), not a setting of a notebook
        _first_state = {"rc": {k: v for k, v in plt.rcParams.items() if k not in ("backend", "interactive")},
                        "filters": list(warnings.filters), "environ": dict(os.environ), "cwd": os.getcwd(),
                        "path": list(sys.path), "printoptions": np.get_printoptions(), "err": np.geterr()}
    first = _first_state
    dict.update(plt.rcParams, first["rc"])  # as matplotlib's rc_context restores: no re-validation or notices
    warnings.resetwarnings()  # also forgets which warnings were already shown, as in a new process
    warnings.filters[:] = first["filters"]
    getattr(warnings, "onceregistry", {}).clear()  # and those shown under the "once" action
    os.environ.clear()
    os.environ.update({**first["environ"], **env})
    os.chdir(first["cwd"])
    sys.path[:] = first["path"]
    np.set_printoptions(**first["printoptions"])
    np.seterr(**first["err"])
    with warnings.catch_warnings():  # pandas warns, setting them, that a few of its options are deprecated
        warnings.simplefilter("ignore")
        pd.reset_option("all")  # its defaults, as in a new kernel: the toolkit sets no pandas option
    # the previous notebook's tables, freed by the namespace's reset, go back to the system as a new kernel's would
    gc.collect()
    memory.release_unused()


def _note(kind: str, name: str) -> None:
    if log := os.environ.get(RUN_LOG_ENV):
        storage.append_line(log, f"{kind} {name}")


class StudyTables:
    """A study's report tables as attributes (``t.articles``), each read from Parquet when first used.

    Reading on use, not all up front, is what lets the report stage know which tables a notebook drew
    from, so that a change to the provenance tables re-executes the provenance notebook only.
    """

    def __init__(self, study: str):
        self._id = study
        self._paths = config.study_paths(study)
        self._loaded: dict[str, pd.DataFrame] = {}
        self.study: Study = load_study(self._paths)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in REPORT_TABLES:
            raise AttributeError(f"{name!r} is not a report table; the report tables are {', '.join(REPORT_TABLES)}")
        if name not in self._loaded:
            path = self._paths.table(name)
            if name in OPTIONAL_TABLES and not path.exists():
                self._loaded[name] = tables.empty(name)
            else:
                self._loaded[name] = storage.read_table(path, hint=f"run `python -m analysis run {self._id}` first")
            _note("read", name)
        return self._loaded[name]

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *REPORT_TABLES]


def load_tables(study: str) -> StudyTables:
    """Everything a notebook plots, as DataFrames read on first use, plus the parsed study (``.study``)."""
    return StudyTables(study)


def _write_sidecar(folder, name: str, **fields) -> None:
    _published.append(name)
    sidecar = {"name": name, **fields, "notebook": os.environ.get(NOTEBOOK_ENV, "interactive"),
               "position": len(_published)}
    storage.write_if_changed(folder / f"{name}.json", (json.dumps(sidecar, indent=2, sort_keys=True) + "\n").encode())
    _note("published", name)


def _failure(exc: BaseException) -> str:
    """One line for the report: the exception's type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _publish_failure(paths, name: str, exc: BaseException, *, caption: str = "", table: str = "") -> None:
    """A figure that could not be drawn: its files go, and the report names it with the error instead."""
    for stale in storage.list_files(paths.figures, f"{name}.*"):
        if stale.suffix != ".json":
            storage.remove_file(stale)
    log.warning("report: figure %s could not be drawn (%s); the report lists it instead", name, _failure(exc))
    _write_sidecar(paths.figures, name, caption=caption, table=table, kind="failed", message=_failure(exc))


def publish(plot: figures.Plot | Callable[..., figures.Plot], *args, study: str, name: str | None = None,
            **kwargs) -> figures.Plot | None:
    """Write a figure (PNG, SVG, PDF) and its caption into ``reports/<study>/figures``.

    ``plot`` is a drawn :class:`~analysis.report.figures.Plot`, or the function that draws one, called here with
    ``args`` and ``kwargs``: then a figure that cannot be drawn (an error in the function or while saving) is
    named in the report with its error, and the notebook, like the report, goes on. ``name`` is the figure's
    name when the function fails before it has one (default: the function's name)."""
    paths = config.study_paths(study)
    if not isinstance(plot, figures.Plot):
        make = plot
        try:
            plot = make(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 -- any error in one figure must not cost the others
            plt.close("all")
            _publish_failure(paths, name or getattr(make, "__name__", "figure"), exc)
            return None
    if plot.empty_message:  # nothing to draw: the report says so in a sentence, no blank image is written
        for stale in storage.list_files(paths.figures, f"{plot.name}.*"):
            if stale.suffix != ".json":
                storage.remove_file(stale)
        _write_sidecar(paths.figures, plot.name, caption=plot.caption, table=plot.table, kind="omitted",
                       message=plot.empty_message)
        return plot
    try:
        figures.save(plot, paths.figures)
        problems = figure_checks.problems(plot.figure)
    except Exception as exc:  # noqa: BLE001 -- e.g. a renderer error on one label
        plt.close(plot.figure)
        _publish_failure(paths, plot.name, exc, caption=plot.caption, table=plot.table)
        return plot
    # Drawn, but a reviewer would send it back (a label cut off, nothing plotted): the report stage says so.
    _write_sidecar(paths.figures, plot.name, caption=plot.caption, table=plot.table,
                   **({"problems": problems} if problems else {}))
    _show_in_notebook(plot)
    return plot


def _kernel_shell():
    """The IPython shell when this runs in a Jupyter kernel (not a script, not a terminal IPython)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _show_in_notebook(plot: figures.Plot) -> None:
    """Show a published figure under its cell from the image the checks drew, and close it.

    Left open, the inline backend would lay the figure out and draw it again after the cell: a quarter of the
    report stage's notebook time (profiled), for an image the checks had just drawn at the same resolution."""
    shell = _kernel_shell()
    if shell is None or not hasattr(plot.figure.canvas, "buffer_rgba"):  # no kernel, or a canvas that cannot
        return                                                           # give its pixels: the backend shows it
    try:
        png = base64.b64encode(figures.preview_png(plot.figure)).decode("ascii")
        shell.display_pub.publish(data={"image/png": png, "text/plain": repr(plot.figure)}, metadata={})
    except Exception as exc:  # noqa: BLE001 -- the files are written; only the notebook's preview is lost
        log.warning("report: figure %s not shown in the notebook (%s)", plot.name, _failure(exc))
        return
    plt.close(plot.figure)


def publish_table(name: str, table: pd.DataFrame | Callable[..., tuple[pd.DataFrame, str]], *args,
                  caption: str = "", study: str, source: str | None = None, **kwargs) -> pd.DataFrame | None:
    """Put a small table (e.g. evidence sentences) into the report, with a caption like a figure's.

    ``table`` is the table, or the function that returns ``(table, caption)``, called here with ``args`` and
    ``kwargs`` (an error in it is named in the report, as for a figure). ``source`` is the full CSV in
    ``tables/`` it is cut from (default: the CSV named like the table)."""
    paths = config.study_paths(study)
    if not isinstance(table, pd.DataFrame):
        try:
            table, caption = table(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 -- one table's error must not cost the rest of the report
            storage.remove_file(paths.figures / f"{name}.html")
            log.warning("report: table %s could not be made (%s); the report lists it instead", name, _failure(exc))
            _write_sidecar(paths.figures, name, caption="", kind="failed", table=source or name,
                           message=_failure(exc))
            return None
    storage.write_if_changed(paths.figures / f"{name}.html", table.to_html(index=False, border=0, escape=True).encode())
    _write_sidecar(paths.figures, name, caption=caption, kind="table", table=source or name)
    return table
