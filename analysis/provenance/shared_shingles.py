"""Shingles of many articles at once, and the pairs of articles that share enough of them to be looked at.

Text reuse (:mod:`analysis.provenance.reuse`) compares articles by their word ``size``-gram shingles, each
hashed with ``zlib.crc32``. :func:`article_shingles` gives every article's shingle hashes (one per position)
and word offsets with numpy (:mod:`analysis.text.shingle_crc`), the same values a ``re.finditer`` and a zlib
call per shingle gave. :func:`shared_counts` counts, for every pair of articles, the shingles they share
among those found in few articles; :func:`containment_candidates` turns the counts into every pair whose
containment can reach a threshold (exactly: none is missed) and :func:`passage_candidates` into the pairs
sharing a long stretch of rare shingles.

Why exact candidates rather than MinHash LSH Ensemble (Zhu et al. 2016), which this replaced: on the
37,554-article AllSides corpus the ensemble's partitioning (quadratic in the number of distinct set sizes,
3,102 there) and its per-article inserts and queries in Python took most of the reuse stage's time, and the
pair counts were already computed for :func:`passage_candidates`. Counting shared rare shingles costs about
one pass over the sorted shingles (4.6 million pair keys on AllSides), and a pair whose shared shingles are
mostly common ones is caught by the bound in :func:`containment_candidates`.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from analysis.text import shingle_crc

_WORD = re.compile(r"\w+")


# --- shingles --------------------------------------------------------------

def word_spans(text: str) -> tuple[list[str], np.ndarray]:
    """Folded words of ``text`` and their (start, end) character offsets."""
    matches = list(_WORD.finditer(text))
    words = [m.group() for m in matches]
    # NFKC only where it can matter: it is most of the cost, and ASCII words are already normal.
    words = [(w if w.isascii() else unicodedata.normalize("NFKC", w)).casefold() for w in words]
    spans = np.fromiter((x for m in matches for x in m.span()), dtype=np.int64, count=2 * len(matches))
    return words, spans.reshape(-1, 2)


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """One 32-bit hash per position: the words ``i .. i+size-1`` (crc32, stable across runs and processes)."""
    if len(words) < size:
        return np.asarray([zlib.crc32(" ".join(words).encode())] if words else [], dtype=np.uint64)
    return np.fromiter((zlib.crc32(" ".join(words[i:i + size]).encode()) for i in range(len(words) - size + 1)),
                       dtype=np.uint64, count=len(words) - size + 1)


_UPPER = np.arange(128)
_LOWER = np.where((_UPPER >= ord("A")) & (_UPPER <= ord("Z")), _UPPER + 32, _UPPER).astype("<u4")


def article_shingles(texts: list[str], *, size: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each text's shingle hashes (uint32, one per position, as :func:`shingle_hashes` of :func:`word_spans`'
    words) and word offsets (int32, (start, end) rows, as :func:`word_spans`).

    A text whose words are all ASCII (most: curly quotes and dashes are no word characters) is hashed by
    :func:`analysis.text.shingle_crc.shingle_crcs`, given the text with its non-word characters made spaces and
    A-Z lowered: the same words at the same offsets as ``casefold`` gives ASCII. A text with a word character
    beyond ASCII, whose words are NFKC-normalised one by one, takes :func:`word_spans`; per article, the
    regex, the word list and a zlib call per shingle were a fifth of the reuse stage on AllSides.
    """
    hashes: list[np.ndarray | None] = [None] * len(texts)
    spans: list[np.ndarray | None] = [None] * len(texts)
    batch: list[int] = []
    n_chars = 0
    for k, text in enumerate(texts):
        batch.append(k)
        n_chars += len(text) + 1
        if n_chars >= shingle_crc.BATCH_CHARS:
            _batch([texts[i] for i in batch], batch, hashes, spans, size=size)
            batch, n_chars = [], 0
    _batch([texts[i] for i in batch], batch, hashes, spans, size=size)
    return hashes, spans


