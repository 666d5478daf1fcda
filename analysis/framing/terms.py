"""Terms: words and phrases that set one group's coverage apart, with article-level stability.

Scores are Monroe, Colaresi & Quinn's (2008) log-odds ratio with an
informative Dirichlet prior: raw frequency differences are topped by common
words and raw log-odds by words used once; the prior (proportional to a
background corpus, by default the groups' term shares averaged with equal
weight, so that no large group sets it) shrinks rare words towards "no
difference". Its z treats tokens as independent, but one
long article can fill a group's list, so every reported term is re-scored
on bootstrap resamples of ARTICLES (``stable``) and terms mostly from one
article are flagged (``single_article``).

Default study, AllSides left/center/right one-vs-rest (24/27/15 articles,
200 resamples): of each leaning's top 20, 7/14/16 (center/left/right) are
single_article and 17/16/17 not stable (8/16/18 and 17/17/18 with the pooled
prior, the two-letter tokenizer and the ">= 0.5" flag). With this few
articles a list is a lead for reading, not a finding. On planted terms
(``benchmarks/distinctive_terms_simulation.py``, 30 vs 30 articles) the flag
recovers about half of the words planted at 3x and flags 0.2% of the others,
where z >= 1.96 alone flags 7%; ``benchmarks/distinctive_terms_allsides.py``
runs the AllSides China subset.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from analysis.core import defaults, tables
from analysis.framing.term_tokens import (  # noqa: F401 - the tokenizer's names, re-exported
    BREAK_CHARS,
    TOKEN_PATTERN,
    NgramAnalyzer,
    token_matches,
    tokenize,
)
from analysis.stats import contrasts

GroupVar = Literal["leaning", "outlet", "outlet_type"]
BY: tuple[str, ...] = ("leaning", "outlet", "outlet_type")
MODES: tuple[str, ...] = ("one_vs_rest", "pairwise")
STABLE_Z = 1.96              # |z| a resample must reach (two-sided 5%)
STABLE_SHARE = 0.9           # share of resamples that must reach it, with the full-data sign
SINGLE_ARTICLE_SHARE = 0.5   # flagged when the top article has MORE than this share of the group's count
BOOT_PERCENTILES = (5.0, 95.0)

#: ``monroe_frame`` output, one row per term: column -> dtype kind (not a stored table, so no schema).
MONROE_COLUMNS: dict[str, str] = {
    "group_var": "str", "group_a": "str", "group_b": "str", "term": "str", "n": "int", "n_other": "int",
    "n_total": "int", "freq": "float", "delta": "float", "z": "float",
}
_DTYPES = {"str": "str", "int": "int64", "float": "float64", "bool": "bool"}

def _n_outlets(present, outlets: np.ndarray) -> np.ndarray:
    """Distinct outlets per term, from a boolean article x term matrix and each article's outlet."""
    codes, uniques = pd.factorize(outlets)
    n = len(codes)
    by_outlet = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(uniques), n))
    return np.asarray(((by_outlet @ present) > 0).sum(axis=0)).ravel()


def _outlet_floor(present, outlets: np.ndarray, groups: np.ndarray, min_outlets: int) -> np.ndarray:
    """Terms some group uses in >= min(min_outlets, that group's outlets) of its outlets."""
    ok = np.zeros(present.shape[1], dtype=bool)
    for g in pd.unique(groups):
        rows = np.flatnonzero(groups == g)
        need = min(min_outlets, len(pd.unique(outlets[rows])))
        ok |= _n_outlets(present[rows], outlets[rows]) >= need
    return ok


def kept_articles(articles: pd.DataFrame, drop_duplicates: bool) -> pd.DataFrame:
    """The articles whose terms are counted: all, or (``drop_duplicates``) those the clean stage did not mark
    as duplicates."""
    # A syndicated copy (is_duplicate, from clean.py) would count its story's words twice.
    if drop_duplicates and "is_duplicate" in articles:
        return articles.loc[~articles["is_duplicate"].astype(bool)]
    return articles


