"""Figures of agreement between two instruments for the same construct (table ``instrument_agreement``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report.figures import Plot, _n, empty_plot
from analysis.report.style import DOUBLE_COLUMN_IN, OKABE_ITO


def _label(r) -> str:
    if r.construct == "sentiment":
        return f"{r.instrument_a} vs {r.instrument_b}"
    return f"{r.category}: codebook vs {r.instrument_b}"


def instrument_agreement_plot(table: pd.DataFrame, *, seed: int) -> Plot:
    """Corpus-wide agreement with its interval (black) and each outlet's (grey, hollow without interval)."""
    if table.empty:
        return empty_plot("instrument_agreement", "One instrument per construct: nothing to compare.",
                          "The study uses one instrument per construct; no agreement to show.", va="center",
                          table="instrument_agreement")
    corpus = table.loc[table["group_var"] == "corpus"].reset_index(drop=True)
    labels = [_label(r) for r in corpus.itertuples()]
    fig, axes = plt.subplots(1, 2, figsize=(DOUBLE_COLUMN_IN, 0.3 * len(corpus) + 1.2), sharey=True,
                             gridspec_kw={"width_ratios": [1, 1]})
    for ax, construct, metric in zip(axes, ("sentiment", "frames"), ("Spearman's rho", "Cohen's kappa")):
        ax.set_xlabel(f"{metric} between instruments")
        ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
        ax.set_xlim(-1, 1)
        ax.set_title("Sentiment (article scores)" if construct == "sentiment" else "Frames (present in article)",
                     fontsize=7)
    y = {lab: i for i, lab in enumerate(labels)}
    outlets = table.loc[table["group_var"] == "outlet"]
    for r in outlets.itertuples():
        ax = axes[0] if r.construct == "sentiment" else axes[1]
        ax.scatter(r.value, y[_label(r)] + 0.2, s=6, color=OKABE_ITO["grey"], zorder=2)
    for r in corpus.itertuples():
        ax = axes[0] if r.construct == "sentiment" else axes[1]
        if np.isfinite(r.ci_low):
            ax.hlines(y[_label(r)], r.ci_low, r.ci_high, color="black", lw=1)
        ax.scatter(r.value, y[_label(r)], s=14, color="black", zorder=3)
    axes[0].set_yticks(range(len(labels)), labels)
    axes[0].invert_yaxis()
    n = int(corpus["n"].max())
    n_out = outlets["group"].nunique()
    caption = (f"Agreement between two instruments for the same construct on this study's articles "
               f"({_n(n, 'article')}). Left: Spearman's rho between the article scores of each pair of sentiment "
               f"instruments. Right: Cohen's kappa between the frame codebook (frame present in the article) and the "
               f"supervised classifier, on the frames both define. Black: all articles, with a 95% percentile "
               f"bootstrap interval over articles (seed {seed}); grey: each of the {_n(n_out, 'outlet')} with enough "
               f"articles (values per outlet, with intervals, in instrument_agreement.csv). Agreement between "
               f"instruments is not validity: both can be wrong the same way; see the validation figures.")
    return Plot("instrument_agreement", fig, caption, table="instrument_agreement")
