"""Dictionary frame measurement: which sentences use which codebook frame, with the words as evidence.

:class:`FrameMatcher` applies one codebook (:mod:`analysis.framing.codebook`) to a
sentence; :func:`frame_hits` builds the sentence table from it:

``frame_hits`` (key ``doc_id, sent_id, codebook, frame``)
    one row per sentence and frame whose cues it holds: ``n_matches``, the first
    ``matched`` surface form and its ``start``/``end`` in the sentence, the voice
    and speaker type of that match, whether a counted match is in the outlet's own
    voice (``own_voice``) or another's (``other_voice``), and the rebuttals; a row
    with ``rebuttal`` true only rejects the frame and does not count as using it.

The tables from article to group (``article_frames``, ``frame_voices``, ``frame_profiles``,
``frame_evidence``) are built from it in :mod:`analysis.framing.frame_tables`.

A dictionary finds the words a frame is usually expressed with, not the frame
a human coder would assign; read the evidence before trusting a profile.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analysis.core import tables
from analysis.framing.codebook import (
    NEGATORS,
    REBUTTAL_AFTER,
    REBUTTAL_BEFORE,
    REBUTTAL_WINDOW,
    codebook_path,
    load_codebook,
)
from analysis.text import voice
from analysis.text.texts import as_texts

_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*")
# A phrase's spaces also match a hyphen: "trade war" and "trade-war" are one cue.
_GAP = r"(?:\s+|\s*-\s*)"
# A cue starts a word, and not the second half of a hyphenated compound: "fast-tracking" is not "tracking",
# "non-military" is not "military"; the first half does match ("AI-powered" is "AI").
_START = r"(?<!\w)(?<!\w-)"


def indicator_regex(indicator: str) -> str:
    """The regex of one codebook indicator: whole words, ``*`` ending a word as a prefix wildcard."""
    words = []
    for word in indicator.split():
        stem, wild = (word[:-1], True) if word.endswith("*") else (word, False)
        words.append(re.escape(stem).replace("'", "['\u2019]") + (r"\w*" if wild else ""))
    return _GAP.join(words)


# Each frame's cue alternation is tried at every position of every sentence (most of the frame stage's matching
# time on a large corpus), and most sentences hold no cue. A cue starts at a word start, so its first word is a
# word of the sentence, or (with a "*" wildcard) starts one: a set look-up screens the sentence first. Only
# sentences whose words are all ASCII are screened, where IGNORECASE is ASCII lower-casing ("i" also matches
# a dotless "ı"); a frame with a cue whose first word is not plain ASCII is always searched.
_WORD = re.compile(r"\w+")


class _CueScreen:
    """``frames(text)``: the frames whose cues may match ``text`` (a set of their indices), or None when it cannot
    tell (words that are not ASCII). A frame with a cue whose first word is not plain ASCII always may."""

    # distinct words whose frames are remembered (the screen looked each word up anew in every sentence, about a
    # third of the matching time); a news vocabulary stays well below
    MEMO_LIMIT = 500_000

    def __init__(self, indicators_by_frame: Sequence[Sequence[str]]) -> None:
        self.always, self.exact, self.prefixes = set(), {}, {}
        for j, indicators in enumerate(indicators_by_frame):
            for cue in indicators:
                first = cue.split()[0] if cue.split() else ""
                run = _WORD.match(first)
                if not run or not first.isascii():
                    self.always.add(j)
                    continue
                wildcard = run.end() == len(first) - 1 and first.endswith("*")  # "econom*": any word it starts
                (self.prefixes if wildcard else self.exact).setdefault(run.group().lower(), set()).add(j)
        self.lengths = sorted({len(p) for p in self.prefixes})
        self._memo: dict[str, frozenset[int]] = {}  # words that start a cue: their frames
        self._misses: set[str] = set()  # words that start none

    def __getstate__(self) -> dict:  # a copy sent to another process starts with empty memos
        return {k: v for k, v in self.__dict__.items() if k not in ("_memo", "_misses")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _memo={}, _misses=set())

    def frames(self, text: str) -> set[int] | None:
        starts = self.starts(text)
        return None if starts is None else self.always | set(starts)

    def starts(self, text: str) -> dict[int, list[int]] | None:
        """Where in ``text`` each frame's cues may start: the starts of the words that are a first word of one
        of its cues (or that such a word ending in ``*`` begins), by frame index, frames with none left out;
        None when it cannot tell. A cue match can start nowhere else (a cue starts a word, see ``_START``), so
        trying the cue alternation at these positions alone finds what a scan of the whole text finds."""
        words = set(_WORD.findall(text))
        if not text.isascii() and not all(w.isascii() for w in words):
            return None
        memo, misses, hits = self._memo, self._misses, {}
        if len(memo) + len(misses) > self.MEMO_LIMIT:
            memo.clear()
            misses.clear()
        for w in words - misses:  # most words start no cue: a set difference passes over them
            hit = memo.get(w)
            if hit is None:
                hit = self._word_frames(w.lower())
                if not hit:
                    misses.add(w)
                    continue
                memo[w] = hit
            hits[w] = hit
        out: dict[int, list[int]] = {}
        if hits:  # most sentences hold no cue word: their words are not walked twice
            for m in _WORD.finditer(text):
                for j in hits.get(m.group(), ()):
                    out.setdefault(j, []).append(m.start())
        return out

    def _word_frames(self, w: str) -> frozenset[int]:
        """The frames with a cue whose first word is ``w`` (lower case) or a prefix of it ending in ``*``."""
        found = set(self.exact.get(w, ()))
        for k in self.lengths:
            if k > len(w):
                break
            found.update(self.prefixes.get(w[:k], ()))
        return frozenset(found)


# A codebook pattern is searched in every sentence; most patterns open with words ("\\b(?:government|officials)
# (?:should|must)") that most sentences lack. The standard library's own regex parser reads them off; where it is
# missing (another Python) every pattern is searched everywhere.
try:
    from re import _constants as _sre
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover
    _sre_parser = None


def pattern_starts(pattern: str) -> tuple[str, ...] | None:
    """Lower-case ASCII strings one of which every match of ``pattern`` (compiled with IGNORECASE) starts with,
    or None when they cannot be read off: a pattern that opens with anything but literal characters, or
    alternatives that all do, past zero-width assertions (``\\b``, lookarounds). On ASCII text (where IGNORECASE is
    ASCII lower-casing) a pattern none of whose strings is in the lower-cased text cannot match it."""
    if _sre_parser is None or not _parser_reads_as_expected():
        return None
    try:
        return _starts(list(_sre_parser.parse(pattern, re.IGNORECASE)))
    except Exception:  # noqa: BLE001 - a private parser: any surprise means "cannot tell", never an error
        return None


# What the private parser must give for the screening to be trusted: checked once, when first needed. Another
# Python whose parser reads these differently (without raising) turns the screening off rather than let it skip a
# sentence a pattern matches.
_PARSER_CHECKS = {r"\b(?:government|officials) (?:should|must)": ("government", "officials"),
                  "most|many": ("most", "many"), r"(?<!not )\bTrade war": ("trade war",),
                  r"\w+ly": None, "(?:a|b)?c": None}


@functools.lru_cache(maxsize=1)
def _parser_reads_as_expected() -> bool:
    try:
        return all(_starts(list(_sre_parser.parse(p, re.IGNORECASE))) == want for p, want in _PARSER_CHECKS.items())
    except Exception:  # noqa: BLE001 - a private parser: any surprise means "cannot tell"
        return False


def _starts(items: list) -> tuple[str, ...] | None:
    i = 0
    while i < len(items) and items[i][0] in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    if op is _sre.LITERAL:
        run = ""
        while i < len(items) and items[i][0] is _sre.LITERAL and items[i][1] < 128:
            run += chr(items[i][1])
            i += 1
        # alternatives after the run ("most|many" is parsed as "m" and "ost|any") lengthen it
        more = _starts(items[i:]) if run and i < len(items) and items[i][0] is _sre.BRANCH else None
        return tuple(run.lower() + w for w in more) if more else (run.lower(),) if run else None
    if op is _sre.BRANCH:
        found = [_starts(list(branch)) for branch in av[1]]
        return None if any(f is None for f in found) else tuple(w for f in found for w in f)
    if op is _sre.SUBPATTERN and not av[1] and not av[2]:  # a group without flags of its own
        return _starts(list(av[3]))
    return None


def _matches_at(regex: re.Pattern[str], text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    """What ``regex.finditer(text)`` finds when a match, never empty, can begin only at ``starts`` (ascending):
    each tried there, from the end of the last one found, as the scan goes on (a lookbehind still sees the text
    before a start)."""
    found, reach = [], 0
    for p in starts:
        if p >= reach and (m := regex.match(text, p)) is not None:
            found.append(m)
            reach = m.end()
    return found


def _tokens(text: str) -> tuple[list[int], list[bool]]:
    """Each token's end offset, and whether it is a negator."""
    found = list(_TOKEN.finditer(text))
    words = [t.group().lower().replace("\u2019", "'") for t in found]
    return [t.end() for t in found], [w in NEGATORS or w.endswith("n't") for w in words]


