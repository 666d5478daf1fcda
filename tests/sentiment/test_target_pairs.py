"""Multi-target metrics computed by hand on a small example, and the sentence bootstrap of macro-F1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from analysis.sentiment.target_pairs import bootstrap_macro_f1, pair_metrics

# sentence, gold, predicted, polarity score
ROWS = [("A", "negative", "negative", -0.5), ("A", "positive", "neutral", 0.1),
        ("B", "neutral", "negative", -0.2), ("B", "neutral", "negative", -0.3), ("B", "negative", "negative", -0.6),
        ("C", "positive", "positive", 0.5), ("C", "positive", "neutral", 0.0),
        ("D", "neutral", "neutral", 0.0)]


def test_pair_metrics_by_hand():
    scored = pd.DataFrame(ROWS, columns=["sentence", "label", "predicted", "score"])
    m = pair_metrics(scored, instrument="x").set_index("metric")
    # Differently-labelled pairs: A(neg, pos) ordered by labels and by score; B(neu, neg) twice, tied labels
    # (wrong) but scores -0.2 > -0.6 and -0.3 > -0.6 (right). C's pair shares a label.
    assert (m.loc["pairs_ordered", "value"], m.loc["pairs_ordered", "n"]) == (pytest.approx(1 / 3), 3)
    assert (m.loc["pairs_ordered_by_score", "value"], m.loc["pairs_ordered_by_score", "n"]) == (1.0, 3)
    # Gold split in A and B; the model splits A only. Gold same in C, which the model splits. D is alone.
    assert (m.loc["split_when_gold_split", "value"], m.loc["split_when_gold_split", "n"]) == (0.5, 2)
    assert (m.loc["split_when_gold_same", "value"], m.loc["split_when_gold_same", "n"]) == (1.0, 1)
    # Gold neutral: B's two (both called negative) and D's (neutral).
    assert (m.loc["neutral_called_negative", "value"], m.loc["neutral_called_negative", "n"]) == (
        pytest.approx(2 / 3), 3)
    assert set(m["instrument"]) == {"x"}


def test_pair_metrics_without_a_score():
    scored = pd.DataFrame(ROWS, columns=["sentence", "label", "predicted", "score"]).drop(columns="score")
    assert "pairs_ordered_by_score" not in set(pair_metrics(scored, instrument="x")["metric"])


def test_bootstrap_macro_f1_resamples_sentences():
    rng = np.random.default_rng(3)
    labels = np.array(["negative", "neutral", "positive"], dtype=object)
    y = labels[rng.integers(0, 3, 400)]
    pred = np.where(rng.random(400) < 0.7, y, labels[rng.integers(0, 3, 400)])
    sentences = np.repeat(np.arange(200), 2)
    low, high = bootstrap_macro_f1(y, pred, sentences, n_boot=500, seed=1)
    point = f1_score(y, pred, average="macro")
    assert low < point < high and high - low < 0.2
    assert bootstrap_macro_f1(y, y, sentences, n_boot=50) == (1.0, 1.0)
    assert bootstrap_macro_f1(y, pred, sentences, n_boot=500, seed=1) == (low, high)  # seeded
