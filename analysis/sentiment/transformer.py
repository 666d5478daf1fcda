"""Optional transformer instruments: any Hugging Face sequence-classification model, for sentences or targets.

Installed as an extra (``pip install -e '.[transformers]'``: PyTorch and transformers); the offline
defaults stay the classic instruments. A study names a model in ``[[sentiment.models]]``; the
model's folder comes from :func:`analysis.collect.models.locate`, so scoring never touches the
network. Everything runs on the CPU unless ``device`` says otherwise, in batches of sentences of
similar length (less padding), under ``torch.inference_mode``.

A model's classes become a polarity in [-1, 1] through their names: ``negative`` -1, ``neutral`` 0,
``positive`` +1 (any name starting ``neg``, ``neu``, ``pos``), and ``k stars`` (k - 3) / 2. A model
whose classes are ``LABEL_0``... needs ``labels`` (one of those three names per class, in class-id
order). The polarity is the probability-weighted mean of the classes' values, so it moves smoothly
with the model's confidence; the label is the class group (negative, neutral, positive) with the
largest probability.

* :class:`TransformerSentenceScorer`: a sentence instrument (``transform`` gives polarity first,
  then each class's probability), scored through the sentence cache like VADER.
* :class:`TransformerTargetClassifier`: an actor instrument (``predict``/``polarity`` on sentence and
  mention span). ``target_input="pair"`` gives the model the sentence and the mention as a text
  pair (how aspect-sentiment models are trained); ``"marked"`` wraps the mention in markers inside
  the sentence.
* :class:`NewsSentimentTargetClassifier`: the NewsMTSC model (GRU-TSC; Hamborg & Donnay 2021)
  through its own package, ``NewsSentiment``, which the Hub cannot run on its own (the model needs
  the sentence and the target as separate inputs).
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analysis.collect.models import INSTALL_HINT, fingerprint
from analysis.core.errors import MissingExtraError, StudyConfigError

LABELS = ("negative", "neutral", "positive")
_VALUE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
_STARS = re.compile(r"^([1-5])\s*stars?$")
TARGET_INPUTS = ("pair", "marked")
NEWSSENTIMENT_HINT = ("pip install NewsSentiment (in its own environment: it needs torch < 2.1 and "
                      "transformers <= 4.24)")


def _torch_and_transformers():
    try:
        import torch
        import transformers
    except ImportError:
        raise MissingExtraError(f"transformer instruments need PyTorch and transformers: {INSTALL_HINT}") from None
    return torch, transformers


def class_values(class_names: list[str], labels: tuple[str, ...] | None = None) -> np.ndarray:
    """Each class's polarity in [-1, 1], from ``labels`` when given, else from the model's class names."""
    if labels:
        if len(labels) != len(class_names):
            raise StudyConfigError(f"labels gives {len(labels)} names but the model has {len(class_names)} classes "
                                   f"({', '.join(class_names)})")
        unknown = [name for name in labels if name not in _VALUE]
        if unknown:
            raise StudyConfigError(f"labels may only be {', '.join(LABELS)}; got {', '.join(unknown)}")
        return np.array([_VALUE[name] for name in labels])
    values = []
    for name in class_names:
        key = name.strip().lower()
        stars = _STARS.match(key)
        value = next((v for label, v in _VALUE.items() if key.startswith(label[:3])), None)
        if stars:
            value = (int(stars.group(1)) - 3) / 2
        if value is None:
            raise StudyConfigError(f"cannot tell the polarity of the model's class {name!r} (classes: "
                                   f"{', '.join(class_names)}); give labels = [...] in class-id order, each one of "
                                   f"{', '.join(LABELS)}")
        values.append(value)
    return np.array(values)


def usable_length(config, tokenizer, max_length: int) -> int:
    """``max_length`` capped where the model can read it: longer inputs than the position table crash the model.

    RoBERTa-style models start positions after the padding index (514 entries for 512 tokens), so two are kept in
    reserve; a tokenizer's own limit counts too (tokenizers without one report about 1e30)."""
    limits = [max_length, getattr(config, "max_position_embeddings", max_length + 2) - 2]
    if tokenizer.model_max_length < 1_000_000:
        limits.append(tokenizer.model_max_length)
    return int(min(limits))


