"""A supervised biased-sentence classifier trained on BABE, blind to names, numbers and topic words.

Why not the word lists alone: ``loaded_score`` reaches ROC AUC 0.536 on BABE SG2, below sentence
length, because Recasens' NPOV lemmas include topic nouns ("house", "government", "party").
Here every token is first masked (:func:`mask_tokens`): a capitalised word that does not start the
sentence is ``_name_``, a number ``_num_``, and a word outside the evaluative vocabulary ``_``, so a
model cannot learn that "Trump" or "abortion" sentences are the biased ones and carry that to a
study of other topics. The evaluative vocabulary is VADER's sentiment lexicon, the Recasens et al.
(2013) lists (bias lemmas, hedges, factives, assertives, implicatives, report verbs) and function
words (negation, intensifiers, quantifiers), less the names and topic words of the pruned ``loaded``
list, widened by the words BABE's annotators marked as biased in the training sentences
(:func:`marked_vocabulary`: marked in 2+ sentences and in 30%+ of those holding them, not written as a
name, not concentrated in one BABE topic). A masked word keeps an adverb or adjective ending (``_ly``,
``_ous``...). Over the masked tokens: tf-idf of word 1-2-grams and of character 2-4-grams of the kept
words, a logistic regression, Platt-calibrated by ``CalibratedClassifierCV``; given each training
sentence's outlet, labels are balanced inside each outlet by weights. :func:`fit_default` fits it on all
of BABE SG2 (about 18 s on 2 shared cores; 3,000 sentences score in 0.3 s).

Validation (:func:`validate_on_babe`) is out-of-fold with whole outlets held out, because BABE's
outlets differ in base rate (Reuters 10% biased, Alternet 75%): a model that recognised an outlet's
style would look good under random folds and learn nothing about bias. The marked words come from the
training outlets only. ``python -m analysis.framing.bias_classifier`` (about 3 min) prints:

    BABE SG2, 3,673 sentences         ROC AUC [95% CI]        within length fifths (q1 .. q5)
    words only (before issue 21's fix) 0.738 [0.722, 0.754]   0.731 (0.659 .. 0.772)
    + adverb/adjective endings         0.745                  0.738
    + annotators' marked words         0.748                  0.742
    + character 2-4-grams (default)    0.763 [0.747, 0.778]   0.758 (0.697, 0.728, 0.784, 0.787, 0.792)
    sentence length alone              0.475 [0.453, 0.497]   0.513

The middle rows come from an exploration script (its endings then also took -ist and -ism);
character n-grams alone over the old vocabulary gave 0.753. These choices were made on the same
leave-one-outlet-out folds (C stays 1; 0.5 and 2 moved AUC by 0.004 or less), so the figures are slightly
optimistic.
"""

from __future__ import annotations

import re
import time
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from analysis.collect.datasets import locate
from analysis.collect.framing_datasets import load_babe, load_word_list, vader_lexicon
from analysis.core import cache, defaults, tables
from analysis.framing import ngram_counts
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
# Adverb and adjective endings a masked word keeps with ``shapes`` (comparatives in -er are left out: too
# many nouns end so).
SHAPES = ("ly", "est", "ous", "ive", "ful", "less", "able", "ible", "ic", "ish")


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


def mask_tokens(text: str, *, keep: frozenset[str] | None, shapes: bool = False,
                memo: dict[str, str] | None = None) -> list[str]:
    """Tokens with names (capitalised, not sentence- or quote-initial) as ``_name_``, numbers as ``_num_`` and,
    when ``keep`` is given, words none of whose :func:`inflections` is in it as ``_``; with ``shapes``, as
    ``_ly``, ``_est``, ``_ous``... when they end in an adverb or adjective suffix of :data:`SHAPES` (a
    part-of-speech cue without the word: "brazenly" and "monstrous" unseen in the lexicons stay adverb and
    adjective, "abortion" stays ``_``). ``memo``: a dict kept across calls with the same ``keep`` and
    ``shapes``, so each distinct word is looked up once (a corpus repeats most of its words); it also keeps the
    words met as written, under the key ``_AS_WRITTEN``."""
    memo = {} if memo is None else memo
    # A word that is not capitalised masks the same wherever it stands: it is looked up as written, without
    # lower-casing it again (the memo's keys are lower-case words, so such keys never meet them).
    as_written = memo.setdefault(_AS_WRITTEN, {})
    out = []
    for m in WORD.finditer(text):
        word = m.group()
        masked = as_written.get(word)
        if masked is not None:
            out.append(masked)
        elif word[0].isdigit():
            out.append(as_written.setdefault(word, "_num_"))
        elif word[0].isupper() and word != "I" and _after_text(text, m.start()):
            out.append("_name_")
        else:
            low = word.lower().replace("\u2019", "'")
            masked = memo.get(low)
            if masked is None:
                masked = memo[low] = _masked_word(low, keep, shapes)
            if not word[0].isupper() or word == "I":
                as_written[word] = masked
            out.append(masked)
    return out


