"""``python -m analysis``: one subcommand per stage, plus ``run``, ``init`` and ``datasets``.

This module only parses; :mod:`analysis.run.commands` does the work and is imported once the command
line is known to be valid (by name, like the engine's task modules), so ``--help``, ``--version`` and a
usage error answer in a fraction of a second instead of after seconds of scientific imports.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import logging
import re
import sys
import textwrap
from pathlib import Path

from analysis import __version__
from analysis.core import limits
from analysis.core.defaults import DEFAULT_STUDY
from analysis.core.errors import AnalysisError
from analysis.run.stages import CODESHEET_MEASURES, STAGE_HELP

log = logging.getLogger("analysis")

# One or more examples at the end of every command's --help.
EXAMPLES = {
    "analysis": ["python -m analysis init my-study", "python -m analysis ingest my-study export.csv --text-col body",
                 "python -m analysis run my-study", "python -m analysis list"],
    "run": ["python -m analysis run                     # the default study",
            "python -m analysis run my-study --until prepare",
            "python -m analysis -q run my-study --force  # -q also goes after the command: run my-study -q"],
    "reproduce": ["python -m analysis reproduce entity-list --check"],
    "init": ["python -m analysis init my-study"],
    "ingest": ["python -m analysis ingest my-study coverage.jsonl more.csv"],
    "list": ["python -m analysis list"],
    "explore": ["python -m analysis explore my-study", "python -m analysis explore my-study --budget-mb 4"],
    "validate": ["python -m analysis validate my-study", "python -m analysis validate framing --study my-study"],
    "codesheet": ["python -m analysis codesheet export my-study --measure frames --n 200",
                  "python -m analysis codesheet import my-study --measure frames alice.xlsx bob.xlsx"],
    "bench": ["python -m analysis bench --quick"],
    "datasets": ["python -m analysis datasets"],
    "fetch-model": ["python -m analysis fetch-model cardiffnlp/twitter-roberta-base-sentiment-latest"],
}
STAGE_EXAMPLE = "python -m analysis {stage} my-study --force"


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps prose as argparse does, but keeps example lines (indented by two spaces) as they are written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line if line.startswith("  ") else
                         textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
                         for line in text.splitlines())


class _Parser(argparse.ArgumentParser):
    """Suggests the closest command or choice when one is misspelled (argparse 3.11 only lists them)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        if found := re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message):
            close = difflib.get_close_matches(found[1], re.findall(r"'([^']*)'", found[2]), n=1, cutoff=0.5)
            if close:
                message += f"; did you mean {close[0]!r}?"
        super().error(message)


def _examples(command: str) -> str:
    lines = EXAMPLES.get(command) or [STAGE_EXAMPLE.format(stage=command)]
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


# `-q` is accepted after the command too (`run my-study -q`); SUPPRESS keeps a subcommand from resetting it.
_QUIET = argparse.ArgumentParser(add_help=False)
_QUIET.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                    help="only print warnings and errors")


def _add_command(sub: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=[_QUIET], epilog=_examples(name), **kwargs)


def _study_arg(p: argparse.ArgumentParser, *, optional: bool = False) -> None:
    if optional:
        p.add_argument("study", nargs="?", default=DEFAULT_STUDY,
                       help=f"study id, a folder in data/studies/ (default: {DEFAULT_STUDY})")
    else:
        p.add_argument("study", help="study id, a folder in data/studies/")


def _refresh_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--refresh-cache", action="store_true",
                   help="compute instrument validation again instead of reading the machine-wide cache")


def _network_arg(p: argparse.ArgumentParser) -> None:
    # Only here, never in study.toml: a shared study file must not make a colleague's machine fetch its own
    # internal services (analysis.collect.netguard).
    p.add_argument("--allow-private-addresses", action="store_true",
                   help="let collection fetch loopback, private, link-local and other non-public addresses "
                        "(refused by default, also after a redirect)")


def _engine_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("execution (changes speed, never results)")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: processes on this machine (default); dask: a Dask distributed cluster")
    g.add_argument("--workers", type=limits.option("--workers"), default=None, help="worker processes (default: every core)")
    g.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="address of a running Dask scheduler (implies --engine dask); default: a LocalCluster")