def term_counts(articles: pd.DataFrame, *, ngram_range: tuple[int, int] = (1, 3), min_df: int = 2,
                min_outlets: int = 2, by: str | None = None, stop_words: frozenset[str] | None = ENGLISH_STOP_WORDS,
                max_features: int | None = None, drop_duplicates: bool = True, counts: TermCounts | None = None,
                ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Article x term counts: (sparse matrix, vocabulary, doc_ids of its rows).

    Text is ``articles.text``, already stripped of boilerplate by the clean
    stage, read by :class:`NgramAnalyzer`; duplicates are left out unless
    ``drop_duplicates=False``. A term is kept when it occurs in at least
    ``min_df`` articles and, in at least one group of column ``by`` (None:
    all articles are one group), in articles of at least
    min(``min_outlets``, outlets of that group) outlets: one article's names
    and quotes, or one outlet's house style (bylines, section names, a
    columnist), would otherwise fill the top of a many-outlet group's list,
    while a one-outlet group (``by="outlet"``) keeps every term its outlet
    uses in ``min_df`` articles. ``max_features`` then keeps the most
    frequent terms (ties by term).

    ``counts`` (X, vocab, doc_ids): this analyzer's counts of the articles' texts, computed before (the text is
    then not read). Its rows are taken by doc_id and its terms pass the same floors; a term may be missing from
    it only if it is in fewer than ``min_df`` of the articles. The result is the same.
    """
    _require(articles, ("doc_id",) + (("text",) if counts is None else ()) + (("outlet",) if min_outlets > 1 else ())
             + ((by,) if by else ()))
    kept = kept_articles(articles, drop_duplicates)
    if counts is None:
        vec = CountVectorizer(analyzer=NgramAnalyzer(ngram_range=ngram_range, stop_words=stop_words), min_df=min_df)
        X, vocab = vec.fit_transform(kept["text"]).tocsr(), vec.get_feature_names_out()
        keep = np.ones(len(vocab), dtype=bool)
    else:
        X, vocab = _rows_of(counts, kept["doc_id"].astype(str).to_numpy()), np.asarray(counts[1])
        keep = np.asarray((X > 0).sum(axis=0)).ravel() >= min_df  # CountVectorizer's min_df
    if min_outlets > 1:
        keep &= _outlet_floor(X > 0, kept["outlet"].astype(str).to_numpy(),
                              kept[by].astype(str).to_numpy() if by else np.zeros(len(kept)), min_outlets)
    if max_features is not None and keep.sum() > max_features:
        totals = np.asarray(X.sum(axis=0)).ravel()
        order = np.lexsort((vocab, -totals))  # most frequent first, ties alphabetical
        keep &= np.isin(np.arange(len(vocab)), order[keep[order]][:max_features])
    return X[:, keep], vocab[keep], kept["doc_id"].astype(str).to_numpy()


TermCounts = tuple[sparse.csr_matrix, np.ndarray, np.ndarray]  # (article x term counts, vocabulary, doc_ids of rows)


def _rows_of(counts: TermCounts, doc_ids: np.ndarray) -> sparse.csr_matrix:
    """The rows of ``counts`` for ``doc_ids``, in that order."""
    X, _, rows = counts
    rows = np.asarray(rows).astype(str)
    if len(rows) == len(doc_ids) and np.array_equal(rows, doc_ids):
        return sparse.csr_matrix(X)  # all of them, in order: no copy (the callers copy before they change it)
    position = pd.Series(np.arange(len(rows)), index=pd.Index(rows))
    if not position.index.is_unique:
        raise ValueError("counts: its doc_ids must be unique")
    missing = ~pd.Index(doc_ids).isin(position.index)
    if missing.any():
        raise ValueError(f"counts: no row for {int(missing.sum())} articles, e.g. {doc_ids[missing][:3].tolist()}")
    return sparse.csr_matrix(X)[position.loc[doc_ids].to_numpy()]


def _log_odds(y_a, y_b, n_a, n_b, a_w, a_0, variance: str):
    # Same terms in the same order as scattertext, so "full" z agrees with it to the last bit.
    rest_a, rest_b = n_a + a_0 - y_a - a_w, n_b + a_0 - y_b - a_w
    delta = np.log((y_a + a_w) / rest_a) - np.log((y_b + a_w) / rest_b)
    var = (1. / (y_a + a_w) + 1. / rest_a + 1. / (y_b + a_w) + 1. / rest_b if variance == "full"
           else 1. / (y_a + a_w) + 1. / (y_b + a_w))
    return delta, var, delta / np.sqrt(var)


def log_odds_dirichlet(counts_a, counts_b, prior, *, variance: Literal["full", "approx"] = "full"):
    """Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior: (delta, variance, z).

    For term w with counts y_a, y_b (totals n_a, n_b over the vocabulary)
    and prior counts alpha_w (alpha_0 = sum of alpha_w)::

        delta_w = log[(y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w)]
                - log[(y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w)]
        var_w   = 1/(y_a + alpha_w) + 1/(y_b + alpha_w)                      ("approx", the paper's)
                  + 1/(n_a + alpha_0 - y_a - alpha_w) + 1/(n_b + alpha_0 - y_b - alpha_w)   ("full")
        z_w     = delta_w / sqrt(var_w)                                      (their eq. 22)

    The paper drops the two "all other words" terms of the variance, which
    are negligible when n >> y; ``"full"`` keeps them, as scattertext's
    ``LogOddsRatioInformativeDirichletPrior`` does. Positive z: more typical
    of a. Arrays are 1-D over the vocabulary; ``prior`` must be positive
    wherever both counts can be zero.
    """
    if variance not in ("full", "approx"):
        raise ValueError(f"variance={variance!r}; allowed: 'full', 'approx'")
    y_a, y_b, a_w = (np.asarray(x, dtype=float) for x in (counts_a, counts_b, prior))
    return _log_odds(y_a, y_b, y_a.sum(), y_b.sum(), a_w, a_w.sum(), variance)


@dataclass(frozen=True)
class _Corpus:
    X: sparse.csr_matrix      # articles x terms
    vocab: np.ndarray
    labels: np.ndarray        # group label per row
    outlets: np.ndarray       # outlet per row
    base: np.ndarray          # prior shape: background (or groups' mean) term shares, all > 0


def _prepare(articles, by, background, *, ngram_range, min_df, min_outlets, drop_duplicates,
             weight: str | None = None, counts: TermCounts | None = None) -> _Corpus:
    if by not in BY:
        raise ValueError(f"by={by!r}; allowed: {', '.join(map(repr, BY))}")
    _require(articles, ("doc_id",) + (("text",) if counts is None else ()) + ("outlet", by))
    articles = articles.loc[articles[by].notna()]
    X, vocab, _ = term_counts(articles, ngram_range=ngram_range, min_df=min_df, min_outlets=min_outlets, by=by,
                              drop_duplicates=drop_duplicates, counts=counts)
    if not len(vocab):
        raise ValueError(f"no term is in >= {min_df} articles of >= {min_outlets} outlets; lower min_df or min_outlets")
    rows = kept_articles(articles, drop_duplicates)
    labels = rows[by].astype(str).to_numpy()
    X = X.astype(np.float64)
    base = _prior_shape(X, labels, vocab, background, ngram_range=ngram_range, drop_duplicates=drop_duplicates)
    if weight is not None:  # reuse-aware counts: an article counts for the share of its text that is its own
        # X.multiply(w[:, None]) in place: the same products, without its COO copy of the matrix
        X.data *= np.repeat(rows[weight].to_numpy(dtype=float), np.diff(X.indptr))
        X.sort_indices()  # as the COO -> CSR conversion left it
    return _Corpus(X, vocab, labels, rows["outlet"].astype(str).to_numpy(), base)


def _prior_shape(X, labels: np.ndarray, vocab: np.ndarray, background, *, ngram_range, drop_duplicates) -> np.ndarray:
    """Prior term shares: the background's, or the groups' term shares averaged with equal weight.

    Pooling the articles instead lets the largest group set the prior: with
    79 articles against 12,641 the prior is the larger side's own
    distribution, its deltas shrink to about 0 and its list is ordered by
    raw frequency. Background counts get one added, so a term the
    background never uses still gets a (small) prior.
    """
    if background is None:
        codes, uniques = pd.factorize(labels)
        by_group = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                     shape=(len(uniques), len(codes))) @ X
        totals = np.asarray(by_group.sum(axis=1)).ravel()
        shares = sparse.diags(1 / totals[totals > 0]) @ by_group[totals > 0]
        base = np.asarray(shares.mean(axis=0)).ravel()  # every kept term occurs in some group, so all > 0
    elif isinstance(background, pd.Series):
        if not pd.api.types.is_numeric_dtype(background) or (background < 0).any():
            raise ValueError("background: a Series must hold term counts (numbers >= 0) indexed by term")
        base = background.groupby(level=0).sum().reindex(vocab, fill_value=0).to_numpy(dtype=float) + 1
    else:
        _require(background, ("text",), name="background")
        bg = CountVectorizer(analyzer=NgramAnalyzer(ngram_range=ngram_range), vocabulary=list(vocab))
        base = np.asarray(bg.transform(kept_articles(background, drop_duplicates)["text"]).sum(axis=0), dtype=float).ravel() + 1
    return base / base.sum()


def _pairs(labels: np.ndarray, mode: str, reference: str | None, min_articles: int) -> list[tuple[str, str]]:
    """Comparisons as (first, second): (group, contrasts.OTHERS) one-vs-rest, else sorted so any mode seeds
    a pair alike."""
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}; allowed: {', '.join(map(repr, MODES))}")
    sizes = pd.Series(labels).value_counts()
    groups = sorted(str(g) for g in sizes[sizes >= min_articles].index)
    if mode == "one_vs_rest":
        if reference is not None:
            raise ValueError("reference= needs mode='pairwise' (one_vs_rest compares with all other articles)")
        return [(g, contrasts.OTHERS) for g in groups if (labels != g).sum() >= min_articles]
    if reference is not None and reference not in groups:
        raise ValueError(f"reference={reference!r}; allowed: groups with >= {min_articles} articles: {groups}")
    return [p for p in itertools.combinations(groups, 2) if reference is None or reference in p]


def _rows(corpus: _Corpus, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    in_a = corpus.labels == a
    return in_a, (~in_a if b == contrasts.OTHERS else corpus.labels == b)


def _side(X: sparse.csr_matrix, outlets: np.ndarray) -> dict[str, np.ndarray]:
    """Per-term count, articles, distinct outlets and the top article's share, within one group."""
    present, n = (X > 0).astype(np.float64), np.asarray(X.sum(axis=0)).ravel()
    return dict(n=n, docs=np.asarray(present.sum(axis=0)).ravel(), outlets=_n_outlets(present, outlets),
                top_share=np.divide(X.max(axis=0).toarray().ravel(), n, out=np.zeros_like(n), where=n > 0))


def _pair_z(corpus: _Corpus, y_a, y_b, prior_scale: float):
    """(delta, z, alpha_w, alpha_0) with alpha_0 = prior_scale x 2 x tokens of the smaller of a and b.

    Sized on the smaller side, not on a + b: with 79 articles against
    12,641, a prior of a tenth of both would outweigh the small side's own
    counts many times over and pull its rates onto the prior. For equal
    sides it is prior_scale x (tokens of a and b), scattertext's
    ``scale_type='corpus-size'``.
    """
    n_a, n_b = y_a.sum(), y_b.sum()
    a_w = prior_scale * 2 * min(n_a, n_b) * corpus.base
    delta, _, z = _log_odds(y_a, y_b, n_a, n_b, a_w, a_w.sum(), "full")
    return delta, z, a_w, a_w.sum()


def _boot_z(rng, X_a, X_b, cols, a_w, a_0, n_boot: int) -> np.ndarray:
    """z of terms ``cols`` on ``n_boot`` article resamples of each group (n_boot x len(cols)).

    A resample is multinomial article weights, so its counts are weights @ X:
    no re-counting. The prior stays at its full-data value.
    """
    out = []
    for X in (X_a, X_b):
        w = rng.multinomial(X.shape[0], np.full(X.shape[0], 1 / X.shape[0]), size=n_boot).astype(np.float64)
        out += [(X[:, cols].T @ w.T).T, w @ np.asarray(X.sum(axis=1))]
    return _log_odds(out[0], out[2], out[1], out[3], a_w[cols], a_0, "full")[2]


def distinctive_terms(articles: pd.DataFrame, *, by: GroupVar = "leaning",
                      mode: Literal["one_vs_rest", "pairwise"] = "one_vs_rest", reference: str | None = None,
                      background: pd.DataFrame | pd.Series | None = None, prior_scale: float = 0.1,
                      n_boot: int = 200,
                      seed: int = defaults.SEED, top: int | None = 50, ngram_range: tuple[int, int] = (1, 3),
                      min_df: int = 2, min_outlets: int = 2, min_articles: int = defaults.MIN_ARTICLES,
                      drop_duplicates: bool = True, weight: str | None = None, counts: TermCounts | None = None,
                      only: Collection[str] | None = None) -> pd.DataFrame:
    """The ``top`` terms (None: all) of each group against the rest, a reference group or each other group.

    One row per (group_var, group_a, group_b, term), ranked by z (``rank``
    1 = most typical of group_a). ``mode="one_vs_rest"``: each group against
    all other articles (group_b = ``contrasts.OTHERS``); ``"pairwise"``: every
    pair both ways, or only pairs with ``reference``. Groups with fewer than
    ``min_articles`` articles are not compared (they stay in "all others").

    Prior: term shares times alpha_0 = ``prior_scale`` x 2 x (tokens of the
    smaller of a and b). The shares are the ``background``'s (articles with
    a ``text`` column, or a Series of term counts indexed by term; one is
    added to each count) or, by default, every group's term shares averaged
    with equal weight. For equal-sized groups alpha_0 is a tenth of the
    compared text by default (scattertext's ``scale_type='corpus-size'``
    with sigma = prior_scale); sizing it on the smaller side keeps a large
    group from drowning a small one's counts. Terms pass the floors of
    :func:`term_counts` with ``by``: a one-outlet group keeps its terms.
    Columns
    (the ``distinctive_terms`` table): ``n``, ``n_other`` counts in a and b;
    ``docs_a``, ``docs_b`` articles with the term; ``outlets_a`` distinct
    outlets of a using it; ``delta``, ``z`` (:func:`log_odds_dirichlet`);
    ``z_boot_low``, ``z_boot_high`` 5th and 95th percentiles of z over
    ``n_boot`` article resamples of both groups (streams from
    ``contrasts.group_rng(seed, by, pair)``; b over a is a over b negated);
    ``stable_share`` share of resamples with the full-data sign and
    |z| >= 1.96, ``stable`` when >= 0.9; ``top_article_share`` share of
    ``n`` from a's single top article, ``single_article`` when > 0.5 (more
    than half: a term used once in each of two articles is not flagged).
    ``weight`` names a column of ``articles`` that scales each article's
    counts (the reuse-aware comparisons in :mod:`analysis.provenance.reuse_sensitivity`).
    ``counts``: the articles' term counts computed before (see :func:`term_counts`). ``only``: report only
    these of the ``top`` terms, each with its rank among all; a term's scores do not depend on which others
    are reported (the bootstrap draws the same article weights whatever the terms), so they are the rows
    of the full table, without resampling every other term.
    """
    if n_boot < 1 or prior_scale <= 0:
        raise ValueError(f"n_boot={n_boot}, prior_scale={prior_scale}: need n_boot >= 1 and prior_scale > 0")
    corpus = _prepare(articles, by, background, ngram_range=ngram_range, min_df=min_df, min_outlets=min_outlets,
                      drop_duplicates=drop_duplicates, weight=weight, counts=counts)
    wanted = None if only is None else pd.Index(corpus.vocab).isin(list(only))  # hashing, not sorting strings
    # Ties in z go to the earlier term. The vocabulary is sorted (CountVectorizer's order) wherever it comes from,
    # and then a stable sort on z alone is the same order as lexsort with the terms, without comparing strings.
    in_order = bool(np.all(corpus.vocab[1:] > corpus.vocab[:-1]))
    frames = []
    for first, second in _pairs(corpus.labels, mode, reference, min_articles):
        in_a, in_b = _rows(corpus, first, second)
        X_a, X_b = corpus.X[in_a], corpus.X[in_b]
        delta, z, a_w, a_0 = _pair_z(corpus, np.asarray(X_a.sum(axis=0)).ravel(),
                                     np.asarray(X_b.sum(axis=0)).ravel(), prior_scale)
        # Reported: a over b, and b over a (z negated) unless b is "all others".
        directions = [(first, second, 1.0)] + ([(second, first, -1.0)] if second != contrasts.OTHERS else [])
        keep = {sign: (np.argsort(-sign * z, kind="stable") if in_order else np.lexsort((corpus.vocab, -sign * z)))[:top]
                for _, _, sign in directions}
        rank = {sign: np.arange(1, len(k) + 1) for sign, k in keep.items()}
        if wanted is not None:
            rank = {sign: r[wanted[keep[sign]]] for sign, r in rank.items()}
            keep = {sign: k[wanted[k]] for sign, k in keep.items()}
        cols = np.unique(np.concatenate(list(keep.values())))
        if not len(cols):
            continue
        z_boot = _boot_z(contrasts.group_rng(seed, by, first, second), X_a, X_b, cols, a_w, a_0, n_boot)
        sides = {first: _side(X_a[:, cols], corpus.outlets[in_a]), second: _side(X_b[:, cols], corpus.outlets[in_b])}
        for ga, gb, sign in directions:
            pos, sa, sb = np.searchsorted(cols, keep[sign]), sides[ga], sides[gb]
            zd, zb = sign * z[keep[sign]], sign * z_boot[:, pos]
            share = (np.sign(zd) * zb >= STABLE_Z).mean(axis=0)
            low, high = np.percentile(zb, BOOT_PERCENTILES, axis=0)
            frames.append(pd.DataFrame(dict(
                group_var=by, group_a=ga, group_b=gb, term=corpus.vocab[keep[sign]], n=sa["n"][pos],
                n_other=sb["n"][pos], docs_a=sa["docs"][pos], docs_b=sb["docs"][pos], outlets_a=sa["outlets"][pos],
                delta=sign * delta[keep[sign]], z=zd, z_boot_low=low, z_boot_high=high, stable_share=share,
                stable=share >= STABLE_SHARE, top_article_share=sa["top_share"][pos],
                single_article=sa["top_share"][pos] > SINGLE_ARTICLE_SHARE, rank=rank[sign])))
    kinds = {c.name: c.kind for c in tables.schema("distinctive_terms").columns}
    return _typed(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(kinds)), kinds)


