"""Target-aware sentiment: estimator contract, masking, the VADER baseline and NewsMTSC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.sentiment.target_sentiment import (
    LABELS,
    PLACEHOLDER,
    MentionViews,
    TargetSentimentClassifier,
    classification_metrics,
    mention_views,
    sentence_vader_baseline,
)

NEWSMTSC = SHARED_DATA / "newsmtsc"
needs_newsmtsc = pytest.mark.skipif(not (NEWSMTSC / "train.jsonl").is_file()
                                    or not (NEWSMTSC / "devtest_rw.jsonl").is_file(),
                                    reason="shared NewsMTSC mirror not present")

TEMPLATES = ["{t} met the committee on Tuesday.", "Officials said {t} would attend the meeting.",
             "The report about {t} was published in March.", "On Monday {t} visited the factory in Ohio.",
             "{t} spoke to reporters after the vote.", "A spokesman for {t} declined to comment.",
             "Analysts expect {t} to announce the plan next week.", "The letter was sent to {t} and two others."]


def mentions(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """(template, target) pairs to a mention table with offsets."""
    out = []
    for template, target in rows:
        text = template.format(t=target)
        start = template.index("{t}")
        out.append({"text": text, "target": target, "start": start, "end": start + len(target)})
    return pd.DataFrame(out)


def target_predictive_corpus() -> tuple[pd.DataFrame, np.ndarray]:
    """Identical neutral contexts; the label depends only on who is mentioned."""
    X = mentions([(tpl, t) for tpl in TEMPLATES for t in ("Zorblax", "Quintor", "Melvane")])
    y = X["target"].map({"Zorblax": "positive", "Quintor": "negative", "Melvane": "neutral"}).to_numpy()
    return X, y


@pytest.mark.parametrize("estimator", [TargetSentimentClassifier(), TargetSentimentClassifier(window=2, C=0.5),
                                       MentionViews(window=3)], ids=lambda e: type(e).__name__)
def test_estimator_contract(estimator):
    X, y = target_predictive_corpus()
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    if isinstance(cloned, MentionViews):
        with pytest.raises(NotFittedError):
            cloned.transform(X)
        assert cloned.fit(X) is cloned
        return
    for method in (cloned.predict, cloned.predict_proba):
        with pytest.raises(NotFittedError):
            method(X)
    assert cloned.set_params(min_df=1).fit(X, y) is cloned
    assert list(cloned.classes_) == list(LABELS)
    proba = cloned.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(cloned.predict(X)) <= set(LABELS)


def test_fit_needs_mention_columns():
    with pytest.raises(ValueError, match="lacks columns \\['start', 'end'\\]"):
        TargetSentimentClassifier().fit(pd.DataFrame({"text": ["a b"]}), ["neutral"])
    with pytest.raises(TypeError, match="must be a DataFrame"):
        TargetSentimentClassifier().fit(["a b"], ["neutral"])


@pytest.mark.parametrize(("window", "left", "right"), [
    (1, "said", "broke"),
    (2, "Beijing said", "broke the"),
    (10, "Beijing said", "broke the rules, officials say."),
    (0, "", ""),
])
def test_mention_views(window, left, right):
    text = "Beijing said Hikvision broke the rules, officials say."
    X = pd.DataFrame({"text": [text], "start": [13], "end": [22]}, index=[7])
    views = mention_views(X, window=window)
    assert list(views.index) == [7]
    row = views.iloc[0]
    assert row["masked"].split() == f"Beijing said {PLACEHOLDER} broke the rules, officials say.".split()
    assert (row["left"], row["right"]) == (left, right)
    assert row["window"].split() == f"{left} {PLACEHOLDER} {right}".split()


def test_mention_span_outside_sentence_is_an_error():
    with pytest.raises(ValueError, match="outside a sentence of 3 characters"):
        mention_views(pd.DataFrame({"text": ["abc"], "start": [2], "end": [9]}))


def test_masked_model_cannot_exploit_the_target_string():
    X, y = target_predictive_corpus()
    model = TargetSentimentClassifier(min_df=1, C=100.0).fit(X, y)
    vocabulary = " ".join(model.get_feature_names_out()).lower()
    assert not any(name in vocabulary for name in ("zorblax", "quintor", "melvane"))
    # New sentences: the same context with different targets gets the same prediction.
    unseen = mentions([("Yesterday {t} thanked the committee.", t) for t in ("Zorblax", "Quintor", "Melvane")])
    proba = model.predict_proba(unseen)
    np.testing.assert_allclose(proba, np.repeat(proba[:1], 3, axis=0))
    # Seen contexts too: the model cannot tell the three apart, so it cannot beat chance.
    assert (model.predict(X) == y).mean() <= 1 / 3 + 1e-9


@pytest.mark.parametrize(("text", "expected"), [
    ("VADER is smart, handsome, and funny.", "positive"),     # compound 0.8316 in VADER's README
    ("The decision is a horrible abuse of power.", "negative"),
    ("The Commerce Department published the list on Monday.", "neutral"),  # compound 0
    ("", "neutral"),
])
def test_sentence_vader_baseline(text, expected):
    X = pd.DataFrame({"text": [text], "start": [0], "end": [0]})
    assert list(sentence_vader_baseline(X)) == [expected]
    assert list(sentence_vader_baseline([text])) == [expected]


def test_baseline_gives_every_target_in_a_sentence_the_same_label():
    text = "Beijing condemned the excellent decision by Washington."
    X = pd.DataFrame({"text": [text, text], "start": [0, 44], "end": [7, 54]})
    labels = sentence_vader_baseline(X)
    assert labels[0] == labels[1]


def test_classification_metrics_known_values():
    y_true = ["negative", "negative", "neutral", "positive"]
    y_pred = ["negative", "neutral", "neutral", "negative"]
    m = classification_metrics(y_true, y_pred, instrument="x").set_index("metric")
    # negative: P=1/2 R=1/2 F=1/2; neutral: P=1/2 R=1 F=2/3; positive: F=0.
    assert m.loc["f1_negative", "value"] == pytest.approx(0.5)
    assert m.loc["f1_neutral", "value"] == pytest.approx(2 / 3)
    assert m.loc["f1_positive", "value"] == 0.0
    assert m.loc["macro_f1", "value"] == pytest.approx((0.5 + 2 / 3) / 3)
    assert m.loc["accuracy", "value"] == 0.5
    assert m["n"].to_dict() == {"macro_f1": 4, "accuracy": 4, "f1_negative": 2, "f1_neutral": 1, "f1_positive": 1}


@needs_newsmtsc
@pytest.mark.parametrize(("split", "n_rows"), [("train", 8739), ("devtest_rw", 1146)])
def test_load_newsmtsc_offsets_round_trip(project, split, n_rows):
    from analysis.collect.datasets import load_newsmtsc

    df = load_newsmtsc(split)
    assert list(df.columns) == ["sentence_id", "target_id", "text", "target", "start", "end", "label"]
    assert len(df) == n_rows and df["target_id"].is_unique
    assert set(df["label"]) == set(LABELS)
    spans = [text[s:e] for text, s, e in zip(df["text"], df["start"], df["end"], strict=True)]
    assert spans == list(df["target"])


@pytest.mark.slow  # trains on the full NewsMTSC set
@needs_newsmtsc
def test_newsmtsc_devtest_beats_sentence_vader(project):
    from analysis.sentiment.target_sentiment import evaluate_on_newsmtsc

    table = evaluate_on_newsmtsc()
    assert set(table.columns) == {"dataset", "split", "instrument", "metric", "value", "n"}
    f1 = table[table["metric"] == "macro_f1"].set_index("instrument")["value"]
    # Measured: target_logreg 0.633, sentence_vader 0.512 (published state of the art 0.831).
    assert f1["target_logreg"] > f1["sentence_vader"]
    assert f1["target_logreg"] > 0.40
    readme = (REPO / "README.md").read_text()
    assert f"| {f1['target_logreg']:.3f} |" in readme and f"| {f1['sentence_vader']:.3f} |" in readme
