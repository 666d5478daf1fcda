"""Vectorised bootstrap and permutation for contrasts over many articles (the scale path of analysis.stats.contrasts).

scipy's ``permutation_test`` and ``bootstrap`` redraw every resample for every
contrast, and the permutation test builds its resamples in Python batches: on
4,000 articles with 32 outlets each compared with the rest, 40 of the compare
stage's 41 seconds go there, and the cost grows with articles x outlets.
Written by hand because no library shares resamples across contrasts:

* **Bootstrap, "group vs rest".** One stratified bootstrap of the corpus:
  each group's articles are resampled within the group, giving every group's
  resampled sum; the rest's resampled mean for group k is then the sum over
  the other groups divided by their size. Holding each outlet's number of
  articles fixed is the design of the comparison (outlets are strata), so
  this is the bootstrap the contrast calls for, at the cost of one pass.
* **Permutation, "group vs rest".** One set of random relabellings shared by
  every group: each permutation of the corpus's values is summed cumulatively,
  and the first n_k values form group k. Each group's null distribution is
  exactly its permutation distribution; the tests are dependent, which the
  Benjamini-Hochberg step tolerates (positive dependence).

Pairs of large groups use the same functions with the two groups alone.
Smaller contrasts keep scipy (exact enumeration where it fits), so small
studies are unaffected. p-values follow scipy's two-sided convention.
"""

from __future__ import annotations

import numpy as np

CHUNK_VALUES = 4_000_000  # values drawn per batch: bounds memory at ~32 MB per array


def _chunks(total: int, per_row: int) -> list[int]:
    rows = max(1, CHUNK_VALUES // max(per_row, 1))
    return [min(rows, total - start) for start in range(0, total, rows)]


def stratified_group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int, *, n_boot: int,
                          rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n_groups) sums of each group's values resampled with replacement within the group."""
    out = np.empty((n_boot, n_groups))
    for g in range(n_groups):
        x = values[codes == g]
        row = 0
        for rows in _chunks(n_boot, len(x)):
            out[row:row + rows, g] = x[rng.integers(0, len(x), size=(rows, len(x)))].sum(axis=1)
            row += rows
    return out


