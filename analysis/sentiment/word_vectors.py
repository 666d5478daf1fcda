"""Word vectors learnt from unlabelled news: truncated SVD of a PPMI co-occurrence matrix.

8,700 labelled NewsMTSC targets are too few for a linear model to learn that
"slammed", "blasted" and "lambasted" say the same thing; words that occur in
the same contexts of a large unlabelled news corpus get similar vectors, and
the mean vector of a target's clause carries that shared evidence.

:class:`PpmiSvdVectors` is an estimator: ``fit`` reads a list of texts and
learns ``vocabulary_`` and ``vectors_`` (Levy, Goldberg & Dagan 2015: counts
of word pairs within ``window`` words, weighted 1/distance; positive PMI with
the context distribution raised to 0.75; truncated SVD, singular values
raised to 0.5; rows unit length), ``transform`` gives the mean vector of the
known words of each text (zeros for a text with none). Everything is
deterministic: the vocabulary is ordered by count then word, and the
randomized SVD has a fixed seed.

:func:`allsides_word_vectors` fits them on the AllSides articles through the
dataset loader, once per machine: the fitted estimator is kept in the model
cache, keyed by the articles file's digest, the settings and the code.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from analysis.collect import datasets
from analysis.core import cache
from analysis.core.errors import DataNotFoundError
from analysis.text.texts import as_texts

WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
SOURCES = ("allsides",)
# The shipped AllSides vectors: the first 20,000 articles by ID (about 35 s to fit here; all 37,554 would double
# it), with PpmiSvdVectors' defaults; chosen by grouped CV on NewsMTSC train, see target_model.py.
ALLSIDES_MAX_DOCS = 20_000
ALLSIDES_PARAMS: dict = {}


def words(text: str) -> list[str]:
    """Lower-cased words: letters, with one inner apostrophe ("didn't", "trump's")."""
    return WORD.findall(text.lower())


def cooccurrence(docs: list, n_words: int, *, window: int) -> sp.csr_matrix:
    """Symmetric word-by-word counts of pairs at most ``window`` words apart, weighted 1/distance.

    ``docs`` are word ids (-1: a word outside the vocabulary, which still takes its place in the distance).
    """
    # one id array with ``window`` gaps (-1) between documents, so no pair straddles two of them
    pad = np.full(window, -1, dtype=np.int64)
    ids = np.concatenate([part for d in docs for part in (np.asarray(d, dtype=np.int64), pad)] or [pad])
    total = sp.csr_matrix((n_words, n_words), dtype=np.float64)
    for dist in range(1, window + 1):
        a, b = ids[:-dist], ids[dist:]
        keep = (a >= 0) & (b >= 0)
        total = total + sp.csr_matrix((np.full(int(keep.sum()), 1.0 / dist), (a[keep], b[keep])),
                                      shape=(n_words, n_words))
    return (total + total.T).tocsr()


def ppmi(counts: sp.csr_matrix, *, alpha: float = 0.75) -> sp.csr_matrix:
    """Positive PMI of a co-occurrence matrix, the context distribution smoothed by ``alpha``."""
    counts = counts.tocoo()
    row = np.asarray(counts.sum(axis=1)).ravel()
    col = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    total = row.sum()
    pmi = np.log(counts.data * total * col.sum() / (row[counts.row] * col[counts.col] * total))
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (counts.row[keep], counts.col[keep])), shape=counts.shape)


class PpmiSvdVectors(TransformerMixin, BaseEstimator):
    """Texts to the mean of their words' PPMI-SVD vectors (``n_components`` columns).

    ``fit`` takes the unlabelled corpus (a list of strings or a Series);
    words seen fewer than ``min_count`` times, or beyond the ``vocab_size``
    most frequent, get no vector; the ``n_contexts`` most frequent are the
    contexts (the matrix's columns). Fitted state: ``vocabulary_`` (word -> row),
    ``vectors_`` (float32, one unit row per word), ``n_docs_``.
    """

    def __init__(self, *, n_components: int = 200, vocab_size: int = 30_000, n_contexts: int = 10_000,
                 min_count: int = 5, window: int = 8, alpha: float = 0.75, random_state: int = 0):
        self.n_components = n_components
        self.vocab_size = vocab_size
        self.n_contexts = n_contexts
        self.min_count = min_count
        self.window = window
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, X, y=None) -> PpmiSvdVectors:
        texts = as_texts(X).tolist()
        # two passes over the texts (count, then map to ids) rather than keeping every word list: on
        # 20,000 articles the lists of strings alone took gigabytes
        freq = Counter()
        for text in texts:
            freq.update(words(text))
        ranked = sorted((w for w, c in freq.items() if c >= self.min_count), key=lambda w: (-freq[w], w))
        vocab = {w: i for i, w in enumerate(ranked[:self.vocab_size])}
        if min(len(vocab), self.n_contexts) <= self.n_components:
            raise ValueError(f"the corpus has {len(vocab)} words seen at least min_count={self.min_count} times; "
                             f"n_components={self.n_components} needs more than that and than n_contexts="
                             f"{self.n_contexts} (a larger corpus or a smaller n_components)")
        docs = [np.fromiter((vocab.get(w, -1) for w in words(t)), dtype=np.int64) for t in texts]
        counts = cooccurrence(docs, len(vocab), window=self.window)
        # Only the n_contexts most frequent words as contexts: rare contexts add little but their columns
        # and non-zeros make the SVD (most of the fit time) slower; float32 halves its memory traffic.
        matrix = ppmi(counts[:, :self.n_contexts], alpha=self.alpha).astype(np.float32)
        svd = TruncatedSVD(n_components=self.n_components, random_state=self.random_state)
        u = svd.fit_transform(matrix)  # U * S
        vectors = u / np.sqrt(np.maximum(svd.singular_values_, 1e-12))  # U * S^0.5
        self.vocabulary_ = vocab
        self.vectors_ = normalize(vectors).astype(np.float32)
        self.n_docs_ = len(texts)
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "vectors_")
        vocab = self.vocabulary_
        rows, cols = [], []
        for i, text in enumerate(as_texts(X)):
            hits = [vocab[w] for w in words(text) if w in vocab]
            rows += [i] * len(hits)
            cols += hits
        n = len(as_texts(X))
        bag = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
        return np.asarray(normalize(bag, norm="l1") @ self.vectors_)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vectors_")
        return np.array([f"vec{k}" for k in range(self.vectors_.shape[1])], dtype=object)


def _allsides_file():
    try:
        return datasets.locate("allsides", "articles", download=False)
    except DataNotFoundError as exc:
        raise DataNotFoundError(f"the target_clause word vectors are learnt from the AllSides articles "
                                f"(dataset 'allsides'), which are missing: {exc}") from None


def allsides_texts(*, max_docs: int | None = ALLSIDES_MAX_DOCS) -> list[str]:
    """The AllSides article texts through the dataset loader: the first ``max_docs`` by AllSides ID (a fixed choice)."""
    _allsides_file()  # the error that names the dataset, before the loader's own
    df = datasets.load_allsides(download=False).sort_values("source_id", kind="stable")
    texts = df["text"].astype(str)
    return texts.iloc[:max_docs].tolist() if max_docs else texts.tolist()


def allsides_word_vectors() -> PpmiSvdVectors:
    """:class:`PpmiSvdVectors` fitted on the AllSides articles, once per machine, then read from the model cache.

    The cache key holds the articles file's digest, the settings, scikit-learn's version and the code hash.
    Raises :class:`~analysis.core.errors.DataNotFoundError` naming the dataset when AllSides is absent.
    """
    estimator = PpmiSvdVectors(**ALLSIDES_PARAMS)
    settings = {"max_docs": ALLSIDES_MAX_DOCS, **estimator.get_params()}
    entry = cache.key(settings=settings, files=[_allsides_file()], packages=("scikit-learn",))
    return cache.cached_object("word_vectors_allsides", entry, lambda: estimator.fit(allsides_texts()))


def source_files(source: str | None) -> list:
    """The data files the vectors ``source`` names are learnt from (for the cache key of a model that uses them)."""
    return [] if source is None else [_allsides_file()]


def load_word_vectors(source: str | None) -> PpmiSvdVectors | None:
    """The fitted word vectors ``source`` names (``"allsides"``), or None for ``None`` (no vector features)."""
    if source is None:
        return None
    if source == "allsides":
        return allsides_word_vectors()
    raise ValueError(f"word_vectors must be one of {', '.join(map(repr, SOURCES))} or None, got {source!r}")
