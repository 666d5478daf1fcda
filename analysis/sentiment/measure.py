"""The measure stage: sentence sentiment, actor mentions and actor sentiment, one partition at a time.

The clean stage writes ``articles`` sorted by ``doc_id`` in row groups of
:data:`analysis.core.defaults.PARTITION_ARTICLES` articles; a partition is
one row group, and prepare writes the sentences of partition *i* as row
group *i* of ``sentences``, so every partition holds whole articles and
article-level aggregates need no second pass. Results are written in
partition order whatever the engine and however many workers ran, so the
tables do not depend on either; memory follows the partition, not the corpus.

A corpus of one partition (every single-event study) takes the same code
path in one process, with no pool to start.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.core import storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.sentiment import actor_sentiment, instruments, scoring, sentence_cache
from analysis.text import actors

log = logging.getLogger("analysis")

_ATTRS = ["doc_id", "outlet", "outlet_type", "leaning"]


@dataclass
class MeasureParts:
    """What one partition's measure task returns (tables, plus scores the cache has not seen)."""

    tables: dict[str, pd.DataFrame]
    new_scores: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    score_columns: list[tuple[str, str, np.ndarray]] = field(default_factory=list)


def _score_columns(sentences: pd.DataFrame, scorers, caches: dict[str, sentence_cache.ScoreCache] | None) -> tuple:
    """[(instrument, version, scores)] for the partition, and the scores the cache has not seen."""
    columns, new = [], {}
    for scorer in scorers:
        if caches is None:
            scores = scorer.transform(sentences["text"])[:, 0] if len(sentences) else np.empty(0)
        else:
            scores, keys, fresh = sentence_cache.cached_scores(scorer, sentences["text"], caches[scorer.version_])
            new[scorer.version_] = (keys, fresh)
        columns.append((scoring.instrument_name(scorer), scorer.version_, np.asarray(scores, dtype=float)))
    return columns, new


def _measure_partition(index: int, shared: dict) -> MeasureParts:
    sentences = storage.read_row_group(shared["sentences"], index)
    attrs = shared["attrs"]
    columns, new = _score_columns(sentences, shared["scorers"], shared["caches"])
    scores = scoring.sentence_rows(sentences, columns)
    mentions = actors.find_mentions(sentences, matcher=shared["matcher"])
    actor_scores = actor_sentiment.score_mentions(mentions, sentences, instruments=shared["actor_instruments"])
    # The sentence scores travel back as arrays, not as a table: the parent has the keys on disk, and
    # pickling 45,000 rows of ids per partition was a third of the Dask engine's overhead.
    return MeasureParts({
        "article_sentiment": scoring.aggregate_articles(scores, articles=attrs),
        "actor_mentions": mentions,
        "actor_sentiment": actor_scores,
        "article_actor_sentiment": actor_sentiment.aggregate_articles(actor_scores, articles=attrs),
    }, new, columns)


MEASURE_TABLES = ("sentence_sentiment", "article_sentiment", "actor_mentions", "actor_sentiment",
                  "article_actor_sentiment")


def measure_sentences(study: Study, paths: StudyPaths, *, engine, scorers, actor_instruments,
                      use_cache: bool = True) -> dict[str, int]:
    """Score every partition of ``sentences``; write the measure tables; return their row counts."""
    cache_dir = paths.sentence_cache
    caches = ({s.version_: sentence_cache.ScoreCache.load(cache_dir, s.version_) for s in scorers}
              if use_cache else None)
    shared = {"sentences": paths.table("sentences"), "scorers": scorers, "caches": caches,
              "attrs": storage.read_table(paths.table("articles"), columns=_ATTRS),
              "matcher": actors.ActorMatcher(actors=study.actors).fit(), "actor_instruments": actor_instruments}
    new_scores: dict[str, list] = {}
    with contextlib.ExitStack() as stack:  # every table is left whole, or untouched, together
        writers = {name: stack.enter_context(storage.PartitionWriter(paths.table(name), empty=tables.empty(name)))
                   for name in MEASURE_TABLES}
        for index, part in enumerate(engine.map(_measure_partition, range(storage.row_groups(paths.table("sentences"))),
                                                shared=shared, desc="measure")):
            keys = storage.read_row_group(paths.table("sentences"), index, columns=["doc_id", "sent_id", "outlet"])
            writers["sentence_sentiment"].write(scoring.sentence_rows(keys, part.score_columns))
            for name, table in part.tables.items():
                writers[name].write(table)
            for version, pair in part.new_scores.items():
                new_scores.setdefault(version, []).append(pair)
    if caches is not None:
        for version, pairs in new_scores.items():
            keys = np.concatenate([k for k, _ in pairs])
            if len(keys):
                caches[version].merged(keys, np.concatenate([s for _, s in pairs])).save(cache_dir, version)
    return {name: w.rows for name, w in writers.items()}


def run(study: Study, paths: StudyPaths, *, engine) -> None:
    """Score every sentence with each instrument of ``[sentiment]``, find actor mentions, score them."""
    scorers = instruments.sentence_instruments(study, paths)
    fitted = instruments.actor_instruments(study, paths) if study.actors else []
    rows = measure_sentences(study, paths, engine=engine, scorers=scorers, actor_instruments=fitted)
    log.info("measure: %d sentences scored by %s; %d actor mentions scored by %s",
             rows["sentence_sentiment"] // max(len(scorers), 1), ", ".join(study.sentiment.instruments),
             rows["actor_mentions"], ", ".join(i.name for i in fitted) or "none")
