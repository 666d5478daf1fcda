"""Provenance figures: the reuse network, reuse sensitivity, quote sources and fact coverage.

Each function reads the tidy tables of :mod:`analysis.provenance.provenance` and returns
a :class:`analysis.report.figures.Plot` whose caption states n and method.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch

from analysis.report.figures import Plot, _n, _split_table, empty_plot, format_p
from analysis.report.style import DOUBLE_COLUMN_IN, LEANING_COLOURS, LEANING_ORDER, SINGLE_COLUMN_IN, outlet_colours

MODE_COLOURS = {"keep": "#000000", "downweight": "#E69F00", "remove": "#0072B2"}
SOURCE_TYPE_ORDER = ["us_government", "chinese_government", "government_other", "company", "ngo_advocacy", "expert",
                     "media", "anonymous", "other", "unknown"]
SOURCE_TYPE_LABELS = {"us_government": "US\ngov.", "chinese_government": "Chinese\ngov.",
                      "government_other": "other\ngov.", "company": "company", "ngo_advocacy": "NGO,\nadvocacy",
                      "expert": "expert", "media": "media", "anonymous": "anony-\nmous", "other": "other\nnamed",
                      "unknown": "no\nspeaker"}


def _short(text: str, width: int = 70) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width=width, placeholder=" …")


def _as_naive_utc(published: pd.Series) -> pd.Series:
    """Publication times as naive UTC (tz-aware, naive or mixed in; missing stays missing), for plotting."""
    return pd.to_datetime(published, utc=True, errors="coerce").dt.tz_convert(None)


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """Text on at most ``lines`` lines of ``width`` characters (the rest cut with an ellipsis): row labels fit."""
    return textwrap.fill(" ".join(str(text).split()), width=width, max_lines=lines, placeholder=" …")


def measure_label(measure: str) -> str:
    """'frame:entity_list/human_rights' -> "frame 'human rights' (entity list)"; 'sentiment:vader' -> 'sentiment
    (vader)': what a reader reads, not the table's id."""
    kind, _, what = measure.partition(":")
    if kind == "frame" and "/" in what:
        codebook, frame = what.split("/", 1)
        return f"frame '{frame.replace('_', ' ')}' ({codebook.replace('_', ' ')})"
    return f"{kind.replace('_', ' ')} ({what})" if what else kind.replace("_", " ")


# Edges drawn at most: on all 37,554 AllSides articles 6,738 pairs drew as many curved arrows, three times (PNG,
# SVG, PDF), about a fifth of the report stage, in a tangle nobody can read; the strongest ones carry the picture.
MAX_DRAWN_PAIRS = 500


def reuse_network(pairs: pd.DataFrame, articles: pd.DataFrame, *, min_containment: float, max_outlets: int = 30,
                  max_edges: int = MAX_DRAWN_PAIRS) -> Plot:
    """Articles that share text, one row per outlet, time left to right; edges drawn source to copy (the
    ``max_edges`` with the highest containment when there are more, as the caption says).

    Undated articles sit in a panel of their own at the right, with no date (they are not placed on the time
    axis), and the date axis spans at least a week, so it never shows clock times."""
    if pairs.empty:
        return empty_plot("reuse_network", "no pair of articles shares enough text to count as reuse",
                          f"Text reuse between the {_n(len(articles), 'article')}: none found (directional "
                          f"containment of word 5-gram shingles >= {min_containment:.2f}).",
                          figsize=(DOUBLE_COLUMN_IN, 1.6), va="center")
    docs = pd.unique(pd.concat([pairs["doc_a"], pairs["doc_b"]]))
    info = articles.set_index("doc_id").loc[docs, ["outlet", "published", "leaning"]]
    outlets = info["outlet"].value_counts().index[:max_outlets].sort_values()
    info = info.loc[info["outlet"].isin(outlets)].assign(published=lambda d: _as_naive_utc(d["published"]))
    undated = info["published"].isna()
    rows = {o: i for i, o in enumerate(outlets)}
    y = info["outlet"].map(rows).astype(float)
    # Undated articles: side by side in their outlet's row of the undated panel (x = 0, 1, 2, ...).
    x_undated = info.loc[undated].groupby("outlet").cumcount().astype(float)
    n_panels = 1 + bool(undated.any())
    fig = plt.figure(figsize=(DOUBLE_COLUMN_IN, max(1.2 + 0.18 * len(outlets), 2.0)))
    widths = [8, max(1, int(x_undated.max()) + 1 if len(x_undated) else 1)] if n_panels == 2 else [1]
    axes = fig.subplots(1, n_panels, sharey=True, squeeze=False, gridspec_kw={"width_ratios": widths})[0]
    dated_ax = axes[0]
    position = {}
    for doc, when in info.loc[~undated, "published"].items():
        position[doc] = (dated_ax, mdates.date2num(when), y[doc])
    for doc, slot in x_undated.items():
        position[doc] = (axes[-1], slot, y[doc])
    colours = info["outlet"].map(outlet_colours(info["outlet"], info["leaning"]))
    for ax, mask in ((dated_ax, ~undated), (axes[-1], undated)) if n_panels == 2 else ((dated_ax, ~undated),):
        docs_here = info.index[mask]
        xs = [position[d][1] for d in docs_here]
        ax.scatter(xs, y[docs_here], s=18, c=colours[docs_here].tolist(), zorder=3, edgecolors="white",
                   linewidths=0.4)
    shown = pairs.loc[pairs["doc_a"].isin(info.index) & pairs["doc_b"].isin(info.index)]
    n_between = len(shown)
    if n_between > max_edges:
        strength = shown[["containment_a_in_b", "containment_b_in_a"]].max(axis=1)
        shown = shown.assign(_s=-strength).sort_values(["_s", "doc_a", "doc_b"], kind="stable").head(max_edges)
    for r in shown.itertuples(index=False):
        strength = max(r.containment_a_in_b, r.containment_b_in_a)
        src, dst = (r.doc_b, r.doc_a) if r.direction == "b->a" else (r.doc_a, r.doc_b)
        (ax_a, xa, ya), (ax_b, xb, yb) = position[src], position[dst]
        quoted = getattr(r, "relation", "copy") == "shared_quote"
        edge = ConnectionPatch((xa, ya), (xb, yb), coordsA="data", coordsB="data", axesA=ax_a, axesB=ax_b,
                               arrowstyle="-|>" if r.direction != "unknown" else "-", shrinkA=3, shrinkB=3,
                               lw=0.5 + 2.5 * strength, alpha=0.35 + 0.5 * strength, ls=":" if quoted else "-",
                               color="#D55E00" if r.syndicated else "#555555", connectionstyle="arc3,rad=0.15")
        edge.set_in_layout(False)
        fig.add_artist(edge)
    dated_ax.set_yticks(range(len(outlets)), outlets)
    dated_ax.set_ylim(-0.7, len(outlets) - 0.3)
    dated = info.loc[~undated, "published"]
    if len(dated):
        middle = dated.min() + (dated.max() - dated.min()) / 2
        half = max((dated.max() - dated.min()) / 2 * 1.1, pd.Timedelta(days=3.5))
        dated_ax.set_xlim(mdates.date2num(middle - half), mdates.date2num(middle + half))
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        dated_ax.xaxis.set_major_locator(locator)
        dated_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
        dated_ax.set_xlabel("publication date")
    else:
        dated_ax.set_xticks([])
        dated_ax.set_xlabel("no dated article among these")
    if n_panels == 2:
        side = axes[-1]
        side.set_xlim(-0.7, widths[1] - 0.3)
        side.set_xticks([])
        side.set_title("undated", fontsize=7)
        side.tick_params(axis="y", left=False)
        side.spines["left"].set_visible(False)
    present = [l for l in LEANING_ORDER if l in set(info["leaning"].fillna("unrated"))]
    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=LEANING_COLOURS[l], label=l, ms=4) for l in present],
               title="Leaning", frameon=False, loc="outside right upper")
    n_syn = int(pairs["syndicated"].sum())
    n_dir = int((pairs["direction"] != "unknown").sum())
    n_quoted = int((pairs["relation"] == "shared_quote").sum()) if "relation" in pairs else 0
    caption = (f"Text reuse: {_n(len(pairs), 'pair')} of articles ({_n(len(docs), 'article')}, "
               f"{_n(info['outlet'].nunique(), 'outlet')}) share passages; {n_quoted} of them share only "
               f"quotations (dotted: a statement or quote both carried, not copying) and {n_syn} are syndicated "
               f"copies (orange, max containment >= 0.5). Containment = share of one article's word 5-gram "
               f"shingles found in the other (candidates: every pair sharing enough shingles, exact containment >= "
               f"{min_containment:.2f} and a shared passage of >= 10 words, or an unquoted shared passage of >= 20 "
               f"words); line width grows with containment; arrows run from the earlier article to the later "
               f"({n_dir} pairs dated apart to the day), plain lines where the dates do not decide. Dots coloured "
               f"by leaning" + (f"; the {_n(int(undated.sum()), 'undated article')} sit in the right-hand panel, "
                                "side by side in their outlet's row, with no date." if undated.any() else ".")
               + (f" Drawn: the {max_edges} pairs with the highest containment of the {n_between} between the "
                  f"{_n(len(outlets), 'outlet')} shown." if n_between > max_edges else ""))
    return Plot("reuse_network", fig, caption, table="reuse_pairs")


def reuse_sensitivity_plot(sensitivity: pd.DataFrame, verdicts: pd.DataFrame, *, top: int = 12, seed: int,
                           n_boot: int, alpha: float = 0.05) -> Plot:
    """The contrasts closest to significance, estimated with reuse kept, down-weighted and removed."""
    key = ["measure", "group_var", "group_a", "group_b"]
    best = sensitivity.groupby(key)["p_fdr"].min().nsmallest(top).reset_index()[key]
    shown = sensitivity.merge(best, on=key)
    labels = [f"{measure_label(m)} · {a} vs {b}" for m, a, b in best[["measure", "group_a", "group_b"]].to_numpy()]
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 0.32 * len(best) + 1.0))
    for k, mode in enumerate(MODE_COLOURS):
        sub = shown.loc[shown["mode"] == mode].set_index(key).reindex(pd.MultiIndex.from_frame(best))
        ypos = np.arange(len(best)) + (k - 1) * 0.22
        ax.errorbar(sub["diff"], ypos, xerr=[sub["diff"] - sub["ci_low"], sub["ci_high"] - sub["diff"]],
                    fmt="o", ms=3, lw=0.8, color=MODE_COLOURS[mode], label=mode)
        sig = sub["p_fdr"].to_numpy() < alpha
        ax.scatter(sub["diff"].to_numpy()[sig], ypos[sig], marker="*", s=30, color=MODE_COLOURS[mode], zorder=4)
    ax.axvline(0, color="#999999", lw=0.6)
    ax.set_yticks(range(len(best)), [_wrap(t, 48) for t in labels])
    ax.invert_yaxis()
    ax.set_xlabel("difference of weighted article means (a − b)")
    ax.legend(title="reused text", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    counts = verdicts["verdict"].value_counts()
    verdict_text = "; ".join(f"{n} {v}" for v, n in counts.items())
    if shown.empty:
        ax.text(0.5, 0.5, "no group has enough articles to compare", ha="center", va="center",
                transform=ax.transAxes)
    caption = (f"Do outlet findings survive text reuse? The {len(best)} contrasts (of {len(verdicts):,}) with the "
               f"smallest adjusted p, estimated with reused text kept, down-weighted (a sentence shared by k+1 "
               f"articles counts 1/(k+1)) and removed from the copies. Bars: expanded percentile bootstrap CIs "
               f"over articles ({n_boot:,} resamples, seed {seed}); stars: Benjamini–Hochberg p < {format_p(alpha)} within each reading. "
               f"All contrasts: {verdict_text}.")
    return Plot("reuse_sensitivity", fig, caption, table="reuse_sensitivity")


def quote_sources_plot(shares: pd.DataFrame, *, by: str = "outlet", min_quotes: int = 5, seed: int,
                       max_groups: int = 25, contrasts: pd.DataFrame | None = None, alpha: float = 0.05) -> Plot:
    """Share of quotes by source type in each group, with article-bootstrap intervals where n allows."""
    sub = shares.loc[(shares["group_var"] == by) & (shares["n_quotes_total"] >= min_quotes)]
    totals = sub.groupby("group")["n_quotes_total"].first().sort_values(ascending=False).head(max_groups)
    sub = sub.loc[sub["group"].isin(totals.index)]
    types = [t for t in SOURCE_TYPE_ORDER if t in set(sub["source_type"])]
    if sub.empty or not types:
        return empty_plot(f"quote_sources_by_{by}", f"no {by} has {min_quotes} or more attributed quotes",
                          f"Quote sources by {by}: no group with >= {min_quotes} quotes.",
                          figsize=(DOUBLE_COLUMN_IN, 1.4), va="center")
    groups = list(totals.index)
    fig, axes = plt.subplots(1, len(types), figsize=(DOUBLE_COLUMN_IN, 0.2 * len(groups) + 1.1), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, t in zip(axes, types):
        d = sub.loc[sub["source_type"] == t].set_index("group").reindex(groups)
        ypos = np.arange(len(groups))
        has_ci = d["ci_low"].notna().to_numpy()
        ax.errorbar(d["share"][has_ci], ypos[has_ci], xerr=[(d["share"] - d["ci_low"])[has_ci],
                                                              (d["ci_high"] - d["share"])[has_ci]],
                    fmt="o", ms=2.5, lw=0.7, color="#000000")
        ax.scatter(d["share"][~has_ci], ypos[~has_ci], s=8, facecolors="none", edgecolors="#000000", lw=0.6)
        ax.set_xlim(-0.03, 1.03)
        ax.set_title(SOURCE_TYPE_LABELS.get(t, t), fontsize=6.5)
        ax.set_xticks([0, 0.5, 1], ["0", ".5", "1"])
    axes[0].set_yticks(range(len(groups)), [f"{g} ({int(totals[g])})" for g in groups])
    axes[0].invert_yaxis()
    fig.supxlabel(f"Share of the {by.replace('_', ' ')}'s quotes whose speaker is of this type", fontsize=7)
    fig.supylabel(f"{by.replace('_', ' ').capitalize()} (n quotes)", fontsize=7)
    method = sub["ci_method"].loc[sub["ci_low"].notna()]
    caption = (f"Who is quoted: share of each {by}'s quotes (in quote marks; reported speech not counted) by the "
               f"speaker's source type "
               f"({_n(int(totals.sum()), 'quote')} in {by}s with >= {min_quotes}; n quotes in brackets). "
               f"Speakers from attribution cues (said, told, according to, a statement) resolved to the study's "
               f"actors, else typed by rules. Bars: {method.iloc[0] if len(method) else 'no intervals'} "
               f"(seed {seed}); open circles: too few articles for an interval. Syndicated duplicates left out.")
    if contrasts is not None:
        tested = contrasts.loc[contrasts["group_var"] == by]
        hits = tested.loc[tested["p_fdr"] < alpha]
        found = "; ".join(f"{r.group_a} vs {r.group_b}, {r.source_type}: {r.diff:+.2f} [{r.ci_low:+.2f}, "
                          f"{r.ci_high:+.2f}]" for r in hits.head(5).itertuples())
        caption += (f" Contrasts ({'each ' + by + ' vs all others' if by == 'outlet' else 'pairs of ' + by + 's'}"
                    f", groups with >= 5 quoting articles, permutation p, Benjamini–Hochberg across all "
                    f"{len(contrasts):,} source contrasts): {len(hits)} of {len(tested)} with p < {format_p(alpha)}"
                    f"{': ' + found if found else ''}.")
    return Plot(f"quote_sources_by_{by}", fig, caption, table=_split_table("sources", by))


def fact_coverage_plot(coverage: pd.DataFrame, facts: pd.DataFrame, *, by: str = "outlet", top: int = 30,
                       event: str | None = None) -> Plot:
    """Which group carried which fact: facts (rows) by groups (columns), sorted so omissions stand out."""
    sub = coverage.loc[coverage["group_var"] == by]
    if event is not None:
        sub = sub.loc[sub["event_id"] == event]
    if sub.empty:
        return empty_plot(f"fact_coverage_by_{by}", "no fact is reported by two or more articles",
                          "Fact coverage: no shared fact found.", figsize=(DOUBLE_COLUMN_IN, 1.4), va="center")
    matrix = sub.pivot_table(index="fact_id", columns="group", values="share", aggfunc="first")
    carried = (matrix > 0).sum(axis=1)
    facts_i = facts.set_index("fact_id")
    order = (pd.DataFrame({"carried": carried, "n": facts_i["n_articles"].reindex(matrix.index)})
             .sort_values(["carried", "n"], ascending=False).head(top).index)
    matrix = matrix.loc[order]
    matrix = matrix[(matrix > 0).sum(axis=0).sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, max(2.0, 0.26 * len(matrix) + 1.6)))
    shown = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
    cmap = plt.get_cmap("Blues").with_extremes(bad="#f2f2f2")
    ax.imshow(shown, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=60, ha="right")
    ax.set_yticks(range(len(matrix)), [_wrap(facts_i.loc[f, "fact_text"], 60) for f in matrix.index], fontsize=5.5)
    ax.set_xlabel(by.replace("_", " ").capitalize())
    ax.set_ylabel("Fact")
    for (i, j), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if v == 0:
            ax.text(j, i, "×", ha="center", va="center", fontsize=5, color="#D55E00")
    n_events = sub["event_id"].nunique()
    caption = (f"Fact coverage by {by}: the {len(matrix)} facts (of {sub['fact_id'].nunique():,}) carried by the "
               f"most {by}s, rows sorted by how many carry them; shade = share of the {by}'s articles on that "
               f"event that state the fact; × = the {by} covered the event but left the fact out; grey = no "
               f"article of that {by} on the event ({n_events} event{'s' if n_events != 1 else ''}). Facts are "
               f"groups of sentences from different articles joined by average-linkage clustering of TF-IDF "
               f"cosine similarity (threshold validated on NeuS same-event clusters; see the report).")
    return Plot(f"fact_coverage_by_{by}", fig, caption, table="fact_coverage" if by == "outlet" else "fact_coverage_by_group")


def busiest_event(coverage: pd.DataFrame) -> str | None:
    """The event with the most shared facts (None when the study is one event)."""
    dated = coverage["event_id"].replace("", np.nan).notna()
    if coverage.loc[dated, "event_id"].nunique() <= 1:
        return None
    counts = coverage.loc[dated].groupby("event_id")["fact_id"].nunique()
    return str(counts.sort_values(ascending=False, kind="stable").index[0])


def fact_omission_plot(omission: pd.DataFrame, *, by: str = "leaning", seed: int,
                       contrasts: pd.DataFrame | None = None, alpha: float = 0.05) -> Plot:
    """Share of the shared facts on its events that each group left out, with bootstrap CIs."""
    sub = omission.loc[omission["group_var"] == by].sort_values("omission_rate")
    if sub.empty:
        return empty_plot(f"fact_omission_by_{by}", f"no {by} covered an event with a fact shared by two or more "
                                                    "articles", f"Omission by {by}: nothing to compare.",
                          figsize=(SINGLE_COLUMN_IN, 1.4), va="center", table="fact_omission")
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 0.3 * len(sub) + 0.9))
    colours = [LEANING_COLOURS.get(g, "#000000") if by == "leaning" else "#000000" for g in sub["group"]]
    ypos = np.arange(len(sub))
    ax.errorbar(sub["omission_rate"], ypos, xerr=[sub["omission_rate"] - sub["ci_low"],
                                                  sub["ci_high"] - sub["omission_rate"]],
                fmt="none", ecolor="#555555", lw=0.8)
    ax.scatter(sub["omission_rate"], ypos, c=colours, s=20, zorder=3)
    ax.set_yticks(ypos, [f"{g} ({n})" for g, n in zip(sub["group"], sub["n_facts"])])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of shared facts left out")
    method = sub["ci_method"].iloc[0] if len(sub) else ""
    caption = (f"Omission by {by}: of the facts stated by two or more articles on an event the {by} covered, the "
               f"share its articles left out (n facts in brackets). Intervals: {method} (seed {seed}).")
    if contrasts is not None and len(contrasts.loc[contrasts["group_var"] == by]):
        tested = contrasts.loc[contrasts["group_var"] == by]
        pairs = "; ".join(f"{r.group_a} − {r.group_b} {r.diff:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}], "
                          f"adjusted p {r.p_fdr:.3f} ({r.n_events} shared events)" for r in tested.itertuples())
        caption += (f" Pairs compared on the events both covered (same facts; events resampled; permutation "
                    f"test swapping the pair within events; Benjamini–Hochberg): {pairs}.")
    return Plot(f"fact_omission_by_{by}", fig, caption, table="fact_omission")


def travelled_quotes_table(spread: pd.DataFrame, *, top: int = 10) -> tuple[pd.DataFrame, str]:
    """The quotes run by the most outlets, for the report."""
    shown = spread.loc[spread["n_outlets"] >= 2].head(top)
    table = pd.DataFrame({"quote": [_short(t, 110) for t in shown["text"]], "speaker": shown["speaker"],
                          "source type": shown["source_type"], "outlets": shown["n_outlets"],
                          "carried by": shown["outlets"], "first": shown["first_outlet"]})
    caption = (f"The most-travelled quotes: the {len(shown)} direct quotes run by the most outlets "
               f"({int((spread['n_outlets'] >= 2).sum()):,} of {len(spread):,} distinct quotes appear in two or "
               f"more outlets). Occurrences are matched when the shorter one's word trigrams are >= 80% contained "
               f"in the longer, so trimmed and re-punctuated versions count as one quote.")
    return table, caption


def reuse_clusters_table(clusters: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One line per syndicated story."""
    rows = []
    for cid, g in clusters.groupby("cluster_id", sort=True):
        origin = g.loc[g["is_origin"]].iloc[0]
        rows.append({"cluster": cid, "agency credited": g["wire_agency"].iloc[0] or "none",
                     "origin": origin["outlet"],
                     "date": f"{origin['published']:%Y-%m-%d}" if pd.notna(origin["published"]) else "undated",
                     "articles": int(g["n_articles"].iloc[0]), "outlets": "; ".join(sorted(set(g["outlet"])))})
    table = pd.DataFrame(rows, columns=["cluster", "agency credited", "origin", "date", "articles", "outlets"])
    caption = (f"Syndicated copy: {len(table)} stories whose text ran in more than one article (pairs with max "
               f"containment >= 0.5, joined into connected components); the agency is the one the members' "
               f"datelines or credit lines name.")
    return table, caption