_AS_WRITTEN = ("as written",)  # the key of mask_tokens' memo of words as written: no word is a tuple


def _after_text(text: str, start: int) -> bool:
    # Whether the last non-space character before ``start`` exists and does not open a sentence or quote:
    # a backward scan, not ``text[:start].rstrip()``, which copied the sentence for every capitalised word.
    j = start - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    return j >= 0 and text[j] not in OPENERS


def _masked_word(low: str, keep: frozenset[str] | None, shapes: bool) -> str:
    if keep is None or low in keep or any(f in keep for f in inflections(low)):
        return low
    return next((f"_{x}" for x in SHAPES if shapes and low.endswith(x) and len(low) > len(x) + 2), "_")


def marked_vocabulary(texts, marked_words, *, topics=None, min_count: int = 2, min_rate: float = 0.3,
                      max_topic_share: float = 0.6, min_topic_count: int = 3) -> frozenset[str]:
    """Lower-case words that BABE's annotators marked as biased (``marked_words``: one list per sentence of
    ``texts``), widening :func:`evaluative_vocabulary` from the training sentences only.

    A word is kept when it is marked in at least ``min_count`` sentences and in at least ``min_rate`` of the
    sentences that hold it (annotators mark "slammed" and "draconian" nearly wherever they occur, a topic noun
    such as "coronavirus" rarely), and not when it is a name or topic word: one of ``loaded_pruned.csv``'s,
    one written capitalised inside a sentence at least as often as in lower case ("Wuhan", "Taliban",
    "Trumpism"), or, given each sentence's ``topics``, one with ``min_topic_count`` or more sentences of which
    over ``max_topic_share`` are on one topic."""
    texts = as_texts(texts).tolist()
    has_topics, topics = topics is not None, [None] * len(texts) if topics is None else list(topics)
    counts: dict[str, int] = {}
    for words in marked_words:
        for w in {w.lower() for w in words if w.isalpha()}:
            counts[w] = counts.get(w, 0) + 1
    candidates = {w for w, n in counts.items() if n >= min_count} - pruned_words()
    held, upper, lower, by_topic = dict.fromkeys(candidates, 0), dict.fromkeys(candidates, 0), dict.fromkeys(
        candidates, 0), {w: {} for w in candidates}
    for text, topic in zip(texts, topics):
        seen = set()
        for m in WORD.finditer(text):
            word = m.group()
            low = word.lower()
            if low not in candidates:
                continue
            before = text[:m.start()].rstrip()
            if word[0].isupper() and before and before[-1] not in OPENERS:
                upper[low] += 1
            elif word[0].islower():
                lower[low] += 1
            seen.add(low)
        for w in seen:
            held[w] += 1
            by_topic[w][topic] = by_topic[w].get(topic, 0) + 1
    keep = set()
    for w in candidates:
        n = held[w]
        if not n or counts[w] / n < min_rate or upper[w] >= max(lower[w], 1):
            continue
        if has_topics and n >= min_topic_count and max(by_topic[w].values()) / n > max_topic_share:
            continue
        keep.add(w)
    return frozenset(keep)


