"""The compare stage: sentiment per group and contrasts between groups, with article-level uncertainty.

Per group (and per actor and group): n, mean and a bootstrap CI over
articles; contrasts (each outlet against all others, all pairs of leanings
and outlet types) for overall tone and toward each actor, with permutation
p-values, Hedges' g and Benjamini-Hochberg control across the whole table;
the sentences that pull each outlet's mean most; actor coverage with Wilson
intervals; and how far the study's two instruments for one construct agree.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis.core import storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.framing.codebook import CODEBOOK_TO_NARRATIVE
from analysis.sentiment import scoring
from analysis.stats import contrasts, instrument_agreement

log = logging.getLogger("analysis")


def run(study: Study, paths: StudyPaths, *, engine) -> None:
    c = study.compare
    articles = storage.read_table(paths.table("articles"), columns=["doc_id", "outlet", "outlet_type", "leaning",
                                                                     "country", "published"])  # not the text: memory
    contrasts.check_resample_memory(n_boot=c.n_boot, n_perm=c.n_perm, n_articles=len(articles),
                                    study_file=paths.study_file)
    scores = storage.read_table(paths.table("article_sentiment")).merge(articles[["doc_id", "country"]], on="doc_id")
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    summaries = [contrasts.summarize_groups(scores, by=g, **opts) for g in study.groups]
    by_group = pd.concat(summaries, ignore_index=True) if summaries else tables.empty("sentiment_by_group")
    storage.write_table(tables.validate(by_group, "sentiment_by_group"), paths.table("sentiment_by_group"))
    voices = paths.table("sentence_voice")
    by_voice = sentiment_by_voice(
        storage.read_table(paths.table("sentence_sentiment"),
                           columns=["doc_id", "sent_id", "instrument", "instrument_version", "score"]),
        storage.read_table(voices, columns=["doc_id", "sent_id", "voice"]), articles, groups=study.groups,
        **opts) if voices.exists() else tables.empty("sentiment_by_voice")
    storage.write_table(by_voice, paths.table("sentiment_by_voice"))

    def contrasts_of(table, target):
        return [job for g in study.groups
                for job in contrasts.contrast_jobs(table, by=g, mode="vs_rest" if g == "outlet" else "pairs",
                                                   n_perm=c.n_perm, target=target, **opts)]

    jobs = contrasts_of(scores, "article")
    actor_scores = storage.read_table(paths.table("article_actor_sentiment")).merge(articles[["doc_id", "country"]],
                                                                                    on="doc_id")
    actor_summaries = []
    for actor, sub in actor_scores.groupby("actor", sort=True):
        for g in study.groups:
            actor_summaries.append(contrasts.summarize_groups(sub, by=g, target=actor, **opts).assign(actor=actor))
        jobs += contrasts_of(sub, actor)
    by_actor = pd.concat(actor_summaries, ignore_index=True) if actor_summaries else \
        tables.empty("actor_sentiment_by_group")
    storage.write_table(tables.validate(by_actor, "actor_sentiment_by_group"), paths.table("actor_sentiment_by_group"))
    # Each job has its own seeded stream, so the engine's processes give the same rows as one process; only a
    # corpus with large contrasts is worth starting them for.
    if any(contrasts.is_large(job) for job in jobs):
        results = engine.map(contrasts.run_contrast_job, jobs, shared={}, desc="compare", unit="job")
    else:
        results = map(contrasts.run_contrast_job, jobs)
    table = contrasts.contrast_rows([row for rows in results for row in rows])
    storage.write_table(contrasts.adjust_fdr(table), paths.table("sentiment_contrasts"))
    storage.write_table(sentiment_evidence(paths), paths.table("sentiment_evidence"))

    mentions = storage.read_table(paths.table("actor_mentions"))
    coverage = contrasts.actor_coverage(articles, mentions, actors=[(a.name, a.type) for a in study.actors],
                                        confidence=c.confidence)
    storage.write_table(coverage, paths.table("actor_coverage"))
    storage.write_table(contrasts.articles_by_period(articles), paths.table("articles_by_period"))
    storage.write_table(study_instrument_agreement(study, paths), paths.table("instrument_agreement"))


def study_instrument_agreement(study: Study, paths: StudyPaths) -> pd.DataFrame:
    """Agreement of the study's two instruments for one construct: sentiment pairs, codebook vs classifier."""
    c = study.compare
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, seed=study.seed, min_articles=c.min_articles)
    parts = [instrument_agreement.sentiment_agreement(storage.read_table(paths.table("article_sentiment")), **opts)]
    predictions = paths.table("frame_predictions")
    if "generic_news_frames" in study.framing.codebooks and predictions.exists():
        parts.append(instrument_agreement.frame_agreement(
            storage.read_table(paths.table("article_frames")), storage.read_table(predictions),
            shared=CODEBOOK_TO_NARRATIVE, codebook="generic_news_frames", **opts))
    return pd.concat(parts, ignore_index=True)


