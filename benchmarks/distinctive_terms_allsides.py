"""Distinctive terms on the AllSides China subset (Baly et al. 2020; 1,657 articles, 122 outlets).

    ANALYSIS_DATA_MIRRORS=../shared/data .venv/bin/python benchmarks/distinctive_terms_allsides.py

Two readings, each printed as the top terms per list with z and flags:

1. ``by="leaning"``, one-vs-rest (604 center, 524 left, 529 right articles).
2. Unequal groups: the outlet with the fewest articles among those with at
   least 10 against all other articles, ``mode="pairwise"`` so that both
   lists are reported. For the larger side's list it prints the Spearman
   correlation between rank and the term's total count (1 = the list is
   ordered by raw frequency) and how many of its top 20 are among the 50
   most frequent terms of the vocabulary.

Terms only; no article text is printed.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from scipy import stats

from analysis.collect import datasets
from analysis.framing import terms

TOP = 20


def _articles() -> pd.DataFrame:
    df = datasets.load_allsides("china_subset", download=False)
    return df.rename(columns={"source_id": "doc_id", "source_outlet": "outlet", "dataset_label": "leaning"}).assign(
        outlet_type="digital")


def _show(table: pd.DataFrame, title: str) -> None:
    for (a, b), d in table.groupby(["group_a", "group_b"], sort=True):
        d = d.nsmallest(TOP, "rank")
        flags = d.apply(lambda r: ("" if r.stable else "°") + ("†" if r.single_article else ""), axis=1)
        print(f"{title} | {a} vs {b}: z {d['z'].min():.2f}-{d['z'].max():.2f}; stable {int(d['stable'].sum())}/"
              f"{len(d)}, single_article {int(d['single_article'].sum())}/{len(d)}")
        print("   " + ", ".join(f"{t}{f} {z:.1f}" for t, f, z in zip(d["term"], flags, d["z"])))


def main() -> None:
    articles = _articles()
    t0 = time.perf_counter()
    by_leaning = terms.distinctive_terms(articles, by="leaning", top=TOP)
    print(f"leaning one-vs-rest: {time.perf_counter() - t0:.1f} s")
    _show(by_leaning, "leaning")

    sizes = articles["outlet"].value_counts()
    small = sorted(sizes[sizes >= 10].items(), key=lambda kv: (kv[1], kv[0]))[0][0]
    two = articles.assign(leaning=np.where(articles["outlet"] == small, "small", "rest"))
    print(f"\nunequal: {small!r} ({sizes[small]} articles) against the other {len(articles) - sizes[small]}")
    pair = terms.distinctive_terms(two, by="leaning", mode="pairwise", top=None)
    _show(pair, "unequal")
    X, vocab, _ = terms.term_counts(two, min_outlets=1)
    totals = pd.Series(np.asarray(X.sum(axis=0)).ravel(), index=vocab)
    frequent = set(totals.nlargest(50).index)
    rest = pair.loc[pair["group_a"] == "rest"].nsmallest(TOP, "rank")
    rho = stats.spearmanr(rest["rank"], -totals.reindex(rest["term"]).to_numpy()).statistic
    print(f"larger side's top {TOP}: Spearman(rank, -count) = {rho:.2f}; {len(frequent & set(rest['term']))} of "
          f"{TOP} among the 50 most frequent terms; z {rest['z'].min():.2f}-{rest['z'].max():.2f}")


if __name__ == "__main__":
    main()