class BiasClassifier(ClassifierMixin, BaseEstimator):
    """P(biased) of a sentence from its masked words, calibrated.

    ``vocabulary``: ``"evaluative"`` keeps only :func:`evaluative_vocabulary` words (``lexicons``
    chooses them), widened by the words annotators marked in the training sentences when ``fit`` is given
    them (:func:`marked_vocabulary`, ``marked_min_count``/``marked_min_rate``; ``marked_min_count=0`` never
    widens); ``"masked"`` keeps every word but names and numbers (for comparison: topic nouns then reach the
    model). ``shapes``: masked words keep an adverb/adjective ending (:func:`mask_tokens`). ``C``,
    ``ngram_range``, ``min_df``: the tf-idf logistic regression over the masked tokens; ``char_ngram_range``:
    tf-idf character n-grams (inside words) of the kept words beside them, ``None`` for none;
    ``calibration_cv``: folds of the Platt calibration.
    """

    def __init__(self, *, vocabulary: Literal["evaluative", "masked"] = "evaluative",
                 lexicons: tuple[str, ...] = ("vader", "recasens"), C: float = 1.0,
                 ngram_range: tuple[int, int] = (1, 2), min_df: int = 2, shapes: bool = True,
                 char_ngram_range: tuple[int, int] | None = (2, 4), marked_min_count: int = 2,
                 marked_min_rate: float = 0.3, calibration_cv: int = 3, random_state: int = defaults.SEED):
        self.vocabulary, self.lexicons, self.C = vocabulary, lexicons, C
        self.ngram_range, self.min_df, self.shapes, self.char_ngram_range = ngram_range, min_df, shapes, char_ngram_range
        self.marked_min_count, self.marked_min_rate = marked_min_count, marked_min_rate
        self.calibration_cv, self.random_state = calibration_cv, random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def _masked(self, X) -> list[str]:
        memo: dict[str, str] = {}
        return [" ".join(mask_tokens(t, keep=self.keep_, shapes=self.shapes, memo=memo)) for t in as_texts(X).tolist()]

    def _features(self, masked: list[str]):
        """The training matrix: the fitted vectorizers' own transform of the masked sentences."""
        word = self.vectorizer_.fit_transform(masked)
        if self.char_vectorizer_ is None:
            return word
        # masked tokens all start with "_"; the kept words alone go to the character n-grams
        kept = [" ".join(t for t in m.split() if not t.startswith("_")) for m in masked]
        return sparse.hstack([word, self.char_vectorizer_.fit_transform(kept)]).tocsr()

    # Words remembered across calls (masks, character n-gram columns): a worker scoring chunk after chunk met most
    # of each chunk's words before; a news vocabulary stays well below the limit.
    MEMO_LIMIT = 500_000

    def _memos(self) -> dict[str, dict]:
        # A word's mask also depends on ``shapes``: memos made under another setting (set_params without a refit)
        # are dropped, not reused; fit() drops them all.
        memos = self.__dict__.get("_memos_by_kind")
        if memos is None or memos["shapes"] != [self.shapes] or len(memos["mask"]) + len(memos["char"]) > \
                self.MEMO_LIMIT:
            memos = self.__dict__["_memos_by_kind"] = {"shapes": [self.shapes], "mask": {}, "char": {}}
        return memos

    def __getstate__(self) -> dict:  # a copy sent to another process (or to the cache) starts without memos
        return {k: v for k, v in super().__getstate__().items() if k != "_memos_by_kind"}

    def _scored_features(self, X):
        """What :meth:`_features` would give new sentences through the vectorizers' ``transform``, counted with
        :mod:`analysis.framing.ngram_counts` (the same matrices, each distinct word analysed once): the masked
        tokens are numbered once for the word and the character n-grams, never joined into text and split again."""
        memos = self._memos()
        tokens = [mask_tokens(t, keep=self.keep_, shapes=self.shapes, memo=memos["mask"]) for t in as_texts(X).tolist()]
        codes, uniques, docs = ngram_counts.coded(tokens)
        word = ngram_counts.weighted(self.vectorizer_, ngram_counts.coded_word_counts(self.vectorizer_, codes, uniques,
                                                                                      docs, len(tokens)))
        if self.char_vectorizer_ is None:
            return word
        # masked tokens all start with "_"; the kept words alone go to the character n-grams, lower-cased as
        # char_wb_counts lower-cases their text
        kept = np.flatnonzero([not u.startswith("_") for u in uniques])
        renumbered = np.full(len(uniques), -1, dtype=np.int64)
        renumbered[kept] = np.arange(len(kept))
        kept_codes = renumbered[codes] if len(codes) else codes
        at = kept_codes >= 0
        lower = self.char_vectorizer_.lowercase
        words = [uniques[i].lower() if lower else uniques[i] for i in kept]
        char = ngram_counts.coded_char_wb_counts(self.char_vectorizer_, kept_codes[at], words, docs[at], len(tokens),
                                                 memo=memos["char"])
        return sparse.hstack([word, ngram_counts.weighted(self.char_vectorizer_, char)]).tocsr()

    def fit(self, X, y, *, groups=None, marked_words=None, topics=None) -> BiasClassifier:
        """``groups`` (e.g. each sentence's outlet): weights that make each group's biased and non-biased
        sentences weigh alike, the group's total kept, so the model cannot learn an outlet's base rate
        (BABE: Reuters 10% biased, Alternet 75%) through its house style. ``marked_words`` (one list of words
        per sentence, BABE's ``biased_words``) and ``topics`` (each sentence's topic): see
        :func:`marked_vocabulary`; they widen the evaluative vocabulary from these sentences only."""
        if self.vocabulary not in ("evaluative", "masked"):
            raise ValueError(f"vocabulary={self.vocabulary!r}; allowed: 'evaluative', 'masked'")
        if bad := [x for x in self.lexicons if x not in ("vader", "recasens", "babe")]:
            raise ValueError(f"lexicons has {bad}; allowed: 'vader', 'recasens', 'babe'")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"y has {len(self.classes_)} classes; BiasClassifier needs two")
        self.marked_ = frozenset()
        if self.vocabulary == "evaluative" and marked_words is not None and self.marked_min_count > 0:
            self.marked_ = marked_vocabulary(X, marked_words, topics=topics, min_count=self.marked_min_count,
                                             min_rate=self.marked_min_rate)
        self.keep_ = (evaluative_vocabulary(lexicons=tuple(self.lexicons)) | self.marked_
                      if self.vocabulary == "evaluative" else None)
        # Tokens are already split and masked; the default token pattern would drop "_" and split "_name_".
        self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.ngram_range),
                                           min_df=self.min_df, sublinear_tf=True)
        self.char_vectorizer_ = (None if self.char_ngram_range is None else
                                 TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                                 min_df=self.min_df + 1, sublinear_tf=True))
        self.__dict__.pop("_memos_by_kind", None)  # a refit keeps nothing of the last fit's words
        Xt = self._features(self._masked(X))
        folds = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=self.random_state)
        self.model_ = CalibratedClassifierCV(LogisticRegression(C=self.C, max_iter=2000), method="sigmoid",
                                             cv=folds).fit(Xt, y, sample_weight=balancing_weights(y, groups))
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._scored_features(X))

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


