"""Pieces of the report page: alt text and titles from captions, the table of contents, images, p formats.

Kept apart from :mod:`analysis.report.report` (which runs the stage) so the page's wording can be read and
tested on its own.
"""

from __future__ import annotations

import base64
import html
from io import BytesIO

from PIL import Image

from analysis.report import style

# Abbreviations that end in a full stop inside a caption's first sentence ("U.S. adds", "Sen. Rubio").
_NOT_AN_END = ("e.g", "i.e", "vs", "et al", "U.S", "U.K", "Sen", "Rep", "Dr", "Mr", "Ms", "Mrs", "No", "approx")


def first_sentence(caption: str, *, limit: int = 320) -> str:
    """The caption's first sentence (what the figure shows, with its n), cut at ``limit`` characters.

    A full stop ends the sentence only outside brackets and when a capital or the end follows, so
    "(Monroe, Colaresi & Quinn 2008)" and "vs. the rest" stay inside it."""
    depth = 0
    for i, ch in enumerate(caption):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "." and depth == 0:
            rest = caption[i + 1:]
            word = caption[:i].rsplit(" ", 1)[-1].lstrip("(")
            if (not rest or (rest.startswith(" ") and rest[1:2].isupper())) and word not in _NOT_AN_END:
                sentence = caption[:i + 1]
                break
    else:
        sentence = caption
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rsplit(" ", 1)[0] + " …"


def short_title(caption: str, fallback: str, *, limit: int = 90) -> str:
    """A title for the table of contents: the caption's opening words, before the first colon or bracket."""
    head = first_sentence(caption)
    for stop in (":", " (", ";", ","):
        head = head.split(stop, 1)[0]
    head = head.rstrip(". ").strip()
    if not head:
        return fallback.replace("_", " ")
    return head if len(head) <= limit else head[:limit - 1].rsplit(" ", 1)[0] + " …"


def alt_text(caption: str, name: str) -> str:
    """What the figure shows, for readers who cannot see it: its caption's first sentence (subject, n, method)."""
    sentence = first_sentence(caption)
    return sentence or f"Figure {name.replace('_', ' ')}"


def image_tag(data: bytes, *, alt: str, embed: bool, src: str) -> str:
    """An <img> shown at its print size (one or two journal columns), so the page shows what a journal prints.

    ``embed`` puts the PNG inside the page as a data URI (the page then opens anywhere on its own); else it
    links to ``src``."""
    with Image.open(BytesIO(data)) as image:
        width_in = image.width / style.STYLE["savefig.dpi"]
    if embed:
        src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" style="width:{width_in:.2f}in">'


def contents(sections: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    """The table of contents: ``(anchor, heading, [(anchor, entry), ...])`` per section, empty sections left out."""
    items = []
    for anchor, heading, entries in sections:
        sub = "".join(f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in entries)
        items.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(heading)}</a>'
                     + (f"<ol>{sub}</ol>" if sub else "") + "</li>")
    return '<nav id="contents" aria-label="Contents"><h2>Contents</h2><ol>' + "".join(items) + "</ol></nav>"
