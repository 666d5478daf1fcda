"""Framing figures: frame profiles, distinctive terms, word choice, topics, loaded language.

Same conventions as :mod:`analysis.report.figures`: each function reads tidy tables
and returns a :class:`~analysis.report.figures.Plot` whose caption is generated from
the same tables (n, unit, interval method), and leaning colours are fixed.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import LogFormatter

from analysis.core import defaults
from analysis.report.figures import Plot, _hatch_cells, _n, _split_table, empty_plot, largest_outlets, paired_intervals
from analysis.report.style import DOUBLE_COLUMN_IN, LEANING_COLOURS, LEANING_ORDER, instrument_palette

SPECTRUM = [g for g in LEANING_ORDER if g != "unrated"]


def lead_codebook(profiles: pd.DataFrame, codebooks: tuple[str, ...] | list[str]) -> str:
    """The codebook the main frame figures show: the first in ``frame_profiles``, else the study's first (a study
    whose articles hit no frame still gets its figures, each saying it has nothing to draw)."""
    if len(profiles):
        return str(profiles["codebook"].iloc[0])
    return str(codebooks[0]).rsplit("/", 1)[-1].removesuffix(".toml") if codebooks else "none"


def _interval_method(table: pd.DataFrame) -> str:
    with_ci = table.loc[table["ci_low"].notna(), "ci_method"]
    return with_ci.iloc[0] if len(with_ci) else "no interval (too few articles)"


def _leanings(table: pd.DataFrame) -> list[str]:
    return [g for g in SPECTRUM if g in set(table["group"])]


def _annotated_heatmap(ax, means: pd.DataFrame, annot: pd.DataFrame, *, vmax: float, label: str) -> None:
    sns.heatmap(means, ax=ax, cmap="viridis", vmin=0, vmax=vmax, annot=annot, fmt="", annot_kws={"size": 5},
                cbar_kws={"label": textwrap.fill(label, 22)}, linewidths=0.3, linecolor="white", mask=means.isna())
    ax.set_facecolor("#EEEEEE")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", rotation=0)
    ax.tick_params(axis="x", rotation=45)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")


_MEASURE_TEXT = {
    "own_share": ("Mean share of own-voice sentences", "mean share of each article's sentences in the outlet's own "
                  "voice that hold a cue of the frame in that voice (quoted, reported and attributed speech left "
                  "out, rebuttals such as 'so-called' not counted)"),
    "present": ("Share of articles using the frame", "share of each group's articles with at least one sentence "
                "matching the frame's indicators"),
    "dominant": ("Share of articles it dominates", "share of each group's articles whose dominant frame it is (most "
                 "own-voice sentences)"),
}


def frame_profile_heatmap(profiles: pd.DataFrame, *, codebook: str, seed: int, by: str = "leaning",
                          measure: str = "own_share", min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """Each frame's prominence per group (``measure`` of ``frame_profiles``), with the CI in every cell."""
    if measure not in _MEASURE_TEXT:
        raise ValueError(f"measure={measure!r}; allowed: {', '.join(_MEASURE_TEXT)}")
    t = profiles.loc[(profiles["codebook"] == codebook) & (profiles["measure"] == measure)
                     & (profiles["group_var"] == by) & (profiles["n_articles"] >= min_articles)]
    if t.empty:
        return empty_plot(f"frames_{codebook}_by_{by}", f"No group has {min_articles} articles with a {measure} value.",
                          f"Frames by {by.replace('_', ' ')}, codebook {codebook}: nothing to show.")
    n_groups, n_total, shown = t["group"].nunique(), int(t.groupby("group")["n_articles"].first().sum()), ""
    if by == "outlet":
        kept, shown = largest_outlets(t.groupby("group")["n_articles"].first())
        t = t.loc[t["group"].isin(kept)]
    order = _leanings(t) if by == "leaning" else \
        t.groupby("group")["n_articles"].first().sort_values(ascending=False).index.tolist()
    frames_ = list(dict.fromkeys(t["frame"]))
    means = t.pivot(index="group", columns="frame", values="mean").reindex(index=order, columns=frames_)
    cell = t.assign(text=[f"{m:.0%}\n[{lo:.0%}, {hi:.0%}]" if pd.notna(lo) else f"{m:.0%}"
                          for m, lo, hi in zip(t["mean"], t["ci_low"], t["ci_high"])])
    annot = cell.pivot(index="group", columns="frame", values="text").reindex(index=order, columns=frames_)
    n = t.groupby("group")["n_articles"].first()
    means.index = annot.index = [f"{g} (n={n[g]})" for g in order]
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, max(2.2, 0.42 * len(order) + 1.9)))
    label, method = _MEASURE_TEXT[measure]
    _annotated_heatmap(ax, means, annot, vmax=min(1.0, max(0.05, float(np.nanmax(means.to_numpy())) * 1.1)) if
                       measure == "own_share" else 1, label=label)
    caption = (f"Frames by {by.replace('_', ' ')}, codebook {codebook}: {method} (negations within 3 words excluded), "
               f"{_n(n_total, 'article')} in {_n(n_groups, 'group')} with at least {min_articles} articles; "
               f"duplicates left out. Cells: {measure} [{_interval_method(t)}, seed {seed}]. Unit: article. Mere "
               f"presence and the other measures are in frame_profiles.csv, the matching sentences in "
               f"frame_evidence.csv; the codebook's and the voice rules' validity against human coders are in the "
               f"validation figures.{shown}")
    suffix = "" if measure == "own_share" else f"_{measure}"
    return Plot(f"frames_{codebook}_by_{by}{suffix}", fig, caption, table=_split_table("frames", by))


