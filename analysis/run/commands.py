"""What each subcommand of ``python -m analysis`` does, once :mod:`analysis.run.cli` has parsed it.

Apart from the parser so that ``--help`` and a mistyped option answer before pandas, scikit-learn and
nbformat are imported. The rooms a command uses are imported when it first uses them (``lazy.module``), so
``init`` and ``ingest`` do not pay for the report's and the validation's imports (about 3 s).
"""

from __future__ import annotations

import logging
import os
import runpy
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis.core import code, config, lazy, storage
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError, StudyConfigError
from analysis.core.study import Study, check_study_id, load_study
from analysis.core.study_template import skeleton
from analysis.run import dag, engine, uptodate

collect = lazy.module("analysis.collect.collect")
datasets = lazy.module("analysis.collect.datasets")
ingest = lazy.module("analysis.collect.ingest")
models = lazy.module("analysis.collect.models")
catalog = lazy.module("analysis.core.catalog")
explorer = lazy.module("analysis.report.explorer")
manifest = lazy.module("analysis.report.manifest")
report = lazy.module("analysis.report.report")
codesheets = lazy.module("analysis.validation.codesheets")
coverage_gold = lazy.module("analysis.validation.coverage_gold")
extraction_gold = lazy.module("analysis.validation.extraction_gold")
framing_gold = lazy.module("analysis.validation.framing_gold")
sentiment_gold = lazy.module("analysis.validation.sentiment_gold")
validate = lazy.module("analysis.validation.validate")

log = logging.getLogger("analysis")


def _one_at_a_time(paths: config.StudyPaths, args):
    """The study's lock for this command: a second process collecting or running it stops with one line."""
    since = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    holder = f"process {os.getpid()} (`python -m analysis {args.command} {paths.study}`) since {since}"
    return storage.single_writer(paths.lock_file, what=f"study {paths.study}", holder=holder)


def _network(args) -> dict[str, object]:
    return {"allow_private_addresses": getattr(args, "allow_private_addresses", False)}


def cmd_init(args) -> int:
    paths = config.study_paths(check_study_id(args.study))
    if paths.study_file.exists() and not args.force:
        raise StudyConfigError(f"{paths.study_file} already exists; use --force to overwrite")
    storage.write_text(paths.study_file, skeleton(args.study))
    print(f"wrote {paths.study_file}")
    print(f"next: python -m analysis ingest {args.study} FILE.jsonl && python -m analysis run {args.study}")
    return 0


def _study_paths(args) -> config.StudyPaths:
    """The study's paths, with ``--allow-outside-paths`` where the command has it."""
    return config.study_paths(args.study, allow_outside=getattr(args, "allow_outside_paths", False))


def cmd_ingest(args) -> int:
    paths = _study_paths(args)
    study = load_study(paths)
    columns = {key: getattr(args, f"{key}_col") for key in ("id", "outlet", "title", "text", "url", "date", "author")
               if getattr(args, f"{key}_col", None)}
    for file in args.files:
        stored, n_rows, problems, is_new = ingest.import_file(file, paths, columns=columns,
                                                              study_columns=dict(study.columns))
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        state = "imported" if is_new else "already imported"
        log.info("%s %s: %d usable rows, %d problems -> %s", state, file, n_rows, len(problems), stored)
    if args.files and not any(s.kind == "imports" for s in study.sources):
        print(f"warning: {paths.study_file} has no [[sources]] kind = \"imports\"; imported files are not used",
              file=sys.stderr)
    with _one_at_a_time(paths, args):
        dag.run_stage("ingest", study, paths, force=args.force)
    return 0


