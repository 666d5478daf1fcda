"""``analysis.text.duplicates``: the fast shingles and MinHash give what the straightforward ones gave."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash

from analysis.text import duplicates

TEXTS = ["", "one", "a b", "one two three four five", "one two three four five six",
         "Hello, wörld — the “quick” brown fox jumps over the lazy dog again and again",
         "ß ﬁ Ｆｕｌｌ x y z w v", "a a a a a a a a a a", "Ünïcödé wörds ünd ASCII words mixed in one text here"]


@pytest.mark.parametrize("size", [1, 2, 5])
@pytest.mark.parametrize("text", TEXTS)
def test_shingles_are_the_encoded_word_ngrams(text, size):
    fast = duplicates._Shingles(text, size=size)
    assert fast.unique == {s.encode() for s in duplicates.shingles(text, size=size)}
    assert bool(fast) == bool(duplicates.shingles(text, size=size))
    assert len(fast) == len(list(fast)) >= len(fast.unique)


def test_minhashes_equal_datasketch_bulk():
    rng = np.random.default_rng(0)
    sets = [{bytes(rng.integers(0, 256, rng.integers(1, 20)).tolist()) for _ in range(n)}
            for n in rng.choice([0, 1, 3, 50, 900], size=60)]
    for num_perm, seed in [(128, 1), (64, 7)]:
        fast = duplicates._minhashes(sets, num_perm=num_perm, seed=seed)
        slow = MinHash.bulk(sets, num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
        for a, b in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(a.hashvalues, b.hashvalues)
            assert a.hashvalues.dtype == b.hashvalues.dtype
        assert [fast[0].jaccard(h) for h in fast] == [slow[0].jaccard(h) for h in slow]


def test_cache_gives_the_same_duplicates():
    base = "the ministry said the list was unfair and vowed a firm response to the new measures today "
    articles = pd.DataFrame({"doc_id": ["a", "b", "c", "d"],
                             "text": [base * 3, base * 3 + "updated", "something else entirely " * 8, ""]})
    plain = duplicates.find_near_duplicates(articles)
    cache: dict = {}
    first = duplicates.find_near_duplicates(articles, cache=cache)
    again = duplicates.find_near_duplicates(articles.iloc[::-1].reset_index(drop=True), cache=cache)
    pd.testing.assert_frame_equal(plain, first)
    pd.testing.assert_frame_equal(plain, again)
    assert plain["doc_id"].tolist() == ["a"] and plain["canonical_doc_id"].tolist() == ["b"] and len(cache) == 4
