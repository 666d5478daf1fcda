"""Known values for the statistics of stats/contrasts.py and validation/sentiment_gold.py.

Every expected value here comes from an independent implementation
(statsmodels, scipy called directly, exact enumeration with itertools, a
naive resampling loop) or from a textbook number; none re-runs the code under
test to produce its own reference.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.core import tables
from analysis.stats import contrasts
from analysis.validation.sentiment_gold import cluster_bootstrap_pearson

# ---------------------------------------------------------------- helpers (independent references)

def multipletests(*args, **kwargs):
    """statsmodels' multipletests (the test skips where statsmodels, a test-only dependency, is missing)."""
    return pytest.importorskip("statsmodels.stats.multitest").multipletests(*args, **kwargs)


def proportion_confint(*args, **kwargs):
    """statsmodels' proportion_confint (the test skips where statsmodels is missing)."""
    return pytest.importorskip("statsmodels.stats.proportion").proportion_confint(*args, **kwargs)


def _hesterberg_level(confidence: float, n: int) -> float:
    """1 - 2 * Phi(-sqrt(n/(n-1)) * t_{1-alpha/2, n-1}), written out with scipy's norm and t."""
    alpha = 1 - confidence
    t = stats.t(df=n - 1).ppf(1 - alpha / 2)
    return 1 - 2 * stats.norm().cdf(-np.sqrt(n / (n - 1)) * t)


def _diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _exact_two_sided_p(a, b) -> float:
    """Exact permutation p of mean(a) - mean(b) over all C(na+nb, na) splits, as scipy defines it.

    scipy's exact two-sided p is twice the smaller one-sided p (each counting
    the observed split), clipped to 1. Integer data keep the comparison exact:
    nb*sum(A) - na*sum(B) = na*nb*(mean(A) - mean(B)) is an integer.
    """
    pooled = list(a) + list(b)
    na, nb = len(a), len(b)
    total = sum(pooled)
    observed = nb * sum(a) - na * sum(b)
    null = [nb * s - na * (total - s)
            for s in (sum(pooled[i] for i in idx) for idx in itertools.combinations(range(na + nb), na))]
    less = sum(d <= observed for d in null) / len(null)
    greater = sum(d >= observed for d in null) / len(null)
    return min(1.0, 2 * min(less, greater))


