"""Figure captions say what their tables hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


# --- figures with a row per outlet, on a corpus of many outlets ----------------------------------------------

def _outlets(k: int) -> list[str]:
    return [f"Outlet {i:03d}" for i in range(k)]


def _ytick_labels(plot) -> list[str]:
    return [t.get_text() for t in plot.figure.axes[0].get_yticklabels()]


def test_articles_by_outlet_shows_the_outlets_with_most_articles_and_says_so():
    by_period = pd.DataFrame({"outlet": _outlets(60), "leaning": "center", "period": "2019Q4",
                              "n_articles": range(1, 61)})
    plot = figures.articles_by_outlet(by_period)
    labels = _ytick_labels(plot)
    assert len(labels) == figures.MAX_OUTLET_ROWS and "Outlet 059" in labels and "Outlet 019" not in labels
    assert "1,830 articles from 60 outlets" in plot.caption  # the whole corpus
    assert "the 40 outlets with the most articles (1,620 articles) of 60; every outlet is in the table" in plot.caption
    few = figures.articles_by_outlet(by_period.head(30))
    assert len(_ytick_labels(few)) == 30 and "Shown:" not in few.caption


def test_sentiment_by_outlet_keeps_the_largest_outlets_in_every_panel():
    rows = [{"group_var": "outlet", "group": o, "instrument": i, "mean": 0.01 * k, "ci_low": 0.01 * k - 0.1,
             "ci_high": 0.01 * k + 0.1, "ci_method": "percentile bootstrap over articles (2000 resamples)",
             "n_articles": 100 - k, "n_sentences": 10 * (100 - k)}
            for k, o in enumerate(_outlets(50)) for i in ("vader", "news_ridge")]
    plot = figures.sentiment_by_outlet(pd.DataFrame(rows), seed=1)
    labels = _ytick_labels(plot)
    assert len(labels) == 40 and "Outlet 000 (n=100)" in labels and not any("Outlet 049" in x for x in labels)
    assert "50 outlets" in plot.caption and "the 40 outlets with the most articles" in plot.caption
    assert all(len(ax.collections) >= 1 for ax in plot.figure.axes[:2])


def test_sentence_score_distribution_rasterizes_dense_dots_only_in_large_corpora():
    rng = np.random.default_rng(0)

    def scores(n_sentences: int, n_outlets: int) -> pd.DataFrame:
        outlets = np.array(_outlets(n_outlets))[rng.integers(0, n_outlets, n_sentences)]
        return pd.DataFrame({"instrument": "vader", "outlet": outlets, "score": rng.uniform(-1, 1, n_sentences),
                             "doc_id": [f"{o}-{i % 7}" for i, o in enumerate(outlets)]})

    big = figures.sentence_score_distribution(scores(figures.MAX_VECTOR_POINTS + 5_000, 45), instrument="vader")
    small = figures.sentence_score_distribution(scores(2_000, 10), instrument="vader")
    dots = [c for c in big.figure.axes[0].collections if c.get_rasterized()]
    assert len(dots) == 1 and not any(c.get_rasterized() for c in small.figure.axes[0].collections)
    assert len(_ytick_labels(big)) == 40 and "of 45; every outlet is in the table" in big.caption
    assert f"{figures.MAX_VECTOR_POINTS + 5_000:,} sentences" in big.caption


def test_frames_by_outlet_heatmap_shows_the_largest_outlets():
    from analysis.report import framing_figures

    rows = [{"codebook": "generic_news_frames", "measure": "own_share", "group_var": "outlet", "group": o,
             "frame": f, "mean": 0.1, "ci_low": 0.05, "ci_high": 0.2, "ci_method": "percentile bootstrap",
             "n_articles": 200 - k} for k, o in enumerate(_outlets(45)) for f in ("conflict", "economic")]
    plot = framing_figures.frame_profile_heatmap(pd.DataFrame(rows), codebook="generic_news_frames", seed=1,
                                                 by="outlet", min_articles=5)
    labels = _ytick_labels(plot)
    assert len(labels) == 40 and labels[0] == "Outlet 000 (n=200)" and not any("Outlet 044" in x for x in labels)
    assert "in 45 groups" in plot.caption and "the 40 outlets with the most articles" in plot.caption


def test_reuse_network_draws_the_strongest_pairs_when_there_are_many_and_says_so():
    import matplotlib.pyplot as plt
    from matplotlib.patches import ConnectionPatch

    from analysis.report import provenance_figures

    n = 12
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": [f"Outlet {i % 3}" for i in range(n)],
                             "leaning": ["center"] * n,
                             "published": pd.date_range("2019-10-07", periods=n, freq="h", tz="UTC")})
    pairs = pd.DataFrame([(f"d{i}", f"d{j}") for i in range(n) for j in range(i + 1, n)], columns=["doc_a", "doc_b"])
    pairs["containment_a_in_b"] = np.linspace(0.2, 0.9, len(pairs))
    pairs["containment_b_in_a"] = 0.2
    pairs = pairs.assign(direction="a->b", syndicated=False, relation="copy")

    def edges(plot):
        return [a for a in plot.figure.artists if isinstance(a, ConnectionPatch)]

    capped = provenance_figures.reuse_network(pairs, articles, min_containment=0.15, max_edges=10)
    assert len(edges(capped)) == 10
    assert f"the 10 pairs with the highest containment of the {len(pairs)}" in capped.caption
    widths = sorted(e.get_linewidth() for e in edges(capped))
    assert widths[0] == pytest.approx(0.5 + 2.5 * pairs["containment_a_in_b"].nlargest(10).min())
    whole = provenance_figures.reuse_network(pairs, articles, min_containment=0.15)
    assert len(edges(whole)) == len(pairs) and "highest containment" not in whole.caption
    plt.close("all")
