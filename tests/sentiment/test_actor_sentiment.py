"""Actor-directed sentiment plumbing, sentence aggregation and the evidence decomposition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.core import tables
from analysis.core.study import Actor
from analysis.sentiment import actor_sentiment, scoring
from analysis.sentiment.target_model import ClauseTargetClassifier
from analysis.sentiment.target_sentiment import SentenceVaderBaseline, TargetSentimentClassifier
from analysis.text.actors import ActorMatcher, find_mentions

ACTORS = (Actor("Huawei", "company", aliases=("Huawei",)), Actor("Beijing", "government", aliases=("Beijing",)))
SENTENCES = pd.DataFrame({
    "doc_id": ["a", "a", "b", "b"], "sent_id": [0, 1, 0, 1], "outlet": ["X", "X", "Y", "Y"],
    "text": ["Huawei praised the wonderful deal with Beijing.", "Nothing about anyone.",
             "Beijing condemned the horrible sanctions.", "Huawei is a company."],
})
ARTICLES = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "outlet_type": "wire", "leaning": "center"})


def _mentions():
    return find_mentions(SENTENCES, matcher=ActorMatcher(actors=ACTORS).fit())


def test_baseline_gives_each_mention_its_sentence_vader_score():
    out = actor_sentiment.score_mentions(_mentions(), SENTENCES, instruments=[SentenceVaderBaseline().fit()])
    tables.validate(out, "actor_sentiment")
    sia = SentimentIntensityAnalyzer()
    expected = [sia.polarity_scores(SENTENCES.set_index(["doc_id", "sent_id"]).loc[(d, s), "text"])["compound"]
                for d, s in zip(out["doc_id"], out["sent_id"])]
    assert out["score"].tolist() == pytest.approx(expected)
    # Both actors of sentence a0 get the same (positive) baseline score: the baseline cannot tell them apart.
    a0 = out.loc[(out["doc_id"] == "a") & (out["sent_id"] == 0)]
    assert sorted(a0["actor"]) == ["Beijing", "Huawei"] and a0["score"].nunique() == 1
    assert set(a0["label"]) == {"positive"}
    assert out["instrument_version"].str.contains("vaderSentiment 3.3.2").all()


def test_target_model_polarity_is_p_positive_minus_p_negative():
    train = pd.DataFrame({"text": [f"they say X is {w}" for w in ("great", "awful", "here", "wonderful",
                                                                   "terrible", "there")] * 3})
    train["start"], train["end"] = 9, 10
    labels = ["positive", "negative", "neutral"] * 6
    model = TargetSentimentClassifier(min_df=1).fit(train, labels)
    out = actor_sentiment.score_mentions(_mentions(), SENTENCES, instruments=[model])
    spans = actor_sentiment.mention_spans(_mentions(), SENTENCES)
    proba = model.predict_proba(spans)
    classes = list(model.classes_)
    np.testing.assert_allclose(out["score"], proba[:, classes.index("positive")] - proba[:, classes.index("negative")])
    assert out["label"].tolist() == list(model.predict(spans))
    assert out["instrument_version"].iloc[0].startswith("target_logreg train 18 rows sha256 ")


def test_clause_model_scores_actor_mentions():
    train = pd.DataFrame({"text": [f"they say X is {w} (case {i})" for i in range(3)
                                   for w in ("great", "awful", "here", "wonderful", "terrible", "there")]})
    train["start"], train["end"] = 9, 10
    labels = ["positive", "negative", "neutral"] * 6
    model = ClauseTargetClassifier(min_df=1, word_vectors=None).fit(train, labels)
    out = actor_sentiment.score_mentions(_mentions(), SENTENCES, instruments=[model])
    tables.validate(out, "actor_sentiment")
    spans = actor_sentiment.mention_spans(_mentions(), SENTENCES)
    np.testing.assert_allclose(out["score"], model.polarity(spans))
    assert out["label"].tolist() == list(model.predict(spans))
    assert (out["instrument"] == "target_clause").all()


def test_mention_spans_point_at_the_alias():
    spans = actor_sentiment.mention_spans(_mentions(), SENTENCES)
    assert [t[s:e] for t, s, e in zip(spans["text"], spans["start"], spans["end"])] == \
        [a for a in spans["actor"]]


def test_article_aggregation_means_and_negative_share():
    scores = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "sent_id": [0, 1, 2, 0], "outlet": "X",
                           "actor": ["Huawei", "Huawei", "Beijing", "Huawei"], "instrument": "m",
                           "instrument_version": "m1", "label": ["negative", "positive", "neutral", "negative"],
                           "score": [-0.8, 0.4, 0.0, -0.5]})
    out = actor_sentiment.aggregate_articles(scores, articles=ARTICLES).set_index(["doc_id", "actor"])
    assert out.loc[("a", "Huawei"), "sentiment"] == pytest.approx(-0.2)
    assert out.loc[("a", "Huawei"), "share_negative"] == 0.5 and out.loc[("a", "Huawei"), "n_sentences"] == 2
    assert out.loc[("b", "Huawei"), "outlet"] == "Y"


def test_no_mentions_gives_empty_tables():
    empty = find_mentions(SENTENCES.iloc[[1]], matcher=ActorMatcher(actors=ACTORS).fit())
    out = actor_sentiment.score_mentions(empty, SENTENCES, instruments=[SentenceVaderBaseline().fit()])
    assert out.empty and list(out.columns) == tables.SCHEMAS["actor_sentiment"].names
    assert actor_sentiment.aggregate_articles(out, articles=ARTICLES).empty


def test_evidence_pulls_add_up_to_each_outlets_deviation():
    rng = np.random.default_rng(3)
    rows = [(f"{o}{d}", s, o) for o in "PQR" for d in range(3) for s in range(rng.integers(1, 6))]
    sents = pd.DataFrame(rows, columns=["doc_id", "sent_id", "outlet"]).assign(text=lambda d: d["doc_id"])
    scores = sents[["doc_id", "sent_id", "outlet"]].assign(instrument="m", instrument_version="m1",
                                                          score=rng.uniform(-1, 1, len(sents)))
    evidence = scoring.sentiment_evidence(scores, sents, top=100)
    tables.validate(evidence, "sentiment_evidence")
    article_means = scores.groupby(["outlet", "doc_id"])["score"].mean()
    corpus = article_means.mean()
    for outlet, g in evidence.groupby("outlet"):
        assert len(g) == (sents["outlet"] == outlet).sum()  # top=100 keeps every sentence
        assert g["pull"].sum() == pytest.approx(article_means[outlet].mean() - corpus)
        direction = np.sign(g["pull"].sum())
        assert (np.diff(g.sort_values("rank")["pull"] * direction) <= 1e-12).all()  # strongest pull first
    top1 = scoring.sentiment_evidence(scores, sents, top=1)
    assert top1.groupby("outlet").size().tolist() == [1, 1, 1]
