"""The study's own human-coder validation in its report: agreement figures and red flags.

``reports/<study>/validation/agreement.csv`` is written by ``python -m
analysis codesheet import`` (see :mod:`analysis.validation.codesheets`). When the study
sets ``[validation] min_alpha`` or ``min_agreement`` and a measure falls
below either, the report says so in red next to the figures, and every
caption of a figure built on that measure starts with the warning: a reader
who only copies one figure still sees it.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study

# Which report figures rest on each coded measure (figure names start with these).
FIGURES_BY_MEASURE = {
    "frames": ("frames_",),
    "sentiment": ("sentiment_by_", "sentence_score_distribution"),
    "actor-sentiment": ("actor_sentiment_",),
    "quotes": ("quote_sources_",),
}
# The automated measure's agreement figure: macro F1 for categories, Spearman's rho for the sentiment score.
AGREEMENT_METRIC = {"frames": "macro_f1", "sentiment": "spearman", "actor-sentiment": "macro_f1",
                    "quotes": "macro_f1"}


def agreement_file(paths: StudyPaths):
    return paths.reports / "validation" / "agreement.csv"


def read_agreement(paths: StudyPaths) -> pd.DataFrame:
    """The study's coder agreement table, empty when no coded sheet was imported yet."""

    path = agreement_file(paths)
    if not path.exists():
        return tables.empty("agreement")
    df = pd.read_csv(path, dtype={"measure": "str", "category": "str", "metric": "str"})
    return tables.validate(df.astype({"n": "int64", "value": "float64", "ci_low": "float64", "ci_high": "float64"}),
                           "agreement")


def flags(study: Study, agreement: pd.DataFrame) -> dict[str, str]:
    """measure -> why it is below the study's minimum (only the measures that are)."""
    v = study.validation
    out = {}
    for measure, rows in agreement.groupby("measure", sort=True):
        reasons = []
        alpha = rows.loc[rows["metric"] == "krippendorff_alpha"].dropna(subset=["value"])
        if v.min_alpha is not None and len(alpha) and alpha["value"].min() < v.min_alpha:
            worst = alpha.loc[alpha["value"].idxmin()]
            where = "" if worst["category"] == "all" else f" ({worst['category']})"
            reasons.append(f"coders agree at Krippendorff's alpha {worst['value']:.2f}{where}, below the study's "
                           f"minimum {v.min_alpha:g}")
        metric = AGREEMENT_METRIC.get(measure)
        auto = rows.loc[(rows["metric"] == metric) & (rows["category"] == "all")].dropna(subset=["value"])
        if v.min_agreement is not None and len(auto) and auto["value"].iloc[0] < v.min_agreement:
            reasons.append(f"the automated measure agrees with the coders at {metric.replace('_', ' ')} "
                           f"{auto['value'].iloc[0]:.2f}, below the study's minimum {v.min_agreement:g}")
        if reasons:
            out[measure] = "; ".join(reasons)
    return out


def caption_warning(figure: str, flagged: dict[str, str]) -> str:
    """The warning a figure's caption must start with ("" when its measure is not flagged)."""
    for measure, prefixes in FIGURES_BY_MEASURE.items():
        if measure in flagged and figure.startswith(prefixes):
            return f"Below the minimum agreement with human coders ({measure}): {flagged[measure]}. "
    return ""


def section_html(study: Study, agreement: pd.DataFrame, *, escape, prefix: str = "") -> str:
    """The report's 'Validation against this study's coders' section."""
    head = "<h2>Validation against this study's coders</h2>"
    if agreement.empty:
        return (head + f"<p>No coded sheets imported yet. Draw a blind sample with <code>python -m analysis codesheet "
                f"export {escape(study.id)} --measure frames --n 200</code>, have two or more coders fill it, and "
                f"import their copies with <code>codesheet import</code>; Krippendorff's alpha and the automated "
                f"measure's agreement with the coders then appear here.</p>")
    flagged = flags(study, agreement)
    parts = [head]
    for measure, message in flagged.items():
        parts.append(f'<p style="color:#b00000"><strong>{escape(measure)}: below the minimum.</strong> '
                     f"{escape(message)}. Figures built on it carry this warning in their caption.</p>")
    shown = agreement.loc[agreement["metric"].isin(["krippendorff_alpha", "macro_f1", "f1", "spearman", "pearson"])]
    shown = shown.assign(value=shown["value"].round(3), ci_low=shown["ci_low"].round(3),
                         ci_high=shown["ci_high"].round(3))
    parts.append(f"<p>Agreement between coders (Krippendorff's alpha) and of each automated measure with the coders' "
                 f"majority or mean, with percentile bootstrap intervals over coded units (all figures in "
                 f'<a href="{prefix}validation/agreement.csv">agreement.csv</a>).</p>'
                 f'<div style="font-size:.8rem">{shown.to_html(index=False, border=0, na_rep="")}</div>')
    return "".join(parts)

