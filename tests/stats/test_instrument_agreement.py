"""Agreement between two instruments: known values from scipy and sklearn, intervals over articles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from analysis.core import tables
from analysis.stats import instrument_agreement


def _articles(n_per_outlet: int = 12, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for outlet in ("A", "B"):
        for i in range(n_per_outlet):
            base = rng.normal()
            rows.append((f"{outlet}{i}", outlet, "vader", base))
            rows.append((f"{outlet}{i}", outlet, "news_ridge", base + rng.normal(scale=0.5)))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "instrument", "sentiment"])


def test_sentiment_agreement_is_spearman_overall_and_per_outlet():
    articles = _articles()
    out = instrument_agreement.sentiment_agreement(articles, n_boot=300, seed=1, min_articles=10)
    tables.validate(out, "instrument_agreement")
    wide = articles.pivot_table(index=["doc_id", "outlet"], columns="instrument", values="sentiment").reset_index()
    corpus = out.loc[out["group"] == "all"].iloc[0]
    assert (corpus["instrument_a"], corpus["instrument_b"]) == ("news_ridge", "vader")
    assert corpus["value"] == spearmanr(wide["news_ridge"], wide["vader"]).statistic and corpus["n"] == 24
    assert corpus["ci_low"] < corpus["value"] < corpus["ci_high"]
    a = wide.loc[wide["outlet"] == "A"]
    assert out.loc[out["group"] == "A", "value"].iloc[0] == spearmanr(a["news_ridge"], a["vader"]).statistic


def test_outlets_below_the_minimum_get_no_row_and_one_instrument_gives_an_empty_table():
    articles = _articles(n_per_outlet=6)
    out = instrument_agreement.sentiment_agreement(articles, n_boot=200, seed=1, min_articles=10)
    assert set(out["group"]) == {"all"}
    single = articles.loc[articles["instrument"] == "vader"]
    assert instrument_agreement.sentiment_agreement(single, n_boot=200).empty


def test_frame_agreement_is_cohens_kappa_on_the_shared_frames():
    rng = np.random.default_rng(3)
    docs = [f"d{i}" for i in range(30)]
    present = rng.integers(0, 2, size=30).astype(bool)
    predicted = np.where(rng.random(30) < 0.8, present, ~present)
    frames = pd.DataFrame({"doc_id": docs, "outlet": "X", "codebook": "generic_news_frames",
                           "frame": "economic_consequences", "present": present})
    predictions = pd.DataFrame({"doc_id": docs, "frame": "economic", "predicted": predicted,
                                "instrument": "frame_logreg"})
    out = instrument_agreement.frame_agreement(frames, predictions, shared={"economic_consequences": "economic",
                                                                            "morality": "moral"},
                                               codebook="generic_news_frames", n_boot=300, seed=2)
    corpus = out.loc[out["group"] == "all"].iloc[0]
    assert corpus["category"] == "economic_consequences" and corpus["metric"] == "cohen_kappa"
    assert corpus["value"] == cohen_kappa_score(present.astype(int), predicted.astype(int))
    assert set(out["category"]) == {"economic_consequences"}  # morality: no rows on either side


def test_the_whole_matrix_bootstrap_equals_one_library_call_per_resample():
    """The batched kappa and rho give, resample by resample, what scikit-learn's and scipy's functions give,
    one-class and tied resamples included."""
    from analysis.stats import instrument_agreement as ia

    rng = np.random.default_rng(0)
    for trial in range(100):
        n = int(rng.integers(3, 30))
        a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
        if trial % 5 == 0:
            a[:] = 1
        idx = rng.integers(0, n, size=(40, n))
        np.testing.assert_allclose(ia._kappa_rows(a[idx], b[idx]), [ia._kappa(a[i], b[i]) for i in idx], atol=1e-12)
        x = rng.normal(size=n).round(1)
        y = x + rng.normal(size=n).round(1)
        np.testing.assert_allclose(ia._spearman_rows(x[idx], y[idx]), [ia._spearman(x[i], y[i]) for i in idx],
                                   atol=1e-12)
