"""Name search: the same mentions and fuller names as one regular expression per name, on random texts built from
the pieces that decide them (names, "of"/"the", commas, appositives, line breaks, hyphens, word characters)."""

from __future__ import annotations

import random
import re

import pytest

from analysis.text.attribution import CLAUSE_OPENERS, MASK_DOT, NAME_RX
from analysis.text.name_search import fuller_name, mentions

PIECES = ["Liu", "He", "Liu He", "Vice", "Premier", "of", "the", "The", ",", ", a", "\n", "\n\n", " ", "\t", "an",
          "scholar", "at", "x", "Lam", ".", "Carrie", "\n a", "\na", ", \n", "Hex", "Heights", "-", "’", "é", "_", "1",
          "\u2024", "LamLam"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(0, 30)))
            for _ in range(n)]


def _fuller_by_one_pattern(surname: str, before: str) -> tuple[str, str] | None:
    pattern = (rf"((?:(?:{NAME_RX}|of|the)[ \t]+){{0,6}}){re.escape(surname)}(?:[ \t][A-Z][a-z]+)?\b"
               r"(,\s+(?:an?|the|[a-z])[^,.;\n]{3,90})?")
    fuller = [m for m in re.finditer(pattern, before)
              if len(re.sub(r"^(?:A|An|The)\s", "", m[0].split(",")[0]).split()) > len(surname.split())]
    if not fuller:
        return None
    name = re.sub(r"^(?:(?:of|the)\s+)+", "", CLAUSE_OPENERS.sub("", fuller[-1][0].split(",")[0]))
    return name.replace(MASK_DOT, "."), (fuller[-1][2] or "").replace(MASK_DOT, ".")[1:]


@pytest.mark.parametrize("surname", ["Liu He", "He", "Lam", "Liu"])
def test_fuller_name_is_what_one_pattern_over_the_whole_text_finds(surname):
    texts = _texts(3000, seed=len(surname))
    found = [fuller_name(surname, t) for t in texts]
    assert found == [_fuller_by_one_pattern(surname, t) for t in texts]
    assert sum(f is not None for f in found) > 100  # the texts do hold fuller names


@pytest.mark.parametrize("name", ["Lam", "Carrie Lam", "Lam.", "He", "a"])
def test_mentions_are_what_the_whole_word_pattern_finds(name):
    texts = _texts(3000, seed=7)
    spans = [mentions(t, name) for t in texts]
    assert spans == [[m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}\b", t)] for t in texts]
    assert any(spans)


@pytest.mark.parametrize("before", ["Vice Premier Lam, \nan envoy to Carrie Lam", "Premier Lam,\n\tthe aide of Carrie Lam",
                                    "Carrie Lam\nVice Lam, \nsaid Chief Lam", "of the Lam Lam"])
def test_a_fuller_mention_whose_appositive_runs_onto_the_next_line(before):
    assert fuller_name("Lam", before) == _fuller_by_one_pattern("Lam", before)
