"""``analysis.provenance.shared_shingles``: the vectorised shingles equal the per-word ones, and the candidate
pairs hold every pair an all-pairs comparison finds."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.provenance import reuse, shared_shingles
from analysis.text import shingle_crc

TEXTS = [
    "", "   ", "One", "Two words", "Exactly five words are here", "Six words: one, two, three, four.",
    "The Minister said on Monday that the “new” rules — all of them — apply to FIRMS in 2024 (not 2023).",
    "snake_case and x_1 stay one word; don't splits in two.",
    "Café owners in Zürich said the Straße was closed; ﬁnal offers ½ price, ǅemal ٣ times 𝟘.",
    "Ａｍａｚｏｎ full-width letters and İstanbul dotted capitals.",
    f"a {'x' * 47} {'y' * 48} {'z' * 49} {'w' * 700} b c d e",
    "Line one.\nLine two has\ttabs and\r\nwindows breaks.\n\n\nEnd",
    " ".join(f"w{i % 13}" for i in range(60)),
]


@pytest.mark.parametrize("size", [1, 3, 5])
def test_article_shingles_equal_the_per_word_hashes_and_offsets(size, monkeypatch):
    monkeypatch.setattr(shingle_crc, "BATCH_CHARS", 80)  # texts split over several batches
    texts = TEXTS + TEXTS[::-1]
    hashes, spans = shared_shingles.article_shingles(texts, size=size)
    for text, h, s in zip(texts, hashes, spans, strict=True):
        words, offsets = shared_shingles.word_spans(text)
        assert h.dtype == np.uint32 and h.tolist() == shared_shingles.shingle_hashes(words, size).tolist()
        assert s.dtype == np.int32 and s.reshape(-1, 2).tolist() == offsets.tolist()


def _brute_force(sets: list[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    found = set()
    for i, j in itertools.combinations(range(len(sets)), 2):
        if len(sets[i]) and len(sets[j]):
            shared = len(np.intersect1d(sets[i], sets[j]))
            if max(shared / len(sets[i]), shared / len(sets[j])) >= threshold:
                found.add((i, j))
    return found


def _corpus(seed: int) -> list[np.ndarray]:
    """Random shingle sets: unique text, some stock shingles found in many sets, copies of very different
    lengths, and sets made mostly of stock shingles (which only the exact common-shingle count finds)."""
    rng = np.random.default_rng(seed)
    stock = rng.integers(0, 2**32, 300, dtype=np.uint64).astype(np.uint32)
    sets = []
    for _ in range(40):
        own = rng.integers(0, 2**32, rng.integers(5, 400), dtype=np.uint64).astype(np.uint32)
        sets.append(np.unique(np.r_[own, rng.choice(stock, rng.integers(0, 60), replace=False)]))
    for k in range(8):  # a short passage copied into a long article, and the reverse
        long = sets[k]
        sets.append(np.unique(np.r_[rng.choice(long, max(1, len(long) // 4), replace=False),
                                    rng.integers(0, 2**32, 3 * k + 1, dtype=np.uint64).astype(np.uint32)]))
    for _ in range(6):  # mostly furniture: stock shingles with a few of its own
        sets.append(np.unique(np.r_[rng.choice(stock, 40, replace=False),
                                    rng.integers(0, 2**32, 5, dtype=np.uint64).astype(np.uint32)]))
    sets += [np.zeros(0, dtype=np.uint32), np.unique(stock[:3])]
    return sets


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("threshold, max_df", [(0.15, 10), (0.05, 3), (0.5, 20)])
def test_containment_candidates_hold_every_pair_that_reaches_the_threshold(seed, threshold, max_df):
    sets = _corpus(seed)
    counts = shared_shingles.shared_counts(sets, max_df=max_df)
    want = _brute_force(sets, threshold)
    got = shared_shingles.containment_candidates(counts, threshold=threshold)
    assert want and want <= got
    assert all(i < j for i, j in got)


@pytest.mark.parametrize("at_once", [1, 7, 100])
def test_pair_counts_are_the_same_counted_a_slice_at_a_time(monkeypatch, at_once):
    sets = _corpus(1)
    sets += [s.copy() for s in sets[:30]]  # copies: every shingle of theirs in two or more articles
    whole = shared_shingles.shared_counts(sets, max_df=10)
    n = len(sets)
    pairs = {}
    for i in range(n):
        for j in range(i + 1, n):  # brute force over the shingles found in at most max_df articles
            df_ok = [h for h in np.intersect1d(sets[i], sets[j]) if sum(h in s for s in sets) <= 10]
            if df_ok:
                pairs[i * n + j] = len(df_ok)
    assert dict(zip(whole.key.tolist(), whole.shared.tolist())) == pairs
    monkeypatch.setattr(shared_shingles, "KEYS_AT_ONCE", at_once)
    sliced = shared_shingles.shared_counts(sets, max_df=10)
    np.testing.assert_array_equal(sliced.key, whole.key)
    np.testing.assert_array_equal(sliced.shared, whole.shared)
    assert sliced.shared.dtype == whole.shared.dtype and sliced.key.dtype == whole.key.dtype


def test_a_pair_sharing_only_stock_shingles_is_a_candidate():
    """Twelve articles carry the same 50-shingle block (found in more than max_df articles), one article is only
    that block: every pair with it shares nothing rare and is contained in full."""
    rng = np.random.default_rng(0)
    block = rng.integers(0, 2**32, 50, dtype=np.uint64).astype(np.uint32)
    sets = [np.unique(np.r_[block, rng.integers(0, 2**32, 400, dtype=np.uint64).astype(np.uint32)])
            for _ in range(12)] + [np.unique(block)]
    counts = shared_shingles.shared_counts(sets, max_df=10)
    assert not len(counts.key)  # no rare shingle is shared at all
    got = shared_shingles.containment_candidates(counts, threshold=0.15)
    assert {(i, 12) for i in range(12)} <= got
    assert _brute_force(sets, 0.15) <= got


def test_passage_candidates_count_shared_rare_shingles():
    sets = _corpus(1)
    counts = shared_shingles.shared_counts(sets, max_df=5)
    values, df = np.unique(np.concatenate(sets), return_counts=True)
    rare = values[df <= 5]
    want = {(i, j) for i, j in itertools.combinations(range(len(sets)), 2)
            if len(np.intersect1d(np.intersect1d(sets[i], sets[j]), rare)) >= 3}
    assert shared_shingles.passage_candidates(counts, min_shared=3) == want


@pytest.mark.parametrize("sets", [[], [np.zeros(0, dtype=np.uint32)] * 3, [np.arange(5, dtype=np.uint32)],
                                  [np.arange(10, dtype=np.uint32) + 3 * k for k in range(5)]])
def test_no_articles_one_article_empty_sets_and_equal_sizes(sets):
    counts = shared_shingles.shared_counts(sets, max_df=10)
    assert shared_shingles.containment_candidates(counts, threshold=0.15) >= _brute_force(sets, 0.15)
    assert shared_shingles.passage_candidates(counts, min_shared=1) <= set(itertools.combinations(range(len(sets)), 2))


def test_find_reuse_on_one_article_and_on_empty_texts():
    one = pd.DataFrame({"doc_id": ["a"], "outlet": ["A"], "text": ["Some words that nobody copied at all here."]})
    pairs, passages = reuse.find_reuse(one)
    assert pairs.empty and passages.empty
    blank = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"], "text": ["", None, "  "]})
    pairs, passages = reuse.find_reuse(blank)
    assert pairs.empty and passages.empty
