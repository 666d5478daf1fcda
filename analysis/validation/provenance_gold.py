"""Validity of the provenance measures against human-labelled data: fact matching on NeuS same-event clusters."""

from __future__ import annotations

import pandas as pd

from analysis.collect import provenance_datasets
from analysis.core import tables
from analysis.provenance import facts


def fact_matching_validity(*, splits: tuple[str, ...] = ("test", "val"), threshold: float | None = None,
                           ) -> pd.DataFrame:
    """The fact grouper against NeuS's human same-event clusters (Lee et al. 2022), per split.

    Events are pooled, so a fact that joins leads of two different events is
    a measured false match (pair precision); event recall is the share of
    events whose leads share at least one fact. A wrong merge of two facts
    *within* one event is invisible here: the figure bounds, not measures,
    fact-level precision.
    """
    rows = []
    for split in splits:
        probe = provenance_datasets.load_neus_probe(split)
        clusters = probe.assign(side=probe["position"].astype(str))[["event_id", "doc_id", "side", "text"]]
        table = facts.validate_on_events(clusters, threshold=threshold or facts.DEFAULT_THRESHOLD)
        rows.append(table.assign(split=split))
    return tables.validate(pd.concat(rows, ignore_index=True), "fact_matching_validation")
