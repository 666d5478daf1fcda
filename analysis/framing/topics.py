"""Topics: what the articles are about, so outlets can be compared on agenda as well as tone.

Model. TF-IDF with log term frequency and L2-normalised rows, factorised by
NMF (O'Callaghan et al. 2015 found NMF's topics more coherent than LDA's,
news corpora among those tested). NMF rather than LDA because with ``init="nndsvda"`` and the ``cd``
solver the only random step is the randomised SVD behind NNDSVD, so a fixed
``random_state`` gives the same topics on every run, and it is cheap enough
to refit dozens of times for the choice of k. Tokens (:func:`tokens`) must contain a letter
(keeps "5g", drops years and amounts); sklearn's English stop words are
removed; ``max_df=0.5`` drops words in most articles ("said", and the
keyword a study filtered its corpus on), ``min_df=2`` drops one-off words,
and ``max_features`` caps the vocabulary (by corpus frequency) so that
memory and time grow with the number of articles only.

Choosing k (``n_topics="auto"``): topic stability (Greene, O'Callaghan &
Cunningham 2014). For each k in ``k_range`` the model on all documents is the
reference; ``n_samples`` models are fitted on random ``sample_fraction``
subsets of the documents (the same subsets for every k, so the ks are
compared on equal terms). Each reference topic's ``top_terms`` best terms are
compared with those of its Hungarian-matched subset topic by average Jaccard
over depths 1..t, and stability(k) is the mean over topics and subsets. A k
that splits or merges real themes does so differently on each subset and
scores low. The k with the highest stability wins (ties: the smaller k);
every k's score is kept in ``k_scores_``. Unlike the paper, subsets are rows
of the full TF-IDF matrix (vocabulary and IDF fixed), and the default is 10
subsets (the paper used more) to keep the cost at 11 fits per k. Near-ties
are common: read ``stability_sd`` before trusting the choice.

Large corpora (more than ``large_corpus`` documents, default 5,000). There
80% subsets barely differ from the whole, so stability saturates (0.95-0.96
for k = 3..8 on all of AllSides), and every stability fit is a fit on tens of
thousands of rows. So the stability fits (reference and subsets alike) run
on a random sample of ``k_sample`` rows (default 1,000) of the same TF-IDF
matrix (vocabulary and IDF from all documents), drawn from the
``random_state`` stream before the subsets; the model at the chosen k is then
fitted once on all documents (NMF ``cd`` as above). Every fit over the
threshold (sample and final) runs in float32 and stops at ``large_tol``
(default 1e-3; sklearn's 1e-4 below the threshold): on a 1,000-row AllSides
sample that halved each fit (float32 alone saved a fifth, the tolerance 40-60%
of the iterations), and each fit's top 20 terms agreed 0.98-1.00 with the
float64 fit stopping at 1e-4. ``k_scores_`` describes
the sample's fits, ``k_sample_`` holds its rows, and ``version_`` says "k
chosen on a random sample of n of the N documents". At or under the
threshold nothing is drawn and the model is as described above, bit for
bit. On AllSides, two samples of 1,000 and one of 2,000 all chose k = 4
(stability 0.80 / 0.80 / 0.86, next k = 5 at 0.77 / 0.78 / 0.85); a sample
of 500 chose k = 6 on a flatter, noisier curve, hence 1,000. The threshold
keeps keyword studies (AllSides' China subset is 1,657 articles, a 2,000
article corpus takes 2 min) on the full criterion, and starts where that
criterion's 110 full fits cost several times the sample's.

Measured here (one core unless noted, shared 2-core machine under load
about 5): 67 articles 8-16 s, 107 in 10-18 s, 2,000 in 2 min; all 37,554
AllSides articles 17 min with ``n_jobs=2`` before the sample, 4.3 min
(255 s) with it: TF-IDF about 50 s, the 110 sample fits 80-130 s, the final
fit on all 12-20 s (``benchmarks/topics_scale.py``; a second run 198 s).
With :func:`tokens`, float32 and ``large_tol``: 118.6 s against the old
code's 153.9 s back to back (load about 6), the same k = 4 and the same top
20 terms in every topic; a 96.5 s run spent 39 s on TF-IDF, 44 s on the 110
sample fits and 8 s on the final fit.
MiniBatchNMF (batch 1,024) for the final fit was no faster (15.8 s against
cd's 17.3 s in the same run), fitted worse (Frobenius error 186.46 against
186.08) and shared little with cd's topics (top-20 agreement 0.40): not used.

Prevalence. An article's topic weights sum to 1 (its topic shares); a
group's prevalence of a topic is the mean share over its articles, with the
article-level bootstrap of :mod:`analysis.stats.contrasts`, each topic on its own
seeded stream.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from itertools import filterfalse
from typing import Literal

import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed
from scipy.linalg import cholesky, solve_triangular
from scipy.optimize import linear_sum_assignment, nnls
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analysis.core import defaults, tables
from analysis.stats import contrasts
from analysis.text.texts import as_texts

INSTRUMENT = "nmf_topics"  # the instrument name the prevalence streams are seeded with
TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w{2,}\b"  # two or more word characters, at least one a letter
GROUPS = ("outlet", "leaning", "outlet_type")
LARGE_CORPUS = 5_000  # above this many documents the stability fits run on a sample (module docstring)
K_SAMPLE = 1_000  # the size of that sample
LARGE_TOL = 1e-3  # NMF's stopping tolerance over LARGE_CORPUS (sklearn's default, used below it: 1e-4)
DOCS_PER_TOPIC = 5  # "auto" considers at most n_documents // 5 topics (at least 2)


validate = tables.validate
empty_table = tables.empty


def average_jaccard(a: Sequence, b: Sequence) -> float:
    """Mean over depths d = 1..t of the Jaccard index of the top-d items of two rankings."""
    seen_a, seen_b, total = set(), set(), 0.0
    for x, y in zip(a, b, strict=True):
        seen_a.add(x)
        seen_b.add(y)
        total += len(seen_a & seen_b) / len(seen_a | seen_b)
    return total / len(a)


def ranking_agreement(reference: np.ndarray, other: np.ndarray) -> float:
    """Agreement of two sets of topic rankings: mean average Jaccard under the best one-to-one matching."""
    sim = np.array([[average_jaccard(r, o) for o in other] for r in reference])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].mean())


# A whole run of digits and underscores, else (the group) a run of two or more word characters: findall gives ""
# for the first kind, which filter(None, ...) drops.
_RUNS = re.compile(r"[\d_]+(?!\w)|(\w{2,})")


def tokens(text: str) -> list[str]:
    """``TOKEN_PATTERN``'s tokens of ``text`` less sklearn's English stop words, as the vectorizer found them with
    ``token_pattern=TOKEN_PATTERN, stop_words="english"``, in two thirds of the time.

    The pattern's \\b anchors make its tokens whole runs of word characters, two or more long, and its lookahead
    keeps a run only if one character is neither a digit nor ``_``: the runs ``_RUNS`` captures (the scan never
    starts inside a run: each match takes a whole one). The lookahead read every word twice; here no Python code
    runs per token either (filter, filterfalse). Checked against the pattern on every character of the Basic
    Multilingual Plane in ``tests/framing/test_topics.py``.
    """
    return list(filterfalse(ENGLISH_STOP_WORDS.__contains__, filter(None, _RUNS.findall(text))))


def _fit_nmf(X, rows: np.ndarray | None, k: int, *, random_state: int, max_iter: int, tol: float = 1e-4) -> NMF:
    # One BLAS thread: the same bits whatever n_jobs is, and on these shared 2-core machines
    # a threaded BLAS made NNDSVD's small SVD 50x slower. Convergence is reported through
    # n_iter in k_scores_, not one warning per refit.
    with warnings.catch_warnings(), sklearn.config_context(transform_output="default"), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return NMF(n_components=k, init="nndsvda", solver="cd", max_iter=max_iter, tol=tol,
                   random_state=random_state).fit(X if rows is None else X[rows])


def _nnls_weights(X, H: np.ndarray) -> np.ndarray:
    """Each row's exact non-negative least-squares weights on the topics: argmin ||x - H'w||, w >= 0.

    NMF.transform solves the same problem by coordinate descent, but stops when the
    whole batch has converged, so an article's weights moved (by ~1e-5) with the
    other articles in the call. Here each article is solved alone and exactly:
    with G = HH' = R'R, ||x - H'w||^2 = const + ||Rw - c||^2, c = R'^-1 Hx, a k x k problem.
    """
    H = np.asarray(H, dtype=np.float64)  # float32 over large_corpus: solved in float64 like the rest
    gram = H @ H.T
    try:
        r = cholesky(gram)
    except np.linalg.LinAlgError:  # a dead (all-zero) topic makes G singular
        r = cholesky(gram + 1e-12 * np.trace(gram) * np.eye(len(gram)))
    c = solve_triangular(r, np.asarray(X @ H.T).T, trans="T")
    return np.array([nnls(r, c[:, i])[0] for i in range(c.shape[1])]).reshape(-1, len(H))


def _top(components: np.ndarray, t: int) -> np.ndarray:
    return np.argsort(-components, axis=1, kind="stable")[:, :t]  # stable: ties keep vocabulary order


class TopicModel(TransformerMixin, BaseEstimator):
    """TF-IDF + NMF topics; k fixed or chosen by stability (see the module docstring).

    ``fit(X)``: ``X`` an ``articles`` table (title + text are used) or an
    iterable of texts. ``transform`` returns one row per document and one
    column per topic (``topic_0``...), the document's topic shares (summing
    to 1; all 0 for a document with no term in the vocabulary). Fitted
    state: ``vectorizer_``, ``nmf_``, ``n_topics_``, ``k_scores_`` (one row
    per candidate k, columns as ``tables.schema("topic_k_scores")``),
    ``topic_labels_`` (top 3 terms of each topic), ``version_`` and ``k_sample_``
    (the sorted row numbers of the documents the stability fits ran on when the
    corpus has more than ``large_corpus`` documents, else None).
    """

    def __init__(self, *, n_topics: int | Literal["auto"] = "auto", k_range: Sequence[int] = range(3, 13),
                 random_state: int = 0, n_samples: int = 10, sample_fraction: float = 0.8, top_terms: int = 20,
                 min_df: int | float = 2, max_df: int | float = 0.5, max_features: int | None = 10_000,
                 max_iter: int = 500, n_jobs: int | None = None, large_corpus: int | None = LARGE_CORPUS,
                 k_sample: int = K_SAMPLE, large_tol: float = LARGE_TOL):
        self.n_topics = n_topics
        self.k_range = k_range
        self.random_state = random_state
        self.n_samples = n_samples
        self.sample_fraction = sample_fraction
        self.top_terms = top_terms
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.large_corpus = large_corpus
        self.k_sample = k_sample
        self.large_tol = large_tol

    def _candidates(self) -> list[int]:
        if self.n_topics == "auto":
            ks = sorted({int(k) for k in self.k_range})
            if not ks or ks[0] < 1:
                raise ValueError(f"k_range must hold positive integers, got {self.k_range!r}")
            return ks
        if isinstance(self.n_topics, (int, np.integer)) and self.n_topics >= 1:
            return [int(self.n_topics)]
        raise ValueError(f"n_topics must be 'auto' or a positive integer, got {self.n_topics!r}")

    def fit(self, X, y=None) -> TopicModel:
        ks = self._candidates()
        if not 0 < self.sample_fraction < 1:
            raise ValueError(f"sample_fraction must lie in (0, 1), got {self.sample_fraction!r}")
        if self.n_samples < (1 if self.n_topics == "auto" else 0):
            raise ValueError(f"n_samples must be >= 1 with n_topics='auto' (>= 0 otherwise), got {self.n_samples!r}")
        if self.k_sample < 2:
            raise ValueError(f"k_sample must be >= 2, got {self.k_sample!r}")
        texts = as_texts(X, title=True).tolist()  # an articles table: title + text
        # tokens() is TOKEN_PATTERN less the English stop words (the same matrix, faster).
        self.vectorizer_ = TfidfVectorizer(tokenizer=tokens, token_pattern=None, sublinear_tf=True,
                                           min_df=self.min_df, max_df=self.max_df, max_features=self.max_features)
        tfidf = self.vectorizer_.fit_transform(texts)
        # Workers get a read-only memmap above 1 MB, and NMF sorts unsorted indices in place
        # (the vectorizer leaves them unsorted): sort once here. Workers slice their own subset.
        tfidf.sum_duplicates()
        n_docs, n_terms = tfidf.shape
        rng = np.random.default_rng(self.random_state)
        # Large corpus: the stability fits run on a fixed-seed sample of rows (same vocabulary and
        # IDF), the final model once on all documents. Small corpora draw nothing here: as before.
        sampled = (self.large_corpus is not None and self.n_samples > 0
                   and n_docs > max(self.large_corpus, self.k_sample))
        self.k_sample_ = np.sort(rng.choice(n_docs, size=self.k_sample, replace=False)) if sampled else None
        # Over the threshold every fit is float32 and stops at large_tol: on a 1,000-row sample of AllSides
        # that halved a fit's time, and its top 20 terms agreed 0.98-1.00 with the float64 fit stopping at 1e-4.
        fitted = tfidf.astype(np.float32) if sampled else tfidf
        tol = self.large_tol if sampled else 1e-4
        base = fitted[self.k_sample_] if sampled else tfidf
        n_base = base.shape[0]
        size = int(round(self.sample_fraction * n_base))
        bound = min(size if self.n_samples else n_base, n_terms)  # NNDSVD needs k <= min(documents, terms)
        if self.n_topics == "auto":
            # At least DOCS_PER_TOPIC documents a topic: stability alone chose 12 topics for 18 articles.
            bound = min(bound, max(2, n_docs // DOCS_PER_TOPIC))
        feasible = [k for k in ks if k <= bound]
        where = f"{n_docs} documents" + (f" (a sample of {n_base})" if sampled else "")
        if not feasible:
            raise ValueError(f"no k in {ks} fits {where} x {n_terms} terms (subsets of {size}); "
                             "lower k_range / n_topics or pass more documents")
        if len(feasible) < len(ks):
            per_topic = f"; at most one topic per {DOCS_PER_TOPIC} documents" if self.n_topics == "auto" else ""
            warnings.warn(f"k_range: k > {bound} left out ({where} x {n_terms} terms, subsets of {size}{per_topic})",
                          UserWarning, stacklevel=2)
        subsets = [np.sort(rng.choice(n_base, size=size, replace=False)) for _ in range(self.n_samples)]
        jobs = [(k, s) for k in feasible for s in [None, *subsets]]
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_nmf)(base, s, k, random_state=self.random_state, max_iter=self.max_iter, tol=tol)
            for k, s in jobs)
        t = min(self.top_terms, n_terms)
        rows, models = [], {}
        for i, k in enumerate(feasible):
            ref, *subs = fits[i * (len(subsets) + 1):(i + 1) * (len(subsets) + 1)]
            agree = [ranking_agreement(_top(ref.components_, t), _top(m.components_, t)) for m in subs]
            models[k] = ref
            rows.append(dict(k=k, stability=float(np.mean(agree)) if agree else np.nan,
                             stability_sd=float(np.std(agree, ddof=1)) if len(agree) > 1 else np.nan,
                             n_samples=len(agree), n_documents=n_base, sampled=sampled,
                             reconstruction_err=float(ref.reconstruction_err_),
                             n_iter=int(ref.n_iter_)))
        scores = pd.DataFrame(rows)
        # idxmax returns the first maximum, and rows are in increasing k: ties go to the smaller k.
        chosen = int(scores.loc[scores["stability"].idxmax(), "k"]) if len(scores) > 1 else feasible[0]
        self.k_scores_ = validate(scores.assign(selected=scores["k"] == chosen), "topic_k_scores")
        self.n_topics_ = chosen
        # k_scores_ keeps the sample's reference fits (all rows alike); the model used is fitted on all.
        self.nmf_ = _fit_nmf(fitted, None, chosen, random_state=self.random_state, max_iter=self.max_iter,
                             tol=tol) if sampled else models[chosen]
        if self.nmf_.n_iter_ >= self.max_iter:
            warnings.warn(f"NMF with k={chosen} stopped at max_iter={self.max_iter} before converging",
                          ConvergenceWarning, stacklevel=2)
        terms = self.vectorizer_.get_feature_names_out()
        labels = [", ".join(terms[_top(self.nmf_.components_, 3)[i]]) for i in range(chosen)]
        # Labels name the topic in figures and seed its bootstrap stream, so they must be unique.
        self.topic_labels_ = [lab if labels.count(lab) == 1 else f"{lab} ({i})" for i, lab in enumerate(labels)]
        digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:12]
        how = (f"max stability over k in {ks} ({self.n_samples} subsets of {self.sample_fraction:g}, "
               f"top {t} terms)" if self.n_topics == "auto" else "fixed")
        if sampled:
            how += (f"; {'k chosen' if self.n_topics == 'auto' else 'stability'} on a random sample of "
                    f"{n_base} of the {n_docs} documents (over large_corpus={self.large_corpus}), "
                    f"final model on all documents; float32, tol={self.large_tol:g}")
        self.version_ = (f"{INSTRUMENT} k={chosen} ({how}); tfidf {n_terms} terms (min_df={self.min_df}, "
                         f"max_df={self.max_df}, max_features={self.max_features}); nmf nndsvda/cd "
                         f"random_state={self.random_state}; {n_docs} documents sha256 {digest}; "
                         f"scikit-learn {sklearn.__version__}")
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "nmf_")
        w = _nnls_weights(self.vectorizer_.transform(as_texts(X, title=True).tolist()), self.nmf_.components_)
        totals = w.sum(axis=1, keepdims=True)
        return np.divide(w, totals, out=np.zeros_like(w), where=totals > 0)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "nmf_")
        return np.array([f"topic_{i}" for i in range(self.n_topics_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def topic_terms(model: TopicModel, *, top: int = 10) -> pd.DataFrame:
    """The ``topic_terms`` table: each topic's ``top`` terms by weight, with its ``topic_label``."""
    check_is_fitted(model, "nmf_")
    terms = model.vectorizer_.get_feature_names_out()
    comp = model.nmf_.components_
    order = _top(comp, min(top, comp.shape[1]))
    rows = [(k, model.topic_labels_[k], r + 1, terms[j], float(comp[k, j]))
            for k in range(model.n_topics_) for r, j in enumerate(order[k])]
    df = pd.DataFrame(rows, columns=["topic", "topic_label", "rank", "term", "weight"])
    return validate(df.astype({"topic": "int64", "rank": "int64", "weight": "float64"}), "topic_terms")