def _negated(tokens: tuple[list[int], list[bool]], start: int, window: int) -> bool:
    ends, negators = tokens
    before = bisect_right(ends, start)  # tokens that end before the cue starts
    return any(negators[max(0, before - window):before])


# A denial of a that-clause, with nothing but up to three words between: "has continued to deny that".
# "did not deny that" is no denial; the scope ends where another clause or speaker begins.
_DENIAL = re.compile(r"(?<!\bnot\s)(?<!n't\s)(?<!n’t\s)(?<!never\s)"
                     r"\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refute(?:s|d)?)"
                     r"(?:\s+\w+){0,3}?\s+that\s(?!.*(?:\b(?:but|however|although|while|whereas)\b|,\s+and\b|"
                     r"\b(?:said|says|say|told|argued|argues)\b))", re.IGNORECASE)
_NEGATED_LEAD = re.compile(r"\b(?:not|never|no longer)\s+$|n[’']t\s+$", re.IGNORECASE)
_SPEECH = re.compile(r"\b(?:said|says|say|told|called|calls|argued|argues|accused|accuses|described)\b", re.IGNORECASE)


def _phrases(phrases) -> re.Pattern[str]:
    alternation = "|".join(indicator_regex(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"{_START}(?:{alternation})(?!\w)", re.IGNORECASE)


def _windows(text: str, start: int, end: int, sizes: Sequence[int]) -> list[tuple[str, str]]:
    """For each number of words in ``sizes``, up to that many words of ``text`` before ``start`` and after ``end``,
    within the sentence's clause (split and its words found once for all sizes)."""
    before = re.split(r"[;:!?]|\.\s", text[:start])[-1]
    after = re.split(r"[;:!?]|\.\s", text[end:])[0]
    head = [m.start() for m in _TOKEN.finditer(before)]
    tail = [m.end() for m in _TOKEN.finditer(after)]
    return [((before[head[-words]:] if len(head) >= words else before),
             (after[:tail[words - 1]] if len(tail) >= words else after)) for words in sizes]


class FrameMatcher(TransformerMixin, BaseEstimator):
    """Finds a codebook's frames in sentences from its indicators and patterns.

    Parameters
    ----------
    codebook : str or Path, default "generic_news_frames"
        A shipped codebook's name (``generic_news_frames``, ``policy_frames``,
        ``entity_list``) or the path of a TOML codebook.

    ``transform`` gives one column per frame: the number of matches in each
    text after negation and ``excludes`` (``get_feature_names_out`` = frame ids).
    """

    def __init__(self, *, codebook: str | Path = "generic_news_frames"):
        self.codebook = codebook

    def fit(self, X=None, y=None) -> FrameMatcher:
        cb = load_codebook(codebook_path(self.codebook))
        compiled = []
        for frame in cb.frames:
            regexes = [re.compile(p, re.IGNORECASE) for p in frame.patterns]
            if frame.indicators:
                # One alternation per frame (fast), longest cue first so a phrase wins over its first word.
                cues = "|".join(indicator_regex(c) for c in sorted(frame.indicators, key=len, reverse=True))
                regexes.insert(0, re.compile(rf"{_START}(?:{cues})(?!\w)", re.IGNORECASE))
            compiled.append((frame, regexes))
        # aligned with each frame's regexes: what every match of a pattern starts with (None for a cue alternation)
        self.pattern_starts_ = [([None] if frame.indicators else []) + [pattern_starts(p) for p in frame.patterns]
                                for frame in cb.frames]
        self.codebook_ = cb
        self.frame_ids_ = cb.frame_ids
        self.compiled_ = compiled
        self.cue_screen_ = _CueScreen([frame.indicators for frame in cb.frames])
        self.rebuttal_before_ = _phrases(REBUTTAL_BEFORE + cb.rebuttal_cues)
        self.rebuttal_after_ = _phrases(REBUTTAL_AFTER)
        return self

    def is_rebuttal(self, text: str, start: int, end: int) -> bool:
        """Whether the cue at ``text[start:end]`` is used to reject its frame (see :mod:`analysis.framing.codebook`).

        Besides the phrases of the codebook module, a denial reaches over the clause it introduces:
        "denies that the Uighurs have been mistreated" rejects "mistreated" however far it stands.
        """
        check_is_fitted(self, "compiled_")
        return self._is_rebuttal(text, start, end)

    # The checked public methods call these once per text; check_is_fitted per sentence and cue was a tenth of
    # frame_hits' time.
    def _is_rebuttal(self, text: str, start: int, end: int) -> bool:
        (before, after), (clause, _) = _windows(text, start, end, (REBUTTAL_WINDOW, 4 * REBUTTAL_WINDOW))
        dismissal = self.rebuttal_after_.search(after)
        if dismissal and _SPEECH.search(after[:dismissal.start()]):  # "rights groups said the denials were lies"
            dismissal = None
        rejected = any(not _NEGATED_LEAD.search(clause[:len(clause) - len(before) + m.start()])
                       for m in self.rebuttal_before_.finditer(before))  # "did not deny" rejects nothing
        return bool(rejected or dismissal or _DENIAL.search(clause))

    def find_all(self, text: str) -> list[tuple[str, str, int, int, bool]]:
        """(frame id, matched text, start, end, rebuttal) of every match that survives negation and excludes."""
        check_is_fitted(self, "compiled_")
        return self._find_all(text)

    def _find_all(self, text: str) -> list[tuple[str, str, int, int, bool]]:
        return [(frame, surface, start, end, self._is_rebuttal(text, start, end))
                for frame, surface, start, end in self._matches(text)]

    def find(self, text: str) -> list[tuple[str, str, int, int]]:
        """(frame id, matched text, start, end) of every counted match, in codebook order, then by start.

        A rebuttal does not count: it rejects the frame rather than using it (:meth:`find_all` lists it).
        """
        return [hit[:4] for hit in self.find_all(text) if not hit[4]]

    def _matches(self, text: str) -> list[tuple[str, str, int, int]]:
        tokens = None
        found: dict[str, list[tuple[int, int, str]]] = {}
        starts, always = self.cue_screen_.starts(text), self.cue_screen_.always
        low = text.lower() if text.isascii() else None  # where the patterns' first words are looked for
        for j, (frame, regexes) in enumerate(self.compiled_):
            if starts is None or not frame.indicators or j in always:
                matches, first = [], 0
            else:  # the cue alternation tried where a cue may start (none: not at all), then the patterns
                at = starts.get(j)
                if at is None and len(regexes) == 1:
                    continue  # no cue word and no pattern: nothing to find (most frames of most sentences)
                matches, first = (_matches_at(regexes[0], text, at) if at else []), 1
            matches += [m for r, words in zip(regexes[first:], self.pattern_starts_[j][first:])
                        if words is None or low is None or any(w in low for w in words) for m in r.finditer(text)]
            if not matches:
                continue
            spans = sorted((m.start(), -m.end(), m.group()) for m in matches if m.end() > m.start())
            kept, reach = [], -1
            for start, neg_end, surface in spans:
                if start >= reach:  # a stretch of text two cues both match counts once
                    kept.append((start, -neg_end, surface))
                    reach = -neg_end
            if kept and frame.negation_window:
                tokens = tokens or _tokens(text)
                kept = [k for k in kept if not _negated(tokens, k[0], frame.negation_window)]
            if kept:
                found[frame.id] = kept
        # Exclusions read the hits before any exclusion, so their order in the codebook does not matter.
        return [(frame.id, surface, start, end) for frame, _ in self.compiled_
                if frame.id in found and not any(x in found for x in frame.excludes)
                for start, end, surface in found[frame.id]]

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "compiled_")
        index = {f: j for j, f in enumerate(self.frame_ids_)}
        out = np.zeros((len(X), len(index)), dtype=np.int64)
        for i, text in enumerate(X):
            for frame, *_ in self.find(str(text)):
                out[i, index[frame]] += 1
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "compiled_")
        return np.array(self.frame_ids_, dtype=object)

    def check_examples(self) -> list[tuple[str, str]]:
        """(frame id, example) for each codebook example its own frame does not match: the codebook's self-test."""
        check_is_fitted(self, "compiled_")
        return [(frame.id, ex) for frame, _ in self.compiled_ for ex in frame.examples
                if frame.id not in {hit[0] for hit in self.find(ex)}]


