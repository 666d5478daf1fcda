"""Near duplicates: articles whose word shingles mostly coincide (MinHash LSH for candidates, exact Jaccard to decide).

The clean stage marks each cluster's non-canonical members as duplicates of
its canonical article (:func:`analysis.text.clean.clean_articles`); nothing is
dropped.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection, Iterator
from itertools import chain

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from analysis.core import tables
from analysis.text.characters import fold_for_matching, fold_for_words
from analysis.text.shingle_crc import shingle_crcs

#: ``find_near_duplicates``: one row per non-canonical member of a cluster.
DUPLICATE_COLUMNS: dict[str, str] = {
    "doc_id": "str", "canonical_doc_id": "str", "kind": "str",  # kind: exact or near
    "similarity": "float",  # MinHash estimate of the shingle Jaccard to the canonical
    "jaccard": "float",     # exact Jaccard of the two shingle sets
}


def shingles(text: str, *, size: int = 5) -> set[str]:
    """Word ``size``-grams of the folded text (a text shorter than that is one shingle)."""
    words = re.findall(r"\w+", fold_for_matching(text))
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class _Shingles:
    """A text's ``shingles``, UTF-8 encoded, held as the text and its word count.

    The clean stage hashes every shingle of every text (:func:`_shingle_hashes`, from word-level CRCs, without
    building a shingle) but needs the set itself only for the few texts an exact Jaccard is computed for:
    ``unique`` rebuilds it from the text then. Iterating gives each shingle's bytes, repeats included.
    Jaccard is unchanged by the one-to-one recoding from ``str`` to ``bytes``.
    """

    __slots__ = ("text", "n_words", "size", "_unique")

    def __init__(self, text: str, *, size: int, n_words: int | None = None):
        self.text = text
        self.n_words = len(_words(text)) if n_words is None else n_words
        self.size = min(size, self.n_words)  # a text of at most ``size`` words is one shingle
        self._unique: set[bytes] | None = None

    def __len__(self) -> int:
        return self.n_words - self.size + 1 if self.n_words else 0

    def __iter__(self) -> Iterator[bytes]:
        words = _words(self.text)
        return (" ".join(words[i:i + self.size]).encode() for i in range(len(self)))

    @property
    def unique(self) -> set[bytes]:
        if self._unique is None:
            self._unique = set(self)
        return self._unique


def _words(text: str) -> list[str]:
    return _WORD.findall(fold_for_words(text))


_WORD = re.compile(r"\w+")


def _shingle_hashes(texts: list[str], *, size: int,
                    folded: list[str | None] | None = None) -> tuple[list[_Shingles], np.ndarray]:
    """Each text's ``_Shingles`` and the CRC-32 of every shingle of every text, in order, in one array
    (:func:`analysis.text.shingle_crc.shingle_crcs` of the texts' folds, ``folded`` where given)."""
    folds = [fold_for_words(t) if f is None else f
             for t, f in zip(texts, folded if folded is not None else [None] * len(texts), strict=True)]
    n_words, crc = shingle_crcs(folds, size=size)
    return [_Shingles(t, size=size, n_words=n) for t, n in zip(texts, n_words.tolist())], crc


_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme


def _minhashes(sets: list[Collection[bytes]], *, num_perm: int, seed: int) -> list[MinHash]:
    """``MinHash.bulk(sets, hashfunc=zlib.crc32)``: the same hash values, computed with less per-set overhead."""
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    if template.scheme != "affine32":  # a datasketch whose default scheme changed: its own (slower) way
        return MinHash.bulk(sets, num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    total = sum(map(len, sets))
    crc = np.fromiter(map(zlib.crc32, chain.from_iterable(sets)), dtype=np.uint32, count=total)
    return _minhashes_of_crcs(crc, list(map(len, sets)), num_perm=num_perm, seed=seed)


def _minhashes_of_crcs(crc: np.ndarray, counts: list[int], *, num_perm: int, seed: int) -> list[MinHash]:
    """One MinHash per run of ``counts`` values of ``crc`` (each set's shingle CRCs, in a row).

    CRC-32 instead of datasketch's default SHA-1 of each shingle: MinHash only needs a well-spread 32-bit value
    per distinct shingle, and SHA-1 in Python was 40% of the clean stage on AllSides. datasketch copies a
    MinHash and hashes from a Python list per set; here every shingle of every set is mixed in one array, then
    permuted (its affine32 scheme: a * h + b in uint32) and reduced to each set's minimum a chunk of sets at a
    time. A minimum does not depend on the order of the shingles, so they are not sorted.
    ``tests/text/test_duplicates.py`` checks the values equal bulk's.
    """
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    if template.scheme != "affine32":
        raise RuntimeError(f"datasketch MinHash scheme {template.scheme!r}: expected 'affine32'")
    a, b = (np.asarray(x, dtype=np.uint32)[:, None] for x in template.permutations)
    empty = template.digest()
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    hv = crc ^ (crc >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    # Permutations in rows and shingles in columns, for the sets of a chunk at once: one minimum.reduceat over
    # each set's columns (the minimum of every row of a contiguous block), four times faster than a minimum per
    # set over rows of shingles.
    bounds = np.concatenate([[0], np.cumsum(counts, dtype=np.intp)])
    values = np.tile(empty, (len(counts), 1))
    filled = np.flatnonzero(np.diff(bounds))
    ends = bounds[filled + 1]
    buffer = np.empty((num_perm, _MINHASH_CHUNK), dtype=np.uint32)
    j = 0
    while j < len(filled):
        k = max(j + 1, int(np.searchsorted(ends, bounds[filled[j]] + _MINHASH_CHUNK, side="right")))
        chunk = filled[j:k]
        lo, hi = bounds[chunk[0]], bounds[chunk[-1] + 1]
        permuted = np.multiply(a, hv[None, lo:hi], out=buffer[:, :hi - lo] if hi - lo <= _MINHASH_CHUNK else None)
        permuted += b
        values[chunk] = np.minimum(np.minimum.reduceat(permuted, bounds[chunk] - lo, axis=1).T, empty)
        j = k
    return [MinHash(seed=seed, hashfunc=zlib.crc32, hashvalues=v, permutations=template.permutations,
                    scheme="affine32") for v in values]


_MINHASH_CHUNK = 1 << 14  # shingles a chunk: 8 MB of permuted values at 128 permutations


# LSH banded at the threshold itself misses pairs just above it: with 128
# permutations, 28% of 300 pairs at Jaccard 0.86 and 50% at 0.82 were never
# proposed; banded at threshold - 0.2 the misses were 0% and 0.7%. The exact
# Jaccard still decides, so the lower band only costs a few extra checks.
CANDIDATE_MARGIN = 0.2


def _candidates(ids: list[str], hashes: list[MinHash], *, threshold: float, num_perm: int) -> list[list[int]]:
    """For each article, the (sorted) indices LSH puts in its bucket.

    The buckets of datasketch's ``MinHashLSH`` (its band count and rows per band for this threshold, a bucket
    per band of identical hash values, as its dict storage keys them), found here by sorting each band's rows
    in numpy: its ``insert`` and ``query`` run Python code per article and band, a tenth of the clean stage on
    AllSides. ``tests/text/test_duplicates.py`` checks the candidates equal its ``query``.
    """
    if len(set(ids)) != len(ids):
        raise ValueError("articles: doc_id values repeat; near duplicates need one row per doc_id")
    lsh = MinHashLSH(threshold=max(0.1, threshold - CANDIDATE_MARGIN), num_perm=num_perm)
    candidates: list[set[int] | None] = [None] * len(hashes)
    if not hashes:
        return []
    signatures = np.stack([h.hashvalues for h in hashes])
    if signatures.shape[1] != num_perm:
        raise ValueError(f"Expecting minhash with length {num_perm}, got {signatures.shape[1]}")
    for start, end in lsh.hashranges:
        row = np.dtype((np.void, signatures.itemsize * (end - start)))  # a band's values as one sortable item
        band = np.ascontiguousarray(signatures[:, start:end]).view(row).ravel()
        _, bucket, size = np.unique(band, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(size[bucket] > 1)  # articles sharing this band with another
        if not len(shared):
            continue
        shared = shared[np.argsort(bucket[shared], kind="stable")]
        cuts = np.flatnonzero(np.diff(bucket[shared])) + 1
        for members in np.split(shared, cuts):
            members = members.tolist()
            for i in members:
                if candidates[i] is None:
                    candidates[i] = set(members)
                else:
                    candidates[i].update(members)
    return [[i] if found is None else sorted(found) for i, found in enumerate(candidates)]


def _star_clusters(order: list[int], sets: list[_Shingles], candidates: list[list[int]], *,
                   threshold: float) -> dict[int, int]:
    """member -> canonical: walk articles in canonical order; each unassigned one claims its unassigned
    candidates whose exact Jaccard to it reaches ``threshold``.

    Star clusters (rather than connected components) guarantee every member
    is similar to its canonical, not just to some chain of articles.
    """
    assigned: dict[int, int] = {}
    for i in order:
        if i in assigned or not sets[i]:
            continue
        for j in candidates[i]:
            if j != i and j not in assigned and sets[j] and _jaccard(sets[i].unique, sets[j].unique) >= threshold:
                assigned[j] = i
        assigned[i] = i
    return {j: c for j, c in assigned.items() if j != c}


def _signatures(texts: list[str], *, size: int, num_perm: int, seed: int, cache: dict,
                folded: list[str | None] | None = None) -> tuple[list[_Shingles], list[MinHash]]:
    """Each text's shingle set and MinHash, from ``cache`` where it holds them (filled with the rest)."""
    keys = [(t, size, num_perm, seed) for t in texts]
    todo: dict[tuple, str | None] = {}  # the texts to do, each with its fold where the caller gave one
    for key, fold in zip(keys, folded if folded is not None else [None] * len(keys)):
        if key not in cache and key not in todo:
            todo[key] = fold
    sets, crc = _shingle_hashes([t for t, *_ in todo], size=size, folded=list(todo.values()))
    cache.update(zip(todo, zip(sets, _minhashes_of_crcs(crc, list(map(len, sets)), num_perm=num_perm, seed=seed))))
    found = [cache[k] for k in keys]
    return [s for s, _ in found], [h for _, h in found]


def _canonical_order(articles: pd.DataFrame, texts: list[str]) -> list[int]:
    """Earliest ``published`` (undated last), then longest text, then smallest doc_id."""
    published = (pd.to_datetime(articles["published"], utc=True) if "published" in articles
                 else pd.Series(pd.NaT, index=articles.index, dtype="datetime64[ns, UTC]"))
    frame = pd.DataFrame({
        "undated": published.isna().to_numpy(),
        "published": published.to_numpy(),
        "length": [-len(t) for t in texts],
        "doc_id": [str(d) for d in articles["doc_id"].tolist()],
    })
    return frame.sort_values(["undated", "published", "length", "doc_id"], kind="stable").index.tolist()


def find_near_duplicates(articles: pd.DataFrame, *, threshold: float = 0.8, num_perm: int = 128,
                         shingle: int = 5, seed: int = 1, cache: dict | None = None,
                         folded: list[str | None] | None = None) -> pd.DataFrame:
    """Exact and near duplicates across the whole table (wire copies, double ingests).

    MinHash LSH on word ``shingle``-grams of the folded text proposes
    candidates; the exact Jaccard of the shingle sets (cheap at corpus
    sizes here) decides, so the result does not hinge on LSH luck. Each
    cluster keeps one canonical article: earliest ``published``, then the
    longest text, then the smallest ``doc_id``.

    Returns one row per non-canonical member: ``doc_id``, ``canonical_doc_id``,
    ``kind`` ("exact" when the folded texts are identical, else "near"),
    ``similarity`` (MinHash estimate) and ``jaccard`` (exact), both to the canonical.
    Empty texts are never clustered (``quality_flags`` reports them).

    ``cache``: a dict the caller keeps across calls whose texts overlap (the
    clean stage calls this twice, before and after boilerplate removal, and
    most articles lose none); it maps a text to its shingle set and MinHash.
    ``folded``: each text's :func:`fold_for_words` or :func:`fold_for_matching`
    (the shingles are its ``\\w+`` words, the same in either) where the caller
    has it, to save folding it again.
    """
    missing = [c for c in ("doc_id", "text") if c not in articles.columns]
    if missing:
        raise ValueError(f"articles: missing columns {missing}; got {list(articles.columns)}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold={threshold}: use a Jaccard similarity in (0, 1]")
    texts = [t if isinstance(t, str) else "" for t in articles["text"].tolist()]
    ids = [str(d) for d in articles["doc_id"].tolist()]
    if folded is not None and len(folded) != len(texts):
        raise ValueError(f"folded: {len(folded)} texts for {len(texts)} articles")
    sets, hashes = _signatures(texts, size=shingle, num_perm=num_perm, seed=seed,
                               cache={} if cache is None else cache, folded=folded)
    candidates = _candidates(ids, hashes, threshold=threshold, num_perm=num_perm)
    members = _star_clusters(_canonical_order(articles, texts), sets, candidates, threshold=threshold)
    rows = []
    for j, c in sorted(members.items(), key=lambda jc: ids[jc[0]]):
        exact = fold_for_matching(texts[j]) == fold_for_matching(texts[c])
        rows.append((ids[j], ids[c], "exact" if exact else "near", float(hashes[j].jaccard(hashes[c])),
                     _jaccard(sets[j].unique, sets[c].unique)))
    return tables.typed_frame(rows, DUPLICATE_COLUMNS)
