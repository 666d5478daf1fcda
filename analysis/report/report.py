"""Report: execute the notebooks headless, export tables, write ``index.html``.

Notebooks are the single source of each figure: they call
:func:`publish`, which writes the figure files and a caption sidecar. The
report stage runs them with nbclient (not papermill, which stamps start and
end times into every cell and so breaks byte-identical re-runs), then
builds the index from the sidecars.
"""

from __future__ import annotations

import html
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from analysis.core import catalog, code, storage
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError
from analysis.core.study import Study
from analysis.provenance import facts
from analysis.report import execute, explorer, exports, figures, manifest, methods, page
from analysis.report.notebook import REPORT_TABLES, RUN_LOG_ENV
from analysis.validation import coders

log = logging.getLogger("analysis")


def notebook_files(paths: StudyPaths) -> list[Path]:
    return storage.list_files(paths.notebooks, "[0-9][0-9]_*.ipynb")


def _collection_line(paths: StudyPaths, *, prefix: str = "") -> str:
    status_file = paths.tables / "collection_status.csv"
    if not status_file.exists():
        return ""
    counts = pd.read_csv(status_file)["status"].value_counts().sort_index()
    parts = ", ".join(f"{n:,} {html.escape(str(k))}" for k, n in counts.items())
    return (f"<p>Web collection: {int(counts.sum()):,} URLs ({parts}); see "
            f'<a href="{prefix}tables/collection_status.csv">collection_status.csv</a>.</p>')


# Human-labelled data every study's validate stage reads (its figures are in the report).
VALIDATION_DATASETS = ("vader_nyt", "newsmtsc", "narrative_frames", "babe", "neus")


def _provenance_section(study: Study, *, prefix: str = "") -> str:
    """Where the report's data comes from (with licences), how to check it, and the data's references."""

    e = html.escape
    used = [name for name in dict.fromkeys([s.dataset for s in study.sources if s.dataset] + list(VALIDATION_DATASETS))
            if name in catalog.DATASETS]
    items = "".join(f"<li><code>{e(name)}</code>: {e(catalog.DATASETS[name].licence)}</li>" for name in used)
    references = "".join(f"<li>{e(catalog.DATASETS[name].citation)} (data set <code>{e(name)}</code>).</li>"
                         for name in sorted(used, key=lambda n: catalog.DATASETS[n].citation.lower()))
    return ('<h2 id="provenance">Provenance of this report</h2>'
            "<p>Data read (study sources, then the human-labelled validation data), with their licences; cite "
            f'them as listed under <a href="#references">References</a>:</p><ul>{items}</ul>'
            '<p>Every figure, table and executed notebook, with its SHA-256, the notebook that made it, the input '
            'tables and their hashes, the package versions and the code version, is listed in '
            f'<a href="{prefix}MANIFEST.csv">MANIFEST.csv</a>. Rebuild from the data and compare with '
            f"<code>python -m analysis reproduce {e(study.id)} --check</code>. Article text is the publishers' and "
            "is not exported.</p>"
            f'<h2 id="references">References</h2><p>Data sets this report read:</p><ul>{references}</ul>')


def _methods_section(study: Study, paths: StudyPaths) -> str:

    paragraphs = methods.methods_paragraphs(
        study, by_group=storage.read_table(paths.table("sentiment_by_group")),
        topic_k=storage.read_table(paths.table("topic_k_scores")), default_fact_threshold=facts.DEFAULT_THRESHOLD,
        instrument_label=figures.instrument_label)
    code = re.compile(r"`([^`]+)`")
    html_paragraphs = []
    for paragraph in paragraphs:  # each starts with its heading: "Corpus. Articles come from ..."
        heading, _, body = paragraph.partition(". ")
        body = code.sub(r"<code>\1</code>", html.escape(body))
        html_paragraphs.append(f"<p><strong>{html.escape(heading)}.</strong> {body}</p>")
    return '<h2 id="methods">Methods</h2>' + "".join(html_paragraphs)


