"""The vectorised resampling behind large contrasts agrees with scipy and holds its error rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.stats import contrasts, resampling


def _diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def test_permutation_p_value_agrees_with_scipy_within_monte_carlo_error():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.05, 1, 1200), rng.normal(0, 1, 1500)
    ours = resampling.two_sided_p(resampling.permutation_null(np.concatenate([a, b]), np.array([len(a)]), n_perm=4000,
                                                              rng=np.random.default_rng(1))[:, 0], _diff(a, b))
    theirs = stats.permutation_test((a, b), _diff, n_resamples=4000, vectorized=True, rng=np.random.default_rng(2)).pvalue
    assert abs(ours - theirs) < 0.04  # two Monte Carlo estimates of one p (sd about 0.008 each)


def test_permutation_null_has_the_exact_permutation_variance():
    rng = np.random.default_rng(3)
    x = rng.exponential(size=3000)
    null = resampling.permutation_null(x, np.array([400, 2500]), n_perm=3000, rng=rng)
    n = len(x)
    for j, k in enumerate((400, 2500)):
        expected = x.var(ddof=1) * (1 / k + 1 / (n - k))  # variance of a difference of means under relabelling
        assert null[:, j].mean() == pytest.approx(0, abs=4 * np.sqrt(expected / 3000))
        assert null[:, j].var() == pytest.approx(expected, rel=0.1)


def test_permutation_null_is_bit_identical_to_summing_whole_permutations():
    # permutation_null sums each permutation only as far as the largest group; the reference sums it all.
    # Chunks of several batches (a long corpus) and several group sizes, in any order, are covered.
    def reference(values, sizes, *, n_perm, rng):
        n, total = len(values), values.sum()
        out = np.empty((n_perm, len(sizes)))
        row = 0
        for rows in resampling._chunks(n_perm, n):
            first = np.cumsum(rng.permuted(np.broadcast_to(values, (rows, n)), axis=1), axis=1)[:, sizes - 1]
            out[row:row + rows] = first / sizes - (total - first) / (n - sizes)
            row += rows
        return out

    x = np.random.default_rng(9).normal(size=40_000)
    for sizes in ([30], [25_000, 7, 39_999], [1, 20_000]):
        sizes = np.array(sizes)
        ours = resampling.permutation_null(x, sizes, n_perm=250, rng=np.random.default_rng(10))
        assert np.array_equal(ours, reference(x, sizes, n_perm=250, rng=np.random.default_rng(10))), sizes


def test_false_positive_rate_is_nominal_under_the_null():
    rng = np.random.default_rng(4)
    ps = []
    for _ in range(300):
        x = rng.normal(size=2100)
        null = resampling.permutation_null(x, np.array([300]), n_perm=400, rng=rng)[:, 0]
        ps.append(resampling.two_sided_p(null, x[:300].mean() - x[300:].mean()))
    assert 0.02 <= np.mean(np.array(ps) < 0.05) <= 0.09


def test_large_pair_interval_matches_scipy_bootstrap():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0.2, 1, 1500), rng.normal(0, 2, 1000)
    ours = contrasts._contrast_large(a, b, n_boot=3000, n_perm=500, confidence=0.95, rng=np.random.default_rng(6))
    ref = stats.bootstrap((a, b), _diff, n_resamples=3000, confidence_level=0.95, method="percentile",
                          vectorized=True, rng=np.random.default_rng(7)).confidence_interval
    width = ref.high - ref.low
    assert ours["ci_low"] == pytest.approx(ref.low, abs=0.1 * width)
    assert ours["ci_high"] == pytest.approx(ref.high, abs=0.1 * width)
    assert ours["diff"] == _diff(a, b) and ours["effect_size"] == contrasts.hedges_g(a, b)


def test_vs_rest_on_a_large_corpus_takes_the_shared_path_and_agrees_with_scipy():
    rng = np.random.default_rng(8)
    outlets = np.repeat([f"o{i}" for i in range(8)], 300)
    shift = {"o0": 0.3}
    scores = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(outlets))], "outlet": outlets,
                           "instrument": "vader", "instrument_version": "v",
                           "sentiment": rng.normal(size=len(outlets)) + np.array([shift.get(o, 0) for o in outlets])})
    assert len(scores) > contrasts.LARGE_CONTRAST
    out = contrasts.contrast_groups(scores, by="outlet", mode="vs_rest", n_boot=1000, n_perm=2000, seed=1)
    o0 = out.set_index("group_a").loc["o0"]
    a = scores.loc[scores["outlet"] == "o0", "sentiment"].to_numpy()
    b = scores.loc[scores["outlet"] != "o0", "sentiment"].to_numpy()
    assert o0["diff"] == _diff(a, b) and o0["p_perm"] < 0.01 and o0["ci_low"] > 0
    others = out.loc[out["group_a"] != "o0", "p_perm"]
    assert (others > 0.001).all()
    small = contrasts.contrast_groups(scores.loc[scores["outlet"].isin(["o0", "o1"])], by="outlet", mode="vs_rest",
                                    n_boot=500, n_perm=500, seed=1)  # 600 articles: scipy's path
    assert len(small) == 2 and small["p_perm"].notna().all()


def test_group_intervals_drawn_in_batches_are_the_same_numbers(monkeypatch):
    x = np.random.default_rng(9).normal(size=3000)
    whole = contrasts.bootstrap_mean_ci(x, n_boot=500, confidence=0.95, rng=np.random.default_rng(1))
    monkeypatch.setattr(resampling, "CHUNK_VALUES", 3000 * 7)  # 7 resamples per batch
    batched = contrasts.bootstrap_mean_ci(x, n_boot=500, confidence=0.95, rng=np.random.default_rng(1))
    assert batched == whole


def test_weighted_permutation_null_has_the_exact_permutation_variance_with_unit_weights():
    rng = np.random.default_rng(4)
    x = rng.exponential(size=3000)
    w = np.ones_like(x)
    sizes = np.array([300, 2500])
    null = resampling.weighted_permutation_null((x * w)[None], w[None], sizes, n_perm=3000, rng=rng)[0]
    n = len(x)
    for k, size in enumerate(sizes):  # difference of means of a random split: var = s2 n / (size (n - size))
        expected = x.var(ddof=1) * n / (size * (n - size))
        assert null[:, k].var() == pytest.approx(expected, rel=0.1)
        assert abs(null[:, k].mean()) < 4 * np.sqrt(expected / 3000)


def test_weighted_subset_sums_draw_each_article_k_over_n_of_the_time():
    n, k = 500, 40
    xw = np.eye(n)  # measure i sums article i's indicator: how often article i is drawn
    sums, weights = resampling.weighted_subset_sums(xw, np.ones((n, n)), k, n_draws=4000,
                                                    rng=np.random.default_rng(5))
    assert (weights == k).all()  # without replacement: k distinct articles
    assert sums.mean(axis=1) == pytest.approx(np.full(n, k / n), abs=4 * np.sqrt(k / n / 4000))


def test_weighted_group_sums_resample_within_each_group():
    codes = np.repeat([0, 1], [3, 5])
    w = np.ones((1, 8))
    xw = np.arange(8.0)[None]
    sum_xw, sum_w = resampling.weighted_group_sums(xw, w, codes, 2, n_boot=500, rng=np.random.default_rng(6))
    assert (sum_w[0] == [3, 5]).all()
    assert sum_xw[0, :, 0].min() >= 0 and sum_xw[0, :, 0].max() <= 3 * 2  # group 0 holds values 0, 1, 2
    assert sum_xw[0, :, 1].min() >= 5 * 3 and sum_xw[0, :, 1].max() <= 5 * 7
    assert sum_xw[0, :, 0].mean() == pytest.approx(3.0, abs=0.15)


def test_unit_weights_are_counted_not_gathered_with_the_same_sums(monkeypatch):
    values = np.random.default_rng(0).normal(size=(2, 300))
    w = np.ones_like(values)
    codes = np.repeat(np.arange(3), 100)

    def both():
        return (resampling.weighted_group_sums(values, w, codes, 3, n_boot=50, rng=np.random.default_rng(1)),
                resampling.weighted_subset_sums(values, w, 40, n_draws=50, rng=np.random.default_rng(2)))

    counted = both()
    monkeypatch.setattr(resampling, "_unit", lambda w: False)
    gathered = both()
    for got, expected in zip(counted, gathered):
        assert all(np.array_equal(g, e) for g, e in zip(got, expected))


@pytest.mark.parametrize("measures", [1, 2, 5])
@pytest.mark.parametrize("rows, k", [(1, 50), (7, 1), (7, 2), (33, 300)])
def test_gathered_sums_are_numpys_gather_and_sum_to_the_last_bit(measures, rows, k):
    rng = np.random.default_rng(measures * 100 + rows)
    values = rng.normal(size=(measures, 400)) * 10.0 ** rng.integers(-8, 8, size=(measures, 400))  # rounding shows
    idx = rng.integers(0, 400, size=(rows, k))
    assert np.array_equal(resampling.gathered_sums(values, idx), values[:, idx].sum(axis=2))
    same = np.broadcast_to(values[0], values.shape)  # the weights: one row shared by every measure
    assert np.array_equal(resampling.gathered_sums(same, idx, same_rows=True), same[:, idx].sum(axis=2))
    at = np.array([0, k - 1, k // 2])
    assert np.array_equal(resampling._gathered_running_sums(values, idx, at),
                          np.cumsum(values[:, idx], axis=2)[:, :, at])
    assert np.array_equal(resampling._gathered_running_sums(same, idx, at, same_rows=True),
                          np.cumsum(same[:, idx], axis=2)[:, :, at])


def test_the_fast_sums_change_no_weighted_draw(monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 900))
    w = np.broadcast_to(rng.uniform(0.1, 1, size=900), x.shape)  # weights differ by article, not by measure
    codes = rng.integers(0, 4, size=900)

    def draws():
        return (resampling.weighted_group_sums(x * w, w, codes, 4, n_boot=60, rng=np.random.default_rng(1)),
                resampling.weighted_subset_sums(x * w, w, 200, n_draws=60, rng=np.random.default_rng(2)),
                resampling.weighted_permutation_null(x * w, w, np.array([100, 450]), n_perm=60,
                                                     rng=np.random.default_rng(3)))

    fast = draws()
    monkeypatch.setattr(resampling, "gathered_sums", lambda v, idx, same_rows=False: v[:, idx].sum(axis=2))
    monkeypatch.setattr(resampling, "_gathered_running_sums",
                        lambda v, idx, at, same_rows=False: np.cumsum(v[:, idx], axis=2)[:, :, at])
    slow = draws()
    for got, expected in zip([*fast[0], *fast[1], fast[2]], [*slow[0], *slow[1], slow[2]]):
        assert np.array_equal(got, expected)