def out_of_fold(texts, y, *, groups, estimator: BiasClassifier | None = None, marked_words=None,
                topics=None) -> np.ndarray:
    """P(positive class) for every row from a model fitted without that row's group (leave one group out),
    its training rows weighted by :func:`balancing_weights` of their groups and, given ``marked_words`` (and
    ``topics``), its vocabulary widened by the training rows' marked words only; NaN for a group whose
    training rows hold one class only (none in BABE)."""
    estimator = estimator if estimator is not None else BiasClassifier()
    texts, y, groups = as_texts(texts).reset_index(drop=True), np.asarray(y), np.asarray(groups)
    marked_words = None if marked_words is None else list(marked_words)
    out = np.full(len(y), np.nan)
    for train, test in LeaveOneGroupOut().split(texts, y, groups):
        if len(np.unique(y[train])) < 2:
            continue
        extra = {} if marked_words is None else {
            "marked_words": [marked_words[i] for i in train],
            "topics": None if topics is None else np.asarray(topics)[train]}
        model = clone(estimator).fit(texts.iloc[train], y[train], groups=groups[train], **extra)
        out[test] = model.predict_proba(texts.iloc[test])[:, 1]
    return out


def fit_default(*, split: str = "sg2") -> BiasClassifier:
    """A :class:`BiasClassifier` fitted on every sentence of a BABE split, labels balanced inside each outlet,
    the vocabulary widened by the words its annotators marked."""
    babe = load_babe(split)
    return BiasClassifier().fit(babe["text"], babe["label"], groups=babe["outlet"],
                                marked_words=babe["biased_words"].tolist(), topics=babe["topic"])


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

    def held_out() -> np.ndarray:
        return out_of_fold(babe["text"], babe["label"], groups=babe["outlet"], estimator=estimator,
                           marked_words=babe["biased_words"].tolist(), topics=babe["topic"])

    # The held-out scores depend on the code and BABE, not on a study's seed or resamples, and take minutes:
    # computed once per toolkit version, then every study's validation only bootstraps them.
    oof = held_out() if estimator is not None else cache.cached_object(
        f"oof_{INSTRUMENT}_{split}", cache.key(files=[locate("babe", split, download=False)],
                                               packages=("scikit-learn",)), held_out)
    scores = {INSTRUMENT: oof, "length_only": MarkerScorer().fit().transform(babe["text"])[:, 0]}
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
    chars = "" if model.char_ngram_range is None else ", char {}-{}-grams".format(*model.char_ngram_range)
    marked = f" + {len(getattr(model, 'marked_', ()))} marked" if getattr(model, "marked_", None) else ""
    out["instrument_version"] = (f"{INSTRUMENT} ({model.vocabulary}{marked} words{chars}, C={model.C}; "
                                 f"trained on {trained_on})")
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
