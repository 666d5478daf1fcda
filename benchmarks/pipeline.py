"""Benchmark: prepare, measure and compare on the AllSides corpus, at 1x and 4x, against a naive baseline and a floor.

    .venv/bin/python -m analysis bench [--quick]        (or: .venv/bin/python benchmarks/pipeline.py)

What it runs, all in this one run so every ratio compares numbers measured
on the same machine at the same time:

* **Scale.** The AllSides corpus (Baly et al. 2020; 37,554 articles) through
  ingest and clean, then prepare, measure and compare as a study would run
  them; then the cleaned corpus replicated 4x (about 150,000 articles; replica
  k's ids start with ``r{k}-``, so the copies of one article sit in different
  partitions and none is scored from another's cache). Each stage runs in a
  fresh process with a cold sentence cache; its wall time and the peak memory
  of its whole process tree (workers included, each shared page counted once:
  the PSS, sampled every 100 ms) are kept.
* **Engines.** The measure stage on the 1x corpus with one local process, with
  the local engine's two processes and with Dask on a two-worker LocalCluster;
  the runs alternate, and each keeps its best of ``--repeats`` (default 3, 1 with ``--quick``): on
  a shared two-core machine one run can vary by a fifth.
* **Baseline and floor.** On a 3,000-article sample: what a user writes by
  hand (pandas ``apply`` of nltk's VADER on whole articles, scikit-learn's
  CountVectorizer, scattertext for distinctive terms), the toolkit (prepare +
  measure + compare on the same sample), and the floor (one regex
  tokenisation pass, the least any lexicon method must do). Each of the three
  keeps its best of ``--repeats`` runs, as ``timeit`` does. The same baseline
  with the vaderSentiment package in place of nltk's VADER (the route the
  scale issue's per-article figures were measured on) is reported beside it.

Writes ``reports/benchmarks/pipeline.csv`` (long: corpus, n_articles, engine,
stage, metric, value) and prints a summary. ``--quick`` runs the same on a
1,000-article corpus (4,000 replicated) and a 200-article baseline sample.
The baseline needs scattertext, installed apart because its declared pins
conflict with ours: ``pip install -r benchmarks/requirements.txt`` then
``pip install --no-deps scattertext==0.2.2``.
"""

from __future__ import annotations

import argparse
import json
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
VADERSENTIMENT = "vadersentiment_whole_articles"


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
    return len(big)