def build_index(study: Study, paths: StudyPaths, *, embed: bool = True, out: Path | None = None,
                prefix: str = "") -> Path:
    """Write ``reports/<study>/index.html``: one file with the figures inside (``embed=False`` links to the PNGs).

    ``prefix`` goes in front of every link into the study's folder (SVG, PDF, tables, notebooks), for a copy
    of the page that lives beside the folder rather than in it.
    """
    articles = storage.read_table(paths.table("articles"), columns=["doc_id", "outlet", "published", "date_precision",
                                                               "language", "is_duplicate", "quality_flags",
                                                               "original_outlet"])
    cleaning = storage.read_table(paths.table("cleaning_log"), columns=["doc_id", "step", "action"])
    cards = cleaning["action"] == "removed inline link card"
    furniture = cleaning["action"] == "removed page furniture"
    paragraphs = (cleaning["step"] == "boilerplate") & ~cards & ~furniture
    imprecise = int(articles["date_precision"].isin(["month", "year"]).sum())
    # One row per sentence and instrument: the sentences are the distinct (article, sentence) pairs.
    n_sentences = len(storage.read_table(paths.table("sentence_sentiment"), columns=["doc_id", "sent_id"])
                      .drop_duplicates())
    order = {p.stem: i for i, p in enumerate(notebook_files(paths))}
    sidecars = sorted((storage.read_json(p) for p in storage.list_files(paths.figures, "*.json")),
                      key=lambda s: (order.get(s["notebook"], len(order)), s["position"], s["name"]))
    dated = articles["published"].dropna()
    span = f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}" if len(dated) else "no dated articles"
    e = html.escape

    def table_link(sidecar: dict) -> str:
        table = sidecar.get("table") or ""
        if not table or not (paths.tables / f"{table}.csv").exists():
            return ""
        return f' · table <a href="{prefix}tables/{e(table)}.csv">{e(table)}.csv</a>'

    drawn = [s for s in sidecars if s.get("kind") not in ("table", "omitted", "failed")]
    small_tables = [s for s in sidecars if s.get("kind") == "table"]
    omitted = [s for s in sidecars if s.get("kind") == "omitted"]
    failed = [s for s in sidecars if s.get("kind") == "failed"]
    for s in failed:
        log.warning("report: %s could not be drawn (%s); listed in the report instead", s["name"], s["message"])
    for s in drawn:
        for problem in s.get("problems", []):
            log.warning("report: figure %s: %s", s["name"], problem)

    figure_parts = ['<h2 id="figures">Figures</h2>']
    agreement = coders.read_agreement(paths)
    flagged = coders.flags(study, agreement)
    for i, s in enumerate(drawn, start=1):
        name = e(s["name"])
        warning = coders.caption_warning(s["name"], flagged)
        warning = f'<span style="color:#b00000">{e(warning)}</span>' if warning else ""
        image = page.image_tag(storage.read_bytes(paths.figures / f"{s['name']}.png"),
                               alt=page.alt_text(s["caption"], s["name"]), embed=embed,
                               src=f"{prefix}figures/{s['name']}.png")
        figure_parts.append(
            f'<figure id="{name}">{image}'
            f'<figcaption><strong>Figure {i}.</strong> {warning}{e(s["caption"])} '
            f'[<a href="{prefix}figures/{name}.svg">SVG</a> · <a href="{prefix}figures/{name}.pdf">PDF</a>'
            f'{table_link(s)} · notebook <a href="{prefix}notebooks/{e(s["notebook"])}.ipynb">{e(s["notebook"])}</a>]'
            "</figcaption></figure>"
        )
    for i, s in enumerate(small_tables, start=1):
        fragment = storage.read_text(paths.figures / f"{s['name']}.html")
        link = table_link(s).removeprefix(" · ")
        figure_parts.append(f'<section id="{e(s["name"])}"><p><strong>Table {i}.</strong> {e(s["caption"])}'
                            f'{f" [{link}]" if link else ""}</p><div style="font-size:.8rem">{fragment}</div></section>')
    if omitted:  # figures with nothing to show are named, with the reason, rather than drawn blank
        figure_parts.append('<h3 id="left-out">Left out for lack of data</h3><ul>' + "".join(
            f'<li id="{e(s["name"])}"><strong>{e(s["name"])}</strong>: {e(s["message"].rstrip("."))}. '
            f'<span style="font-size:.9rem;color:#333">{e(s["caption"])}</span></li>' for s in omitted) + "</ul>")
    if failed:  # a figure whose code failed is named with its error; the rest of the report stands
        figure_parts.append('<h3 id="not-drawn">Could not be drawn</h3><ul>' + "".join(
            f'<li id="{e(s["name"])}" style="color:#b00000"><strong>{e(s["name"])}</strong> (notebook '
            f'<a href="{prefix}notebooks/{e(s["notebook"])}.ipynb">{e(s["notebook"])}</a>): {e(s["message"])}</li>'
            for s in failed) + "</ul>")

    sections = [("methods", "Methods", []),
                ("figures", "Figures", [(s["name"], f"Figure {i}. {page.short_title(s['caption'], s['name'])}")
                                        for i, s in enumerate(drawn, start=1)]
                 + [(s["name"], f"Table {i}. {page.short_title(s['caption'], s['name'])}")
                    for i, s in enumerate(small_tables, start=1)]
                 + ([("left-out", f"Left out for lack of data ({len(omitted)})")] if omitted else [])
                 + ([("not-drawn", f"Could not be drawn ({len(failed)})")] if failed else [])),
                ("coders", "Validation against this study's coders", []),
                ("provenance", "Provenance of this report", []),
                ("references", "References", []),
                ("tables", "Tables", [])]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(study.title)}</title>",
        "<style>body{font-family:sans-serif;max-width:58rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "figure{margin:2rem 0}img{max-width:100%}figcaption{font-size:.9rem;color:#333}"
        "nav ol ol{font-size:.9rem}</style>",
        "</head><body>",
        f"<h1>{e(study.title)}</h1>",
        f"<p><strong>Question.</strong> {e(study.question)}</p>" if study.question else "",
        f"<p>{len(articles):,} articles from {articles['outlet'].nunique():,} outlets ({span}; "
        f"{int(articles['published'].isna().sum()):,} undated"
        f"{f', {imprecise:,} dated only to the month or year' if imprecise else ''}), "
        f"{n_sentences:,} sentences. "
        f"Study id <code>{e(study.id)}</code>, seed {study.seed}, settings hash "
        f"<code>{study.settings_hash()[:12]}</code>.</p>",
        f'<p>From any figure down to the sentences behind it: <a href="{prefix}{explorer.EXPLORER}">the '
        "explorer</a> (terms, frames, sentiment, quotes, copying, articles; one file that opens offline).</p>"
        if explorer.available() else
        f"<p>The explorer (from any figure down to its sentences) was not written: {e(explorer.INSTALL_HINT)}.</p>",
        f"<p>Cleaning: {int(paragraphs.sum()):,} boilerplate paragraphs removed from "
        f"{cleaning.loc[paragraphs, 'doc_id'].nunique():,} articles; {int(furniture.sum()):,} lines of page furniture "
        f"(captions, embeds, teasers, widgets, date lines) from {cleaning.loc[furniture, 'doc_id'].nunique():,}; "
        f"{int(cards.sum()):,} inline link cards "
        f"cut from {cleaning.loc[cards, 'doc_id'].nunique():,}; "
        f"{int(articles['is_duplicate'].sum()):,} exact or near duplicates marked; "
        f"{int((articles['quality_flags'] != '').sum()):,} articles with quality flags; "
        f"{int((~articles['language'].isin([*study.languages, 'und'])).sum()):,} not in "
        f"{', '.join(study.languages)} (kept, left out of the sentence measures); "
        f"{int(articles['original_outlet'].notna().sum()):,} reposts (every action is in "
        f'<a href="{prefix}tables/cleaning_log.csv">cleaning_log.csv</a>).</p>',
        _collection_line(paths, prefix=prefix),
        page.contents(sections),
        _methods_section(study, paths),
        *figure_parts,
        f'<section id="coders">{coders.section_html(study, agreement, escape=e, prefix=prefix)}</section>',
        _provenance_section(study, prefix=prefix),
        '<h2 id="tables">Tables</h2><ul>',
    ]
    for p in storage.list_files(paths.tables, "*.csv"):
        parts.append(f'<li><a href="{prefix}tables/{e(p.name)}">{e(p.name)}</a></li>')
    parts.append("</ul></body></html>")
    index = out or (paths.reports / "index.html")
    storage.write_if_changed(index, ("\n".join(x for x in parts if x) + "\n").encode())
    return index


