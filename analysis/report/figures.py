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
from matplotlib.patches import Patch, Rectangle

from analysis.core import defaults, storage
from analysis.report.style import (  # noqa: F401
    DOUBLE_COLUMN_IN,
    LEANING_COLOURS,
    LEANING_ORDER,
    SINGLE_COLUMN_IN,
    column_width,
    instrument_palette,
    outlet_colours,
    warn_if_cjk_unrenderable,
)


@dataclass
class Plot:
    name: str
    figure: plt.Figure
    caption: str
    table: str = ""  # the CSV in reports/<study>/tables/ that holds the plotted numbers (stem)
    # Set by empty_plot: the report leaves the figure out and says why in one sentence instead of drawing it blank.
    empty_message: str = ""

    def _repr_markdown_(self) -> str:  # shown under the figure in notebooks
        return f"**{self.name}.** {self.caption}"


def save(plot: Plot, folder: Path) -> list[Path]:
    """PNG (300 dpi), SVG and PDF with no timestamps or software stamps."""

    warn_if_cjk_unrenderable(t.get_text() for t in plot.figure.findobj(plt.Text))
    # Constrained layout runs again on every draw: three formats and the figure checks laid each figure out four
    # times, a third of the report stage (profiled). Laid out once here, it keeps those positions for every file.
    if plot.figure.get_layout_engine() is not None:
        plot.figure.draw_without_rendering()
        plot.figure.set_layout_engine("none")
    written = []
    for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None}),
                          ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        path = Path(folder) / f"{plot.name}.{ext}"
        buffer = BytesIO()
        plot.figure.savefig(buffer, format=ext, metadata=metadata)
        storage.write_if_changed(path, buffer.getvalue())
        written.append(path)
    return written


def preview_png(fig: plt.Figure) -> bytes:
    """The figure as a PNG at its screen resolution (``figure.dpi``), from the canvas's last draw when it is current
    (an Agg canvas, as the inline backend's and the report's are).

    The figure checks draw every published figure at that resolution anyway, so a notebook can show that image
    instead of having the inline backend lay the figure out and draw it once more after the cell."""
    if fig.stale:
        fig.canvas.draw()
    buffer = BytesIO()
    plt.imsave(buffer, np.asarray(fig.canvas.buffer_rgba()), format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def empty_plot(name: str, message: str, caption: str, *, figsize: tuple[float, float] = (DOUBLE_COLUMN_IN, 1.0),
               va: str = "baseline", table: str = "") -> Plot:
    """The figure for nothing to show: no axes, ``message`` centred (vertically aligned by ``va``)."""
    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va=va)
    return Plot(name, fig, caption, table=table, empty_message=message)


def _split_table(stem: str, by: str) -> str:
    """The report splits grouped tables into ``<stem>_by_outlet.csv`` and ``<stem>_by_group.csv``."""
    return f"{stem}_by_outlet" if by == "outlet" else f"{stem}_by_group"


def format_p(p: float) -> str:
    """A p-value threshold as a reader expects it: 0.05, not 0.050000000000000044 (1 - 0.95 in floating point)."""
    return f"{p:.3g}"


def _n(x: int, word: str) -> str:
    return f"{x:,} {word}{'' if x == 1 else 's'}"


# A figure with a row per outlet stays readable up to about this many outlets; a corpus of hundreds (AllSides has
# 421) would draw a page metres long. Above it, figures show the outlets with the most articles and say so.
MAX_OUTLET_ROWS = 40
# Above this many points, dense point layers are rasterized inside SVG and PDF files (1.67 million vector dots
# made a 182 MB SVG); axes, text and boxes stay vectors.
MAX_VECTOR_POINTS = 20_000


