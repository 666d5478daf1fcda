"""PPMI-SVD word vectors: hand-checked counts and PMI, a tiny corpus where shared contexts make similar vectors,
determinism, the estimator contract, and the AllSides vectors cached once and named when missing."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core.errors import DataNotFoundError
from analysis.sentiment import word_vectors
from analysis.sentiment.word_vectors import PpmiSvdVectors, cooccurrence, ppmi, words


def tiny_corpus(n: int = 120, seed: int = 0) -> list[str]:
    """'slammed' and 'blasted' share their contexts, 'praised' and 'lauded' theirs; the two groups never meet."""
    rng = np.random.default_rng(seed)
    bad, good = ["slammed", "blasted"], ["praised", "lauded"]
    bad_ctx, good_ctx = ["critics", "furious", "angry", "scandal"], ["fans", "proud", "happy", "award"]
    docs = []
    for _ in range(n):
        if rng.random() < 0.5:
            docs.append(f"{rng.choice(bad_ctx)} {rng.choice(bad)} {rng.choice(bad_ctx)} {rng.choice(bad_ctx)}")
        else:
            docs.append(f"{rng.choice(good_ctx)} {rng.choice(good)} {rng.choice(good_ctx)} {rng.choice(good_ctx)}")
    return docs


def test_words_lowercase_letters_with_one_apostrophe():
    assert words("Trump's aides DIDN'T say -- 42 times!") == ["trump's", "aides", "didn't", "say", "times"]


def test_cooccurrence_counts_pairs_within_the_window_by_inverse_distance_and_not_across_documents():
    counts = cooccurrence([np.array([0, 1, 2]), np.array([2, 0])], 3, window=2).toarray()
    expected = np.zeros((3, 3))
    for a, b, w in [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 0.5), (2, 0, 1.0)]:  # (2, 0) is the second document
        expected[a, b] += w
        expected[b, a] += w
    np.testing.assert_allclose(counts, expected)
    # an out-of-vocabulary word (-1) keeps its place: 0 and 2 are two apart, not neighbours
    np.testing.assert_allclose(cooccurrence([np.array([0, -1, 2])], 3, window=1).toarray(), np.zeros((3, 3)))


def test_ppmi_matches_the_formula_and_drops_negative_pmi():
    counts = sp.csr_matrix(np.array([[0.0, 4.0, 1.0], [4.0, 0.0, 1.0], [1.0, 1.0, 2.0]]))
    c = counts.toarray()
    row, col = c.sum(axis=1), c.sum(axis=0) ** 0.75
    with np.errstate(divide="ignore"):
        expected = np.log(c * c.sum() / np.outer(row, col / col.sum() * c.sum()))
    expected = np.where(expected > 0, expected, 0.0)
    np.testing.assert_allclose(ppmi(counts).toarray(), expected)


def test_words_sharing_contexts_get_similar_vectors_and_the_fit_is_deterministic():
    docs = tiny_corpus()
    model = PpmiSvdVectors(n_components=3, min_count=1, window=2).fit(docs)
    v = model.vectors_
    sim = lambda a, b: float(v[model.vocabulary_[a]] @ v[model.vocabulary_[b]])  # noqa: E731
    assert sim("slammed", "blasted") > 0.9 and sim("praised", "lauded") > 0.9
    assert sim("slammed", "praised") < 0.5
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    again = PpmiSvdVectors(n_components=3, min_count=1, window=2).fit(list(docs))
    assert again.vocabulary_ == model.vocabulary_
    np.testing.assert_array_equal(again.vectors_, model.vectors_)


def test_transform_is_the_mean_of_known_word_vectors_and_zero_without_any():
    model = PpmiSvdVectors(n_components=3, min_count=1, window=2).fit(tiny_corpus())
    out = model.transform(["Slammed blasted unknownword", "nothing known here"])
    v, voc = model.vectors_, model.vocabulary_
    np.testing.assert_allclose(out[0], (v[voc["slammed"]] + v[voc["blasted"]]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(out[1], np.zeros(3))
    assert list(model.get_feature_names_out()) == ["vec0", "vec1", "vec2"]


def test_estimator_contract_and_a_corpus_too_small_for_the_dimensions():
    model = PpmiSvdVectors(n_components=3, min_count=1, window=2)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params() and not [a for a in vars(cloned) if a.endswith("_")]
    with pytest.raises(NotFittedError):
        cloned.transform(["slammed"])
    with pytest.raises(ValueError, match="n_components=200"):
        PpmiSvdVectors(min_count=1).fit(tiny_corpus())


def test_allsides_vectors_are_fitted_once_then_read_from_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cache"))
    articles = tmp_path / "articles.jsonl.gz"
    articles.write_bytes(b"stand-in")  # only its digest enters the key here
    monkeypatch.setattr(word_vectors, "_allsides_file", lambda: articles)
    fits = []
    monkeypatch.setattr(word_vectors, "allsides_texts", lambda: fits.append(1) or tiny_corpus())
    monkeypatch.setattr(word_vectors, "ALLSIDES_PARAMS", {"n_components": 3, "min_count": 1, "window": 2})
    first = word_vectors.load_word_vectors("allsides")
    second = word_vectors.load_word_vectors("allsides")
    assert len(fits) == 1
    np.testing.assert_array_equal(first.vectors_, second.vectors_)
    assert word_vectors.load_word_vectors(None) is None
    assert word_vectors.source_files("allsides") == [articles] and word_vectors.source_files(None) == []
    with pytest.raises(ValueError, match="'allsides'"):
        word_vectors.load_word_vectors("glove")


def test_missing_allsides_names_the_dataset(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(tmp_path / "nowhere"))
    for call in (lambda: word_vectors.load_word_vectors("allsides"), lambda: word_vectors.source_files("allsides")):
        with pytest.raises(DataNotFoundError, match="target_clause word vectors .* AllSides .*'allsides'"):
            call()
