"""Benchmark: the fact path of the provenance stage on a study's interim tables, step by step.

    .venv/bin/python benchmarks/facts_scale.py INTERIM_DIR STUDY_TOML [--max-days N]

Runs what ``analysis.provenance.provenance.provenance_tables`` runs for facts (coverage_events,
group_facts, facts_table, fact_coverage, one_sided_facts, omission_summary, omission_contrasts) on
the ``articles`` and ``sentences`` tables a study's ingest and prepare stages wrote, and prints each
step's wall time, the events (how many, the largest), the approximate-fallback warnings, and the
process's CPU time and peak memory. ``--max-days`` overrides the study's ``event_max_days``.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.core import storage
from analysis.core.study import parse_study
from analysis.provenance import facts, group_contrasts, provenance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("interim", type=Path)
    parser.add_argument("study_file", type=Path)
    parser.add_argument("--max-days", type=int, default=None)
    args = parser.parse_args()
    study = parse_study(args.study_file.read_text(), study_id=args.study_file.parent.name, path=args.study_file)
    p, c = study.provenance, study.compare
    articles = storage.read_table(args.interim / "articles.parquet")
    sentences = storage.read_table(args.interim / "sentences.parquet")
    print(f"{len(articles):,} articles, {len(sentences):,} sentences")
    spent: dict[str, float] = {}

    def step(name, run):
        start = time.perf_counter()
        out = run()
        spent[name] = time.perf_counter() - start
        print(f"{name}: {spent[name]:.1f} s", flush=True)
        return out

    max_days = p.event_max_days if args.max_days is None else args.max_days
    articles = step("coverage_events", lambda: provenance.coverage_events(articles, gap_days=p.event_gap_days,
                                                                           max_days=max_days))
    sizes = articles["event_id"].value_counts()
    print(f"{len(sizes):,} events; largest {sizes.iloc[0]:,} articles ({sizes.index[0]})")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grouped = step("group_facts", lambda: facts.group_facts(sentences, articles))
    fallback = [w for w in caught if "exceeds max_block" in str(w.message)]
    print(f"components over max_block (approximate clustering): {len(fallback)}")
    table = step("facts_table", lambda: facts.facts_table(grouped, sentences, articles))
    coverage = step("fact_coverage", lambda: pd.concat(
        [facts.fact_coverage(grouped, articles, by=g, min_articles=p.fact_min_articles) for g in study.groups],
        ignore_index=True))
    step("one_sided_facts", lambda: facts.one_sided_facts(coverage.loc[coverage["group_var"] == "leaning"],
                                                          facts=table))
    step("omission_summary", lambda: facts.omission_summary(coverage, n_boot=c.n_boot, seed=study.seed,
                                                            confidence=c.confidence))
    step("omission_contrasts", lambda: [group_contrasts.omission_contrasts(
        coverage, by=g, n_boot=c.n_boot, n_perm=c.n_perm, confidence=c.confidence, seed=study.seed)
        for g in study.groups if g != "outlet"])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"fact path {sum(spent.values()):.1f} s wall; {len(table):,} facts; process CPU "
          f"{usage.ru_utime + usage.ru_stime:.1f} s; peak RSS {usage.ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
