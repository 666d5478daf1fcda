"""Characters: the text to store (NFC, no invisible or control characters, plain spaces) and the key to compare.

Shared by cleaning (:mod:`analysis.text.clean`) and near-duplicate detection
(:mod:`analysis.text.duplicates`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

# Invisible characters that carry no text: zero-width space, word joiner,
# BOM, soft hyphen, Mongolian vowel separator, LRM/RLM marks. ZWJ and ZWNJ
# (U+200C/U+200D) are kept: they change spelling in Persian, Indic scripts
# and emoji sequences.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e\u200e\u200f"), None)
_LINE_BREAKS = {ord("\u2028"): "\n", ord("\u2029"): "\n\n", ord("\u0085"): "\n", ord("\t"): " "}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
# Every run of horizontal whitespace (NBSP, thin, ideographic, ...) becomes one plain space, in two passes: odd
# spaces to plain ones, then runs of plain ones to one. One pattern with both (``[^\S\n]{2,}|[^\S\n ]``) gives the
# same text, but an alternation makes the regex engine try every position of the text (two thirds of
# normalise_characters' time), while a pattern that starts with one character class or a literal is searched in C.
_ODD_SPACE = re.compile(r"[^\S\n ]")
_SPACE_RUN = re.compile("  +")
_QUOTE_FOLD = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u300c\u300d", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"),
})


def _replacer(table: dict[int, str | None]):
    """``text.translate(table)`` as one regex pass over a character class: the same result, but str.translate
    looks up every character of the text in the table (a third of the clean stage's time on AllSides), while
    the regex engine skips the characters that are not in it."""
    pattern = re.compile("[" + "".join(re.escape(chr(c)) for c in table) + "]")
    mapping = {chr(c): value or "" for c, value in table.items()}
    return lambda text: pattern.sub(lambda m: mapping[m.group()], text)


_break_lines = _replacer(_LINE_BREAKS)
_drop_invisible = _replacer(_INVISIBLE)
_QUOTE_PAIRS = tuple((chr(c), value) for c, value in _QUOTE_FOLD.items())


def _fold_quotes(text: str) -> str:
    """``text.translate(_QUOTE_FOLD)``: here a replace per character present, each a search in C. News text is
    full of curly quotes, and a regex pass calling back into Python for each was six times slower."""
    for char, plain in _QUOTE_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


def _only_printable(text: str) -> bool:
    """No character but printable ones and ``\\n``: none that the control, invisible, line-break or odd-space
    passes would change (each is a control, format or separator character, which ``isprintable`` rejects; the
    plain space is printable). One C loop instead of four regex scans, which were most of normalisation's time."""
    return text.replace("\n", "").isprintable()


def normalise_characters(text: str) -> str:
    """The text to store: NFC, no invisible or control characters, plain spaces.

    Typographic quotes and dashes are kept (quote detection needs them);
    every kind of horizontal space becomes one ordinary space so that
    "online.\\u00a0 Push" and "online. Push" are the same string. Line
    structure (``\\n``, blank lines) is kept: paragraphs are found from it.
    """
    text = unicodedata.normalize("NFC", text or "")
    if not _only_printable(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", _drop_invisible(_break_lines(text)))
        text = _ODD_SPACE.sub(" ", text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    # Each line stripped: the only whitespace left beside a newline is now at most one plain space.
    return text.replace(" \n", "\n").replace("\n ", "\n").strip()


def fold_for_words(text: str) -> str:
    """:func:`fold_for_matching` before its whitespace is collapsed: the same words for a ``\\w+`` tokeniser
    (whitespace is never a word character), without the split and join, a quarter of the fold's time."""
    if text and text.isascii() and _only_printable(text):
        # The same text without the Unicode passes, which change no printable ASCII character but the backtick.
        return text.replace("`", "'").lower()
    return _fold_quotes(unicodedata.normalize("NFKC", normalise_characters(text))).casefold()


def fold_for_matching(text: str) -> str:
    """A comparison key, never stored: NFKC, case-folded, straight quotes, ``-`` dashes, single spaces.

    NFKC (ligatures, full-width forms) is safe here because the result is
    only compared, never shown or offset into.
    """
    return " ".join(fold_for_words(text).split())


class FoldedText(NamedTuple):
    paragraphs: list[str]  # the non-blank lines
    folded: list[str]      # each one's fold_for_matching
    whole: str             # fold_for_words of the whole text
    by_line: bool          # whether the whole text's fold is its lines' folds (see fold_paragraphs)


def fold_paragraphs(text: str) -> FoldedText:
    """The paragraphs of ``text`` (its non-blank lines), each one's :func:`fold_for_matching`, and
    :func:`fold_for_words` of the whole text.

    The text is folded once and cut at its newlines wherever that gives each line's own fold: every step of the
    fold works inside a line (NFC and NFKC never compose across a newline; casefold, the quote map and the
    control, invisible and space passes go character by character; stripping only moves whitespace, which the
    final split and join drop), so it does whenever the whole fold keeps the line count and the text holds none
    of the characters normalisation turns into line breaks (``\\r``, U+2028, U+0085: none is printable).
    Otherwise (``by_line`` false) each paragraph is folded alone. A call per paragraph was a fifth of the clean
    stage on AllSides.
    """
    lines = text.split("\n")
    whole = fold_for_words(text)
    folded_lines = whole.split("\n")
    if len(folded_lines) != len(lines) or not all(map(str.isprintable, lines)):
        paragraphs = [line for line in lines if line.strip()]
        return FoldedText(paragraphs, [fold_for_matching(p) for p in paragraphs], whole, False)
    paragraphs, folded = [], []
    for line, fold in zip(lines, folded_lines):
        if line.strip():
            paragraphs.append(line)
            # already its own " ".join(fold.split()) when printable (no whitespace but " ") and single-spaced
            single = fold.isprintable() and fold[:1] != " " and fold[-1:] != " " and "  " not in fold
            folded.append(fold if single else " ".join(fold.split()))
    return FoldedText(paragraphs, folded, whole, True)


# Every character character_changes counts: invisible, whitespace but "\n" and " " (``\s`` is ``str.isspace``), control.
_COUNTED = re.compile("[" + re.escape("".join(map(chr, _INVISIBLE))) + r"]|[^\S\n ]|" + _CONTROL.pattern)


def character_changes(before: str, after: str) -> str:
    """Say what normalisation changed, for the log (counts by kind)."""
    counts = Counter()
    for ch in _COUNTED.findall(before):  # each character the loop below may count, found in C
        if ord(ch) in _INVISIBLE:
            counts[f"invisible U+{ord(ch):04X}"] += 1
        elif ch != "\n" and ch != " " and ch.isspace():
            counts[f"space U+{ord(ch):04X}"] += 1
        elif _CONTROL.match(ch):
            counts["control character"] += 1
    if unicodedata.normalize("NFC", before) != before:
        counts["NFC recomposition"] += 1
    parts = [f"{n} {kind}" for kind, n in sorted(counts.items())]
    return ", ".join(parts) or "whitespace"
