"""N-gram counts of many short texts against a fitted vocabulary, with the Python work done once per distinct
word or word pair instead of once per token: speed only, the matrices are scikit-learn's to the last bit.

Why by hand: ``CountVectorizer.transform`` builds every n-gram string of every text and looks each up in a
dict, in Python. The bias classifier scores every sentence of a study that way (1.7 million on the full
AllSides corpus, about a tenth of the frame stage), yet news sentences reuse a small vocabulary: here the
tokens are numbered by ``pandas.factorize`` (in C), each distinct unigram, adjacent pair or word is looked up
once, and the counts are summed by scipy. ``tests/framing/test_ngram_counts.py`` compares both on real and
edge-case texts, matrices equal to the last bit.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def _tokens(texts: list[str]) -> tuple[np.ndarray, list, np.ndarray]:
    """(token codes, distinct tokens, document of each token) of whitespace-split ``texts``."""
    return coded([t.split() for t in texts])


def coded(token_lists: list[list[str]]) -> tuple[np.ndarray, list, np.ndarray]:
    """(token codes, distinct tokens, document of each token) of texts already split into tokens."""
    lengths = np.fromiter((len(s) for s in token_lists), dtype=np.int64, count=len(token_lists))
    codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(token_lists)), dtype=object), sort=False)
    return codes.astype(np.int64), list(uniques), np.repeat(np.arange(len(token_lists)), lengths)


def _csr(docs: np.ndarray, cols: np.ndarray, n_docs: int, n_features: int, dtype) -> sparse.csr_matrix:
    keep = cols >= 0
    X = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=dtype), (docs[keep], cols[keep])),
                          shape=(n_docs, n_features))
    X.sum_duplicates()  # also sorts each row's indices, as CountVectorizer leaves them
    return X


def word_ngram_counts(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """What ``vectorizer``'s counting step gives ``texts``, for a fitted word vectorizer of n-grams of length 1
    or 2 over whitespace-separated tokens (``token_pattern=r"\\S+"``, no lowercasing, no stop words)."""
    return coded_word_counts(vectorizer, *_tokens(texts), len(texts))


def coded_word_counts(vectorizer: TfidfVectorizer, codes: np.ndarray, uniques: list, docs: np.ndarray,
                      n_texts: int) -> sparse.csr_matrix:
    """:func:`word_ngram_counts` of ``n_texts`` texts given as :func:`coded` tokens."""
    low, high = vectorizer.ngram_range
    if vectorizer.analyzer != "word" or vectorizer.token_pattern != r"\S+" or vectorizer.lowercase or \
            vectorizer.stop_words is not None or high > 2 or vectorizer.tokenizer or vectorizer.preprocessor:
        raise ValueError("word_ngram_counts handles whitespace tokens, n-grams of length 1-2, no preprocessing")
    vocabulary, n = vectorizer.vocabulary_, len(vectorizer.vocabulary_)
    doc_parts, col_parts = [], []
    if low <= 1:
        column = np.fromiter((vocabulary.get(u, -1) for u in uniques), dtype=np.int64, count=len(uniques))
        doc_parts.append(docs)
        col_parts.append(column[codes] if len(codes) else codes)
    if high >= 2 and len(codes) > 1:
        same = docs[1:] == docs[:-1]
        pairs = codes[:-1][same] * len(uniques) + codes[1:][same]
        distinct, inverse = np.unique(pairs, return_inverse=True)
        first, second = np.divmod(distinct, len(uniques))
        column = np.fromiter((vocabulary.get(f"{uniques[a]} {uniques[b]}", -1) for a, b in zip(first, second)),
                             dtype=np.int64, count=len(distinct))
        doc_parts.append(docs[1:][same])
        col_parts.append(column[inverse.ravel()])
    if not doc_parts:
        return _csr(np.empty(0, np.int64), np.empty(0, np.int64), n_texts, n, vectorizer.dtype)
    return _csr(np.concatenate(doc_parts), np.concatenate(col_parts), n_texts, n, vectorizer.dtype)


def char_wb_counts(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """What a fitted ``analyzer="char_wb"`` vectorizer's counting step gives ``texts``: its n-grams never
    cross a space, so a text's counts are the sum of its words' counts, each distinct word analysed once."""
    lowered = [t.lower() for t in texts] if vectorizer.lowercase else texts
    return coded_char_wb_counts(vectorizer, *_tokens(lowered), len(texts))


def coded_char_wb_counts(vectorizer: TfidfVectorizer, codes: np.ndarray, uniques: list, docs: np.ndarray,
                         n_texts: int, *, memo: dict | None = None) -> sparse.csr_matrix:
    """:func:`char_wb_counts` of ``n_texts`` texts given as :func:`coded` tokens, each as :func:`char_wb_counts`
    passes it on (lower-cased when the vectorizer lower-cases; the list may repeat a word). ``memo``: a dict kept
    across calls with the same vectorizer, so each word is analysed once."""
    if vectorizer.analyzer != "char_wb" or vectorizer.preprocessor or vectorizer.strip_accents:
        raise ValueError("char_wb_counts handles analyzer='char_wb' without preprocessing or accent stripping")
    vocabulary, n = vectorizer.vocabulary_, len(vectorizer.vocabulary_)
    analyze = vectorizer.build_analyzer()
    memo = {} if memo is None else memo
    word_rows, word_cols = [], []
    for i, word in enumerate(uniques):
        cols = memo.get(word)
        if cols is None:
            cols = memo[word] = [j for j in map(vocabulary.get, analyze(word)) if j is not None]
        word_rows += [i] * len(cols)
        word_cols += cols
    per_word = _csr(np.array(word_rows, dtype=np.int64), np.array(word_cols, dtype=np.int64), len(uniques), n,
                    vectorizer.dtype)
    per_doc = _csr(docs, codes, n_texts, len(uniques), vectorizer.dtype)
    X = (per_doc @ per_word).tocsr()
    X.sort_indices()
    return X


def transform(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """``vectorizer.transform(texts)`` through :func:`word_ngram_counts` or :func:`char_wb_counts`."""
    count = char_wb_counts if vectorizer.analyzer == "char_wb" else word_ngram_counts
    # TfidfVectorizer.transform is counting followed by its fitted TfidfTransformer (``_tfidf``); the same
    # transformer weights these counts
    return weighted(vectorizer, count(vectorizer, texts))


def weighted(vectorizer: TfidfVectorizer, counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """The fitted tf-idf weights of ``vectorizer`` applied to its counting step's ``counts``, as ``transform`` does."""
    return vectorizer._tfidf.transform(counts, copy=False)