def frame_voice_plot(profiles: pd.DataFrame, voices: pd.DataFrame, *, codebook: str, seed: int,
                     by: str = "leaning", min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """Each frame in the outlet's own voice next to the voices it quotes, per group, with CIs."""
    t = profiles.loc[(profiles["codebook"] == codebook) & profiles["measure"].isin(["own_share", "others_share"])
                     & (profiles["group_var"] == by) & (profiles["n_articles"] >= min_articles)]
    if t.empty:
        return empty_plot(f"frame_voices_{codebook}_by_{by}", f"No group has {min_articles} articles.",
                          f"Who frames it, codebook {codebook}, by {by.replace('_', ' ')}: nothing to show.")
    groups = _leanings(t) if by == "leaning" else sorted(set(t["group"]))
    frames_ = list(dict.fromkeys(t["frame"]))
    fig, axes = plt.subplots(1, len(frames_), figsize=(DOUBLE_COLUMN_IN, 0.3 * len(groups) + 1.4), sharey=True,
                             squeeze=False, layout="constrained")
    for ax, frame in zip(axes[0], frames_):
        paired_intervals(ax, [t.loc[(t["frame"] == frame) & (t["measure"] == m)] for m in ("own_share", "others_share")],
                         groups)
        ax.set_title(textwrap.fill(frame.replace("_", " "), 14), fontsize=6)
        ax.set_xlim(0, None)
        ax.tick_params(axis="x", labelsize=5)
    axes[0][0].set_yticks(range(len(groups)), groups)
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, frameon=False, fontsize=6)
    fig.supxlabel("Mean share of sentences with a cue of the frame", fontsize=6)
    by_voice = voices.loc[(voices["codebook"] == codebook) & (voices["group_var"] == by)]
    quoted = by_voice.loc[by_voice["voice"] != "outlet", "n_sentences"].sum()
    rebutted = int(by_voice["n_rebuttal_sentences"].sum())
    n = t.groupby("group")["n_articles"].max()
    caption = (f"Who frames it, codebook {codebook}, by {by.replace('_', ' ')}: circles, the mean share of each "
               f"article's sentences in the outlet's own voice that use the frame in that voice; squares, the mean "
               f"share of its sentences in others' words (quoted, reported or attributed speech) that use it in "
               f"those words. {_n(int(n.sum()), 'article')}; {_n(int(quoted), 'sentence')} use a frame in quoted "
               f"voices and {_n(rebutted, 'sentence')} use a cue to reject its frame (not counted). Bars: "
               f"{_interval_method(t)}, seed {seed}; unit: article. Voices come from attribution rules whose "
               f"accuracy on hand-labelled cues is in the validation figures; speakers by source type are in "
               f"frame_voices.csv.")
    return Plot(f"frame_voices_{codebook}_by_{by}", fig, caption, table=_split_table("frame_voices", by))


