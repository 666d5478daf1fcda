"""A supervised biased-sentence classifier trained on BABE, blind to names, numbers and topic words.

Why not the word lists alone: ``loaded_score`` reaches ROC AUC 0.536 on BABE SG2, below sentence
length, because Recasens' NPOV lemmas include topic nouns ("house", "government", "party").
Here every token is first masked (:func:`mask_tokens`): a capitalised word that does not start the
sentence is ``_name_``, a number ``_num_``, and a word outside the evaluative vocabulary ``_``, so a
model cannot learn that "Trump" or "abortion" sentences are the biased ones and carry that to a
study of other topics. The evaluative vocabulary is VADER's sentiment lexicon, the Recasens et al.
(2013) lists (bias lemmas, hedges, factives, assertives, implicatives, report verbs) and function
words (negation, intensifiers, quantifiers), less the names and topic words of the pruned ``loaded``
list. Over the masked tokens: tf-idf of word 1-2-grams, a logistic regression, Platt-calibrated by
``CalibratedClassifierCV``; given each training sentence's outlet, labels are balanced inside each
outlet by weights. :func:`fit_default` fits it on all of BABE SG2 (about 2 s; 3,000 sentences score
in about 1.5 s).

Validation (:func:`validate_on_babe`) is out-of-fold with whole outlets held out, because BABE's
outlets differ in base rate (Reuters 10% biased, Alternet 75%): a model that recognised an outlet's
style would look good under random folds and learn nothing about bias.
"""

from __future__ import annotations

import re
import time
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from analysis.collect.framing_datasets import load_babe, load_word_list, vader_lexicon
from analysis.core import defaults, tables
from analysis.framing.loaded_language import (
    LISTS,
    MarkerScorer,
    inflections,
    length_strata,
    pruned_words,
    roc_auc_ci,
    within_strata_auc,
)
from analysis.stats import contrasts
from analysis.text.texts import as_texts

INSTRUMENT = "bias_classifier"
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d[\d.,]*")
# After these a capital starts a sentence or a quotation rather than marking a name.
OPENERS = frozenset('.!?:;"\u201c\u2018(')


def evaluative_vocabulary(*, lexicons: tuple[str, ...] = ("vader", "recasens")) -> frozenset[str]:
    """Lower-case words a masked sentence keeps: the chosen lexicons plus English function words, less the
    names and frequent words without valence of ``loaded_pruned.csv`` (Recasens' list has "obama", "abortion")."""
    words = set(ENGLISH_STOP_WORDS) | {"i"}
    if "vader" in lexicons:
        words |= {w for w in vader_lexicon() if w.isalpha()}
    if "recasens" in lexicons:
        words |= {w for name, (dataset, file) in LISTS.items() if dataset == "recasens"
                  for entry in load_word_list(dataset, file) for w in entry.split()}
    if "babe" in lexicons:  # BABE's own list, built from these sentences: optional, for comparison only
        words |= set(load_word_list("babe", "bias_words"))
    return frozenset(words - {w for w in pruned_words() if w not in ENGLISH_STOP_WORDS})


def mask_tokens(text: str, *, keep: frozenset[str] | None) -> list[str]:
    """Tokens with names (capitalised, not sentence- or quote-initial) as ``_name_``, numbers as ``_num_`` and,
    when ``keep`` is given, words none of whose :func:`inflections` is in it as ``_``."""
    out = []
    for m in WORD.finditer(text):
        word, before = m.group(), text[:m.start()].rstrip()
        if word[0].isdigit():
            out.append("_num_")
        elif word[0].isupper() and before and before[-1] not in OPENERS and word != "I":
            out.append("_name_")
        else:
            low = word.lower().replace("\u2019", "'")
            out.append(low if keep is None or low in keep or any(f in keep for f in inflections(low)) else "_")
    return out


