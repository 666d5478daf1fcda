"""``python -m analysis``: one subcommand per stage, plus ``run``, ``init`` and ``datasets``.

This module only parses; :mod:`analysis.run.commands` does the work and is imported once the command
line is known to be valid (by name, like the engine's task modules), so ``--help``, ``--version`` and a
usage error answer in a fraction of a second instead of after seconds of scientific imports.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from analysis import __version__
from analysis.core.defaults import DEFAULT_STUDY
from analysis.core.errors import AnalysisError
from analysis.run.stages import CODESHEET_MEASURES, STAGE_HELP

log = logging.getLogger("analysis")


def _study_arg(p: argparse.ArgumentParser, *, optional: bool = False) -> None:
    if optional:
        p.add_argument("study", nargs="?", default=DEFAULT_STUDY,
                       help=f"study id, a folder in data/studies/ (default: {DEFAULT_STUDY})")
    else:
        p.add_argument("study", help="study id, a folder in data/studies/")


def _refresh_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--refresh-cache", action="store_true",
                   help="compute instrument validation again instead of reading the machine-wide cache")


def _engine_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("execution (changes speed, never results)")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: processes on this machine (default); dask: a Dask distributed cluster")
    g.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    g.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="address of a running Dask scheduler (implies --engine dask); default: a LocalCluster")


def _codesheet_arguments(subparsers: argparse._SubParsersAction) -> None:
    """``codesheet export`` and ``codesheet import`` (run by :func:`analysis.validation.codesheets.run_cli`)."""
    p = subparsers.add_parser(
        "codesheet", help="export blind coding sheets; import coded sheets and measure agreement",
        description="`codesheet export STUDY --measure M --n N` writes reports/STUDY/validation/codesheet_M.csv "
                    "and .xlsx, a stratified sample without automated labels or outlets. Each coder fills a copy "
                    "named after themselves (the file stem is the coder id). `codesheet import STUDY --measure M "
                    "FILE...` checks the copies and writes Krippendorff's alpha and the automated measure's "
                    "agreement with the coders to reports/STUDY/validation/agreement.csv.")
    actions = p.add_subparsers(dest="codesheet_action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write a blind coding sheet",
                                description="Write a coding sheet (CSV and XLSX) and its key.")
    imp = actions.add_parser("import", help="read coded sheets and write agreement.csv",
                             description="Check coded sheets (errors name file, row and column), then write "
                                         "Krippendorff's alpha and precision/recall/F1 or correlations with CIs.")
    for q in (export, imp):
        q.add_argument("study", help="study id, a folder in data/studies/")
        q.add_argument("--measure", required=True, choices=CODESHEET_MEASURES, help="what is coded")
        q.add_argument("--seed", type=int, default=None, help="random seed (default: the study's seed)")
    export.add_argument("--n", type=int, required=True, help="units to sample")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="filled sheets (.csv or .xlsx), one per coder")
    imp.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default: %(default)s)")


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
    p.add_argument("--until", choices=list(STAGE_HELP), help="stop after this stage")
    _refresh_arg(p)
    _engine_args(p)

    p = sub.add_parser("reproduce", help="rebuild a study from its data; --check compares with MANIFEST.csv",
                       description="Re-run every stage from the data (as `run --force`). With --check, compare "
                                   "the rebuilt report with reports/STUDY/MANIFEST.csv and exit 1 with one line "
                                   "per artifact that differs (pixels for images, cells for tables).")
    _study_arg(p, optional=True)
    p.add_argument("--check", action="store_true", help="fail if any artifact differs from the current manifest")
    _refresh_arg(p)

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

    for name, stage_help in STAGE_HELP.items():
        if name in ("ingest", "validate"):
            continue
        p = sub.add_parser(name, help=stage_help, description=f"Stage '{name}': {stage_help}.")
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
                                   "article-extraction benchmark and writes reports/validation/extraction.csv. "
                                   "`validate provenance` scores quotes, speakers, source types, wire credits and reuse pairs on the "
                                   "hand-made gold in data/gold/provenance and writes "
                                   "reports/validation/provenance.csv.")
    p.add_argument("study", metavar="STUDY|sentiment|framing|extraction|provenance",
                   help="a study id, or 'sentiment', 'framing', 'extraction' or 'provenance'")
    p.add_argument("--study", dest="instruments_of", default=DEFAULT_STUDY, metavar="STUDY",
                   help="with 'sentiment', 'framing' or 'provenance': whose instruments, seed and actors to use "
                        "(default: %(default)s)")
    p.add_argument("--force", action="store_true", help="re-run even if up to date")


    _codesheet_arguments(sub)

    p = sub.add_parser("explore", help="write reports/STUDY/explorer.html from the study's tables",
                       description="Write reports/STUDY/explorer.html: one self-contained page (opens from disk, "
                                   "offline) from every figure's numbers down to the sentences behind them: "
                                   "distinctive terms, frame shares, sentiment, quotes and sources, copying, "
                                   "articles. The report stage writes it too; this rewrites it from the current "
                                   "tables without running the notebooks.")
    _study_arg(p)
    p.add_argument("--budget-mb", type=float, default=None, metavar="MB",
                   help="largest embedded data in MB before evidence is sampled per cell (default: 8)")

    p = sub.add_parser("bench", help="benchmark every stage, ingest to report (benchmarks/pipeline.py)",
                       description="Time and measure memory of every stage, ingest to report, on AllSides studies "
                                   "of 30, 300, 3,000 and all 37,554 articles and on the largest replicated 4x, "
                                   "with a naive baseline and a regex floor at each size and the engines compared; "
                                   "writes reports/benchmarks/pipeline.csv. --quick: 30 and 300 articles.",
                       add_help=False)
    p.add_argument("bench_args", nargs="*", help="passed to benchmarks/pipeline.py (--quick, --help)")

    sub.add_parser("datasets", help="list known datasets and where each file was found",
                   description="Show every dataset loader, its licence, and the path each file resolves to "
                               "(data home, then mirrors).")

    p = sub.add_parser("fetch-model", help="download a Hugging Face model for a transformer instrument",
                       description="Download a sequence-classification model (config, tokenizer, weights) from the "
                                   "Hugging Face Hub into the data home's models/ folder, so studies that name it in "
                                   "[[sentiment.models]] run offline. Needs the transformers extra: "
                                   "pip install -e '.[transformers]'.")
    p.add_argument("model", help="Hub id, owner/name")
    p.add_argument("--revision", default=None, help="branch, tag or commit (default: the main branch)")
    p.add_argument("--endpoint", default=None, metavar="URL",
                   help="a Hub mirror's address (default: $HF_ENDPOINT, else huggingface.co)")
    return parser


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
    try:
        if args.command == "run" and not (args.force or args.until or args.refresh_cache):
            # checked before the scientific stack is imported: a run that changes nothing answers at once
            if (report := importlib.import_module("analysis.run.uptodate").current_report(args.study)) is not None:
                log.info("%s: every stage is up to date (nothing changed since the last run)", args.study)
                log.info("report: %s", report)
                return 0
        commands = importlib.import_module("analysis.run.commands")
        return getattr(commands, f"cmd_{args.command.replace('-', '_')}", commands.cmd_stage)(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; completed stages and written files are kept", file=sys.stderr)
        return 130
