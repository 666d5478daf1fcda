"""The methods section states the settings the study ran with."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.core.study import ProvenanceSettings, Study
from analysis.report import methods


@pytest.mark.parametrize("gap, bound, expected", [
    (3, 7, "split at gaps of more than 3 days and cut 7 days after their first article"),
    (2, 0, "split at gaps of more than 2 days, however long)"),
    (0, 7, "within one event, the whole study, by"),
])
def test_provenance_paragraph_states_how_events_are_bounded(gap, bound, expected):
    study = dataclasses.replace(Study(id="s", title="t"),
                                provenance=ProvenanceSettings(event_gap_days=gap, event_max_days=bound))
    text = methods.provenance_paragraph(study, default_fact_threshold=0.72)
    assert expected in text
    assert ("after their first article" in text) == bool(gap and bound)
