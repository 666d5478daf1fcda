"""Reported and attributed stretches of an article: the content of each speech tag, sentence by sentence.

Built on the tags of :mod:`analysis.text.speech_tags` and the views without a speech verb of
:mod:`analysis.text.positions`. :func:`voiced_stretches` feeds :mod:`analysis.text.voice` (every reported or
attributed stretch, cut around quotes and the outlet's own asides); :func:`reported_speech` feeds the quotes
table of :mod:`analysis.provenance.quotes` (reported speech that holds no quotation).
"""

from __future__ import annotations

import bisect
import re

from analysis.text import attribution as att
from analysis.text import positions, speech_layouts
from analysis.text.speakers import ArticleSpeakers
from analysis.text.speech_tags import (
    ACCORDING_FIRST,
    AS_FIRST,
    FINDING,
    GOING_ON,
    STANCE,
    VERB,
    VERBS,
    WHICH,
    postposed,
    preposed,
)

# The outlet's own glosses inside someone's reported words: an aside between dashes ("the company—founded
# in 1987 by a former army engineer—is ..."), and a descriptor before a name ("the tech giant Huawei").
# (the dash before its lookbehind, "[—–](?<=\w[—–])" rather than "(?<=\w)[—–]": the same matches, and a scan that
# skips to a space or a dash instead of trying every position)
_DASH_ASIDE = (r"(?:\s[—–]\s?|[—–](?<=\w[—–]))[^—–\n.;:!?\"“”]{3,150}?(?:\s?[—–]\s|[—–](?=\w))"
               r"|\s-\s[^-—–\n.;:!?\"“”]{3,150}?\s-\s")  # spaced hyphens as dashes ("June 16 - the day after ... - and")
_GIANT = r"\b(?:[A-Z][\w-]*\s+)?(?:[a-z-]+\s+){0,2}giants?\b(?=\s+[A-Z])"
# a closing appositive after a dash ("... to national security — a process the administration goes through before
# imposing tariffs.")
_DASH_CLOSING = r"\s[—–]\s?an?\s+[a-z][^—–\n.;:!?\"“”]{3,150}?(?=\.(?:\s|$))"
_ASIDE = re.compile(f"{_DASH_ASIDE}|{_GIANT}|{_DASH_CLOSING}")
# An alternative that cannot match (no dash, no "giant" in the article) is left out of the scan, which costs a try of
# each alternative at every position; the others match as before.
_ASIDES = {(True, True): _ASIDE, (True, False): re.compile(f"{_DASH_ASIDE}|{_DASH_CLOSING}"),
           (False, True): re.compile(_GIANT), (False, False): None}
# A descriptor after a name inside the sentence ("no contact with Liu He, the Chinese vice premier and top trade
# negotiator, since early May"): group 1
# (the capital before its lookbehind, as in _DASH_ASIDE: the scan skips to capitals)
_APPOSITIVE = re.compile(r"[A-Z](?<=[a-z] [A-Z])[a-z]+(?:\s[A-Z][a-z]+)*"
                         r"(,\s(?:the|a|an)\s+[A-Za-z][^,;:!?\"“”\n.]{3,80}?)(?=,)")
_APPOSITIVE_CUE = re.compile(r",\s(?:the|a|an)\s")  # in every _APPOSITIVE match; a fast scan from its comma


def _glosses(masked: str) -> list[tuple[int, int]]:
    """Spans of the outlet's asides and appositives in an article's masked text."""
    aside = _ASIDES["—" in masked or "–" in masked or " - " in masked, "giant" in masked]
    return ([m.span() for m in aside.finditer(masked)] if aside is not None else []) + (
        [m.span(1) for m in _APPOSITIVE.finditer(masked)] if _APPOSITIVE_CUE.search(masked) else [])


