"""Validity of automatic measures against human-labelled data.

Sentence sentiment is checked against VADER's New York Times ground truth
(Hutto & Gilbert 2014): 5,190 snippets from 498 articles, each rated by 20
people. The ceiling is how well one rater agrees with the mean of the other
19 on the same snippets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis import tables
from analysis.sentiment import VaderScorer

CI_METHOD = "percentile bootstrap over articles (cluster)"


def cluster_bootstrap_pearson(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, *, n_boot: int,
                              confidence: float, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile CI of Pearson's r, resampling whole clusters (articles).

    scipy's ``bootstrap`` resamples observations, which would treat snippets of
    one article as independent; here each resample draws articles with
    replacement and r is computed from per-article sums (exact, vectorised).
    """
    codes, uniq = pd.factorize(clusters)
    k = len(uniq)
    sums = np.zeros((k, 6))
    for j, col in enumerate([np.ones_like(x), x, y, x * x, y * y, x * y]):
        sums[:, j] = np.bincount(codes, weights=col, minlength=k)
    counts = rng.multinomial(k, np.full(k, 1 / k), size=n_boot)
    n, sx, sy, sxx, syy, sxy = (counts @ sums).T
    cov = sxy - sx * sy / n
    r = cov / np.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))
    alpha = (1 - confidence) / 2
    return float(np.quantile(r, alpha)), float(np.quantile(r, 1 - alpha))


def _row(instrument, level, comparison, x, y, clusters, n_boot, confidence, rng) -> dict:
    low, high = cluster_bootstrap_pearson(x, y, clusters, n_boot=n_boot, confidence=confidence, rng=rng)
    return dict(instrument=instrument, level=level, comparison=comparison, n_units=len(x),
                n_articles=len(np.unique(clusters)), pearson_r=float(stats.pearsonr(x, y).statistic),
                ci_low=low, ci_high=high, spearman_rho=float(stats.spearmanr(x, y).statistic),
                ci_method=f"{confidence:.0%} {CI_METHOD}, {n_boot} resamples")


def score_gold(gold: pd.DataFrame, *, scorer: VaderScorer | None = None) -> pd.DataFrame:
    """Per-snippet instrument scores next to the human mean (no snippet text kept)."""
    scorer = scorer if scorer is not None else VaderScorer().fit()
    out = gold[["snippet_id", "article_id", "human_mean"]].copy()
    out["instrument"] = scorer.name
    out["score"] = scorer.transform(gold["text"])[:, 0]
    return tables.validate(out, "validation_scores")


def sentiment_validity(gold: pd.DataFrame, scores: pd.DataFrame, *, n_boot: int = 2000, confidence: float = 0.95,
                       seed: int = 0) -> pd.DataFrame:
    """Agreement with the human mean at sentence and article level, and the single-rater ceiling."""
    rng = np.random.default_rng(seed)
    rows = []
    for instrument, sc in scores.groupby("instrument", sort=True):
        rows.append(_row(instrument, "sentence", "instrument vs human mean", sc["score"].to_numpy(),
                         sc["human_mean"].to_numpy(), sc["article_id"].to_numpy(), n_boot, confidence, rng))
        art = sc.groupby("article_id", sort=True)[["score", "human_mean"]].mean()
        rows.append(_row(instrument, "article", "instrument vs human mean", art["score"].to_numpy(),
                         art["human_mean"].to_numpy(), art.index.to_numpy(), n_boot, confidence, rng))
    # Ceiling: each rater position against the mean of the other raters, all positions stacked.
    ratings = np.array(gold["ratings"].tolist(), dtype=float)
    n_raters = ratings.shape[1]
    rest = (ratings.sum(axis=1, keepdims=True) - ratings) / (n_raters - 1)
    clusters = np.repeat(gold["article_id"].to_numpy()[:, None], n_raters, axis=1)
    rows.append(_row("one human rater", "sentence", "single rater vs mean of the other raters", ratings.ravel(),
                     rest.ravel(), clusters.ravel(), n_boot, confidence, rng))
    df = pd.DataFrame(rows).astype({"n_units": "int64", "n_articles": "int64"})
    return tables.validate(df, "sentiment_validation")
