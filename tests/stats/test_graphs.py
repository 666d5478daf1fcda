"""components(): connected components of an edge list, against a hand-worked graph."""

import numpy as np
import pytest

from analysis.stats.graphs import components


def test_components_join_exactly_the_nodes_a_path_links():
    got = components(7, [(0, 3), (3, 5), (1, 2), (5, 0), (2, 2)])
    groups = {frozenset(np.flatnonzero(got == c).tolist()) for c in np.unique(got)}
    assert groups == {frozenset({0, 3, 5}), frozenset({1, 2}), frozenset({4}), frozenset({6})}


def test_components_without_edges_and_with_bad_nodes():
    assert len(set(components(3, []).tolist())) == 3
    assert len(components(0, [])) == 0
    with pytest.raises(ValueError, match="outside"):
        components(2, [(0, 2)])
