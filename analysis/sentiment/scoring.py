"""Sentence sentiment instruments and their aggregation to articles.

Instruments follow the scikit-learn estimator contract: ``fit`` loads or
learns state into ``*_`` attributes, ``transform`` takes an iterable of
sentences and returns one row of scores per sentence.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from vaderSentiment import vaderSentiment as vs

from analysis.core import storage, tables
from analysis.sentiment.vader_fast import FastVader

NEGATIVE_THRESHOLD = -0.05  # VADER authors' conventional cut-off for "negative"


class VaderScorer(TransformerMixin, BaseEstimator):
    """VADER (Hutto & Gilbert 2014) with the lexicon shipped in the ``vaderSentiment`` wheel.

    Output columns: ``compound``, ``pos``, ``neu``, ``neg``.
    """

    name = "vader"

    def fit(self, X=None, y=None) -> VaderScorer:


        # FastVader gives bit-identical scores to vaderSentiment 3.3.2, about 4.5x faster (tests/sentiment/test_vader_fast.py),
        # so the version string, and with it every cached score, stays the same.
        self.analyzer_ = FastVader()
        lexicon = Path(vs.__file__).with_name("vader_lexicon.txt")
        digest = hashlib.sha256(storage.read_bytes(lexicon)).hexdigest()[:12]
        self.version_ = f"vaderSentiment {metadata.version('vaderSentiment')} lexicon {digest}"
        self.n_lexicon_terms_ = len(self.analyzer_.lexicon)
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "analyzer_")
        # a pandas column goes to a list first: stepping through an Arrow-backed column one element at a
        # time cost more than hashing its sentences
        texts = X.tolist() if hasattr(X, "tolist") else X
        return self.analyzer_.score_many([str(s) for s in texts]).reshape(-1, 4)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["compound", "pos", "neu", "neg"], dtype=object)


def score_sentences(sentences: pd.DataFrame, *, scorers=None) -> pd.DataFrame:
    """The ``sentence_sentiment`` table: one row per sentence and instrument.

    ``scorers`` are fitted instruments (default: VADER); column 0 of each
    one's ``transform`` is its polarity score in [-1, 1].
    """
    scorers = list(scorers) if scorers is not None else [VaderScorer().fit()]
    names = [instrument_name(s) for s in scorers]
    if len(set(names)) != len(names):
        raise ValueError(f"instrument names must be unique, got {names}")
    columns = []
    for scorer in scorers:
        check_is_fitted(scorer)
        scores = scorer.transform(sentences["text"])[:, 0] if len(sentences) else np.empty(0)
        columns.append((instrument_name(scorer), scorer.version_, scores))
    return sentence_rows(sentences, columns)


def sentence_rows(keys: pd.DataFrame, columns: list[tuple[str, str, np.ndarray]]) -> pd.DataFrame:
    """``sentence_sentiment`` rows: the sentences' keys once per (instrument, version, scores) column."""
    frames = []
    for name, version, scores in columns:
        out = keys[["doc_id", "sent_id", "outlet"]].copy()
        out["instrument"] = name
        out["instrument_version"] = version
        out["score"] = np.asarray(scores, dtype=float)
        frames.append(out)
    return tables.validate(pd.concat(frames, ignore_index=True), "sentence_sentiment")


def instrument_name(scorer) -> str:
    """Dictionaries are named by the user (``name`` parameter); built-in instruments by their class."""
    params = scorer.get_params(deep=False)
    return params.get("name") or getattr(scorer, "name_", None) or type(scorer).name


def aggregate_articles(sentence_scores: pd.DataFrame, *, articles: pd.DataFrame) -> pd.DataFrame:
    """The ``article_sentiment`` table: mean sentence score per article and instrument.

    Articles are the unit every comparison resamples, so each article counts
    once whatever its length.
    """
    scores = sentence_scores.assign(negative=(sentence_scores["score"] <= NEGATIVE_THRESHOLD).astype("float64"))
    g = scores.groupby(["doc_id", "instrument", "instrument_version"], sort=True)
    agg = g.agg(n_sentences=("score", "size"), sentiment=("score", "mean"),
                share_negative=("negative", "mean")).reset_index()
    attrs = articles[["doc_id", "outlet", "outlet_type", "leaning"]]
    out = agg.merge(attrs, on="doc_id", how="inner", validate="many_to_one")
    return tables.validate(out.astype({"n_sentences": "int64"}), "article_sentiment")


def sentiment_evidence(sentence_scores: pd.DataFrame, sentences: pd.DataFrame, *, top: int = 5) -> pd.DataFrame:
    """For each outlet and instrument, the sentences that pull its mean furthest from the corpus mean.

    An outlet's mean is the mean over its articles of each article's mean
    sentence score, so ``outlet mean - corpus mean`` splits exactly into one
    term per sentence: ``(score - corpus mean) / (sentences in its article *
    articles of the outlet)``. The sentences with the largest terms in the
    direction of the outlet's deviation are the evidence a reader can check.
    """
    rows = []
    for instrument, sc in sentence_scores.groupby("instrument", sort=True):
        per_article = sc.groupby("doc_id")["score"].agg(["mean", "size"])
        corpus_mean = per_article["mean"].mean()
        n_articles = sc.groupby("outlet")["doc_id"].nunique()
        sc = sc.assign(pull=(sc["score"] - corpus_mean)
                       / (sc["doc_id"].map(per_article["size"]) * sc["outlet"].map(n_articles)))
        for outlet, g in sc.groupby("outlet", sort=True):
            direction = np.sign(g["pull"].sum()) or 1.0
            best = g.assign(key=g["pull"] * direction).sort_values(["key", "doc_id", "sent_id"],
                                                                   ascending=[False, True, True]).head(top)
            rows.append(best.assign(rank=np.arange(1, len(best) + 1)))
    if not rows:
        return tables.empty("sentiment_evidence")
    out = pd.concat(rows, ignore_index=True).merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"],
                                                   how="left", validate="many_to_one")
    return tables.validate(out.astype({"rank": "int64"}), "sentiment_evidence")
