"""Planted terms: how often :func:`analysis.framing.terms.distinctive_terms` flags what is there and what is not.

Synthetic articles draw words from a Zipf vocabulary; each article has its
own word rates (Dirichlet-multinomial), because real text is bursty and a
word one article repeats is the case the article bootstrap exists for.
Group a uses ``n_planted`` mid-frequency words ``lift`` times as often as
group b; every other word has the same expected rate in both (up to the
renormalisation the planted words force, which lowers them slightly in a).
A planted word is recovered when a's list flags it (z > 0, ``stable`` and
not ``single_article``); an unplanted word so flagged is a false positive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.framing import terms


def _articles(rng: np.random.Generator, *, n_articles: tuple[int, int], n_outlets: int, n_words: int,
              words_per_article: int, planted: np.ndarray, lift: float, burstiness: float) -> pd.DataFrame:
    p = 1 / np.arange(1, n_words + 1)
    p /= p.sum()
    vocab = np.array([f"w{i:05d}" for i in range(n_words)])
    rows = []
    for group, n, boost in (("a", n_articles[0], lift), ("b", n_articles[1], 1.0)):
        q = p.copy()
        q[planted] *= boost
        q /= q.sum()
        for i in range(n):
            rates = rng.dirichlet(burstiness * q)
            counts = rng.multinomial(words_per_article, rates)
            words = np.repeat(vocab, counts)
            rng.shuffle(words)
            rows.append(dict(doc_id=f"{group}{i}", outlet=f"{group} outlet {i % n_outlets}", leaning=group,
                             text=" ".join(words)))
    return pd.DataFrame(rows)


def simulate_recovery(*, seeds: tuple[int, ...] = (0, 1, 2, 3, 4), n_articles: tuple[int, int] = (30, 30),
                      n_outlets: int = 5, n_words: int = 2000, words_per_article: int = 500, n_planted: int = 20,
                      lift: float = 3.0, burstiness: float = 200.0, n_boot: int = 200) -> pd.DataFrame:
    """Recovery of planted words and false positives among the others, one row per seed.

    ``n_articles``: articles of a and b; ``n_outlets`` outlets per group;
    planted words are ``n_planted`` ranks spread evenly over 10-200 of the
    Zipf vocabulary; ``burstiness`` is the Dirichlet concentration of an
    article's word rates (smaller: burstier). Columns: seed, planted (planted
    words in the vocabulary after the floors), recovered, recovery
    (recovered / planted), unplanted, false_positives, fp_rate
    (false_positives / unplanted), recovery_z and fp_rate_z (the same with
    z >= 1.96 alone, no bootstrap and no single-article flag),
    z_planted_median (median z of the planted words in a's list).
    """
    planted = np.unique(np.linspace(10, min(200, n_words - 1), n_planted).astype(int))
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        articles = _articles(rng, n_articles=n_articles, n_outlets=n_outlets, n_words=n_words,
                             words_per_article=words_per_article, planted=planted, lift=lift, burstiness=burstiness)
        table = terms.distinctive_terms(articles, by="leaning", mode="pairwise", top=None, n_boot=n_boot, seed=seed,
                                        ngram_range=(1, 1), min_articles=2)
        a = table.loc[table["group_a"] == "a"]
        is_planted = a["term"].isin([f"w{i:05d}" for i in planted])
        flagged = (a["z"] > 0) & a["stable"] & ~a["single_article"]
        by_z = a["z"] >= terms.STABLE_Z  # the token-level test alone, for comparison
        n_planted, n_other = int(is_planted.sum()), int((~is_planted).sum())
        rows.append(dict(seed=seed, planted=n_planted, recovered=int((flagged & is_planted).sum()),
                         recovery=(flagged & is_planted).sum() / n_planted, unplanted=n_other,
                         false_positives=int((flagged & ~is_planted).sum()),
                         fp_rate=(flagged & ~is_planted).sum() / n_other,
                         recovery_z=(by_z & is_planted).sum() / n_planted, fp_rate_z=(by_z & ~is_planted).sum() / n_other,
                         z_planted_median=float(a.loc[is_planted, "z"].median())))
    return pd.DataFrame(rows)