class BiasClassifier(ClassifierMixin, BaseEstimator):
    """P(biased) of a sentence from its masked words, calibrated.

    ``vocabulary``: ``"evaluative"`` keeps only :func:`evaluative_vocabulary` words (``lexicons``
    chooses them), ``"masked"`` keeps every word but names and numbers (for comparison: topic nouns
    then reach the model). ``C``, ``ngram_range``, ``min_df``: the tf-idf logistic regression;
    ``calibration_cv``: folds of the Platt calibration.
    """

    def __init__(self, *, vocabulary: Literal["evaluative", "masked"] = "evaluative",
                 lexicons: tuple[str, ...] = ("vader", "recasens"), C: float = 1.0,
                 ngram_range: tuple[int, int] = (1, 2), min_df: int = 2, calibration_cv: int = 3,
                 random_state: int = defaults.SEED):
        self.vocabulary, self.lexicons, self.C = vocabulary, lexicons, C
        self.ngram_range, self.min_df, self.calibration_cv, self.random_state = (ngram_range, min_df,
                                                                                  calibration_cv, random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def _masked(self, X) -> list[str]:
        return [" ".join(mask_tokens(t, keep=self.keep_)) for t in as_texts(X).tolist()]

    def fit(self, X, y, *, groups=None) -> BiasClassifier:
        """``groups`` (e.g. each sentence's outlet): weights that make each group's biased and non-biased
        sentences weigh alike, the group's total kept, so the model cannot learn an outlet's base rate
        (BABE: Reuters 10% biased, Alternet 75%) through its house style."""
        if self.vocabulary not in ("evaluative", "masked"):
            raise ValueError(f"vocabulary={self.vocabulary!r}; allowed: 'evaluative', 'masked'")
        if bad := [x for x in self.lexicons if x not in ("vader", "recasens", "babe")]:
            raise ValueError(f"lexicons has {bad}; allowed: 'vader', 'recasens', 'babe'")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"y has {len(self.classes_)} classes; BiasClassifier needs two")
        self.keep_ = evaluative_vocabulary(lexicons=tuple(self.lexicons)) if self.vocabulary == "evaluative" else None
        # Tokens are already split and masked; the default token pattern would drop "_" and split "_name_".
        self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.ngram_range),
                                           min_df=self.min_df, sublinear_tf=True)
        Xt = self.vectorizer_.fit_transform(self._masked(X))
        folds = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=self.random_state)
        self.model_ = CalibratedClassifierCV(LogisticRegression(C=self.C, max_iter=2000), method="sigmoid",
                                             cv=folds).fit(Xt, y, sample_weight=balancing_weights(y, groups))
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.vectorizer_.transform(self._masked(X)))

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def balancing_weights(y, groups) -> np.ndarray | None:
    """Per row: group size / (2 * rows of its (group, label) cell), so labels balance inside each group; None
    without groups."""
    if groups is None:
        return None
    cells = pd.DataFrame({"g": np.asarray(groups), "y": np.asarray(y)})
    n_group = cells.groupby("g")["y"].transform("size").to_numpy()
    n_cell = cells.groupby(["g", "y"])["y"].transform("size").to_numpy()
    return n_group / (2.0 * n_cell)


def out_of_fold(texts, y, *, groups, estimator: BiasClassifier | None = None) -> np.ndarray:
    """P(positive class) for every row from a model fitted without that row's group (leave one group out),
    its training rows weighted by :func:`balancing_weights` of their groups; NaN for a group whose
    training rows hold one class only (none in BABE)."""
    estimator = estimator if estimator is not None else BiasClassifier()
    texts, y, groups = as_texts(texts).reset_index(drop=True), np.asarray(y), np.asarray(groups)
    out = np.full(len(y), np.nan)
    for train, test in LeaveOneGroupOut().split(texts, y, groups):
        if len(np.unique(y[train])) < 2:
            continue
        model = clone(estimator).fit(texts.iloc[train], y[train], groups=groups[train])
        out[test] = model.predict_proba(texts.iloc[test])[:, 1]
    return out


def fit_default(*, split: str = "sg2") -> BiasClassifier:
    """A :class:`BiasClassifier` fitted on every sentence of a BABE split, labels balanced inside each outlet."""
    babe = load_babe(split)
    return BiasClassifier().fit(babe["text"], babe["label"], groups=babe["outlet"])