def largest_outlets(n_articles: pd.Series, *, limit: int = MAX_OUTLET_ROWS) -> tuple[list, str]:
    """The outlets (index of ``n_articles``) a per-outlet figure shows, and the caption sentence saying which.

    Every outlet up to ``limit``; above it, the ``limit`` with the most articles (ties by name)."""
    if len(n_articles) <= limit:
        return list(n_articles.index), ""
    ranked = n_articles.rename("n").rename_axis("outlet").reset_index()
    ranked = ranked.sort_values(["n", "outlet"], ascending=[False, True], kind="stable")
    kept = ranked["outlet"].head(limit).tolist()
    shown = int(ranked["n"].head(limit).sum())
    return kept, (f" Shown: the {limit} outlets with the most articles ({_n(shown, 'article')}) of "
                  f"{len(n_articles):,}; every outlet is in the table.")


def articles_by_outlet(by_period: pd.DataFrame) -> Plot:
    counts = (by_period.groupby(["outlet", "leaning"], sort=False)["n_articles"].sum()
              .reset_index().sort_values(["n_articles", "outlet"], ascending=[True, False]))
    n, k = int(counts["n_articles"].sum()), len(counts)
    kept, shown = largest_outlets(counts.groupby("outlet", sort=False)["n_articles"].sum())
    counts = counts.loc[counts["outlet"].isin(kept)]
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 0.16 * len(counts) + 0.9))
    colours = outlet_colours(counts["outlet"], counts["leaning"])
    ax.barh(counts["outlet"], counts["n_articles"], color=counts["outlet"].map(colours))
    ax.set_xlabel("Articles")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _leaning_legend(ax, counts["leaning"])
    caption = (f"Articles per outlet ({_n(n, 'article')} from {_n(k, 'outlet')}), coloured by outlet leaning "
               f"(AllSides rating where available). Unit: article.{shown}")
    return Plot("articles_by_outlet", fig, caption, table="articles_by_period")


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
        ax.legend(title="Leaning", frameon=False, ncols=len(cols), loc="lower left", bbox_to_anchor=(0, 1))
    n = int(dated["n_articles"].sum())
    caption = (f"Articles per calendar quarter by outlet leaning ({_n(n, 'dated article')}; "
               f"{_n(undated, 'article')} without a publication date in the source are not shown). Unit: article.")
    return Plot("articles_over_time", fig, caption, table="articles_by_period")


def _ci_caption(table: pd.DataFrame, seed: int) -> str:
    with_ci = table.loc[table["ci_low"].notna(), "ci_method"]
    method = with_ci.iloc[0] if len(with_ci) else "no intervals"
    return f"Bars: {method} (seed {seed})."


INSTRUMENT_LABELS = {
    "vader": "VADER compound (lexicon and rules)",
    "news_ridge": "news_ridge (supervised, trained on news)",
    "target_logreg": "target-aware model (NewsMTSC)",
    "target_clause": "target's clause + pair contrasts (NewsMTSC)",
    "sentence_vader": "sentence VADER (baseline)",
}


def instrument_label(name: str) -> str:
    return INSTRUMENT_LABELS.get(name, f"{name} (dictionary)")