def frame_texts(texts, *, codebook: str | Path = "generic_news_frames") -> pd.DataFrame:
    """Count each codebook frame's cues in each text, outside any study.

    ``texts``: a list of strings, a Series or a DataFrame with a ``text`` column (its index is kept);
    ``codebook``: a shipped codebook's name or a TOML codebook's path, as in ``[framing] codebooks``.
    Returns one row per text: ``text``, then one column per frame id with the number of counted cues
    (after negation, excludes and rebuttals, as in ``frame_hits``). ``FrameMatcher.find`` shows the words.
    """
    series = as_texts(texts)
    matcher = FrameMatcher(codebook=codebook).fit()
    counts = pd.DataFrame(matcher.transform(series.tolist()), columns=list(matcher.get_feature_names_out()),
                          index=series.index)
    return pd.concat([series.rename("text"), counts], axis=1)


def as_table(rows: list | pd.DataFrame, name: str) -> pd.DataFrame:
    """``rows`` as the table ``name``: its schema's columns, integer columns as int64, validated."""
    if len(rows) == 0:
        return tables.empty(name)
    schema = tables.schema(name)
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=schema.names)
    ints = {c.name: "int64" for c in schema.columns if c.kind == "int"}
    return tables.validate(df.astype(ints), name)


def frame_hits(sentences: pd.DataFrame, *, matcher: FrameMatcher, voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``frame_hits`` table of a fitted matcher over ``sentences`` (doc_id, sent_id, outlet, text).

    ``voices``: the ``voice_spans`` table (:func:`analysis.text.voice.voice_spans`), whose offsets
    point into the article text, so ``sentences`` then needs its ``start`` column; without it every
    cue counts as the outlet's own voice. Sentences with only rebuttals of a frame get a row with
    ``rebuttal`` true and ``n_matches`` 0.
    """
    check_is_fitted(matcher, "compiled_")
    name = matcher.codebook_.name
    found = []
    starts = sentences["start"].tolist() if voices is not None else [0] * len(sentences)
    columns = (sentences[c].tolist() for c in ("doc_id", "sent_id", "outlet", "text"))  # lists: quicker to walk
    for doc, sent, outlet, text, offset in zip(*columns, starts):
        found += [(doc, sent, outlet, frame, surface, start, end, rebuttal, int(offset) + start)
                  for frame, surface, start, end, rebuttal in matcher._find_all(text)]
    if voices is None or not found:
        said = pd.DataFrame({"voice": ["outlet"] * len(found), "speaker_type": [""] * len(found)})
    else:
        said = voice.voice_at(voices, [f[0] for f in found], [f[8] for f in found])
    by_key: dict[tuple, list] = {}
    for f, v, t in zip(found, said["voice"], said["speaker_type"]):
        by_key.setdefault(f[:4], []).append((f[4], f[5], f[6], f[7], v, t or ("" if v == "outlet" else "unknown")))
    rows = []
    for (doc, sent, outlet, frame), matches in by_key.items():
        used = [m for m in matches if not m[3]]
        rebutted = [m for m in matches if m[3]]
        first = used[0] if used else matches[0]
        other = next((m for m in used if m[4] != "outlet"), None)
        rows.append((doc, sent, outlet, name, frame, len(used), *first[:3], first[4], first[5],
                     any(m[4] == "outlet" for m in used), other is not None,
                     other[4] if other else "", other[5] if other else "", len(rebutted),
                     rebutted[0][4] if rebutted else "", rebutted[0][5] if rebutted else "", not used))
    return as_table(rows, "frame_hits")
