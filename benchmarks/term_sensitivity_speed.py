"""The reuse-aware term comparison, old (three passes of distinctive terms over texts) against new, in one run.

    ANALYSIS_PROJECT_ROOT=PROJECT .venv/bin/python benchmarks/term_sensitivity_speed.py --study bench [--n 3000]
        [--reuse sentence_reuse.parquet] [--no-old]

Reads the study's ``articles`` and ``sentences`` (the first ``--n`` articles, 0 = all) and its ``sentence_reuse``
table, or ``--reuse``, or else computes it with :func:`analysis.provenance.reuse.find_reuse` under the study's
settings (not timed). Times :func:`analysis.provenance.reuse_sensitivity.term_sensitivity` for every
``terms_by`` grouping of the study, and :func:`three_passes` (the code as it was) on the same input, in CPU
seconds (``time.process_time``: steadier than wall time on a shared machine; the new side runs first, so the
old side's memory does not weigh on it). Prints the times, their ratio and whether the tables are identical
(``assert_frame_equal``, exact); no article text. ``--no-old`` skips the old side (over 5 minutes and 8.6 GB on
the 37,554 AllSides articles).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from analysis.core import config, storage
from analysis.core.study import load_study
from analysis.framing import terms
from analysis.provenance import reuse, reuse_sensitivity


def three_passes(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame, *, by: str,
                 top: int = 20, n_boot: int = 200, seed: int = 0, min_articles: int = 5) -> pd.DataFrame:
    """term_sensitivity as it was: distinctive_terms over the texts of each reading, every term bootstrapped."""
    rs = reuse_sensitivity
    base = dict(by=by, n_boot=n_boot, seed=seed, min_articles=min_articles, drop_duplicates=False)
    keep = terms.distinctive_terms(articles, top=top, **base)
    found = keep.loc[keep["stable"], ["group_var", "group_a", "group_b", "term", "rank"]]
    if found.empty:
        return rs._typed(pd.DataFrame(columns=rs.tables.schema("term_sensitivity").names), "term_sensitivity")
    own = rs.article_values(sentences[["doc_id", "sent_id"]].assign(value=1.0),
                            rs.sentence_weights(sentence_reuse, mode="downweight"))
    kept_ids = sentence_reuse.loc[~sentence_reuse["is_copy"], ["doc_id", "sent_id"]]
    own_text = (sentences.merge(kept_ids, on=["doc_id", "sent_id"]).sort_values(["doc_id", "sent_id"])
                .groupby("doc_id")["text"].agg(" ".join))
    readings = {"keep": (articles, None),
                "downweight": (articles.merge(own[["doc_id", "weight"]], on="doc_id"), "weight"),
                "remove": (articles.drop(columns="text").merge(own_text.rename("text"), left_on="doc_id",
                                                                right_index=True), None)}
    rows = []
    for mode, (frame, weight) in readings.items():
        table = keep if mode == "keep" else terms.distinctive_terms(frame, top=None, weight=weight, **base)
        scored = found.merge(table[["group_a", "term", "z", "stable"]], on=["group_a", "term"], how="left")
        rows.append(scored.assign(mode=mode).rename(columns={"rank": "rank_keep"}))
    out = pd.concat(rows, ignore_index=True)
    out["stable"] = out["stable"].fillna(False).astype(bool)
    return rs._typed(out, "term_sensitivity")


def _timed(fn, groupings, args, kwargs) -> tuple[pd.DataFrame, float]:
    start = time.process_time()
    out = pd.concat([fn(*args, by=g, **kwargs) for g in groupings], ignore_index=True)
    return out, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", required=True)
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--reuse", default=None, help="a sentence_reuse table (parquet) for these articles")
    parser.add_argument("--no-old", action="store_true")
    args = parser.parse_args()
    paths = config.study_paths(args.study)
    study = load_study(paths)
    articles = storage.read_table(paths.table("articles"))
    sentences = storage.read_table(paths.table("sentences"))
    if args.n:
        articles = articles.iloc[:args.n]
        sentences = sentences.loc[sentences["doc_id"].isin(set(articles["doc_id"]))]
    if args.reuse:
        marks = pd.read_parquet(args.reuse)
    elif paths.table("sentence_reuse").exists() and not args.n:
        marks = storage.read_table(paths.table("sentence_reuse"))
    else:
        p = study.provenance
        settings = reuse.ReuseSettings(min_containment=p.min_containment, syndication=p.syndication, seed=study.seed)
        pairs, passages = reuse.find_reuse(articles, settings=settings)
        marks = reuse.sentence_reuse(sentences, pairs, passages, articles)
    kwargs = dict(seed=study.seed, min_articles=study.compare.min_articles)
    groupings = study.framing.terms_by
    print(f"{len(articles)} articles, {len(sentences)} sentences ({int(marks['is_copy'].sum())} copies), "
          f"terms by {', '.join(groupings)}")
    new, new_s = _timed(reuse_sensitivity.term_sensitivity, groupings, (articles, sentences, marks), kwargs)
    print(f"new: {new_s:.2f} CPU s, {len(new)} rows")
    if args.no_old:
        return
    old, old_s = _timed(three_passes, groupings, (articles, sentences, marks), kwargs)
    print(f"old: {old_s:.2f} CPU s, {len(old)} rows; old / new = {old_s / new_s:.1f}x")
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    print("identical tables")


if __name__ == "__main__":
    main()
