"""ngram_counts gives scikit-learn's matrices to the last bit, on edge cases and on real BABE sentences."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED_DATA
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.framing import ngram_counts

TRAIN = ["the cat sat on the mat", "the dog sat", "a cat and a dog", "the the the cat", "dog dog cat sat mat",
         "Unusual Words ARE here", "naïve café résumé", "sat on the mat again"]
EDGE = ["", "   ", "cat", "the the the the", "mat the cat", "zebra unknown words only", "cat\tsat\non  the\x0cmat",
        "Café NAÏVE", "the cat sat on the mat " * 30, "dog"]


def same(a, b) -> bool:
    a, b = sparse.csr_matrix(a), sparse.csr_matrix(b)
    a.sort_indices()
    b.sort_indices()
    return (a.shape == b.shape and np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.data, b.data))  # exact: the same floats, not close ones


def word_vectorizer(texts, **kw) -> TfidfVectorizer:
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, **kw).fit(texts)


def char_vectorizer(texts, **kw) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, **kw).fit(texts)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 2)])
@pytest.mark.parametrize("min_df", [1, 2])
def test_word_counts_equal_sklearn(ngram_range, min_df):
    vec = word_vectorizer(TRAIN, ngram_range=ngram_range, min_df=min_df)
    assert same(ngram_counts.transform(vec, EDGE), vec.transform(EDGE))


def test_bigrams_never_join_the_end_of_one_text_to_the_next():
    vec = word_vectorizer(["mat cat", "x y"], ngram_range=(2, 2))
    X = ngram_counts.transform(vec, ["dog mat", "cat dog"])  # "mat cat" only across the two texts
    assert X.nnz == 0


@pytest.mark.parametrize("ngram_range", [(2, 4), (1, 3), (3, 5)])
@pytest.mark.parametrize("lowercase", [True, False])
def test_char_wb_counts_equal_sklearn(ngram_range, lowercase):
    vec = char_vectorizer(TRAIN, ngram_range=ngram_range, lowercase=lowercase, min_df=2)
    assert same(ngram_counts.transform(vec, EDGE), vec.transform(EDGE))


def test_counts_of_repeated_words_add_up():
    vec = char_vectorizer(["ab"], ngram_range=(2, 2))
    counts = ngram_counts.char_wb_counts(vec, ["ab ab ab"]).toarray()
    assert counts.sum() == 9  # " a", "ab", "b " in each of three words


def test_settings_it_cannot_reproduce_are_refused():
    with pytest.raises(ValueError, match="whitespace tokens"):
        ngram_counts.transform(TfidfVectorizer(ngram_range=(1, 3)).fit(TRAIN), EDGE)
    with pytest.raises(ValueError, match="char_wb"):
        ngram_counts.char_wb_counts(TfidfVectorizer(analyzer="char_wb", strip_accents="unicode").fit(TRAIN), EDGE)


@pytest.mark.skipif(not (SHARED_DATA / "babe_mbic" / "final_labels_SG2.csv").is_file(),
                    reason="shared BABE mirror not present")
def test_equal_sklearn_on_real_sentences():
    from analysis.collect.framing_datasets import load_babe

    texts = load_babe("sg2")["text"].tolist()
    fit_on, score = texts[::2], texts[1::2]
    for vec in (word_vectorizer(fit_on, ngram_range=(1, 2), min_df=2),
                char_vectorizer(fit_on, ngram_range=(2, 4), min_df=3)):
        assert same(ngram_counts.transform(vec, score), vec.transform(score))
