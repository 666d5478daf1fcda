"""Figure captions say what their tables hold."""

from __future__ import annotations

import pandas as pd

from analysis.report import figures


def test_the_target_sentiment_caption_gives_the_interval_when_the_table_has_one():
    rows = [("target_clause", m, v) for m, v in (("macro_f1", 0.645), ("f1_negative", 0.7), ("f1_neutral", 0.68),
                                                  ("f1_positive", 0.55), ("macro_f1_ci_low", 0.618),
                                                  ("macro_f1_ci_high", 0.675))]
    metrics = pd.DataFrame(rows, columns=["instrument", "metric", "value"]).assign(n=1146)
    caption = figures.target_sentiment_validity(metrics).caption
    assert "target_clause: macro-F1 0.645 [0.618, 0.675]" in caption and "no interval" not in caption
    without = figures.target_sentiment_validity(metrics.loc[~metrics["metric"].str.contains("ci_")]).caption
    assert "no interval" in without
