"""Benchmark: every stage of the pipeline, ingest to report, at several corpus sizes and at 4x, against a naive
baseline and a floor measured at each size.

    .venv/bin/python -m analysis bench [--quick] [--sizes 30,300,3000,all]   (or: .venv/bin/python benchmarks/pipeline.py)

What it runs, all in this one run so every ratio compares numbers measured
on the same machine at the same time:

* **Whole pipeline by size.** For each size (default 30, 300, 3,000 and all
  37,554 AllSides articles; Baly et al. 2020), a study of that many articles
  (a hash sample, ``sample = N``) runs every stage, ingest to report, each in a
  fresh process, as ``python -m analysis STAGE --force`` would; the wall time
  and the peak memory of the whole process tree (workers and notebook kernels
  included, each shared page counted once: the PSS, sampled every 100 ms) are
  kept per stage. Then ``run --force`` times ingest to report in one process
  (one interpreter start, one set of imports), and a ``run`` after it, with
  nothing changed, is the no-change time. The machine-wide cache of trained
  models and instrument validation is warm (the state after a first-ever
  run, which the issue's goals are stated for: the smallest study's first
  ``run``, timed, fills it when it is cold); the sentence cache is cold.
* **4x.** The largest size's cleaned articles replicated 4x (replica k's ids
  start with ``r{k}-``, so the copies sit in different partitions and none is
  scored from another's cache) through prepare to report, per stage as above.
* **Baseline and floor at each size.** What a user writes by hand for the
  same three outputs (issue 22's baseline: vaderSentiment on every sentence
  with pandas, a scipy bootstrap of article means per outlet and per
  leaning, scattertext's distinctive terms; ``baseline_seconds``), the
  toolkit's prepare + measure + compare and its distinctive terms on the same
  articles in this process (no interpreter start-up), and the floor (one
  regex tokenisation pass, the least any lexicon method must do), each its
  best of ``--repeats`` runs. The baseline of earlier runs (nltk's VADER on
  whole articles, a CountVectorizer, scattertext; and the same with the
  vaderSentiment package) is still timed and reported beside it.
* **Engines** (not with ``--quick``). The measure stage on the largest size with
  one local process, the local engine's two processes and Dask on a two-worker
  LocalCluster, alternating, each its best of ``--repeats`` (default 3).

Writes ``reports/benchmarks/pipeline.csv`` (long: corpus, n_articles, engine,
stage, metric, value) and prints a summary. ``--quick`` runs size 30 (and
30 x 4) and the baseline comparison alone at 200 articles, with one repeat and
no engine comparison. The baseline needs
scattertext, installed apart because its declared pins conflict with ours:
``pip install -r benchmarks/requirements.txt`` then
``pip install --no-deps scattertext==0.2.2``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere
from analysis.core import config, storage  # noqa: E402

STUDY = """\
[study]
title = "Benchmark: AllSides"
keep_undated = true
seed = 1
groups = ["outlet", "leaning"]

[compare]
n_boot = 2000
n_perm = 5000

[sentiment]
instruments = ["vader"]

[[sources]]
kind = "dataset"
dataset = "allsides"
file = "articles"
{sample}
"""
TOOLKIT_STAGES = ("prepare", "measure", "compare")
PIPELINE_STAGES = ("ingest", "clean", "prepare", "measure", "frame", "compare", "provenance", "validate", "report")
FULL_SIZES = "30,300,3000,all"
QUICK_SIZES = "30"  # with its 4x and the baseline at QUICK_BASELINE_SIZE: under 3 minutes on two cores
QUICK_BASELINE_SIZE = 200
VADERSENTIMENT = "vadersentiment_whole_articles"
SENTENCES = "vadersentiment_sentences"
BOOTSTRAP = "scipy_bootstrap_groups"
BOOT = 2000  # the bench study's n_boot
ISSUE_BASELINE = (SENTENCES, BOOTSTRAP, "scattertext_terms")  # issue 22's baseline: its parts, summed
OLD_BASELINE = ("nltk_vader_whole_articles", "countvectorizer", "scattertext_terms")  # the baseline of runs 1-3


def _tree_memory(proc) -> int:
    """Bytes the process tree holds, each page counted once (Linux's proportional set size, PSS).

    The resident sizes of forked processes add up the pages they share with their parent once per process:
    a worker forked while the parent held 600 MB shows 600 MB at once. PSS splits each shared page among
    its sharers. Where the system has no PSS, the resident size is used.
    """
    import psutil

    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return total


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``python -m analysis ARGS`` in a fresh process; (seconds, peak MiB of the process tree, PSS)."""
    import psutil

    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analysis", "-q", *args], env=env, cwd=REPO)
    proc, peak, done = psutil.Process(child.pid), 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory(proc))
            done.wait(0.1)  # a read of /proc/PID/smaps_rollup costs ~0.4 ms a process

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"bench: `python -m analysis {' '.join(args)}` failed with exit code {code}")
    return seconds, peak / 2**20


