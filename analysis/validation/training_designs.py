"""Compare news_ridge's training designs against VADER on the NYT human ratings, out of fold.

A research script, not a stage: ``python -m analysis.validation.training_designs [--source S] [--seed N]``
prints the validity table of each design (see :mod:`analysis.sentiment.sentence_model`) next to VADER's.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from analysis.collect.datasets import load_vader_nyt
from analysis.sentiment.sentence_model import (
    DEFAULT_SOURCE,
    SOURCES,
    SentenceSentimentRegressor,
    fit_default,
    nyt_validation_scores,
)
from analysis.validation.sentiment_gold import score_gold, sentiment_validity


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.validation.training_designs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=[*SOURCES, "all"], default="all",
                        help="training design(s) to validate (default: all three, next to VADER)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the folds and of the bootstrap")
    args = parser.parse_args(argv)
    gold = load_vader_nyt()
    frames = [score_gold(gold)]
    for source in SOURCES if args.source == "all" else [args.source]:
        t0 = time.perf_counter()
        sc = nyt_validation_scores(source=source, seed=args.seed, gold=gold)
        print(f"# {source}: validation scores in {time.perf_counter() - t0:.1f} s", flush=True)
        frames.append(sc.assign(instrument=f"{SentenceSentimentRegressor.name} [{source}]"))
    t0 = time.perf_counter()
    model = fit_default()
    print(f"# fit_default ({DEFAULT_SOURCE}): {time.perf_counter() - t0:.1f} s; {model.version_}")
    table = sentiment_validity(gold, pd.concat(frames, ignore_index=True), seed=args.seed)
    with pd.option_context("display.width", 160, "display.max_columns", 12):
        print(table.drop(columns=["ci_method", "comparison"]).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"# CI: {table['ci_method'].iloc[0]}")


if __name__ == "__main__":
    main()