def sentiment_by_outlet(by_group: pd.DataFrame, *, seed: int, instruments: tuple[str, ...] | None = None) -> Plot:
    """Forest plot: each outlet's mean article sentiment with its CI, one panel per instrument."""
    t = by_group.loc[by_group["group_var"] == "outlet"]
    instruments = tuple(instruments or dict.fromkeys(t["instrument"]))
    t = t.loc[t["instrument"].isin(instruments)]
    # Outlets ordered by the first instrument's mean, the same order in every panel.
    first = t.loc[t["instrument"] == instruments[0]].sort_values(["mean", "group"])
    n_all, n_sentences, n_outlets = int(first["n_articles"].sum()), int(first["n_sentences"].sum()), len(first)
    kept, shown = largest_outlets(first.set_index("group")["n_articles"])
    first, t = first.loc[first["group"].isin(kept)], t.loc[t["group"].isin(kept)]
    order = {g: i for i, g in enumerate(first["group"])}
    n_articles = first.set_index("group")["n_articles"]
    fig, axes = plt.subplots(1, len(instruments), figsize=(column_width(len(instruments)),
                                                          0.18 * len(order) + 1.2),
                             sharey=True, squeeze=False, layout="constrained")
    for ax, instrument in zip(axes[0], instruments):
        sub = t.loc[t["instrument"] == instrument].assign(y=lambda d: d["group"].map(order)).sort_values("y")
        ok = sub["ci_low"].notna().to_numpy()
        ax.hlines(sub["y"][ok], sub["ci_low"][ok], sub["ci_high"][ok], color="#555555", lw=1)
        ax.scatter(sub["mean"][ok], sub["y"][ok], color="black", s=12, zorder=3, label="mean with interval")
        ax.scatter(sub["mean"][~ok], sub["y"][~ok], facecolors="white", edgecolors="black", s=12, zorder=3,
                   label="too few articles for an interval")
        ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
        ax.set_title(instrument, fontsize=7)
        ax.set_xlabel("Mean article score")
    axes[0][0].set_yticks(list(order.values()), [f"{g} (n={n_articles[g]})" for g in order])
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, frameon=False, loc="outside lower center", ncols=2)
    caption = (f"Mean article-level sentiment by outlet ({_n(n_all, 'article')}, "
               f"{_n(n_sentences, 'sentence')}, {_n(n_outlets, 'outlet')}), one panel per "
               f"instrument ({', '.join(instrument_label(i) for i in instruments)}). Each article's score is the "
               f"mean of its sentence scores; points are means over articles. {_ci_caption(t, seed)} Hollow "
               f"markers: outlets with too few articles for an interval. Outlets are ordered by the first "
               f"instrument; each panel has its own scale (instruments are not on a common metric); validity of "
               f"each instrument is in the validation figures.{shown}")
    return Plot("sentiment_by_outlet", fig, caption, table="sentiment_by_outlet")


def sentence_score_distribution(sentence_scores: pd.DataFrame, *, instrument: str, min_articles: int = 1) -> Plot:
    """Distribution of sentence scores per outlet (box over sentences, with every sentence as a dot)."""
    sc = sentence_scores.loc[sentence_scores["instrument"] == instrument]
    n_art = sc.groupby("outlet")["doc_id"].nunique()
    keep = n_art[n_art >= min_articles].index
    n_sentences, n_articles_kept, n_outlets = int(sc["outlet"].isin(keep).sum()), int(n_art[keep].sum()), len(keep)
    keep, shown = largest_outlets(n_art[keep])
    sc = sc.loc[sc["outlet"].isin(keep)]
    order = sc.groupby("outlet")["score"].median().sort_values().index.tolist()
    labels = {o: f"{o} (n={n_art[o]})" for o in order}
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 0.2 * len(order) + 1.0))
    plot_df = sc.assign(outlet_label=sc["outlet"].map(labels))
    sns.boxplot(plot_df, x="score", y="outlet_label", order=[labels[o] for o in order], ax=ax, color="white",
                fliersize=0, linewidth=0.7, whis=(5, 95))
    # Own jitter from a fixed seed: seaborn's stripplot draws from the global NumPy state.
    row = plot_df["outlet"].map({o: i for i, o in enumerate(order)}).to_numpy()
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(row))
    ax.scatter(plot_df["score"], row + jitter, s=0.6, color="#0072B2", alpha=0.35, linewidths=0, zorder=3,
               rasterized=len(row) > MAX_VECTOR_POINTS)
    ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_xlabel(f"Sentence score: {instrument_label(instrument)}")
    ax.set_ylabel("")
    caption = (f"Distribution of sentence scores by outlet ({_n(n_sentences, 'sentence')} from "
               f"{_n(n_articles_kept, 'article')}, {_n(n_outlets, 'outlet')} with at least "
               f"{_n(min_articles, 'article')}; n in labels counts articles). Instrument: "
               f"{instrument_label(instrument)}. Boxes: median and quartiles over sentences, whiskers 5th-95th "
               f"percentile; dots: individual sentences (jittered). Descriptive only: sentences of one article "
               f"are not independent, so inference uses article means.{shown}")
    return Plot("sentence_score_distribution", fig, caption, table="sentence_sentiment")


