"""``analysis.text.furniture``: the whole-text screen finds the lines that the per-line rules find."""

from __future__ import annotations

import re

import numpy as np

from analysis.text import furniture
from tests.text.test_clean import ALL_FURNITURE, MIXED_PROSE

ODD = [" Photo: officials meet in Beijing", "Share  |  Tweet", "By Jane\u00a0Doe", "Advertisement ",
       "Get our NEWSLETTER free", "Sign up for the daily newſletter", "Ａｄｖｅｒｔｉｓｅｍｅｎｔ", "\u200bAdvertisement",
       "x" * 700, "a\rb", "", " ", "Read the statement, officials said. Read more"]


def _rules(line: str) -> str:
    """The first rule that takes the whole line, tried without any screen."""
    s = " ".join(line.split())
    return next((kind for kind, pattern, limit in furniture.FURNITURE_RULES if len(s) <= limit and pattern.match(s)),
                "")


def _per_line(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), kind) for m in re.finditer(r"[^\n]+", text) if (kind := _rules(m.group()))]


def test_furniture_lines_are_the_lines_furniture_kind_takes():
    rng = np.random.default_rng(0)
    pool = ALL_FURNITURE + MIXED_PROSE + ODD
    texts = ["\n".join(rng.choice(pool, rng.integers(1, 9))) for _ in range(300)]
    texts += ["\n\n".join(pool), "\n" + "\n".join(ALL_FURNITURE) + "\n", "Advertisement"]
    found = [furniture.furniture_lines(t) for t in texts]
    assert found == [_per_line(t) for t in texts]
    assert [furniture.furniture_kind(line) for line in pool] == [_rules(line) for line in pool]
    kinds = {kind for lines in found for *_, kind in lines}
    assert kinds == {kind for kind, *_ in furniture.FURNITURE_RULES}
