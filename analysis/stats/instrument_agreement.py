"""How far two instruments for the same construct agree, overall and within each outlet.

Two sentiment instruments can rank outlets alike and still disagree about
the articles of one outlet (a dictionary reading a moral vocabulary, a model
reading tone); a reader should see that before trusting either. Likewise the
frame codebook and the supervised classifier, on the frames they share.

* Sentiment: Spearman's rho between two instruments' article scores, with a
  percentile bootstrap over articles.
* Frames: Cohen's kappa between the codebook's "frame present in the
  article" and the classifier's prediction, per shared frame, with the same
  bootstrap.

Table ``instrument_agreement`` (key ``construct, instrument_a, instrument_b,
category, group_var, group, metric``): ``n`` articles, ``value``, ``ci_low``,
``ci_high``. ``category`` is the frame, or ``all`` for sentiment; ``group``
is an outlet, or ``all`` with ``group_var`` ``corpus``.
"""

from __future__ import annotations

import hashlib
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr
from sklearn.metrics import cohen_kappa_score

from analysis.core import defaults, tables

MIN_ARTICLES = 10  # fewer articles give an interval too wide to read


def _rng(seed: int, *parts: str) -> np.random.Generator:
    digest = hashlib.sha256("|".join([str(seed), *parts]).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return np.nan
    return float(spearmanr(a, b).statistic)


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    if len(np.unique(np.concatenate([a, b]))) < 2:
        return np.nan  # one class only: kappa undefined
    return float(cohen_kappa_score(a, b))


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair (average ranks for ties, as scipy): Pearson's r of the ranks."""
    ra, rb = rankdata(a, axis=1), rankdata(b, axis=1)
    da, db = ra - ra.mean(axis=1, keepdims=True), rb - rb.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (da * db).sum(axis=1) / np.sqrt((da * da).sum(axis=1) * (db * db).sum(axis=1))
    flat = (np.ptp(a, axis=1) == 0) | (np.ptp(b, axis=1) == 0)
    return np.where(flat | (a.shape[1] < 3), np.nan, np.clip(rho, -1.0, 1.0))


def _kappa_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cohen's kappa of each row pair of 0/1 labels, as scikit-learn computes it from the 2x2 confusion matrix."""
    n = a.shape[1]
    n11 = (a * b).sum(axis=1)
    n1_, n_1 = a.sum(axis=1), b.sum(axis=1)
    n10, n01 = n1_ - n11, n_1 - n11
    n00 = n - n11 - n10 - n01
    observed = (n10 + n01).astype(float)  # off-diagonal cells: the weighted disagreement
    expected = ((n - n_1) * n1_ + n_1 * (n - n1_)) / n
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = 1 - observed / expected
    one_class = ((n11 + n10 + n01) == 0) | (n00 == 0) & (n10 == 0) & (n01 == 0)
    return np.where(one_class, np.nan, kappa)


# Whole-matrix versions of the statistics: the bootstrap computes all resamples at once (one scikit-learn or
# scipy call per resample cost the compare stage about 45 s on the default study).
_BATCHED = {_spearman: _spearman_rows}
_BLOCK = 250  # resamples per block, so memory stays n_boot-independent on large corpora


def _batched(stat, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    if stat is _kappa and np.isin(a, (0, 1)).all() and np.isin(b, (0, 1)).all():
        return _kappa_rows(a, b)
    return _BATCHED[stat](a, b) if stat in _BATCHED else None


def _with_interval(stat, a: np.ndarray, b: np.ndarray, *, n_boot: int, confidence: float, rng) -> tuple:
    value = stat(a, b)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))
    blocks = [_batched(stat, a[idx[k:k + _BLOCK]], b[idx[k:k + _BLOCK]]) for k in range(0, n_boot, _BLOCK)]
    if all(block is not None for block in blocks):
        boots = np.concatenate(blocks) if blocks else np.array([])
    else:
        boots = np.array([stat(a[i], b[i]) for i in idx])
    boots = boots[~np.isnan(boots)]
    if np.isnan(value) or len(boots) < n_boot / 2:
        return value, np.nan, np.nan
    tail = (1 - confidence) / 2 * 100
    return value, float(np.percentile(boots, tail)), float(np.percentile(boots, 100 - tail))


def _rows(pairs: pd.DataFrame, stat, metric: str, construct: str, a_name: str, b_name: str, category: str, *,
          n_boot: int, confidence: float, seed: int, min_articles: int) -> list[dict]:
    rows = []
    groups = [("corpus", "all", pairs)] + [("outlet", o, g) for o, g in pairs.groupby("outlet", sort=True)]
    for group_var, group, g in groups:
        if len(g) < min_articles:
            continue
        value, low, high = _with_interval(stat, g["a"].to_numpy(), g["b"].to_numpy(), n_boot=n_boot,
                                          confidence=confidence,
                                          rng=_rng(seed, construct, a_name, b_name, category, group))
        rows.append(dict(construct=construct, instrument_a=a_name, instrument_b=b_name, category=category,
                         group_var=group_var, group=group, metric=metric, n=len(g), value=value, ci_low=low,
                         ci_high=high))
    return rows


def sentiment_agreement(article_sentiment: pd.DataFrame, *, n_boot: int = defaults.N_BOOT,
                        confidence: float = defaults.CONFIDENCE, seed: int = defaults.SEED,
                        min_articles: int = MIN_ARTICLES) -> pd.DataFrame:
    """Spearman's rho between every pair of sentence instruments' article scores, overall and per outlet."""
    wide = article_sentiment.pivot_table(index=["doc_id", "outlet"], columns="instrument", values="sentiment")
    rows = []
    for a, b in combinations(sorted(wide.columns), 2):
        pairs = wide[[a, b]].dropna().set_axis(["a", "b"], axis=1).reset_index()
        rows += _rows(pairs, _spearman, "spearman_rho", "sentiment", a, b, "all", n_boot=n_boot,
                      confidence=confidence, seed=seed, min_articles=min_articles)
    return _table(rows)


def frame_agreement(article_frames: pd.DataFrame, frame_predictions: pd.DataFrame, *, shared: dict[str, str],
                    codebook: str, n_boot: int = defaults.N_BOOT, confidence: float = defaults.CONFIDENCE,
                    seed: int = defaults.SEED, min_articles: int = MIN_ARTICLES) -> pd.DataFrame:
    """Cohen's kappa between codebook presence and classifier prediction for each frame in ``shared``.

    ``shared`` maps codebook frame ids to classifier frame names (e.g. ``economic_consequences`` ->
    ``economic``); only articles both instruments scored count.
    """
    rows = []
    book = article_frames.loc[article_frames["codebook"] == codebook]
    for frame, label in shared.items():
        a = book.loc[book["frame"] == frame, ["doc_id", "outlet", "present"]]
        b = frame_predictions.loc[frame_predictions["frame"] == label, ["doc_id", "predicted", "instrument"]]
        if a.empty or b.empty:
            continue
        pairs = a.merge(b, on="doc_id").rename(columns={"present": "a", "predicted": "b"})
        pairs = pairs.assign(a=pairs["a"].astype(int), b=pairs["b"].astype(int))
        rows += _rows(pairs, _kappa, "cohen_kappa", "frames", f"codebook {codebook}", b["instrument"].iloc[0],
                      frame, n_boot=n_boot, confidence=confidence, seed=seed, min_articles=min_articles)
    return _table(rows)


def _table(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return tables.empty("instrument_agreement")
    df = pd.DataFrame(rows).astype({"n": "int64", "value": "float64", "ci_low": "float64", "ci_high": "float64"})
    return tables.validate(df, "instrument_agreement")