class _HubModel:
    """Loading, batching and the class-to-polarity map shared by the sentence and target instruments (a mixin:
    each instrument is its own estimator)."""

    def __init__(self, *, model: str, name: str = "transformer", labels: tuple[str, ...] | None = None,
                 batch_size: int = 32, max_length: int = 256, device: str = "cpu"):
        self.model = model
        self.name = name
        self.labels = labels
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device

    def fit(self, X=None, y=None):
        """Load the saved model in folder ``model``; nothing is trained."""
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not (isinstance(self.max_length, int) and self.max_length >= 8):
            raise ValueError(f"max_length must be an integer of at least 8 tokens, got {self.max_length!r}")
        torch, transformers = _torch_and_transformers()
        transformers.utils.logging.disable_progress_bar()  # a bar per weight file floods logs; the stage reports
        folder = Path(self.model)
        self.tokenizer_ = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        network = transformers.AutoModelForSequenceClassification.from_pretrained(folder, local_files_only=True)
        self.network_ = network.to(self.device).eval()
        config = self.network_.config
        if config.num_labels < 2:
            raise StudyConfigError(f"model {folder} has a single output (a regression head); a sentiment instrument "
                                   "needs a classifier with one output per class")
        self.max_length_ = usable_length(config, self.tokenizer_, self.max_length)
        self.classes_ = np.array([config.id2label[i] for i in range(config.num_labels)], dtype=object)
        self.class_values_ = class_values(list(self.classes_), self.labels)
        self.version_ = (f"{self.name} model {fingerprint(folder)} values {self.class_values_.tolist()} "
                         f"max_length {self.max_length_} {self._input_version()} "
                         f"transformers {metadata.version('transformers')} torch {torch.__version__.split('+')[0]}")
        return self

    def _input_version(self) -> str:
        return "sentence"

    def _probabilities(self, first: list[str], second: list[str] | None = None) -> np.ndarray:
        """Class probabilities, one row per input, computed in batches of inputs of similar length."""
        check_is_fitted(self, "network_")
        torch, _ = _torch_and_transformers()
        n = len(first)
        out = np.empty((n, len(self.classes_)))
        lengths = [len(t) + (len(second[i]) if second else 0) for i, t in enumerate(first)]
        order = np.argsort(lengths, kind="stable")
        with torch.inference_mode():
            for start in range(0, n, self.batch_size):
                rows = order[start:start + self.batch_size]
                texts = [first[i] for i in rows]
                pairs = [second[i] for i in rows] if second is not None else None
                encoded = self.tokenizer_(texts, pairs, padding=True, truncation=True, max_length=self.max_length_,
                                          return_tensors="pt").to(self.device)
                logits = self.network_(**encoded).logits.float()
                out[rows] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out

    def _polarity(self, proba: np.ndarray) -> np.ndarray:
        return np.clip(proba @ self.class_values_, -1.0, 1.0)

    def _labels(self, proba: np.ndarray) -> np.ndarray:
        groups = np.sign(self.class_values_)  # -1, 0, +1: the probability mass of each label
        mass = np.column_stack([proba[:, groups == g].sum(axis=1) for g in (-1, 0, 1)])
        return np.array(LABELS, dtype=object)[mass.argmax(axis=1)]


class TransformerSentenceScorer(TransformerMixin, _HubModel, BaseEstimator):
    """A sentence instrument from a sequence-classification model: polarity, then each class's probability."""

    def transform(self, X) -> np.ndarray:
        texts = [str(t) for t in (X.tolist() if hasattr(X, "tolist") else X)]
        if not texts:
            return np.empty((0, 1 + len(self.classes_)))
        proba = self._probabilities(texts)
        return np.column_stack([self._polarity(proba), proba])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "classes_")
        return np.array(["polarity", *(f"p_{c}" for c in self.classes_)], dtype=object)