def write_standalone(study: Study, paths: StudyPaths) -> Path:
    """``reports/<study>.html``: the report beside the study's folder, figures embedded, links into the folder."""
    if not (paths.reports / "index.html").exists():
        raise AnalysisError(f"no report for {study.id} yet; run `python -m analysis report {study.id}` first")
    return build_index(study, paths, embed=True, prefix=f"{study.id}/", out=paths.reports.parent / f"{study.id}.html")


LINKED_INDEX = "index-linked.html"  # not in MANIFEST.csv: it holds what index.html holds, with the images linked


def write_linked(study: Study, paths: StudyPaths) -> Path:
    """``reports/<study>/index-linked.html``: the report with its images linked from ``figures/`` (a small page
    for a web server that serves the folder), not embedded as in ``index.html``."""
    if not (paths.reports / "index.html").exists():
        raise AnalysisError(f"no report for {study.id} yet; run `python -m analysis report {study.id}` first")
    return build_index(study, paths, embed=False, out=paths.reports / LINKED_INDEX)


def _notebook_record(paths: StudyPaths, notebook: Path) -> Path:
    return paths.stage_records / "report" / f"{notebook.stem}.json"


def _notebook_fingerprint(study: Study, paths: StudyPaths, notebook: Path, read: list[str]) -> str:
    """What an executed notebook depends on: its source, the toolkit, the study file and the tables it read."""
    parts = [code.code_hash(), storage.sha256_file(notebook), storage.sha256_file(paths.study_file)]
    parts += [f"{name}:{storage.sha256_file(paths.table(name)) if paths.table(name).exists() else 'missing'}"
              for name in read]
    return storage.sha256_bytes("\n".join(parts).encode())


