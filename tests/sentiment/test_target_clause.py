"""The target's clause: splitting, masking of other targets, agent/object cues (synthetic sentences)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.sentiment.target_clause import (
    EDGE,
    NUMERIC,
    OTHER,
    PLACEHOLDER,
    agent_or_object,
    clause_views,
    position_words,
    split_clauses,
    tokens,
)


def two_targets(text: str, first: str, second: str) -> pd.DataFrame:
    a, b = text.index(first), text.index(second)
    return pd.DataFrame({"text": [text, text], "start": [a, b], "end": [a + len(first), b + len(second)]},
                        index=[10, 11])


@pytest.mark.parametrize(("text", "clauses"), [
    ("X praised the deal, while Y condemned it", ["X praised the deal", "Y condemned it"]),
    ("X won; Y lost", ["X won", "Y lost"]),
    ("X gained but Y fell although Z stayed", ["X gained", "Y fell", "Z stayed"]),
    ("X spoke whereas Y wept and Z left", ["X spoke", "Y wept", "Z left"]),
    ("No break here at all", ["No break here at all"]),
])
def test_split_clauses(text, clauses):
    toks = [t for t, _, _ in tokens(text)]
    assert [" ".join(toks[i:j]) for i, j in split_clauses(text)] == clauses


def test_targets_in_different_clauses_get_their_own_clause_and_mask_each_other():
    views = clause_views(two_targets("X praised the deal, while Y condemned it", "X", "Y"))
    assert list(views.index) == [10, 11]
    assert list(views["clause"]) == [f"{PLACEHOLDER} praised the deal", f"{PLACEHOLDER} condemned it"]
    assert list(views["left"]) == [EDGE, EDGE] and views.loc[11, "right"] == f"condemned it {EDGE}"
    assert OTHER in views.loc[10, "masked"] and OTHER in views.loc[11, "masked"]
    assert views.loc[10, "agent_pos"] > 0 and views.loc[10, "agent_neg"] == 0
    assert views.loc[11, "agent_neg"] > 0 and views.loc[11, "agent_pos"] == 0
    assert list(views.columns[4:]) == list(NUMERIC)


def test_a_target_alone_in_its_clause_borrows_the_predicate():
    # "X and Y attacked the plan": split at 'and', X's clause would be X alone.
    views = clause_views(two_targets("X and Y attacked the plan.", "X", "Y"))
    assert views.loc[10, "clause"] == f"{PLACEHOLDER} and {OTHER} attacked the plan ."


@pytest.mark.parametrize(("text", "role"), [
    ("Lawmakers praised X.", "object"),
    ("Critics attacked X.", "object"),
    ("X praised the deal.", "agent"),
    ("X was praised by lawmakers.", "object"),
    ("The deal was praised by X.", "agent"),
    ("X met the committee on Tuesday.", "none"),
])
def test_agent_or_object(text, role):
    start = text.index("X")
    assert agent_or_object(text, start, start + 1) == role


def test_distance_weighting_and_negation():
    near = clause_views(two_targets("X failed badly.", "X", "X")).iloc[0]
    far = clause_views(two_targets("X met them on the day it failed badly.", "X", "X")).iloc[0]
    assert near["right_neg"] < far["right_neg"] < 0  # the nearer word weighs more
    negated = clause_views(two_targets("X did not fail.", "X", "X")).iloc[0]
    assert negated["clause_negated"] == 1.0 and negated["right_pos"] > 0


def test_span_outside_the_sentence_is_an_error():
    with pytest.raises(ValueError, match="outside a sentence of 3 characters"):
        clause_views(pd.DataFrame({"text": ["abc"], "start": [2], "end": [9]}))


@pytest.mark.parametrize(("masked", "tagged"), [
    ("Critics attacked xtargetx .", "p-2_critics p-1_attacked p1_."),
    ("xtargetx won the award", "p1_won p2_the p3_award"),
    # 4-6 tokens away share p±5, anything farther p±9
    ("a b c d e f g xtargetx", "p-9_a p-5_b p-5_c p-5_d p-3_e p-2_f p-1_g"),
    ("xtargetx 1 2 3 4 5 6 7", "p1_1 p2_2 p3_3 p5_4 p5_5 p5_6 p9_7"),
])
def test_position_words(masked, tagged):
    assert position_words(masked) == tagged
