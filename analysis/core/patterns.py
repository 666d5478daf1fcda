"""Regular expressions a study supplies (actor patterns, referent labels, dataset filters), run with a time limit.

A pattern with nested quantifiers can backtrack for minutes on one sentence: ``(\\w+\\s?)+$`` took 43 s on 30
characters with Python's ``re``. These patterns are compiled with the ``regex`` package instead: its matcher
already avoids much of that backtracking (the same pattern returns in a millisecond), and its ``timeout`` ends
the rest, which become a one-line error naming the pattern and whose it is. Rejecting nested quantifiers up front
would refuse harmless patterns too (``(?:\\w+\\s)+``); the time limit refuses only the ones that misbehave.

``regex`` (version 0, the default) reads a pattern as ``re`` does; the default study's actor and label patterns
give the same matches on its sentences.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from analysis.core.errors import StudyConfigError

# Seconds one pattern may take on one text; a sentence takes microseconds, a whole article milliseconds.
MATCH_TIMEOUT = 1.0

Pattern = regex.Pattern
error = regex.error


class PatternTimeoutError(StudyConfigError):
    """A study's regular expression ran past :data:`MATCH_TIMEOUT` on one text (catastrophic backtracking)."""


def compile_pattern(pattern: str, *, ignore_case: bool = False) -> regex.Pattern:
    """A study's pattern compiled for :func:`finditer` (raises :data:`error` when it is not a valid regex)."""
    return regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)


def _timed_out(pattern: regex.Pattern, text: str, owner: str) -> PatternTimeoutError:
    return PatternTimeoutError(
        f"{owner}: pattern {pattern.pattern!r} took over {MATCH_TIMEOUT:g} s on a text of {len(text)} characters "
        "(nested quantifiers such as (\\w+\\s?)+ backtrack without end); rewrite it without a repeated group that "
        "itself repeats")


def finditer(pattern: regex.Pattern, text: str, *, owner: str) -> Iterator[regex.Match]:
    """Matches of ``pattern`` in ``text``; past :data:`MATCH_TIMEOUT` a :class:`PatternTimeoutError` names
    ``owner`` (``actor 'US government'``) and the pattern."""
    try:
        yield from pattern.finditer(text, timeout=MATCH_TIMEOUT)
    except TimeoutError:
        raise _timed_out(pattern, text, owner) from None


def fullmatch(pattern: regex.Pattern, text: str, *, owner: str) -> regex.Match | None:
    """``pattern.fullmatch(text)`` with the same time limit and error as :func:`finditer`."""
    try:
        return pattern.fullmatch(text, timeout=MATCH_TIMEOUT)
    except TimeoutError:
        raise _timed_out(pattern, text, owner) from None
