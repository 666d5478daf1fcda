"""The sentiment instruments a study asks for, built and fitted from its ``[sentiment]`` settings.

Sentence instruments (``transform`` gives the polarity in column 0):
``vader``, ``news_ridge`` (supervised, :mod:`analysis.sentiment.sentence_model`) and
any dictionary in ``[[sentiment.dictionaries]]`` (:mod:`analysis.sentiment.lexicon`).
Actor instruments (``predict`` and ``polarity`` on sentence + mention span):
``target_logreg`` and ``sentence_vader`` (:mod:`analysis.sentiment.target_sentiment`), and
``target_clause`` (:mod:`analysis.sentiment.target_model`).
"""

from __future__ import annotations

from pathlib import Path

from analysis.collect import datasets
from analysis.core import cache
from analysis.core.config import StudyPaths
from analysis.core.study import Dictionary, Study
from analysis.sentiment import sentence_model, target_sentiment
from analysis.sentiment.lexicon import DictionaryScorer
from analysis.sentiment.scoring import VaderScorer


def dictionary_file(d: Dictionary, paths: StudyPaths) -> Path:
    """Where a dictionary is read from: a project file, or a registered dataset's file."""
    if d.dataset is not None:
        return datasets.locate(d.dataset, d.file, download=False)
    return paths.resolve(d.path)


def training_files(study: Study, paths: StudyPaths) -> list[Path]:
    """Every file the instruments are fitted from, so a changed lexicon or training set re-runs measure."""
    files = [dictionary_file(d, paths) for d in study.sentiment.dictionaries
             if d.name in study.sentiment.instruments]
    if "news_ridge" in study.sentiment.instruments:

        files += sentence_model.training_files()
    if {"target_logreg", "target_clause"} & set(study.sentiment.actor_instruments) and study.actors:
        files.append(datasets.locate("newsmtsc", "train", download=False))
    return files


def _trained(name: str, fit, files: list[Path]):
    """A default model, fitted once per toolkit version and training data and then read from the cache."""
    return cache.cached_object(f"model_{name}", cache.key(files=files, packages=("scikit-learn",)), fit)


def sentence_instruments(study: Study, paths: StudyPaths) -> list:
    """Fitted sentence instruments, in the order the study lists them."""

    dictionaries = {d.name: d for d in study.sentiment.dictionaries}
    fitted = []
    for name in study.sentiment.instruments:
        if name == "vader":
            fitted.append(VaderScorer().fit())
        elif name == "news_ridge":
            fitted.append(_trained("news_ridge", sentence_model.fit_default, sentence_model.training_files()))
        else:
            d = dictionaries[name]
            fitted.append(DictionaryScorer(path=str(dictionary_file(d, paths)), name=d.name, positive=d.positive,
                                           negative=d.negative, signed=d.signed, format=d.format).fit())
    return fitted


def actor_instruments(study: Study) -> list:
    """Fitted actor instruments (the target-aware model is trained on NewsMTSC once, ~10 s, then cached)."""
    fitted = []
    for name in study.sentiment.actor_instruments:
        if name == "target_logreg":
            fitted.append(_trained("target_logreg", target_sentiment.fit_default,
                                   [datasets.locate("newsmtsc", "train", download=False)]))
        elif name == "target_clause":
            fitted.append(_trained("target_clause", target_sentiment.fit_clause_default,
                                   [datasets.locate("newsmtsc", "train", download=False)]))
        else:
            fitted.append(target_sentiment.SentenceVaderBaseline().fit())
    return fitted
