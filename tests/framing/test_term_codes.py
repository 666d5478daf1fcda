"""Integer n-gram counts: the same matrix and vocabulary as CountVectorizer with NgramAnalyzer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from analysis.framing import term_codes, terms

TEXTS = [
    "The U.S. and the UK said China's trade talks stalled; U.S.-China talks resume.",
    "",
    "Bank of America's CEO: \"we're fine\" -- trade talks, trade talks, trade talks!",
    "2019-2020 numbers 42 and the U.N. US UN UK officials don't agree\nnew line here",
    "Straße ÉLAN naïve café — résumé: Σίσυφος ΟΔΟΣ",
    "a b c d e f g",
    "trade talks stalled in the U.S. as officials said",
]


def _sklearn(texts, **kwargs):
    stop = kwargs.pop("stop_words", terms.ENGLISH_STOP_WORDS)
    vec = CountVectorizer(analyzer=terms.NgramAnalyzer(stop_words=stop, ngram_range=kwargs.pop("ngram_range", (1, 3))),
                          **kwargs)
    return vec.fit_transform(texts).tocsr(), vec.get_feature_names_out()


@pytest.mark.parametrize("kwargs", [dict(min_df=1), dict(min_df=2), dict(min_df=1, ngram_range=(2, 3)),
                                    dict(min_df=1, stop_words=None), dict(min_df=1, ngram_range=(1, 5))])
def test_counts_and_vocabulary_equal_countvectorizer(kwargs):
    expected_X, expected_vocab = _sklearn(TEXTS, **dict(kwargs))
    X, vocab = term_codes.count_texts(TEXTS, **{"stop_words": terms.ENGLISH_STOP_WORDS, **kwargs})
    assert vocab.tolist() == expected_vocab.tolist()
    assert X.dtype == expected_X.dtype and X.shape == expected_X.shape
    assert (X != expected_X).nnz == 0
    assert X.has_sorted_indices


def test_random_texts_equal_countvectorizer():
    rng = np.random.default_rng(0)
    words = ["trade", "talks", "U.S.", "the", "of", "china's", "2020", "x", "said", ".", ",", "\n", "US", "well-known"]
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 40))) for _ in range(60)]
    expected_X, expected_vocab = _sklearn(texts, min_df=2)
    X, vocab = term_codes.count_texts(texts, min_df=2)
    assert vocab.tolist() == expected_vocab.tolist() and (X != expected_X).nnz == 0


@pytest.mark.parametrize("batch_docs", [1, 2, 3, 1000])
def test_counts_read_in_batches_equal_one_pass(monkeypatch, batch_docs):
    # batches of texts (a first batch with an empty text, words first seen in later batches, a last batch shorter
    # than the others) give the ids, codes and counts one pass gives: CountVectorizer's
    monkeypatch.setattr(term_codes, "BATCH_DOCS", batch_docs)
    rng = np.random.default_rng(1)
    words = ["trade", "talks", "U.S.", "the", "of", "china's", "2020", "x", "said", ".", "\n", "US", "well-known"]
    texts = TEXTS + [" ".join(rng.choice(words, size=rng.integers(0, 30))) for _ in range(20)]
    for min_df in (1, 2):
        expected_X, expected_vocab = _sklearn(texts, min_df=min_df)
        X, vocab = term_codes.count_texts(iter(texts), min_df=min_df)  # any iterable, read once
        assert vocab.tolist() == expected_vocab.tolist() and (X != expected_X).nnz == 0
        assert X.shape == (len(texts), len(vocab)) and X.has_sorted_indices
    empty_X, empty_vocab = term_codes.count_texts([], min_df=1)
    assert empty_X.shape == (0, 0) and len(empty_vocab) == 0


def test_separator_is_a_character_no_text_uses():
    assert term_codes.separator(["plain text"]) == "ǂ"
    assert term_codes.separator(["a ǂ b", "ǁ", None]) == "ǀ"
    assert terms.tokenize(f"end. {term_codes.separator([])} start") == ["end", None, "ǂ", "start"]
    with pytest.raises(ValueError, match="separator"):
        term_codes.separator(["x", term_codes._SEPARATORS])


def test_bad_ngram_range_names_the_argument():
    with pytest.raises(ValueError, match="ngram_range"):
        term_codes.Tokens(ngram_range=(2, 1))


@pytest.mark.parametrize("text", TEXTS + ["(“Quoted,” she said—then left.)\n\n[1] {x}", "U.S.-China U.S. US's n't"])
def test_token_matches_are_tokenize_with_breaks_spelled_out(text):
    matches = terms.token_matches(text)
    assert [None if m[0] in terms.BREAK_CHARS else m for m in matches] == terms.tokenize(text)
    assert all(matches)
