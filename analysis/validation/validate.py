"""The validate stage: every instrument the study uses, checked against human-labelled data.

Sentence sentiment against VADER's NYT ratings (supervised instruments out of
fold), actor sentiment against NewsMTSC, the frame codebook and classifier
against Narrative Frames, loaded language against BABE, and fact matching
against NeuS's same-event clusters.
"""

from __future__ import annotations

import logging

import pandas as pd

from analysis.collect import datasets
from analysis.core import storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.sentiment import instruments, target_sentiment
from analysis.validation import framing_gold, provenance_gold, sentiment_gold

log = logging.getLogger("analysis")


def validate_sentiment(study: Study, paths: StudyPaths) -> tuple:
    """Each of the study's instruments against human labels: (scores, NYT validity, NewsMTSC metrics)."""
    gold = datasets.load_vader_nyt(download=False)
    scores = pd.concat([sentiment_gold.score_gold(gold, scorer=s)
                        for s in instruments.sentence_instruments(study, paths)], ignore_index=True)
    nyt = sentiment_gold.sentiment_validity(gold, scores, n_boot=study.compare.n_boot,
                                            confidence=study.compare.confidence, seed=study.seed)
    news = tables.empty("target_sentiment_validation")
    if study.actors and study.sentiment.actor_instruments:
        news = target_sentiment.evaluate_on_newsmtsc(instruments=study.sentiment.actor_instruments)
    return scores, nyt, tables.validate(news, "target_sentiment_validation")


def run(study: Study, paths: StudyPaths) -> None:
    scores, nyt, news = validate_sentiment(study, paths)
    storage.write_table(scores, paths.table("validation_scores"))
    storage.write_table(nyt, paths.table("sentiment_validation"))
    storage.write_table(news, paths.table("target_sentiment_validation"))
    framing_table = framing_gold.framing_validity(seed=study.seed, n_boot=study.compare.n_boot)
    storage.write_table(tables.validate(framing_table, "framing_validation"), paths.table("framing_validation"))
    storage.write_table(provenance_gold.fact_matching_validity(threshold=study.provenance.fact_threshold),
                        paths.table("fact_matching_validation"))
    for r in nyt.loc[(nyt["level"] == "sentence") & (nyt["instrument"] != "one human rater")].itertuples():
        log.info("validate: %s vs human mean r = %.3f on %d NYT sentences", r.instrument, r.pearson_r, r.n_units)
