"""Prepare and measure over partitions of the articles table, so memory follows the partition, not the corpus.

The clean stage writes ``articles`` sorted by ``doc_id`` in row groups of
:data:`PARTITION_ARTICLES` articles; a partition is one row group. Prepare
writes the sentences of partition *i* as row group *i* of ``sentences``, so
every later partition holds whole articles and article-level aggregates need
no second pass. Results are written in partition order whatever the engine
and however many workers ran, so the tables do not depend on either.

A corpus of one partition (every single-event study) takes the same code
path in one process, with no pool to start.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import actor_sentiment, actors, io, prepare, sentence_cache, sentiment, tables
from analysis.config import StudyPaths
from analysis.study import Study

log = logging.getLogger("analysis")

PARTITION_ARTICLES = 1000
# Punkt learns abbreviations and collocations from raw text; past ~1M characters (about 200 news articles)
# more text changes little, and training costs about 1 s per million characters.
PUNKT_TRAINING_CHARS = 1_000_000
_ATTRS = ["doc_id", "outlet", "outlet_type", "leaning"]


def training_texts(articles_path: Path, *, max_chars: int = PUNKT_TRAINING_CHARS) -> list[str]:
    """The first articles in ``doc_id`` order up to ``max_chars`` characters (all of a small corpus)."""
    texts, total = [], 0
    for i in range(io.row_groups(articles_path)):
        for text in io.read_row_group(articles_path, i, columns=["text"])["text"]:
            if total >= max_chars:
                return texts
            texts.append(text)
            total += len(text)
    return texts


def _split_partition(index: int, shared: dict) -> pd.DataFrame:
    part = io.read_row_group(shared["articles"], index, columns=["doc_id", "outlet", "text"])
    return prepare.split_sentences(part, splitter=shared["splitter"])


def prepare_sentences(paths: StudyPaths, *, engine) -> int:
    """Split every partition into sentences; write ``sentences``; return the number of sentences."""
    articles = paths.table("articles")
    splitter = prepare.PunktSentenceSplitter().fit(training_texts(articles))
    shared = {"articles": articles, "splitter": splitter}
    with io.PartitionWriter(paths.table("sentences"), empty=tables.empty("sentences")) as out:
        for sentences in engine.map(_split_partition, range(io.row_groups(articles)), shared=shared):
            out.write(sentences)
    return out.rows


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
        columns.append((sentiment.instrument_name(scorer), scorer.version_, np.asarray(scores, dtype=float)))
    return columns, new


def _measure_partition(index: int, shared: dict) -> MeasureParts:
    sentences = io.read_row_group(shared["sentences"], index)
    attrs = shared["attrs"]
    columns, new = _score_columns(sentences, shared["scorers"], shared["caches"])
    scores = sentiment.sentence_rows(sentences, columns)
    mentions = actors.find_mentions(sentences, matcher=shared["matcher"])
    actor_scores = actor_sentiment.score_mentions(mentions, sentences, instruments=shared["actor_instruments"])
    # The sentence scores travel back as arrays, not as a table: the parent has the keys on disk, and
    # pickling 45,000 rows of ids per partition was a third of the Dask engine's overhead.
    return MeasureParts({
        "article_sentiment": sentiment.aggregate_articles(scores, articles=attrs),
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
              "attrs": io.read_table(paths.table("articles"), columns=_ATTRS),
              "matcher": actors.ActorMatcher(actors=study.actors).fit(), "actor_instruments": actor_instruments}
    new_scores: dict[str, list] = {}
    with contextlib.ExitStack() as stack:  # every table is left whole, or untouched, together
        writers = {name: stack.enter_context(io.PartitionWriter(paths.table(name), empty=tables.empty(name)))
                   for name in MEASURE_TABLES}
        for index, part in enumerate(engine.map(_measure_partition, range(io.row_groups(paths.table("sentences"))),
                                                shared=shared)):
            keys = io.read_row_group(paths.table("sentences"), index, columns=["doc_id", "sent_id", "outlet"])
            writers["sentence_sentiment"].write(sentiment.sentence_rows(keys, part.score_columns))
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


def sentiment_evidence(paths: StudyPaths, *, top: int = 5) -> pd.DataFrame:
    """:func:`analysis.sentiment.sentiment_evidence`, reading one partition at a time on a large corpus.

    Two passes over ``sentence_sentiment``: the first adds up each outlet's pulls (their sign is the
    direction of the outlet's deviation), the second keeps each partition's ``top`` candidates per outlet;
    the global top is taken from those. Sums over partitions can round differently from one sum over the
    table, which could flip the direction only of an outlet whose mean equals the corpus mean.
    """
    scores_path, sentences_path = paths.table("sentence_sentiment"), paths.table("sentences")
    n_parts = io.row_groups(scores_path)
    if n_parts <= 1:
        return sentiment.sentiment_evidence(io.read_table(scores_path), io.read_table(sentences_path), top=top)
    articles = io.read_table(paths.table("article_sentiment"), columns=["doc_id", "outlet", "instrument",
                                                                       "n_sentences", "sentiment"])
    corpus_mean = articles.groupby("instrument")["sentiment"].mean()
    n_articles = articles.groupby(["instrument", "outlet"])["doc_id"].nunique()
    sizes = articles.set_index(["instrument", "doc_id"])["n_sentences"]

    def with_pull(i: int) -> pd.DataFrame:
        sc = io.read_row_group(scores_path, i)
        denominator = (sizes.reindex(pd.MultiIndex.from_frame(sc[["instrument", "doc_id"]])).to_numpy()
                       * n_articles.reindex(pd.MultiIndex.from_frame(sc[["instrument", "outlet"]])).to_numpy())
        return sc.assign(pull=(sc["score"] - sc["instrument"].map(corpus_mean)) / denominator)

    sums = pd.concat([with_pull(i).groupby(["instrument", "outlet"])["pull"].sum() for i in range(n_parts)])
    direction = np.sign(sums.groupby(level=["instrument", "outlet"]).sum()).replace(0, 1.0)
    candidates = []
    for i in range(n_parts):
        sc = with_pull(i)
        sc = sc.assign(key=sc["pull"] * direction.reindex(pd.MultiIndex.from_frame(sc[["instrument", "outlet"]]))
                       .to_numpy())
        candidates.append(sc.sort_values(["key", "doc_id", "sent_id"], ascending=[False, True, True])
                          .groupby(["instrument", "outlet"], sort=False).head(top))
    best = (pd.concat(candidates, ignore_index=True)
            .sort_values(["instrument", "outlet", "key", "doc_id", "sent_id"], ascending=[True, True, False, True, True])
            .groupby(["instrument", "outlet"], sort=False).head(top))
    best = best.assign(rank=best.groupby(["instrument", "outlet"]).cumcount() + 1).drop(columns="key")
    wanted = best[["doc_id", "sent_id"]]
    texts = pd.concat([io.read_row_group(sentences_path, i, columns=["doc_id", "sent_id", "text"])
                       .merge(wanted, on=["doc_id", "sent_id"]) for i in range(io.row_groups(sentences_path))],
                      ignore_index=True).drop_duplicates(["doc_id", "sent_id"])
    out = best.merge(texts, on=["doc_id", "sent_id"], how="left", validate="many_to_one")
    return tables.validate(out.astype({"rank": "int64"}), "sentiment_evidence")