def fact_matching_table(validation: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Fact matching against human same-event clusters, for the report."""
    table = pd.DataFrame({"NeuS split": validation["split"], "events": validation["n_events"],
                          "sentences": validation["n_sentences"], "threshold": validation["threshold"].round(2),
                          "pairs matched": validation["n_pairs"],
                          "pair precision": validation["pair_precision"].round(3),
                          "event recall": validation["event_recall"].round(3), "F1": validation["f1"].round(3)})
    caption = ("Validity of fact matching: the grouper run over the lead sentences of NeuS's human-grouped "
               "same-event triplets (Lee et al. 2022; AllSides editors' grouping), events pooled. Pair precision: "
               "share of matched cross-article sentence pairs that come from one event; event recall: share of "
               "events whose three leads share at least one fact. Two different facts of one event wrongly "
               "merged are not visible to this check.")
    return table, caption


def one_sided_table(one_sided: pd.DataFrame, *, top: int = 10) -> tuple[pd.DataFrame, str]:
    """Facts only one side of the spectrum carried, the most widely carried first."""
    facts_ = one_sided.drop_duplicates("fact_id").set_index("fact_id")
    counts = facts_["carried_by"].value_counts()
    cells = (one_sided["n_covering"].astype(str) + "/" + one_sided["n_articles"].astype(str))
    wide = one_sided.assign(cell=cells).pivot(index="fact_id", columns="side", values="cell")
    width = one_sided.groupby("fact_id")["n_covering"].max()
    shown = facts_.assign(width=width).reset_index().sort_values(["width", "fact_id"], ascending=[False, True])
    shown = shown.head(top)
    sides = [s for s in ("left", "center", "right") if s in wide.columns] + \
        sorted(set(wide.columns) - {"left", "center", "right"})
    table = pd.DataFrame({"fact": [_short(t, 110) for t in shown["fact_text"]],
                          "carried by": shown["carried_by"].to_numpy(),
                          **{s: wide.loc[shown["fact_id"], s].fillna("0/0").to_numpy() for s in sides}})
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"
    caption = (f"Facts one side of the spectrum carried and the other, covering the same event, left out "
               f"({summary}); columns give covering / all articles of each side on the event. Lean left and lean "
               f"right count with their side.")
    return table, caption
