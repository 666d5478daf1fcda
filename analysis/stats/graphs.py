"""Connected components of an edge list: the one grouping that near duplicates, story versions, matched quotes
and reuse clusters all need, done by scipy's ``connected_components`` instead of a union-find in each room."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def components(n: int, edges: Iterable[tuple[int, int]]) -> np.ndarray:
    """The component of each of nodes ``0..n-1`` linked by undirected ``edges``: an int array; two nodes share
    a value exactly when a path joins them (the values themselves carry no meaning)."""
    pairs = np.asarray(list(edges), dtype=np.int64).reshape(-1, 2)
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"edges name nodes outside 0..{n - 1}")
    graph = sparse.coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]