class TransformerTargetClassifier(ClassifierMixin, _HubModel, BaseEstimator):
    """An actor instrument from a sequence-classification model that reads the sentence and its target.

    ``X`` is a DataFrame with ``text``, ``start`` and ``end`` (the mention's characters), as for
    :class:`analysis.sentiment.target_sentiment.TargetSentimentClassifier`.
    """

    def __init__(self, *, model: str, name: str = "transformer_target", labels: tuple[str, ...] | None = None,
                 batch_size: int = 32, max_length: int = 256, device: str = "cpu", target_input: str = "pair",
                 markers: tuple[str, str] = ("<t>", "</t>")):
        super().__init__(model=model, name=name, labels=labels, batch_size=batch_size, max_length=max_length,
                         device=device)
        self.target_input = target_input
        self.markers = markers

    def fit(self, X=None, y=None) -> TransformerTargetClassifier:
        if self.target_input not in TARGET_INPUTS:
            raise StudyConfigError(f"target_input must be one of {', '.join(TARGET_INPUTS)}, got {self.target_input!r}")
        return super().fit(X, y)

    def _input_version(self) -> str:
        return f"target {self.target_input} {list(self.markers) if self.target_input == 'marked' else ''}".strip()

    def _inputs(self, X: pd.DataFrame) -> tuple[list[str], list[str] | None]:
        texts = X["text"].astype(str).tolist()
        spans = list(zip(X["start"].astype(int), X["end"].astype(int), strict=True))
        if self.target_input == "pair":
            return texts, [t[s:e] for t, (s, e) in zip(texts, spans, strict=True)]
        opening, closing = self.markers
        return [f"{t[:s]}{opening}{t[s:e]}{closing}{t[e:]}" for t, (s, e) in zip(texts, spans, strict=True)], None

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        if len(X) == 0:
            return np.empty((0, len(self.classes_)))
        return self._probabilities(*self._inputs(X))

    def polarity(self, X: pd.DataFrame) -> np.ndarray:
        return self._polarity(self.predict_proba(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self._labels(self.predict_proba(X))


class NewsSentimentTargetClassifier(ClassifierMixin, BaseEstimator):
    """The NewsMTSC target-sentiment model (GRU-TSC) through the ``NewsSentiment`` package.

    Published: macro-F1 0.831 on NewsMTSC's devtest_rw (Hamborg & Donnay 2021, table 3). The package
    downloads its own weights on first use and pins old PyTorch and transformers releases, so it runs
    in an environment of its own; where it is importable, ``validate sentiment`` scores it on
    devtest_rw like the other actor instruments.
    """

    name = "newsmtsc_grutsc"

    def __init__(self, *, batch_size: int = 32):
        self.batch_size = batch_size

    def fit(self, X=None, y=None) -> NewsSentimentTargetClassifier:
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        try:
            from NewsSentiment import TargetSentimentClassifier
        except ImportError:
            raise MissingExtraError(f"the NewsMTSC model needs the NewsSentiment package: {NEWSSENTIMENT_HINT}") from None
        self.classifier_ = TargetSentimentClassifier()
        self.classes_ = np.array(LABELS, dtype=object)
        self.version_ = f"{self.name} NewsSentiment {metadata.version('NewsSentiment')}"
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        targets = [(t[:s], t[s:e], t[e:]) for t, s, e in zip(X["text"].astype(str), X["start"].astype(int),
                                                               X["end"].astype(int), strict=True)]
        if not targets:
            return np.empty((0, len(LABELS)))
        results = self.classifier_.infer(targets=targets, batch_size=self.batch_size)
        column = {label: i for i, label in enumerate(LABELS)}
        out = np.zeros((len(targets), len(LABELS)))
        for row, classes in enumerate(results):
            for c in classes:
                out[row, column[c["class_label"]]] = c["class_prob"]
        return out

    def polarity(self, X: pd.DataFrame) -> np.ndarray:
        proba = self.predict_proba(X)
        return proba[:, 2] - proba[:, 0]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
