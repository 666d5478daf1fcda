"""Actor-directed sentiment: how each sentence that mentions an actor speaks about it.

A sentence about Hikvision can be negative toward the Chinese government and
neutral toward the Commerce Department at once; article tone hides that.
Each actor instrument (``analysis.sentiment.target_sentiment``) reads the sentence
and the span of the actor's first mention in it, and returns a label and a
polarity in [-1, 1]. The target-aware model and the sentence-VADER baseline
are run side by side so a reader sees how much the target makes a difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from analysis.core import tables

_KEYS = ["doc_id", "sent_id", "outlet", "actor"]


def mention_spans(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per (sentence, actor) with the sentence ``text`` and the mention's ``start``/``end``."""
    return mentions[_KEYS + ["start", "end"]].merge(sentences[["doc_id", "sent_id", "text"]],
                                                    on=["doc_id", "sent_id"], how="left", validate="many_to_one")


def score_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame, *, instruments) -> pd.DataFrame:
    """The ``actor_sentiment`` table: one row per mention and instrument.

    ``instruments`` are fitted actor instruments with ``predict`` and
    ``polarity`` (``TargetSentimentClassifier``, ``SentenceVaderBaseline``).
    """
    spans = mention_spans(mentions, sentences)
    frames = []
    for instrument in instruments:
        check_is_fitted(instrument)
        out = spans[_KEYS].copy()
        out["instrument"] = instrument.name
        out["instrument_version"] = instrument.version_
        if len(spans):
            out["label"] = np.asarray(instrument.predict(spans), dtype=object)
            out["score"] = np.asarray(instrument.polarity(spans), dtype=float)
        else:
            out["label"], out["score"] = pd.Series(dtype="str"), pd.Series(dtype="float64")
        frames.append(out)
    if not frames:
        return tables.empty("actor_sentiment")
    df = pd.concat(frames, ignore_index=True).astype({"label": "str", "score": "float64", "sent_id": "int64"})
    return tables.validate(df, "actor_sentiment")


def aggregate_articles(actor_scores: pd.DataFrame, *, articles: pd.DataFrame) -> pd.DataFrame:
    """The ``article_actor_sentiment`` table: per article, actor and instrument, the mean score.

    The article is the unit the comparisons resample, as for overall tone.
    """
    if actor_scores.empty:
        return tables.empty("article_actor_sentiment")
    g = actor_scores.groupby(["doc_id", "actor", "instrument", "instrument_version"], sort=True)
    agg = g.agg(n_sentences=("score", "size"), sentiment=("score", "mean"),
                share_negative=("label", lambda s: float((s == "negative").mean()))).reset_index()
    attrs = articles[["doc_id", "outlet", "outlet_type", "leaning"]]
    out = agg.merge(attrs, on="doc_id", how="inner", validate="many_to_one")
    return tables.validate(out.astype({"n_sentences": "int64"}), "article_actor_sentiment")
