"""The distinctive-terms tokenizer: lower-cased words and clause breaks, and the n-grams formed within clauses.

Split from :mod:`analysis.framing.terms` (which re-exports these names) so that the tokenizer, shared by the term
counts (:mod:`analysis.framing.term_codes`), the topic model and the explorer's term search, reads on its own.
"""

from __future__ import annotations

import itertools
import re

# One pass reads words and clause breaks together, so the periods of "U.S." are read as part of the word
# before they can end a clause. N-grams must not run across a break ("... said. The" is no phrase). A
# sentence that ends on "U.S." loses that one break: telling it from "the U.S. Trade Representative" needs
# a sentence splitter, and a phrase across it must still pass the article and outlet floors.
TOKEN_PATTERN = re.compile(r"""
    (?P<abbr>(?<!\w)(?:[^\W\d_]\.){2,}(?:-\w+)*)    # U.S., U.N., U.K., D.C., U.S.-China
  | (?P<word>\w+(?:[-'’]\w+)*)                     # words; hyphenated compounds whole ("don't" too)
  | (?P<brk>[.!?;:,()\[\]{}"“”—–\n]+)
""", re.VERBOSE)
# A clitic is grammar, not word choice: "they're" is "they" (a stop word), "China's" is "China". "n't" stays.
_CLITIC = re.compile(r"(?<=\w)['’](?:s|re|ve|ll|d|m)\b", re.IGNORECASE)
# House style, not word choice: AP, Reuters and Bloomberg write "U.S.", the BBC, Guardian, CNN and Al Jazeera
# "US". Written in capitals, these are the abbreviation, never the pronoun.
_BARE_ABBREVIATIONS = {"US": "u.s.", "UK": "u.k.", "UN": "u.n."}
_BARE = re.compile(r"(?<![\w.])(?:US|UK|UN)\b(?!\.\w)")
_NOT_LETTERS = "0123456789_-'’."  # a token made only of these ("2019", "2019-2020") has no letter


def tokenize(text: str) -> list[str | None]:
    """Lower-cased tokens of ``text``, None at each clause break.

    "U.S." -> "u.s." (not "us", a pronoun and a stop word), and "US", "UK",
    "UN" in capitals are "u.s.", "u.k.", "u.n." too, so that a house style
    does not read as word choice; "China-Taiwan" -> "china-taiwan" (one
    compound); "China's" -> "china": the possessive is grammar, not word
    choice, and keeping "china's" apart would split a name's count in two and
    list one word twice. "China's Taiwan" is then the bigram "china taiwan",
    still apart from "china-taiwan". Other clitics go too ("they're" ->
    "they"); "n't" stays ("don't").
    """
    if not isinstance(text, str):
        return []
    # Whole-text substitutions before lower-casing: C-speed passes, where a per-token step would double the time.
    text = _CLITIC.sub("", _BARE.sub(lambda m: _BARE_ABBREVIATIONS[m.group()], text)).lower()
    return [abbr or word or None for abbr, word, _ in TOKEN_PATTERN.findall(text)]


# TOKEN_PATTERN without its groups: findall returns each match whole, with no Python step per token.
_MATCHES = re.compile(re.sub(r"\(\?P<\w+>", "(?:", TOKEN_PATTERN.pattern), re.VERBOSE)
BREAK_CHARS = frozenset('.!?;:,()[]{}"“”—–\n')  # a match that starts with one of these is a clause break


def token_matches(text: str) -> list[str]:
    """:func:`tokenize`'s tokens with each clause break as its own characters instead of None.

    For counting many texts (:mod:`analysis.framing.term_codes`): a match is a break exactly when its first
    character is in :data:`BREAK_CHARS` (words and abbreviations start with a letter or digit).
    """
    if not isinstance(text, str):
        return []
    return _MATCHES.findall(_CLITIC.sub("", _BARE.sub(lambda m: _BARE_ABBREVIATIONS[m.group()], text)).lower())


class NgramAnalyzer:
    """Lower-cased word n-grams within clauses; drops n-grams that start or end with a stop word or a number.

    Stop words inside a phrase are kept ("bank of america"): removing them
    before forming n-grams, as CountVectorizer's ``stop_words`` does,
    would invent phrases nobody wrote ("bank america").
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 3), stop_words: frozenset[str] | None = None):
        self.ngram_range = ngram_range
        self.stop_words = frozenset() if stop_words is None else frozenset(stop_words)

    def __call__(self, text: str) -> list[str]:
        low, high = self.ngram_range
        grams = []
        for is_word, run in itertools.groupby(tokenize(text), key=lambda t: t is not None):
            if not is_word:
                continue
            tokens = list(run)
            # One-letter tokens ("a", the "s" of "it's") and numbers may sit inside a phrase, never at its edge.
            ok = [len(t) > 1 and t not in self.stop_words and t.strip(_NOT_LETTERS) != "" for t in tokens]
            for n in range(low, high + 1):
                grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1) if ok[i] and ok[i + n - 1]]
        return grams
