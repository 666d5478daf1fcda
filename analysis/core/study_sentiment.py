"""The ``[sentiment]`` table of a study: which instruments score sentences and actors, the user's
dictionaries (``[[sentiment.dictionaries]]``) and transformer models (``[[sentiment.models]]``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from analysis.core.study_reader import Reader

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# Built-in instruments; dictionaries add their own names (see [[sentiment.dictionaries]]).
SENTENCE_INSTRUMENTS = ("vader", "news_ridge")
ACTOR_INSTRUMENTS = ("target_logreg", "sentence_vader")  # the default a study gets
# target_clause (clause features, word vectors, pair contrasts, calibrated neutral band) is opt-in: it takes
# longer to fit and needs the AllSides articles, from which it learns its word vectors
KNOWN_ACTOR_INSTRUMENTS = ACTOR_INSTRUMENTS + ("target_clause",)


@dataclass(frozen=True)
class Dictionary:
    """A user-supplied sentiment dictionary, read at run time (never bundled)."""

    name: str
    path: str | None = None  # relative to the project root
    dataset: str | None = None  # or a registered dataset and its file key
    file: str | None = None
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    signed: str | None = None
    format: str | None = None


ModelKind = Literal["sentence", "target", "newsmtsc"]


@dataclass(frozen=True)
class ModelInstrument:
    """An optional transformer instrument (the ``transformers`` extra; see analysis.sentiment.transformer).

    ``sentence`` models are sentence instruments, ``target`` models and ``newsmtsc`` (the NewsSentiment
    package, which needs no ``model``) actor instruments.
    """

    name: str
    kind: ModelKind
    model: str | None = None  # a Hugging Face Hub id (owner/name) or a saved-model folder relative to the project
    revision: str | None = None
    labels: tuple[str, ...] = ()  # per class id: negative, neutral or positive (when the class names do not say)
    target_input: Literal["pair", "marked"] = "pair"
    batch_size: int = 32
    max_length: int = 256
    # "newsmtsc": ``model`` is an encoder, fine-tuned on NewsMTSC train once per machine (analysis.sentiment.fine_tune)
    fine_tune: str | None = None
    epochs: int = 3


@dataclass(frozen=True)
class SentimentSettings:
    instruments: tuple[str, ...] = ("vader",)
    actor_instruments: tuple[str, ...] = ACTOR_INSTRUMENTS
    dictionaries: tuple[Dictionary, ...] = ()
    models: tuple[ModelInstrument, ...] = ()



def _parse_dictionary(path: Path, i: int, table: Any) -> Dictionary:
    r = Reader(path, f"sentiment.dictionaries[{i}]", table)
    d = Dictionary(name=r.get("name", str), path=r.get("path", str, None), dataset=r.get("dataset", str, None),
                   file=r.get("file", str, None), positive=r.strings("positive"), negative=r.strings("negative"),
                   signed=r.get("signed", str, None),
                   format=r.get("format", str, None, allowed=("dic", "csv", "tsv", "yaml", "yml")))
    r.finish(["name", "path", "dataset", "file", "positive", "negative", "signed", "format"])
    if (d.path is None) == (d.dataset is None) or (d.dataset is not None) != (d.file is not None):
        r.fail("give either 'path' (a file relative to the project root) or 'dataset' and 'file'")
    if not (d.positive or d.negative or d.signed):
        r.fail(f"dictionary {d.name!r} needs 'positive' and 'negative' categories or a 'signed' category "
               "to give a sentiment score")
    if d.name in SENTENCE_INSTRUMENTS + KNOWN_ACTOR_INSTRUMENTS:
        r.fail(f"dictionary name {d.name!r} is a built-in instrument; choose another name")
    return d


def _parse_model(path: Path, i: int, table: Any) -> ModelInstrument:
    r = Reader(path, f"sentiment.models[{i}]", table)
    epochs_given = isinstance(table, dict) and "epochs" in table
    kind = r.get("kind", str, allowed=get_args(ModelKind))
    m = ModelInstrument(name=r.get("name", str), kind=kind, model=r.get("model", str, None),
                        revision=r.get("revision", str, None), labels=r.strings("labels"),
                        target_input=r.get("target_input", str, "pair", allowed=("pair", "marked")),
                        batch_size=r.get("batch_size", int, 32), max_length=r.get("max_length", int, 256),
                        fine_tune=r.get("fine_tune", str, None, allowed=("newsmtsc",)), epochs=r.get("epochs", int, 3))
    r.finish(["name", "kind", "model", "revision", "labels", "target_input", "batch_size", "max_length", "fine_tune",
              "epochs"])
    if m.fine_tune is not None and kind != "target":
        r.fail("'fine_tune' trains a target model: it needs kind = \"target\"")
    if epochs_given and m.fine_tune is None:
        r.fail("'epochs' is read only when fine-tuning: add fine_tune = \"newsmtsc\", or remove it")
    if m.revision is not None and (m.model or "").startswith("python:"):
        r.fail("'revision' picks a Hub model's version; a model carried by a Python package has the package's")
    if (m.model is None) != (kind == "newsmtsc"):
        r.fail("'model' (a Hub id owner/name or a saved-model folder) is required for kind 'sentence' and 'target', "
               "and not used by kind 'newsmtsc' (the NewsSentiment package brings its own)")
    if not NAME.match(m.name):
        r.fail(f"model name {m.name!r}: lower-case letters, digits, '_' and '-' only")
    unknown = [label for label in m.labels if label not in ("negative", "neutral", "positive")]
    if unknown:
        r.fail(f"'labels' may only hold negative, neutral and positive; got {', '.join(unknown)}")
    return m


def parse_sentiment(path: Path, table: Any) -> SentimentSettings:
    r = Reader(path, "[sentiment]", table)
    dictionaries = tuple(_parse_dictionary(path, i, t) for i, t in enumerate(r.get("dictionaries", list, [])))
    models = tuple(_parse_model(path, i, t) for i, t in enumerate(r.get("models", list, [])))
    settings = SentimentSettings(instruments=r.strings("instruments", ("vader",)),
                                 actor_instruments=r.strings("actor_instruments", ACTOR_INSTRUMENTS),
                                 dictionaries=dictionaries, models=models)
    r.finish(["instruments", "actor_instruments", "dictionaries", "models"])
    sentence_models = tuple(m.name for m in models if m.kind == "sentence")
    known = SENTENCE_INSTRUMENTS + tuple(d.name for d in dictionaries) + sentence_models
    for name in settings.instruments:
        if name not in known:
            r.fail(f"key 'instruments' names {name!r}; allowed: {', '.join(known)} "
                   "(a dictionary must be defined in [[sentiment.dictionaries]], a sentence model in "
                   "[[sentiment.models]] with kind = \"sentence\")")
    known_actor = KNOWN_ACTOR_INSTRUMENTS + tuple(m.name for m in models if m.kind != "sentence")
    for name in settings.actor_instruments:
        if name not in known_actor:
            r.fail(f"key 'actor_instruments' names {name!r}; allowed: {', '.join(known_actor)}")
    if not settings.instruments:
        r.fail("key 'instruments' must name at least one instrument")
    names = [d.name for d in dictionaries] + [m.name for m in models]
    if len(set(names)) != len(names):
        r.fail("dictionary and model names must be unique")
    builtin = set(SENTENCE_INSTRUMENTS + KNOWN_ACTOR_INSTRUMENTS) & {m.name for m in models}
    if builtin:
        r.fail(f"model name {sorted(builtin)[0]!r} is a built-in instrument; choose another name")
    return settings
