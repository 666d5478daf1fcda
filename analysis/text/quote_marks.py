"""Where quotations are in a text: the spans between quote marks, whatever the page's typography.

:func:`quote_spans` finds double-quoted spans (straight or typographic) the way
:mod:`analysis.provenance.quotes` attributes them. :func:`quotation_regions` is wider: every stretch
of text a reader would take as someone else's words (double quotes, single quotes as British outlets
and headlines use them, doubled apostrophes, guillemets, corner brackets, and a quote the page left
unclosed, up to its paragraph's end), which is what text
reuse must discount so that outlets carrying the same official statement are not said to copy each other.
"""

from __future__ import annotations

import re

_DOUBLE_MARK = re.compile(r"[\"“”]")
_LINE = re.compile(r"[^\n]+")


def _role(text: str, p: int, *, inside: bool) -> str:
    """Whether the double-quote mark at ``p`` opens or closes, from its neighbours and its shape."""
    before, after = text[p - 1] if p else " ", text[p + 1] if p + 1 < len(text) else " "
    opens = (before.isspace() or before in "([{—–-/") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-…'’")
    if text[p] == "“":
        return "close" if inside and closes and not opens else "open"
    if text[p] == "”":
        return "open" if not inside and opens and not closes else "close"
    return ("open" if opens else "close") if opens != closes else ("close" if inside else "open")


def quote_spans(text: str) -> list[tuple[int, int, list[int]]]:
    """(opening mark, closing mark, paragraph-continuation marks) of each double-quoted span.

    A quote still open at a paragraph's end continues only if the next paragraph opens with a
    quote mark (the journalistic convention for multi-paragraph quotes); otherwise it is dropped,
    since guessing where an unterminated quote ends misattributes more than it finds.
    """
    spans: list[tuple[int, int, list[int]]] = []
    current: tuple[int, list[int]] | None = None
    for para in _LINE.finditer(text):
        marks = [m.start() for m in _DOUBLE_MARK.finditer(text, para.start(), para.end())]
        lead = para.start() + len(para.group()) - len(para.group().lstrip())
        if current is not None:
            if marks and marks[0] == lead and _role(text, lead, inside=False) == "open":
                current[1].append(lead)
                marks = marks[1:]
            else:
                current = None
        for p in marks:
            role = _role(text, p, inside=current is not None)
            if current is None:
                current = (p, []) if role == "open" else None
            elif role == "close":
                spans.append((current[0], p, current[1]))
                current = None
            else:  # an opening mark inside an open quote: the earlier mark was stray
                current = (p, [])
    return spans


# Pairs of marks that open and close a quotation in other typographies (the opening one first).
_OTHER_PAIRS = (("«", "»"), ("「", "」"), ("『", "』"), ("„", "“"))
_DOUBLED_APOSTROPHES = re.compile(r"(?<![\w'])''(?=\S)(?P<body>.+?)(?<=\S)''(?![\w'])")
# Each pair's pattern, tried only on lines that hold its opening mark.
_PAIRED = [(opening, re.compile(re.escape(opening) + r"([^" + re.escape(opening + closing) + r"]+)"
                                + re.escape(closing))) for opening, closing in _OTHER_PAIRS]


# Single quote marks double as apostrophes ("China's", "'90s", "protesters' demands"), so a single-quoted
# span needs an opening mark after a space or bracket and before a word that is not an elision, and a
# closing mark before a space or punctuation, not after an "s" that makes a plural possessive.
_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?!(?:s|t|re|ve|ll|d|m|em|til|cause|n|tis|twas|\d0s)\b)"
                     r"(?P<body>[A-Za-z0-9\"“][^'‘’\n]{0,600}?(?<![\s])(?<!\bs)(?<!s'))['’]"
                     r"(?=[\s,.;:!?)\]—–…\"”]|$)", re.MULTILINE)


def single_quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the body of each span in single quote marks (‘…’ or '…') within a paragraph.

    Spans inside a double-quoted span are nested quotes of that quote and are not listed.
    """
    return _single_quote_spans(text, quote_spans(text))


# The functions below take the text's quote_spans from their caller: all_quote_spans needs them three times.
def _single_quote_spans(text: str, double_spans: list[tuple[int, int, list[int]]]) -> list[tuple[int, int]]:
    doubles = [(o, c) for o, c, _ in double_spans]
    spans = []
    for m in _SINGLE.finditer(text):
        if not any(o < m.start() < c for o, c in doubles):
            spans.append((m.start("body"), m.end("body")))
    return spans


def quotation_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quoted stretch of ``text``, merged and sorted; see the module docstring.

    An opening double mark with no closing one in its paragraph (a page that cut the quote off) opens a
    region to the paragraph's end, unless the quote goes on in the next paragraph (then
    :func:`quote_spans` has it).
    """
    return _quotation_regions(text, quote_spans(text))


def _quotation_regions(text: str, double_spans: list[tuple[int, int, list[int]]]) -> list[tuple[int, int]]:
    regions = [(o + 1, c) for o, c, _ in double_spans] + _single_quote_spans(text, double_spans)
    for para in _LINE.finditer(text):
        start, line = para.start(), para.group()
        if "''" in line:
            regions += [(start + m.start("body"), start + m.end("body")) for m in _DOUBLED_APOSTROPHES.finditer(line)]
        for opening, paired in _PAIRED:
            if opening in line:
                regions += [(start + m.start(1), start + m.end(1)) for m in paired.finditer(line)]
        marks = [m.start() for m in _DOUBLE_MARK.finditer(line)]
        covered = [(o, c) for o, c in regions if start <= o <= start + len(line)]
        loose = [p for p in marks if not any(o - 1 <= start + p <= c for o, c in covered)]
        if loose and _role(text, start + loose[-1], inside=False) == "open":
            regions.append((start + loose[-1] + 1, para.end()))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(r for r in regions if r[1] > r[0]):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def all_quote_spans(text: str) -> list[tuple[int, int, list[int]]]:
    """(opening mark, closing mark, continuation marks) of every quotation, in order of opening.

    The double-quoted spans of :func:`quote_spans`, then each other region of :func:`quotation_regions`
    (single quotes, guillemets, doubled apostrophes, an unclosed quote to its paragraph's end) with
    the position before its body as its opening mark and its end as its closing mark.
    """
    doubles = quote_spans(text)
    covered = [(o, c) for o, c, _ in doubles]
    others = [(s - 1, min(e, len(text) - 1), []) for s, e in _quotation_regions(text, doubles)
              if not any(o <= s and e <= c + 1 for o, c in covered)]
    return sorted(doubles + others, key=lambda span: span[0])