def toolkit_stages(env: dict[str, str], study: str, root: Path, *, engine: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for stage in TOOLKIT_STAGES:
        shutil.rmtree(root / "data" / "interim" / "_sentence_cache", ignore_errors=True)  # cold cache
        out[stage] = run_measured([stage, study, "--force", *engine], env)
    return out


def toolkit_in_process(root: Path, study: str) -> float:
    """Prepare + measure + compare in this process, as the baseline runs: no interpreter start-up counted."""
    from analysis.core import config
    from analysis.core.study import load_study
    from analysis.run import dag, engine

    os.environ.update(make_project(root, study, sample=None, write=False))
    paths = config.study_paths(study, root=root)
    loaded = load_study(paths)
    shutil.rmtree(paths.sentence_cache, ignore_errors=True)
    start = time.perf_counter()
    with engine.use(engine.get_engine("local")):
        for stage in TOOLKIT_STAGES:
            dag.run_stage(stage, loaded, paths, force=True)
    return time.perf_counter() - start


def floor_seconds(texts: list[str]) -> float:
    start = time.perf_counter()
    for t in texts:
        re.findall(r"\w+", t)
    return time.perf_counter() - start


def baseline_seconds(sample: pd.DataFrame) -> dict[str, float]:
    """What a user writes by hand: nltk VADER on whole articles, CountVectorizer, scattertext terms."""
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    from sklearn.feature_extraction.text import CountVectorizer
    from vaderSentiment import vaderSentiment

    lexicon = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    nltk.data.path.append(str(lexicon.parent))
    out = {}
    start = time.perf_counter()
    sia = SentimentIntensityAnalyzer(lexicon_file="file:" + str(lexicon))
    sample["text"].apply(lambda t: sia.polarity_scores(t)["compound"])
    out["nltk_vader_whole_articles"] = time.perf_counter() - start
    # The same apply with the vaderSentiment package, the other route a user takes (and the one the scale
    # issue's per-article figures were measured with); reported as a second baseline, not added to the first.
    start = time.perf_counter()
    analyzer = vaderSentiment.SentimentIntensityAnalyzer()
    sample["text"].apply(lambda t: analyzer.polarity_scores(t)["compound"])
    out[VADERSENTIMENT] = time.perf_counter() - start
    start = time.perf_counter()
    CountVectorizer().fit_transform(sample["text"])
    out["countvectorizer"] = time.perf_counter() - start
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
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles (4,000 replicated), 200 for the baseline")
    parser.add_argument("--workdir", type=Path, default=None, help="where the benchmark projects go (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "pipeline.csv")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs of the engine and sample timings, best kept (default 3; 1 with --quick)")
    args = parser.parse_args(argv)
    try:  # checked first: finding out after twenty minutes would waste them
        import scattertext  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"bench: the baseline needs scattertext ({exc}): pip install -r benchmarks/requirements.txt "
                         f"&& pip install --no-deps scattertext==0.2.2") from None
    corpus_n, sample_n = (1000, 200) if args.quick else (None, 3000)
    args.repeats = args.repeats or (1 if args.quick else 3)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    rows: list[tuple] = []

    def record(corpus, n, engine, stage, metric, value):
        rows.append((corpus, n, engine, stage, metric, float(value)))

    # 1x: the corpus through ingest and clean, then the toolkit's stages.
    one = work / "one"
    env = make_project(one, "bench", sample=corpus_n)
    for stage in ("ingest", "clean"):
        seconds, peak = run_measured([stage, "bench", "--force"], env)
        record("allsides", 0, "local", stage, "seconds", seconds)
    n1 = len(storage.read_table(config.study_paths("bench", root=one).table("articles"), columns=["doc_id"]))
    corpus_label = "allsides" if not args.quick else "allsides_sample"
    sizes = {corpus_label: (one, env, n1)}
    four = work / "four"
    env4 = make_project(four, "bench", sample=corpus_n)
    n4 = replicate(one, four, "bench", copies=4)
    sizes[corpus_label + "_x4"] = (four, env4, n4)
    for label, (root, e, n) in sizes.items():
        stages = toolkit_stages(e, "bench", root, engine=["--engine", "local"])
        for stage, (seconds, peak) in stages.items():
            record(label, n, "local", stage, "seconds", seconds)
            record(label, n, "local", stage, "peak_mib", peak)
            record(label, n, "local", stage, "ms_per_article", 1000 * seconds / n)
        total = sum(s for s, _ in stages.values())
        record(label, n, "local", "pipeline", "seconds", total)
        record(label, n, "local", "pipeline", "peak_mib", max(p for _, p in stages.values()))
        record(label, n, "local", "pipeline", "ms_per_article", 1000 * total / n)
        record(label, n, "local", "pipeline", "articles_per_second", n / total)
        print(f"bench: {label}: {n:,} articles, prepare+measure+compare {total:.1f} s "
              f"({1000 * total / n:.2f} ms/article), peak {max(p for _, p in stages.values()):.0f} MiB", flush=True)

    # Engines on the measure stage of the 1x corpus, alternating so a slow spell of the machine hits all.
    engines = {"local_1": ["--engine", "local", "--workers", "1"], "local_2": ["--engine", "local", "--workers", "2"],
               "dask_2": ["--engine", "dask", "--workers", "2"]}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
    for _ in range(args.repeats):
        for engine, flags in engines.items():
            shutil.rmtree(one / "data" / "interim" / "_sentence_cache", ignore_errors=True)
            runs[engine].append(run_measured(["measure", "bench", "--force", *flags], env))
    for engine, measured in runs.items():
        record(corpus_label, n1, engine, "measure", "seconds", min(s for s, _ in measured))
        record(corpus_label, n1, engine, "measure", "peak_mib", max(p for _, p in measured))

    # Baseline, toolkit and floor on one sample.
    sample_root = work / "sample"
    make_project(sample_root, "bench", sample=None)
    replicate(one, sample_root, "bench", copies=1, head=sample_n)  # doc ids are hashes: the first n, a fair sample
    sample_articles = storage.read_table(config.study_paths("bench", root=sample_root).table("articles"),
                                    columns=["doc_id", "text", "leaning"])
    ns = len(sample_articles)
    toolkit = min(toolkit_in_process(sample_root, "bench") for _ in range(args.repeats))
    floor = min(floor_seconds(sample_articles["text"].tolist()) for _ in range(args.repeats))
    base_runs = [baseline_seconds(sample_articles) for _ in range(args.repeats)]
    base = {part: min(run[part] for run in base_runs) for part in base_runs[0]}
    for part, seconds in base.items():
        record("baseline_sample", ns, "baseline", part, "seconds", seconds)
    vader_package = base.pop(VADERSENTIMENT)
    baseline = sum(base.values())
    other = baseline - base["nltk_vader_whole_articles"] + vader_package  # the same script on vaderSentiment
    record("baseline_sample", ns, "baseline", "pipeline", "seconds", baseline)
    record("baseline_sample", ns, "baseline_vadersentiment", "pipeline", "seconds", other)
    record("baseline_sample", ns, "local", "pipeline", "seconds", toolkit)
    record("baseline_sample", ns, "floor", "regex_tokenise", "seconds", floor)
    record("baseline_sample", ns, "local", "pipeline", "ratio_to_baseline", baseline / toolkit)
    record("baseline_sample", ns, "local", "pipeline", "ratio_to_baseline_vadersentiment", other / toolkit)
    record("baseline_sample", ns, "local", "pipeline", "ratio_to_floor", toolkit / floor)

    table = pd.DataFrame(rows, columns=["corpus", "n_articles", "engine", "stage", "metric", "value"])
    table = table.sort_values(["corpus", "engine", "stage", "metric"], kind="stable", ignore_index=True)
    storage.write_csv(table, args.out)
    per = table.loc[(table["stage"] == "pipeline") & (table["metric"] == "ms_per_article") & (table["engine"] == "local")]
    if len(per) == 2:
        small, big = per.sort_values("n_articles")["value"].tolist()
        print(f"bench: per-article cost at 4x / at 1x = {big / small:.2f}")
    m = table.loc[(table["stage"] == "measure") & (table["metric"] == "seconds")].set_index("engine")["value"]
    print(f"bench: measure stage, one process {m['local_1']:.1f} s, local 2 workers {m['local_2']:.1f} s "
          f"({m['local_1'] / m['local_2']:.2f}x), Dask 2 workers {m['dask_2']:.1f} s ({m['local_1'] / m['dask_2']:.2f}x)")
    print(f"bench: {ns:,}-article sample: baseline {baseline:.1f} s ({json.dumps({k: round(v, 2) for k, v in base.items()})}), "
          f"toolkit {toolkit:.1f} s, floor {floor:.2f} s; toolkit is {baseline / toolkit:.1f}x faster than the baseline "
          f"and {toolkit / floor:.1f}x the floor; with vaderSentiment instead of nltk's VADER ({vader_package:.1f} s) "
          f"the baseline takes {other:.1f} s, {other / toolkit:.1f}x the toolkit")
    print(f"bench: wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
