"""The explorer's page: four Bokeh plots (inline BokehJS, no CDN), the evidence panels, one embedded JSON block.

The plots start with empty data sources; the page's script (:mod:`analysis.report.explorer_script`) fills them
from the JSON block when a selector changes, and each plot's tap calls back into that script, which writes the
evidence panel. So the data travel once, and Bokeh draws while plain DOM code (text nodes only, never markup
built from data) shows the sentences.
"""

from __future__ import annotations

import html
import json
import re

from bokeh.embed import json_item
from bokeh.models import (
    ColorBar,
    ColumnDataSource,
    CustomJS,
    DataRange1d,
    FactorRange,
    HoverTool,
    LabelSet,
    LinearColorMapper,
    Range1d,
    Span,
    TapTool,
)
from bokeh.palettes import RdBu11
from bokeh.plotting import figure
from bokeh.resources import Resources

from analysis.report.explorer_data import dumps
from analysis.report.explorer_script import SCRIPT, STYLE

VIEWS = [("terms", "Terms"), ("frames", "Frames"), ("sentiment", "Sentiment"), ("quotes", "Quotes and sources"),
         ("copying", "Copying"), ("articles", "Articles")]


def _on_tap(view: str, source: ColumnDataSource) -> CustomJS:
    return CustomJS(args={"src": source}, code=f"if (window.EXPLORER) window.EXPLORER.tapped({view!r}, src, "
                                                "cb_obj.indices);")


def _source(name: str, fields: list[str]) -> ColumnDataSource:
    source = ColumnDataSource({f: [] for f in fields}, name=name)
    return source


def terms_plot():
    src = _source("terms_src", ["x", "y", "term", "z", "n", "n_other", "alpha", "line", "label", "stable", "row"])
    p = figure(name="terms_plot", width=720, height=540, x_axis_type="log", y_axis_type="log",
               tools="tap,pan,wheel_zoom,box_zoom,reset", toolbar_location="above",
               x_axis_label="count in the groups compared with (+1)", y_axis_label="count in the group (+1)")
    mapper = LinearColorMapper(palette=list(reversed(RdBu11)), low=-6, high=6, name="terms_cmap")
    dots = p.scatter("x", "y", source=src, size=9, fill_color={"field": "z", "transform": mapper},
                     fill_alpha="alpha", line_color="line", name="terms_dots")
    p.add_layout(LabelSet(x="x", y="y", text="label", source=src, text_font_size="9px", x_offset=5, y_offset=3))
    p.add_layout(ColorBar(color_mapper=mapper, title="z (log-odds)", width=10), "right")
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("term", "@term"), ("count in group", "@n"),
                                                      ("count elsewhere", "@n_other"), ("z", "@z{0.00}"),
                                                      ("stable", "@stable")]))
    p.select_one(TapTool).renderers = [dots]
    src.selected.js_on_change("indices", _on_tap("terms", src))
    return p


def _interval_plot(view: str, *, x_label: str, x_range=None):
    src = _source(f"{view}_src", ["y", "mean", "lo", "hi", "group", "key", "n", "row"])
    p = figure(name=f"{view}_plot", width=720, height=400, y_range=FactorRange(name=f"{view}_y"),
               x_range=x_range or DataRange1d(name=f"{view}_x"), tools="tap,xpan,xwheel_zoom,reset", toolbar_location="above", x_axis_label=x_label)
    p.yaxis.group_label_orientation = "horizontal"
    p.min_border_left = 160
    p.segment(x0="lo", y0="y", x1="hi", y1="y", source=src, line_width=2, line_color="#777777")
    dots = p.scatter("mean", "y", source=src, size=10, fill_color="#1f5a96", line_color="#1f5a96")
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("group", "@group"), ("mean", "@mean{0.000}"),
                                                      ("interval", "@lo{0.000} to @hi{0.000}"), ("articles", "@n")]))
    p.select_one(TapTool).renderers = [dots]
    src.selected.js_on_change("indices", _on_tap(view, src))
    return p


def frames_plot():
    return _interval_plot("frames", x_label="share (dots: mean over articles; lines: bootstrap interval)",
                          x_range=Range1d(-0.02, 1.02, name="frames_x"))


def sentiment_plot():
    p = _interval_plot("sentiment", x_label="mean sentiment (dots) with bootstrap interval (lines)")
    p.add_layout(Span(location=0, dimension="height", line_color="#bbbbbb", line_dash="dashed"))
    return p


