"""Benchmark: text-reuse detection on the AllSides corpus (Baly et al. 2020, 37,554 articles).

    .venv/bin/python benchmarks/reuse_allsides.py [--sample 3000] [--full]

Baseline, measured in the same run: exact all-pairs containment on a random
sample (a sparse articles x shingles matrix times its transpose: every pair,
no approximation). Against it, on the same sample, the toolkit's path
(``analysis.provenance.reuse.find_reuse``, exact shared-shingle candidates since
it replaced its MinHash LSH Ensemble; ``benchmarks/reuse_speed.py`` times the two): its time ratio and its
recall of the exact reuse pairs. ``--full`` then runs find_reuse on the whole
corpus and reports wall time and peak memory (max RSS of this process).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.collect import datasets
from analysis.provenance import reuse, shared_shingles


def _corpus(sample: int | None, seed: int) -> pd.DataFrame:
    df = datasets.load_allsides(download=False)
    df = df.rename(columns={"source_id": "doc_id", "source_outlet": "outlet"})
    df = df.loc[df["text"].str.len() > 0]
    if sample:
        df = df.sample(n=sample, random_state=seed)
    return df.reset_index(drop=True)


def exact_pairs(articles: pd.DataFrame, settings: reuse.ReuseSettings) -> set[tuple[str, str]]:
    """Every pair whose exact containment reaches the threshold either way (and shares a passage)."""
    ids = articles["doc_id"].astype(str).to_numpy()
    sets = [np.unique(shared_shingles.shingle_hashes(shared_shingles.word_spans(t)[0], settings.shingle))
            for t in articles["text"]]
    vocab, inverse = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    X = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, inverse)), shape=(len(sets), len(vocab)))
    shared = (X @ X.T).tocoo()
    sizes = np.array([max(1, len(s)) for s in sets], dtype=float)
    keep = (shared.row < shared.col) & (
        np.maximum(shared.data / sizes[shared.row], shared.data / sizes[shared.col]) >= settings.min_containment)
    candidates = [(i, j) for i, j in zip(shared.row[keep], shared.col[keep])]
    # The passage condition, as find_reuse applies it.
    found = set()
    spans = [shared_shingles.word_spans(t) for t in articles["text"]]
    hashes = [shared_shingles.shingle_hashes(w, settings.shingle) for w, _ in spans]
    for i, j in candidates:
        a, b = sorted((i, j), key=lambda k: ids[k])
        if reuse.align_passages(hashes[a], spans[a][1], hashes[b], spans[b][1], size=settings.shingle,
                                min_words=settings.min_passage_words):
            found.add((ids[a], ids[b]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=3000, help="articles in the baseline sample")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--full", action="store_true", help="also run on all 37,554 articles")
    args = parser.parse_args()
    settings = reuse.ReuseSettings()
    sample = _corpus(args.sample, args.seed)

    t0 = time.perf_counter()
    exact = exact_pairs(sample, settings)
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs, _ = reuse.find_reuse(sample, settings=settings)
    t_lsh = time.perf_counter() - t0
    found = set(zip(pairs["doc_a"], pairs["doc_b"]))
    recall = len(found & exact) / len(exact) if exact else float("nan")
    print(f"sample: {len(sample):,} articles; exact all-pairs baseline {t_exact:.1f} s, {len(exact)} reuse pairs")
    print(f"sample: find_reuse {t_lsh:.1f} s, {len(found)} pairs; "
          f"time ratio find_reuse/exact = {t_lsh / t_exact:.2f}; recall of exact pairs = {recall:.3f}; "
          f"pairs not in exact = {len(found - exact)}")
    if args.full:
        corpus = _corpus(None, args.seed)
        t0 = time.perf_counter()
        pairs, passages = reuse.find_reuse(corpus, settings=settings)
        t_full = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"full: {len(corpus):,} articles in {t_full:.1f} s ({len(corpus) / t_full:.0f} articles/s), "
              f"peak RSS {peak_mb:,.0f} MB; {len(pairs):,} reuse pairs ({int(pairs['syndicated'].sum()):,} "
              f"syndicated, {int(pairs['same_outlet'].sum()):,} within one outlet), {len(passages):,} passages; "
              f"time ratio full/sample = {t_full / t_lsh:.1f} for {len(corpus) / len(sample):.1f}x the articles")


if __name__ == "__main__":
    main()
