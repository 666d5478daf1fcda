"""A supervised sentence-sentiment instrument trained on news: ``news_ridge``.

``SentenceSentimentRegressor`` is a ridge regression on TF-IDF word uni- and
bigrams (sublinear tf) plus the sentence's four VADER scores. Its score is
the predicted human rating on VADER's -4..+4 scale divided by 4, clipped to
[-1, 1]. Words the training text writes as names (``NameMasker``) are
replaced by one placeholder before counting, so the model cannot learn who
is liked: trained on NewsMTSC without it, "trump" weighed -0.27, "putin"
-0.16 and "obama" +0.12 (word weights have SD 0.02), which would make an
outlet that mentions Trump more often look more negative. Masking costs at
most 0.002 of r below.

Training sets (``training_data``), targets on that same scale:

* ``nyt``: VADER's NYT snippets (Hutto & Gilbert 2014), target
  ``human_mean / 4``.
* ``newsmtsc``: NewsMTSC train (Hamborg & Donnay 2021), one row per sentence
  (deduplicated by ``sentence_id``), target the mean of its targets' labels
  (negative -1, neutral 0, positive +1) times ``NEWSMTSC_SCALE`` = 0.25, so
  a positive NewsMTSC sentence counts as +1 on the human -4..+4 scale.
* ``nyt+newsmtsc`` (the default, ``fit_default``): both, unweighted.

Each design is validated against the NYT human mean on snippets it was not
trained on (``nyt_validation_scores``): ``newsmtsc`` is fitted once and scores
every snippet (out of domain); ``nyt`` and ``nyt+newsmtsc`` are cross-fitted,
10 folds grouped by article (the 71 duplicated snippets all repeat inside
one article, so no text crosses a fold), NewsMTSC in every training fold.
The instrument a study uses is fitted on all of its training set.

Measured with ``python -m analysis.validation.training_designs`` (all designs in one
run; Pearson r, 95% cluster bootstrap CI over articles, 2000 resamples;
5,190 snippets, 498 articles; fold and bootstrap seed 0):

==============================  ======================  ======================
instrument                      sentence level          article level (means)
==============================  ======================  ======================
vader (compound)                0.503 [0.477, 0.528]    0.630 [0.567, 0.684]
news_ridge, ``newsmtsc``        0.518 [0.494, 0.540]    0.646 [0.590, 0.695]
news_ridge, ``nyt``             0.562 [0.540, 0.583]    0.695 [0.643, 0.743]
news_ridge, ``nyt+newsmtsc``    0.568 [0.547, 0.589]    0.707 [0.659, 0.750]
one human rater (ceiling)       0.713 [0.706, 0.721]
==============================  ======================  ======================

Paired differences in sentence-level r (same article resamples, 1000):
``nyt+newsmtsc`` - VADER +0.065 [+0.051, +0.079]; ``nyt`` - VADER +0.059
[+0.048, +0.070]; ``nyt+newsmtsc`` - ``nyt`` +0.006 [-0.003, +0.014];
``newsmtsc`` - VADER +0.015 [-0.002, +0.030]. Fold seeds 1 and 2 give
0.565 and 0.565 (article 0.705, 0.705) for the default.

Trained on NewsMTSC alone the model barely beats VADER on NYT, and only with
alpha = 3, which was chosen on NYT; NewsMTSC's own grouped CV (5 folds by
article, r against the sentence target) cannot separate alpha 1 and 3
(0.569 and 0.567, names kept) and alpha 1 gives 0.475 on NYT. Its labels
are about the sentiment toward a person, not the sentence's tone. Adding
NewsMTSC to NYT gains a little (not significantly) and brings the
vocabulary of the recent US political news the studies are about, which is
why it is the default.

Variants (sentence-level r), cross-fitted as above. With the default's
folds: ``nyt+newsmtsc`` alpha 1 / 3 / 10 gave 0.549 / 0.568 / 0.562 (names
masked) and 0.552 / 0.570 / 0.562 (kept); ``nyt`` alpha 1 / 3 / 10 gave
0.554 / 0.562 / 0.549. With unshuffled GroupKFold folds and names kept:
``nyt+newsmtsc`` at alpha 3 with NewsMTSC scale 0.125 / 0.25 / 0.375 gave
0.566 / 0.568 / 0.563, and NewsMTSC down-weighted to 0.3 at most 0.571; on
``nyt``, words without VADER 0.364 (best alpha), VADER alone (linear in its
four scores) 0.517, adding character 2-5-grams 0.575 at five times the
cost, unigrams only 0.563, min_df 1 0.563, extra nonlinear VADER terms
0.561.

Choosing alpha in {1, 3, 10} and the scale in {0.125, 0.25, 0.375} inside
each outer fold (nested 5-fold grouped CV, names kept) picked alpha 3 and
0.25 in all ten folds, so choosing the defaults on the same folds does not
inflate the table. Fitting the default takes about 2 s, its cross-fitted
validation about 17 s on 2 cores.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from analysis.collect.datasets import load_newsmtsc, load_vader_nyt, locate
from analysis.core import tables
from analysis.sentiment.scoring import VaderScorer
from analysis.text.texts import as_texts

Source = Literal["nyt", "newsmtsc", "nyt+newsmtsc"]
SOURCES: tuple[str, ...] = ("nyt", "newsmtsc", "nyt+newsmtsc")
DEFAULT_SOURCE: Source = "nyt+newsmtsc"
HUMAN_SCALE = 4.0  # VADER's NYT raters used -4..+4
NEWSMTSC_SCALE = 0.25  # a NewsMTSC positive sentence = +1 on the -4..+4 scale (chosen by CV, see above)
NEWSMTSC_LABELS = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
TOKEN_PATTERN = r"(?u)\b\w+\b|[!?]"  # words, plus ! and ? as tokens
NAME_PLACEHOLDER = "xnamex"  # lower case, so that the vectorizer keeps it as one token
NAME_THRESHOLD = 0.8  # share of mid-sentence uses capitalised that makes a word a name (0.5 did as well)
_WORD = re.compile(r"\b\w\w+\b")  # single letters ("I", the "U" of "U.S.") are never names here


def data_digest(texts, y) -> str:
    """First 12 hex of sha256 over ``text<TAB>repr(target)`` lines: names a training set exactly."""
    h = hashlib.sha256()
    for text, target in zip(texts, np.asarray(y, dtype=float), strict=True):
        h.update(f"{text}\t{float(target)!r}\n".encode())
    return h.hexdigest()[:12]


class NameMasker(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Replaces the words the training text writes as names by ``NAME_PLACEHOLDER``.

    A word (two or more characters) is a name when, away from the start of a
    sentence, at least ``threshold`` of its occurrences are capitalised; a
    word seen only capitalised, and only at sentence starts, is one too.
    Only capitalised occurrences are replaced ("Rose" but not "rose"). Text
    in, text out (a list of str, so no ``set_output``); fitted state:
    ``names_`` (lower-cased).
    """

    def __init__(self, *, threshold: float = NAME_THRESHOLD, placeholder: str = NAME_PLACEHOLDER):
        self.threshold = threshold
        self.placeholder = placeholder

    def fit(self, X, y=None) -> NameMasker:
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must lie in (0, 1], got {self.threshold!r}")
        mid_upper, lower, initial_upper = Counter(), Counter(), Counter()
        for text in as_texts(X):
            for i, m in enumerate(_WORD.finditer(text)):
                word = m.group()
                key = word.lower()
                if word[0].isupper():
                    (mid_upper if i else initial_upper)[key] += 1
                else:
                    lower[key] += 1
        names = {w for w, n in mid_upper.items() if n / (n + lower[w]) >= self.threshold}
        names |= {w for w in initial_upper if w not in mid_upper and w not in lower}
        self.names_ = frozenset(names)
        return self

    def transform(self, X) -> list[str]:
        check_is_fitted(self, "names_")

        def mask(m: re.Match) -> str:
            word = m.group()
            return self.placeholder if word[0].isupper() and word.lower() in self.names_ else word

        return [_WORD.sub(mask, text) for text in as_texts(X)]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["text"], dtype=object)