def _published_files(paths: StudyPaths, names: list[str]) -> list[Path]:
    return [p for name in names for p in storage.list_files(paths.figures, f"{name}.*")]


def _notebook_is_current(study: Study, paths: StudyPaths, notebook: Path) -> dict | None:
    """The notebook's record when its last execution still stands (inputs unchanged, outputs untouched)."""
    record_file = _notebook_record(paths, notebook)
    if not record_file.exists():
        return None
    record = storage.read_json(record_file)
    if record.get("fingerprint") != _notebook_fingerprint(study, paths, notebook, record.get("read", [])):
        return None
    return record if storage.unchanged(paths.root, record.get("outputs", {})) else None


def _execute_and_record(study: Study, paths: StudyPaths, kernel: execute.NotebookKernel, notebook: Path) -> dict:
    run_log = paths.interim / "_report" / f"{notebook.stem}.log"
    storage.remove_file(run_log)
    dest = paths.executed_notebooks / notebook.name
    kernel.run(notebook, study.id, dest, env={RUN_LOG_ENV: str(run_log)})
    lines = [line.split(" ", 1) for line in storage.read_committed_lines(run_log)]
    read = sorted({name for kind, name in lines if kind == "read"})
    published = list(dict.fromkeys(name for kind, name in lines if kind == "published"))
    outputs = storage.digests(paths.root, [dest, *_published_files(paths, published)])
    record = {"notebook": notebook.name, "fingerprint": _notebook_fingerprint(study, paths, notebook, read),
              "read": read, "published": published, "outputs": outputs}
    storage.write_json(_notebook_record(paths, notebook), record)
    return record


