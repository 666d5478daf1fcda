"""Features computed once per text across the fits of one cross-fit: speed only, the results are identical.

``nyt_validation_scores`` fits ``news_ridge`` ten times on overlapping sets of the same 13,000 sentences, and
each fit used to split every sentence into word and character n-grams and score it with VADER again: about
two thirds of a first run's instrument validation (profiled: 135 of 202 s). A ``FeatureMemo`` keeps each
text's n-gram counts and VADER rows, so a later fit only selects rows and columns.

Why by hand: scikit-learn's ``Pipeline(memory=...)`` caches a whole fitted step keyed by its input, and the
input differs in every fold; a memoised ``analyzer`` callable would still leave the per-n-gram dictionary loop
(the larger half). ``MemoTfidfVectorizer`` replaces only the counting step (``_count_vocab``) and returns what
scikit-learn's would, to the order of the vocabulary and of each row's indices, so the document frequencies,
the ``min_df`` pruning, the feature sorting and the TF-IDF weights downstream are scikit-learn's own
(``tests/sentiment/test_feature_memo.py`` compares both on the same texts, matrices equal to the last bit).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils._sparse import _align_api_if_sparse  # what the replaced method returns through
from sklearn.utils.validation import check_is_fitted

from analysis.text.texts import as_texts

# the vectorizer settings that decide which n-grams a text yields; the rest (min_df, idf ...) act afterwards
_ANALYZER_PARAMS = ("input", "encoding", "decode_error", "strip_accents", "lowercase", "preprocessor", "tokenizer",
                    "stop_words", "token_pattern", "ngram_range", "analyzer")


class FeatureMemo:
    """Per-text n-gram counts and transformer rows, shared on purpose by every fit that is given it.

    ``clone`` and ``copy.deepcopy`` return the memo itself, so the estimator clones of a cross-fit share
    one. Keep one memo per cross-fit: it holds every text it has seen.
    """

    def __init__(self):
        self._counts: dict[tuple, _CountStore] = {}
        self._rows: dict[tuple, dict[str, tuple]] = {}

    def __deepcopy__(self, memo) -> FeatureMemo:
        return self

    def __repr__(self) -> str:
        return "FeatureMemo()"

    def vectorizer(self, vectorizer: TfidfVectorizer) -> MemoTfidfVectorizer:
        """A ``MemoTfidfVectorizer`` with ``vectorizer``'s settings, counting through this memo."""
        out = MemoTfidfVectorizer(**vectorizer.get_params())
        key = tuple(repr(out.get_params()[name]) for name in _ANALYZER_PARAMS)
        out._store = self._counts.setdefault(key, _CountStore(out.build_analyzer()))
        return out

    def rows(self, transformer: BaseEstimator) -> MemoRows:
        """``transformer`` (stateless, one output row per text) with each text's row computed once."""
        return MemoRows(transformer, memo=self)

    def _row_store(self, transformer: BaseEstimator) -> dict[str, tuple]:
        return self._rows.setdefault((type(transformer).__qualname__, repr(transformer)), {})


