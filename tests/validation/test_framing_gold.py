"""The framing validity summary: BABE rows of instruments measured on one split only, and the length strata."""

from __future__ import annotations

import pandas as pd

from analysis.validation.framing_gold import summary_markdown


def test_summary_shows_split_only_instruments_and_within_length_auc():
    rows = [("sg2", "loaded_score", "roc_auc", 0.536), ("sg1", "loaded_score", "roc_auc", 0.529),
            ("sg2", "loaded_score", "roc_auc_within_length", 0.537),
            ("sg2", "bias_classifier", "roc_auc", 0.706), ("sg2", "bias_classifier", "roc_auc_within_length", 0.698),
            ("sg2", "length_only", "roc_auc", 0.475)]
    table = pd.DataFrame([dict(dataset="babe", split=s, instrument=i, metric=m, value=v, n=10) for s, i, m, v in rows])
    text = summary_markdown(table)
    assert "| bias_classifier | 0.706 |  |" in text and "nan" not in text
    assert "bias_classifier (sg2) 0.698" in text and "loaded_score (sg2) 0.537" in text
