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

from analysis import tables

NEGATIVE_THRESHOLD = -0.05  # VADER authors' conventional cut-off for "negative"


class VaderScorer(TransformerMixin, BaseEstimator):
    """VADER (Hutto & Gilbert 2014) with the lexicon shipped in the ``vaderSentiment`` wheel.

    Output columns: ``compound``, ``pos``, ``neu``, ``neg``.
    """

    name = "vader"

    def fit(self, X=None, y=None) -> VaderScorer:
        from vaderSentiment import vaderSentiment as vs

        self.analyzer_ = vs.SentimentIntensityAnalyzer()
        lexicon = Path(vs.__file__).with_name("vader_lexicon.txt")
        digest = hashlib.sha256(lexicon.read_bytes()).hexdigest()[:12]
        self.version_ = f"vaderSentiment {metadata.version('vaderSentiment')} lexicon {digest}"
        self.n_lexicon_terms_ = len(self.analyzer_.lexicon)
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "analyzer_")
        scores = [self.analyzer_.polarity_scores(str(s)) for s in X]
        return np.array([[d["compound"], d["pos"], d["neu"], d["neg"]] for d in scores], dtype=float).reshape(-1, 4)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["compound", "pos", "neu", "neg"], dtype=object)


def score_sentences(sentences: pd.DataFrame, *, scorer: VaderScorer | None = None) -> pd.DataFrame:
    """The ``sentence_sentiment`` table: one row per sentence for the instrument."""
    scorer = scorer if scorer is not None else VaderScorer().fit()
    check_is_fitted(scorer)
    scores = scorer.transform(sentences["text"]) if len(sentences) else np.empty((0, 4))
    out = sentences[["doc_id", "sent_id", "outlet"]].copy()
    out["instrument"] = scorer.name
    out["instrument_version"] = scorer.version_
    out[["compound", "pos", "neu", "neg"]] = scores
    return tables.validate(out, "sentence_sentiment")


def aggregate_articles(sentence_scores: pd.DataFrame, *, articles: pd.DataFrame) -> pd.DataFrame:
    """The ``article_sentiment`` table: mean sentence compound per article.

    Articles are the unit every comparison resamples, so each article counts
    once whatever its length.
    """
    g = sentence_scores.groupby(["doc_id", "instrument"], sort=True)
    agg = g.agg(n_sentences=("compound", "size"), sentiment=("compound", "mean"),
                share_negative=("compound", lambda s: float((s <= NEGATIVE_THRESHOLD).mean()))).reset_index()
    attrs = articles[["doc_id", "outlet", "outlet_type", "leaning"]]
    out = agg.merge(attrs, on="doc_id", how="inner", validate="many_to_one")
    return tables.validate(out.astype({"n_sentences": "int64"}), "article_sentiment")
