"""Provenance contrasts: does one group quote a source type more, or leave out more facts, than another?

Who is quoted. A group's share of quotes from a source type is a ratio of sums over its
articles, which is the quote-weighted mean of each article's own share. So
a contrast is a difference of weighted means with articles (and their quote
counts) as the resampling unit: :func:`analysis.provenance.reuse_sensitivity.weighted_contrast`
gives the article-bootstrap interval and the permutation p, and
Benjamini-Hochberg runs across the whole table (every grouping, pair and type).

What is left out. Two groups are compared on the events both covered, so
both are scored on the same facts; the event is the resampling unit (facts
of one event are not independent), and the permutation test swaps the two
groups' omissions within each event, which is exchangeable under "no
difference".
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import defaults, tables
from analysis.provenance import reuse_sensitivity
from analysis.stats import contrasts


def source_contrasts(quotes: pd.DataFrame, articles: pd.DataFrame, *, by: tuple[str, ...] = ("leaning",),
                     n_boot: int = defaults.N_BOOT, n_perm: int = defaults.N_PERM,
                     confidence: float = defaults.CONFIDENCE, min_articles: int = defaults.MIN_ARTICLES,
                     seed: int = defaults.SEED, exclude_duplicates: bool = True) -> pd.DataFrame:
    """Pairwise contrasts of quote-source shares (``vs_rest`` for outlets): the ``quote_source_contrasts`` table.

    Only articles that quote someone count (an article without quotes has
    no share); groups need ``min_articles`` of them. Quotes without a
    speaker stay in the denominator, as in :func:`analysis.provenance.quote_matching.source_shares`.
    """
    arts = articles.loc[~articles["is_duplicate"].astype(bool)] if exclude_duplicates and "is_duplicate" in articles \
        else articles
    q = quotes.loc[quotes["doc_id"].isin(arts["doc_id"])]
    counts = pd.crosstab(q["doc_id"], q["source_type"])
    total = counts.sum(axis=1).to_numpy(float)
    info = arts.set_index("doc_id").reindex(counts.index)
    types = list(counts.columns)
    shares = counts.to_numpy(float).T / total  # (source types, articles)
    weights = np.broadcast_to(total, shares.shape)
    rows = []
    for var in by:
        labels = info[var].astype(str).to_numpy()
        pairs = reuse_sensitivity._pairs(labels, by=var, min_articles=min_articles)
        res = reuse_sensitivity.contrast_set(
            shares, weights, labels, pairs, n_boot=n_boot, n_perm=n_perm, confidence=confidence,
            pair_rng=lambda m, a, b: contrasts.group_rng(seed, var, a, b, types[m]),
            shared_rng=lambda: contrasts.group_rng(seed, var, "shared", "source types"),
            desc=f"quote source contrasts ({var})")
        for k, (a, b) in enumerate(pairs):
            in_a, in_b = labels == a, (labels != a) if b == contrasts.OTHERS else labels == b
            for m, source_type in enumerate(types):
                rows.append(dict(group_var=var, group_a=a, group_b=b, source_type=str(source_type),
                                 n_a=int(in_a.sum()), n_b=int(in_b.sum()), quotes_a=int(total[in_a].sum()),
                                 quotes_b=int(total[in_b].sum()),
                                 share_a=float(counts[source_type].to_numpy()[in_a].sum() / total[in_a].sum()),
                                 share_b=float(counts[source_type].to_numpy()[in_b].sum() / total[in_b].sum()),
                                 **res[m][k]))
    return _table(rows, "quote_source_contrasts")


def omission_contrasts(coverage: pd.DataFrame, *, by: str = "leaning", n_boot: int = defaults.N_BOOT,
                       n_perm: int = defaults.N_PERM, confidence: float = defaults.CONFIDENCE, min_events: int = 5,
                       seed: int = defaults.SEED) -> pd.DataFrame:
    """Every pair of groups of ``by`` compared on the omission rate over the events both covered.

    ``coverage`` is :func:`analysis.provenance.facts.fact_coverage` output; pairs sharing
    fewer than ``min_events`` events are skipped. The ``omission_contrasts`` table.
    """
    sub = coverage.loc[coverage["group_var"] == by]
    per = (sub.assign(omitted=~sub["covered"].astype(bool))
           .groupby(["group", "event_id"]).agg(facts=("fact_id", "size"), omitted=("omitted", "sum")))
    rows = []
    for a, b in itertools.combinations(sorted(sub["group"].unique()), 2):
        if a not in per.index.get_level_values(0) or b not in per.index.get_level_values(0):
            continue
        pa, pb = per.loc[a], per.loc[b]
        events = pa.index.intersection(pb.index)
        if len(events) < min_events:
            continue
        facts_n = pa.loc[events, "facts"].to_numpy(float)  # the same facts for both: both covered the event
        oa, ob = pa.loc[events, "omitted"].to_numpy(float), pb.loc[events, "omitted"].to_numpy(float)
        diff = (oa.sum() - ob.sum()) / facts_n.sum()
        rng = contrasts.group_rng(seed, by, a, b, "omission")
        idx = rng.integers(0, len(events), (n_boot, len(events)))
        boot = (oa[idx].sum(axis=1) - ob[idx].sum(axis=1)) / facts_n[idx].sum(axis=1)
        level = contrasts.expanded_confidence(confidence, len(events))
        low, high = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
        swap = rng.integers(0, 2, (n_perm, len(events))).astype(bool)
        null = (np.where(swap, ob, oa).sum(axis=1) - np.where(swap, oa, ob).sum(axis=1)) / facts_n.sum()
        p = (1 + np.sum(np.abs(null) >= abs(diff) - 1e-12)) / (n_perm + 1)
        rows.append(dict(group_var=by, group_a=a, group_b=b, n_events=len(events), n_facts=int(facts_n.sum()),
                         omission_a=oa.sum() / facts_n.sum(), omission_b=ob.sum() / facts_n.sum(), diff=diff,
                         ci_low=float(low), ci_high=float(high), p_perm=float(p)))
    return _table(rows, "omission_contrasts")


def _table(rows: list[dict], name: str) -> pd.DataFrame:
    """Table ``name`` from rows without ``p_fdr``: Benjamini-Hochberg across all rows, each column cast to its kind."""
    columns = tables.schema(name).columns
    out = pd.DataFrame(rows, columns=[c.name for c in columns if c.name != "p_fdr"])
    out["p_fdr"] = stats.false_discovery_control(out["p_perm"].to_numpy(), method="bh") if len(out) else np.nan
    dtypes = {"str": "str", "int": "int64", "float": "float64"}
    return out.astype({c.name: dtypes[c.kind] for c in columns}).reset_index(drop=True)