def sentiment_by_voice(sentence_scores: pd.DataFrame, sentence_voice: pd.DataFrame | None, articles: pd.DataFrame,
                       *, groups: tuple[str, ...] | list[str], **opts) -> pd.DataFrame:
    """The ``sentiment_by_voice`` table: each article's mean sentence score in the outlet's own voice and in others'.

    A wire copy quoting an angry ministry reads negative; this table says whether the tone is the
    outlet's or its sources'. Each article gives one score per voice it has sentences in (the mean of
    those sentences), and groups are summarised like ``sentiment_by_group`` (bootstrap over articles),
    each voice on its own seeded stream. Without a ``sentence_voice`` table the result is empty.
    """
    if sentence_voice is None or sentence_scores.empty:
        return tables.empty("sentiment_by_voice")
    voiced = sentence_scores.merge(sentence_voice[["doc_id", "sent_id", "voice"]], on=["doc_id", "sent_id"])
    voiced["voice"] = np.where(voiced["voice"] == "outlet", "outlet", "others")
    per_article = (voiced.groupby(["doc_id", "instrument", "instrument_version", "voice"], as_index=False)
                   .agg(sentiment=("score", "mean"), n_sentences=("score", "size"))
                   .merge(articles, on="doc_id"))
    parts = [contrasts.summarize_groups(sub, by=g, target=f"voice {voice}", **opts).assign(voice=voice)
             for voice, sub in per_article.groupby("voice", sort=True) for g in groups]
    return tables.validate(pd.concat(parts, ignore_index=True), "sentiment_by_voice") if parts else \
        tables.empty("sentiment_by_voice")


def sentiment_evidence(paths: StudyPaths, *, top: int = 5) -> pd.DataFrame:
    """:func:`analysis.sentiment.scoring.sentiment_evidence`, reading one partition at a time on a large corpus.

    Two passes over ``sentence_sentiment``: the first adds up each outlet's pulls (their sign is the
    direction of the outlet's deviation), the second keeps each partition's ``top`` candidates per outlet;
    the global top is taken from those. Sums over partitions can round differently from one sum over the
    table, which could flip the direction only of an outlet whose mean equals the corpus mean.
    """
    scores_path, sentences_path = paths.table("sentence_sentiment"), paths.table("sentences")
    n_parts = storage.row_groups(scores_path)
    if n_parts <= 1:
        return scoring.sentiment_evidence(storage.read_table(scores_path), storage.read_table(sentences_path), top=top)
    articles = storage.read_table(paths.table("article_sentiment"), columns=["doc_id", "outlet", "instrument",
                                                                       "n_sentences", "sentiment"])
    corpus_mean = articles.groupby("instrument")["sentiment"].mean()
    n_articles = articles.groupby(["instrument", "outlet"])["doc_id"].nunique()
    sizes = articles.set_index(["instrument", "doc_id"])["n_sentences"]

    def with_pull(i: int) -> pd.DataFrame:
        sc = storage.read_row_group(scores_path, i)
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
    texts = pd.concat([storage.read_row_group(sentences_path, i, columns=["doc_id", "sent_id", "text"])
                       .merge(wanted, on=["doc_id", "sent_id"]) for i in range(storage.row_groups(sentences_path))],
                      ignore_index=True).drop_duplicates(["doc_id", "sent_id"])
    out = best.merge(texts, on=["doc_id", "sent_id"], how="left", validate="many_to_one")
    return tables.validate(out.astype({"rank": "int64"}), "sentiment_evidence")
