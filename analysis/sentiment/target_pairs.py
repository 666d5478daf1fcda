"""Does a target-sentiment instrument tell apart the targets of one sentence? Metrics on multi-target sentences.

Labels are ordered negative < neutral < positive. Per sentence with two or
more targets:

* ``pairs_ordered``: of the pairs of targets whose gold labels differ, the
  share whose predicted labels differ in the same direction (a tie is wrong);
* ``pairs_ordered_by_score``: the same with the instrument's polarity score
  (strictly ordered the gold way), for instruments that give one;
* ``split_when_gold_split``: of the sentences whose targets got different
  gold labels, the share where the predicted labels differ too;
* ``split_when_gold_same``: of the sentences whose targets share one gold
  label, the share the instrument splits (lower is better);

and over all targets ``neutral_called_negative``: the share of gold-neutral
targets predicted negative (``n`` = gold-neutral targets).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

RANK = {"negative": 0, "neutral": 1, "positive": 2}


def pair_metrics(scored: pd.DataFrame, *, instrument: str) -> pd.DataFrame:
    """Long table (``instrument, metric, value, n``) from ``sentence``, ``label``, ``predicted`` and optional ``score``.

    ``n`` counts what the share is of: differently-labelled pairs, sentences
    or gold-neutral targets.
    """
    has_score = "score" in scored.columns
    ordered, ordered_score, split_diff, split_same = [], [], [], []
    for _, s in scored.groupby("sentence", sort=False):
        if len(s) < 2:
            continue
        gold = s["label"].map(RANK).to_numpy()
        pred = s["predicted"].map(RANK).to_numpy()
        score = s["score"].to_numpy(dtype=float) if has_score else None
        predicted_split = len(set(pred)) > 1
        (split_diff if len(set(gold)) > 1 else split_same).append(predicted_split)
        for i, j in combinations(range(len(s)), 2):
            if gold[i] == gold[j]:
                continue
            sign = np.sign(gold[i] - gold[j])
            ordered.append(np.sign(pred[i] - pred[j]) == sign)
            if has_score:
                ordered_score.append(np.sign(score[i] - score[j]) == sign)
    neutral = scored["label"] == "neutral"
    rows = [("pairs_ordered", ordered), ("split_when_gold_split", split_diff), ("split_when_gold_same", split_same),
            ("neutral_called_negative", list(scored.loc[neutral, "predicted"] == "negative"))]
    if has_score:
        rows.insert(1, ("pairs_ordered_by_score", ordered_score))
    out = pd.DataFrame([(instrument, m, float(np.mean(v)) if len(v) else np.nan, len(v)) for m, v in rows],
                       columns=["instrument", "metric", "value", "n"])
    return out.astype({"value": "float64", "n": "int64"})


def bootstrap_macro_f1(y_true, y_pred, sentences, *, n_boot: int = 1000, confidence: float = 0.95,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile interval of macro-F1, resampling whole sentences (targets of one sentence are not independent)."""
    codes, uniq = pd.factorize(np.asarray(sentences))
    labels = list(RANK)
    t = pd.Categorical(np.asarray(y_true), categories=labels).codes
    p = pd.Categorical(np.asarray(y_pred), categories=labels).codes
    # per-sentence counts of (true, predicted) cells: a resample's confusion matrix is a weighted sum
    cell = np.zeros((len(uniq), 9))
    np.add.at(cell, (codes, t * 3 + p), 1)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(uniq), np.full(len(uniq), 1 / len(uniq)), size=n_boot)
    cm = (weights @ cell).reshape(n_boot, 3, 3)
    tp = cm[:, [0, 1, 2], [0, 1, 2]]
    denom = cm.sum(axis=1) + cm.sum(axis=2)
    f1 = np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0).mean(axis=1)
    alpha = (1 - confidence) / 2
    return float(np.quantile(f1, alpha)), float(np.quantile(f1, 1 - alpha))