def make_project(root: Path, study: str, *, sample: int | None, write: bool = True) -> dict[str, str]:
    """A project folder with one benchmark study; returns the environment that points the toolkit at it."""
    (root / "data" / "studies" / study).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "data" / "outlets.csv", root / "data" / "outlets.csv")
    pick = f"sample = {sample}\n" if sample else ""
    (root / "notebooks").mkdir(exist_ok=True)
    for notebook in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(notebook, root / "notebooks" / notebook.name)
    if write:
        (root / "data" / "studies" / study / "study.toml").write_text(STUDY.format(sample=pick), encoding="utf-8")
    # the datasets stay where this checkout finds them, not beside the temporary project
    mirrors = os.pathsep.join(str(p) for p in config.data_mirrors())
    return {**os.environ, "ANALYSIS_PROJECT_ROOT": str(root), "ANALYSIS_DATA_MIRRORS": mirrors}


def replicate(src_root: Path, dst_root: Path, study: str, *, copies: int, head: int | None = None) -> int:
    """The cleaned articles of ``src_root`` (the first ``head`` by doc_id, a hash sample) repeated ``copies``
    times into a new study's articles table."""
    from analysis.core import config, defaults, storage, tables

    src = config.study_paths(study, root=src_root)
    articles = storage.read_table(src.table("articles"))
    if head is not None:
        articles = articles.head(head)
    if copies == 1:
        parts = [articles]
    else:
        parts = [articles.assign(doc_id=f"r{k}-" + articles["doc_id"]) for k in range(copies)]
    big = pd.concat(parts, ignore_index=True).sort_values("doc_id", ignore_index=True)
    dst = config.study_paths(study, root=dst_root)
    storage.write_table(tables.validate(big, "articles"), dst.table("articles"), row_group_size=defaults.PARTITION_ARTICLES)
    # the report reads the cleaning log; the replicas were cleaned as their originals were, so theirs is empty
    storage.write_table(tables.empty("cleaning_log"), dst.table("cleaning_log"))
    return len(big)


def toolkit_in_process(root: Path, study: str) -> float:
    """Prepare + measure + compare and the frame stage's distinctive terms, in this process as the baseline runs
    (no interpreter start-up counted): the baseline's three outputs."""
    from analysis.core import config
    from analysis.core.study import load_study
    from analysis.framing import frame
    from analysis.run import dag, engine

    os.environ.update(make_project(root, study, sample=None, write=False))
    paths = config.study_paths(study, root=root)
    loaded = load_study(paths)
    shutil.rmtree(paths.sentence_cache, ignore_errors=True)
    start = time.perf_counter()
    with engine.use(engine.get_engine("local")):
        for stage in TOOLKIT_STAGES:
            dag.run_stage(stage, loaded, paths, force=True)
        frame.distinctive(loaded, articles=storage.read_table(paths.table("articles")))
    return time.perf_counter() - start


def floor_seconds(texts: list[str]) -> float:
    start = time.perf_counter()
    for t in texts:
        re.findall(r"\w+", t)
    return time.perf_counter() - start


