"""The provenance stage's CPU time, part by part, with its tables saved or compared to show a faster stage changes
nothing.

    ANALYSIS_PROJECT_ROOT=PROJECT .venv/bin/python benchmarks/provenance_speed.py --study bench
        [--contrasts-only] [--save DIR] [--compare DIR]

Reads the study's ``articles``, ``sentences``, ``sentence_sentiment`` and ``frame_hits`` tables and runs
:func:`analysis.provenance.provenance.provenance_tables` in this one process (no engine: the per-article reading is
timed whole), timing each part in CPU seconds (``time.process_time``: steadier than wall time on a shared machine).
A part's time includes the parts it calls (``contrast_set`` runs inside ``reuse_sensitivity`` and
``source_contrasts``), so the times do not add up to the total. ``--contrasts-only`` times only the reuse-aware
contrasts and the quote-source contrasts, on the ``sentence_reuse`` and ``quotes`` tables the study already has
(the stage's slowest arithmetic, without reading quotes or finding reuse again). ``--save DIR`` writes every table
produced to ``DIR/NAME.parquet``; ``--compare DIR`` checks each equal to the saved one (every row in order, every
column, floats to the last bit): run ``--save`` on the old code, ``--compare`` on the new. Prints only counts, times
and equality; no article text.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
from stage_inputs import cpu_timed

from analysis.core import config, storage
from analysis.core.study import load_study
from analysis.provenance import (
    facts,
    group_contrasts,
    provenance,
    quote_matching,
    quotes,
    reuse,
    reuse_sensitivity,
    wire,
)

# (module, function) pairs timed: each is called through the module named (quotes.py holds its own match_quotes),
# so wrapping that attribute times it.
PARTS = ((quotes, "article_quotes"), (wire, "article_wire"), (quotes, "match_quotes"), (quote_matching, "match_quotes"),
         (reuse, "find_reuse"), (reuse, "sentence_reuse"), (reuse, "reuse_clusters"),
         (reuse_sensitivity, "reuse_sensitivity"), (reuse_sensitivity, "term_sensitivity"),
         (reuse_sensitivity, "contrast_set"), (quote_matching, "quote_spread"), (quote_matching, "source_shares"),
         (group_contrasts, "source_contrasts"), (facts, "group_facts"), (facts, "facts_table"),
         (facts, "fact_coverage"), (facts, "omission_summary"), (group_contrasts, "omission_contrasts"))


def _timed(seconds: dict, module, name: str) -> None:
    key = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

    def add(spent: float) -> None:
        seconds[key] += spent
    setattr(module, name, cpu_timed(getattr(module, name), add))


def _contrasts(study, paths, articles: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, pd.DataFrame]:
    c = study.compare
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    hits = paths.table("frame_hits")
    found = storage.read_table(paths.table("quotes"))
    return {"reuse_sensitivity": reuse_sensitivity.reuse_sensitivity(
                articles, sentences, storage.read_table(paths.table("sentence_reuse")),
                sentence_scores=storage.read_table(paths.table("sentence_sentiment")),
                frame_hits=storage.read_table(hits) if hits.exists() else None, groups=study.groups,
                n_perm=c.n_perm, **opts),
            "quote_source_contrasts": group_contrasts.source_contrasts(
                found.loc[found["kind"] != "reported"], articles, by=study.groups, n_perm=c.n_perm, **opts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", required=True)
    parser.add_argument("--contrasts-only", action="store_true")
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None)
    args = parser.parse_args()
    paths = config.study_paths(args.study)
    study = load_study(paths)
    # The contrasts need no text: on the full corpus the text columns would be most of the memory.
    slim = args.contrasts_only
    articles = storage.read_table(paths.table("articles"),
                                  columns=["doc_id", "is_duplicate", *study.groups] if slim else None)
    sentences = storage.read_table(paths.table("sentences"), columns=["doc_id", "sent_id"] if slim else None)
    seconds: dict[str, float] = defaultdict(float)
    for module, name in PARTS:
        _timed(seconds, module, name)
    start = time.process_time()
    if args.contrasts_only:
        produced = _contrasts(study, paths, articles, sentences)
    else:
        hits = paths.table("frame_hits")
        produced = provenance.provenance_tables(
            study, articles=articles, sentences=sentences,
            sentence_scores=storage.read_table(paths.table("sentence_sentiment")),
            frame_hits=storage.read_table(hits) if hits.exists() else None)
    total = time.process_time() - start
    print(f"{len(articles)} articles, {len(sentences)} sentences: {total:.1f} CPU s in all")
    for key in dict.fromkeys(f"{m.__name__.rsplit('.', 1)[-1]}.{name}" for m, name in PARTS):
        if key in seconds:
            print(f"  {key:<38} {seconds[key]:8.1f} CPU s")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, table in produced.items():
            table.to_parquet(args.save / f"{name}.parquet")
    if args.compare:
        for name, table in produced.items():
            pd.testing.assert_frame_equal(table, pd.read_parquet(args.compare / f"{name}.parquet"), check_exact=True)
        print(f"{len(produced)} tables identical to", args.compare)


if __name__ == "__main__":
    main()