def _hatch_cells(ax, cells: pd.DataFrame, text: pd.DataFrame) -> None:
    """Grey, hatched cells (``cells`` True) with their text in grey: shown, but not on the colour scale."""
    for i, j in zip(*np.nonzero(cells.to_numpy())):
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#F4F4F4", edgecolor="#BBBBBB", hatch="////", lw=0))
        label = text.iat[i, j]
        if isinstance(label, str) and label:
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=5, color="#555555")


def _symmetric_limit(values: pd.DataFrame, *, floor: float = 0.1) -> float:
    """A colour limit at the largest |value| shown in colour (rounded up to 0.1), so no cell is clipped."""
    largest = float(np.nanmax(np.abs(values.to_numpy(dtype=float)))) if values.notna().any().any() else floor
    return max(floor, float(np.ceil(largest * 10) / 10))


def actor_sentiment_heatmap(by_group: pd.DataFrame, *, instrument: str, seed: int,
                            min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """Actor x outlet mean sentiment toward the actor; cells whose CI excludes zero are starred.

    Cells with fewer than ``min_articles`` articles keep their mean and n as grey text on a hatched cell and
    take no colour: one article's extreme score must not look like the strongest finding."""
    name = f"actor_sentiment_{instrument}"
    t = by_group.loc[(by_group["group_var"] == "outlet") & (by_group["instrument"] == instrument)]
    t = t.loc[t["n_articles"] >= 1]
    if t.empty:
        return empty_plot(name, f"No sentiment toward actors measured with {instrument} (no [[actors]] in the "
                                f"study, no mention found, or the instrument not run).",
                          f"Sentiment toward each actor by outlet, {instrument_label(instrument)}: nothing to show.",
                          table="actor_sentiment_by_outlet")
    outlets = t.groupby("group")["n_articles"].max().sort_values(ascending=False)
    outlets = outlets[outlets >= min_articles].index.tolist() or outlets.index.tolist()
    t = t.loc[t["group"].isin(outlets)]
    actors = t.groupby("actor")["n_articles"].sum().sort_values(ascending=False).index.tolist()
    means = t.pivot(index="group", columns="actor", values="mean").reindex(index=outlets, columns=actors)
    n = t.pivot(index="group", columns="actor", values="n_articles").reindex(index=outlets, columns=actors)
    excludes = t.assign(x=(t["ci_low"] > 0) | (t["ci_high"] < 0)).pivot(index="group", columns="actor", values="x")
    excludes = excludes.reindex(index=outlets, columns=actors).fillna(False).astype(bool)
    annot = means.map(lambda v: "" if pd.isna(v) else f"{v:+.2f}") + np.where(excludes, "*", "") + \
        n.map(lambda v: "" if pd.isna(v) else f"\n{int(v)}")
    few = means.notna() & (n < min_articles)
    coloured = means.mask(few)
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, max(2.2, 0.32 * len(outlets) + 1.8)))
    limit = _symmetric_limit(coloured)
    sns.heatmap(coloured, ax=ax, cmap="RdBu", vmin=-limit, vmax=limit, center=0, annot=annot, fmt="",
                annot_kws={"size": 5}, cbar_kws={"label": "Mean sentiment\ntoward the actor"}, linewidths=0.3,
                linecolor="white", mask=coloured.isna())
    _hatch_cells(ax, few, annot)
    ax.set_facecolor("#EEEEEE")
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    with_ci = t.loc[t["ci_low"].notna()]
    caption = (f"Sentiment toward each actor by outlet, {instrument_label(instrument)}: mean over articles of the "
               f"article's mean score toward the actor (P(positive) - P(negative) for the model; the sentence "
               f"score for the baseline) in the sentences that mention it. Outlets with at least "
               f"{_n(min_articles, 'article')} ({_n(len(outlets), 'outlet')}); each cell gives the mean and the "
               f"number of articles mentioning the actor (plain grey: none). Hatched grey cells have fewer than "
               f"{_n(min_articles, 'article')}: their mean is printed but not coloured, and they get no interval; "
               f"the colour scale runs to the largest coloured |mean| ({limit:.1f}). * marks cells whose "
               f"{with_ci['ci_method'].iloc[0] if len(with_ci) else 'interval'} (seed {seed}) excludes zero. "
               f"Intervals are not adjusted for multiplicity; FDR-controlled contrasts are in "
               f"sentiment_contrasts.csv.")
    return Plot(name, fig, caption, table="actor_sentiment_by_outlet")