def baseline_seconds(sample: pd.DataFrame) -> dict[str, float]:
    """What a user writes by hand for the toolkit's three outputs, each part timed.

    Issue 22's baseline: vaderSentiment on each sentence with pandas (sentences split at ., ! or ? and a
    space, the regex a user writes: nltk's Punkt data cannot be downloaded here), a scipy bootstrap of the
    article means per outlet and per leaning (articles resampled, as the toolkit does, so the intervals
    mean the same), scattertext's log-odds with an informative Dirichlet prior for distinctive terms. Also
    timed, for the figures of earlier runs: nltk's and vaderSentiment's VADER on whole articles and a
    CountVectorizer (the baseline before this definition).
    """
    import nltk
    import numpy as np
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    from scipy import stats
    from sklearn.feature_extraction.text import CountVectorizer
    from vaderSentiment import vaderSentiment

    lexicon = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    nltk.data.path.append(str(lexicon.parent))
    out = {}
    start = time.perf_counter()
    analyzer = vaderSentiment.SentimentIntensityAnalyzer()
    sentences = sample.assign(sentence=sample["text"].str.split(r"(?<=[.!?])\s+")).explode("sentence")
    sentences["compound"] = sentences["sentence"].fillna("").apply(lambda t: analyzer.polarity_scores(t)["compound"])
    out[SENTENCES] = time.perf_counter() - start
    start = time.perf_counter()
    means = sentences.groupby("doc_id").agg(compound=("compound", "mean"), outlet=("outlet", "first"),
                                            leaning=("leaning", "first"))
    for by in ("outlet", "leaning"):
        for _, group in means.groupby(by):
            if len(group) >= 2:
                stats.bootstrap((group["compound"].to_numpy(),), np.mean, n_resamples=BOOT, random_state=0)
    out[BOOTSTRAP] = time.perf_counter() - start
    try:
        import scattertext as st
    except ImportError as exc:
        raise SystemExit(f"bench: the baseline needs scattertext ({exc}); see benchmarks/pipeline.py") from None
    start = time.perf_counter()
    corpus = st.CorpusFromPandas(sample.assign(category=sample["leaning"].fillna("unrated")), category_col="category",
                                 text_col="text", nlp=st.whitespace_nlp_with_sentences).build()
    freq = corpus.get_term_freq_df()
    for col in freq.columns:
        st.LogOddsRatioInformativeDirichletPrior(freq.sum(axis=1)).get_scores(freq[col], freq.drop(columns=col).sum(axis=1))
    out["scattertext_terms"] = time.perf_counter() - start
    start = time.perf_counter()
    sia = SentimentIntensityAnalyzer(lexicon_file="file:" + str(lexicon))
    sample["text"].apply(lambda t: sia.polarity_scores(t)["compound"])
    out["nltk_vader_whole_articles"] = time.perf_counter() - start
    start = time.perf_counter()
    sample["text"].apply(lambda t: analyzer.polarity_scores(t)["compound"])
    out[VADERSENTIMENT] = time.perf_counter() - start
    start = time.perf_counter()
    CountVectorizer().fit_transform(sample["text"])
    out["countvectorizer"] = time.perf_counter() - start
    return out


