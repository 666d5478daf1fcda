"""The clause model: estimator contract, targets of one sentence told apart, the neutral band chosen on train only."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.sentiment import target_model, target_sentiment
from analysis.sentiment.target_model import (
    LABELS,
    ClauseFeatures,
    ClauseTargetClassifier,
    banded_labels,
    choose_neutral_band,
)
from analysis.sentiment.word_vectors import PpmiSvdVectors

NEWSMTSC = SHARED_DATA / "newsmtsc"
needs_newsmtsc = pytest.mark.skipif(not (NEWSMTSC / "train.jsonl").is_file()
                                    or not (NEWSMTSC / "devtest_rw.jsonl").is_file(),
                                    reason="shared NewsMTSC mirror not present")
needs_allsides = pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").is_file(),
                                    reason="shared AllSides mirror (the word vectors' corpus) not present")

NAMES = ["Zorblax", "Quintor", "Melvane", "Ostrich Corp", "Delvin", "Parmona"]
GOOD = ["praised the deal", "welcomed the plan", "won the award", "helped the workers"]
BAD = ["condemned the deal", "attacked the plan", "lost the case", "hurt the workers"]
PLAIN = ["met the committee", "visited the factory", "spoke on Tuesday", "read the letter"]


def corpus(seed: int = 0, n: int = 60) -> tuple[pd.DataFrame, np.ndarray]:
    """Two targets per sentence, each with its own clause: the sentence as a whole is often mixed."""
    rng = np.random.default_rng(seed)
    phrases = {"positive": GOOD, "negative": BAD, "neutral": PLAIN}
    rows = []
    for i in range(n):
        a, b = rng.choice(NAMES, 2, replace=False)
        la, lb = rng.choice(LABELS, 2)
        first = f"{a} {rng.choice(phrases[la])}"
        text = f"{first}, while {b} {rng.choice(phrases[lb])} (report {i})."
        rows += [(text, 0, len(a), la), (text, len(first) + 8, len(first) + 8 + len(b), lb)]
    df = pd.DataFrame(rows, columns=["text", "start", "end", "label"])
    assert all(df.text.str.slice(0)[k][s:e] in NAMES for k, (s, e) in enumerate(zip(df.start, df.end, strict=True)))
    return df[["text", "start", "end"]], df["label"].to_numpy()


@pytest.fixture(autouse=True)
def tiny_vectors(request, monkeypatch):
    """Word vectors from this file's own phrases stand in for the AllSides ones (a minute to fit), except in the
    slow test, which measures the real model."""
    if request.node.get_closest_marker("slow"):
        return None
    texts = corpus(seed=7, n=40)[0]["text"].tolist()
    fitted = PpmiSvdVectors(n_components=3, min_count=1, window=2).fit(texts)
    monkeypatch.setattr(target_model, "load_word_vectors", lambda source: None if source is None else fitted)
    return fitted


@pytest.mark.parametrize("estimator", [ClauseTargetClassifier(min_df=1), ClauseTargetClassifier(min_df=1, contrast=False,
                                                                                                 neutral_band=0.1)],
                         ids=["auto band", "fixed band"])
def test_estimator_contract(estimator):
    X, y = corpus()
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    for method in (cloned.predict, cloned.predict_proba, cloned.polarity):
        with pytest.raises(NotFittedError):
            method(X)
    assert cloned.fit(X, y) is cloned
    assert list(cloned.classes_) == list(LABELS)
    proba = cloned.predict_proba(X.iloc[:7])
    assert proba.shape == (7, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert cloned.predict(X).shape == (len(X),) and set(cloned.predict(X)) <= set(LABELS)
    assert cloned.polarity(X).shape == (len(X),)
    assert cloned.version_.startswith(f"target_clause train {len(X)} rows sha256 ")
    if estimator.neutral_band != "auto":
        assert cloned.neutral_band_ == estimator.neutral_band


def test_feature_names_match_the_matrix():
    X, _ = corpus()
    features = ClauseFeatures(min_df=1).fit(X)
    assert features.transform(X).shape == (len(X), len(features.get_feature_names_out()))
    assert not any("zorblax" in n.lower() for n in features.get_feature_names_out())  # targets are masked


def test_targets_of_one_mixed_sentence_are_told_apart():
    X, y = corpus(seed=0, n=80)
    model = ClauseTargetClassifier(min_df=1).fit(X, y)
    new, labels = corpus(seed=1, n=30)  # other names and pairings, same kind of sentence
    assert (model.predict(new) == labels).mean() > 0.8
    # A sentence the model never saw, both ways round: each target follows its own clause.
    text = "Delvin welcomed the plan, while Parmona attacked the plan."
    both = pd.DataFrame({"text": [text, text], "start": [0, 32], "end": [6, 39]})
    assert list(model.predict(both)) == ["positive", "negative"]
    assert model.polarity(both)[0] > model.polarity(both)[1]


def test_banded_labels_and_band_choice():
    proba = np.array([[0.45, 0.40, 0.15], [0.10, 0.35, 0.55], [0.2, 0.6, 0.2]])
    assert list(banded_labels(proba, 0.0)) == ["negative", "positive", "neutral"]
    assert list(banded_labels(proba, 0.1)) == ["neutral", "positive", "neutral"]
    assert list(banded_labels(proba, 0.21)) == ["neutral", "neutral", "neutral"]
    y = ["neutral", "positive", "neutral"]
    assert choose_neutral_band(proba, y, grid=(-0.1, 0.0, 0.1, 0.2)) == 0.1  # 0.1 and 0.2 tie at F1 1: smaller
    # Calling with the held-out rows' probabilities is the only way in: there is no evaluation-split argument.
    assert list(inspect.signature(choose_neutral_band).parameters) == ["proba_heldout", "y_heldout", "grid"]
    assert list(inspect.signature(ClauseTargetClassifier.fit).parameters) == ["self", "X", "y"]


def test_evaluation_fits_every_model_on_train_only(monkeypatch):
    X, y = corpus(seed=2, n=40)
    splits = {"train": X.assign(label=y, sentence_id=X["text"].factorize()[0])}
    X2, y2 = corpus(seed=3, n=20)
    splits["devtest_rw"] = X2.assign(label=y2, sentence_id=X2["text"].factorize()[0])
    seen = []
    real_fit = ClauseTargetClassifier.fit

    def recording_fit(self, X, y):
        seen.append(next(name for name, frame in splits.items() if frame["text"].equals(X["text"])))
        return real_fit(self, X, y)

    monkeypatch.setattr(target_sentiment, "load_newsmtsc", lambda split: splits[split].copy())
    monkeypatch.setattr(ClauseTargetClassifier, "fit", recording_fit)
    table = target_sentiment.evaluate_on_newsmtsc(instruments=("target_clause", "target_logreg", "sentence_vader"),
                                                  n_boot=50)
    assert seen == ["train"]
    assert list(table.columns) == ["dataset", "split", "instrument", "metric", "value", "n"]
    assert not table.duplicated(["instrument", "metric"]).any()
    metrics = {"macro_f1", "macro_f1_ci_low", "macro_f1_ci_high", "accuracy", "f1_negative", "f1_neutral",
               "f1_positive", "pairs_ordered", "pairs_ordered_by_score", "split_when_gold_split",
               "split_when_gold_same", "neutral_called_negative"}
    for instrument, t in table.groupby("instrument"):
        assert set(t["metric"]) == metrics, instrument
        r = t.set_index("metric")["value"]
        assert r["macro_f1_ci_low"] <= r["macro_f1"] <= r["macro_f1_ci_high"]


@pytest.mark.slow  # trains both models on the full NewsMTSC train set and the word vectors (minutes on two cores)
@needs_newsmtsc
@needs_allsides
def test_newsmtsc_pair_figures(project):
    table = target_sentiment.evaluate_on_newsmtsc(instruments=("target_logreg", "target_clause"))
    v = table.set_index(["instrument", "metric"])["value"]
    # Measured on devtest_rw (1,146 targets, 1,067 sentences; 34 differently-labelled pairs):
    # macro-F1 target_logreg 0.633 [0.604, 0.660], target_clause 0.684 [0.654, 0.713] (0.664 without
    # the AllSides word vectors); pairs ordered by score 0.765 and 0.794 (27 of 34); neutral called
    # negative 0.176 and 0.138.
    assert v[("target_clause", "macro_f1")] == pytest.approx(0.684, abs=0.01)
    assert v[("target_clause", "pairs_ordered_by_score")] >= 0.70  # the floor
    assert v[("target_clause", "neutral_called_negative")] < v[("target_logreg", "neutral_called_negative")]
    assert v[("target_clause", "macro_f1")] > v[("target_logreg", "macro_f1")]


def test_extra_blocks_are_position_words_and_character_ngrams_without_contrasts():
    X, _ = corpus()
    with_extra = ClauseFeatures(min_df=1).fit(X)
    without = ClauseFeatures(min_df=1, extra=False).fit(X)
    names = with_extra.get_feature_names_out()
    assert list(names[:len(without.get_feature_names_out())]) == list(without.get_feature_names_out())
    added = names[len(without.get_feature_names_out()):]
    assert {n.split("__")[0] for n in added} == {"position", "char_masked", "char_clause"}
    assert "position__p1_praised" in set(added) and "position__p-1_praised" not in set(added)
    assert not any(n.startswith("contrast__position") or n.startswith("contrast__char") for n in names)
    Z = with_extra.transform(X)
    assert Z.shape == (len(X), len(names))
    # the clause's character n-grams carry the stem a word n-gram would miss
    j = list(names).index("char_clause__ cond")
    assert Z[:, j].nnz > 0


def test_word_vectors_are_the_last_block_scaled_by_their_weight(tiny_vectors):
    X, _ = corpus()
    plain = ClauseFeatures(min_df=1).fit(X)
    assert plain.vectors_ is None
    with_vectors = ClauseFeatures(min_df=1, word_vectors="allsides", vector_weight=2.0).fit(X)
    names = with_vectors.get_feature_names_out()
    n_plain = len(plain.get_feature_names_out())
    assert list(names[:n_plain]) == list(plain.get_feature_names_out())
    assert list(names[n_plain:]) == [f"vectors_{v}__vec{k}" for v in ("clause", "window", "sentence") for k in range(3)]
    Z = with_vectors.transform(X).toarray()
    views = target_model.clause_views(X)
    np.testing.assert_allclose(Z[:, n_plain:n_plain + 3], 2.0 * tiny_vectors.transform(views["clause"].tolist()),
                               rtol=1e-6)
    np.testing.assert_allclose(Z[:, -3:], 2.0 * tiny_vectors.transform(views["masked"].tolist()), rtol=1e-6)
    assert ClauseTargetClassifier().word_vectors == "allsides"  # the default instrument uses them
    model = ClauseTargetClassifier(min_df=1).fit(X, corpus()[1])
    assert model.features_.vectors_ is tiny_vectors and "word_vectors=allsides" in model.version_


def test_one_training_sentence_falls_back_to_uncalibrated_scores():
    text = "Delvin praised the deal, Parmona met the committee, Zorblax attacked it."
    starts = [text.index(name) for name in ("Delvin", "Parmona", "Zorblax")]
    X = pd.DataFrame({"text": [text] * 3, "start": starts, "end": [s + len(n) for s, n in
                                                                    zip(starts, ("Delvin", "Parmona", "Zorblax"), strict=True)]})
    model = ClauseTargetClassifier(min_df=1).fit(X, ["positive", "neutral", "negative"])
    assert model.calibrator_ is None and model.neutral_band_ == 0.0
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(model.predict(X)) == ["positive", "neutral", "negative"]
