"""Quotation regions in every typography a page may use, for text reuse to discount."""

from __future__ import annotations

import pytest

from analysis.text.quote_marks import quotation_regions


@pytest.mark.parametrize("text, quoted", [
    ('He said "the action is wrong" today.', ["the action is wrong"]),
    ("He said \u201cthe action is wrong\u201d today.", ["the action is wrong"]),
    ("The filing said ''the action constricts the ability'' of firms.", ["the action constricts the ability"]),
    ("Le ministère a dit «une ingérence grossière» mardi.", ["une ingérence grossière"]),
    ("外交部表示「坚决反对」此举。", ["坚决反对"]),
    ('The statement read: "This action constricts the ability of firms to\n\nNext paragraph.',
     ["This action constricts the ability of firms to"]),
    ("No quotation here, only the company's plans.", []),
])
def test_quotation_regions(text, quoted):
    assert [text[s:e] for s, e in quotation_regions(text)] == quoted


def test_a_quote_continued_over_paragraphs_is_one_region():
    text = '"First paragraph of the quote.\n\n"Second and last part," she said.'
    regions = quotation_regions(text)
    assert len(regions) == 1 and text[regions[0][0]:regions[0][1]].endswith("last part,")