def article_topics(model: TopicModel, articles: pd.DataFrame) -> pd.DataFrame:
    """The ``article_topics`` table: every article's share of every topic (long format)."""
    weights = model.transform(articles)
    k = model.n_topics_
    meta = articles[["doc_id", "outlet", "outlet_type", "leaning"]].reset_index(drop=True)
    df = meta.loc[meta.index.repeat(k)].reset_index(drop=True)
    df["topic"] = np.tile(np.arange(k, dtype=np.int64), len(meta))
    df["topic_label"] = np.array(model.topic_labels_, dtype=object)[df["topic"]]
    df["weight"] = weights.ravel()
    df["has_terms"] = np.repeat(weights.sum(axis=1) > 0, k)
    return validate(df, "article_topics")


def topic_prevalence(article_topics: pd.DataFrame, *, by: str = "outlet", n_boot: int = defaults.N_BOOT,
                     confidence: float = defaults.CONFIDENCE, min_articles: int = defaults.MIN_ARTICLES,
                     seed: int = defaults.SEED) -> pd.DataFrame:
    """The ``topic_prevalence`` table: mean topic share per group of ``by``, article-level bootstrap CI.

    Articles without terms have no topic shares to average and are left out
    (counted in ``n_without_terms``). Groups with fewer than ``min_articles``
    articles get a mean but no interval. Each topic draws from its own stream
    (``contrasts.group_rng(seed, by, group, INSTRUMENT, topic_label)``).
    """
    if by not in GROUPS:
        raise ValueError(f"by={by!r}; allowed: {', '.join(GROUPS)}")
    empty = article_topics.loc[~article_topics["has_terms"]].groupby(by)["doc_id"].nunique()
    frames = []
    for (topic, label), g in article_topics.loc[article_topics["has_terms"]].groupby(["topic", "topic_label"]):
        # Adapter to compare's sentiment-shaped input: one "instrument", each article weighs one unit.
        scores = g.assign(instrument=INSTRUMENT, instrument_version="", n_sentences=1)
        s = contrasts.summarize_groups(scores, by=by, value="weight", n_boot=n_boot, confidence=confidence,
                                     min_articles=min_articles, seed=seed, target=label)
        frames.append(s.assign(topic=topic, topic_label=label))
    if not frames:
        return empty_table("topic_prevalence")
    out = pd.concat(frames, ignore_index=True)
    out["n_without_terms"] = out["group"].map(empty.rename(index=str)).fillna(0).astype("int64")
    return validate(out.astype({"topic": "int64"}), "topic_prevalence")


def top_articles(article_topics: pd.DataFrame, articles: pd.DataFrame, *, top: int = 5) -> pd.DataFrame:
    """The ``topic_top_articles`` table: the ``top`` articles with the largest share of each topic."""
    df = article_topics.loc[article_topics["weight"] > 0, ["topic", "topic_label", "doc_id", "outlet", "weight"]]
    df = df.sort_values(["topic", "weight", "doc_id"], ascending=[True, False, True], kind="stable")
    df = df.groupby("topic", sort=True).head(top)
    df["rank"] = df.groupby("topic").cumcount().astype("int64") + 1
    df = df.merge(articles[["doc_id", "title"]], on="doc_id", how="left", validate="many_to_one")
    return validate(df.assign(title=df["title"].fillna("")), "topic_top_articles")
