"""Benchmark: analysis.sentiment.vader_fast.FastVader against vaderSentiment 3.3.2 on real AllSides sentences.

    .venv/bin/python benchmarks/vader_speed.py [--sentences 30000] [--seed 0] [--profile]

Baseline, measured in the same run: ``SentimentIntensityAnalyzer().polarity_scores``
on every sentence of a seeded sample (AllSides articles split with the
toolkit's Punkt splitter). Against it, on the same sentences: ``FastVader``,
each repetition on a new instance so its token and sentence caches start
empty (cold, as on a fresh corpus), with and without sentence memoisation;
with its token cache warm (the steady state of a long run, memoisation off);
and through the dict API. Times are the best of 3. Every sentence's four
scores are then compared bit for bit with the baseline's. ``--profile`` also
prints where the baseline spends its time (cProfile, first 10,000 sentences).
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import struct
import time

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.collect import datasets
from analysis.sentiment.vader_fast import FastVader
from analysis.text.prepare import PunktSentenceSplitter, split_sentences

KEYS = ("compound", "pos", "neu", "neg")
SENTENCES_PER_ARTICLE = 45  # AllSides mean with the Punkt splitter, measured on a 600-article sample


def sample_sentences(n: int, seed: int) -> list[str]:
    df = datasets.load_allsides(download=False)
    df = df.rename(columns={"source_id": "doc_id", "source_outlet": "outlet"})
    df = df.loc[df["text"].str.len() > 0]
    n_articles = min(len(df), math.ceil(1.2 * n / SENTENCES_PER_ARTICLE))
    df = df.sample(n=n_articles, random_state=seed)
    splitter = PunktSentenceSplitter().fit(df["text"])
    sentences = split_sentences(df[["doc_id", "outlet", "text"]], splitter=splitter)["text"]
    return pd.Series(sentences).sample(n=min(n, len(sentences)), random_state=seed).tolist()


def best_of(repeats: int, run, setup=lambda: None) -> float:
    """Best wall time of ``run(setup())``; ``setup`` (untimed) makes a fresh scorer."""
    times = []
    for _ in range(repeats):
        scorer = setup()
        t0 = time.perf_counter()
        run(scorer)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=30_000, help="sentences in the sample")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="timings per variant; the best is reported")
    parser.add_argument("--profile", action="store_true", help="also cProfile the baseline")
    args = parser.parse_args()
    sentences = sample_sentences(args.sentences, args.seed)
    n = len(sentences)
    repeated = 1 - len(set(sentences)) / n
    print(f"sample: {n:,} AllSides sentences (seed {args.seed}), {np.mean([len(s) for s in sentences]):.0f} "
          f"characters on average, {repeated:.1%} repeats")

    reference = SentimentIntensityAnalyzer()
    t_ref = best_of(args.repeats, lambda _: [reference.polarity_scores(s) for s in sentences])
    print(f"baseline vaderSentiment polarity_scores: {n / t_ref:,.0f} sentences/s ({t_ref / n * 1e6:.1f} µs each)")

    # Each repetition gets a new instance (made untimed), so its caches start
    # empty as on a fresh corpus; "warm" has first seen the sample's words
    # once, as it has after the first few thousand articles of a long run.
    def warm() -> FastVader:
        scorer = FastVader(cache_size=0)
        scorer.score_many(sentences)
        return scorer

    variants = {
        "FastVader.score_many, cold, memoised (default)": (FastVader, lambda f: f.score_many(sentences)),
        "FastVader.score_many, cold, cache_size=0": (lambda: FastVader(cache_size=0),
                                                     lambda f: f.score_many(sentences)),
        "FastVader.score_many, warm token cache, cache_size=0": (warm, lambda f: f.score_many(sentences)),
        "FastVader.polarity_scores (dict API), cold": (FastVader, lambda f: [f.polarity_scores(s) for s in sentences]),
    }
    for name, (setup, run) in variants.items():
        t = best_of(args.repeats, run, setup)
        print(f"{name}: {n / t:,.0f} sentences/s ({t / n * 1e6:.1f} µs each); "
              f"speed-up over baseline = {t_ref / t:.2f}x")

    fast = FastVader()
    got = fast.score_many(sentences)
    pack = struct.Struct("<4d").pack
    same = sum(pack(*row) == pack(*(want[k] for k in KEYS))
               for row, want in zip(got.tolist(), (reference.polarity_scores(s) for s in sentences)))
    print(f"identity: {same:,} of {n:,} sentences have bit-identical compound, pos, neu and neg"
          + ("" if same == n else f"; {n - same:,} DIFFER"))

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for s in sentences[:10_000]:
            reference.polarity_scores(s)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
