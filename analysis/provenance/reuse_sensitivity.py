"""Reuse-aware comparisons: does an outlet finding survive when reused text is down-weighted or removed?

Three readings of the same corpus, from the ``sentence_reuse`` marks:

- ``keep``: every article as published (duplicates included);
- ``downweight``: a sentence shared by k + 1 articles counts 1 / (k + 1) in
  each, so a passage run by five outlets counts once in all;
- ``remove``: sentences copied from another article of the study are
  dropped from the copy (the source keeps them).

An article's value is the weighted mean over its sentences (for frames:
whether a sentence that still counts uses the frame), and the article counts
in its group with its *own share*, the mean weight of its sentences: an
article that is all wire copy weighs 1 / (copies + 1) under ``downweight``
and disappears under ``remove``. Intervals and tests resample articles,
never sentences; Benjamini-Hochberg runs within each reading.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import defaults, progress, tables
from analysis.framing import terms
from analysis.provenance import term_readings
from analysis.stats import contrasts, resampling

Mode = Literal["keep", "downweight", "remove"]
MODES: tuple[Mode, ...] = ("keep", "downweight", "remove")


def _typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` as table ``name``: its columns in schema order, each cast to its kind (an empty table too)."""
    dtypes = {"str": "str", "int": "int64", "float": "float64", "bool": "bool"}
    columns = tables.schema(name).columns
    return df[[c.name for c in columns]].astype({c.name: dtypes[c.kind] for c in columns}).reset_index(drop=True)


def sentence_weights(sentence_reuse: pd.DataFrame, *, mode: Mode) -> pd.Series:
    """Weight of each sentence (index: doc_id, sent_id) under ``mode``."""
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}; allowed: {', '.join(MODES)}")
    index = pd.MultiIndex.from_frame(sentence_reuse[["doc_id", "sent_id"]])
    if mode == "keep":
        values = np.ones(len(sentence_reuse))
    elif mode == "downweight":
        values = 1.0 / (1.0 + sentence_reuse["n_copies"].to_numpy(dtype=float))
    else:
        values = np.where(sentence_reuse["is_copy"].to_numpy(bool), 0.0, 1.0)
    return pd.Series(values, index=index, name="weight")


def weight_positions(sentence_values: pd.DataFrame, weights: pd.Series) -> np.ndarray | None:
    """Where each row of ``sentence_values`` finds its weight in ``weights`` (-1: it has none), for
    :func:`article_values`' ``at``; None where ``weights`` repeats a sentence (the join then repeats rows). Every mode's
    weights share one index, so a measure is matched to it once, not once per mode."""
    if not weights.index.is_unique:
        return None
    return weights.index.get_indexer(pd.MultiIndex.from_frame(sentence_values[["doc_id", "sent_id"]]))


def article_values(sentence_values: pd.DataFrame, weights: pd.Series, *, how: Literal["mean", "any"] = "mean",
                   at: np.ndarray | None = None) -> pd.DataFrame:
    """Per article: the weighted ``value`` of its sentences and its own share (``weight``).

    ``sentence_values`` has doc_id, sent_id, value for every sentence of the
    article. ``how="any"``: 1 if any sentence that still counts has value 1.
    Articles whose every sentence has weight 0 are left out. ``at``: the rows' places in ``weights``
    (:func:`weight_positions`), the same weights as joining on (doc_id, sent_id).
    """
    if at is None:
        df = sentence_values.join(weights.rename("weight"), on=["doc_id", "sent_id"])
    else:
        found, hit = np.full(len(at), np.nan), at >= 0
        found[hit] = weights.to_numpy(dtype=float)[at[hit]]
        df = sentence_values.assign(weight=found)
    df = df.fillna({"weight": 1.0})
    df["wv"] = df["weight"] * df["value"]
    df["counts"] = (df["weight"] > 0) & (df["value"] > 0)
    g = df.groupby("doc_id", sort=True)
    out = pd.DataFrame({"total": g["weight"].sum(), "own_share": g["weight"].mean(), "wv": g["wv"].sum(),
                        "any": g["counts"].any()})
    out = out.loc[out["total"] > 0]
    value = out["any"].astype(float) if how == "any" else out["wv"] / out["total"]
    return pd.DataFrame({"doc_id": out.index.astype(str), "value": value.to_numpy(float),
                         "weight": out["own_share"].to_numpy(float)})