class SentenceSentimentRegressor(RegressorMixin, TransformerMixin, BaseEstimator):
    """Ridge regression on TF-IDF word n-grams (names masked) and VADER scores: sentence to polarity in [-1, 1].

    ``fit(X, y)``: ``X`` an iterable of sentences (or a DataFrame with
    ``text``), ``y`` targets in [-1, 1] (``training_data`` gives human rating
    / 4). ``transform`` returns one column, ``score``; ``predict`` the same
    as a 1-d array. Defaults were chosen by grouped cross-validation (see the
    module docstring). Fitted state: ``pipeline_`` (FeatureUnion of
    NameMasker -> TfidfVectorizer and VaderScorer -> Ridge), ``training_set_``,
    ``n_train_``, ``data_sha256_`` and ``version_``, which names the
    training set, its digest, the scikit-learn and VADER versions and the
    hyperparameters.
    """

    name = "news_ridge"
    kind = "supervised"

    def __init__(self, *, alpha: float = 3.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 use_vader: bool = True, mask_names: bool = True):
        self.alpha = alpha
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.use_vader = use_vader
        self.mask_names = mask_names

    def _build(self) -> Pipeline:
        words = TfidfVectorizer(ngram_range=self.ngram_range, min_df=self.min_df, sublinear_tf=True,
                                token_pattern=TOKEN_PATTERN)
        if self.mask_names:
            words = Pipeline([("names", NameMasker()), ("tfidf", words)])
        parts = [("words", words)]
        if self.use_vader:
            parts.append(("vader", VaderScorer()))
        # sparse_cg is what "auto" picks for sparse input with an intercept; named so that it cannot drift.
        return Pipeline([("features", FeatureUnion(parts)), ("ridge", Ridge(alpha=self.alpha, solver="sparse_cg"))])

    def fit(self, X, y, *, training_set: str = "unnamed") -> SentenceSentimentRegressor:
        """Fit on sentences ``X`` and targets ``y``; ``training_set`` only labels ``version_``."""
        texts = as_texts(X)
        y = np.asarray(y, dtype=float).ravel()
        if len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} sentences but y has {len(y)} targets")
        if len(y) < 2:
            raise ValueError(f"need at least 2 training sentences, got {len(y)}")
        if not np.all(np.isfinite(y)) or np.abs(y).max() > 1:
            raise ValueError("y must be finite and lie in [-1, 1] (human rating / 4, see training_data)")
        with sklearn.config_context(transform_output="default"):  # the inner steps pass sparse matrices
            self.pipeline_ = self._build().fit(texts, y)
        self.training_set_ = training_set
        self.n_train_ = len(y)
        self.data_sha256_ = data_digest(texts, y)
        vader = (self.pipeline_.named_steps["features"].named_transformers["vader"].version_
                 if self.use_vader else "none")
        lo, hi = self.ngram_range
        self.version_ = (f"{self.name} trained on {training_set} (n={self.n_train_}, sha256 {self.data_sha256_}); "
                         f"scikit-learn {sklearn.__version__}; ridge alpha={self.alpha:g}, "
                         f"tfidf words {lo}-{hi}-grams min_df={self.min_df}, "
                         f"names {f'masked ({NAME_THRESHOLD:g})' if self.mask_names else 'kept'}; vader: {vader}")
        return self

    def _score(self, X) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        texts = as_texts(X)
        if len(texts) == 0:
            return np.empty(0)
        with sklearn.config_context(transform_output="default"):
            score = self.pipeline_.predict(texts)
        return np.clip(score, -1.0, 1.0)

    def transform(self, X) -> np.ndarray:
        """The score as one column (a DataFrame with ``score`` under ``set_output(transform="pandas")``)."""
        return self._score(X).reshape(-1, 1)

    def predict(self, X) -> np.ndarray:
        """The score as a 1-d array."""
        return self._score(X)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["score"], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags


