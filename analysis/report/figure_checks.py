"""Checks a reviewer would make on a drawn figure: is anything plotted, and is every label inside the page?

``problems(fig)`` lays the figure out as ``savefig`` does (constrained layout, the figure's own size) and
returns one line per problem, so :func:`analysis.report.figures.save` can warn and tests can assert none.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection, PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

_TOLERANCE_PX = 1.0  # anti-aliasing may put a text's edge a pixel past the page


def _is_colorbar(ax: Axes) -> bool:
    return getattr(ax, "_colorbar", None) is not None


def _has_data(artist) -> bool:
    if isinstance(artist, Collection):
        array = artist.get_array()
        if array is not None:  # colour-mapped (heatmap cells, hexbins): data where a value is not masked
            return bool(np.ma.masked_invalid(np.ma.asarray(array)).count())
        if isinstance(artist, PathCollection):  # markers (scatter): data where a position is finite
            offsets = np.asarray(artist.get_offsets(), dtype=float).reshape(-1, 2)
            return bool(np.isfinite(offsets).all(axis=1).any())
        return any(np.isfinite(p.vertices).all(axis=1).any() for p in artist.get_paths())  # segments, polygons
    if isinstance(artist, Line2D):
        x, y = (np.asarray(v, dtype=float) for v in artist.get_data())
        return bool(np.isfinite(x).any() and np.isfinite(y).any())
    if isinstance(artist, Rectangle):
        return artist.get_width() != 0 and artist.get_height() != 0
    if isinstance(artist, AxesImage):
        return bool(np.ma.masked_invalid(np.ma.asarray(artist.get_array())).count())
    return False


def drawn_artists(fig: Figure) -> int:
    """How many artists hold data in the figure's plotting axes (colour bars not counted)."""
    count = 0
    for ax in fig.axes:
        if _is_colorbar(ax) or not ax.get_visible() or not ax.axison and not ax.texts:
            continue
        count += sum(_has_data(a) for a in [*ax.collections, *ax.lines, *ax.patches, *ax.images])
        count += sum(bool(t.get_text().strip()) for t in ax.texts)
    return count


def _renderer(fig: Figure):
    fig.canvas.draw()  # runs the layout savefig uses
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get else None


def _outside(box, page) -> bool:
    t = _TOLERANCE_PX
    return box.x0 < page.x0 - t or box.x1 > page.x1 + t or box.y0 < page.y0 - t or box.y1 > page.y1 + t


def texts_outside(fig: Figure) -> list[str]:
    """The texts (labels, titles, annotations, legend entries) that run past the figure's edge."""
    renderer = _renderer(fig)
    if renderer is None:  # a canvas that cannot measure text: nothing to say
        return []
    page = fig.bbox
    if not _outside(fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans), page):
        return []
    hidden = set()  # labels of ticks outside the view: matplotlib keeps them but does not draw them
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
                loc = tick.get_loc()
                if loc is None or not low - 1e-9 * abs(high - low) <= loc <= high + 1e-9 * abs(high - low):
                    hidden.update({id(tick.label1), id(tick.label2)})
    cut = []
    for text in fig.findobj(Text):
        if (id(text) in hidden or not text.get_visible() or not text.get_text().strip()
                or not text.get_in_layout()):
            continue
        if _outside(text.get_window_extent(renderer), page):
            cut.append(text.get_text())
    return cut or ["(an artist outside the figure)"]


def problems(fig: Figure) -> list[str]:
    """One line per problem: nothing plotted, or text cut off at the figure's edge."""
    found = []
    if not drawn_artists(fig):
        found.append("nothing is plotted (no data in any panel)")
    cut = texts_outside(fig)
    if cut:
        shown = ", ".join(repr(t if len(t) <= 40 else t[:39] + "…") for t in cut[:5])
        found.append(f"{len(cut)} label{'s' if len(cut) != 1 else ''} cut off at the figure's edge: {shown}")
    raw = sorted({t.get_text() for t in fig.findobj(Text) if t.get_visible() and "\\mathdefault" in t.get_text()})
    # (texts_outside drew the figure, so tick labels hold what is drawn)
    if raw:  # a formatter's mathtext shown as code: text.parse_math is off (style.py), use a plain formatter
        found.append(f"mathtext shown as code: {raw[0]!r}")
    return found
