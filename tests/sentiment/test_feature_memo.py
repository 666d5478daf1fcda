"""FeatureMemo: the cross-fit's shared per-text features give exactly scikit-learn's matrices and the same scores."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import SHARED_DATA
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.sentiment.feature_memo import FeatureMemo
from analysis.sentiment.scoring import VaderScorer
from analysis.sentiment.sentence_model import SentenceSentimentRegressor, nyt_validation_scores
from analysis.sentiment.vader_features import VaderDetail, VaderLexiconValences

CORPUS = ["The minister praised the deal, calling it a great success!",
          "Critics slammed the deal as a disaster for workers.",
          "The deal was signed on Tuesday.",
          "",
          "Workers were not happy with the deal?",
          "The deal was signed on Tuesday.",
          "Officials denied the report, calling it groundless.",
          "A great success, officials said; a disaster, critics said."]
UNSEEN = ["An utterly new sentence about zebras.", "", "The deal: a success or a disaster?"]


def _same(a, b) -> None:
    a, b = sparse.csr_matrix(a), sparse.csr_matrix(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # to the last bit, not approximately


@pytest.mark.parametrize("settings", [dict(min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[!?]",
                                           ngram_range=(1, 2)),
                                      dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
                                      dict(min_df=1, max_df=0.6)])
def test_the_memo_vectorizer_gives_scikit_learns_matrices_over_overlapping_folds(settings):
    memo = FeatureMemo()
    # two "folds" that share texts, fitted in turn through one memo, each against a plain vectorizer
    for train in (CORPUS[:6], CORPUS[2:]):
        plain = TfidfVectorizer(**settings)
        memoised = memo.vectorizer(TfidfVectorizer(**settings))
        _same(plain.fit_transform(train), memoised.fit_transform(train))
        assert plain.vocabulary_ == memoised.vocabulary_
        assert np.array_equal(plain.idf_, memoised.idf_)
        _same(plain.transform(UNSEEN + train), memoised.transform(UNSEEN + train))


def test_the_memo_vectorizer_fails_as_scikit_learns_does_on_an_empty_vocabulary():
    with pytest.raises(ValueError, match="empty vocabulary"):
        FeatureMemo().vectorizer(TfidfVectorizer()).fit_transform(["", "!"])


@pytest.mark.parametrize("transformer", [VaderScorer(), VaderDetail(), VaderLexiconValences()])
def test_memo_rows_equal_the_transformer_on_repeated_and_new_texts(transformer):
    memo = FeatureMemo()
    wrapped = memo.rows(transformer).fit(CORPUS)
    plain = clone(transformer).fit(CORPUS)
    for texts in (CORPUS, UNSEEN + CORPUS[::-1], UNSEEN):
        got, want = wrapped.transform(texts), plain.transform(texts)
        if sparse.issparse(want):
            _same(want, got)
        else:
            assert np.array_equal(np.asarray(want), got)
    assert list(wrapped.get_feature_names_out()) == list(plain.get_feature_names_out())
    assert len(memo._row_store(transformer)) == len(set(CORPUS) | set(UNSEEN))  # each text computed once


def test_clones_share_the_memo_and_the_regressor_scores_as_without_it():
    memo = FeatureMemo()
    assert copy.deepcopy(memo) is memo
    model = SentenceSentimentRegressor(min_df=1, feature_memo=memo)
    assert clone(model).feature_memo is memo
    y = np.linspace(-0.8, 0.8, len(CORPUS))
    for train in (slice(0, 6), slice(2, None)):
        with_memo = clone(model).fit(CORPUS[train], y[train])
        without = SentenceSentimentRegressor(min_df=1).fit(CORPUS[train], y[train])
        assert np.array_equal(with_memo.predict(UNSEEN + CORPUS), without.predict(UNSEEN + CORPUS))
        assert with_memo.version_ == without.version_


@pytest.mark.skipif(not (SHARED_DATA / "vader_nyt").exists(), reason="needs ../shared/data/vader_nyt")
def test_the_nyt_cross_fit_scores_are_identical_with_and_without_the_memo(monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    from analysis.collect.datasets import load_vader_nyt

    gold = load_vader_nyt()
    gold = gold[gold["article_id"].isin(sorted(gold["article_id"].unique())[:60])]
    kwargs = dict(source="nyt", n_splits=3, gold=gold)
    fast = nyt_validation_scores(**kwargs)  # given a memo inside, as the validation runs it
    slow = nyt_validation_scores(**kwargs, estimator=SentenceSentimentRegressor(feature_memo=_NoMemo()))
    assert len(fast) == len(gold) and fast["score"].notna().all()
    assert np.array_equal(fast["score"].to_numpy(), slow["score"].to_numpy())


class _NoMemo(FeatureMemo):
    """A memo that hands back the plain parts: every fit counts and scores every text again, as without one."""

    def vectorizer(self, vectorizer):
        return vectorizer

    def rows(self, transformer):
        return transformer