def _batch(texts: list[str], where: list[int], hashes: list, spans: list, *, size: int) -> None:
    if not texts:
        return
    joined = "\n".join(texts)  # a newline is no word character: no word runs from one text into the next
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    wordy = shingle_crc._is_word(points)
    edges = np.flatnonzero(np.diff(np.r_[np.int8(0), wordy.astype(np.int8), np.int8(0)]))
    starts, ends = edges[::2], edges[1::2]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_starts = np.cumsum(lengths + 1) - lengths - 1
    first_word = np.searchsorted(starts, text_starts)
    n_words = np.diff(np.r_[first_word, len(starts)])
    wide = np.flatnonzero(wordy & (points >= 128))
    slow = np.zeros(len(texts), dtype=bool)
    slow[np.searchsorted(text_starts, wide, side="right") - 1] = True
    fast = np.flatnonzero(~slow)
    folded = np.where(wordy, _LOWER[np.where(points < 128, points, 0)], np.uint32(0x20))
    fold = folded.astype("<u4").tobytes().decode("utf-32-le")
    folds = [fold[text_starts[k]:text_starts[k] + lengths[k]] for k in fast.tolist()]
    counts, crc = shingle_crc.shingle_crcs(folds, size=size)
    n_shingles = np.where(counts >= size, counts - size + 1, np.minimum(counts, 1))
    bounds = np.r_[0, np.cumsum(n_shingles)]
    offsets = np.stack([starts, ends], axis=1).astype(np.int64)
    for j, k in enumerate(fast.tolist()):
        hashes[where[k]] = crc[bounds[j]:bounds[j + 1]]
        lo = first_word[k]
        spans[where[k]] = (offsets[lo:lo + n_words[k]] - text_starts[k]).astype(np.int32)
    for k in np.flatnonzero(slow).tolist():
        words, offsets_k = word_spans(texts[k])
        hashes[where[k]] = shingle_hashes(words, size).astype(np.uint32)
        spans[where[k]] = offsets_k.astype(np.int32)


# --- pairs that share shingles -----------------------------------------------

@dataclass(frozen=True)
class SharedCounts:
    """For every pair (i, j), i < j, sharing a shingle found in at most ``max_df`` articles: ``key`` = i * n + j
    (ascending) and ``shared`` = how many such shingles; ``sizes`` = each set's size, ``common`` = how many of
    each set's shingles are found in more than ``max_df`` articles, with the inverted index they came from."""

    n: int
    max_df: int
    key: np.ndarray
    shared: np.ndarray
    sizes: np.ndarray
    common: np.ndarray
    docs: np.ndarray    # article of each (shingle, article) entry, by shingle, articles ascending within one
    starts: np.ndarray  # where each distinct shingle's entries start in ``docs``
    df: np.ndarray      # how many articles each distinct shingle is found in


