"""``analysis.text.characters``: the fast paths give the text the one-pass definitions give, on every character."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest

from analysis.text import characters

# The definitions as first written (issue 22 made them faster): str.translate for the character maps, one pattern
# for every kind of horizontal space, each line stripped, the fold through the full normalisation.
_ONE_PASS_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")


def reference_normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(characters._LINE_BREAKS).translate(characters._INVISIBLE)
    text = _ONE_PASS_SPACES.sub(" ", characters._CONTROL.sub("", text))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def reference_fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", reference_normalise(text)).translate(characters._QUOTE_FOLD).casefold()
    return " ".join(text.split())


# Every character of the Basic Multilingual Plane and every 61st beyond it (the planes above are mostly unassigned,
# which takes the full path anyway): the whole of Unicode took minutes.
CHARACTERS = [chr(c) for c in (*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61))]


@pytest.mark.parametrize("start", range(0, len(CHARACTERS), 1 << 15))
def test_every_character_in_context(start):
    # Each character beside letters, spaces, line ends, CR, a tab and itself, a chunk of characters per text.
    text = "".join(f"a{c}b {c} \n{c}{c}  x{c}\r\n{c}`Q\t|" for c in CHARACTERS[start:start + (1 << 15)])
    assert characters.normalise_characters(text) == reference_normalise(text)
    assert characters.fold_for_matching(text) == reference_fold(text)
    assert re.findall(r"\w+", characters.fold_for_words(text)) == re.findall(r"\w+", reference_fold(text))


@pytest.mark.parametrize("text", [
    "", "plain ascii", "tab\there  two", "cr\r\nlf\rx", "ctl\x0bx\x1cy\x7fz", "`tick`", "MiXeD CaSe \n\n  lines  ",
    " \u00a0 lead and trail \u2009 ", "caf\u00e9 \u201cquoted\u201d",
    # every ASCII character alone in an otherwise ASCII text: the shortcut (or its refusal) for each
    *(f"a{chr(c)}b {chr(c)} \n{chr(c)}{chr(c)}  X" for c in range(128)),
])
def test_texts_and_the_ascii_shortcut(text):
    assert characters.normalise_characters(text) == reference_normalise(text)
    assert characters.fold_for_matching(text) == reference_fold(text)
    assert re.findall(r"\w+", characters.fold_for_words(text)) == re.findall(r"\w+", reference_fold(text))


FOLD_LINES = ["Plain ASCII line.", "“Curly” quotes — and a dash", "ﬁne Ｆｕｌｌ ligatures", "  spaced   out  ", "",
              " ", "tab\there", "e\u0301 combining first", "\u0301starts with a mark", "ΣΑΣ final sigma",
              "x\u200by invisible", "bad\rline", "sep\u2028arator", "a¨b spacing diaeresis", "`backtick`"]


def test_fold_paragraphs_equals_folding_each_paragraph():
    rng = np.random.default_rng(0)
    texts = ["\n".join(rng.choice(FOLD_LINES, rng.integers(1, 7))) for _ in range(400)]
    texts += ["\n\nleading and trailing blank lines\n\n", "", "only\n\n\nnewlines\n"]
    cut = 0
    for text in texts:
        paragraphs, folded, whole, by_line = characters.fold_paragraphs(text)
        printable = all(map(str.isprintable, text.split("\n")))
        assert by_line <= printable and by_line >= (printable and text == text.strip())
        cut += by_line
        assert paragraphs == [p for p in re.split(r"(\n+)", text)[::2] if p.strip()]
        assert folded == [characters.fold_for_matching(p) for p in paragraphs]
        assert whole == characters.fold_for_words(text)
    assert 50 < cut < len(texts) - 50  # both ways taken


def _changes_one_by_one(before: str) -> dict:
    """character_changes' counts as first written: every character tested."""
    counts: dict = {}
    for ch in before:
        if ord(ch) in characters._INVISIBLE:
            kind = f"invisible U+{ord(ch):04X}"
        elif ch != "\n" and ch != " " and ch.isspace():
            kind = f"space U+{ord(ch):04X}"
        elif characters._CONTROL.match(ch):
            kind = "control character"
        else:
            continue
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.parametrize("text", ["plain text", "a\u00a0b\u2009c\u3000d\te\rf\x0bg\x1ch\x85i\u2028j\u2029k",
                                  "zero\u200bwidth\u00ad\ufeff\u2060\u180e\u200e\u200f", "ctl\x00\x07\x7f\x84\x86\x9f",
                                  "e\u0301 composed later", "\u200d\u200c kept joiners"])
def test_character_changes_counts_every_character_the_loop_counted(text):
    expected = _changes_one_by_one(text)
    got = characters.character_changes(text, characters.normalise_characters(text))
    parts = dict(reversed(p.split(" ", 1)) for p in got.split(", ") if p != "whitespace")
    parts.pop("NFC recomposition", None)
    assert {k: int(v) for k, v in parts.items()} == expected