def _wmean(x: np.ndarray, w: np.ndarray, axis: int = -1) -> np.ndarray:
    return (x * w).sum(axis=axis) / w.sum(axis=axis)


def _p_two_sided(null: np.ndarray, diff: float) -> float:
    return float((1 + np.sum(np.abs(null) >= abs(diff) - 1e-12)) / (len(null) + 1))


def weighted_contrast(x_a: np.ndarray, w_a: np.ndarray, x_b: np.ndarray, w_b: np.ndarray, *, n_boot: int,
                      n_perm: int, confidence: float, rng: np.random.Generator) -> dict:
    """Difference of weighted means with an article bootstrap CI and a permutation p.

    Hand-written because scipy's permutation_test permutes one value per
    observation: here each article carries a (value, weight) pair.
    """
    diff = float(_wmean(x_a, w_a) - _wmean(x_b, w_b))
    level = contrasts.expanded_confidence(confidence, min(len(x_a), len(x_b)))
    ia, ib = rng.integers(0, len(x_a), (n_boot, len(x_a))), rng.integers(0, len(x_b), (n_boot, len(x_b)))
    x, w = np.r_[x_a, x_b], np.r_[w_a, w_b]
    mean_at = _resampled_mean(x, w)
    boot = mean_at(ia) - mean_at(ib + len(x_a))
    low, high = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
    # permuted copies its input: a broadcast row, not a tiled array, saves building n_perm rows only to copy them
    # (the same shuffles, one row after another)
    perms = rng.permuted(np.broadcast_to(np.arange(len(x)), (n_perm, len(x))), axis=1)
    null = mean_at(perms[:, :len(x_a)]) - mean_at(perms[:, len(x_a):])
    return dict(diff=diff, ci_low=float(low), ci_high=float(high), p_perm=_p_two_sided(null, diff))