def cmd_stage(args) -> int:
    if args.command == "validate" and args.study == "extraction":
        return _validate_extraction()
    if args.command == "validate" and args.study == "sentiment":
        return _validate_sentiment(args.instruments_of)
    if args.command == "validate" and args.study == "framing":
        return _validate_framing(args.instruments_of)
    if args.command == "validate" and args.study == "provenance":
        return _validate_provenance(args.instruments_of)
    paths = _study_paths(args)
    study = load_study(paths)
    if args.command == "collect":
        with _one_at_a_time(paths, args):
            collect.run(study, paths, refresh=args.refresh, retry_gone=args.retry_gone, **_network(args))
        return 0
    with _one_at_a_time(paths, args), _engine(args):
        dag.run_stage(args.command, study, paths, force=args.force)
    if getattr(args, "standalone", False):

        log.info("report: %s (single file, figures embedded)", report.write_standalone(study, paths))
    if getattr(args, "linked", False):
        log.info("report: %s (figures linked)", report.write_linked(study, paths))
    return 0


def _validate_extraction() -> int:
    table = extraction_gold.validate_extraction(datasets.load_extraction_benchmark())
    out = config.validation_reports() / "extraction.csv"
    storage.write_csv(table, out)
    wide = table.pivot_table(index=["split", "instrument"], columns="metric", values="value", sort=False)
    print(wide.round(4).to_string())
    log.info("wrote %s", out)
    return 0


def _publish_validation(name: str, table, summary: str) -> int:
    """Write reports/validation/<name>.csv and .md, print the summary."""
    out = config.validation_reports() / f"{name}.csv"
    storage.write_csv(table, out)
    storage.write_text(out.with_suffix(".md"), summary)
    print(summary)
    log.info("wrote %s and %s", out, out.with_suffix(".md"))
    return 0


def _validate_sentiment(study_id: str) -> int:
    paths = config.study_paths(study_id)
    _, nyt, news = validate.validate_sentiment(load_study(paths), paths)
    table = sentiment_gold.long_table(nyt, news)
    return _publish_validation("sentiment", table, sentiment_gold.summary_markdown(table))


def _validate_framing(study_id: str) -> int:
    load_study(config.study_paths(study_id))  # a missing or broken study file says so, as for the other checks
    table = framing_gold.framing_validity()  # the validation's fixed settings, as in every study's report
    return _publish_validation("framing", table, framing_gold.summary_markdown(table))


def _validate_provenance(study_id: str) -> int:
    study = load_study(config.study_paths(study_id))  # its actors type the quoted speakers, as in its report
    table = coverage_gold.provenance_validity(actors=tuple(study.actors))
    return _publish_validation("provenance", table, coverage_gold.summary_markdown(table))


def _engine(args):
    # `validate STUDY` runs as a stage but takes no engine options (nothing in it is partitioned)
    return engine.use(engine.get_engine(getattr(args, "engine", "local"), workers=getattr(args, "workers", None),
                                        scheduler=getattr(args, "scheduler", None)))


def run_study(study: Study, paths: StudyPaths, *, force: bool = False, until: str | None = None,
              refresh_cache: bool = False, network: dict | None = None) -> dict[str, str]:
    """What ``run`` does on the engine in use (``python -m analysis run`` and ``analysis.Study.run``): every stage
    up to ``until``, then, after a full run, the record that lets the next one answer "up to date" at once.
    Returns ``{stage: "ran" or "skipped"}``."""
    uptodate.forget(paths)
    code_at_start = code.code_hash()
    results = dag.run_all(study, paths, force=force, until=until, refresh_cache=refresh_cache, network=network)
    # Web sources change without our files changing, so such a study is never taken as current; nor is a run
    # during which the toolkit's code was edited (its stages may have run different code).
    if until is None and not dag.STAGES["collect"].applies(study) and code.code_hash() == code_at_start:
        uptodate.record(paths, dag.state_files(study, paths))
    return results


def cmd_run(args) -> int:
    paths = _study_paths(args)
    study = load_study(paths)
    with _one_at_a_time(paths, args), _engine(args):
        results = run_study(study, paths, force=args.force, until=args.until, refresh_cache=args.refresh_cache,
                            network=_network(args))
    log.info("done: %s", ", ".join(f"{k} {v}" for k, v in results.items()))
    if "report" in results:
        log.info("report: %s", paths.reports / "index.html")
        log.info("explorer: %s", paths.reports / explorer.EXPLORER)
    return 0