# Where a term's label may go around its point, in order of preference: (dx, dy) points, alignment.
_LABEL_SPOTS = ((3, 1, "left", "bottom"), (3, -1, "left", "top"), (-3, 1, "right", "bottom"),
                (-3, -1, "right", "top"), (0, 4, "center", "bottom"), (0, -4, "center", "top"))


def place_labels(ax, points: list[tuple[float, float, str]], *, fontsize: float = 5) -> int:
    """Label points greedily, in the order given, each at the first spot around it where the label stays in the
    axes and overlaps no label already placed; a label with no free spot is left out. Returns how many were.

    Hand-written (adjustText is not a dependency): a dozen labels per panel need no force simulation, and a
    label left out is better than one drawn over another. The figure must be laid out before (titles,
    legends in place): labels are kept out of the layout so they do not move the axes they were measured in."""
    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):
        return len(points)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed, left_out = [], 0
    for x, y, label in points:
        for dx, dy, ha, va in _LABEL_SPOTS:
            note = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize, ha=ha,
                               va=va, annotation_clip=False)
            note.set_in_layout(False)
            box = note.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            note.remove()
        else:
            left_out += 1
    return left_out


def distinctive_terms_plot(terms: pd.DataFrame, *, by: str = "leaning", top: int = 8) -> Plot:
    """Monroe et al. (2008)-style: each group's terms by frequency and z; top terms labelled, flags marked."""
    t = terms.loc[(terms["group_var"] == by) & (terms["z"] > 0)]
    if t.empty:
        return empty_plot(f"distinctive_terms_by_{by}", "No term is distinctive of any group (too few articles or "
                                                        "shared terms).",
                          f"Distinctive terms by {by.replace('_', ' ')}: nothing to show.", table="distinctive_terms")
    groups = _leanings(t.rename(columns={"group_a": "group"})) if by == "leaning" else sorted(set(t["group_a"]))
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(DOUBLE_COLUMN_IN, 3.0), squeeze=False,
                             layout="constrained", sharey=True)
    labelled = []
    for ax, group in zip(axes[0], groups):
        sub = t.loc[t["group_a"] == group]
        colour = LEANING_COLOURS.get(group, "#333333")
        robust = sub["stable"] & ~sub["single_article"]
        ax.scatter(sub["n"] + sub["n_other"], sub["z"], s=8, facecolors=np.where(robust, colour, "white"),
                   edgecolors=colour, linewidths=0.6)
        marks = ["" if r.stable and not r.single_article else ("†" if r.single_article else "°")
                 for r in sub.nsmallest(top, "rank").itertuples()]
        labelled.append((ax, [(r.n + r.n_other, r.z, f"{r.term}{mark}")
                              for r, mark in zip(sub.nsmallest(top, "rank").itertuples(), marks)]))
        ax.set_xscale("log")
        # Plain numbers: the default log labels are mathtext, which style.py turns off for data-safe text.
        ax.xaxis.set_major_formatter(LogFormatter())
        ax.xaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))
        ax.axhline(1.96, color="#BBBBBB", lw=0.6, ls="--")
        ax.set_title(f"{group} vs the rest", fontsize=7)
        ax.set_xlabel("Term frequency (all groups)")
        ax.margins(x=0.12, y=0.1)
    axes[0][0].set_ylabel("z (log-odds, informative prior)")
    keys = [Line2D([], [], marker="o", ls="", color="#555555", ms=3.5, label="stable, from several articles"),
            Line2D([], [], marker="o", ls="", mfc="white", color="#555555", ms=3.5,
                   label="term° not stable in the bootstrap"),
            Line2D([], [], marker="o", ls="", mfc="white", color="#555555", ms=3.5,
                   label="term† over half its count from one article"),
            Line2D([], [], ls="--", color="#BBBBBB", lw=0.6, label="z = 1.96")]
    fig.legend(handles=keys, loc="outside lower center", ncols=4, frameon=False, fontsize=6)
    left_out = sum(place_labels(ax, points) for ax, points in labelled)
    n_terms = len(t)
    unstable = int((~t["stable"]).sum())
    single = int(t["single_article"].sum())
    caption = (f"Distinctive terms by {by.replace('_', ' ')}: log-odds ratio with an informative Dirichlet prior "
               f"(Monroe, Colaresi & Quinn 2008), each group against all other articles, 1- to 3-grams without "
               f"stop-word edges, in at least 2 articles and, within some group, from at least 2 of its outlets "
               f"(any outlet of a one-outlet group); prior: the groups' term shares averaged with equal weight; "
               f"duplicates left out. Shown: the "
               f"{_n(n_terms, 'term')} with the highest z per group (of those, {unstable} not stable and {single} "
               f"driven by a single article); the top {top} of each group are labelled"
               + (f" where a label fits without covering another ({left_out} left out; all terms are in "
                  f"distinctive_terms.csv)" if left_out else "") +
               ". Filled points are stable (|z| >= 1.96 with the same sign in 90% of "
               "article bootstrap resamples) and not driven by one article; ° not stable; † more than half of "
               "the group's count from one article. Dashed line: z = 1.96 (not adjusted for the number of terms).")
    return Plot(f"distinctive_terms_by_{by}", fig, caption, table="distinctive_terms")


