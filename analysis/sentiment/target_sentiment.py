"""Target-aware (actor-directed) sentiment: the sentiment a sentence expresses toward one mention.

Two instruments behind the same ``X`` (a DataFrame with ``text``, ``start``,
``end``: the sentence and the character span of the mention):

* ``TargetSentimentClassifier``: a linear model trained on NewsMTSC. The
  mention is replaced by a placeholder, so the model cannot learn who is
  liked, only how the sentence talks about whoever stands in that slot.
  Features: word n-grams of the masked sentence, of the k words left of the
  mention and of the k words right of it (three separate vocabularies), and
  VADER scores of the masked window and of the masked sentence.
* ``sentence_vader_baseline``: sentence VADER compound given to every target
  in the sentence (the usual +/-0.05 thresholds).

A third, ``ClauseTargetClassifier`` (``target_clause``), reads the target's own
clause and compares the targets of one sentence; it lives in
:mod:`analysis.sentiment.target_model`.

``evaluate_on_newsmtsc`` trains on ``train.jsonl`` and scores both on
``devtest_rw.jsonl``; ``tune_on_train`` is the grouped cross-validation on
train (groups = sentences) that chose the defaults. Run
``python -m analysis.sentiment.target_sentiment`` to print the evaluation table
(``--tune`` to re-run the cross-validation first).
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from analysis.collect.datasets import load_newsmtsc
from analysis.sentiment.scoring import VaderScorer
from analysis.sentiment.target_model import ClauseTargetClassifier, training_version
from analysis.sentiment.target_pairs import bootstrap_macro_f1, pair_metrics
from analysis.text.texts import as_texts

LABELS = ("negative", "neutral", "positive")
POSITIVE_THRESHOLD = 0.05  # VADER authors' conventional cut-offs
NEGATIVE_THRESHOLD = -0.05
PLACEHOLDER = "xtargetx"  # lower case: an ALL-CAPS token would switch on VADER's caps emphasis
_TOKEN = re.compile(r"\S+")
_REQUIRED = ("text", "start", "end")


def _check_mentions(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a DataFrame with columns {list(_REQUIRED)}, got {type(X).__name__}")
    missing = [c for c in _REQUIRED if c not in X.columns]
    if missing:
        raise ValueError(f"X lacks columns {missing}; it needs {list(_REQUIRED)} (sentence and mention span)")
    return X


def mention_views(X: pd.DataFrame, *, window: int = 5, placeholder: str = PLACEHOLDER) -> pd.DataFrame:
    """The text views the classifier reads, one row per mention, index kept.

    Columns: ``masked`` (the sentence with ``text[start:end]`` replaced by the
    placeholder), ``left`` and ``right`` (the ``window`` whitespace tokens
    before and after the mention), ``window`` (left, placeholder, right).
    """
    X = _check_mentions(X)
    rows = []
    for text, start, end in zip(X["text"].astype(str), X["start"].astype(int), X["end"].astype(int), strict=True):
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"mention span {start}:{end} lies outside a sentence of {len(text)} characters")
        before, after = text[:start], text[end:]
        left = " ".join(_TOKEN.findall(before)[-window:]) if window > 0 else ""
        right = " ".join(_TOKEN.findall(after)[:window]) if window > 0 else ""
        rows.append((f"{before} {placeholder} {after}", left, right, f"{left} {placeholder} {right}"))
    return pd.DataFrame(rows, columns=["masked", "left", "right", "window"], index=X.index)


class MentionViews(TransformerMixin, BaseEstimator):
    """Stateless step: mention table (``text``, ``start``, ``end``) to ``mention_views``."""

    def __init__(self, *, window: int = 5, placeholder: str = PLACEHOLDER):
        self.window = window
        self.placeholder = placeholder

    def fit(self, X, y=None) -> MentionViews:
        _check_mentions(X)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X) -> pd.DataFrame:
        check_is_fitted(self, "n_features_in_")
        return mention_views(X, window=self.window, placeholder=self.placeholder)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["masked", "left", "right", "window"], dtype=object)


class TargetSentimentClassifier(ClassifierMixin, BaseEstimator):
    """Sentiment toward a masked mention: context n-grams + VADER into a balanced logistic regression.

    ``X`` is a DataFrame with ``text``, ``start``, ``end``; ``y`` holds
    negative / neutral / positive. Defaults were chosen by ``tune_on_train``
    (5-fold GroupKFold on NewsMTSC train, groups = sentences, macro-F1: window=3,
    C=3 scored 0.647 +/- 0.009, best of window {3, 5, 8} x C {0.3, 1, 3}; all within 0.63-0.65).
    Fitted state: ``pipeline_`` (MentionViews -> ColumnTransformer ->
    LogisticRegression), ``classes_``.
    """

    name = "target_logreg"

    def __init__(self, *, window: int = 3, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 C: float = 3.0, use_vader: bool = True, max_iter: int = 5000, random_state: int = 0):
        self.window = window
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.use_vader = use_vader
        self.max_iter = max_iter
        self.random_state = random_state

    def _build(self) -> Pipeline:
        def tfidf(min_df):
            return TfidfVectorizer(ngram_range=self.ngram_range, min_df=min_df, sublinear_tf=True,
                                   token_pattern=r"(?u)\b\w+\b|[!?]")

        parts = [("masked", tfidf(self.min_df), "masked"),
                 ("left", tfidf(1), "left"),
                 ("right", tfidf(1), "right")]
        if self.use_vader:
            parts += [("vader_window", VaderScorer(), "window"), ("vader_sentence", VaderScorer(), "masked")]
        return Pipeline([
            ("views", MentionViews(window=self.window)),
            ("features", ColumnTransformer(parts)),
            ("clf", LogisticRegression(C=self.C, class_weight="balanced", max_iter=self.max_iter,
                                       random_state=self.random_state)),
        ])

    def fit(self, X, y) -> TargetSentimentClassifier:
        X = _check_mentions(X)
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        self.pipeline_ = self._build().fit(X, y)
        self.classes_ = self.pipeline_.classes_
        self.version_ = training_version(self, X, y)
        return self

    def polarity(self, X) -> np.ndarray:
        """P(positive) - P(negative) toward each mention, in [-1, 1]."""
        proba = self.predict_proba(X)
        classes = list(self.classes_)
        return proba[:, classes.index("positive")] - proba[:, classes.index("negative")]

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(_check_mentions(X))

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(_check_mentions(X))

    def get_feature_names_out(self) -> np.ndarray:
        """Names of the model's input features (``masked__...``, ``left__...``, ``vader_window__compound``)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.named_steps["features"].get_feature_names_out()