def sentiment_by_group(by_group: pd.DataFrame, contrasts: pd.DataFrame, *, seed: int,
                       group_vars: tuple[str, ...] = ("leaning", "outlet_type"), instrument: str = "vader") -> Plot:
    contrasts = contrasts.loc[contrasts["target"] == "article"]
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
        ax.set_xlabel(f"Mean article sentiment ({instrument})")
    c = contrasts.loc[contrasts["group_var"].isin(present) & (contrasts["instrument"] == instrument)]
    caption = (f"Mean article-level sentiment by {' and by '.join(v.replace('_', ' ') for v in present)} "
               f"({_n(int(t.loc[t['group_var'] == present[0], 'n_articles'].sum()) if present else 0, 'article')}). "
               f"{_ci_caption(t, seed)} " + contrast_sentence(c))
    return Plot("sentiment_by_group", fig, caption, table="sentiment_by_group")


#: The two voices compared side by side: the outlet's own words, and the words of those it quotes or reports.
VOICE_STYLES = (("o", "black", "outlet's own voice"), ("s", "#D55E00", "quoted voices"))


def paired_intervals(ax, parts: list[pd.DataFrame], groups: list[str]) -> None:
    """Two means with CIs per group, offset above and below its row: the outlet's voice, then the quoted ones.

    ``parts`` are two tables with ``group``, ``mean``, ``ci_low`` and ``ci_high``."""
    for k, (part, (marker, colour, label)) in enumerate(zip(parts, VOICE_STYLES)):
        sub = part.set_index("group").reindex(groups)
        y = np.arange(len(groups)) + (k - 0.5) * 0.3
        err = np.vstack([(sub["mean"] - sub["ci_low"]).clip(lower=0), (sub["ci_high"] - sub["mean"]).clip(lower=0)])
        ax.errorbar(sub["mean"], y, xerr=np.nan_to_num(err), fmt=marker, color=colour, ms=3, lw=0.8, label=label)