def label_matrix(shares: pd.DataFrame, *, by: str = "leaning", min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """For each referent, the share of each group's articles (that name it) using each label, with its interval.

    Groups with fewer than ``min_articles`` articles naming the referent are hatched grey, off the colour
    scale: 1 of 2 must not look like 17 of 20."""
    t = shares.loc[shares["group_var"] == by]
    referents = list(dict.fromkeys(t["referent"]))
    if not referents:
        return empty_plot(f"labels_by_{by}", "No [[referents]] in study.toml: word choice was not measured.",
                          "Word choice was not measured: the study defines no [[referents]].")
    fig, axes = plt.subplots(len(referents), 1, figsize=(DOUBLE_COLUMN_IN, 1.45 * len(referents) + 0.6),
                             squeeze=False, layout="constrained")
    for ax, referent in zip(axes[:, 0], referents):
        sub = t.loc[t["referent"] == referent]
        order = _leanings(sub) if by == "leaning" else sorted(set(sub["group"]))
        labels = list(dict.fromkeys(sub["label"]))
        n = sub.groupby("group")["n_articles"].first().reindex(order)
        means = sub.pivot(index="group", columns="label", values="share").reindex(index=order, columns=labels)
        cell = sub.assign(text=[f"{s:.0%} ({u}/{k})" + (f"\n[{lo:.0%}, {hi:.0%}]" if pd.notna(lo) else "")
                                for s, u, k, lo, hi in zip(sub["share"], sub["n_using"], sub["n_articles"],
                                                           sub["ci_low"], sub["ci_high"])])
        annot = cell.pivot(index="group", columns="label", values="text").reindex(index=order, columns=labels)
        few = pd.DataFrame(np.repeat((n < min_articles).to_numpy()[:, None], len(labels), axis=1),
                           index=order, columns=labels) & means.notna()
        _annotated_heatmap(ax, means.mask(few), annot, vmax=1, label="Share")
        _hatch_cells(ax, few, annot)
        ax.set_yticks(np.arange(len(order)) + 0.5, [f"{g} (n={int(k)})" for g, k in n.items()], rotation=0)
        ax.set_title(referent, fontsize=7)
        ax.tick_params(axis="x", rotation=20)
    n_art = t.groupby(["referent", "group"])["n_articles"].first().groupby("referent").sum()
    caption = (f"Word choice: for each referent, the share of each {by}'s articles naming it that use each label "
               f"(cells: share, articles using / articles naming the referent, and the 95% Wilson interval; n "
               f"in the row label; "
               + "; ".join(f"{r}: {_n(int(k), 'article')}" for r, k in n_art.items())
               + f"). Rows with fewer than {_n(min_articles, 'article')} naming the referent are hatched and not "
               "coloured. Labels are matched by the regexes in study.toml, whoever speaks (quotes included). Unit: "
               "article; Fisher-test contrasts with Benjamini-Hochberg control are in label_contrasts.csv; "
               "candidate labels the study did not list are in label_candidates.csv.")
    return Plot(f"labels_by_{by}", fig, caption, table=_split_table("labels", by))


def topic_prevalence_plot(prevalence: pd.DataFrame, k_scores: pd.DataFrame, *, seed: int, by: str = "leaning") -> Plot:
    """Mean topic share per group with CIs, one row per topic."""
    t = prevalence.loc[prevalence["group_var"] == by]
    if t.empty:
        return empty_plot(f"topics_by_{by}", "Too few articles for a topic model.",
                          "No topics: the corpus is too small for a topic model (see the log).")
    groups = _leanings(t) if by == "leaning" else sorted(set(t["group"]))
    topics_ = t[["topic", "topic_label"]].drop_duplicates().sort_values("topic")
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 0.32 * len(topics_) * max(len(groups), 1) / 2 + 1.2))
    step = 0.8 / max(len(groups), 1)
    for i, group in enumerate(groups):
        sub = t.loc[t["group"] == group].set_index("topic").reindex(topics_["topic"])
        y = np.arange(len(topics_)) + (i - (len(groups) - 1) / 2) * step
        colour = LEANING_COLOURS.get(group, "#333333")
        ok = sub["ci_low"].notna().to_numpy()
        ax.hlines(y[ok], sub["ci_low"][ok], sub["ci_high"][ok], color=colour, lw=1)
        ax.scatter(sub["mean"], y, color=colour, s=10, zorder=3, label=f"{group} (n={int(sub['n_articles'].max())})")
    ax.set_yticks(np.arange(len(topics_)), topics_["topic_label"])
    ax.invert_yaxis()
    ax.set_xlabel("Mean share of the article's topic weight")
    ax.legend(frameon=False, fontsize=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(groups))
    chosen = k_scores.loc[k_scores["selected"]].iloc[0]
    caption = (f"Topic prevalence by {by}: NMF on TF-IDF of title and text (seed {seed}), k = {int(chosen['k'])} "
               f"chosen as the most stable of k = {int(k_scores['k'].min())}-{int(k_scores['k'].max())} (mean "
               f"top-term agreement with models on 80% subsamples of {int(chosen['n_documents']):,} articles"
               f"{' drawn at random, the final model on all' if chosen['sampled'] else ''}"
               f", {chosen['stability']:.2f}; all scores in "
               f"topic_k_scores.csv). Topics are named by their top 3 terms. Points: mean share over articles; "
               f"bars: {_interval_method(t)}. Unit: article; duplicates left out.")
    return Plot(f"topics_by_{by}", fig, caption, table=_split_table("topics", by))


