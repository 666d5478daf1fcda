"""Validity figures: the cluster bootstrap, and VADER against the NYT human ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from scipy import stats

from analysis.collect import datasets
from analysis.core import tables
from analysis.validation import sentiment_gold


def test_cluster_bootstrap_matches_scipy_when_clusters_are_singletons():
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    y = 0.5 * x + rng.normal(size=300)
    ours = sentiment_gold.cluster_bootstrap_pearson(x, y, np.arange(300), n_boot=4000, confidence=0.95,
                                                rng=np.random.default_rng(1))
    ref = stats.bootstrap((x, y), lambda a, b: stats.pearsonr(a, b).statistic, paired=True, vectorized=False,
                          n_resamples=2000, method="percentile", rng=np.random.default_rng(2)).confidence_interval
    assert ours == pytest.approx((ref.low, ref.high), abs=0.02)


def test_cluster_bootstrap_is_wider_when_units_are_clustered():
    rng = np.random.default_rng(3)
    shared = np.repeat(rng.normal(size=30), 10)  # 30 articles x 10 sentences, strongly clustered
    x = shared + 0.3 * rng.normal(size=300)
    y = shared + 0.3 * rng.normal(size=300)
    clustered = sentiment_gold.cluster_bootstrap_pearson(x, y, np.repeat(np.arange(30), 10), n_boot=2000,
                                                     confidence=0.95, rng=np.random.default_rng(4))
    naive = sentiment_gold.cluster_bootstrap_pearson(x, y, np.arange(300), n_boot=2000, confidence=0.95,
                                                 rng=np.random.default_rng(4))
    assert clustered[1] - clustered[0] > 1.5 * (naive[1] - naive[0])


@pytest.mark.skipif(not (SHARED_DATA / "vader_nyt").exists(), reason="needs ../shared/data")
def test_vader_on_nyt_ground_truth(monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    gold = datasets.load_vader_nyt()
    assert len(gold) == 5190 and gold["article_id"].nunique() == 498
    scores = sentiment_gold.score_gold(gold)
    table = sentiment_gold.sentiment_validity(gold, scores, n_boot=500, seed=1).set_index(["instrument", "level"])
    tables.validate(table.reset_index(), "sentiment_validation")
    sent = table.loc[("vader", "sentence")]
    assert sent["pearson_r"] == pytest.approx(stats.pearsonr(scores["score"], gold["human_mean"]).statistic)
    assert 0.45 < sent["pearson_r"] < 0.55  # Hutto & Gilbert report r = 0.492 on these snippets
    assert sent["ci_low"] < sent["pearson_r"] < sent["ci_high"]
    ceiling = table.loc[("one human rater", "sentence")]
    assert ceiling["n_units"] == 5190 * 20 and ceiling["pearson_r"] > sent["pearson_r"]
    assert isinstance(gold["ratings"].iloc[0], list) and pd.notna(gold["human_mean"]).all()


def test_long_table_and_summary_carry_every_number():
    nyt = pd.DataFrame({"instrument": ["vader", "vader", "one human rater"], "level": ["sentence", "article", "sentence"],
                        "comparison": "x", "n_units": [10, 4, 200], "n_articles": [4, 4, 4],
                        "pearson_r": [0.5, 0.6, 0.7], "ci_low": [0.4, 0.5, 0.69], "ci_high": [0.55, 0.7, 0.71],
                        "spearman_rho": [0.45, 0.58, 0.66], "ci_method": "m"})
    news = pd.DataFrame({"dataset": "newsmtsc", "split": "devtest_rw", "instrument": ["t"] * 5,
                         "metric": ["macro_f1", "accuracy", "f1_negative", "f1_neutral", "f1_positive"],
                         "value": [0.61, 0.62, 0.63, 0.64, 0.65], "n": [9, 9, 3, 3, 3]})
    long = sentiment_gold.long_table(nyt, news)
    assert list(long.columns) == ["dataset", "split", "instrument", "metric", "value", "n"]
    assert len(long) == 3 * 4 + 5
    row = long.loc[(long["instrument"] == "vader") & (long["split"] == "article means")
                   & (long["metric"] == "pearson_r_ci_high")].iloc[0]
    assert (row["value"], row["n"]) == (0.7, 4)
    text = sentiment_gold.summary_markdown(long)
    assert "| vader | sentences | 10 | 0.500 [0.400, 0.550] | 0.450 |" in text
    assert "| t | 0.610 | 0.620 | 0.630 | 0.640 | 0.650 |" in text and "9 targets" in text


def test_summary_shows_the_pair_figures():
    metrics = {"macro_f1": (0.7, 9), "macro_f1_ci_low": (0.6, 9), "macro_f1_ci_high": (0.8, 9), "accuracy": (0.7, 9),
               "f1_negative": (0.7, 3), "f1_neutral": (0.7, 3), "f1_positive": (0.7, 3),
               "pairs_ordered_by_score": (0.75, 8), "pairs_ordered": (0.5, 8), "split_when_gold_split": (0.25, 4),
               "split_when_gold_same": (0.125, 8), "neutral_called_negative": (0.2, 5)}
    news = pd.DataFrame([("newsmtsc", "devtest_rw", "t", m, v, n) for m, (v, n) in metrics.items()],
                        columns=sentiment_gold.LONG_COLUMNS)
    nyt = pd.DataFrame(columns=["instrument", "level", "pearson_r", "ci_low", "ci_high", "spearman_rho", "n_units"])
    text = sentiment_gold.summary_markdown(sentiment_gold.long_table(nyt, news))
    assert ("| t | 0.700 [0.600, 0.800] | 0.750 (n=8) | 0.500 (n=8) | 0.250 (n=4) | 0.125 (n=8) | 0.200 (n=5) |"
            in text)