def _resampled_mean(x: np.ndarray, w: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``idx -> _wmean(x[idx], w[idx])`` to the last bit, with one gather instead of two and no product per draw:
    (x * w)[idx] is x[idx] * w[idx] element by element, and with every weight 1 (``keep``) the weights sum to the
    row length exactly."""
    xw = x * w
    if np.all(w == 1.0):
        return lambda idx: xw[idx].sum(axis=-1) / float(idx.shape[-1])
    return lambda idx: xw[idx].sum(axis=-1) / w[idx].sum(axis=-1)


def contrast_set(x: np.ndarray, w: np.ndarray, labels: np.ndarray, pairs: list[tuple[str, str]], *, n_boot: int,
                 n_perm: int, confidence: float, pair_rng: Callable[[int, str, str], np.random.Generator],
                 shared_rng: Callable[[], np.random.Generator], desc: str = "contrasts") -> list[list[dict]]:
    """:func:`weighted_contrast` of every pair (group_b ``contrasts.OTHERS``: the rest) for every measure.

    ``x`` and ``w`` are (measures, articles), ``labels`` the articles' groups. Returns [measure][pair].
    A pair of at most ``contrasts.LARGE_CONTRAST`` articles is resampled alone from ``pair_rng(measure, a, b)``,
    as :func:`weighted_contrast` always did, so small studies are unchanged. Larger pairs share their draws, as
    the compare stage's large contrasts do (:mod:`analysis.stats.resampling`): one bootstrap stratified by group
    (each group resampled within itself, the rest as the sum of the other groups), one set of random orders for
    every "group vs rest" null, one random subset per pair of groups, all from ``shared_rng()`` and shared by the
    measures. On 37,554 articles, 170 outlets and 6 measures in three readings, one resample per contrast (a
    5,000 x 37,554 permutation each) ran for hours.
    """
    out: list[list[dict]] = [[{} for _ in pairs] for _ in range(len(x))]
    sizes = {g: int(n) for g, n in zip(*np.unique(labels, return_counts=True))}

    def n_of(a: str, b: str) -> tuple[int, int]:
        return sizes.get(a, 0), (len(labels) - sizes.get(a, 0) if b == contrasts.OTHERS else sizes.get(b, 0))

    large = [k for k, (a, b) in enumerate(pairs) if sum(n_of(a, b)) > contrasts.LARGE_CONTRAST]
    opts = dict(n_boot=n_boot, n_perm=n_perm, confidence=confidence)
    for k, (a, b) in enumerate(pairs):
        if k in large:
            continue
        in_a, in_b = labels == a, (labels != a) if b == contrasts.OTHERS else labels == b
        for m in range(len(x)):
            out[m][k] = weighted_contrast(x[m, in_a], w[m, in_a], x[m, in_b], w[m, in_b], rng=pair_rng(m, a, b),
                                          **opts)
    if not large:
        return out
    rng = shared_rng()
    names, codes = np.unique(labels, return_inverse=True)
    index = {g: i for i, g in enumerate(names)}
    xw = x * w
    sum_xw, sum_w = resampling.weighted_group_sums(xw, w, codes, len(names), n_boot=n_boot, rng=rng)
    total_xw, total_w = sum_xw.sum(axis=2), sum_w.sum(axis=2)
    rest = [k for k in large if pairs[k][1] == contrasts.OTHERS]
    rest_null = (resampling.weighted_permutation_null(xw, w, np.array([sizes[pairs[k][0]] for k in rest]),
                                                      n_perm=n_perm, rng=rng) if rest else None)
    for k in progress.bar(large, desc=desc, unit="contrast"):
        a, b = pairs[k]
        n_a, n_b = n_of(a, b)
        in_a, in_b = labels == a, (labels != a) if b == contrasts.OTHERS else labels == b
        i = index[a]
        if b == contrasts.OTHERS:
            boot = sum_xw[:, :, i] / sum_w[:, :, i] - (total_xw - sum_xw[:, :, i]) / (total_w - sum_w[:, :, i])
            null = rest_null[:, :, rest.index(k)]
        else:
            j = index[b]
            boot = sum_xw[:, :, i] / sum_w[:, :, i] - sum_xw[:, :, j] / sum_w[:, :, j]
            both = in_a | in_b
            sub_xw, sub_w = xw[:, both], w[:, both]
            # Only the smaller group is drawn: the other is its complement, the same relabelling.
            s_xw, s_w = resampling.weighted_subset_sums(sub_xw, sub_w, min(n_a, n_b), n_draws=n_perm, rng=rng)
            drawn = s_xw / s_w
            other = (sub_xw.sum(axis=1)[:, None] - s_xw) / (sub_w.sum(axis=1)[:, None] - s_w)
            null = drawn - other if n_a <= n_b else other - drawn
        level = contrasts.expanded_confidence(confidence, min(n_a, n_b))
        for m in range(len(x)):
            diff = float(_wmean(x[m, in_a], w[m, in_a]) - _wmean(x[m, in_b], w[m, in_b]))
            low, high = np.percentile(boot[m], [50 * (1 - level), 50 * (1 + level)])
            out[m][k] = dict(diff=diff, ci_low=float(low), ci_high=float(high), p_perm=_p_two_sided(null[m], diff))
    return out


def _pairs(labels: np.ndarray, *, by: str, min_articles: int) -> list[tuple[str, str]]:
    """Every pair of groups (each outlet against the rest) with at least ``min_articles`` articles on both sides."""
    sizes = pd.Series(labels).value_counts()
    names = sorted(str(g) for g in sizes[sizes >= min_articles].index)
    pairs = ([(g, contrasts.OTHERS) for g in names] if by == "outlet" else list(itertools.combinations(names, 2)))
    return [(a, b) for a, b in pairs
            if (len(labels) - sizes[a] if b == contrasts.OTHERS else sizes[b]) >= min_articles]


def reuse_sensitivity(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame, *,
                      sentence_scores: pd.DataFrame | None = None, frame_hits: pd.DataFrame | None = None,
                      groups: tuple[str, ...] = ("outlet", "leaning"), modes: tuple[Mode, ...] = MODES,
                      n_boot: int = defaults.N_BOOT, n_perm: int = defaults.N_PERM,
                      confidence: float = defaults.CONFIDENCE, min_articles: int = defaults.MIN_ARTICLES,
                      seed: int = defaults.SEED) -> pd.DataFrame:
    """Every group contrast of sentence sentiment (per instrument) and frame use, under each reading of reuse.

    ``sentence_scores``: the ``sentence_sentiment`` table; ``frame_hits``: the
    frame stage's hits (doc_id, sent_id, codebook, frame). The ``reuse_sensitivity``
    table; one row per (measure, group pair, mode).
    """
    skeleton = sentences[["doc_id", "sent_id"]]
    measures: list[tuple[str, pd.DataFrame, str]] = []
    if sentence_scores is not None:
        for instrument, sc in sentence_scores.groupby("instrument", sort=True):
            measures.append((f"sentiment:{instrument}", sc[["doc_id", "sent_id", "score"]]
                             .rename(columns={"score": "value"}), "mean"))
    if frame_hits is not None and len(frame_hits):
        used = frame_hits.loc[~frame_hits["rebuttal"]] if "rebuttal" in frame_hits else frame_hits  # a rebuttal rejects
        for (codebook, frame), hits in used.groupby(["codebook", "frame"], sort=True):
            flag = skeleton.merge(hits[["doc_id", "sent_id"]].drop_duplicates().assign(value=1.0),
                                  on=["doc_id", "sent_id"], how="left").fillna({"value": 0.0})
            measures.append((f"frame:{codebook}/{frame}", flag, "any"))
    info = articles.set_index(articles["doc_id"].astype(str))
    opts = dict(n_boot=n_boot, n_perm=n_perm, confidence=confidence)
    rows = []
    places = [weight_positions(table, sentence_weights(sentence_reuse, mode="keep")) for _, table, _ in measures]
    for mode in modes:
        weights = sentence_weights(sentence_reuse, mode=mode)
        values = [article_values(table, weights, how=how, at=at) for (_, table, how), at in zip(measures, places)]
        # Measures over the same articles share their resamples (contrast_set).
        same: dict[str, list[int]] = {}
        for i, v in enumerate(values):
            same.setdefault("\n".join(v["doc_id"]), []).append(i)
        found: dict[tuple[int, str], list[dict]] = {}
        for by in groups:
            for docs, members in same.items():
                ids = values[members[0]]["doc_id"]
                labels = info[by].reindex(ids).astype(str).to_numpy()
                pairs = _pairs(labels, by=by, min_articles=min_articles)
                x = np.vstack([values[i]["value"].to_numpy(float) for i in members])
                w = np.vstack([values[i]["weight"].to_numpy(float) for i in members])
                res = contrast_set(
                    x, w, labels, pairs,
                    pair_rng=lambda m, a, b: contrasts.group_rng(seed, by, a, b, measures[members[m]][0], mode),
                    shared_rng=lambda: contrasts.group_rng(seed, by, "shared", mode, zlib.crc32(docs.encode())),
                    desc=f"reuse sensitivity ({mode}, {by})", **opts)
                sides = [(labels == a, (labels != a) if b == contrasts.OTHERS else labels == b) for a, b in pairs]
                for m, i in enumerate(members):
                    found[(i, by)] = [dict(measure=measures[i][0], group_var=by, group_a=a, group_b=b, mode=mode,
                                           n_a=int(in_a.sum()), n_b=int(in_b.sum()), weight_a=float(w[m, in_a].sum()),
                                           weight_b=float(w[m, in_b].sum()), **r)
                                      for (a, b), (in_a, in_b), r in zip(pairs, sides, res[m])]
        rows += [row for i in range(len(measures)) for by in groups for row in found[(i, by)]]
    out = _typed(pd.DataFrame(rows, columns=tables.schema("reuse_sensitivity").names), "reuse_sensitivity")
    for mode, idx in out.groupby("mode").groups.items():
        out.loc[idx, "p_fdr"] = stats.false_discovery_control(out.loc[idx, "p_perm"].to_numpy(), method="bh")
    return out


def survival(sensitivity: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """One row per contrast: its estimate and adjusted p under each mode, and a verdict.

    Verdicts: ``survives`` (significant under every mode), ``lost when reuse
    removed`` / ``lost when down-weighted``, ``only without reuse``
    (significant only once reuse is handled), ``not significant``.
    """
    key = ["measure", "group_var", "group_a", "group_b"]
    wide = sensitivity.pivot_table(index=key, columns="mode", values=["diff", "p_fdr"], aggfunc="first")
    wide.columns = [f"{v}_{m}" for v, m in wide.columns]
    wide = wide.reset_index()
    sig = {m: wide.get(f"p_fdr_{m}", pd.Series(np.nan, index=wide.index)) < alpha for m in MODES}

    def verdict(i: int) -> str:
        k, d, r = sig["keep"][i], sig["downweight"][i], sig["remove"][i]
        if k and d and r:
            return "survives"
        if k and not r:
            return "lost when reuse removed"
        if k and not d:
            return "lost when down-weighted"
        return "only without reuse" if d or r else "not significant"

    wide["verdict"] = [verdict(i) for i in range(len(wide))]
    return wide


def term_sensitivity(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame, *,
                     by: str = "leaning", top: int = 20, n_boot: int = 200, seed: int = defaults.SEED,
                     min_articles: int = defaults.MIN_ARTICLES,
                     ) -> pd.DataFrame:
    """Distinctive terms (one group against the rest) found stable under ``keep``: do they stay stable?

    ``downweight`` scales each article's term counts by its own share;
    ``remove`` recounts terms on the sentences that are not copies (joined by spaces).
    The corpus is tokenized once for all three readings (:mod:`analysis.provenance.term_readings`), and the
    other two readings score only the terms found under ``keep``: the same table as three full runs of
    :func:`analysis.framing.terms.distinctive_terms` (tests/provenance/test_reuse_sensitivity.py).
    """
    base = dict(by=by, n_boot=n_boot, seed=seed, min_articles=min_articles, drop_duplicates=False)
    counts = term_readings.reading_counts(articles, sentences, sentence_reuse)
    keep = terms.distinctive_terms(articles, top=top, counts=counts["keep"], **base)
    found = keep.loc[keep["stable"], ["group_var", "group_a", "group_b", "term", "rank"]]
    if found.empty:
        return _typed(pd.DataFrame(columns=tables.schema("term_sensitivity").names), "term_sensitivity")
    own = article_values(sentences[["doc_id", "sent_id"]].assign(value=1.0),
                         sentence_weights(sentence_reuse, mode="downweight"))
    kept_ids = sentence_reuse.loc[~sentence_reuse["is_copy"], ["doc_id", "sent_id"]]
    has_kept = sentences[["doc_id", "sent_id"]].merge(kept_ids, on=["doc_id", "sent_id"])["doc_id"].unique()
    readings = {
        "keep": (articles, None, None),
        "downweight": (articles.merge(own[["doc_id", "weight"]], on="doc_id"), "weight", counts["keep"]),
        "remove": (articles.loc[articles["doc_id"].isin(has_kept)].drop(columns="text"), None, counts["remove"]),
    }
    rows = []
    for mode, (frame, weight, reading) in readings.items():
        table = (keep if mode == "keep" else terms.distinctive_terms(frame, top=None, weight=weight, counts=reading,
                                                                     only=found["term"].unique(), **base))
        scored = found.merge(table[["group_a", "term", "z", "stable"]], on=["group_a", "term"], how="left")
        rows.append(scored.assign(mode=mode).rename(columns={"rank": "rank_keep"}))
    out = pd.concat(rows, ignore_index=True)
    out["stable"] = out["stable"].fillna(False).astype(bool)
    return _typed(out, "term_sensitivity")