def markers_plot(by_group: pd.DataFrame, *, seed: int, by: str = "leaning",
                 markers: tuple[str, ...] = ("hedges", "report_neutral", "report_marked", "factives", "assertives",
                                             "bias_words")) -> Plot:
    """Rates of epistemic markers and loaded words per 1,000 tokens by group, with CIs."""
    t = by_group.loc[(by_group["group_var"] == by) & by_group["marker"].isin(markers)]
    groups = _leanings(t) if by == "leaning" else sorted(set(t["group"]))
    fig, axes = plt.subplots(1, len(markers), figsize=(DOUBLE_COLUMN_IN, 1.9), squeeze=False, layout="constrained",
                             sharey=True)
    for ax, marker in zip(axes[0], markers):
        sub = t.loc[t["marker"] == marker].set_index("group").reindex(groups)
        y = np.arange(len(groups))
        colours = [LEANING_COLOURS.get(g, "#333333") for g in groups]
        ok = sub["ci_low"].notna().to_numpy()
        ax.hlines(y[ok], sub["ci_low"][ok], sub["ci_high"][ok], color=np.array(colours)[ok], lw=1)
        ax.scatter(sub["mean"], y, c=colours, s=12, zorder=3)
        ax.set_title(marker.replace("_", " "), fontsize=7)
        ax.margins(x=0.15)
    axes[0][0].set_yticks(np.arange(len(groups)), groups)
    axes[0][0].invert_yaxis()
    fig.supxlabel("Rate per 1,000 tokens", fontsize=7)
    n = t.groupby("group")["n_articles"].first()
    caption = (f"Epistemic markers and loaded words by {by} ({_n(int(n.sum()), 'article')}): hedges (Hyland 2005), "
               f"neutral (say, tell) and marked (claim, allege, insist) report verbs, factive and assertive verbs "
               f"(Hooper 1975) and bias words (Recasens et al. 2013), per 1,000 tokens of each article. Points: "
               f"mean over articles; bars: {_interval_method(t)} (seed {seed}). Against BABE's expert labels these "
               f"word lists separate biased from neutral sentences only weakly (ROC AUC in the validation "
               f"figures); read them as descriptions of style, not of bias.")
    return Plot(f"markers_by_{by}", fig, caption, table=_split_table("loaded_language", by))


