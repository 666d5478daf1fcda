"""The sentiment instruments a study asks for, built and fitted from its ``[sentiment]`` settings.

Sentence instruments (``transform`` gives the polarity in column 0):
``vader``, ``news_ridge`` (supervised, :mod:`analysis.sentiment.sentence_model`) and
any dictionary in ``[[sentiment.dictionaries]]`` (:mod:`analysis.sentiment.lexicon`).
Actor instruments (``predict`` and ``polarity`` on sentence + mention span):
``target_logreg`` and ``sentence_vader`` (:mod:`analysis.sentiment.target_sentiment`), and
``target_clause`` (:mod:`analysis.sentiment.target_model`).
Transformer models named in ``[[sentiment.models]]`` (:mod:`analysis.sentiment.transformer`, the
``transformers`` extra) are either; their weights come from :mod:`analysis.collect.models`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from sklearn.utils.validation import check_is_fitted

from analysis.collect import datasets, models
from analysis.core import cache
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError
from analysis.core.study import Dictionary, ModelInstrument, Study
from analysis.sentiment import fine_tune, sentence_model, target_sentiment, transformer, word_vectors
from analysis.sentiment.lexicon import DictionaryScorer
from analysis.sentiment.scoring import VaderScorer, instrument_name
from analysis.text.texts import as_texts

BuiltIn = Literal["vader", "news_ridge"]
BUILT_IN = ("vader", "news_ridge")


def dictionary_file(d: Dictionary, paths: StudyPaths) -> Path:
    """Where a dictionary is read from: a project file, or a registered dataset's file."""
    if d.dataset is not None:
        return datasets.locate(d.dataset, d.file, download=False)
    return paths.check_inside(paths.resolve(d.path), what=f"{paths.study_file}: [[sentiment.dictionaries]] "
                                                          f"name = {d.name!r}, key 'path' = {d.path!r}")


def model_folder(spec: ModelInstrument, paths: StudyPaths, *, download: bool = False) -> Path:
    """Where a transformer instrument's model is: a saved-model folder of the project (it and its weight files
    inside the project or the data home, see :meth:`StudyPaths.check_inside`), or a Hub id fetched into the
    data home or a mirror (the toolkit's own folders, named by no path in study.toml)."""
    folder = paths.resolve(spec.model)
    if not folder.is_dir():
        return models.locate(spec.model, root=paths.root, revision=spec.revision, download=download)
    what = f"{paths.study_file}: [[sentiment.models]] name = {spec.name!r}, key 'model' = {spec.model!r}"
    folder = models.locate(str(paths.check_inside(folder, what=what)), root=paths.root)
    for file in models.weight_files(folder):
        paths.check_inside(file, what=what)
    return folder


def training_files(study: Study, paths: StudyPaths) -> list[Path]:
    """Every file the instruments are fitted from, so a changed lexicon or training set re-runs measure."""
    files = [dictionary_file(d, paths) for d in study.sentiment.dictionaries
             if d.name in study.sentiment.instruments]
    if "news_ridge" in study.sentiment.instruments:

        files += sentence_model.training_files()
    if {"target_logreg", "target_clause"} & set(study.sentiment.actor_instruments) and study.actors:
        files.append(datasets.locate("newsmtsc", "train", download=False))
    used = set(study.sentiment.instruments) | (set(study.sentiment.actor_instruments) if study.actors else set())
    for spec in study.sentiment.models:
        if spec.name in used and spec.model is not None:
            try:  # a model not fetched yet has no files; fitting it fetches it or says how
                folder = model_folder(spec, paths)
            except models.ModelNotFoundError:
                continue
            files += models.weight_files(folder)
            if spec.fine_tune == "newsmtsc":
                files.append(datasets.locate("newsmtsc", "train", download=False))
    return files


def _trained(name: str, fit, files: list[Path]):
    """A default model, fitted once per toolkit version and training data and then read from the cache."""
    return cache.cached_object(f"model_{name}", cache.key(files=files, packages=("scikit-learn",)), fit)