def _inside(regions: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and regions[i][0] <= pos < regions[i][1]


def voiced_stretches(reader: ArticleSpeakers, quoted: list[tuple]) -> list[tuple]:
    """Reported and attributed stretches, sentence by sentence, outside the quoted ones."""
    regions = sorted((s, e) for s, e, *_ in quoted)
    glosses = sorted(regions + _glosses(reader.masked))
    out = []
    for start, end, voice, attr, pos in _stretches(reader, regions):
        speaker, cue, source_type, _ = reader.resolve(attr, pos)
        for s, e in _minus(start, end, glosses):
            out.append((s, e, speaker, source_type, cue, voice))
    return out


# Subjects of "added", "showed" or "according to" that report numbers, not speech: "the Hang Seng index
# added 0.9%", "according to Bloomberg data".
_NOT_A_SOURCE = re.compile(r"(?i)\b(?:index|indices|stocks?|shares|markets?|futures|yuan|dollar|prices?|data|figures|"
                           r"statistics|estimates|calculations|numbers|Dow|Nasdaq|S&P(?: 500)?)"
                           r"(?:\s+(?:released|published|compiled|issued|from|by|for|on|in|showed)\b.*)?\s*$")


# cues of positions rather than speech: stances, findings, views held "by" someone, possessed claims
_POSITION_CUES = frozenset(STANCE + list(FINDING) + ["considered", "claim", "finding"])


def reported_speech(reader: ArticleSpeakers, quoted: list[tuple[int, int]]) -> list[tuple]:
    """Reported and attributed stretches that hold no quotation, as (start, end, voice, speaker, source_type,
    cue), trimmed of spaces and a final full stop. ``quoted``: the (start, end) of the article's quotes.

    A stretch around a partial quote is left out: the quote stands for it ("X said the move was
    "gross interference"" is one quote, not a quote and a report).
    """
    regions = sorted(quoted)
    rows = []
    for start, end, voice, attr, pos in _stretches(reader, regions):
        if any(s < end and start < e for s, e in regions):
            continue
        text = reader.text[start:end]
        lead = len(text) - len(text.lstrip())
        body = text.strip().rstrip(".").rstrip()
        # a stance's object ("threatened tariffs") or a finding is a position, not speech: the quotes table leaves
        # it out
        if len(att.WORD.findall(body)) < 3 or _NOT_A_SOURCE.search(attr[0]) or attr[2] in _POSITION_CUES:
            continue
        speaker, cue, source_type, _ = reader.resolve(attr, pos)
        rows.append((start + lead, start + lead + len(body), voice, speaker, source_type, cue))
    return rows


def _stretches(reader: ArticleSpeakers, regions: list[tuple[int, int]]) -> list[tuple]:
    """(start, end, voice, attribution, position of the tag) of each reported or attributed stretch."""
    starts = [r[0] for r in regions]
    found = []
    for a, b in reader.bounds:
        sentence = speech_layouts.headline_probe(reader.masked[a:b])  # "Activists Say ...": a verb, lowercased
        stripped = sentence.rstrip()
        inside = lambda pos: _inside(regions, starts, a + pos)  # noqa: E731
        tag = postposed(stripped)
        if tag and tag["closing"] and _stands_alone(stripped, tag.start("sep"), a, regions, starts):
            tag = None  # '"...," X said.': the quote is the content, and it is already quoted
        if tag and tag["np2"] is not None and _FINITE.search(tag["np2"].split(",")[0]):
            tag = None  # "X, a lawyer, said China Daily's failure ... was a violation": preposed, not inverted
        end = len(stripped)
        first = ACCORDING_FIRST.match(sentence)
        sep = tag.start("sep") if tag else 0
        if tag and sep > 0:  # '"...," X said.' too: the content before the tag is then the quote
            if tag["np3"] is not None:
                attr = att.with_statement(att.np_after(tag["np3"]), "according to", tag["np3"]) or (
                    " ".join(tag["np3"].replace(att.MASK_DOT, ".").split()), "", "according to")
                voice = "attributed"
            elif tag["np2"] is not None and tag["v2"] != "told" and att.np_after(tag["np2"]) is not None:
                # "..., X, an adviser, told Fox News": not inverted, the listener follows "told"
                attr, voice = att.with_statement(att.np_after(tag["np2"]), tag["v2"], tag["np2"]), "reported"
            else:
                head = att.valid_np(tag["np"]) if tag["np"] is not None else None
                if head is None:  # "..., the Tariff Committee, which oversees it, said in a statement."
                    parts = stripped[:sep].split(",")
                    while len(parts) > 1 and WHICH.match(parts[-1]):
                        parts.pop()
                    head = att.valid_np(parts[-1]) if len(parts) > 1 else None
                    sep = len(",".join(parts[:-1])) if head else sep
                verb = tag["v"] or tag["v2"]
                attr = (head.replace(att.MASK_DOT, "."), "", verb) if head else None
                voice = VERBS.get(verb, "reported")
            if attr is not None:
                inner = preposed(stripped, 0, sep, inside)  # "Liu said ..., Xinhua reported": Liu spoke
                if inner is not None:
                    found.append((a + inner[0], a + inner[1], inner[2], inner[3], a + inner[4]))
                else:  # an opening "According to X," stays the outlet's tag: one speaker per stretch
                    lead = first.end() if first and first.end() < sep else 0
                    found.append((a + lead, a + sep, voice, attr, a + sep))
                going_on = GOING_ON.match(stripped, tag.end())  # '"...," Ross said, calling the rule "tailored"'
                if going_on:
                    found.append((a + going_on.end(), a + len(stripped), voice, attr, a + sep))
                if tag.end() >= len(stripped) or going_on:
                    continue
                end, first = sep, None
        if first:
            attr = att.with_statement(att.np_after(first["np"]), "according to", first["np"])
            if attr is not None:
                found.append((a + first.end(), a + len(stripped), "attributed", attr, a))
                continue
        as_tag = AS_FIRST.match(sentence) if end == len(stripped) else None
        head = att.valid_np(as_tag["np"]) if as_tag else None
        if head:  # "As Barron's writes, the issues are many": the rest of the sentence is the content
            attr = (head.replace(att.MASK_DOT, "."), "", as_tag["v"])
            found.append((a + as_tag.end(), a + len(stripped), VERBS.get(as_tag["v"], "reported"), attr, a))
            continue
        # "Criticizing China's surveillance state, Pence held up ...": the opening clause is the subject's
        opening = speech_layouts.opening_participle(stripped) if end == len(stripped) else None
        if opening is not None and not inside(opening[0]):
            found.append((a + opening[0], a + opening[1], opening[2], opening[3], a + opening[4]))
        pre = preposed(stripped, opening[1] if opening else 0, len(stripped), inside)
        if pre is not None and (end == len(stripped) or pre[0] > end):
            found.append((a + pre[0], a + pre[1], pre[2], pre[3], a + pre[4]))
            # "The government called for calm, saying it had stopped work on the bill": the same speaker goes on
            going_on = re.match(r",\s*", stripped[pre[1]:]) and GOING_ON.match(stripped, pre[1] + 1)
            if going_on and pre[1] < end:
                found.append((a + going_on.end(), a + end, "reported", pre[3], a + pre[4]))
            elif pre[1] < end:  # "..., even as he has described the company as a threat": a second tag in a new clause
                again = preposed(stripped, pre[1], end, inside)
                if again is not None:
                    found.append((a + again[0], a + again[1], again[2], again[3], a + again[4]))
        elif pre is None and end == len(stripped) and opening is None:
            found += [(a + s, a + e, v, attr, a + p) for s, e, v, attr, p in (
                positions.held_views(stripped) or speech_layouts.as_claimed(stripped)) if not inside(s)]
    return found + _listed(reader, found, inside_any=lambda pos: _inside(regions, starts, pos))


def _listed(reader: ArticleSpeakers, found: list[tuple], *, inside_any) -> list[tuple]:
    """Stretches for the lines a colon tag introduces ("The groups said in their letter that the NPCSC should:"
    and the items after it), where no stretch of their own was found."""
    if ":" not in reader.masked:
        return []
    sentence_starts = [a for a, _ in reader.bounds]
    covered = {bisect.bisect_right(sentence_starts, s) - 1 for s, *_ in found}
    out = []
    for i, (a, b) in enumerate(reader.bounds):
        tag = speech_layouts.colon_tag(reader.masked[a:b]) if reader.masked[a:b].rstrip().endswith(":") else None
        if tag is None:
            continue
        voice, attr, pos = tag
        for j in speech_layouts.listed_after(reader.masked, reader.bounds, i):
            s, e = reader.bounds[j]
            body = reader.masked[s:e].rstrip()
            if j not in covered and body and not inside_any(s):
                out.append((s, s + len(body), voice, attr, a + pos))
    return out


_FINITE = re.compile(r"\b(?:is|was|are|were|will|would|has|have|had|could|can|should|may|might)\b")


def _stands_alone(sentence: str, sep: int, offset: int, regions: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether the quote that closes at ``sep`` opens its sentence or follows a colon or comma: then it is
    the whole content of the tag after it, not the end of a paraphrase that runs into it ('Companies disagree
    with tariff hikes but "are supportive ...," said X')."""
    i = bisect.bisect_right(starts, offset + sep) - 1
    if i < 0 or not regions[i][0] <= offset + sep <= regions[i][1]:
        return True
    lead = sentence[:max(0, regions[i][0] - offset - 1)].rstrip(" \"'“‘")
    return not lead or lead.endswith((":", ",")) or bool(VERB.search(lead[-30:]))


def _minus(start: int, end: int, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) without the given (sorted) regions."""
    parts, cursor = [], start
    for s, e in regions:
        if e <= cursor or s >= end:
            continue
        if s > cursor:
            parts.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        parts.append((cursor, end))
    return [(s, e) for s, e in parts if e - s > 1]