class SentenceVaderBaseline(ClassifierMixin, BaseEstimator):
    """The baseline as an estimator: every target in a sentence gets the sentence's VADER score.

    Nothing is learned; ``fit`` loads the lexicon. Same interface as
    :class:`TargetSentimentClassifier` (``predict``, ``polarity``).
    """

    name = "sentence_vader"

    def fit(self, X=None, y=None) -> SentenceVaderBaseline:
        self.scorer_ = VaderScorer().fit()
        self.classes_ = np.array(LABELS, dtype=object)
        self.version_ = f"{self.scorer_.version_}; thresholds +/-{POSITIVE_THRESHOLD}"
        return self

    def polarity(self, X) -> np.ndarray:
        check_is_fitted(self, "scorer_")
        return self.scorer_.transform(as_texts(X))[:, 0]

    def predict(self, X) -> np.ndarray:
        return _label(self.polarity(X))


def _label(compound: np.ndarray) -> np.ndarray:
    return np.where(compound >= POSITIVE_THRESHOLD, "positive",
                    np.where(compound <= NEGATIVE_THRESHOLD, "negative", "neutral")).astype(object)


def fit_default() -> TargetSentimentClassifier:
    """The target-aware model the pipeline uses: defaults, trained on all of NewsMTSC train."""

    train = load_newsmtsc("train")
    return TargetSentimentClassifier().fit(train, train["label"])


def fit_clause_default() -> ClauseTargetClassifier:
    """The clause model with its defaults, trained on all of NewsMTSC train (band chosen inside train)."""

    train = load_newsmtsc("train")
    return ClauseTargetClassifier().fit(train, train["label"])


def sentence_vader_baseline(X, *, scorer: VaderScorer | None = None) -> np.ndarray:
    """The simple baseline: the whole sentence's VADER compound, given to the target.

    ``X`` is a DataFrame with ``text`` (mention offsets are ignored) or an
    iterable of sentences. compound >= 0.05 is positive, <= -0.05 negative,
    anything between neutral.
    """
    scorer = scorer if scorer is not None else VaderScorer().fit()
    return _label(scorer.transform(as_texts(X))[:, 0])


