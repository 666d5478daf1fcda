"""``python -m analysis``: one subcommand per stage, plus ``run``, ``init`` and ``datasets``."""

from __future__ import annotations

import argparse
import logging
import runpy
import sys
import tempfile
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.collect import collect, datasets, ingest
from analysis.core import catalog, config, storage
from analysis.core.errors import AnalysisError, StudyConfigError
from analysis.core.study import check_study_id, load_study
from analysis.core.study_template import skeleton
from analysis.report import manifest, report
from analysis.run import dag, engine
from analysis.validation import codesheets, extraction_gold, framing_gold, sentiment_gold, validate

log = logging.getLogger("analysis")


def _study_arg(p: argparse.ArgumentParser, *, optional: bool = False) -> None:
    if optional:
        p.add_argument("study", nargs="?", default=config.DEFAULT_STUDY,
                       help=f"study id, a folder in data/studies/ (default: {config.DEFAULT_STUDY})")
    else:
        p.add_argument("study", help="study id, a folder in data/studies/")


def _engine_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("execution (changes speed, never results)")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: processes on this machine (default); dask: a Dask distributed cluster")
    g.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    g.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="address of a running Dask scheduler (implies --engine dask); default: a LocalCluster")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Media-bias and framing comparison studies: collect -> ingest -> clean -> prepare -> measure -> "
                    "compare -> validate -> report.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only print warnings and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run every stage of a study (skipping stages that are up to date)",
                       description="Run ingest, prepare, measure, compare and report for a study. "
                                   "Stages whose inputs and settings did not change are skipped.")
    _study_arg(p, optional=True)
    p.add_argument("--force", action="store_true", help="re-run every stage even if it is up to date")
    p.add_argument("--until", choices=list(dag.STAGES), help="stop after this stage")
    _engine_args(p)

    p = sub.add_parser("reproduce", help="rebuild a study from its data; --check compares with MANIFEST.csv",
                       description="Re-run every stage from the data (as `run --force`). With --check, compare "
                                   "the rebuilt report with reports/STUDY/MANIFEST.csv and exit 1 with one line "
                                   "per artifact that differs (pixels for images, cells for tables).")
    _study_arg(p, optional=True)
    p.add_argument("--check", action="store_true", help="fail if any artifact differs from the current manifest")

    p = sub.add_parser("init", help="write a commented study.toml skeleton",
                       description="Create data/studies/STUDY/study.toml with every key documented.")
    _study_arg(p)
    p.add_argument("--force", action="store_true", help="overwrite an existing study.toml")

    p = sub.add_parser("ingest", help="import article files and build the articles table",
                       description="Copy JSONL/CSV article exports (columns outlet, title, text, optional url, "
                                   "published, author, id) into data/raw/STUDY/imports, report unusable rows "
                                   "as FILE:LINE: reason, then rebuild the articles table from every source.")
    _study_arg(p)
    p.add_argument("files", nargs="*", metavar="FILE", help="JSONL or CSV files to import")
    p.add_argument("--force", action="store_true", help="rebuild the articles table even if up to date")

    for name, stage in dag.STAGES.items():
        if name in ("ingest", "validate"):
            continue
        p = sub.add_parser(name, help=stage.help, description=f"Stage '{name}': {stage.help}.")
        _study_arg(p)
        p.add_argument("--force", action="store_true", help="re-run even if up to date")
        _engine_args(p)
        if name == "collect":
            p.add_argument("--refresh", action="store_true",
                           help="fetch already-collected URLs again, keeping the old snapshots")
        if name == "report":
            p.add_argument("--standalone", action="store_true",
                           help="also write reports/STUDY.html: the report as one file with the figures embedded")

    p = sub.add_parser("validate", help="validate measures against human-labelled data",
                       description="`validate STUDY` checks each of the study's sentiment instruments against "
                                   "human labels (a stage of `run`). `validate sentiment` does the same for the "
                                   "instruments of --study (default: the default study) and writes "
                                   "reports/validation/sentiment.csv and sentiment.md. `validate framing` checks "
                                   "the frame codebook and classifier (Narrative Frames) and loaded language "
                                   "(BABE) and writes reports/validation/framing.csv. `validate extraction` "
                                   "measures token precision/recall/F1 of extraction and cleaning on the "
                                   "article-extraction benchmark and writes reports/validation/extraction.csv.")
    p.add_argument("study", metavar="STUDY|sentiment|framing|extraction",
                   help="a study id, or 'sentiment', 'framing' or 'extraction'")
    p.add_argument("--study", dest="instruments_of", default=config.DEFAULT_STUDY, metavar="STUDY",
                   help="with 'sentiment' or 'framing': whose instruments and seed to use (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="re-run even if up to date")


    codesheets.add_arguments(sub)

    p = sub.add_parser("bench", help="benchmark prepare, measure and compare (benchmarks/pipeline.py)",
                       description="Time and measure memory of the stages on the AllSides corpus and on it "
                                   "replicated 4x, the Dask engine, and a naive baseline and a regex floor on a "
                                   "sample; writes reports/benchmarks/pipeline.csv. Takes about half an hour; "
                                   "--quick about two minutes.", add_help=False)
    p.add_argument("bench_args", nargs="*", help="passed to benchmarks/pipeline.py (--quick, --help)")

    sub.add_parser("datasets", help="list known datasets and where each file was found",
                   description="Show every dataset loader, its licence, and the path each file resolves to "
                               "(data home, then mirrors).")
    return parser


def _cmd_init(args) -> int:
    paths = config.study_paths(check_study_id(args.study))
    if paths.study_file.exists() and not args.force:
        raise StudyConfigError(f"{paths.study_file} already exists; use --force to overwrite")
    storage.write_text(paths.study_file, skeleton(args.study))
    print(f"wrote {paths.study_file}")
    print(f"next: python -m analysis ingest {args.study} FILE.jsonl && python -m analysis run {args.study}")
    return 0


def _cmd_ingest(args) -> int:

    paths = config.study_paths(args.study)
    study = load_study(paths)
    for file in args.files:
        stored, n_rows, problems, is_new = ingest.import_file(file, paths)
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        state = "imported" if is_new else "already imported"
        log.info("%s %s: %d usable rows, %d problems -> %s", state, file, n_rows, len(problems), stored)
    if args.files and not any(s.kind == "imports" for s in study.sources):
        print(f"warning: {paths.study_file} has no [[sources]] kind = \"imports\"; imported files are not used",
              file=sys.stderr)
    dag.run_stage("ingest", study, paths, force=args.force)
    return 0


def _cmd_stage(args) -> int:
    if args.command == "validate" and args.study == "extraction":
        return _cmd_validate_extraction()
    if args.command == "validate" and args.study == "sentiment":
        return _cmd_validate_sentiment(args.instruments_of)
    if args.command == "validate" and args.study == "framing":
        return _cmd_validate_framing(args.instruments_of)
    paths = config.study_paths(args.study)
    study = load_study(paths)
    if args.command == "collect":
        collect.run(study, paths, refresh=args.refresh)
        return 0
    with _engine(args):
        dag.run_stage(args.command, study, paths, force=args.force)
    if getattr(args, "standalone", False):

        log.info("report: %s (single file, figures embedded)", report.write_standalone(study, paths))
    return 0


def _cmd_validate_extraction() -> int:

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


def _cmd_validate_sentiment(study_id: str) -> int:

    paths = config.study_paths(study_id)
    _, nyt, news = validate.validate_sentiment(load_study(paths), paths)
    table = sentiment_gold.long_table(nyt, news)
    return _publish_validation("sentiment", table, sentiment_gold.summary_markdown(table))


def _cmd_validate_framing(study_id: str) -> int:

    study = load_study(config.study_paths(study_id))  # its seed and resample count, as in its report
    table = framing_gold.framing_validity(seed=study.seed, n_boot=study.compare.n_boot)
    return _publish_validation("framing", table, framing_gold.summary_markdown(table))


def _engine(args):

    # `validate STUDY` runs as a stage but takes no engine options (nothing in it is partitioned)
    return engine.use(engine.get_engine(getattr(args, "engine", "local"), workers=getattr(args, "workers", None),
                                        scheduler=getattr(args, "scheduler", None)))


def _cmd_run(args) -> int:
    paths = config.study_paths(args.study)
    study = load_study(paths)
    with _engine(args):
        results = dag.run_all(study, paths, force=args.force, until=args.until)
    log.info("done: %s", ", ".join(f"{k} {v}" for k, v in results.items()))
    if "report" in results:
        log.info("report: %s", paths.reports / "index.html")
    return 0


def _cmd_reproduce(args) -> int:



    paths = config.study_paths(args.study)
    study = load_study(paths)
    listed = paths.reports / manifest.MANIFEST
    if args.check and not listed.exists():
        raise AnalysisError(f"{listed} does not exist: run `python -m analysis run {args.study}` first")
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "reports"
        if args.check:
            storage.copy_tree(paths.reports, before)
        dag.run_all(study, paths, force=True)
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


def _cmd_bench(args) -> int:

    script = config.PACKAGE_DIR.parent / "benchmarks" / "pipeline.py"
    if not script.exists():
        raise AnalysisError(f"{script} not found: `bench` runs from a checkout of the toolkit's repository")
    return runpy.run_path(str(script))["main"](args.bench_args)


def _cmd_codesheet(args) -> int:

    return codesheets.run_cli(args)


def _cmd_datasets(args) -> int:
    for ds in catalog.DATASETS.values():
        print(f"{ds.name}: {ds.citation}; licence: {ds.licence}")
        for key in ds.files:
            try:
                where = datasets.locate(ds.name, key, download=False)
            except AnalysisError:
                where = "not found" + (" (downloadable)" if key in ds.downloadable else "")
            print(f"  {key}: {where}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    args, unknown = parser.parse_known_args(raw)
    if args.command == "bench":  # everything after `bench` belongs to benchmarks/pipeline.py
        args.bench_args = raw[raw.index("bench") + 1:]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="analysis: %(message)s",
                        force=True)
    handlers = {"init": _cmd_init, "ingest": _cmd_ingest, "run": _cmd_run, "datasets": _cmd_datasets,
                "reproduce": _cmd_reproduce, "codesheet": _cmd_codesheet, "bench": _cmd_bench}
    try:
        return handlers.get(args.command, _cmd_stage)(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; completed stages and written files are kept", file=sys.stderr)
        return 130