class _CountStore:
    """Each text's distinct n-grams (ids in order of first occurrence) and their counts."""

    def __init__(self, analyze: Callable[[str], list[str]]):
        self.analyze = analyze
        self.feature_id: dict[str, int] = {}
        self.names: list[str] = []
        self.docs: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def counts(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(global ids, counts, row pointer) of ``texts``, each row in first-occurrence order."""
        ids, counts = [], []
        for text in texts:
            doc = self.docs.get(text)
            if doc is None:
                doc = self.docs[text] = self._count(text)
            ids.append(doc[0])
            counts.append(doc[1])
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(a) for a in ids], out=indptr[1:])
        return (np.concatenate(ids) if ids else np.empty(0, np.int64),
                np.concatenate(counts) if counts else np.empty(0, np.intc), indptr)

    def _count(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counter: dict[str, int] = {}
        for feature in self.analyze(text):
            counter[feature] = counter.get(feature, 0) + 1
        ids = np.empty(len(counter), dtype=np.int64)
        for i, feature in enumerate(counter):
            j = self.feature_id.get(feature)
            if j is None:
                j = self.feature_id[feature] = len(self.names)
                self.names.append(feature)
            ids[i] = j
        return ids, np.fromiter(counter.values(), dtype=np.intc, count=len(counter))


class MemoTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose counting step reads a ``FeatureMemo`` (made by ``FeatureMemo.vectorizer``)."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        store: _CountStore | None = getattr(self, "_store", None)
        if store is None:  # a clone, or one made directly: it counts as a plain TfidfVectorizer does
            return super()._count_vocab(raw_documents, fixed_vocab)
        texts = list(raw_documents)
        ids, counts, indptr = store.counts(texts)
        if fixed_vocab:
            vocabulary = self.vocabulary_
            column = np.full(len(store.names), -1, dtype=np.int64)
            known = [(store.feature_id[f], j) for f, j in vocabulary.items() if f in store.feature_id]
            if known:
                g, j = np.array(known, dtype=np.int64).T
                column[g] = j
            cols = column[ids]
            keep = cols >= 0
            kept = np.concatenate([[0], np.cumsum(keep)])
            cols, counts, indptr = cols[keep], counts[keep], kept[indptr]
        else:
            # scikit-learn numbers the features in order of first occurrence over the documents
            first_ids, first_pos = np.unique(ids, return_index=True)
            order = first_ids[np.argsort(first_pos, kind="stable")]
            if len(order) == 0:
                raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
            column = np.full(len(store.names), -1, dtype=np.int64)
            column[order] = np.arange(len(order))
            cols = column[ids]
            vocabulary = {store.names[g]: j for j, g in enumerate(order.tolist())}
        index_dtype = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
        X = sparse.csr_array((counts, cols.astype(index_dtype), indptr.astype(index_dtype)),
                             shape=(len(texts), len(vocabulary)), dtype=self.dtype)
        X.sort_indices()
        return vocabulary, _align_api_if_sparse(X)


class MemoRows(TransformerMixin, BaseEstimator):
    """A stateless per-text transformer whose row for a text is computed once per ``FeatureMemo``.

    Dense outputs come back as one array, sparse ones as CSR with each row's entries as the transformer gave
    them. ``fit`` fits the wrapped transformer (for stateless ones, loading a lexicon).
    """

    def __init__(self, transformer: BaseEstimator, *, memo: FeatureMemo):
        self.transformer = transformer
        self.memo = memo

    def fit(self, X=None, y=None) -> MemoRows:
        self.transformer_ = clone(self.transformer).fit(X, y)
        return self

    def transform(self, X):
        check_is_fitted(self, "transformer_")
        texts = as_texts(X).tolist()
        rows = self.memo._row_store(self.transformer)
        missing = list(dict.fromkeys(t for t in texts if t not in rows))
        if missing:
            out = self.transformer_.transform(missing)
            if sparse.issparse(out):
                out = sparse.csr_matrix(out)
                for i, text in enumerate(missing):
                    lo, hi = out.indptr[i], out.indptr[i + 1]
                    rows[text] = (out.indices[lo:hi], out.data[lo:hi], out.shape[1])
            else:
                for text, row in zip(missing, np.asarray(out)):
                    rows[text] = row
        if not texts:
            return self.transformer_.transform(texts)
        first = rows[texts[0]]
        if not isinstance(first, tuple):
            return np.vstack([rows[t] for t in texts])
        picked = [rows[t] for t in texts]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(p[0]) for p in picked], out=indptr[1:])
        return sparse.csr_matrix((np.concatenate([p[1] for p in picked]), np.concatenate([p[0] for p in picked]),
                                  indptr), shape=(len(texts), first[2]))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return self.transformer_.get_feature_names_out(input_features)