def stage_times(env: dict[str, str], root: Path, stages: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each stage in a fresh process, forced, with a cold sentence cache: {stage: (seconds, peak MiB)}."""
    shutil.rmtree(root / "data" / "interim" / "_sentence_cache", ignore_errors=True)
    return {stage: run_measured([stage, "bench", "--force"], env) for stage in stages}


def record_stages(record, label: str, n: int, stages: dict[str, tuple[float, float]]) -> float:
    for stage, (seconds, peak) in stages.items():
        record(label, n, "local", stage, "seconds", seconds)
        record(label, n, "local", stage, "peak_mib", peak)
        record(label, n, "local", stage, "ms_per_article", 1000 * seconds / n)
    total = sum(s for s, _ in stages.values())
    record(label, n, "local", "pipeline", "seconds", total)
    record(label, n, "local", "pipeline", "peak_mib", max(p for _, p in stages.values()))
    record(label, n, "local", "pipeline", "ms_per_article", 1000 * total / n)
    return total


def baseline_and_floor(record, root: Path, n: int, repeats: int) -> tuple[float, float, float]:
    """The hand-written baseline, the toolkit in process and the floor on the same cleaned articles.

    Each side runs once untimed first: the baseline imports its packages before its clock starts, while the
    toolkit's stages import theirs on first use, and the toolkit reads its trained models (Punkt's parameters
    among them, trained on this corpus) from the machine cache as a re-run does. The cold first run is recorded
    apart (``toolkit_first_run``)."""
    articles = storage.read_table(config.study_paths("bench", root=root).table("articles"),
                                  columns=["doc_id", "text", "outlet", "leaning"])
    record("baseline", n, "local", "toolkit_first_run", "seconds", toolkit_in_process(root, "bench"))
    baseline_seconds(articles)
    toolkit = min(toolkit_in_process(root, "bench") for _ in range(repeats))
    floor = min(floor_seconds(articles["text"].tolist()) for _ in range(repeats))
    runs = [baseline_seconds(articles) for _ in range(repeats)]
    base = {part: min(run[part] for run in runs) for part in runs[0]}
    for part, seconds in base.items():
        record("baseline", n, "baseline", part, "seconds", seconds)
    baseline = sum(base[part] for part in ISSUE_BASELINE)
    old = sum(base[part] for part in OLD_BASELINE)
    old_vader_package = old - base["nltk_vader_whole_articles"] + base[VADERSENTIMENT]
    record("baseline", n, "baseline", "pipeline", "seconds", baseline)
    record("baseline", n, "baseline_whole_articles", "pipeline", "seconds", old)
    record("baseline", n, "baseline_vadersentiment", "pipeline", "seconds", old_vader_package)
    record("baseline", n, "local", "pipeline", "seconds", toolkit)
    record("baseline", n, "floor", "regex_tokenise", "seconds", floor)
    record("baseline", n, "local", "pipeline", "ratio_to_baseline", baseline / toolkit)
    record("baseline", n, "local", "pipeline", "ratio_to_baseline_whole_articles", old / toolkit)
    record("baseline", n, "local", "pipeline", "ratio_to_baseline_vadersentiment", old_vader_package / toolkit)
    record("baseline", n, "local", "pipeline", "ratio_to_floor", toolkit / floor)
    return baseline, toolkit, floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis bench", description=__doc__.splitlines()[0],
                                     epilog="example: python -m analysis bench --quick --out /tmp/bench.csv")
    parser.add_argument("--quick", action="store_true", help=f"size {QUICK_SIZES} (and x4) and the baseline alone at {QUICK_BASELINE_SIZE}, one repeat, no engines")
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated article counts, 'all' for the whole corpus (default {FULL_SIZES})")
    parser.add_argument("--workdir", type=Path, default=None, help="where the benchmark projects go (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "pipeline.csv",
                        help="the CSV of measurements, rewritten after each size (default: %(default)s)")
    parser.add_argument("--baseline-only", action="store_true",
                        help="only the baseline, the toolkit in process and the floor at each size (articles ingested "
                             "and cleaned first, untimed): no stage processes, no 4x, no engines")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs of the engine and baseline timings, best kept (default 3; 1 with --quick)")
    args = parser.parse_args(argv)
    try:  # checked first: finding out after twenty minutes would waste them
        import scattertext  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"bench: the baseline needs scattertext ({exc}): pip install -r benchmarks/requirements.txt "
                         f"&& pip install --no-deps scattertext==0.2.2") from None
    sizes = [None if x.strip() == "all" else int(x) for x in (args.sizes or (QUICK_SIZES if args.quick
                                                                              else FULL_SIZES)).split(",")]
    args.repeats = args.repeats or (1 if args.quick else 3)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    rows: list[tuple] = []

    def record(corpus, n, engine, stage, metric, value):
        rows.append((corpus, n, engine, stage, metric, float(value)))

    def baseline_only(size: int | None) -> None:
        root = work / f"b{size or 'all'}"
        env = make_project(root, "bench", sample=size)
        run_measured(["run", "bench", "--until", "clean"], env)
        n = len(storage.read_table(config.study_paths("bench", root=root).table("articles"), columns=["doc_id"]))
        baseline, toolkit, floor = baseline_and_floor(record, root, n, args.repeats)
        print(f"bench: {n:,} articles: toolkit {toolkit:.2f} s in process vs the baseline {baseline:.2f} s "
              f"({baseline / toolkit:.2f}x), {toolkit / floor:.1f}x the floor", flush=True)
        write_rows(rows, args.out)

    if args.baseline_only:
        for size in sizes:
            baseline_only(size)
        print(f"bench: wrote {args.out}")
        return 0

    # The whole pipeline at each size, then a no-change run, then baseline and floor on the same articles.
    largest = None
    for i, size in enumerate(sizes):
        root = work / f"n{size or 'all'}"
        env = make_project(root, "bench", sample=size)
        if i == 0:  # trains and validates the instruments if this machine has not yet for this toolkit version
            first, _ = run_measured(["run", "bench"], env)
            record("allsides", size or 0, "local", "first_run_as_found", "seconds", first)
            print(f"bench: first run of the {size or 'whole'}-article study, machine cache as found: {first:.1f} s",
                  flush=True)
        stages = stage_times(env, root, PIPELINE_STAGES)
        n = len(storage.read_table(config.study_paths("bench", root=root).table("articles"), columns=["doc_id"]))
        total = record_stages(record, "allsides", n, stages)
        # ingest to report in one process, as `run --force` does it (one interpreter start, one set of imports)
        one_process, one_peak = run_measured(["run", "bench", "--force"], env)
        record("allsides", n, "local", "run_one_process", "seconds", one_process)
        record("allsides", n, "local", "run_one_process", "peak_mib", one_peak)
        no_change, _ = run_measured(["run", "bench"], env)
        record("allsides", n, "local", "no_change_run", "seconds", no_change)
        baseline, toolkit, floor = baseline_and_floor(record, root, n, args.repeats)
        slowest = max(stages, key=lambda k: stages[k][0])
        print(f"bench: {n:,} articles: ingest to report {one_process:.1f} s in one process (run --force), "
              f"{total:.1f} s as separate stage processes ({1000 * total / n:.1f} ms/article; slowest "
              f"{slowest} {stages[slowest][0]:.1f} s), peak {max(p for _, p in stages.values()):.0f} MiB, no-change "
              f"run {no_change:.2f} s; prepare+measure+compare {toolkit:.2f} s in process vs the baseline "
              f"{baseline:.2f} s ({baseline / toolkit:.2f}x), {toolkit / floor:.1f}x the floor", flush=True)
        largest = (root, env, n)
        write_rows(rows, args.out)  # after each size: a failure later keeps what was measured

    # 4x: the largest size's cleaned articles replicated, prepare to report.
    root1, env1, n1 = largest
    four = work / "four"
    env4 = make_project(four, "bench", sample=None)
    n4 = replicate(root1, four, "bench", copies=4)
    stages4 = stage_times(env4, four, PIPELINE_STAGES[2:])
    total4 = record_stages(record, "allsides_x4", n4, stages4)
    at_1x = sum(s for stage, (s, _) in stage_times_from(rows, n1).items() if stage in PIPELINE_STAGES[2:])
    print(f"bench: {n4:,} articles (4x): prepare to report {total4:.1f} s, peak "
          f"{max(p for _, p in stages4.values()):.0f} MiB; per-article cost at 4x / at 1x = "
          f"{(total4 / n4) / (at_1x / n1):.2f}", flush=True)

    if args.quick and QUICK_BASELINE_SIZE not in sizes:  # the issue's size for "no slower than the baseline"
        baseline_only(QUICK_BASELINE_SIZE)

    if not args.quick:  # engines on the measure stage of the largest size, alternating
        engines = {"local_1": ["--engine", "local", "--workers", "1"],
                   "local_2": ["--engine", "local", "--workers", "2"],
                   "dask_2": ["--engine", "dask", "--workers", "2"]}
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
        for _ in range(args.repeats):
            for engine, flags in engines.items():
                shutil.rmtree(root1 / "data" / "interim" / "_sentence_cache", ignore_errors=True)
                runs[engine].append(run_measured(["measure", "bench", "--force", *flags], env1))
        for engine, measured in runs.items():
            record("allsides", n1, engine, "measure", "seconds", min(s for s, _ in measured))
            record("allsides", n1, engine, "measure", "peak_mib", max(p for _, p in measured))
        m = {engine: min(s for s, _ in measured) for engine, measured in runs.items()}
        print(f"bench: measure stage, one process {m['local_1']:.1f} s, local 2 workers {m['local_2']:.1f} s "
              f"({m['local_1'] / m['local_2']:.2f}x), Dask 2 workers {m['dask_2']:.1f} s "
              f"({m['local_1'] / m['dask_2']:.2f}x)")

    write_rows(rows, args.out)
    print(f"bench: wrote {args.out}")
    return 0


def write_rows(rows: list[tuple], out: Path) -> None:
    table = pd.DataFrame(rows, columns=["corpus", "n_articles", "engine", "stage", "metric", "value"])
    table = table.sort_values(["corpus", "n_articles", "engine", "stage", "metric"], kind="stable", ignore_index=True)
    storage.write_csv(table, out)


def stage_times_from(rows: list[tuple], n: int) -> dict[str, tuple[float, float]]:
    """{stage: (seconds, 0)} of the 1x whole-pipeline run at ``n`` articles, read back from the recorded rows."""
    return {stage: (value, 0.0) for corpus, size, engine, stage, metric, value in rows
            if corpus == "allsides" and size == n and engine == "local" and metric == "seconds"
            and stage in PIPELINE_STAGES}


if __name__ == "__main__":
    raise SystemExit(main())