def validate_on_babe(*, split: str = "sg2", estimator: BiasClassifier | None = None,
                     n_boot: int = defaults.N_BOOT, confidence: float = defaults.CONFIDENCE,
                     seed: int = defaults.SEED) -> pd.DataFrame:
    """The classifier's out-of-fold scores on a BABE split, each outlet held out in turn, against its labels.

    Long table like :func:`analysis.framing.loaded_language.validate_on_babe`: dataset, split, instrument,
    metric, value, n. Instruments: ``bias_classifier`` and ``length_only`` (the token count as the
    score, the baseline a bias measure must beat). Metrics: ``roc_auc`` with ``roc_auc_ci_low``/``_high``
    (bootstrap over source articles, the same resamples as loaded_language's rows of that split),
    ``roc_auc_within_length`` (mean AUC inside the five length fifths) and ``roc_auc_length_q1``..``q5``.
    Only SG2 is used: 1,539 of SG1's 1,546 and 1,542 of MBIC's 1,551 sentences are SG2 sentences too.
    """
    babe = load_babe(split)
    scores = {INSTRUMENT: out_of_fold(babe["text"], babe["label"], groups=babe["outlet"], estimator=estimator),
              "length_only": MarkerScorer().fit().transform(babe["text"])[:, 0]}
    strata = length_strata(scores["length_only"])
    rows = []
    for instrument, score in scores.items():
        rng = contrasts.group_rng(seed, "babe", split)
        auc, low, high = roc_auc_ci(score, babe["label"], clusters=babe["news_link"], n_boot=n_boot,
                                    confidence=confidence, rng=rng)
        within = within_strata_auc(score, babe["label"], strata)
        metrics = {"roc_auc": auc, "roc_auc_ci_low": low, "roc_auc_ci_high": high,
                   "roc_auc_within_length": float(np.nanmean(within)),
                   **{f"roc_auc_length_q{k + 1}": v for k, v in enumerate(within)}}
        rows += [dict(dataset="babe", split=split, instrument=instrument, metric=m, value=float(v), n=len(babe))
                 for m, v in metrics.items()]
    return pd.DataFrame(rows).astype({"n": "int64", "value": "float64"})


def main() -> None:
    start = time.perf_counter()
    table = validate_on_babe()
    wide = table.pivot_table(index="instrument", columns="metric", values="value", sort=False)
    with pd.option_context("display.width", 250, "display.float_format", "{:.3f}".format):
        print(wide.reset_index().rename_axis(columns=None).to_string(index=False))
    print(f"{time.perf_counter() - start:.0f} s ({table['n'].iloc[0]} sentences)")


if __name__ == "__main__":
    main()


def sentence_bias(sentences: pd.DataFrame, *, model: BiasClassifier, sentence_voice: pd.DataFrame | None = None,
                  trained_on: str = "BABE SG2") -> pd.DataFrame:
    """The ``sentence_bias`` table: ``model``'s probability that each sentence is biased, with its voice."""
    proba = model.predict_proba(sentences["text"].fillna(""))[:, 1] if len(sentences) else np.empty(0)
    out = sentences[["doc_id", "sent_id", "outlet"]].assign(bias_probability=proba)
    if sentence_voice is not None:
        out = out.merge(sentence_voice[["doc_id", "sent_id", "voice"]], on=["doc_id", "sent_id"], how="left")
    voice = out["voice"] if "voice" in out else pd.Series("outlet", index=out.index)
    out["voice"] = np.where(voice.fillna("outlet") == "outlet", "outlet", "others")
    out["instrument_version"] = f"{INSTRUMENT} ({model.vocabulary} words, C={model.C}; trained on {trained_on})"
    return tables.validate(out[tables.schema("sentence_bias").names], "sentence_bias")


def bias_by_group(scores: pd.DataFrame, articles: pd.DataFrame, *, by: str, **opts) -> pd.DataFrame:
    """The ``bias_by_group`` table: each article's mean bias probability (over all its sentences, its own and
    others'), summarised per group with :func:`analysis.stats.contrasts.summarize_groups` (bootstrap over
    articles; each voice on its own seeded stream)."""
    parts = []
    for voice, sub in [("all", scores), *scores.groupby("voice", sort=True)]:
        per_article = (sub.groupby(["doc_id", "instrument_version"], as_index=False)
                       .agg(bias=("bias_probability", "mean"), n_sentences=("bias_probability", "size"))
                       .merge(articles[["doc_id", by]].drop_duplicates("doc_id"), on="doc_id")
                       .assign(instrument=INSTRUMENT))
        if len(per_article):
            parts.append(contrasts.summarize_groups(per_article, by=by, value="bias", target=f"bias {voice}", **opts)
                         .assign(voice=voice))
    out = pd.concat(parts, ignore_index=True) if parts else tables.empty("bias_by_group")
    return tables.validate(out[tables.schema("bias_by_group").names], "bias_by_group")
