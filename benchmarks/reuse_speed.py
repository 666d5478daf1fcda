"""Text-reuse detection's time, new against old, on a study's articles, with the results compared.

    .venv/bin/python benchmarks/reuse_speed.py ARTICLES.parquet [--n 0] [--seed 1] [--min-containment 0.15]

Runs :func:`analysis.provenance.reuse.find_reuse` twice on the same articles (the first ``--n``, 0 = all),
one process, each once:

* old style (the baseline, measured in the same run): shingles from a ``re.finditer`` and a zlib call per
  shingle, candidate pairs from datasketch's MinHash LSH Ensemble (``MinHash.bulk``, the ensemble's
  partitioning, an insert and a query per article), as the toolkit did before;
* new: the vectorised shingles and the exact shared-shingle candidates of
  :mod:`analysis.provenance.shared_shingles`.

Both share everything after the candidates (exact containment, passages, quotation regions), so the tables
can only differ where the LSH missed a pair. Prints wall and CPU seconds of each, their ratio, and the
comparison: whether every old row is among the new ones, identical; the pairs only the new finds (with their
containment, which must reach the threshold); and whether every LSH candidate that reaches the threshold is
among the new candidates. Prints counts, times and containments only; no article text.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSHEnsemble

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from analysis.core import progress  # noqa: E402
from analysis.provenance import reuse, shared_shingles  # noqa: E402

CANDIDATE_MARGIN = 0.05  # the old LSH threshold was this much below min_containment
OLD_NUM_PERM, OLD_NUM_PART = 128, 8  # the old LSH Ensemble's settings (ReuseSettings no longer has them)


def old_style(seed: int, record: dict) -> SimpleNamespace:
    """The functions find_reuse takes from ``shared_shingles``, done the old way (``record`` gets the sets and
    the LSH candidates)."""

    def article_shingles(texts, *, size):
        positional, spans = [], []
        for text in texts:
            words, offsets = shared_shingles.word_spans(text)
            positional.append(shared_shingles.shingle_hashes(words, size).astype(np.uint32))
            spans.append(offsets.astype(np.int32))
        return positional, spans

    def shared_counts(sets, *, max_df):
        record["sets"] = sets
        return shared_shingles.shared_counts(sets, max_df=max_df)

    def containment_candidates(counts, *, threshold):
        sets = record["sets"]
        usable = [i for i, s in enumerate(sets) if len(s)]
        hashes = MinHash.bulk([sets[i] for i in usable], num_perm=OLD_NUM_PERM, seed=seed, hashfunc=int)
        index = MinHashLSHEnsemble(threshold=max(0.05, threshold - CANDIDATE_MARGIN), num_perm=OLD_NUM_PERM,
                                   num_part=min(OLD_NUM_PART, max(1, len(usable))))
        index.index([(i, h, len(sets[i])) for i, h in zip(usable, hashes)])
        found = {(min(i, j), max(i, j)) for i, h in zip(usable, hashes) for j in index.query(h, len(sets[i]))
                 if i != j}
        record["candidates"] = found
        return found

    return SimpleNamespace(article_shingles=article_shingles, shared_counts=shared_counts,
                           containment_candidates=containment_candidates,
                           passage_candidates=shared_shingles.passage_candidates)


def timed(articles: pd.DataFrame, settings: reuse.ReuseSettings) -> tuple[float, float, pd.DataFrame, pd.DataFrame]:
    wall, cpu = time.perf_counter(), time.process_time()
    with progress.quiet():
        pairs, passages = reuse.find_reuse(articles, settings=settings)
    return time.perf_counter() - wall, time.process_time() - cpu, pairs, passages


def compare(old: tuple[pd.DataFrame, pd.DataFrame], new: tuple[pd.DataFrame, pd.DataFrame],
            threshold: float) -> None:
    keys = ["doc_a", "doc_b"]
    for name, a, b in (("reuse_pairs", old[0], new[0]), ("reuse_passages", old[1], new[1])):
        if a.equals(b):
            print(f"{name}: identical ({len(a)} rows)")
            continue
        shared = b.merge(a[keys].drop_duplicates(), on=keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(shared, a.reset_index(drop=True))
        print(f"{name}: every old row is among the new, identical; {len(b) - len(a)} rows more")
    extra = new[0].merge(old[0][keys], on=keys, how="left", indicator=True)
    extra = extra.loc[extra["_merge"] == "left_only"]
    if len(extra):
        top = extra[["containment_a_in_b", "containment_b_in_a"]].max(axis=1)
        print(f"pairs only the new finds: {len(extra)} ({extra['relation'].value_counts().to_dict()}), max "
              f"containment {top.min():.3f} .. {top.max():.3f} (threshold {threshold}); the LSH missed them")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path)
    parser.add_argument("--n", type=int, default=0, help="first N articles (0: all)")
    parser.add_argument("--seed", type=int, default=1, help="the old LSH's MinHash seed (the study's seed)")
    parser.add_argument("--min-containment", type=float, default=reuse.ReuseSettings.min_containment)
    args = parser.parse_args()
    articles = pd.read_parquet(args.articles)
    articles = articles[[c for c in ("doc_id", "outlet", "text", "published", "date_precision") if c in articles]]
    articles = articles.iloc[:args.n] if args.n else articles
    settings = reuse.ReuseSettings(min_containment=args.min_containment)

    record: dict = {}
    real = reuse.shared_shingles
    reuse.shared_shingles = old_style(args.seed, record)
    try:
        old_wall, old_cpu, *old = timed(articles, settings)
    finally:
        reuse.shared_shingles = real
    new_candidates: dict = {}
    reuse.shared_shingles = SimpleNamespace(**{k: getattr(real, k) for k in (
        "article_shingles", "shared_counts", "passage_candidates")},
        containment_candidates=lambda c, **kw: new_candidates.setdefault("found", real.containment_candidates(c, **kw)))
    try:
        new_wall, new_cpu, *new = timed(articles, settings)
    finally:
        reuse.shared_shingles = real
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(articles):,} articles; old (LSH Ensemble) {old_wall:.1f} s wall, {old_cpu:.1f} s CPU; "
          f"new (exact candidates) {new_wall:.1f} s wall, {new_cpu:.1f} s CPU; old/new = {old_wall / new_wall:.1f}x "
          f"wall, {old_cpu / new_cpu:.1f}x CPU; peak RSS {peak:,.0f} MB (both runs)")
    sets = record["sets"]
    reaching = {(i, j) for i, j in record["candidates"]
                if len(np.intersect1d(sets[i], sets[j], assume_unique=True)) / min(len(sets[i]), len(sets[j]))
                >= args.min_containment}
    print(f"LSH candidates {len(record['candidates']):,}, {len(reaching):,} reach the threshold; new candidates "
          f"{len(new_candidates['found']):,}; LSH candidates reaching it missing from the new: "
          f"{len(reaching - new_candidates['found'])}")
    compare(tuple(old), tuple(new), args.min_containment)


if __name__ == "__main__":
    main()
