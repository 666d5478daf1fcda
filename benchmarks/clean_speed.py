"""The clean stage's time per article on AllSides, against the regex floor, with an output digest to compare runs.

    ANALYSIS_DATA_MIRRORS=../shared/data .venv/bin/python benchmarks/clean_speed.py [--n 3000] [--save FILE]
        [--compare FILE] [--profile]

On the first ``--n`` AllSides articles (Baly et al. 2020; 0 = all 37,554),
shaped as ingest writes them (NFC, no trailing spaces, ``doc_id`` from the
source id), one process:

* ``clean_articles`` wall time, ms per article, and its ratio to the floor
  (one ``re.findall(r"\\w+")`` pass per article, as ``benchmarks/pipeline.py``
  measures it);
* ``--save FILE`` pickles the cleaned table and the cleaning log,
  ``--compare FILE`` checks them equal to a saved pair (byte-identical text,
  every column, every log row), so a faster clean can be shown to change
  nothing: run ``--save`` on the old code, ``--compare`` on the new;
* ``--profile`` prints the 25 most expensive functions (cProfile, cumulative).

Prints only counts, times and equality; no article text.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import re
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from analysis.collect import datasets  # noqa: E402
from analysis.collect.ingest import doc_id, normalise_text  # noqa: E402
from analysis.text import clean  # noqa: E402


def raw_articles(n: int) -> pd.DataFrame:
    df = datasets.load_allsides(download=False)
    df = df if not n else df.head(n)
    return pd.DataFrame({
        "doc_id": [doc_id("allsides", i) for i in df["source_id"]],
        "outlet": df["source_outlet"].to_numpy(),
        "title": df["title"].map(normalise_text).to_numpy(),
        "text": df["text"].map(normalise_text).to_numpy(),
        "published": df["published"].to_numpy(),
    }).drop_duplicates("doc_id", ignore_index=True)


def floor_seconds(texts: list[str]) -> float:
    start = time.perf_counter()
    for t in texts:
        re.findall(r"\w+", t)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=3000, help="first N articles (0: all)")
    parser.add_argument("--save", type=Path, help="pickle (articles, log) here")
    parser.add_argument("--compare", type=Path, help="check (articles, log) equal to this pickle")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    raw = raw_articles(args.n)
    floor = min(floor_seconds(raw["text"].tolist()) for _ in range(3))
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    cleaned, log = clean.clean_articles(raw)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    n = len(raw)
    print(f"clean: {n} articles in {seconds:.1f} s, {1000 * seconds / n:.2f} ms/article; floor {floor:.2f} s "
          f"({1000 * floor / n:.3f} ms/article); clean = {seconds / floor:.1f}x the floor; "
          f"{len(log)} log rows, {int(cleaned['is_duplicate'].sum())} duplicates", flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    if args.save:
        args.save.write_bytes(pickle.dumps((cleaned, log)))
    if args.compare:
        old_cleaned, old_log = pickle.loads(args.compare.read_bytes())
        same_text = old_cleaned["text"].tolist() == cleaned["text"].tolist()
        pd.testing.assert_frame_equal(old_cleaned, cleaned)
        pd.testing.assert_frame_equal(old_log, log)
        print(f"equal to {args.compare.name}: every column and log row (text byte-identical: {same_text})")


if __name__ == "__main__":
    main()
