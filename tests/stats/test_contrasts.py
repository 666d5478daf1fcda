"""Statistics: known values against scipy, hand computation and exact enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.core import tables
from analysis.core.limits import ResourceLimitError
from analysis.stats import contrasts


def test_expanded_level_known_values():
    # Hesterberg (2015): alpha' = 2 * Phi(-sqrt(n/(n-1)) * t_{alpha/2, n-1})
    assert contrasts.expanded_confidence(0.95, 5) == pytest.approx(1 - 2 * stats.norm.cdf(-np.sqrt(5 / 4) * 2.776445))
    assert contrasts.expanded_confidence(0.95, 10_000) == pytest.approx(0.95, abs=1e-3)


def test_bootstrap_ci_is_scipys_percentile_bootstrap_at_the_expanded_level():
    x = np.random.default_rng(1).normal(size=40)
    ours = contrasts.bootstrap_mean_ci(x, n_boot=999, confidence=0.9, rng=np.random.default_rng(5))
    level = 1 - 2 * stats.norm.cdf(-np.sqrt(40 / 39) * stats.t.ppf(0.95, 39))
    ref = stats.bootstrap((x,), np.mean, n_resamples=999, confidence_level=level, method="percentile",
                          rng=np.random.default_rng(5)).confidence_interval
    assert ours == pytest.approx((ref.low, ref.high))


def test_bootstrap_ci_agrees_with_normal_theory_for_large_n():
    x = np.random.default_rng(2).normal(loc=0.3, scale=1.0, size=400)
    low, high = contrasts.bootstrap_mean_ci(x, n_boot=4000, confidence=0.95, rng=np.random.default_rng(0))
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert low == pytest.approx(x.mean() - 1.96 * se, abs=0.15 * se * 1.96)
    assert high == pytest.approx(x.mean() + 1.96 * se, abs=0.15 * se * 1.96)


@pytest.mark.parametrize("n", [8, 30])
def test_bootstrap_ci_coverage_is_near_nominal(n):
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(300):
        low, high = contrasts.bootstrap_mean_ci(rng.normal(size=n), n_boot=1000, confidence=0.95, rng=rng)
        hits += low <= 0 <= high
    assert 0.91 <= hits / 300 <= 0.985


def test_bootstrap_degenerate_inputs():
    assert np.isnan(contrasts.bootstrap_mean_ci(np.array([0.5]), n_boot=100, confidence=0.95,
                                              rng=np.random.default_rng(0))).all()
    assert contrasts.bootstrap_mean_ci(np.array([0.2, 0.2, 0.2]), n_boot=100, confidence=0.95,
                                     rng=np.random.default_rng(0)) == (0.2, 0.2)


def test_hedges_g_known_value():
    # means 2.5 and 5, pooled sd sqrt(25/6), correction 1 - 3/23
    assert contrasts.hedges_g(np.array([1, 2, 3, 4.0]), np.array([2, 4, 6, 8.0])) == pytest.approx(-1.06499, abs=1e-4)


def _scores(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [(f"{g}{i}", g, v) for g, vs in values.items() for i, v in enumerate(vs)]
    df = pd.DataFrame(rows, columns=["doc_id", "leaning", "sentiment"])
    return df.assign(instrument="vader", instrument_version="vader test", n_sentences=3, outlet=df["leaning"])


def test_permutation_p_matches_exact_enumeration():
    a, b = [0.1, 0.2, 0.35], [0.4, 0.5, 0.62, 0.7]
    out = contrasts.contrast_groups(_scores({"left": a, "right": b}), by="leaning", n_perm=5000, n_boot=200,
                                  min_articles=3)
    pooled = np.array(a + b)
    observed = abs(np.mean(a) - np.mean(b))
    diffs = []
    for idx in itertools.combinations(range(7), 3):
        mask = np.zeros(7, bool)
        mask[list(idx)] = True
        diffs.append(abs(pooled[mask].mean() - pooled[~mask].mean()))
    exact = np.mean(np.array(diffs) >= observed - 1e-12)
    assert out["p_perm"].iloc[0] == pytest.approx(exact)
    assert out["diff"].iloc[0] == pytest.approx(np.mean(a) - np.mean(b))


def test_fdr_is_benjamini_hochberg():
    table = pd.DataFrame({"target": "article", "group_var": "g", "group_a": list("abcd"), "group_b": "z",
                          "instrument": "v", "instrument_version": "v1",
                          "n_a": 5, "n_b": 5, "diff": 0.0, "ci_low": 0.0, "ci_high": 0.0, "effect_size": 0.0,
                          "p_perm": [0.01, 0.04, 0.03, 0.005], "p_fdr": np.nan})
    assert contrasts.adjust_fdr(table)["p_fdr"].tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_summaries_resample_articles_not_sentences():
    scores = _scores({"left": [0.1, 0.3, 0.2, 0.4], "right": [0.0, -0.1]})
    heavy = scores.assign(n_sentences=np.where(scores["doc_id"] == "left0", 500, 3))
    a = contrasts.summarize_groups(scores, by="leaning", n_boot=500, seed=1, min_articles=3)
    b = contrasts.summarize_groups(heavy, by="leaning", n_boot=500, seed=1, min_articles=3)
    tables.validate(a, "sentiment_by_group")
    cols = ["n_articles", "mean", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(a[cols], b[cols])  # sentence counts do not weight the interval
    right = a.set_index("group").loc["right"]
    assert right["n_articles"] == 2 and np.isnan(right["ci_low"]) and "fewer than 3" in right["ci_method"]
    assert "expanded percentile bootstrap over articles" in a.set_index("group").loc["left", "ci_method"]


def test_group_intervals_do_not_depend_on_other_groups():
    base = _scores({"left": [0.1, 0.3, 0.2, 0.4], "right": [0.0, -0.1, 0.2]})
    more = _scores({"left": [0.1, 0.3, 0.2, 0.4], "right": [0.0, -0.1, 0.2], "center": [0.5, 0.1, 0.3]})
    a = contrasts.summarize_groups(base, by="leaning", n_boot=300, seed=9, min_articles=3).set_index("group")
    b = contrasts.summarize_groups(more, by="leaning", n_boot=300, seed=9, min_articles=3).set_index("group")
    assert a.loc["left", "ci_low"] == b.loc["left", "ci_low"]


def test_vs_rest_contrasts_and_min_articles():
    scores = _scores({"A": [0.5, 0.6, 0.7], "B": [0.0, 0.1, -0.1], "C": [0.2]})
    out = contrasts.contrast_groups(scores, by="outlet", mode="vs_rest", n_perm=500, n_boot=200, min_articles=3)
    assert out["group_a"].tolist() == ["A", "B"] and set(out["group_b"]) == {"all others"}
    assert out.set_index("group_a").loc["A", "n_b"] == 4
    with pytest.raises(ValueError, match="mode='all'"):
        contrasts.contrast_groups(scores, by="outlet", mode="all")


def test_actor_coverage_wilson_interval():
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(10)], "outlet": "X"})
    mentions = pd.DataFrame({"doc_id": ["d0", "d0", "d1", "d2"], "actor": "Huawei"})
    out = contrasts.actor_coverage(articles, mentions, actors=[("Huawei", "company"), ("ZTE", "company")])
    hw = out.set_index("actor").loc["Huawei"]
    assert (hw["n_mentioning"], hw["n_mentions"], hw["share"]) == (3, 4, 0.3)
    assert (hw["ci_low"], hw["ci_high"]) == pytest.approx((0.10779, 0.60322), abs=1e-4)
    assert out.set_index("actor").loc["ZTE", "n_mentioning"] == 0


def test_articles_by_period_counts_quarters_and_undated():
    arts = pd.DataFrame({"outlet": ["A", "A", "B"], "outlet_type": "wire", "leaning": "center",
                         "published": pd.to_datetime(["2019-10-08", "2019-11-30", None], utc=True)})
    out = contrasts.articles_by_period(arts)
    assert out[["period", "outlet", "n_articles"]].values.tolist() == [["2019Q4", "A", 2], ["undated", "B", 1]]


def test_a_contrast_job_gives_the_same_row_from_a_misaligned_buffer():
    # Arrays unpickled from a Dask message can start at an address that is not a multiple of 8, where numpy
    # sums in buffered chunks; the job copies them first, so every engine writes the same bits.
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=9000), rng.normal(size=9500)

    def misaligned(x):
        view = np.frombuffer(bytearray(8 * len(x) + 8), dtype=np.float64, count=len(x), offset=4)
        view[:] = x
        return view

    assert not misaligned(a).flags["ALIGNED"]
    job = ("large", dict(target="article", group_var="leaning", instrument="vader", instrument_version="v"),
           [("left", "right", len(a), len(b))], (1, "leaning", "left", "right", "vader"), (a, b),
           dict(n_boot=50, n_perm=50, confidence=0.95))
    shifted = job[:4] + ((misaligned(a), misaligned(b)),) + job[5:]
    assert contrasts.run_contrast_job(shifted) == contrasts.run_contrast_job(job)


def test_resample_memory_is_estimated_before_allocation_and_refused_in_one_line():
    # n_boot x articles int64 (instrument agreement) against two resamples x min(articles, 2000) float64 (scipy)
    assert contrasts.resample_bytes(n_boot=2000, n_perm=5000, n_articles=100) == 8 * 2 * 5000 * 100
    assert contrasts.resample_bytes(n_boot=2000, n_perm=5000, n_articles=10_000) == 8 * 2000 * 10_000
    contrasts.check_resample_memory(n_boot=2000, n_perm=5000, n_articles=10_000, study_file="s.toml")
    with pytest.raises(ResourceLimitError) as err:
        contrasts.check_resample_memory(n_boot=100_000, n_perm=100, n_articles=10**12, study_file="s.toml")
    message = str(err.value)
    assert message.startswith("s.toml: [compare] n_boot = 100000 and n_perm = 100 on 1000000000000 articles needs "
                              "about 745058059.7 GiB of memory") and message.endswith("; lower n_boot or n_perm")
