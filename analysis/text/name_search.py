"""Where a name occurs earlier in an article, found without scanning the whole text once per name.

:mod:`analysis.text.speakers` asks this many times per article: the mentions of a bare name, whose roles elsewhere
type it ("pro-democracy activist Joshua Wong"), and the latest fuller mention of a surname ("Rep. Michael McCaul"
before "McCaul said"). Both give what one regular expression per name gave, without compiling one per name or
scanning the article once per call.
"""

from __future__ import annotations

import functools
import itertools
import re

from analysis.text.attribution import CLAUSE_OPENERS, MASK_DOT, NAME_RX

_WORD_OR_HYPHEN, _WORD_CHAR = re.compile(r"[\w-]"), re.compile(r"\w")


def mentions(text: str, name: str) -> list[tuple[int, int]]:
    """Spans of ``re.finditer(rf"(?<![\\w-]){re.escape(name)}\\b", text)``, found with str.find: a pattern compiled
    for each name cost more than the search."""
    spans, at, n = [], 0, len(name)
    while (i := text.find(name, at)) >= 0:
        end = i + n
        starts = i == 0 or _WORD_OR_HYPHEN.match(text, i - 1) is None
        last_is_word = _WORD_CHAR.match(text, end - 1) is not None
        if starts and last_is_word != (end < len(text) and _WORD_CHAR.match(text, end) is not None):  # \b
            spans.append((i, end))
            at = end
        else:
            at = i + 1
    return spans


@functools.lru_cache(maxsize=4096)
def _fuller_pattern(surname: str) -> re.Pattern[str]:
    # "Vice Premier Liu He", "Derek Scissors, a scholar at"
    return re.compile(rf"((?:(?:{NAME_RX}|of|the)[ \t]+){{0,6}}){re.escape(surname)}(?:[ \t][A-Z][a-z]+)?\b"
                      r"(,\s+(?:an?|the|[a-z])[^,.;\n]{3,90})?")


# A line start no match of _fuller_pattern runs across: a newline enters a match only in the appositive's ",\s+",
# which must go on with a space or a lowercase letter.
_RUNS_ON = re.compile(r"\s|[a-z]")


def fuller_name(surname: str, before: str) -> tuple[str, str] | None:
    """The latest longer mention of ``surname`` in ``before``, with the appositive after it."""
    n_words = len(surname.split())
    # Scanned line by line from the end: the pattern has no literal start, so scanning the whole article before every
    # bare name made this quadratic. A scan from a line start no match runs across finds the same matches there as a
    # scan from the text's start; lines without the surname cannot hold a match.
    hi = len(before)
    while hi > 0:
        lo = hi
        while lo > 0:
            lo = before.rfind("\n", 0, lo - 1) + 1
            if lo == 0 or not _RUNS_ON.match(before, lo):
                break
        if before.find(surname, lo, hi) >= 0:
            found = itertools.takewhile(lambda m: m.start() < hi, _fuller_pattern(surname).finditer(before, lo))
            fuller = [m for m in found
                      if len(re.sub(r"^(?:A|An|The)\s", "", m[0].split(",")[0]).split()) > n_words]
            if fuller:
                name = re.sub(r"^(?:(?:of|the)\s+)+", "", CLAUSE_OPENERS.sub("", fuller[-1][0].split(",")[0]))
                return name.replace(MASK_DOT, "."), (fuller[-1][2] or "").replace(MASK_DOT, ".")[1:]
        hi = lo
    return None