def classification_metrics(y_true, y_pred, *, instrument: str) -> pd.DataFrame:
    """Long table: macro_f1, accuracy and f1_<class> rows; ``n`` is the rows scored (class support for f1_<class>)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    per_class = f1_score(y_true, y_pred, labels=list(LABELS), average=None, zero_division=0)
    rows = [(instrument, "macro_f1", f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0),
             len(y_true)),
            (instrument, "accuracy", accuracy_score(y_true, y_pred), len(y_true))]
    rows += [(instrument, f"f1_{c}", f, int((y_true == c).sum())) for c, f in zip(LABELS, per_class, strict=True)]
    out = pd.DataFrame(rows, columns=["instrument", "metric", "value", "n"])
    return out.astype({"value": "float64", "n": "int64"})


def evaluate_on_newsmtsc(*, model: TargetSentimentClassifier | None = None,
                         instruments: tuple[str, ...] = ("target_logreg", "sentence_vader"),
                         fitted: list | tuple = (), n_boot: int = 1000, confidence: float = 0.95,
                         seed: int = 0) -> pd.DataFrame:
    """Train on NewsMTSC train, score the requested instruments on devtest_rw.

    Long format, one row per instrument and metric: ``dataset`` (newsmtsc),
    ``split`` (devtest_rw), ``instrument`` (target_logreg, target_clause or
    sentence_vader), ``metric``, ``value`` and ``n``. Metrics: macro_f1 with
    ``macro_f1_ci_low``/``_ci_high`` (percentile bootstrap over sentences),
    accuracy, f1_negative, f1_neutral, f1_positive (``n`` = test rows, or the
    class's support), and the multi-target figures of
    :func:`analysis.sentiment.target_pairs.pair_metrics` (``n`` = pairs,
    sentences or gold-neutral targets). ``model`` replaces the default
    ``target_logreg`` model; ``fitted`` adds instruments that need no training here (transformer
    models, :mod:`analysis.sentiment.transformer`), scored the same way.
    """

    test = load_newsmtsc("devtest_rw")
    fitted = list(fitted)
    if TargetSentimentClassifier.name in instruments or ClauseTargetClassifier.name in instruments:
        train = load_newsmtsc("train")
        if TargetSentimentClassifier.name in instruments:
            fitted.append((model if model is not None else TargetSentimentClassifier()).fit(train, train["label"]))
        if ClauseTargetClassifier.name in instruments:
            fitted.append(ClauseTargetClassifier().fit(train, train["label"]))
    if SentenceVaderBaseline.name in instruments:
        fitted.append(SentenceVaderBaseline().fit())
    parts = []
    for instrument in fitted:
        predicted = np.asarray(instrument.predict(test), dtype=object)
        metrics = classification_metrics(test["label"], predicted, instrument=instrument.name)
        low, high = bootstrap_macro_f1(test["label"], predicted, test["sentence_id"], n_boot=n_boot,
                                       confidence=confidence, seed=seed)
        ci = pd.DataFrame([(instrument.name, "macro_f1_ci_low", low, len(test)),
                           (instrument.name, "macro_f1_ci_high", high, len(test))], columns=metrics.columns)
        scored = pd.DataFrame({"sentence": test["sentence_id"], "label": test["label"], "predicted": predicted,
                               "score": instrument.polarity(test)})
        parts += [metrics.iloc[:1], ci, metrics.iloc[1:], pair_metrics(scored, instrument=instrument.name)]
    out = pd.concat(parts, ignore_index=True).astype({"value": "float64", "n": "int64"})
    out.insert(0, "split", "devtest_rw")
    out.insert(0, "dataset", "newsmtsc")
    return out


def tune_on_train(*, param_grid: dict | None = None, n_splits: int = 5,
                  n_jobs: int | None = None) -> pd.DataFrame:
    """Grouped cross-validation on NewsMTSC train only (groups = sentence_id), scored by macro-F1.

    Returns one row per parameter setting: the parameters, ``mean_macro_f1``,
    ``sd_macro_f1`` and ``rank``, best first. devtest_rw is never read.
    """

    train = load_newsmtsc("train")
    grid = param_grid if param_grid is not None else {"window": [3, 5, 8], "C": [0.3, 1.0, 3.0]}
    search = GridSearchCV(TargetSentimentClassifier(), grid, scoring="f1_macro", cv=GroupKFold(n_splits=n_splits),
                          n_jobs=n_jobs, refit=False)
    search.fit(train, train["label"], groups=train["sentence_id"])
    res = pd.DataFrame(search.cv_results_)
    params = pd.DataFrame(list(res["params"]))
    out = params.assign(mean_macro_f1=res["mean_test_score"], sd_macro_f1=res["std_test_score"],
                        rank=res["rank_test_score"])
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.sentiment.target_sentiment", description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="run the grouped cross-validation on train first")
    args = parser.parse_args(argv)
    with pd.option_context("display.width", 120, "display.max_columns", 10):
        if args.tune:
            t0 = time.perf_counter()
            print(tune_on_train(n_jobs=2).to_string(index=False))
            print(f"# grouped CV on train: {time.perf_counter() - t0:.1f} s\n")
        t0 = time.perf_counter()
        table = evaluate_on_newsmtsc(instruments=("target_logreg", "target_clause", "sentence_vader"))
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"# train + evaluate: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
