"""Near duplicates: articles whose word shingles mostly coincide (MinHash LSH for candidates, exact Jaccard to decide).

The clean stage marks each cluster's non-canonical members as duplicates of
its canonical article (:func:`analysis.text.clean.clean_articles`); nothing is
dropped.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Collection, Iterator
from itertools import accumulate, chain

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from analysis.core import tables
from analysis.text.characters import fold_for_matching, fold_for_words

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
    """A text's ``shingles``, UTF-8 encoded, as offsets into its folded words joined by spaces.

    Iterating gives each shingle's bytes (repeats included: a MinHash minimum is the same without them), cut
    with ``map`` so that no Python code runs per shingle; ``unique`` is the set, built only for the texts an
    exact Jaccard needs. A join, an encode and a set insert per shingle for every text were a third of the
    clean stage on AllSides. Jaccard is unchanged by the one-to-one recoding from ``str`` to ``bytes``.
    """

    __slots__ = ("encoded", "starts", "size", "_unique")

    def __init__(self, text: str, *, size: int):
        words = re.findall(r"\w+", fold_for_words(text))
        joined = " ".join(words)
        self.encoded = joined.encode()
        lengths = map(len, words) if len(self.encoded) == len(joined) else map(len, map(str.encode, words))
        # starts[i]: byte offset of word i, and one past the end for the last; a text of at most ``size`` words
        # is one shingle
        # (an array of machine integers: a list of Python ints took 36 bytes a word, kept for the whole corpus)
        self.starts = array("q", accumulate(map((1).__add__, lengths), initial=0) if words else ())
        self.size = min(size, len(words))
        self._unique: set[bytes] | None = None

    def __len__(self) -> int:
        return len(self.starts) - self.size if self.starts else 0

    def __iter__(self) -> Iterator[bytes]:
        return map(self.encoded.__getitem__, map(slice, self.starts, map((-1).__add__, self.starts[self.size:])))

    @property
    def unique(self) -> set[bytes]:
        if self._unique is None:
            self._unique = set(self)
        return self._unique


_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme


def _minhashes(sets: list[Collection[bytes]], *, num_perm: int, seed: int) -> list[MinHash]:
    """``MinHash.bulk(sets, hashfunc=zlib.crc32)``, the same hash values, computed with less per-set overhead.

    CRC-32 instead of datasketch's default SHA-1 of each shingle: MinHash only needs a well-spread 32-bit value
    per distinct shingle, and SHA-1 in Python was 40% of the clean stage on AllSides. datasketch copies a
    MinHash and hashes from a Python list per set; here every shingle of every set is hashed and mixed in one
    array, then each set's permuted minimum (its affine32 scheme: a * h + b in uint32) is one numpy
    expression: the MinHash step took a fifth of the time. A minimum does not depend on the order of the
    shingles, so they are not sorted. ``tests/text/test_duplicates.py`` checks the values equal bulk's.
    """
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    if template.scheme != "affine32":  # a datasketch whose default scheme changed: its own (slower) way
        return MinHash.bulk(sets, num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    a, b = (np.asarray(x, dtype=np.uint32) for x in template.permutations)
    empty = template.digest()
    total = sum(map(len, sets))
    hv = np.fromiter(map(zlib.crc32, chain.from_iterable(sets)), dtype=np.uint32, count=total)
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    out, start = [], 0
    for n in map(len, sets):
        values = np.minimum((hv[start:start + n, None] * a + b).min(axis=0), empty) if n else empty.copy()
        out.append(MinHash(seed=seed, hashfunc=zlib.crc32, hashvalues=values, permutations=template.permutations,
                           scheme="affine32"))
        start += n
    return out


# LSH banded at the threshold itself misses pairs just above it: with 128
# permutations, 28% of 300 pairs at Jaccard 0.86 and 50% at 0.82 were never
# proposed; banded at threshold - 0.2 the misses were 0% and 0.7%. The exact
# Jaccard still decides, so the lower band only costs a few extra checks.
CANDIDATE_MARGIN = 0.2


def _candidates(ids: list[str], hashes: list[MinHash], *, threshold: float, num_perm: int) -> Iterator[list[int]]:
    """For each article, the (sorted) indices LSH puts in its bucket."""
    lsh = MinHashLSH(threshold=max(0.1, threshold - CANDIDATE_MARGIN), num_perm=num_perm)
    position = {doc: i for i, doc in enumerate(ids)}
    for doc, h in zip(ids, hashes):
        lsh.insert(doc, h)
    for h in hashes:
        yield sorted(position[d] for d in lsh.query(h))


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


def _signatures(texts: list[str], *, size: int, num_perm: int, seed: int,
                cache: dict) -> tuple[list[_Shingles], list[MinHash]]:
    """Each text's shingle set and MinHash, from ``cache`` where it holds them (filled with the rest)."""
    keys = [(t, size, num_perm, seed) for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in cache))
    sets = [_Shingles(t, size=size) for t, *_ in todo]
    cache.update(zip(todo, zip(sets, _minhashes(sets, num_perm=num_perm, seed=seed))))
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
        "doc_id": [str(d) for d in articles["doc_id"]],
    })
    return frame.sort_values(["undated", "published", "length", "doc_id"], kind="stable").index.tolist()


def find_near_duplicates(articles: pd.DataFrame, *, threshold: float = 0.8, num_perm: int = 128,
                         shingle: int = 5, seed: int = 1, cache: dict | None = None) -> pd.DataFrame:
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
    """
    missing = [c for c in ("doc_id", "text") if c not in articles.columns]
    if missing:
        raise ValueError(f"articles: missing columns {missing}; got {list(articles.columns)}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold={threshold}: use a Jaccard similarity in (0, 1]")
    texts = [str(t) if isinstance(t, str) else "" for t in articles["text"]]
    ids = [str(d) for d in articles["doc_id"]]
    sets, hashes = _signatures(texts, size=shingle, num_perm=num_perm, seed=seed,
                               cache={} if cache is None else cache)
    candidates = list(_candidates(ids, hashes, threshold=threshold, num_perm=num_perm))
    members = _star_clusters(_canonical_order(articles, texts), sets, candidates, threshold=threshold)
    rows = []
    for j, c in sorted(members.items(), key=lambda jc: ids[jc[0]]):
        exact = fold_for_matching(texts[j]) == fold_for_matching(texts[c])
        rows.append((ids[j], ids[c], "exact" if exact else "near", float(hashes[j].jaccard(hashes[c])),
                     _jaccard(sets[j].unique, sets[c].unique)))
    return tables.typed_frame(rows, DUPLICATE_COLUMNS)
