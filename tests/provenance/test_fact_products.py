"""Batched within-component products are each component's own products, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from analysis.provenance import fact_products


@pytest.mark.parametrize("cells", [1, 50, 1 << 22])  # one component a batch, a few, all at once
def test_within_products_are_each_components_own_products(monkeypatch, cells):
    monkeypatch.setattr(fact_products, "BATCH_CELLS", cells)
    rng = np.random.default_rng(7)
    X = sparse.random(300, 400, density=0.03, random_state=8, format="csr")
    X.data = rng.lognormal(size=X.nnz)  # rounding shows if any sum is taken in another order
    X = normalize(X).tocsr()
    B = (X != 0).astype(np.float64)
    order = rng.permutation(300)
    groups = [np.sort(g) for g in np.split(order, [1, 4, 9, 30, 31, 60, 200])]
    got = list(fact_products.within_products(X, B, groups))
    assert len(got) == len(groups)
    for idx, (similar, shared) in zip(groups, got):
        assert np.array_equal(similar, (X[idx] @ X[idx].T).toarray())
        assert np.array_equal(shared, (B[idx] @ B[idx].T).toarray())


def test_within_products_of_rows_without_terms_are_zero():
    X = sparse.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]))
    (similar, shared), = fact_products.within_products(X, X, [np.array([0, 1, 2])])
    assert np.array_equal(similar, np.diag([1.0, 0.0, 0.0])) and np.array_equal(shared, similar)