def permutation_null(values: np.ndarray, sizes: np.ndarray, *, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """(n_perm, len(sizes)) differences of means (first n_k values minus the rest) over random relabellings."""
    n, total = len(values), values.sum()
    sizes = np.asarray(sizes)
    out = np.empty((n_perm, len(sizes)))
    row = 0
    for rows in _chunks(n_perm, n):
        shuffled = rng.permuted(np.broadcast_to(values, (rows, n)), axis=1)
        # Only the prefix the largest group needs is summed: a running sum's first values do not depend on
        # the later ones, so the result is the same to the bit, and a pair of groups sums only the first.
        first = np.cumsum(shuffled[:, :sizes.max()], axis=1)[:, sizes - 1]
        out[row:row + rows] = first / sizes - (total - first) / (n - sizes)
        row += rows
    return out


def two_sided_p(null: np.ndarray, observed: float) -> float:
    """scipy.stats.permutation_test's two-sided p-value for a randomised (Monte Carlo) null."""
    gamma = abs(1e-14 * observed)  # scipy's tolerance for ties in floating point
    less = (np.count_nonzero(null <= observed + gamma) + 1) / (len(null) + 1)
    greater = (np.count_nonzero(null >= observed - gamma) + 1) / (len(null) + 1)
    return float(min(1.0, 2 * min(less, greater)))


def percentile_interval(resampled: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2 * 100
    return float(np.percentile(resampled, tail)), float(np.percentile(resampled, 100 - tail))


# --- weighted means (articles carrying a value and a weight) ----------------------------------------------------
# The same two designs for a difference of weighted means, sum(x w) / sum(w), over several measures of one set of
# articles at once (``xw`` and ``w`` are (measures, articles)): the draws are shared by the measures, so a study
# with many measures pays for the resamples once.

def weighted_group_sums(xw: np.ndarray, w: np.ndarray, codes: np.ndarray, n_groups: int, *, n_boot: int,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(measures, n_boot, n_groups) sums of ``xw`` and of ``w``, each group's articles resampled within the group."""
    sum_xw = np.empty((xw.shape[0], n_boot, n_groups))
    sum_w = np.empty_like(sum_xw)
    unit, shared = _unit(w), _same_rows(w)
    for g in range(n_groups):
        members = np.flatnonzero(codes == g)
        row = 0
        for rows in _chunks(n_boot, len(members) * xw.shape[0]):
            draw = members[rng.integers(0, len(members), size=(rows, len(members)))]
            sum_xw[:, row:row + rows, g] = gathered_sums(xw, draw)
            sum_w[:, row:row + rows, g] = float(len(members)) if unit else gathered_sums(w, draw, same_rows=shared)
            row += rows
    return sum_xw, sum_w


def _unit(w: np.ndarray) -> bool:
    """Every weight is 1: a sum of n of them is n exactly, so the weights need no gathering."""
    return bool(np.all(w == 1.0))


def _same_rows(w: np.ndarray) -> bool:
    """Every measure has the same weights (an article's weight is its own, whatever is measured): one row's sums
    serve them all."""
    return bool(np.all(w == w[:1]))


def gathered_sums(values: np.ndarray, idx: np.ndarray, *, same_rows: bool = False) -> np.ndarray:
    """``values[:, idx].sum(axis=2)`` for (measures, n) ``values`` and (rows, k) indices, to the last bit, about three
    times faster; ``same_rows``: every row of ``values`` is the same, so one is summed (for all).

    numpy lays the gathered (measures, rows, k) array out with the measures innermost, so with two or more measures
    each row of ``idx`` is summed left to right, one addition after another (with one measure, or one index per
    row, the k values lie side by side and are summed pairwise: those cases keep numpy's own call). The fast path
    gathers each measure through the transposed indices, (k, rows), and sums down the first axis: the same additions
    in the same order, on contiguous vectors, without the cache misses of the interleaved layout.
    """
    if values.shape[0] < 2 or idx.shape[0] < 2 or idx.shape[1] < 2:
        return values[:, idx].sum(axis=2)
    cols = np.ascontiguousarray(idx.T)
    if same_rows:
        return np.broadcast_to(values[0][cols].sum(axis=0), (values.shape[0], idx.shape[0]))
    return np.stack([v[cols].sum(axis=0) for v in values])


def _gathered_running_sums(values: np.ndarray, idx: np.ndarray, at: np.ndarray, *,
                           same_rows: bool = False) -> np.ndarray:
    """``np.cumsum(values[:, idx], axis=2)[:, :, at]``, to the last bit: a running sum adds in order whatever the
    layout, so each measure is gathered through the transposed indices and summed down the first axis (contiguous
    vectors); ``same_rows`` as in :func:`gathered_sums`."""
    cols = np.ascontiguousarray(idx.T)
    if same_rows:
        one = np.cumsum(values[0][cols], axis=0)[at].T
        return np.broadcast_to(one, (values.shape[0], *one.shape))
    return np.stack([np.cumsum(v[cols], axis=0)[at].T for v in values])


def _first_of_random_orders(rows: int, n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """(rows, m) the first ``m`` of ``rows`` random orders of ``n`` items, in order.

    Random keys, the ``m`` smallest found by partition and only those sorted: the first m places of a uniform
    random permutation, without paying to shuffle the other n - m.
    """
    keys = rng.random((rows, n))
    first = np.argpartition(keys, m - 1, axis=1)[:, :m] if m < n else np.broadcast_to(np.arange(n), (rows, n))
    return np.take_along_axis(first, np.argsort(np.take_along_axis(keys, first, axis=1), axis=1), axis=1)


def weighted_permutation_null(xw: np.ndarray, w: np.ndarray, sizes: np.ndarray, *, n_perm: int,
                              rng: np.random.Generator) -> np.ndarray:
    """(measures, n_perm, len(sizes)) differences of weighted means, first n_k articles of a random order minus the
    rest: every "group vs rest" null from one set of random orders, as :func:`permutation_null` for plain means."""
    n = xw.shape[1]
    sizes = np.asarray(sizes)
    total_xw, total_w = xw.sum(axis=1)[:, None, None], w.sum(axis=1)[:, None, None]
    out = np.empty((xw.shape[0], n_perm, len(sizes)))
    shared = _same_rows(w)
    row = 0
    for rows in _chunks(n_perm, n * xw.shape[0]):
        first = _first_of_random_orders(rows, n, int(sizes.max()), rng)
        run_xw = _gathered_running_sums(xw, first, sizes - 1)
        run_w = _gathered_running_sums(w, first, sizes - 1, same_rows=shared)
        out[:, row:row + rows] = run_xw / run_w - (total_xw - run_xw) / (total_w - run_w)
        row += rows
    return out


def weighted_subset_sums(xw: np.ndarray, w: np.ndarray, k: int, *, n_draws: int,
                         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(measures, n_draws) sums of ``xw`` and of ``w`` over random subsets of ``k`` articles (without replacement):
    the smaller group of a permuted pair, whose complement is the other."""
    n = xw.shape[1]
    sum_xw, sum_w = np.empty((xw.shape[0], n_draws)), np.empty((xw.shape[0], n_draws))
    unit, shared = _unit(w), _same_rows(w)
    row = 0
    for rows in _chunks(n_draws, n * xw.shape[0]):
        keys = rng.random((rows, n))
        subset = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < n else np.broadcast_to(np.arange(n), (rows, n))
        sum_xw[:, row:row + rows] = gathered_sums(xw, subset)
        sum_w[:, row:row + rows] = float(subset.shape[1]) if unit else gathered_sums(w, subset, same_rows=shared)
        row += rows
    return sum_xw, sum_w
