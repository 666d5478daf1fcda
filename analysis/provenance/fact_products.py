"""The within-component matrices of fact clustering, from one sparse product per batch of components.

:func:`analysis.provenance.facts.group_facts` clusters each connected component of the "closer than t" graph on
its dense cosine matrix ``X[idx] @ X[idx].T`` and its shared-term counts ``B[idx] @ B[idx].T``. On the AllSides
corpus there are tens of thousands of small components, and scipy's overhead per call (row indexing,
constructors, format conversions) cost more than the arithmetic. Here a batch of components is stacked with each
component's terms numbered apart, so one product is block-diagonal: no entry crosses components, and each entry
sums the same products in the same order as the component's own product (scipy's CSR product adds along the left
row's stored entries, which the renumbering keeps in place), so the matrices are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from scipy import sparse

BATCH_CELLS = 1 << 22  # dense cells of one batch's matrices: ~32 MB each


def within_products(X: sparse.csr_matrix, B: sparse.csr_matrix, groups: Sequence[np.ndarray],
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each row-index array of ``groups``, in order: ``(X[idx] @ X[idx].T).toarray()`` and
    ``(B[idx] @ B[idx].T).toarray()``."""
    batch: list[np.ndarray] = []
    cells = 0
    for idx in groups:
        if batch and cells + len(idx) ** 2 > BATCH_CELLS:
            yield from _batch(X, B, batch)
            batch, cells = [], 0
        batch.append(idx)
        cells += len(idx) ** 2
    if batch:
        yield from _batch(X, B, batch)


def _apart(sub: sparse.csr_matrix, owner: np.ndarray) -> sparse.csr_matrix:
    """``sub`` with the columns of each row's ``owner`` (its component) numbered apart; entries stay where they
    are stored."""
    entry_owner = np.repeat(owner.astype(np.int64), np.diff(sub.indptr))
    kept, columns = np.unique(entry_owner * sub.shape[1] + sub.indices, return_inverse=True)
    return sparse.csr_matrix((sub.data, columns.ravel(), sub.indptr), shape=(sub.shape[0], len(kept)))


def _batch(X: sparse.csr_matrix, B: sparse.csr_matrix, batch: list[np.ndarray],
           ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    sizes = np.array([len(idx) for idx in batch], dtype=np.int64)
    starts, base = np.r_[0, np.cumsum(sizes)[:-1]], np.r_[0, np.cumsum(sizes ** 2)[:-1]]
    rows, owner = np.concatenate(batch), np.repeat(np.arange(len(batch)), sizes)
    dense = []
    for M in (X, B):
        A = _apart(M[rows], owner)
        product = (A @ A.T).tocoo()
        c = owner[product.row]
        flat = np.zeros(int((sizes ** 2).sum()))
        flat[base[c] + (product.row - starts[c]) * sizes[c] + product.col - starts[c]] = product.data
        dense.append(flat)
    for k, size in enumerate(sizes):
        yield tuple(flat[base[k]:base[k] + size * size].reshape(size, size) for flat in dense)
