"""Sentence scores cached by content hash, so no sentence is scored twice by the same instrument version.

Repeated sentences (boilerplate, wire copy) are scored once per partition, and a
re-run after a change of settings scores only the sentences it has not seen:
the cache is keyed by the instrument's version string and a 64-bit BLAKE2b hash
of the sentence text. At 10 million distinct sentences the chance that two of
them share a hash is about 3 in a million (birthday bound), and a collision
would cost one sentence its score, not a crash.

The cache lives in ``data/interim/_sentence_cache/`` and is shared by a
project's studies; deleting it only costs time. It holds hashes and scores,
never text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core import storage


def text_keys(texts) -> np.ndarray:
    """64-bit content hashes (as uint64) of each text."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
                        for t in texts), dtype=np.uint64, count=len(texts))


def cache_file(folder: Path, version: str) -> Path:
    digest = hashlib.sha256(version.encode()).hexdigest()[:16]
    return Path(folder) / f"{digest}.parquet"


@dataclass
class ScoreCache:
    """Sorted hashes and their scores for one instrument version (searchsorted lookups, no dict)."""

    keys: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> ScoreCache:
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=float))

    @classmethod
    def load(cls, folder: Path, version: str) -> ScoreCache:
        path = cache_file(folder, version)
        if not path.exists():
            return cls.empty()
        df = storage.read_table(path)
        return cls(df["key"].to_numpy(np.uint64), df["score"].to_numpy(float))

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found mask, scores; NaN where not found)."""
        pos = np.searchsorted(self.keys, keys)
        pos_ok = np.minimum(pos, max(len(self.keys) - 1, 0))
        found = (pos < len(self.keys)) & (self.keys[pos_ok] == keys) if len(self.keys) else np.zeros(len(keys), bool)
        scores = np.full(len(keys), np.nan)
        scores[found] = self.scores[pos_ok[found]]
        return found, scores

    def merged(self, keys: np.ndarray, scores: np.ndarray) -> ScoreCache:
        all_keys = np.concatenate([self.keys, keys])
        all_scores = np.concatenate([self.scores, scores])
        uniq, first = np.unique(all_keys, return_index=True)
        return ScoreCache(uniq, all_scores[first])

    def save(self, folder: Path, version: str) -> None:
        storage.write_table(pd.DataFrame({"key": self.keys, "score": self.scores}), cache_file(folder, version))


def cached_scores(scorer, texts: pd.Series, cache: ScoreCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column 0 of ``scorer.transform`` for ``texts``, scoring each distinct uncached text once.

    Returns (scores, new keys, their scores) so the caller can grow the cache. Instruments score each
    sentence on its own (VADER, the sentence model, dictionaries), so scoring a subset gives the same
    numbers as scoring all.
    """
    keys = text_keys(texts.tolist())
    found, scores = cache.lookup(keys)
    missing = np.flatnonzero(~found)
    if len(missing) == 0:
        return scores, np.empty(0, np.uint64), np.empty(0)
    new_keys, first, inverse = np.unique(keys[missing], return_index=True, return_inverse=True)
    fresh = scorer.transform(texts.iloc[missing[first]])[:, 0] if len(new_keys) else np.empty(0)
    scores[missing] = fresh[inverse]
    return scores, new_keys, fresh