def _outside_paths_arg(p: argparse.ArgumentParser) -> None:
    # A command-line flag only, never a study.toml key: a shared study must not read a colleague's other files.
    p.add_argument("--allow-outside-paths", action="store_true",
                   help="let the paths study.toml names (sources' 'files', 'html' and 'urls' paths, [study] "
                        "outlets, [framing] codebooks, [[sentiment.dictionaries]] path, a [[sentiment.models]] "
                        "model folder) and what they link to lie outside the project and the data home")


def _column_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("column names (when the export does not use outlet, title, text, ...; "
                             "the same keys as study.toml's [columns])")
    for key, field in (("text", "text"), ("outlet", "outlet"), ("title", "title"), ("date", "published"),
                       ("url", "url"), ("id", "id"), ("author", "author")):
        g.add_argument(f"--{key}-col", metavar="NAME", default=None, help=f"the file's column that holds {field}")


def _codesheet_arguments(subparsers: argparse._SubParsersAction) -> None:
    """``codesheet export`` and ``codesheet import`` (run by :func:`analysis.validation.codesheets.run_cli`)."""
    p = _add_command(
        subparsers, "codesheet", help="export blind coding sheets; import coded sheets and measure agreement",
        description="`codesheet export STUDY --measure M --n N` writes reports/STUDY/validation/codesheet_M.csv "
                    "and .xlsx, a stratified sample without automated labels or outlets. Each coder fills a copy "
                    "named after themselves (the file stem is the coder id). `codesheet import STUDY --measure M "
                    "FILE...` checks the copies and writes Krippendorff's alpha and the automated measure's "
                    "agreement with the coders to reports/STUDY/validation/agreement.csv.")
    actions = p.add_subparsers(dest="codesheet_action", required=True, metavar="ACTION")
    export = actions.add_parser("export", parents=[_QUIET], epilog=_examples("codesheet"), help="write a blind coding sheet",
                                description="Write a coding sheet (CSV and XLSX) and its key.")
    imp = actions.add_parser("import", parents=[_QUIET], epilog=_examples("codesheet"), help="read coded sheets and write agreement.csv",
                             description="Check coded sheets (errors name file, row and column), then write "
                                         "Krippendorff's alpha and precision/recall/F1 or correlations with CIs.")
    for q in (export, imp):
        q.add_argument("study", help="study id, a folder in data/studies/")
        q.add_argument("--measure", required=True, choices=CODESHEET_MEASURES, help="what is coded")
        q.add_argument("--seed", type=limits.option("--seed"), default=None, help="random seed (default: the study's seed)")
        _outside_paths_arg(q)  # frame sheets read the study's first codebook
    export.add_argument("--n", type=limits.option("--n"), required=True, help="units to sample")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="filled sheets (.csv or .xlsx), one per coder")
    imp.add_argument("--n-boot", type=limits.option("--n-boot"), default=1000, help="bootstrap resamples (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m analysis",
        description="Media-bias and framing comparison studies. A study (data/studies/STUDY/study.toml) runs "
                    f"through the stages {' -> '.join(STAGE_HELP)}; `run` runs them all, skipping what is up to "
                    "date.",
        epilog=_examples("analysis"),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only print warnings and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _add_command(sub, "run", help="run every stage of a study (skipping stages that are up to date)",
                     description=f"Run every stage that applies to the study, in order: {', '.join(STAGE_HELP)} "
                                 "(collect only for studies with web sources). Stages whose inputs, settings and "
                                 "code did not change are skipped; a run that changes nothing answers at once.")
    _study_arg(p, optional=True)
    p.add_argument("--force", action="store_true", help="re-run every stage even if it is up to date")
    p.add_argument("--until", choices=list(STAGE_HELP), help="stop after this stage")
    _refresh_arg(p)
    _engine_args(p)
    _network_arg(p)
    _outside_paths_arg(p)

    p = _add_command(sub, "reproduce", help="rebuild a study from its data; --check compares with MANIFEST.csv",
                       description="Re-run every stage from the data (as `run --force`). With --check, compare "
                                   "the rebuilt report with reports/STUDY/MANIFEST.csv and exit 1 with one line "
                                   "per artifact that differs (pixels for images, cells for tables).")
    _study_arg(p, optional=True)
    p.add_argument("--check", action="store_true", help="fail if any artifact differs from the current manifest")
    _refresh_arg(p)
    _network_arg(p)
    _outside_paths_arg(p)

    p = _add_command(sub, "init", help="write a commented study.toml skeleton",
                       description="Create data/studies/STUDY/study.toml with every key documented.")
    _study_arg(p)
    p.add_argument("--force", action="store_true", help="overwrite an existing study.toml")

    p = _add_command(sub, "ingest", help="import article files and build the articles table",
                     description="Copy article exports (JSONL, CSV with any of , ; tab | as delimiter, TSV, "
                                 ".xlsx; columns outlet and text, optional title, url, published, author, id, "
                                 "event_id, and outlet_type, country, leaning, language for outlets "
                                 "data/outlets.csv does not know) into data/raw/STUDY/imports, report unusable "
                                 "rows as FILE:LINE: reason, then rebuild the articles table from every source. "
                                 "Columns named otherwise are mapped with --text-col, --outlet-col, ... or a "
                                 "[columns] table in study.toml.")
    _study_arg(p)
    p.add_argument("files", nargs="*", metavar="FILE", help="JSONL, CSV, TSV or XLSX files to import")
    p.add_argument("--force", action="store_true", help="rebuild the articles table even if up to date")
    _column_args(p)
    _outside_paths_arg(p)

    for name, stage_help in STAGE_HELP.items():
        if name in ("ingest", "validate"):
            continue
        p = _add_command(sub, name, help=stage_help, description=f"Stage '{name}': {stage_help}.")
        _study_arg(p)
        p.add_argument("--force", action="store_true", help="re-run even if up to date")
        _engine_args(p)
        if name == "collect":
            p.add_argument("--refresh", action="store_true",
                           help="fetch already-collected URLs again, keeping the old snapshots, and URLs that "
                                "answered 404 or 410 (a server's Retry-After is still honoured)")
            p.add_argument("--retry-gone", action="store_true",
                           help="fetch again only the URLs that answered 404 Not Found or 410 Gone")
            _network_arg(p)
        _outside_paths_arg(p)  # measure reads dictionaries and models, frame codebooks
        if name == "report":
            p.add_argument("--standalone", action="store_true",
                           help="also write reports/STUDY.html: a copy of index.html (figures embedded) to keep "
                                "beside the study's folder, its links pointing into it")
            p.add_argument("--linked", action="store_true",
                           help="also write reports/STUDY/index-linked.html: the report with its images linked "
                                "from figures/ instead of embedded (a small page for a web server)")

    p = _add_command(sub, "validate", help="validate measures against human-labelled data",
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

    _add_command(sub, "list", help="list the project's studies, their state and when they last ran",
                 description="One line per study in data/studies: up to date, stages still to run, not run, or "
                             "an invalid study.toml; when it last ran and where its report is.")

    p = _add_command(sub, "explore", help="write reports/STUDY/explorer.html from the study's tables",
                     description="Write reports/STUDY/explorer.html: one self-contained page (opens from disk, "
                                 "offline) from every figure's numbers down to the sentences behind them: "
                                 "distinctive terms, frame shares, sentiment, quotes and sources, copying, "
                                 "articles. The report stage writes it too; this rewrites it from the current "
                                 "tables without running the notebooks.")
    _study_arg(p)
    p.add_argument("--budget-mb", type=limits.option("--budget-mb"), default=None, metavar="MB",
                   help="largest embedded data in MB before evidence is sampled per cell (default: 8; "
                        "0.5 to 200)")

    p = _add_command(sub, "bench", help="benchmark every stage, ingest to report (benchmarks/pipeline.py)",
                     description="Time and measure memory of every stage, ingest to report, on AllSides studies "
                                 "of 30, 300, 3,000 and all 37,554 articles and on the largest replicated 4x, "
                                 "with a naive baseline and a regex floor at each size and the engines compared; "
                                 "writes reports/benchmarks/pipeline.csv. --quick: 30 and 300 articles.",
                     add_help=False)
    p.add_argument("bench_args", nargs="*", help="passed to benchmarks/pipeline.py (--quick, --help)")

    _add_command(sub, "datasets", help="list known datasets and where each file was found",
                 description="Show every dataset loader, its licence, and the path each file resolves to "
                             "(data home, then mirrors).")

    p = _add_command(sub, "fetch-model", help="download a Hugging Face model for a transformer instrument",
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
