"""``analysis.text.duplicates``: the fast shingles and MinHash give what the straightforward ones gave."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash, MinHashLSH

from analysis.text import duplicates, shingle_crc

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


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_shingle_hashes_are_the_crc32_of_each_shingle(size, monkeypatch):
    long_word = "x" * 700 + "é"  # a shift by a length no other word has
    longer = "y" * 70_000  # lengths past the counting table
    texts = TEXTS + [f"{long_word} and {long_word} again, then {long_word}", "two words", f"a {longer} b c d e f g h"]
    texts += [" ".join(f"w{i % 13}" for i in range(40)), f"snake_case 2024 {'z' * 48} {'q' * 49} x_1 ½ ٣ 𝟘 ǅ end"]
    texts += TEXTS[::-1]
    monkeypatch.setattr(shingle_crc, "BATCH_CHARS", 60)  # texts split over several batches
    sets, crc = duplicates._shingle_hashes(texts, size=size)
    want = [zlib.crc32(s) for shingles in sets for s in shingles]
    assert crc.dtype == np.uint32 and crc.tolist() == want
    assert [len(s) for s in sets] == [len(duplicates._Shingles(t, size=size)) for t in texts]


@pytest.mark.parametrize("chunk", [1 << 14, 100])  # one chunk, or many and sets larger than one
def test_minhashes_equal_datasketch_bulk(chunk, monkeypatch):
    monkeypatch.setattr(duplicates, "_MINHASH_CHUNK", chunk)
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


def test_candidates_equal_datasketch_lsh_query():
    rng = np.random.default_rng(1)
    vocabulary = [f"w{i}" for i in range(40)]
    base = [" ".join(rng.choice(vocabulary, 60)) for _ in range(12)]
    texts = [t for b in base for t in (b, b + " " + " ".join(rng.choice(vocabulary, rng.integers(0, 30))))]
    texts += ["", "", "short text", " ".join(vocabulary)]  # empty texts share every band
    ids = [f"d{i}" for i in range(len(texts))]
    sets, crc = duplicates._shingle_hashes(texts, size=5)
    hashes = duplicates._minhashes_of_crcs(crc, [len(s) for s in sets], num_perm=128, seed=1)
    for threshold in (0.5, 0.8):
        lsh = MinHashLSH(threshold=max(0.1, threshold - duplicates.CANDIDATE_MARGIN), num_perm=128)
        for doc, h in zip(ids, hashes):
            lsh.insert(doc, h)
        want = [sorted(ids.index(d) for d in lsh.query(h)) for h in hashes]
        got = duplicates._candidates(ids, hashes, threshold=threshold, num_perm=128)
        assert got == want and any(len(c) > 1 for c in got)
    with pytest.raises(ValueError, match="doc_id"):
        duplicates._candidates(["a", "a"], hashes[:2], threshold=0.8, num_perm=128)


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