def shared_counts(sets: list[np.ndarray], *, max_df: int) -> SharedCounts:
    """:class:`SharedCounts` of ``sets`` (each an array of distinct shingle hashes): an inverted index, its
    posting lists of 2 .. ``max_df`` articles expanded to pair keys, vectorised by posting-list length."""
    n = len(sets)
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=n)
    hashes = np.concatenate(sets) if sizes.sum() else np.zeros(0, dtype=np.uint32)
    docs = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(hashes, kind="stable")
    hashes, docs = hashes[order], docs[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]]) if len(hashes) else np.zeros(0, np.int64)
    df = np.diff(np.r_[starts, len(hashes)])
    common = np.bincount(docs[np.repeat(df > max_df, df)], minlength=n).astype(np.int64)
    # Pair keys are counted a slice of posting lists at a time and the slices' counts summed: all keys at once
    # were most of the reuse step's memory (on 12,000 articles, four copies each of 3,000, 700 MB above the rest),
    # while a slice's distinct pairs are few (copies share most of their shingles).
    unique_keys, key_counts = [], []
    for size in range(2, max_df + 1):
        groups = starts[df == size]
        if not len(groups):
            continue
        first, second = np.triu_indices(size, k=1)
        step = max(1, KEYS_AT_ONCE // len(first))
        for lo in range(0, len(groups), step):
            members = docs[groups[lo:lo + step, None] + np.arange(size)]  # doc ids ascending within a group
            k, c = np.unique((members[:, first] * n + members[:, second]).ravel(), return_counts=True)
            unique_keys.append(k)
            key_counts.append(c)
    key, shared = _summed(unique_keys, key_counts)
    return SharedCounts(n, max_df, key, shared, sizes, common, docs, starts, df)


KEYS_AT_ONCE = 4_000_000  # pair keys formed at a time (32 MB)


def _summed(keys: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys ascending, their summed counts) over several (distinct keys, counts) pieces."""
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(keys) == 1:
        return keys[0], counts[0]
    key, count = np.concatenate(keys), np.concatenate(counts)
    order = np.argsort(key, kind="stable")
    key, count = key[order], count[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return key[first], np.add.reduceat(count, first)


def passage_candidates(counts: SharedCounts, *, min_shared: int) -> set[tuple[int, int]]:
    """(i, j), i < j, for pairs sharing at least ``min_shared`` shingles found in at most ``max_df`` articles.

    The containment candidates find pairs by their share of the article, these by the absolute length of
    what they share.
    """
    kept = counts.key[counts.shared >= min_shared]
    return set(zip((kept // counts.n).tolist(), (kept % counts.n).tolist()))


# A pair is a candidate when its shared shingles may reach this much less than threshold x the smaller set:
# the bound is in integers, the containment that decides a float quotient.
_SLACK = 1e-6


def containment_candidates(counts: SharedCounts, *, threshold: float) -> set[tuple[int, int]]:
    """(i, j), i < j, for every pair whose shared shingles may reach ``threshold`` x the smaller set's size:
    a superset of the pairs whose containment either way reaches ``threshold``.

    Shared = shared rare + shared common <= shared rare + min(common_i, common_j). A pair sharing some rare
    shingle is kept when that bound reaches the threshold. A pair sharing none reaches it only if the smaller
    set has at least ``threshold`` x its size in common shingles; for those few sets (197 of 37,554 AllSides
    articles at ``max_df`` 10: pages of furniture and stock phrases) the common shingles are counted exactly,
    pair by pair.
    """
    n, sizes, common = counts.n, counts.sizes, counts.common
    i, j = counts.key // n, counts.key % n
    need = threshold * np.minimum(sizes[i], sizes[j]) - _SLACK
    bound = counts.shared + np.minimum(common[i], common[j]) >= need
    found = set(zip(i[bound].tolist(), j[bound].tolist()))
    heavy = (common >= threshold * sizes - _SLACK) & (sizes > 0)
    if not heavy.any():
        return found
    # Pairs (h, other) with h heavy, one key per common shingle they share; a pair of two heavy sets once.
    keys = []
    for group in np.flatnonzero(counts.df > counts.max_df).tolist():
        members = counts.docs[counts.starts[group]:counts.starts[group] + counts.df[group]]
        mine = members[heavy[members]]
        if not len(mine):
            continue
        other = np.broadcast_to(members, (len(mine), len(members)))
        mask = (other != mine[:, None]) & (~heavy[other] | (other > mine[:, None]))
        a, b = np.broadcast_to(mine[:, None], mask.shape)[mask], other[mask]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not keys:
        return found
    key, high = np.unique(np.concatenate(keys), return_counts=True)
    low = np.zeros(len(key), dtype=np.int64)  # what they share in rare shingles, if anything
    if len(counts.key):
        at = np.minimum(np.searchsorted(counts.key, key), len(counts.key) - 1)
        hit = counts.key[at] == key
        low[hit] = counts.shared[at[hit]]
    a, b = key // n, key % n
    exact = high + low >= threshold * np.minimum(sizes[a], sizes[b]) - _SLACK
    return found | set(zip(a[exact].tolist(), b[exact].tolist()))
