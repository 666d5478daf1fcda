"""Attribution helpers that must give what their plain regular-expression form gave."""

from __future__ import annotations

import random

import pytest

from analysis.text import attribution


def _sub(text: str) -> str:  # the plain form mask_abbreviations replaced
    return attribution._ABBREV.sub(lambda m: m[0].replace(".", attribution.MASK_DOT), text)


PIECES = ["Sen.", "Sens.", "Rep.", "Gov.", "Dr.", "Mr.", "Mrs.", "Jr.", "St.", "Co.", "Inc.", "vs.", "No.", "U.S.",
          "U.S.A.", "U.", "N.J.", "A.", "J. ", "D-Calif.", "R-Ohio.", "I-Vt.", "D-Ca.", "R-Texas", "x.com", ".org",
          ".net.", "example.com", "Sen", " ", " ", "\n", ".", "..", "He", "The", "Smith", "said", "e", "-", "(", ")",
          ",", "S", "D-", "Calif", "’"]


def test_mask_abbreviations_is_the_regex_substitution_on_known_cases():
    text = "Sens. Kamala Harris (D-Calif.) and Cory Booker (D-N.J.) met U.S. officials at x.com. J. Doe said. No."
    masked = attribution.mask_abbreviations(text)
    assert masked == _sub(text) and len(masked) == len(text)
    assert "D-Calif\u2024" in masked and "U\u2024S\u2024" in masked and masked.endswith("No\u2024")


@pytest.mark.parametrize("seed", range(20))
def test_mask_abbreviations_is_the_regex_substitution_on_random_texts(seed):
    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        assert attribution.mask_abbreviations(text) == _sub(text), text