def monroe_frame(articles: pd.DataFrame, *, by: GroupVar = "leaning", group_a: str, group_b: str | None = None,
                 background: pd.DataFrame | pd.Series | None = None, prior_scale: float = 0.1,
                 ngram_range: tuple[int, int] = (1, 3), min_df: int = 2, min_outlets: int = 2,
                 drop_duplicates: bool = True) -> pd.DataFrame:
    """Every term's frequency and z for a Monroe-style plot (x: log frequency, y: z), no resampling.

    One row per term, sorted by z: group_var, group_a, group_b (``contrasts.OTHERS``
    when None), term, n, n_other, n_total (n + n_other), freq (n_total per
    token of a and b), delta, z. Same counts and prior as
    :func:`distinctive_terms`, so its z column matches this one.
    """
    corpus = _prepare(articles, by, background, ngram_range=ngram_range, min_df=min_df, min_outlets=min_outlets,
                      drop_duplicates=drop_duplicates)
    group_b = contrasts.OTHERS if group_b is None else group_b
    in_a, in_b = _rows(corpus, group_a, group_b)
    if not in_a.any() or not in_b.any():
        raise ValueError(f"group_a={group_a!r}, group_b={group_b!r}: both need articles; "
                         f"groups of {by}: {sorted(set(corpus.labels))}")
    y_a, y_b = np.asarray(corpus.X[in_a].sum(axis=0)).ravel(), np.asarray(corpus.X[in_b].sum(axis=0)).ravel()
    delta, z, _, _ = _pair_z(corpus, y_a, y_b, prior_scale)
    frame = pd.DataFrame(dict(group_var=by, group_a=group_a, group_b=group_b, term=corpus.vocab, n=y_a, n_other=y_b,
                              n_total=y_a + y_b, freq=(y_a + y_b) / (y_a.sum() + y_b.sum()), delta=delta, z=z))
    return _typed(frame.sort_values(["z", "term"], ascending=[False, True]), MONROE_COLUMNS)


def _typed(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    return frame[list(kinds)].astype({c: _DTYPES[k] for c, k in kinds.items()}).reset_index(drop=True)


def _require(df: pd.DataFrame, columns, name: str = "articles") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}; got {list(df.columns)}")