def execute_notebooks(study: Study, paths: StudyPaths, *, workers: int | None = None) -> list[dict]:
    """Execute the study's notebooks whose inputs changed, in ``workers`` kernels at a time; one record each.

    Each kernel is a process of its own, so on two cores two notebooks take little more than one, and runs
    several notebooks in turn (:mod:`analysis.report.execute`). A notebook that fails does not stop the others:
    their records are written, so the next run executes only what is still out of date, and the first failure
    (in notebook order) is raised at the end.
    """
    notebooks = notebook_files(paths)
    if not notebooks:
        raise AnalysisError(f"no notebooks found in {paths.notebooks} (expected files like 01_corpus.ipynb)")
    records: dict[Path, dict] = {}
    stale = []
    for nb in notebooks:
        if (record := _notebook_is_current(study, paths, nb)) is not None:
            log.info("report: %s up to date, not executed", nb.name)
            records[nb] = record
        else:
            stale.append(nb)
    if stale:
        results = execute.run_in_kernels(stale, lambda kernel, nb: _execute_and_record(study, paths, kernel, nb),
                                         workers=workers or os.cpu_count() or 1, cwd=paths.notebooks,
                                         log_dir=paths.interim)
        failures = [results[nb] for nb in stale if isinstance(results[nb], BaseException)]
        if failures:
            raise failures[0]
        records.update(results)
    return [records[nb] for nb in notebooks]


def run(study: Study, paths: StudyPaths, *, engine=None) -> list[Path]:
    """The report stage: run the notebooks, export tables, remove stale figures, write the index and manifest.

    ``engine`` only lends its worker count: that many notebook kernels run at once, one fewer for a study whose
    CSV exports and explorer are a lane of their own (:func:`analysis.report.exports.takes_a_worker`)."""
    # The CSV exports and the explorer read the stage's tables and no figure, and the notebooks write figures
    # and no table: so this process writes them while the kernels (processes of their own) draw. One after the
    # other they were about two fifths of the stage on the full AllSides corpus. An error in either side is
    # raised once the other has finished, so nothing is left half-written.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-tables") as side:
        tables_and_page = side.submit(exports.tables_and_explorer, study, paths)
        workers = getattr(engine, "workers", None) or os.cpu_count() or 1
        if exports.takes_a_worker(paths):  # the exports and the explorer are a lane of their own
            workers = max(1, workers - 1)
        try:
            records = execute_notebooks(study, paths, workers=workers)
        except BaseException:
            # the notebooks' error is the one raised; the exports' own, if any, is not lost behind it
            if (failed := tables_and_page.exception()) is not None:
                log.error("report: the table exports and the explorer failed too: %s", failed)
            raise
        tables_written, explored = tables_and_page.result()
    published = {name for record in records for name in record["published"]}
    for stale in storage.list_files(paths.figures):
        if stale.stem not in published:
            storage.remove_file(stale)
    index = build_index(study, paths)
    inputs = [paths.table(n) for n in REPORT_TABLES] + notebook_files(paths) + explorer.input_files(paths)
    listed = manifest.write_manifest(study, paths, inputs=inputs)
    executed = [paths.executed_notebooks / nb.name for nb in notebook_files(paths)]
    return [index, *explored, listed, *executed, *tables_written, *storage.list_files(paths.figures)]