def _pooled_sd(a, b) -> float:
    na, nb = len(a), len(b)
    return np.sqrt(((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / (na + nb - 2))


def _pingouin_hedges(a, b) -> float:
    """What pingouin.compute_effsize(a, b, eftype="hedges") returns (written out, not imported).

    pingouin computes Cohen's d with the ddof=1 pooled sd, then converts with
    convert_effsize: g = d * (1 - 3 / (4 * (nx + ny) - 9)).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    nx, ny = a.size, b.size
    dof = nx + ny - 2
    poolsd = np.sqrt(((nx - 1) * a.var(ddof=1) + (ny - 1) * b.var(ddof=1)) / dof)
    d = (a.mean() - b.mean()) / poolsd
    return d * (1 - (3 / (4 * (nx + ny) - 9)))


def _contrast_table(p) -> pd.DataFrame:
    """A contrasts table with the given p_perm, other columns filled per the current schema."""
    p = np.asarray(p, dtype=float)
    filler = {"str": "x", "int": 5, "float": 0.0, "bool": False}
    cols = {c.name: filler[c.kind] for c in tables.SCHEMAS["sentiment_contrasts"].columns}
    cols.update(group_a=[f"a{i}" for i in range(len(p))], p_perm=p, p_fdr=np.nan)   # group_a keeps keys unique
    return pd.DataFrame(cols)


def _scores(values: dict[str, list[float]], instrument: str = "vader") -> pd.DataFrame:
    rows = [(f"{g}{i}", g, float(v)) for g, vs in values.items() for i, v in enumerate(vs)]
    df = pd.DataFrame(rows, columns=["doc_id", "leaning", "sentiment"])
    return df.assign(instrument=instrument, instrument_version="test", n_sentences=3)


def _naive_pearson(x, y) -> float:
    xc, yc = x - x.mean(), y - y.mean()
    return float((xc * yc).sum() / np.sqrt((xc * xc).sum() * (yc * yc).sum()))


# ---------------------------------------------------------------- expanded_confidence / bootstrap_mean_ci

@pytest.mark.parametrize("n", [5, 10, 30])
def test_expanded_confidence_equals_hesterberg_closed_form(n):
    assert contrasts.expanded_confidence(0.95, n) == pytest.approx(_hesterberg_level(0.95, n), rel=1e-12)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
def test_expanded_confidence_other_levels(confidence):
    for n in (4, 12, 50):
        assert contrasts.expanded_confidence(confidence, n) == pytest.approx(_hesterberg_level(confidence, n),
                                                                           rel=1e-12)


def test_expanded_confidence_tends_to_nominal_level():
    ns = [5, 10, 30, 100, 1_000, 10_000, 100_000, 1_000_000]
    levels = [contrasts.expanded_confidence(0.95, n) for n in ns]
    assert all(lv > 0.95 for lv in levels)                       # always wider than nominal
    assert all(np.diff(levels) < 0)                              # shrinking towards it
    gaps = np.array(levels) - 0.95
    assert gaps[-1] < 1e-6 and gaps[-3] < 1e-4                   # ~O(1/n): 3.9e-7 at 1e6, 3.9e-5 at 1e4
    assert levels[-1] == pytest.approx(0.95, abs=1e-6)


@pytest.mark.parametrize("n", [5, 10, 30])
def test_bootstrap_mean_ci_is_scipy_percentile_bootstrap_at_expanded_level(n):
    x = np.random.default_rng(100 + n).normal(loc=0.2, scale=0.5, size=n)
    ours = contrasts.bootstrap_mean_ci(x, n_boot=1999, confidence=0.95, rng=np.random.default_rng(7))
    ref = stats.bootstrap((x,), np.mean, n_resamples=1999, method="percentile",
                          confidence_level=_hesterberg_level(0.95, n),
                          rng=np.random.default_rng(7)).confidence_interval
    assert ours == (pytest.approx(ref.low, abs=1e-14), pytest.approx(ref.high, abs=1e-14))


def test_bootstrap_mean_ci_percentiles_by_hand():
    # The percentile interval is the (alpha'/2, 1-alpha'/2) quantiles of resampled means; rebuild it from
    # the same index draws scipy makes (rng.integers(0, n, (n_boot, n))).
    x = np.array([0.3, -0.1, 0.8, 0.05, 0.4, -0.6, 0.2, 0.55])
    n_boot = 1000
    ours = contrasts.bootstrap_mean_ci(x, n_boot=n_boot, confidence=0.9, rng=np.random.default_rng(11))
    idx = np.random.default_rng(11).integers(0, len(x), (n_boot, len(x)))
    means = x[idx].mean(axis=1)
    level = _hesterberg_level(0.9, len(x))
    alpha = (1 - level) / 2
    expected = np.percentile(means, [100 * alpha, 100 * (1 - alpha)])
    assert ours == (pytest.approx(expected[0], abs=1e-12), pytest.approx(expected[1], abs=1e-12))


# ---------------------------------------------------------------- hedges_g

def test_hedges_g_textbook_value():
    # means 2.5 and 5; variances 5/3 and 20/3; pooled var 25/6; d = -sqrt(6)/2; J = 1 - 3/23 = 20/23
    a, b = np.array([1, 2, 3, 4.0]), np.array([2, 4, 6, 8.0])
    assert contrasts.hedges_g(a, b) == pytest.approx(-10 * np.sqrt(6) / 23, rel=1e-12)


@pytest.mark.parametrize("seed,na,nb", [(0, 3, 4), (1, 5, 12), (2, 20, 7), (3, 2, 2)])
def test_hedges_g_hand_computation_and_pingouin_formula(seed, na, nb):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0.3, 1.0, na), rng.normal(-0.2, 2.0, nb)
    hand = (a.mean() - b.mean()) / _pooled_sd(a, b) * (1 - 3 / (4 * (na + nb) - 9))
    g = contrasts.hedges_g(a, b)
    assert g == pytest.approx(hand, rel=1e-12)
    assert g == pytest.approx(_pingouin_hedges(a, b), rel=1e-12)
    assert contrasts.hedges_g(b, a) == pytest.approx(-hand, rel=1e-12)   # antisymmetric


def test_hedges_g_undefined_cases():
    assert np.isnan(contrasts.hedges_g(np.array([1.0]), np.array([1.0, 2.0])))
    assert np.isnan(contrasts.hedges_g(np.array([1.0, 1.0]), np.array([1.0, 1.0, 1.0])))


# ---------------------------------------------------------------- _contrast: permutation p and bootstrap CI

def test_permutation_p_textbook_exact_value():
    # a holds the three smallest of seven values: 1 of 35 splits is as extreme on each side -> p = 2/35.
    a, b = np.array([1, 2, 3.0]), np.array([4, 5, 6, 7.0])
    out = contrasts._contrast(a, b, n_boot=200, n_perm=5000, confidence=0.95, rng=np.random.default_rng(0))
    assert out["p_perm"] == pytest.approx(2 / 35, rel=1e-12)
    assert out["p_perm"] == pytest.approx(_exact_two_sided_p([1, 2, 3], [4, 5, 6, 7]), rel=1e-12)
    assert out["diff"] == pytest.approx(-3.5)


@pytest.mark.parametrize("a,b", [
    ([1, 2, 3], [4, 5, 6, 7]),
    ([1, 2, 2], [2, 3, 5, 9]),          # ties and an asymmetric null
    ([0, 0, 5], [1, 2, 3, 4]),
    ([3, 1, 4, 1], [5, 9, 2, 6, 5]),
    ([2, 2, 2], [2, 2, 3]),             # almost no signal: p clipped at 1
])
def test_permutation_p_equals_exact_enumeration(a, b):
    n_max = len(list(itertools.combinations(range(len(a) + len(b)), len(a))))
    expected = _exact_two_sided_p(a, b)
    for n_perm in (n_max, 5000):        # scipy runs the exact test once n_resamples >= C(na+nb, na)
        out = contrasts._contrast(np.array(a, float), np.array(b, float), n_boot=100, n_perm=n_perm,
                                confidence=0.95, rng=np.random.default_rng(1))
        assert out["p_perm"] == pytest.approx(expected, rel=1e-12)


def test_scipy_runs_the_exact_test_when_n_perm_covers_all_splits():
    a, b = np.array([1, 2, 2.0]), np.array([2, 3, 5, 9.0])
    exact = stats.permutation_test((a, b), _diff, permutation_type="independent", n_resamples=5000,
                                   vectorized=True, alternative="two-sided", rng=np.random.default_rng(0))
    assert exact.null_distribution.size == 35                    # C(7, 3): every split once, no +1
    assert exact.pvalue == pytest.approx(_exact_two_sided_p([1, 2, 2], [2, 3, 5, 9]), rel=1e-12)
    assert (exact.pvalue * 35) == pytest.approx(round(exact.pvalue * 35), abs=1e-9)
    # Below the number of splits it is a Monte Carlo test with the +1 correction: p in multiples of 1/(n+1).
    mc = stats.permutation_test((a, b), _diff, permutation_type="independent", n_resamples=20,
                                vectorized=True, alternative="two-sided", rng=np.random.default_rng(0))
    assert mc.null_distribution.size == 20
    assert (mc.pvalue * 21 / 2) == pytest.approx(round(mc.pvalue * 21 / 2), abs=1e-9) or mc.pvalue == 1.0


def test_contrast_agrees_with_scipy_called_directly():
    # Groups too large for the exact test: the shared rng is used by the bootstrap first, then the permutations.
    rng = np.random.default_rng(5)
    a, b = rng.normal(0.2, 1.0, 9), rng.normal(-0.3, 1.0, 11)
    n_boot, n_perm, seed = 999, 3000, 42
    out = contrasts._contrast(a, b, n_boot=n_boot, n_perm=n_perm, confidence=0.95, rng=np.random.default_rng(seed))

    ref_rng = np.random.default_rng(seed)
    boot = stats.bootstrap((a, b), _diff, n_resamples=n_boot, method="percentile", vectorized=True,
                           confidence_level=_hesterberg_level(0.95, min(len(a), len(b))), rng=ref_rng)
    perm = stats.permutation_test((a, b), _diff, permutation_type="independent", n_resamples=n_perm,
                                  vectorized=True, alternative="two-sided", rng=ref_rng)
    assert out["diff"] == pytest.approx(a.mean() - b.mean(), rel=1e-12)
    assert out["ci_low"] == pytest.approx(boot.confidence_interval.low, abs=1e-14)
    assert out["ci_high"] == pytest.approx(boot.confidence_interval.high, abs=1e-14)
    assert out["p_perm"] == pytest.approx(perm.pvalue, abs=1e-14)
    assert out["effect_size"] == pytest.approx(_pingouin_hedges(a, b), rel=1e-12)


def test_monte_carlo_permutation_p_is_close_to_exact_enumeration():
    a = [3, 7, 1, 8, 5, 6, 9, 4]
    b = [2, 0, 5, 1, 3, 6, 2, 1, 4]                               # C(17, 8) = 24310 splits > n_perm
    exact = _exact_two_sided_p(a, b)
    n_perm = 5000
    out = contrasts._contrast(np.array(a, float), np.array(b, float), n_boot=200, n_perm=n_perm,
                            confidence=0.95, rng=np.random.default_rng(3))
    # two-sided p is 2 * a one-sided binomial proportion: sd = 2 * sqrt(p1 (1 - p1) / n_perm)
    sd = 2 * np.sqrt(exact / 2 * (1 - exact / 2) / n_perm)
    assert 0 < exact < 0.2
    assert abs(out["p_perm"] - exact) < 4 * sd + 2 / n_perm


def test_contrast_bootstrap_ci_uses_smaller_groups_expanded_level():
    a, b = np.array([0.1, 0.4, 0.2, 0.5, 0.3]), np.linspace(-0.5, 0.5, 30)
    out = contrasts._contrast(a, b, n_boot=1500, n_perm=100, confidence=0.9, rng=np.random.default_rng(8))
    # Rebuild the percentile interval by hand from the index draws scipy makes for two independent samples.
    draw = np.random.default_rng(8)
    ia = draw.integers(0, len(a), (1500, len(a)))
    ib = draw.integers(0, len(b), (1500, len(b)))
    diffs = a[ia].mean(axis=1) - b[ib].mean(axis=1)
    alpha = (1 - _hesterberg_level(0.9, 5)) / 2
    low, high = np.percentile(diffs, [100 * alpha, 100 * (1 - alpha)])
    assert out["ci_low"] == pytest.approx(low, abs=1e-12)
    assert out["ci_high"] == pytest.approx(high, abs=1e-12)


# ---------------------------------------------------------------- contrast_groups

def test_contrast_groups_pairs_known_values():
    values = {"left": [1, 2, 3], "right": [4, 5, 6, 7], "center": [2, 2, 5]}
    out = contrasts.contrast_groups(_scores(values), by="leaning", n_boot=400, n_perm=5000, min_articles=3, seed=4)
    assert list(zip(out["group_a"], out["group_b"])) == [("center", "left"), ("center", "right"),
                                                          ("left", "right")]
    for row in out.itertuples():
        a, b = np.array(values[row.group_a], float), np.array(values[row.group_b], float)
        assert (row.n_a, row.n_b) == (len(a), len(b))
        assert row.diff == pytest.approx(a.mean() - b.mean(), rel=1e-12)
        assert row.p_perm == pytest.approx(_exact_two_sided_p(values[row.group_a], values[row.group_b]), rel=1e-12)
        assert row.effect_size == pytest.approx(_pingouin_hedges(a, b), rel=1e-12)
        boot = stats.bootstrap((a, b), _diff, n_resamples=400, method="percentile", vectorized=True,
                               confidence_level=_hesterberg_level(0.95, 3),
                               rng=contrasts.group_rng(4, "leaning", row.group_a, row.group_b, "vader"))
        assert row.ci_low == pytest.approx(boot.confidence_interval.low, abs=1e-14)
        assert row.ci_high == pytest.approx(boot.confidence_interval.high, abs=1e-14)
    assert out["p_fdr"].isna().all()


def test_contrast_groups_vs_rest_known_values():
    values = {"A": [5, 6, 7], "B": [0, 1, 1], "C": [2, 3, 4], "D": [9]}
    out = contrasts.contrast_groups(_scores(values), by="leaning", mode="vs_rest", n_boot=200, n_perm=100_000,
                                  min_articles=3)
    assert out["group_a"].tolist() == ["A", "B", "C"] and set(out["group_b"]) == {contrasts.OTHERS}
    for row in out.itertuples():
        a = values[row.group_a]
        rest = [v for g, vs in values.items() if g != row.group_a for v in vs]
        assert (row.n_a, row.n_b) == (3, len(rest))
        assert row.diff == pytest.approx(np.mean(a) - np.mean(rest), rel=1e-12)
        assert row.p_perm == pytest.approx(_exact_two_sided_p(a, rest), rel=1e-12)   # C(10, 3) = 120 splits


def test_contrast_groups_then_fdr_equals_statsmodels():
    values = {"A": [5, 6, 7, 6], "B": [0, 1, 1, 2], "C": [2, 3, 4, 3], "D": [3, 3, 2, 4]}
    out = contrasts.adjust_fdr(contrasts.contrast_groups(_scores(values), by="leaning", n_boot=100, n_perm=1000,
                                                     min_articles=3))
    assert len(out) == 6
    expected = multipletests(out["p_perm"].to_numpy(), method="fdr_bh")[1]
    np.testing.assert_allclose(out["p_fdr"].to_numpy(), expected, rtol=1e-12, atol=0)


# ---------------------------------------------------------------- adjust_fdr

@pytest.mark.parametrize("p", [
    [0.01, 0.04, 0.03, 0.005],
    [0.01, 0.02, 0.03, 0.04, 0.05],
    [0.01, 0.01, 0.04, 0.04, 1.0, 1.0],                 # ties and ones
    [1.0, 1.0, 1.0],
    [0.3],
    [0.0, 0.5, 0.0002, 1.0, 0.049, 0.049, 0.2, 0.7],   # zero, ties, unsorted
    [0.9, 0.8, 0.85, 0.95, 1.0],                       # nothing significant: monotone step-up hits the max
])
def test_adjust_fdr_equals_statsmodels_fdr_bh(p):
    expected = multipletests(np.asarray(p, float), method="fdr_bh")[1]
    got = contrasts.adjust_fdr(_contrast_table(p))["p_fdr"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_adjust_fdr_textbook_value():
    # sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 4p/rank = 0.02, 0.02, 0.04, 0.04, mapped back to input order
    got = contrasts.adjust_fdr(_contrast_table([0.01, 0.04, 0.03, 0.005]))["p_fdr"].tolist()
    assert got == pytest.approx([0.02, 0.04, 0.04, 0.02], rel=1e-12)


def test_adjust_fdr_random_vectors_equal_statsmodels():
    rng = np.random.default_rng(12)
    for size in (2, 7, 40):
        p = np.round(rng.uniform(0, 1, size) ** 3, 3)   # rounding creates ties
        expected = multipletests(p, method="fdr_bh")[1]
        got = contrasts.adjust_fdr(_contrast_table(p))["p_fdr"].to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- actor_coverage (Wilson)

def _coverage_inputs():
    articles = pd.DataFrame({"doc_id": [f"x{i}" for i in range(20)] + [f"y{i}" for i in range(7)],
                             "outlet": ["X"] * 20 + ["Y"] * 7})
    mentions = pd.DataFrame({
        "doc_id": ["x0", "x0", "x0", "x1", "x2", "y0", "y1", "y2", "y3", "y4", "y5", "y6", "y6", "zz"]
                  + [f"x{i}" for i in range(20)] + ["y3"],
        "actor": ["China"] * 5 + ["China"] * 9 + ["USA"] * 20 + ["USA"],
    })
    actors = [("China", "country"), ("USA", "country"), ("Nobody", "person")]
    return articles, mentions, actors


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_actor_coverage_wilson_equals_statsmodels(confidence):
    articles, mentions, actors = _coverage_inputs()
    out = contrasts.actor_coverage(articles, mentions, actors=actors, confidence=confidence).set_index(
        ["outlet", "actor"])
    # (outlet, actor): (k articles mentioning, n articles, sentence mentions); "zz" is not an article
    expected = {("X", "China"): (3, 20, 5), ("X", "USA"): (20, 20, 20), ("X", "Nobody"): (0, 20, 0),
                ("Y", "China"): (7, 7, 8), ("Y", "USA"): (1, 7, 1), ("Y", "Nobody"): (0, 7, 0)}
    assert set(out.index) == set(expected)
    for key, (k, n, n_mentions) in expected.items():
        row = out.loc[key]
        low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
        assert (row["n_mentioning"], row["n_articles"], row["n_mentions"]) == (k, n, n_mentions)
        assert row["share"] == pytest.approx(k / n)
        assert row["ci_low"] == pytest.approx(low, rel=1e-9, abs=1e-12)
        assert row["ci_high"] == pytest.approx(high, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("k,n,low,high", [
    # Newcombe (1998), Stat Med 17:857, Table I, method 3 (Wilson score, no continuity correction)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_actor_coverage_wilson_textbook_values(k, n, low, high):
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": "X"})
    mentions = pd.DataFrame({"doc_id": [f"d{i}" for i in range(k)], "actor": "A"})
    row = contrasts.actor_coverage(articles, mentions, actors=[("A", "t")]).iloc[0]
    assert (row["n_mentioning"], row["n_articles"]) == (k, n)
    assert row["ci_low"] == pytest.approx(low, abs=5e-5)
    assert row["ci_high"] == pytest.approx(high, abs=5e-5)
    sm_low, sm_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert row["ci_low"] == pytest.approx(sm_low, rel=1e-9, abs=1e-12)
    assert row["ci_high"] == pytest.approx(sm_high, rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------- validation.cluster_bootstrap_pearson

def test_cluster_bootstrap_pearson_singleton_clusters_equal_row_resampling():
    rng = np.random.default_rng(21)
    k, n_boot = 15, 2000
    x = rng.normal(size=k)
    y = 0.6 * x + rng.normal(scale=0.8, size=k)
    clusters = np.arange(k)
    got = cluster_bootstrap_pearson(x, y, clusters, n_boot=n_boot, confidence=0.95, rng=np.random.default_rng(9))

    counts = np.random.default_rng(9).multinomial(k, np.full(k, 1 / k), size=n_boot)
    rs = np.empty(n_boot)
    for i in range(n_boot):
        rows = np.repeat(np.arange(k), counts[i])              # each row drawn counts[i, j] times
        rs[i] = stats.pearsonr(x[rows], y[rows]).statistic
    expected = np.quantile(rs, [0.025, 0.975])
    assert got == (pytest.approx(expected[0], abs=1e-10), pytest.approx(expected[1], abs=1e-10))


@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_cluster_bootstrap_pearson_real_clusters_equal_naive_loop(confidence):
    rng = np.random.default_rng(22)
    sizes = [3, 1, 4, 2, 5, 2, 3, 1, 6, 2, 4, 3]
    labels = [f"art{j}" for j in range(len(sizes))]
    clusters = np.array([lab for lab, s in zip(labels, sizes) for _ in range(s)], dtype=object)
    order = rng.permutation(len(clusters))                     # interleave: clusters are not contiguous
    clusters = clusters[order]
    effect = rng.normal(size=len(sizes))
    x = np.array([effect[labels.index(c)] for c in clusters]) + rng.normal(scale=0.7, size=len(clusters))
    y = 0.5 * x + rng.normal(scale=0.6, size=len(clusters))
    n_boot = 1500
    got = cluster_bootstrap_pearson(x, y, clusters, n_boot=n_boot, confidence=confidence,
                                    rng=np.random.default_rng(13))

    # Naive loop: clusters in order of first appearance; resample k of them with the same multinomial draw
    # and rebuild (x, y) from the rows of every drawn cluster, once per draw.
    first_seen = list(dict.fromkeys(clusters.tolist()))
    k = len(first_seen)
    members = [np.flatnonzero(clusters == c) for c in first_seen]
    counts = np.random.default_rng(13).multinomial(k, np.full(k, 1 / k), size=n_boot)
    rs = np.empty(n_boot)
    for i in range(n_boot):
        drawn = [j for j in range(k) for _ in range(counts[i, j])]
        rows = np.concatenate([members[j] for j in drawn])
        rs[i] = _naive_pearson(x[rows], y[rows])
    alpha = (1 - confidence) / 2
    expected = np.quantile(rs, [alpha, 1 - alpha])
    assert got == (pytest.approx(expected[0], abs=1e-10), pytest.approx(expected[1], abs=1e-10))
    # and the point estimate sits inside the interval
    assert expected[0] < stats.pearsonr(x, y).statistic < expected[1]
