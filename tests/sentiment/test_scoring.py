"""VADER scorer: known values and the estimator contract (the actor matcher is in tests/text/test_actors.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.core import tables
from analysis.sentiment.scoring import VaderScorer, aggregate_articles, score_sentences

SENTENCES = ["VADER is smart, handsome, and funny.", "The decision is a horrible abuse of power.",
             "The Commerce Department published the list on Monday.", ""]


def test_vader_matches_the_package_and_the_published_example():
    scores = VaderScorer().fit().transform(SENTENCES)
    sia = SentimentIntensityAnalyzer()
    expected = [[d["compound"], d["pos"], d["neu"], d["neg"]] for d in map(sia.polarity_scores, SENTENCES)]
    np.testing.assert_allclose(scores, expected)
    assert scores[0, 0] == pytest.approx(0.8316)  # the example in VADER's README
    assert scores[1, 0] < -0.5 and scores[2, 0] == 0


def test_estimator_contract():
    estimator = VaderScorer()
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    with pytest.raises(NotFittedError):
        cloned.transform(["x"])
    assert cloned.fit() is cloned


def test_vader_pandas_output_keeps_index():
    X = pd.Series(SENTENCES, index=[10, 20, 30, 40])
    out = VaderScorer().set_output(transform="pandas").fit().transform(X)
    assert list(out.index) == [10, 20, 30, 40]
    assert list(out.columns) == ["compound", "pos", "neu", "neg"]


def test_score_and_aggregate_articles_weight_each_article_once():
    sents = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "sent_id": [0, 1, 2, 0], "outlet": "X",
                          "text": [SENTENCES[0], SENTENCES[2], SENTENCES[2], SENTENCES[1]]})
    scored = score_sentences(sents)
    tables.validate(scored, "sentence_sentiment")
    assert scored["score"].tolist() == pytest.approx([0.8316, 0.0, 0.0, scored["score"].iloc[3]], abs=1e-4)
    assert scored["instrument_version"].str.startswith("vaderSentiment 3.3.2 lexicon ").all()
    articles = pd.DataFrame({"doc_id": ["a", "b"], "outlet": "X", "outlet_type": "wire", "leaning": "center"})
    agg = aggregate_articles(scored, articles=articles).set_index("doc_id")
    assert agg.loc["a", "sentiment"] == pytest.approx(0.8316 / 3, abs=1e-4)
    assert agg.loc["a", "n_sentences"] == 3 and agg.loc["b", "share_negative"] == 1.0
