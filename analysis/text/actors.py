"""Actor mentions: which sentences mention which study actor."""

from __future__ import annotations

import re

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from analysis.core import patterns, tables
from analysis.core.study import Actor


def _alias_pattern(alias: str) -> str:
    # Whole-word match that also works for aliases ending in punctuation ("U.S."); a straight apostrophe
    # also matches the typographic one news sites print ("People’s Daily").
    escaped = re.sub("['’]", "['’]", re.escape(alias))
    return rf"(?<!\w){escaped}(?!\w)"


# Characters that re, ignoring case, takes for an ASCII letter though str.lower() does not turn them into it (found by
# matching each printable ASCII character case-insensitively against all of Unicode; tests/text/test_actors.py checks
# it), and the typographic apostrophe an alias also matches: folded with them, a text holds an ASCII alias's lowercase
# form wherever the alias's pattern matches it.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s", "’": "'"})


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def _alias_key(alias: str) -> str | None:
    """What a folded text must contain for the alias to match it; None where that is not known (non-ASCII alias)."""
    key = _fold(alias)
    return key if key.isascii() else None


class ActorMatcher(BaseEstimator):
    """Finds actor mentions from aliases (whole words, any case) and regex patterns (as written).

    A match inside one of the actor's ``not_within`` phrases is not a mention of it: "Congress" in
    "World Uyghur Congress" or "National People's Congress" is not the US Congress.

    Parameters
    ----------
    actors : sequence of :class:`analysis.core.study.Actor`
    """

    def __init__(self, *, actors: tuple[Actor, ...] = ()):
        self.actors = actors

    def fit(self, X=None, y=None) -> ActorMatcher:
        compiled, excluded, keys = [], [], []
        for actor in self.actors:
            keys.append([_alias_key(a) for a in actor.aliases] + [None] * len(actor.patterns))
            # Aliases are escaped literals, safe with re; the study's own patterns run with a time limit.
            parts = [re.compile(_alias_pattern(a), re.IGNORECASE) for a in actor.aliases]
            parts += [patterns.compile_pattern(p) for p in actor.patterns]
            compiled.append((actor, parts))
            excluded.append(re.compile("|".join(_alias_pattern(p) for p in actor.not_within), re.IGNORECASE)
                            if actor.not_within else None)
        self.patterns_ = compiled
        self.excluded_ = excluded
        self.alias_keys_ = keys
        return self

    def spans(self, text: str) -> list[tuple[int, int, str, Actor]]:
        """(start, end, surface form, actor) of every mention in ``text``, in no particular order."""
        check_is_fitted(self, "patterns_")
        return [hit for hits in self._hits(text) for hit in hits]

    def _hits(self, text: str) -> list[list[tuple[int, int, str, Actor]]]:
        """Each actor's mentions (zero-width pattern matches and matches inside ``not_within`` dropped)."""
        out, folded = [], _fold(text) if self.patterns_ else ""
        for (actor, parts), excluded, keys in zip(self.patterns_, self.excluded_, self.alias_keys_):
            # an alias whose folded form the folded text lacks cannot match: most aliases, most texts
            hits = [(m.start(), m.end(), m.group(), actor)
                    for p, key in zip(parts, keys) if key is None or key in folded
                    for m in (p.finditer(text) if isinstance(p, re.Pattern)
                              else patterns.finditer(p, text, owner=f"actor {actor.name!r}"))
                    if m.end() > m.start()]
            if hits and excluded is not None:
                blocked = [m.span() for m in excluded.finditer(text)]
                hits = [h for h in hits if not any(a <= h[0] and h[1] <= b for a, b in blocked)]
            out.append(hits)
        return out

    def find(self, text: str) -> list[tuple[str, str, int, str, int, int]]:
        """(actor, actor_type, n_matches, first surface form, its start, its end) for each actor found."""
        check_is_fitted(self, "patterns_")
        return self._find(text)

    def _find(self, text: str) -> list[tuple[str, str, int, str, int, int]]:
        found = []
        for hits in self._hits(text):
            if hits:  # earliest, then longest match first
                start, end, surface, actor = min(hits, key=lambda h: (h[0], -h[1]))
                found.append((actor.name, actor.type, len(hits), surface, start, end))
        return found


def find_mentions(sentences: pd.DataFrame, *, matcher: ActorMatcher) -> pd.DataFrame:
    """The ``actor_mentions`` table: one row per (sentence, actor) with at least one match."""
    check_is_fitted(matcher, "patterns_")  # once, not per sentence: the check costs more than most matches
    rows = [
        (doc, sent, outlet, *hit)
        # .tolist() first: iterating an Arrow-backed column yields one element at a time, 4x slower
        for doc, sent, outlet, text in zip(sentences["doc_id"].tolist(), sentences["sent_id"].tolist(),
                                           sentences["outlet"].tolist(), sentences["text"].tolist())
        for hit in matcher._find(text)
    ]
    if not rows:
        return tables.empty("actor_mentions")
    df = pd.DataFrame(rows, columns=["doc_id", "sent_id", "outlet", "actor", "actor_type", "n_matches", "matched",
                                     "start", "end"])
    df = df.astype({"sent_id": "int64", "n_matches": "int64", "start": "int64", "end": "int64"})
    return tables.validate(df, "actor_mentions")
