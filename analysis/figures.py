"""Publication figures. Each function reads one tidy table and returns a :class:`Plot`.

Captions are generated from the same table as the figure, so every n, every
interval method and every seed quoted in a caption is the one that was used.
Saving strips timestamps and random ids so a re-run writes identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

# Okabe & Ito (2008) colour-blind-safe palette; one fixed colour per leaning.
LEANING_COLOURS = {
    "left": "#0072B2", "lean left": "#56B4E9", "center": "#999999",
    "lean right": "#E69F00", "right": "#D55E00", "unrated": "#000000",
}
LEANING_ORDER = list(LEANING_COLOURS)
SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.2

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "analysis",  # fixed ids inside SVG files
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
}
plt.rcParams.update(STYLE)


@dataclass
class Plot:
    name: str
    figure: plt.Figure
    caption: str

    def _repr_markdown_(self) -> str:  # shown under the figure in notebooks
        return f"**{self.name}.** {self.caption}"


def save(plot: Plot, folder: Path) -> list[Path]:
    """PNG (300 dpi), SVG and PDF with no timestamps or software stamps."""
    from analysis import io

    written = []
    for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None}),
                          ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        path = Path(folder) / f"{plot.name}.{ext}"
        buffer = BytesIO()
        plot.figure.savefig(buffer, format=ext, metadata=metadata)
        io.write_if_changed(path, buffer.getvalue())
        written.append(path)
    return written


def _n(x: int, word: str) -> str:
    return f"{x:,} {word}{'' if x == 1 else 's'}"


def articles_by_outlet(by_period: pd.DataFrame) -> Plot:
    counts = (by_period.groupby(["outlet", "leaning"], sort=False)["n_articles"].sum()
              .reset_index().sort_values(["n_articles", "outlet"], ascending=[True, False]))
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 0.16 * len(counts) + 0.9))
    ax.barh(counts["outlet"], counts["n_articles"], color=counts["leaning"].map(LEANING_COLOURS))
    ax.set_xlabel("Articles")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _leaning_legend(ax, counts["leaning"])
    n, k = int(counts["n_articles"].sum()), len(counts)
    caption = (f"Articles per outlet ({_n(n, 'article')} from {_n(k, 'outlet')}), coloured by outlet leaning "
               f"(AllSides rating where available). Unit: article.")
    return Plot("articles_by_outlet", fig, caption)


def articles_over_time(by_period: pd.DataFrame) -> Plot:
    dated = by_period.loc[by_period["period"] != "undated"]
    undated = int(by_period.loc[by_period["period"] == "undated", "n_articles"].sum())
    wide = dated.pivot_table(index="period", columns="leaning", values="n_articles", aggfunc="sum", fill_value=0)
    if len(wide):
        full = pd.period_range(wide.index.min(), wide.index.max(), freq="Q").astype(str)
        wide = wide.reindex(full, fill_value=0)
    cols = [c for c in LEANING_ORDER if c in wide.columns]
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 2.4))
    bottom = np.zeros(len(wide))
    for col in cols:
        ax.bar(wide.index, wide[col], bottom=bottom, color=LEANING_COLOURS[col], label=col, width=0.8)
        bottom += wide[col].to_numpy()
    ax.set_ylabel("Articles per quarter")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", rotation=90)
    if cols:
        ax.legend(title="Leaning", frameon=False, ncols=len(cols), loc="upper left")
    n = int(dated["n_articles"].sum())
    caption = (f"Articles per calendar quarter by outlet leaning ({_n(n, 'dated article')}; "
               f"{_n(undated, 'article')} without a publication date in the source are not shown). Unit: article.")
    return Plot("articles_over_time", fig, caption)


def _ci_caption(table: pd.DataFrame, seed: int) -> str:
    with_ci = table.loc[table["ci_low"].notna(), "ci_method"]
    method = with_ci.iloc[0] if len(with_ci) else "no intervals"
    return f"Bars: {method} (seed {seed})."


def sentiment_by_outlet(by_group: pd.DataFrame, *, seed: int, instrument: str = "vader") -> Plot:
    t = by_group.loc[(by_group["group_var"] == "outlet") & (by_group["instrument"] == instrument)]
    t = t.sort_values(["mean", "group"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN + 0.6, 0.18 * len(t) + 1.0))
    y = np.arange(len(t))
    has_ci = t["ci_low"].notna().to_numpy()
    ax.hlines(y[has_ci], t.loc[has_ci, "ci_low"], t.loc[has_ci, "ci_high"], color="#555555", lw=1)
    ax.scatter(t.loc[has_ci, "mean"], y[has_ci], color="black", s=14, zorder=3, label="mean with interval")
    ax.scatter(t.loc[~has_ci, "mean"], y[~has_ci], facecolors="white", edgecolors="black", s=14, zorder=3,
               label="too few articles for an interval")
    ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_yticks(y, [f"{g} (n={n})" for g, n in zip(t["group"], t["n_articles"])])
    ax.set_xlabel("Mean article sentiment (VADER compound)")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
    caption = (f"Mean article-level sentiment by outlet ({_n(int(t['n_articles'].sum()), 'article')}, "
               f"{_n(int(t['n_sentences'].sum()), 'sentence')}). Each article's score is the mean VADER compound "
               f"score of its sentences; points are means over articles. {_ci_caption(t, seed)} Hollow markers: "
               f"outlets with too few articles for an interval.")
    return Plot("sentiment_by_outlet", fig, caption)


def sentiment_by_group(by_group: pd.DataFrame, contrasts: pd.DataFrame, *, seed: int,
                       group_vars: tuple[str, ...] = ("leaning", "outlet_type"), instrument: str = "vader") -> Plot:
    t = by_group.loc[by_group["group_var"].isin(group_vars) & (by_group["instrument"] == instrument)]
    present = [g for g in group_vars if g in set(t["group_var"])]
    fig, axes = plt.subplots(1, max(len(present), 1), figsize=(DOUBLE_COLUMN_IN, 2.6), squeeze=False,
                             layout="constrained")
    for ax, var in zip(axes[0], present):
        sub = t.loc[t["group_var"] == var].sort_values(["mean", "group"]).reset_index(drop=True)
        y = np.arange(len(sub))
        colours = [LEANING_COLOURS.get(g, "black") if var == "leaning" else "black" for g in sub["group"]]
        ok = sub["ci_low"].notna().to_numpy()
        ax.hlines(y[ok], sub.loc[ok, "ci_low"], sub.loc[ok, "ci_high"], color=np.array(colours)[ok], lw=1.2)
        ax.scatter(sub["mean"], y, c=colours, s=18, zorder=3)
        ax.margins(x=0.08)
        ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
        ax.set_yticks(y, [f"{g} (n={n})" for g, n in zip(sub["group"], sub["n_articles"])])
        ax.set_title(var.replace("_", " ").capitalize())
        ax.set_xlabel("Mean article sentiment (VADER)")
    c = contrasts.loc[contrasts["group_var"].isin(present) & (contrasts["instrument"] == instrument)]
    caption = (f"Mean article-level sentiment by {' and by '.join(v.replace('_', ' ') for v in present)} "
               f"({_n(int(t.loc[t['group_var'] == present[0], 'n_articles'].sum()) if present else 0, 'article')}). "
               f"{_ci_caption(t, seed)} " + contrast_sentence(c))
    return Plot("sentiment_by_group", fig, caption)


def contrast_sentence(contrasts: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """One generated sentence summarising which contrasts survive FDR control."""
    if contrasts.empty:
        return "No group had enough articles for a contrast."
    sig = contrasts.loc[contrasts["p_fdr"] < alpha].sort_values("p_fdr")
    head = (f"{len(contrasts)} pairwise contrasts (two-sided permutation tests over articles, "
            f"Benjamini-Hochberg across all contrasts in sentiment_contrasts.csv): ")
    if sig.empty:
        return head + f"none significant at FDR {alpha:g} (smallest adjusted p = {contrasts['p_fdr'].min():.2f})."
    parts = [f"{r.group_a} vs {r.group_b}: diff {r.diff:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}], "
             f"g = {r.effect_size:.2f}, adjusted p = {r.p_fdr:.3f}" for r in sig.itertuples()]
    return head + f"{len(sig)} significant at FDR {alpha:g} (" + "; ".join(parts) + ")."


def actor_coverage(coverage: pd.DataFrame, *, min_articles: int = 1) -> Plot:
    t = coverage.loc[coverage["n_articles"] >= min_articles]
    labels = {o: f"{o} (n={n})" for o, n in t.groupby("outlet")["n_articles"].first().items()}
    wide = t.pivot(index="outlet", columns="actor", values="share")
    order_actors = t.groupby("actor")["n_mentioning"].sum().sort_values(ascending=False).index
    order_outlets = t.groupby("outlet")["n_articles"].first().sort_values(ascending=False).index
    wide = wide.loc[order_outlets, order_actors].rename(index=labels)
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 0.2 * len(wide) + 1.6))
    sns.heatmap(wide, ax=ax, cmap="viridis", vmin=0, vmax=1, annot=True, fmt=".0%", annot_kws={"size": 5},
                cbar_kws={"label": "Share of the outlet's articles"}, linewidths=0.3, linecolor="white")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    caption = (f"Share of each outlet's articles that mention each actor at least once "
               f"({_n(int(t.groupby('outlet')['n_articles'].first().sum()), 'article')}, {_n(len(wide), 'outlet')}, "
               f"{_n(len(order_actors), 'actor')}; actors matched by the aliases and patterns in study.toml). "
               f"Unit: article. 95% Wilson score intervals for every cell are in actor_coverage.csv.")
    return Plot("actor_coverage", fig, caption)


def _leaning_legend(ax, leanings: pd.Series) -> None:
    from matplotlib.patches import Patch

    present = [l for l in LEANING_ORDER if l in set(leanings)]
    ax.legend(handles=[Patch(color=LEANING_COLOURS[l], label=l) for l in present], title="Leaning",
              frameon=False, loc="lower right")


def sentiment_validity(scores: pd.DataFrame, validity: pd.DataFrame, *, instrument: str = "vader") -> Plot:
    """Instrument score against the human mean on the gold standard, with r and the human ceiling."""
    sc = scores.loc[scores["instrument"] == instrument]
    v = validity.set_index(["instrument", "level"])
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, SINGLE_COLUMN_IN))
    ax.hexbin(sc["human_mean"], sc["score"], gridsize=30, cmap="Greys", mincnt=1, linewidths=0, bins="log")
    ax.set_xlabel("Mean human rating (-4 to +4)")
    ax.set_ylabel(f"{instrument} compound score")
    sent, art = v.loc[(instrument, "sentence")], v.loc[(instrument, "article")]
    ceiling = validity.loc[validity["instrument"] == "one human rater"].iloc[0]
    fmt = "r = {0.pearson_r:.2f} [{0.ci_low:.2f}, {0.ci_high:.2f}]".format
    ax.set_title(f"sentences: {fmt(sent)}", fontsize=8)
    caption = (f"Validity of sentence sentiment: {instrument} compound score against the mean of 20 human ratings "
               f"for {sent['n_units']:,} New York Times sentences from {sent['n_articles']:,} articles "
               f"(Hutto & Gilbert 2014). Pearson {fmt(sent)} at sentence level and {fmt(art)} for "
               f"{art['n_units']:,} article means; a single human rater against the mean of the other raters "
               f"reaches {fmt(ceiling)}. Intervals: {sent['ci_method']}.")
    return Plot("sentiment_validity", fig, caption)
