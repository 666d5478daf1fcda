"""VADER's word-level evidence as features for ``news_ridge`` (see :mod:`analysis.sentiment.sentence_model`).

VADER's four sentence scores average away which words carried the
sentiment. ``VaderDetail`` keeps sums, extremes and counts of the word
valences; ``VaderLexiconValences`` keeps each lexicon word's valence after
VADER's rules (negation, boosters, capitals, idioms, "but") in a column of
its own, so that a ridge can re-weigh single lexicon entries for news while
the rules still flip "not good". Both are stateless: ``fit`` only loads the
lexicon.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analysis.sentiment.vader_fast import BOOSTER_DICT, NEGATE, FastVader
from analysis.text.texts import as_texts

VALENCE_SCALE = 4.0  # VADER's lexicon rates words on -4..+4; divided by it, a column lies in about [-1, 1]


class VaderDetail(TransformerMixin, BaseEstimator):
    """What VADER's four scores average away: sums, extremes and counts of its word valences.

    Columns (``DETAIL_FEATURES``): the sums of the positive and of the
    negative word valences and of all of them (before VADER squashes the sum
    into ``compound``), the largest positive and the most negative valence (0
    if none), the numbers of positive and negative words, log(1 + tokens),
    and the numbers of negation and booster words. The valences are VADER's
    own after its rules (``FastVader.word_valences``). Stateless; ``fit``
    only loads the lexicon into ``analyzer_``.
    """

    def fit(self, X=None, y=None) -> VaderDetail:
        self.analyzer_ = FastVader(cache_size=0)
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "analyzer_")
        return np.array([self._row(t) for t in as_texts(X)], dtype=float).reshape(-1, len(DETAIL_FEATURES))

    def _row(self, text: str) -> list[float]:
        v = np.asarray(self.analyzer_.word_valences(text), dtype=float)
        pos, neg = v[v > 0], v[v < 0]
        words = text.lower().split()
        return [pos.sum(), neg.sum(), v.sum(), pos.max(initial=0.0), neg.min(initial=0.0), len(pos), len(neg),
                np.log1p(len(words)), sum(w in NEGATE or "n't" in w for w in words),
                sum(w in BOOSTER_DICT for w in words)]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(DETAIL_FEATURES, dtype=object)


DETAIL_FEATURES = ("pos_sum", "neg_sum", "sum", "max", "min", "n_pos", "n_neg", "log_tokens", "n_negations",
                   "n_boosters")


class VaderLexiconValences(TransformerMixin, BaseEstimator):
    """One sparse column per VADER lexicon word: its valence in the sentence after VADER's rules, divided by 4.

    A word that occurs twice adds up. Booster words are not scored by VADER
    and have no column. The columns are the lexicon's words, sorted,
    so they do not depend on the training text. Fitted state: ``analyzer_``,
    ``vocabulary_`` (word to column).
    """

    def fit(self, X=None, y=None) -> VaderLexiconValences:
        self.analyzer_ = FastVader(cache_size=0)
        scored = sorted(self.analyzer_.lexicon.keys() - BOOSTER_DICT.keys())
        self.vocabulary_ = {word: j for j, word in enumerate(scored)}
        return self

    def transform(self, X) -> sparse.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        texts = as_texts(X)
        rows, cols, values = [], [], []
        for i, text in enumerate(texts):
            for word, valence in self.analyzer_.scored_words(text):
                rows.append(i)
                cols.append(self.vocabulary_[word])
                values.append(valence / VALENCE_SCALE)
        # csr from coordinates sums repeated (row, column) pairs, which is what a repeated word should do
        return sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.vocabulary_)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(list(self.vocabulary_), dtype=object)