def model_instrument(spec: ModelInstrument, paths: StudyPaths, *, download: bool = True):
    """A fitted transformer instrument; a Hub model missing from the data home is fetched first."""
    if spec.kind == "newsmtsc":
        return transformer.NewsSentimentTargetClassifier(batch_size=spec.batch_size).fit()
    folder = model_folder(spec, paths, download=download)
    if spec.fine_tune == "newsmtsc":
        folder = fine_tune.fine_tuned_model(
            folder, train_file=datasets.locate("newsmtsc", "train", download=False),
            load_train=lambda: datasets.load_newsmtsc("train"),
            settings=fine_tune.FineTuneSettings(epochs=spec.epochs, max_length=spec.max_length,
                                                target_input=spec.target_input))
    common = dict(model=str(folder), name=spec.name, labels=spec.labels or None, batch_size=spec.batch_size,
                  max_length=spec.max_length)
    if spec.kind == "sentence":
        return transformer.TransformerSentenceScorer(**common).fit()
    return transformer.TransformerTargetClassifier(**common, target_input=spec.target_input).fit()


def sentence_instrument(name: BuiltIn):
    """A fitted built-in sentence instrument: ``vader``, or ``news_ridge`` (trained once, then read from the cache)."""
    if name == "vader":
        return VaderScorer().fit()
    if name == "news_ridge":
        return _trained("news_ridge", sentence_model.fit_default, sentence_model.training_files())
    raise AnalysisError(f"instrument {name!r} is not a built-in sentence instrument; use one of {', '.join(BUILT_IN)}, "
                        f"or pass a fitted scorer (e.g. analysis.sentiment.lexicon.DictionaryScorer(...).fit())")


def score_texts(texts, *, instrument: BuiltIn | object = "vader") -> pd.DataFrame:
    """Score each text with one sentence instrument, outside any study.

    ``texts``: a list of strings, a Series or a DataFrame with a ``text`` column (its index is kept).
    ``instrument``: ``"vader"``, ``"news_ridge"`` or any fitted scorer whose ``transform`` gives the polarity
    in column 0 (a :class:`~analysis.sentiment.lexicon.DictionaryScorer`, a transformer instrument).
    The instruments read sentences: split an article first (VADER on a whole article measures something else).

    Returns one row per text: ``text``, ``instrument`` and ``score`` (polarity in [-1, 1]).
    """
    scorer = sentence_instrument(instrument) if isinstance(instrument, str) else instrument
    check_is_fitted(scorer)
    series = as_texts(texts)
    scores = scorer.transform(series.tolist())[:, 0] if len(series) else []
    return pd.DataFrame({"text": series, "instrument": instrument_name(scorer),
                         "score": pd.Series(scores, index=series.index, dtype="float64")})


def sentence_instruments(study: Study, paths: StudyPaths) -> list:
    """Fitted sentence instruments, in the order the study lists them."""

    dictionaries = {d.name: d for d in study.sentiment.dictionaries}
    model_specs = {m.name: m for m in study.sentiment.models}
    fitted = []
    for name in study.sentiment.instruments:
        if name in BUILT_IN:
            fitted.append(sentence_instrument(name))
        elif name in model_specs:
            fitted.append(model_instrument(model_specs[name], paths))
        else:
            d = dictionaries[name]
            fitted.append(DictionaryScorer(path=str(dictionary_file(d, paths)), name=d.name, positive=d.positive,
                                           negative=d.negative, signed=d.signed, format=d.format).fit())
    return fitted


def actor_instruments(study: Study, paths: StudyPaths) -> list:
    """Fitted actor instruments (the target-aware model is trained on NewsMTSC once, ~10 s, then cached)."""
    model_specs = {m.name: m for m in study.sentiment.models}
    fitted = []
    for name in study.sentiment.actor_instruments:
        if name in model_specs:
            fitted.append(model_instrument(model_specs[name], paths))
        elif name == "target_logreg":
            fitted.append(_trained("target_logreg", target_sentiment.fit_default,
                                   [datasets.locate("newsmtsc", "train", download=False)]))
        elif name == "target_clause":
            # its word vectors are learnt from AllSides: a changed articles file refits it
            vectors = word_vectors.source_files(target_sentiment.ClauseTargetClassifier().word_vectors)
            fitted.append(_trained("target_clause", target_sentiment.fit_clause_default,
                                   [datasets.locate("newsmtsc", "train", download=False), *vectors]))
        else:
            fitted.append(target_sentiment.SentenceVaderBaseline().fit())
    return fitted