def cmd_reproduce(args) -> int:
    paths = _study_paths(args)
    study = load_study(paths)
    listed = paths.reports / manifest.MANIFEST
    if args.check and not listed.exists():
        raise AnalysisError(f"{listed} does not exist: run `python -m analysis run {args.study}` first")
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "reports"
        if args.check:
            storage.copy_tree(paths.reports, before)
        with _one_at_a_time(paths, args):
            dag.run_all(study, paths, force=True, refresh_cache=args.refresh_cache, network=_network(args))
        if not args.check:
            log.info("reproduce: rebuilt %s", paths.reports)
            return 0
        # What the reader had on disk (hand edits included) against what the data rebuild gives.
        lines = manifest.differences(manifest.on_disk(pd.read_csv(before / manifest.MANIFEST, keep_default_na=False),
                                                      before),
                                     pd.read_csv(listed, keep_default_na=False), old_root=before,
                                     new_root=paths.reports)
    if lines:
        print(f"reproduce: {len(lines)} artifacts differ from {listed}:", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)
        return 1
    n = len(pd.read_csv(listed, keep_default_na=False).query("kind not in ['input', 'config', 'package', 'code']"))
    log.info("reproduce: all %d artifacts of %s are byte-identical to %s", n, args.study, listed)
    return 0


def cmd_bench(args) -> int:
    script = config.PACKAGE_DIR.parent / "benchmarks" / "pipeline.py"
    if not script.exists():
        raise AnalysisError(f"{script} not found: `bench` runs from a checkout of the toolkit's repository")
    return runpy.run_path(str(script))["main"](args.bench_args)


def cmd_explore(args) -> int:
    paths = config.study_paths(args.study)
    budget = explorer.DEFAULT_BUDGET if args.budget_mb is None else int(args.budget_mb * 1_000_000)
    out = explorer.write(load_study(paths), paths, budget=budget)
    log.info("explorer: %s (%.1f MB)", out, out.stat().st_size / 1e6)
    return 0


def cmd_codesheet(args) -> int:
    return codesheets.run_cli(args)


def cmd_datasets(args) -> int:
    for ds in catalog.DATASETS.values():
        print(f"{ds.name}: {ds.citation}; licence: {ds.licence}")
        for key in ds.files:
            try:
                where = datasets.locate(ds.name, key, download=False)
            except AnalysisError:
                where = "not found" + (" (downloadable)" if key in ds.downloadable else "")
            print(f"  {key}: {where}")
    return 0


def cmd_list(args) -> int:
    """One line per study of the project: its state (from the stage records) and when it last ran."""
    ids = config.study_ids()
    if not ids:
        print(f"no studies in {config.project_root() / 'data' / 'studies'}; "
              "start one with `python -m analysis init STUDY`")
        return 0
    rows = []
    for study_id in ids:
        paths = config.study_paths(study_id)
        try:
            states = dag.stage_states(load_study(paths), paths)
        except AnalysisError as exc:
            rows.append((study_id, f"invalid study.toml: {str(exc).split(': ', 1)[-1]}", "", ""))
            continue
        applicable = [(name, state, when) for name, state, when in states if state != "does not apply"]
        pending = [name for name, state, _ in applicable if state != "up to date"]
        ran = [when for *_, when in applicable if when is not None]
        if not ran:
            state = "not run"
        elif not pending:
            state = "up to date"
        else:
            state = f"{len(pending)} of {len(applicable)} stages to run, from {pending[0]}"
        last = datetime.fromtimestamp(max(ran)).strftime("%Y-%m-%d %H:%M") if ran else "never"
        report_file = paths.reports / "index.html"
        rows.append((study_id, state, last, str(report_file) if report_file.exists() else ""))
    rows.insert(0, ("STUDY", "STATE", "LAST RUN", "REPORT"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    return 0


def cmd_fetch_model(args) -> int:
    print(models.fetch(args.model, revision=args.revision, endpoint=args.endpoint))
    return 0
