"""Figure style: one palette, fixed colours, journal sizes and fonts for every figure.

Every figure module takes its colours and sizes from here, so a leaning, an
outlet or an instrument has the same colour in every figure of every study.
An outlet's colour is its leaning's colour: a study has tens of outlets and
no palette keeps that many colours apart (nor safe for colour-blind readers),
while the leaning is what a reader compares.

Fonts: DejaVu Sans (ships with matplotlib) first, then the first CJK font
installed on the machine, so Chinese outlet names and quotes render instead of
as empty boxes. matplotlib falls back glyph by glyph along ``font.family``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# No matplotlib.use(): files are always drawn by savefig's Agg, SVG and PDF renderers whatever the backend, and
# forcing Agg would stop figures showing inline when a user opens a notebook in Jupyter.
import matplotlib.pyplot as plt
from matplotlib import font_manager

log = logging.getLogger("analysis")

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
             "grey": "#999999"}

LEANING_COLOURS = {
    "left": OKABE_ITO["blue"], "lean left": OKABE_ITO["sky_blue"], "center": OKABE_ITO["grey"],
    "lean right": OKABE_ITO["orange"], "right": OKABE_ITO["vermillion"], "unrated": OKABE_ITO["black"],
}
LEANING_ORDER = list(LEANING_COLOURS)

# Dictionaries blue, trained models orange/green, baselines grey: the same in sentiment and framing figures.
INSTRUMENT_COLOURS = {
    "vader": OKABE_ITO["blue"], "news_ridge": OKABE_ITO["orange"], "target_logreg": OKABE_ITO["bluish_green"],
    "target_clause": OKABE_ITO["sky_blue"],
    "sentence_vader": OKABE_ITO["grey"], "frame_logreg": OKABE_ITO["orange"], "prior_random": OKABE_ITO["grey"],
    "all_positive": "#CCCCCC",
}
OTHER_INSTRUMENT_COLOUR = OKABE_ITO["reddish_purple"]  # user dictionaries and anything not named above

# Journal column widths in inches (Elsevier, Springer, APA: 85-90 mm and 170-180 mm).
SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.2
MIN_FONT_PT = 5  # nothing printed smaller: the legibility floor at single-column width

# CJK families in order of coverage and quality; Debian packages in brackets.
CJK_FAMILIES = ("Noto Sans CJK SC",      # fonts-noto-cjk
                "Source Han Sans SC",
                "WenQuanYi Micro Hei",   # fonts-wqy-microhei (5 MB; what .ci/run installs)
                "WenQuanYi Zen Hei",     # fonts-wqy-zenhei
                "Droid Sans Fallback",   # fonts-droid-fallback
                "AR PL UMing CN")        # fonts-arphic-uming
CJK_PACKAGE_HINT = "apt-get install fonts-wqy-microhei (or fonts-noto-cjk)"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _register_new_system_fonts() -> None:
    """matplotlib caches its font list once and never sees a font installed later (e.g. by .ci/run)."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file is not our problem to report
                continue


def available_cjk_fonts() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FAMILIES):
        _register_new_system_fonts()
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FAMILIES if name in installed]


def font_families() -> list[str]:
    return ["DejaVu Sans", *available_cjk_fonts()[:1]]


def has_cjk(texts: Iterable[str]) -> bool:
    return any(_CJK.search(str(t)) for t in texts)


def warn_if_cjk_unrenderable(texts: Iterable[str]) -> None:
    """Say once, by name, that Chinese text will render as boxes and how to fix it."""
    if not available_cjk_fonts() and has_cjk(texts):
        log.warning("figure text contains Chinese characters but no CJK font is installed; they will render as "
                    "boxes. Install one: %s", CJK_PACKAGE_HINT)


STYLE = {
    "font.family": font_families(),
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "analysis",  # fixed ids inside SVG files
    "svg.fonttype": "path",      # glyphs as paths: the SVG looks the same without the fonts installed
    "pdf.fonttype": 42,          # TrueType in PDFs: editable text, as journals ask
    "figure.dpi": 100,
    "savefig.dpi": 300,
    # Every file is exactly its figsize (one or two journal columns): constrained layout fits labels inside it,
    # where bbox="tight" would grow the canvas past the column and the journal would shrink the fonts.
    "figure.constrained_layout.use": True,
    "savefig.bbox": None,
    "savefig.pad_inches": 0.02,
    # Outlet names, actors and quotes are data: "$" or "\\frac" in them is text, never mathtext (a name like
    # "Ca$h News$" would otherwise be typeset, or stop the figure with a parse error).
    "text.parse_math": False,
}
plt.rcParams.update(STYLE)


def column_width(panels: int) -> float:
    """One column for a single panel, two for several: no figure is a width a journal does not print."""
    return SINGLE_COLUMN_IN if panels <= 1 else DOUBLE_COLUMN_IN


def leaning_colour(leaning: str | None) -> str:
    return LEANING_COLOURS.get(str(leaning), LEANING_COLOURS["unrated"])


def outlet_colours(outlets: Iterable[str], leanings: Iterable[str | None]) -> dict[str, str]:
    """Each outlet's colour: its leaning's colour (unrated outlets black)."""
    return {o: leaning_colour(l) for o, l in zip(outlets, leanings)}


def instrument_colour(name: str) -> str:
    if name.startswith("codebook "):
        return OKABE_ITO["blue"]
    return INSTRUMENT_COLOURS.get(name, OTHER_INSTRUMENT_COLOUR)


def instrument_palette(names: Iterable[str]) -> dict[str, str]:
    """For seaborn's ``palette=``: a dict keeps each instrument's colour whatever else is plotted."""
    return {n: instrument_colour(n) for n in dict.fromkeys(names)}