def frame_evidence_table(evidence: pd.DataFrame, *, codebook: str, per_frame: int = 2) -> tuple[pd.DataFrame, str]:
    """A few keyword-in-context lines per frame, so a reader can check what the indicators matched."""
    t = evidence.loc[evidence["codebook"] == codebook].sort_values(["frame", "doc_id", "sent_id"])
    t = t.groupby("frame", sort=False).head(per_frame)
    shown = pd.DataFrame({"frame": t["frame"], "outlet": t["outlet"],
                          "context": ["… " + l[-60:] + " [" + m + "] " + r[:60] + " …"
                                      for l, m, r in zip(t["left"], t["matched"], t["right"])],
                          "article": t["doc_id"] + "#" + t["sent_id"].astype(str)})
    total = evidence.loc[evidence["codebook"] == codebook]
    caption = (f"Frame evidence, codebook {codebook}: the first {per_frame} matches of each frame (by article id) "
               f"in context, the matched indicator in brackets. All {_n(len(total), 'matching sentence')} are in "
               f"frame_evidence.csv.")
    return shown, caption


def framing_validity_plot(validation: pd.DataFrame) -> Plot:
    """Per-frame F1 of the codebook and the classifier (Narrative Frames), and BABE ROC AUC of the markers."""
    nf = validation.loc[(validation["dataset"] == "narrative_frames") & validation["metric"].str.startswith("f1_")]
    babe = validation.loc[(validation["dataset"] == "babe") & (validation["metric"] == "roc_auc")
                          & (validation["split"] == "sg2")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(DOUBLE_COLUMN_IN, 2.6), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    sns.barplot(nf.assign(frame=nf["metric"].str.removeprefix("f1_")), x="frame", y="value", hue="instrument",
                ax=left, palette=instrument_palette(nf["instrument"]))
    left.set_ylim(0, 1)
    left.set_xlabel("")
    left.set_ylabel("F1 against human coders")
    left.tick_params(axis="x", rotation=20)
    left.legend(frameon=False, fontsize=5, loc="upper right")
    order = babe.sort_values("value")
    right.barh(order["instrument"], order["value"] - 0.5, left=0.5, color="#0072B2")
    right.axvline(0.5, color="black", lw=0.6)
    right.set_xlabel("ROC AUC on BABE SG2 (0.5 = chance)")
    right.tick_params(axis="y", labelsize=5)
    macro = validation.loc[validation["metric"] == "macro_f1"].set_index("instrument")["value"]
    loaded = babe.set_index("instrument")["value"]
    n_babe = int(babe["n"].iloc[0]) if len(babe) else 0
    caption = ("Validity of the framing measures. Left: per-frame F1 against the coded frames of the Narrative Frames "
               "corpus (Frermann et al. 2023; 427 climate articles, 36 outlets): "
               + "; ".join(f"{i} macro-F1 {v:.3f}" for i, v in macro.items())
               + ". The codebook is scored on all articles (nothing is trained; it has no resolution frame); the "
               "classifier and its two baselines by 5-fold cross-validation with no outlet in both training and "
               f"test folds. Right: ROC AUC of each sentence score against BABE's expert biased/non-biased labels "
               f"(Spinde et al. 2021; {_n(n_babe, 'sentence')} of SG2; intervals over source articles in "
               f"framing_validation.csv); loaded_score {loaded.get('loaded_score', float('nan')):.3f}, sentence "
               f"length {loaded.get('n_tokens', float('nan')):.3f}"
               + (f", bias_classifier {loaded['bias_classifier']:.3f} (each outlet held out in turn)"
                  if "bias_classifier" in loaded else "") + ".")
    return Plot("framing_validity", fig, caption, table="framing_validation")


def frame_prediction_heatmap(profiles: pd.DataFrame, validation: pd.DataFrame, *, seed: int, by: str = "leaning",
                             min_articles: int = defaults.MIN_ARTICLES) -> Plot:
    """The supervised classifier's mean frame probability per group, with CIs, next to its cross-validated F1."""
    t = profiles.loc[(profiles["group_var"] == by) & (profiles["n_articles"] >= min_articles)]
    if t.empty:
        return empty_plot(f"frame_predictions_by_{by}", "No supervised frames (classifier = \"\" or too few articles).",
                          "No supervised frame predictions for this study.")
    order = _leanings(t) if by == "leaning" else sorted(set(t["group"]))
    f1 = validation.loc[(validation["instrument"] == "frame_logreg") & validation["metric"].str.startswith("f1_")]
    f1 = dict(zip(f1["metric"].str.removeprefix("f1_"), f1["value"]))
    frames_ = list(dict.fromkeys(t["frame"]))
    means = t.pivot(index="group", columns="frame", values="mean").reindex(index=order, columns=frames_)
    cell = t.assign(text=[f"{m:.2f}\n[{lo:.2f}, {hi:.2f}]" for m, lo, hi in zip(t["mean"], t["ci_low"], t["ci_high"])])
    annot = cell.pivot(index="group", columns="frame", values="text").reindex(index=order, columns=frames_)
    n = t.groupby("group")["n_articles"].first()
    means.index = annot.index = [f"{g} (n={n[g]})" for g in order]
    means.columns = annot.columns = [f"{f}\n(CV F1 {f1[f]:.2f})" if f in f1 else f for f in frames_]
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, max(2.2, 0.42 * len(order) + 1.6)))
    _annotated_heatmap(ax, means, annot, vmax=1, label="Mean calibrated probability")
    ax.tick_params(axis="x", rotation=0)
    plt.setp(ax.get_xticklabels(), ha="center")
    caption = (f"Supervised frames by {by}: mean calibrated probability that an article uses each generic narrative "
               f"frame, from the classifier trained on the Narrative Frames corpus (427 coded climate articles; "
               f"applied here out of domain), {_n(int(n.sum()), 'article')}. Cells: mean [{_interval_method(t)}, "
               f"seed {seed}]. Column labels give the frame's cross-validated F1 on the coded corpus (5 folds, no "
               f"outlet in both training and test); mean probabilities rather than predicted labels are compared, "
               f"because the F1-tuned cut-offs overstate how common a frame is. Per-article probabilities are in "
               f"frame_predictions.csv.")
    return Plot(f"frame_predictions_by_{by}", fig, caption, table="frame_prediction_profiles")
