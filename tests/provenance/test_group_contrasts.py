"""Quote-source contrasts: ratio shares, article resampling, Benjamini-Hochberg across the table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import tables
from analysis.provenance import group_contrasts


def _corpus(n: int = 12, seed: int = 0):
    """Left articles quote US officials three times in four; right articles once in four."""
    rng = np.random.default_rng(seed)
    articles, quotes = [], []
    for k in range(2 * n):
        doc, leaning = f"d{k:02d}", "left" if k < n else "right"
        articles.append((doc, f"o{k % 5}", leaning, False))
        p_us = 0.75 if leaning == "left" else 0.25
        for j in range(int(rng.integers(3, 7))):
            quotes.append((doc, j, "us_government" if rng.random() < p_us else "expert"))
    articles = pd.DataFrame(articles, columns=["doc_id", "outlet", "leaning", "is_duplicate"])
    quotes = pd.DataFrame(quotes, columns=["doc_id", "quote_seq", "source_type"])
    return articles, quotes


def test_shares_are_ratios_of_sums_and_the_planted_difference_is_found():
    articles, quotes = _corpus()
    table = group_contrasts.source_contrasts(quotes, articles, by=("leaning",), n_boot=1000, n_perm=1000, seed=1)
    assert list(table.columns) == tables.schema("quote_source_contrasts").names
    us = table.set_index("source_type").loc["us_government"]
    joined = quotes.merge(articles, on="doc_id")
    expected_a = (joined.loc[joined["leaning"] == "left", "source_type"] == "us_government").mean()
    expected_b = (joined.loc[joined["leaning"] == "right", "source_type"] == "us_government").mean()
    assert us["share_a"] == expected_a and us["share_b"] == expected_b
    assert np.isclose(us["diff"], expected_a - expected_b)
    assert us["ci_low"] < us["diff"] < us["ci_high"] and us["ci_low"] > 0
    assert us["p_fdr"] < 0.01
    # The two types are mirror images: the expert share differs by the same amount, negated.
    assert np.isclose(table.set_index("source_type").loc["expert", "diff"], -us["diff"])


def test_no_difference_is_not_significant_and_small_groups_are_skipped():
    articles, quotes = _corpus()
    quotes["source_type"] = np.where(np.arange(len(quotes)) % 2 == 0, "us_government", "expert")
    table = group_contrasts.source_contrasts(quotes, articles, by=("leaning", "outlet"), n_boot=500, n_perm=500,
                                             seed=1)
    assert (table["p_fdr"] > 0.05).all()
    assert set(table["group_b"].loc[table["group_var"] == "outlet"]) == {"all others"}
    few = group_contrasts.source_contrasts(quotes, articles, by=("leaning",), min_articles=13)
    assert few.empty and list(few.columns) == tables.schema("quote_source_contrasts").names


def _coverage(n_events: int = 20, facts_per_event: int = 4, omit_a: float = 0.5, omit_b: float = 0.1, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(n_events):
        for f in range(facts_per_event):
            for group, rate in (("left", omit_a), ("right", omit_b)):
                covered = rng.random() >= rate
                rows.append(("leaning", group, f"f{e}-{f}", f"e{e}", 2, int(covered), float(covered), covered))
    rows.append(("leaning", "center", "f0-0", "e0", 1, 1, 1.0, True))  # center covered one event only
    return pd.DataFrame(rows, columns=["group_var", "group", "fact_id", "event_id", "n_articles", "n_covering",
                                       "share", "covered"])


def test_omission_contrast_finds_the_group_that_leaves_more_out_on_shared_events():
    table = group_contrasts.omission_contrasts(_coverage(), n_boot=1000, n_perm=2000, seed=1)
    assert list(table.columns) == tables.schema("omission_contrasts").names
    assert table[["group_a", "group_b"]].values.tolist() == [["left", "right"]]  # center shares < 5 events
    row = table.iloc[0]
    assert row["n_events"] == 20 and row["n_facts"] == 80
    assert np.isclose(row["diff"], row["omission_a"] - row["omission_b"])
    assert row["ci_low"] > 0 and row["p_fdr"] < 0.01


def test_equal_omission_is_not_significant():
    table = group_contrasts.omission_contrasts(_coverage(omit_a=0.3, omit_b=0.3, seed=4), n_boot=500,
                                                    n_perm=2000, seed=1)
    assert table.iloc[0]["p_fdr"] > 0.05 and table.iloc[0]["ci_low"] < 0 < table.iloc[0]["ci_high"]
