"""Provenance contrasts: does one group quote a source type more, or leave out more facts, than another?

Who is quoted. A group's share of quotes from a source type is a ratio of sums over its
articles, which is the quote-weighted mean of each article's own share. So
a contrast is a difference of weighted means with articles (and their quote
counts) as the resampling unit: :func:`analysis.reuse_sensitivity.weighted_contrast`
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

from analysis import compare, reuse_sensitivity

CONTRAST_COLUMNS = {
    "group_var": ("str", "grouping variable"), "group_a": ("str", "first group"),
    "group_b": ("str", "second group or 'all others'"), "source_type": ("str", "speaker's source type"),
    "n_a": ("int", "articles of a with at least one quote"), "n_b": ("int", "articles of b with at least one quote"),
    "quotes_a": ("int", "quotes in a"), "quotes_b": ("int", "quotes in b"),
    "share_a": ("float", "share of a's quotes from the type"), "share_b": ("float", "share of b's quotes"),
    "diff": ("float", "share_a - share_b"),
    "ci_low": ("float", "expanded percentile bootstrap over articles, lower bound"),
    "ci_high": ("float", "upper bound"), "p_perm": ("float", "two-sided permutation p (articles permuted)"),
    "p_fdr": ("float", "Benjamini-Hochberg adjusted p across the table"),
}


def source_contrasts(quotes: pd.DataFrame, articles: pd.DataFrame, *, by: tuple[str, ...] = ("leaning",),
                     n_boot: int = 2000, n_perm: int = 5000, confidence: float = 0.95, min_articles: int = 5,
                     seed: int = 0, exclude_duplicates: bool = True) -> pd.DataFrame:
    """Pairwise contrasts of quote-source shares (``vs_rest`` for outlets), ``CONTRAST_COLUMNS``.

    Only articles that quote someone count (an article without quotes has
    no share); groups need ``min_articles`` of them. Quotes without a
    speaker stay in the denominator, as in :func:`analysis.quote_matching.source_shares`.
    """
    arts = articles.loc[~articles["is_duplicate"].astype(bool)] if exclude_duplicates and "is_duplicate" in articles \
        else articles
    q = quotes.loc[quotes["doc_id"].isin(arts["doc_id"])]
    counts = pd.crosstab(q["doc_id"], q["source_type"])
    total = counts.sum(axis=1).to_numpy(float)
    info = arts.set_index("doc_id").reindex(counts.index)
    rows = []
    for var in by:
        labels = info[var].astype(str).to_numpy()
        sizes = pd.Series(labels).value_counts()
        names = sorted(str(g) for g in sizes[sizes >= min_articles].index)
        pairs = [(g, compare.OTHERS) for g in names] if var == "outlet" else list(itertools.combinations(names, 2))
        for a, b in pairs:
            in_a, in_b = labels == a, (labels != a) if b == compare.OTHERS else labels == b
            if in_b.sum() < min_articles:
                continue
            for source_type in counts.columns:
                share = counts[source_type].to_numpy(float) / total
                res = reuse_sensitivity.weighted_contrast(
                    share[in_a], total[in_a], share[in_b], total[in_b], n_boot=n_boot, n_perm=n_perm,
                    confidence=confidence, rng=compare.group_rng(seed, var, a, b, source_type))
                rows.append(dict(group_var=var, group_a=a, group_b=b, source_type=str(source_type),
                                 n_a=int(in_a.sum()), n_b=int(in_b.sum()), quotes_a=int(total[in_a].sum()),
                                 quotes_b=int(total[in_b].sum()),
                                 share_a=float(counts[source_type].to_numpy()[in_a].sum() / total[in_a].sum()),
                                 share_b=float(counts[source_type].to_numpy()[in_b].sum() / total[in_b].sum()),
                                 **res))
    out = pd.DataFrame(rows, columns=[c for c in CONTRAST_COLUMNS if c != "p_fdr"])
    out["p_fdr"] = stats.false_discovery_control(out["p_perm"].to_numpy(), method="bh") if len(out) else np.nan
    dtypes = {"str": "str", "int": "int64", "float": "float64"}
    return out.astype({c: dtypes[k[0]] for c, k in CONTRAST_COLUMNS.items()}).reset_index(drop=True)


OMISSION_CONTRAST_COLUMNS = {
    "group_var": ("str", "grouping variable"), "group_a": ("str", "first group"), "group_b": ("str", "second group"),
    "n_events": ("int", "events both groups covered that have a shared fact"),
    "n_facts": ("int", "shared facts in those events"),
    "omission_a": ("float", "share of those facts a left out"), "omission_b": ("float", "share b left out"),
    "diff": ("float", "omission_a - omission_b"),
    "ci_low": ("float", "expanded percentile bootstrap over events, lower bound"), "ci_high": ("float", "upper bound"),
    "p_perm": ("float", "two-sided permutation p (a's and b's omissions swapped within events)"),
    "p_fdr": ("float", "Benjamini-Hochberg adjusted p across the table"),
}


def omission_contrasts(coverage: pd.DataFrame, *, by: str = "leaning", n_boot: int = 2000, n_perm: int = 5000,
                       confidence: float = 0.95, min_events: int = 5, seed: int = 0) -> pd.DataFrame:
    """Every pair of groups of ``by`` compared on the omission rate over the events both covered.

    ``coverage`` is :func:`analysis.facts.fact_coverage` output; pairs sharing
    fewer than ``min_events`` events are skipped. ``OMISSION_CONTRAST_COLUMNS``.
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
        rng = compare.group_rng(seed, by, a, b, "omission")
        idx = rng.integers(0, len(events), (n_boot, len(events)))
        boot = (oa[idx].sum(axis=1) - ob[idx].sum(axis=1)) / facts_n[idx].sum(axis=1)
        level = compare.expanded_confidence(confidence, len(events))
        low, high = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
        swap = rng.integers(0, 2, (n_perm, len(events))).astype(bool)
        null = (np.where(swap, ob, oa).sum(axis=1) - np.where(swap, oa, ob).sum(axis=1)) / facts_n.sum()
        p = (1 + np.sum(np.abs(null) >= abs(diff) - 1e-12)) / (n_perm + 1)
        rows.append(dict(group_var=by, group_a=a, group_b=b, n_events=len(events), n_facts=int(facts_n.sum()),
                         omission_a=oa.sum() / facts_n.sum(), omission_b=ob.sum() / facts_n.sum(), diff=diff,
                         ci_low=float(low), ci_high=float(high), p_perm=float(p)))
    out = pd.DataFrame(rows, columns=[c for c in OMISSION_CONTRAST_COLUMNS if c != "p_fdr"])
    out["p_fdr"] = stats.false_discovery_control(out["p_perm"].to_numpy(), method="bh") if len(out) else np.nan
    dtypes = {"str": "str", "int": "int64", "float": "float64"}
    return out.astype({c: dtypes[k[0]] for c, k in OMISSION_CONTRAST_COLUMNS.items()}).reset_index(drop=True)