def reuse_plot():
    edges = _source("reuse_edges", ["x0", "y0", "x1", "y1", "width", "color", "row", "label"])
    nodes = _source("reuse_nodes", ["x", "y", "color", "outlet", "title"])
    labels = _source("reuse_labels", ["x", "y", "text"])
    p = figure(name="reuse_plot", width=720, height=600, x_range=Range1d(-1.6, 1.6), y_range=Range1d(-1.4, 1.4),
               tools="tap,pan,wheel_zoom,reset", toolbar_location="above")
    p.axis.visible = False
    p.grid.visible = False
    lines = p.segment(x0="x0", y0="y0", x1="x1", y1="y1", source=edges, line_width="width", line_color="color",
                      line_alpha=0.7)
    dots = p.scatter("x", "y", source=nodes, size=8, fill_color="color", line_color="#333333")
    p.add_layout(LabelSet(x="x", y="y", text="text", source=labels, text_font_size="11px", text_align="center"))
    p.add_tools(HoverTool(renderers=[lines], tooltips=[("pair", "@label")]),
                HoverTool(renderers=[dots], tooltips=[("outlet", "@outlet"), ("article", "@title")]))
    p.select_one(TapTool).renderers = [lines]
    edges.selected.js_on_change("indices", _on_tap("copying", edges))
    return p


def plot_items() -> dict[str, dict]:
    """Each view's plot as a Bokeh JSON item, with model ids renumbered in order so the page is byte-identical
    from one build to the next (Bokeh numbers models from a process-wide counter)."""
    items = {"terms": terms_plot(), "frames": frames_plot(), "sentiment": sentiment_plot(), "copying": reuse_plot()}
    text = json.dumps({view: json_item(p, f"{view}-plot") for view, p in items.items()})
    ids: dict[str, str] = {}
    text = re.sub(r'"p(\d+)"', lambda m: '"' + ids.setdefault(m.group(0), f"m{len(ids) + 1}") + '"', text)
    return json.loads(text)


def _controls(view: str) -> str:
    names = {"terms": ["group_var", "group"], "frames": ["codebook", "measure", "group_var", "frame"],
             "sentiment": ["target", "instrument", "group_var"]}.get(view, [])
    return "".join(f'<label>{n.replace("_", " ")} <select id="{view}-{n}" data-control="{n}"></select></label>'
                   for n in names)


def _section(view: str, label: str) -> str:
    plot = f'<div class="plot" id="{view}-plot"></div>' if view in ("terms", "frames", "sentiment", "copying") else ""
    extra = {
        "quotes": '<div class="two"><div><h3>Quotes</h3><input type="search" id="quotes-search" '
                  'placeholder="search quotes"><div id="quotes-list" class="list"></div></div><div><h3>Speakers</h3>'
                  '<input type="search" id="speakers-search" placeholder="search speakers">'
                  '<div id="speakers-list" class="list"></div></div></div>',
        "copying": '<div id="copying-list" class="list"></div>',
        "articles": '<div class="controls"><input type="search" id="articles-search" placeholder="search titles '
                    'and text"> <label>from <input type="date" id="articles-from"></label> <label>to '
                    '<input type="date" id="articles-to"></label><span id="articles-groups"></span></div>'
                    '<p id="articles-count"></p><div id="articles-list" class="list"></div>'
                    '<div id="article-view"></div>',
    }.get(view, "")
    return (f'<section id="view-{view}" class="view" hidden><h2>{html.escape(label)}</h2>'
            f'<div class="controls">{_controls(view)}</div><p class="note" id="{view}-note"></p>{plot}{extra}'
            f'<div class="evidence" id="{view}-evidence" aria-live="polite"></div></section>')


def render(payload: dict) -> str:
    """The explorer as one HTML file: BokehJS inline, the plots, the data, the script; nothing fetched."""
    meta = payload["meta"]
    e = html.escape
    tabs = "".join(f'<button type="button" data-view="{v}">{e(label)}</button>' for v, label in VIEWS)
    sections = "".join(_section(v, label) for v, label in VIEWS)
    plots = dumps(plot_items())
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page: only inline scripts, styles and data: images are allowed.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\' '
        '\'unsafe-eval\'; style-src \'unsafe-inline\'; img-src data:; font-src data:">',
        f"<title>Explorer: {e(meta['title'])}</title>", f"<style>{STYLE}</style>",
        Resources(mode="inline", components=["bokeh"]).render_js(), "</head><body>",
        f"<header><h1>{e(meta['title'])}</h1><p id=\"summary\"></p><nav>{tabs}</nav></header>",
        f"<main>{sections}</main>",
        f'<script type="application/json" id="explorer-data">{dumps(payload)}</script>',
        f'<script type="application/json" id="explorer-plots">{plots}</script>',
        f"<script>{SCRIPT}</script>", "</body></html>", ""])