def sentiment_by_voice(by_voice: pd.DataFrame, *, seed: int, by: str = "leaning", instrument: str = "vader") -> Plot:
    """Mean sentiment of each group's own-voice sentences next to that of the sentences in others' words."""
    t = by_voice.loc[(by_voice["group_var"] == by) & (by_voice["instrument"] == instrument)]
    if t.empty:
        return empty_plot("sentiment_by_voice", "No sentences with a voice to compare.",
                          f"Sentiment by voice ({instrument}): nothing to show.")
    groups = sorted(set(t["group"]), key=lambda g: (LEANING_ORDER.index(g) if g in LEANING_ORDER else 99, g))
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 0.32 * len(groups) + 1.1), layout="constrained")
    paired_intervals(ax, [t.loc[t["voice"] == voice] for voice in ("outlet", "others")], groups)
    ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
    own = t.loc[t["voice"] == "outlet"].set_index("group")["n_articles"]
    ax.set_yticks(range(len(groups)), [f"{g} (n={int(own.get(g, 0))})" for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel(f"Mean sentence sentiment per article ({instrument})")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=2, frameon=False, fontsize=6)
    caption = (f"Sentiment by voice and {by.replace('_', ' ')}, {instrument}: for each article, the mean score of its "
               f"sentences mostly in the outlet's own words (circles) and of those mostly in the words of the people "
               f"it quotes or reports (squares), averaged over the group's articles (n: articles with own-voice "
               f"sentences). {_ci_caption(t, seed)} Voices come from attribution rules validated on hand-labelled "
               f"cues (validation figures); the table is sentiment_by_voice.csv.")
    return Plot("sentiment_by_voice", fig, caption, table="sentiment_by_voice")


def contrast_sentence(contrasts: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """One generated sentence summarising which contrasts survive FDR control."""
    if contrasts.empty:
        return "No group had enough articles for a contrast."
    sig = contrasts.loc[contrasts["p_fdr"] < alpha].sort_values("p_fdr")
    head = (f"{len(contrasts)} pairwise contrasts (two-sided permutation tests over articles, "
            f"Benjamini-Hochberg across all contrasts in sentiment_contrasts.csv): ")
    if sig.empty:
        return head + f"none significant at FDR {format_p(alpha)} (smallest adjusted p = {contrasts['p_fdr'].min():.2f})."
    parts = [f"{r.group_a} vs {r.group_b}: diff {r.diff:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}], "
             f"g = {r.effect_size:.2f}, adjusted p = {r.p_fdr:.3f}" for r in sig.itertuples()]
    return head + f"{len(sig)} significant at FDR {format_p(alpha)} (" + "; ".join(parts) + ")."


def actor_coverage(coverage: pd.DataFrame, *, min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """Share of each outlet's articles that mention each actor, with its Wilson interval in the cell.

    Outlets with fewer than ``min_articles`` articles are kept as hatched grey rows (share and interval as
    grey text), off the colour scale: 1 of 1 must not look like 17 of 20."""
    t = coverage.loc[coverage["n_articles"] >= 1]
    if t.empty:
        return empty_plot("actor_coverage", "No actors to count: the study defines no [[actors]], or no article "
                                            "mentions one.",
                          "Share of each outlet's articles mentioning each actor: nothing to show (no [[actors]] "
                          "in study.toml).", table="actor_coverage")
    n_by_outlet = t.groupby("outlet")["n_articles"].first()
    labels = {o: f"{o} (n={n})" for o, n in n_by_outlet.items()}
    order_actors = t.groupby("actor")["n_mentioning"].sum().sort_values(ascending=False).index
    order_outlets = n_by_outlet.sort_values(ascending=False, kind="stable").index
    wide = t.pivot(index="outlet", columns="actor", values="share").loc[order_outlets, order_actors]
    text = t.assign(text=[f"{s:.0%}\n[{lo:.0%}, {hi:.0%}]" if pd.notna(lo) else f"{s:.0%}"
                          for s, lo, hi in zip(t["share"], t["ci_low"], t["ci_high"])])
    annot = text.pivot(index="outlet", columns="actor", values="text").loc[order_outlets, order_actors]
    few = pd.DataFrame(np.repeat((n_by_outlet[order_outlets] < min_articles).to_numpy()[:, None], len(order_actors),
                                 axis=1), index=wide.index, columns=wide.columns) & wide.notna()
    wide, annot, few = (x.rename(index=labels) for x in (wide, annot, few))
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, max(2.2, 0.3 * len(wide) + 1.6)))
    sns.heatmap(wide.mask(few), ax=ax, cmap="viridis", vmin=0, vmax=1, annot=annot, fmt="", annot_kws={"size": 5},
                cbar_kws={"label": "Share of the\noutlet's articles"}, linewidths=0.3, linecolor="white",
                mask=wide.mask(few).isna())
    _hatch_cells(ax, few, annot)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    n_few = int((n_by_outlet < min_articles).sum())
    caption = (f"Share of each outlet's articles that mention each actor at least once "
               f"({_n(int(n_by_outlet.sum()), 'article')}, {_n(len(wide), 'outlet')}, "
               f"{_n(len(order_actors), 'actor')}; actors matched by the aliases and patterns in study.toml). "
               f"Unit: article. Cells: share and 95% Wilson score interval (n in the row label). "
               + (f"The {_n(n_few, 'outlet')} with fewer than {_n(min_articles, 'article')} are hatched and not "
                  f"coloured. " if n_few else "") + "All values are in actor_coverage.csv.")
    return Plot("actor_coverage", fig, caption, table="actor_coverage")


def _leaning_legend(ax, leanings: pd.Series) -> None:

    present = [l for l in LEANING_ORDER if l in set(leanings)]
    ax.legend(handles=[Patch(color=LEANING_COLOURS[l], label=l) for l in present], title="Leaning",
              frameon=False, loc="lower right")


def sentiment_validity(scores: pd.DataFrame, validity: pd.DataFrame, *,
                       instruments: tuple[str, ...] | None = None) -> Plot:
    """Each instrument's score against the human mean on the gold standard (one panel each), with r and the ceiling."""
    instruments = tuple(instruments or dict.fromkeys(scores["instrument"]))
    v = validity.set_index(["instrument", "level"])
    fig, axes = plt.subplots(1, len(instruments), figsize=(column_width(len(instruments)), 2.6), squeeze=False,
                             layout="constrained")
    fmt = "r = {0.pearson_r:.2f} [{0.ci_low:.2f}, {0.ci_high:.2f}]".format
    parts = []
    for ax, instrument in zip(axes[0], instruments):
        sc = scores.loc[scores["instrument"] == instrument]
        ax.hexbin(sc["human_mean"], sc["score"], gridsize=25, cmap="Greys", mincnt=1, linewidths=0, bins="log")
        ax.set_xlabel("Mean human rating (-4 to +4)")
        ax.set_ylabel("Instrument score")
        sent, art = v.loc[(instrument, "sentence")], v.loc[(instrument, "article")]
        ax.set_title(f"{instrument}\nsentences: {fmt(sent)}", fontsize=7)
        out_of_fold = " (out-of-fold: 10 folds grouped by article)" if instrument == "news_ridge" else ""
        parts.append(f"{instrument_label(instrument)}{out_of_fold}: {fmt(sent)} for sentences, {fmt(art)} for "
                     f"article means")
    first = v.loc[(instruments[0], "sentence")]
    ceiling = validity.loc[validity["instrument"] == "one human rater"].iloc[0]
    caption = (f"Validity of sentence sentiment against the mean of 20 human ratings for {first['n_units']:,} New York "
               f"Times sentences from {first['n_articles']:,} articles (Hutto & Gilbert 2014), one panel per "
               f"instrument (Pearson r). " + "; ".join(parts) + f". A single human rater against the mean of the "
               f"other raters reaches {fmt(ceiling)}. Intervals: {first['ci_method']}.")
    return Plot("sentiment_validity", fig, caption, table="sentiment_validation")


def sentiment_evidence_table(evidence: pd.DataFrame, by_group: pd.DataFrame, *, instrument: str,
                             min_articles: int = defaults.MIN_ARTICLES, top: int = 2) -> tuple[pd.DataFrame, str]:
    """The sentences that pull each outlet's mean most, as a table a reader can check, and its caption."""
    outlets = by_group.loc[(by_group["group_var"] == "outlet") & (by_group["instrument"] == instrument)
                           & (by_group["n_articles"] >= min_articles)].set_index("group")
    ev = evidence.loc[(evidence["instrument"] == instrument) & evidence["outlet"].isin(outlets.index)
                      & (evidence["rank"] <= top)]
    ev = ev.assign(order=ev["outlet"].map(outlets["mean"])).sort_values(["order", "outlet", "rank"])
    shown = pd.DataFrame({
        "outlet": [f"{o} (mean {outlets.loc[o, 'mean']:+.3f}, n={outlets.loc[o, 'n_articles']})" for o in ev["outlet"]],
        "sentence": ev["text"].str.slice(0, 300),
        "score": ev["score"].round(3),
        "pull": ev["pull"].round(4),
        "article": ev["doc_id"] + "#" + ev["sent_id"].astype(str),
    })
    caption = (f"Evidence: for each outlet with at least {_n(min_articles, 'article')} ({_n(len(outlets), 'outlet')}), "
               f"the {top} sentences that move its mean {instrument_label(instrument)} score furthest from the "
               f"corpus mean. An outlet's mean is the mean over its articles of the mean sentence score, so "
               f"(outlet mean - corpus mean) is exactly the sum over its sentences of pull = (score - corpus mean) "
               f"/ (sentences in the article x articles of the outlet). Sentences are cut at 300 characters; "
               f"'article' is doc_id#sentence. The top {int(evidence['rank'].max()) if len(evidence) else 0} per "
               f"outlet are in sentiment_evidence.csv.")
    return shown, caption


STATE_OF_THE_ART_MACRO_F1 = 0.831  # Hamborg & Donnay (2021), GRU-TSC on NewsMTSC devtest_rw


def target_sentiment_validity(metrics: pd.DataFrame) -> Plot:
    """Per-class and macro F1 of each actor instrument on NewsMTSC devtest_rw."""
    t = metrics.loc[metrics["metric"].isin(["macro_f1", "f1_negative", "f1_neutral", "f1_positive"])]
    if t.empty:
        return empty_plot("target_sentiment_validity",
                          "The study defines no actors: no actor-directed sentiment was measured.",
                          "No actor-directed sentiment in this study (no [[actors]]).", figsize=(SINGLE_COLUMN_IN, 2.6))
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 2.6))
    sns.barplot(t.assign(metric=t["metric"].str.replace("_", " ")), x="metric", y="value", hue="instrument",
                ax=ax, palette=instrument_palette(t["instrument"]))
    ax.axhline(STATE_OF_THE_ART_MACRO_F1, color="#D55E00", lw=0.8, ls="--")
    ax.text(-0.4, STATE_OF_THE_ART_MACRO_F1 + 0.02, "published state of the art (macro F1)", fontsize=6,
            color="#D55E00")
    ax.set_ylim(0, 1)
    ax.set_xlabel("")
    ax.set_ylabel("F1 on NewsMTSC devtest_rw")
    ax.legend(frameon=False, fontsize=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
    macro = t.loc[t["metric"] == "macro_f1"].set_index("instrument")
    bounds = metrics.pivot_table(index="instrument", columns="metric", values="value", aggfunc="first")
    ci = {i: f" [{bounds.loc[i, 'macro_f1_ci_low']:.3f}, {bounds.loc[i, 'macro_f1_ci_high']:.3f}]"
          for i in macro.index if {"macro_f1_ci_low", "macro_f1_ci_high"} <= set(bounds.columns)
          and pd.notna(bounds.loc[i, "macro_f1_ci_low"])}
    parts = "; ".join(f"{i}: macro-F1 {r.value:.3f}{ci.get(i, '')}" for i, r in macro.iterrows())
    n = int(macro["n"].iloc[0]) if len(macro) else 0
    caption = (f"Validity of actor-directed sentiment on NewsMTSC devtest_rw (Hamborg & Donnay 2021; {_n(n, 'target')} "
               f"in news sentences, labelled negative/neutral/positive by human coders). {parts}. The model is "
               f"trained on NewsMTSC train only; the baseline gives every target its sentence's VADER label "
               f"(+/-0.05). Dashed line: published state of the art, macro-F1 {STATE_OF_THE_ART_MACRO_F1}. "
               + ("Brackets: bootstrap interval over sentences at the study's confidence level; bars are point estimates."
                  if ci else "Point estimates on one fixed test set; no interval."))
    return Plot("target_sentiment_validity", fig, caption, table="target_sentiment_validation")
