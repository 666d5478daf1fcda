"""One style for every figure: fixed colours, journal widths, a legibility floor, Chinese names rendered."""

from __future__ import annotations

import logging
import os
import warnings
from io import BytesIO

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis.report import figures, provenance_figures, style


def _by_period(outlets: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"outlet": o, "leaning": l, "period": "2019Q4", "n_articles": n} for o, l, n in outlets])


def test_leanings_use_the_colour_blind_safe_palette_and_outlets_take_their_leanings_colour():
    assert set(style.LEANING_COLOURS.values()) <= set(style.OKABE_ITO.values())
    colours = style.outlet_colours(["Reuters", "Fox News", "Xinhua"], ["center", "right", None])
    assert colours == {"Reuters": "#999999", "Fox News": "#D55E00", "Xinhua": "#000000"}


def test_an_instruments_colour_does_not_depend_on_what_else_is_plotted():
    alone = style.instrument_palette(["news_ridge"])
    together = style.instrument_palette(["vader", "mfd2_moral_valence", "news_ridge"])
    assert alone["news_ridge"] == together["news_ridge"] != together["vader"]
    assert together["mfd2_moral_valence"] == style.OTHER_INSTRUMENT_COLOUR
    assert style.instrument_colour("codebook entity_list") == style.instrument_colour("vader")


def test_an_outlet_has_the_same_colour_in_the_bar_chart_and_the_reuse_network():
    outlets = [("Reuters", "center", 3), ("Fox News", "right", 2), ("Vox", "left", 1)]
    bars = figures.articles_by_outlet(_by_period(outlets))
    drawn = {t.get_text(): to_hex(p.get_facecolor()).upper()
             for t, p in zip(bars.figure.axes[0].get_yticklabels(), bars.figure.axes[0].patches)}
    articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["Reuters", "Fox News", "Vox"],
                             "leaning": ["center", "right", "left"],
                             "published": pd.to_datetime(["2019-10-07", "2019-10-08", "2019-10-09"], utc=True)})
    pairs = pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"], "containment_a_in_b": [0.4, 0.3],
                          "containment_b_in_a": [0.5, 0.2], "direction": ["a->b", "a->b"], "syndicated": [False, False],
                          "n_passages": [2, 1]})
    network = provenance_figures.reuse_network(pairs, articles, min_containment=0.15)
    nodes = network.figure.axes[0].collections[0]
    node_colours = {to_hex(c).upper() for c in nodes.get_facecolors()}
    assert node_colours == set(drawn.values()) == {style.LEANING_COLOURS[l] for _, l, _ in outlets}
    plt.close("all")


@pytest.mark.parametrize("width", ["single", "double"])
def test_figures_are_exactly_a_journal_column_wide_and_no_text_is_below_the_floor(width):
    outlets = [(f"Outlet {i}", "center", i + 1) for i in range(12)]
    plot = (figures.articles_by_outlet(_by_period(outlets)) if width == "single"
            else figures.articles_over_time(_by_period(outlets)))
    buffer = BytesIO()
    plot.figure.savefig(buffer, format="png")
    from PIL import Image

    w, _ = Image.open(BytesIO(buffer.getvalue())).size
    expected = style.SINGLE_COLUMN_IN if width == "single" else style.DOUBLE_COLUMN_IN
    assert w == round(expected * 300)
    sizes = [t.get_fontsize() for t in plot.figure.findobj(plt.Text) if t.get_text()]
    assert min(sizes) >= style.MIN_FONT_PT
    plt.close("all")


def test_chinese_outlet_names_render_with_a_cjk_font():
    if not style.available_cjk_fonts():
        message = f"no CJK font installed ({style.CJK_PACKAGE_HINT})"
        if os.environ.get("ANALYSIS_REQUIRE_SYSTEM_PACKAGES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    plt.rcParams["font.family"] = style.font_families()  # a font installed after import is picked up
    plot = figures.articles_by_outlet(_by_period([("新华社", "unrated", 3), ("人民日报", "unrated", 2)]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for every box it draws
        for fmt in ("png", "svg", "pdf"):
            plot.figure.savefig(BytesIO(), format=fmt)
    plt.close("all")


def test_chinese_text_without_a_cjk_font_is_reported_with_the_fix(monkeypatch, caplog):
    monkeypatch.setattr(style, "available_cjk_fonts", lambda: [])
    with caplog.at_level(logging.WARNING, logger="analysis"):
        style.warn_if_cjk_unrenderable(["Reuters", "新华社"])
    assert "fonts-wqy-microhei" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="analysis"):
        style.warn_if_cjk_unrenderable(["Reuters"])
    assert caplog.text == ""


def test_text_in_figures_is_never_parsed_as_mathtext():
    """An outlet named with TeX specials is drawn as written: no typesetting, no parse error."""
    name = r"Ca$h \frac{ News$"
    plot = figures.articles_by_outlet(_by_period([(name, "left", 2), ("Plain", "right", 1)]))
    for fmt in ("png", "svg", "pdf"):
        plot.figure.savefig(BytesIO(), format=fmt)
    labels = plot.figure.axes[0].get_yticklabels()
    assert name in [t.get_text() for t in labels] and not any(t._parse_math for t in labels)
    plt.close("all")
