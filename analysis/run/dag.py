"""The stage DAG: collect -> ingest -> clean -> prepare -> measure -> frame -> compare -> provenance -> validate -> report.

This module only declares the stages: what each reads, what it writes, which
study settings it depends on, and which room's ``run()`` does the work.
Before running, a stage's fingerprint is computed from the package source
(every file of every subpackage, :func:`analysis.core.code.code_hash`), the
study settings it reads and the content hashes of its inputs; if it matches
the record left by the last successful run and every recorded output is
still there unchanged, the stage is skipped. The record is written last, so
a run that crashed half-way re-runs that stage next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis.core import code, lazy, memory, storage
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError
from analysis.core.study import Study
from analysis.run import engine
from analysis.run.stages import STAGE_HELP

# Each stage's room is imported when the stage is first asked for something, not with this module: `init`,
# `ingest` and `list` then start in about a second instead of four (the scientific stack, nbclient, Bokeh).
collect = lazy.module("analysis.collect.collect")
ingest = lazy.module("analysis.collect.ingest")
clean = lazy.module("analysis.text.clean")
prepare = lazy.module("analysis.text.prepare")
instruments = lazy.module("analysis.sentiment.instruments")
measure = lazy.module("analysis.sentiment.measure")
compare = lazy.module("analysis.sentiment.compare")
frame = lazy.module("analysis.framing.frame")
provenance = lazy.module("analysis.provenance.provenance")
coders = lazy.module("analysis.validation.coders")
validate = lazy.module("analysis.validation.validate")
report = lazy.module("analysis.report.report")
explorer = lazy.module("analysis.report.explorer")
background = lazy.module("analysis.run.background")

log = logging.getLogger("analysis")


@dataclass(frozen=True)
class Stage:
    name: str
    help: str
    inputs: Callable[[Study, StudyPaths], list[Path]]
    outputs: Callable[[Study, StudyPaths], list[Path]]
    run: Callable[..., list[Path] | None]
    # The study settings this stage reads; changing any other setting leaves it current.
    settings: Callable[[Study], object] = lambda study: asdict(study)
    # Runs every time (collection is incremental inside; the web changes without our inputs changing).
    always: bool = False
    # Whether the stage has anything to do for this study.
    applies: Callable[[Study], bool] = lambda study: True
    # Whether run() takes the engine that spreads its partitions over processes or a Dask cluster.
    parallel: bool = False
    # Whether run() reads the machine-wide cache and takes ``refresh`` (``--refresh-cache``) to bypass it.
    cached: bool = False
    # Whether run() reaches the network and takes the command line's network options (--allow-private-addresses).
    network: bool = False


def _tables(*names: str) -> Callable[[Study, StudyPaths], list[Path]]:
    return lambda study, paths: [paths.table(n) for n in names]


def _call(module, function: str) -> Callable:
    """``module.function``, looked up when called (so defining the stages imports nothing)."""
    def call(*args, **kwargs):
        return getattr(module, function)(*args, **kwargs)

    return call


def _module_tables(module) -> Callable[[Study, StudyPaths], list[Path]]:
    return lambda study, paths: [paths.table(n) for n in module.TABLES]


def _ingest_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    files = [paths.outlet_registry(study.outlets)]
    for src in study.sources:
        files += ingest.source_files(src, paths)
    return files


def _measure_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    training = instruments.training_files(study, paths)
    return [paths.table("articles"), paths.table("sentences"), *training]


def _framing_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    return [paths.table("articles"), paths.table("sentences"), *frame.framing_inputs(study, paths)]


def _compare_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    names = ["articles", "sentences", "sentence_sentiment", "article_sentiment", "actor_mentions",
             "article_actor_sentiment", "article_frames"]
    optional = [paths.table(n) for n in ("frame_predictions", "sentence_voice") if paths.table(n).exists()]
    return [paths.table(n) for n in names] + optional


def _report_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    status = paths.interim / "collection_status.csv"
    coded = coders.agreement_file(paths)  # written by `codesheet import`
    tables = list(dict.fromkeys([paths.table(n) for n in report.REPORT_TABLES] + explorer.input_files(paths)))
    return tables + report.notebook_files(paths) + [p for p in (status, coded) if p.exists()]


STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        Stage("collect", STAGE_HELP["collect"],
              lambda s, p: [], lambda s, p: [], _call(collect, "run"), always=True,
              applies=_call(collect, "applies"), network=True),
        Stage("ingest", STAGE_HELP["ingest"],
              _ingest_inputs, _tables("articles_raw"), _call(ingest, "run"),
              lambda s: (s.sources, s.start, s.end, s.keep_undated, s.outlets, s.columns), parallel=True),
        Stage("clean", STAGE_HELP["clean"],
              _tables("articles_raw"), _tables("articles", "cleaning_log"), _call(clean, "run"), lambda s: None),
        Stage("prepare", STAGE_HELP["prepare"],
              _tables("articles"), _tables("sentences"), _call(prepare, "run"), lambda s: s.languages,
              parallel=True),
        Stage("measure", STAGE_HELP["measure"],
              _measure_inputs,
              _tables("sentence_sentiment", "article_sentiment", "actor_mentions", "actor_sentiment",
                      "article_actor_sentiment"), _call(measure, "run"),
              lambda s: (s.actors, s.sentiment), parallel=True),
        Stage("frame", STAGE_HELP["frame"],
              _framing_inputs, _module_tables(frame), _call(frame, "run"),
              lambda s: (s.framing, s.referents, s.compare, s.seed, s.groups, s.languages, s.actors), parallel=True),
        Stage("compare", STAGE_HELP["compare"],
              _compare_inputs,
              _tables("sentiment_by_group", "sentiment_by_voice", "actor_sentiment_by_group", "sentiment_contrasts",
                      "sentiment_evidence",
                      "actor_coverage", "articles_by_period", "instrument_agreement"),
              _call(compare, "run"),
              lambda s: (s.groups, s.compare, s.seed, s.actors, s.framing.codebooks), parallel=True),
        Stage("provenance", STAGE_HELP["provenance"],
              _tables("articles", "sentences", "sentence_sentiment", "frame_hits"),
              _module_tables(provenance), _call(provenance, "run"),
              lambda s: (s.provenance, s.actors, s.groups, s.compare, s.seed, s.framing.terms_by), parallel=True),
        Stage("validate", STAGE_HELP["validate"],
              _call(validate, "inputs"), _module_tables(validate),
              _call(validate, "run"), _call(validate, "settings"), cached=True),
        Stage("report", STAGE_HELP["report"],
              _report_inputs, lambda s, p: [p.reports / "index.html"], _call(report, "run"), parallel=True),
    ]
}


def fingerprint(stage: Stage, study: Study, paths: StudyPaths) -> str:
    h = hashlib.sha256()
    h.update(stage.name.encode())
    h.update(code.code_hash().encode())
    h.update(json.dumps(stage.settings(study), sort_keys=True, default=str).encode())
    for path in stage.inputs(study, paths):
        h.update(str(path.name).encode())
        h.update(storage.sha256_file(path).encode() if path.exists() else b"missing")
    return h.hexdigest()


def _record_path(stage: Stage, paths: StudyPaths) -> Path:
    return paths.stage_records / f"{stage.name}.json"


def is_current(stage: Stage, study: Study, paths: StudyPaths, fp: str) -> bool:
    record = _record_path(stage, paths)
    if not record.exists():
        return False
    saved = storage.read_json(record)
    return saved.get("fingerprint") == fp and storage.unchanged(paths.root, saved.get("outputs", {}))


def run_stage(name: str, study: Study, paths: StudyPaths, *, force: bool = False,
              refresh_cache: bool = False, network: dict[str, object] | None = None) -> str:
    """Run one stage unless it is current; return ``'ran'`` or ``'skipped'``.

    ``force`` re-runs it; the machine-wide cache (keyed by content) is still read unless ``refresh_cache``
    (``--refresh-cache``). ``network`` holds keyword options for a stage that fetches (the collect
    stage's ``allow_private_addresses``), given on the command line, never by a study file."""
    stage = STAGES[name]
    if not stage.applies(study):
        log.info("%s: nothing to do for this study, skipped", name)
        return "skipped"
    fp = fingerprint(stage, study, paths)
    if not force and not stage.always and is_current(stage, study, paths, fp):
        log.info("%s: up to date, skipped", name)
        return "skipped"
    if force:  # a stage's own finer records (the report's, one per notebook) are forced too
        storage.remove_tree(paths.stage_records / stage.name)
    options = {"engine": engine.current()} if stage.parallel else {}
    if stage.cached:
        options["refresh"] = refresh_cache
    if stage.network:
        options.update(network or {})
    started = time.perf_counter()
    produced = stage.run(study, paths, **options) or stage.outputs(study, paths)
    memory.release_unused()  # the stage's tables are freed: `run` goes on to the next stage in this process
    log.info("%s: ran in %.1f s", name, time.perf_counter() - started)
    outputs = storage.digests(paths.root, sorted(set(produced)))
    storage.write_json(_record_path(stage, paths), {"stage": name, "fingerprint": fp, "outputs": outputs})
    return "ran"


def stage_states(study: Study, paths: StudyPaths) -> list[tuple[str, str, float | None]]:
    """``(stage, state, last run as a POSIX time)`` for every stage: ``up to date``, ``to run`` (its inputs,
    settings or the toolkit changed since), ``not run`` or ``does not apply``."""
    out = []
    for stage in STAGES.values():
        if not stage.applies(study):
            out.append((stage.name, "does not apply", None))
            continue
        record = _record_path(stage, paths)
        if not record.exists():
            out.append((stage.name, "not run", None))
            continue
        current = is_current(stage, study, paths, fingerprint(stage, study, paths))
        out.append((stage.name, "up to date" if current else "to run", storage.mtime(record)))
    return out


def state_files(study: Study, paths: StudyPaths) -> list[Path]:
    """Every file the stages read or wrote on their last run (what :mod:`analysis.run.uptodate` watches)."""
    files = []
    for stage in STAGES.values():
        if not stage.applies(study):
            continue
        files += stage.inputs(study, paths)
        record = _record_path(stage, paths)
        if record.exists():
            files += [paths.root / rel for rel in storage.read_json(record).get("outputs", {})]
    return files


def _validation_ahead(study: Study, paths: StudyPaths, *, force: bool, until: str | None,
                      refresh_cache: bool) -> bool:
    """Whether this run will compute the validation (not read it): then it can start at once, in the
    background (:mod:`analysis.run.background`)."""
    names = list(STAGES)
    if refresh_cache or (until is not None and names.index(until) < names.index("validate")):
        return False
    stage = STAGES["validate"]
    try:
        current = is_current(stage, study, paths, fingerprint(stage, study, paths))
    except AnalysisError:  # e.g. a labelled dataset is missing: the validate stage says so in its turn, after
        return False       # the stages before it have written what they can
    return force or not current


def run_all(study: Study, paths: StudyPaths, *, force: bool = False, until: str | None = None,
            refresh_cache: bool = False, network: dict[str, object] | None = None) -> dict[str, str]:
    results = {}
    warming = None
    if _validation_ahead(study, paths, force=force, until=until, refresh_cache=refresh_cache):
        warming = background.start_validation(study, paths)
    finished = False
    try:
        for name in STAGES:
            results[name] = run_stage(name, study, paths, force=force, refresh_cache=refresh_cache, network=network)
            if name == until:
                break
        finished = True
    finally:
        background.stop(warming, wait=finished)
    return results