def term_weights(model: SentenceSentimentRegressor) -> pd.DataFrame:
    """The model's coefficients, one row per feature: ``feature`` (``words__...``, ``vader__...``), ``weight``.

    Sorted from most positive to most negative, for checking what the model learned.
    """
    check_is_fitted(model, "pipeline_")
    names = model.pipeline_.named_steps["features"].get_feature_names_out()
    out = pd.DataFrame({"feature": names, "weight": model.pipeline_.named_steps["ridge"].coef_})
    return out.sort_values(["weight", "feature"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}; got {source!r}")


def _nyt_xy(gold: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    return gold["text"].astype(str).reset_index(drop=True), gold["human_mean"].to_numpy(dtype=float) / HUMAN_SCALE


def _newsmtsc_xy() -> tuple[pd.Series, np.ndarray]:

    train = load_newsmtsc("train")
    per_sentence = (train.assign(y=train["label"].map(NEWSMTSC_LABELS))
                    .groupby("sentence_id", sort=False).agg(text=("text", "first"), y=("y", "mean")))
    return per_sentence["text"].astype(str).reset_index(drop=True), per_sentence["y"].to_numpy() * NEWSMTSC_SCALE


def training_data(source: Source = DEFAULT_SOURCE) -> tuple[pd.Series, np.ndarray]:
    """Sentences and targets (on the human -4..+4 scale divided by 4) of a training set.

    ``nyt``: the 5,190 NYT snippets, target ``human_mean / 4``. ``newsmtsc``:
    NewsMTSC train, one row per ``sentence_id`` (7,758), target the mean
    target label (-1, 0, +1) times ``NEWSMTSC_SCALE``. ``nyt+newsmtsc``: NYT
    rows then NewsMTSC rows.
    """

    _check_source(source)
    parts = []
    if source in ("nyt", "nyt+newsmtsc"):
        parts.append(_nyt_xy(load_vader_nyt()))
    if source in ("newsmtsc", "nyt+newsmtsc"):
        parts.append(_newsmtsc_xy())
    texts = pd.concat([p[0] for p in parts], ignore_index=True).rename("text")
    return texts, np.concatenate([p[1] for p in parts])


def training_files(source: Source = DEFAULT_SOURCE) -> list[Path]:
    """The data files ``training_data(source)`` reads, so that a changed file re-runs what depends on it."""

    _check_source(source)
    files = []
    if source in ("nyt", "nyt+newsmtsc"):
        files += [locate("vader_nyt", "ground_truth", download=False), locate("vader_nyt", "ratings", download=False)]
    if source in ("newsmtsc", "nyt+newsmtsc"):
        files.append(locate("newsmtsc", "train", download=False))
    return files


def fit_default(source: Source = DEFAULT_SOURCE) -> SentenceSentimentRegressor:
    """The instrument the pipeline uses: default hyperparameters, fitted on all of ``training_data(source)``."""
    texts, y = training_data(source)
    return SentenceSentimentRegressor().fit(texts, y, training_set=source)


def nyt_folds(article_ids, *, n_splits: int = 10, seed: int = 0) -> np.ndarray:
    """Fold number (0..n_splits-1) of each snippet; all snippets of an article share a fold."""
    article_ids = np.asarray(article_ids)
    fold = np.full(len(article_ids), -1)
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(article_ids, groups=article_ids)):
        fold[test] = k
    return fold


def nyt_validation_scores(*, source: Source = DEFAULT_SOURCE, n_splits: int = 10, seed: int = 0,
                          estimator: SentenceSentimentRegressor | None = None,
                          gold: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scores on VADER's NYT snippets from models that never saw the snippet's article.

    The ``validation_scores`` table: ``snippet_id``, ``article_id``,
    ``human_mean``, ``instrument`` (the estimator's ``name``), ``score``. For
    ``source="newsmtsc"`` one model trained on NewsMTSC scores every snippet
    (``n_splits`` and ``seed`` unused); otherwise each fold of
    ``nyt_folds(n_splits, seed)`` is scored by a model fitted on the other
    folds (plus NewsMTSC for ``nyt+newsmtsc``). ``estimator`` (default
    ``SentenceSentimentRegressor()``) is cloned for every fit; ``gold``
    defaults to ``load_vader_nyt()``.
    """

    _check_source(source)
    gold = gold if gold is not None else load_vader_nyt()
    estimator = estimator if estimator is not None else SentenceSentimentRegressor()
    texts, y = _nyt_xy(gold)
    extra = _newsmtsc_xy() if source in ("newsmtsc", "nyt+newsmtsc") else None
    score = np.full(len(gold), np.nan)
    if source == "newsmtsc":
        score[:] = clone(estimator).fit(extra[0], extra[1], training_set="newsmtsc").predict(texts)
    else:
        fold = nyt_folds(gold["article_id"], n_splits=n_splits, seed=seed)
        for k in range(n_splits):
            train, test = fold != k, fold == k
            fit_texts, fit_y = texts[train], y[train]
            if extra is not None:
                fit_texts = pd.concat([fit_texts, extra[0]], ignore_index=True)
                fit_y = np.concatenate([fit_y, extra[1]])
            model = clone(estimator).fit(fit_texts, fit_y, training_set=f"{source} without NYT fold {k}/{n_splits}")
            score[test] = model.predict(texts[test])
    out = gold[["snippet_id", "article_id", "human_mean"]].reset_index(drop=True)
    out["instrument"] = estimator.name
    out["score"] = score
    return tables.validate(out, "validation_scores")
