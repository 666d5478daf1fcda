"""Whose voice each stretch of an article is in: the outlet's own, or someone it quotes or reports.

A frame cue, a loaded word or a sentiment score means something else when the
outlet says it than when it reports a foreign ministry saying it. This module
labels every stretch of text with one of four voices:

``quoted``
    between quote marks of any typography (an unclosed quote runs to its paragraph's
    end, see :mod:`analysis.text.quote_marks`) when a reader takes the marks as
    someone's words: spans of ``min_quote_words`` words or more, and shorter ones
    introduced by a speech or naming verb ("called the move 'gross interference'").
``reported``
    the content of a speech act: "X said (that) ...", "..., X said.", "..., said X, a ...",
    a headline "China says ...".
``attributed``
    a position with a source but no speech report: "according to X, ...",
    "..., according to X", "X argues / contends / maintains / criticized ...", and a stance
    taken by an act ("Trump has threatened more tariffs", "China pushed back at ...").
``outlet``
    everything else, including the attribution tags themselves ("X said").

Quoted stretches shorter than ``min_quote_words`` without such a verb are mentions or
scare quotes (``its "entity list"``, the "re-education" camps): they keep the voice around
them and are listed with voice ``scare_quote``, which the framing room reads as a cue used
to keep a frame at a distance. Speakers come from :mod:`analysis.text.attribution`, typed
by :mod:`analysis.text.source_types` or a study actor's ``source_type``.

Tables: ``voice_spans`` (every non-outlet stretch, cut at sentence bounds) and
``sentence_voice`` (the outlet's when at least half of a sentence is its own words, else the largest
other voice). Hand-written rules because no shippable library labels reported speech; their accuracy
on hand-labelled AllSides sentences (``data/gold/voice``) is in ``reports/validation``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core import tables
from analysis.core.study import Actor
from analysis.text import attribution as att
from analysis.text import positions
from analysis.text.quote_marks import all_quote_spans

VOICES = ("outlet", "quoted", "reported", "attributed")
SPAN_VOICES = ("quoted", "reported", "attributed", "scare_quote")

# Speech acts (reported) and stated positions (attributed). Verbs of the first kind take a clause
# ("said the move was ..."); those of the second take a noun ("announced tariffs", "vowed action", "added
# Hikvision to the list") and report speech only when "that" follows (after a tag, "..., he added." reports); "accused"/"denied" report whatever follows them.
_CLAUSE_VERBS = ("said says say told tells warned warns wrote writes stated states noted notes "
                 "explained explains insisted insists insist claimed claims claim declared declares stressed stresses asserted "
                 "asserts acknowledged acknowledges confirmed confirms responded replied countered complained "
                 "complains tweeted tweets posted reported reports revealed reveals disclosed cautioned cautions "
                 "suggested suggests predicted predicts accused accuses accusing denied denies deny denying "
                 "notified notifies").split()
_NOUN_VERBS = ("added adds announced announces announcing vowed vows pledged pledges promised promises urged urges called calls demanded "
               "demands rejected rejects dismissed dismisses slammed slams blasted blasts condemned condemns "
               "described describes requested requests threatened threatens criticized criticizes criticised "
               "expressed expresses").split()
# "Citizen Lab found that ...": a finding is attributed, and only a "that" clause makes "found" one.
_FINDING = ("found", "finds")
_ATTRIBUTING = ("argued argues argue contended contends contend maintained maintains maintain alleged alleges "
                "believes believe considers consider show shows showed concluded concludes").split()
# A stance taken by an act, whose object is the position ("Trump has threatened billions more in tariffs",
# "China pushed back at the perception that ...", "thanked Trump for signing the law"): attributed.
_STANCE = ("threatened threatens threatening condemned condemns condemning defended defends defending thanked "
           "thanks praised praises").split() + [
    "pushed back", "pushes back", "pushing back", "push back", "laid the blame", "lays the blame", "put the blame",
    "puts the blame", "critical of"]
# A demand or warning aimed at something ("have called for a response", "warned against ... influence"):
# the speech act's content follows the preposition.
_DEMANDING = {"called": "for", "calls": "for", "call": "for", "calling": "for", "appealed": "for",
              "appeals": "for", "pressed": "for", "warned": "against", "warns": "against", "warning": "against",
              "cautioned": "against"}
_PARTICIPLES = "saying claiming arguing insisting warning adding noting accusing stressing asserting contending".split()
_ONLY_DEMANDING = set(_DEMANDING) - set(_CLAUSE_VERBS + _NOUN_VERBS + _PARTICIPLES)  # "pressed him on" reports nothing
_VERBS = (dict.fromkeys(_CLAUSE_VERBS + _NOUN_VERBS + list(_DEMANDING), "reported")
          | dict.fromkeys(_ATTRIBUTING + list(_FINDING), "attributed") | dict.fromkeys(_PARTICIPLES, "reported"))
_STANCE_VERBS = _VERBS | dict.fromkeys(_STANCE, "attributed")
_VERB = re.compile(r"(?<![-\w])(?P<v>" + "|".join(sorted(map(re.escape, _STANCE_VERBS), key=len, reverse=True))
                   + r")(?![-\w])")
# Subjects that do not speak: a law or bill "calls for sanctions" (what it provides is the outlet's paraphrase),
# and "that threatens to depress growth" is no party's stance.
_NOT_A_SPEAKER = re.compile(r"(?i)\b(?:law|act|bill|legislation|resolution|measure|rule|amendment|order)\b|"
                            r"^(?:that|this|these|those|it)$")
# "has been warning against": a progressive form is finite, its subject precedes the auxiliary
_PROGRESSIVE = re.compile(r"\b(?:has|have|had|is|are|was|were)\s+been\s+$|\b(?:is|are|was|were)\s+$")
_ADDRESSEE = re.compile(r"^\s*(?:reporters|journalists|lawmakers|the media|the press|(?:the\s+)?[A-Z][\w.\u2024-]*"
                        r"(?:\s+[A-Z][\w.\u2024-]*)*|him|her|them|us|me)\b")
_OBJECT = re.compile(r"^\s*(?:(?:on|in|at|last|this)\s+(?:\w+\s+){0,3}?(?=that\b)|"
                     r"(?:on|in|at|last|this)\s+[^,]{1,40},\s*)?(?:that\s+|:\s*|,\s*)?")
# "announced on Friday that", "expressed regret that"
_THAT = re.compile(r"^\s*(?:[^,.;:!?\"“”]{0,40}?\s)?(?:that|:)\s|"
                   r"^\s*(?=(?:it|they|he|she|we)\s+(?:would|will|had|has|was|is|planned|plans|intends)\b)")
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight)"
_TIMED = re.compile(rf"^\s*{_DAY}\b\s+(?!that\b)")  # "announced Wednesday the government will ..."
# "said on Saturday the United States wanted ...": a time phrase after the verb, not a preposition's object
_TIME_FIRST = re.compile(rf"^\s*(?:on|last|this|early|late)\s+(?:{_DAY}|week|weekend|month|year|morning|night)\b,?")
# Before a verb whose subject is the sentence's ("China has continued to deny that", "..., and said ...").
_SHARED_SUBJECT = re.compile(r"(?:,?\s+(?:and|but)(?:\s+(?:also|later|then))?|\s+to)\s*$")
# "China's commerce ministry expressed regret ..., and said": a subject with common nouns before its verb.
_LEADING_NOUNS = re.compile(r"\s*((?:the\s+)?[A-Z][\w.'’\u2024-]*(?:\s+[a-zA-Z][\w.'’\u2024-]*){0,5}?)\s+"
                            r"(?:has\s+|have\s+|had\s+)?(?!(?:un)?(?:named|based|elected|related)\b)[a-z]+ed\b")
_COPULA = re.compile(r"\s+(?:(?:has|have|had)\s+been|is|are|was|were)(?:\s+[a-z]+ly)?\s+$")
_OPENING_TIME = re.compile(rf"^\W*(?:(?:On|Last|This|Early|Late|Earlier|Later)\s+)?(?:{_DAY}|week|weekend|month|year)\b,?\s+",
                           re.IGNORECASE)
_GROUP = re.compile(r"^\W*(?:(?:But|And|Yet),?\s+)?(Many|Some|Others|Several|Most|Critics)\s+(?:(?:have|had|also)\s+)*$")
# "China called looming U.S. tariffs a violation of accords": the naming verb's object and its new name are the
# speaker's (an object then "a"/"an" before a lowercase word; "called for"/"called on" stay demands)
_CALLED = ("called", "calls", "calling")
_NAMED_AS = re.compile(r"^(?=\s+(?!(?:for|on|off|in|up|out|back|it|him|her|them)\b)[^,;:.!?\"“”]{1,60}?\s+an?\s+[a-z])")
_PREPOSITION = re.compile(r"^\s*(?:of|about|against|on|at|over|for|with|to|from)\b")  # "warns of countermeasures"
_RELATIVE = re.compile(r"(?P<np>[^,;:!?\"“”]{2,80}),\s+(?:which|who)\s+(?:(?:has|have|had|also|repeatedly|long|"
                       r"has long|consistently)\s+)*(?P<v>" + "|".join(_CLAUSE_VERBS) + r")\b(?P<content>[^,;]+)")
_QUOTED_AS = re.compile(r"\b(?:was|were|is|are|been)\s+quoted\b[^,;.]{0,60}?\bas\s+saying\b")
_WEEKDAY = rf"(?:{_DAY}|here|there)"
_TIME_TAIL = (rf"(?:\s+(?:(?:on|last|this|late|early)\s+)?{_WEEKDAY}\b)?"
              r"(?:\s+(?:on|in|at|during|last|this|late|early|to|via|while|citing|after|before|when)\b"
              r"[^,;:!?\"“”]{0,60})?")
_TAG_END = r"(?:\s*[.!?…]?[\"”’)\]]*\s*$|,\s+(?=[a-z]+ing\b))"  # sentence end, or a participle clause after it
_POSTPOSED = re.compile(
    r"(?P<sep>,|\s[—–]|\s-)(?P<closing>[\"”’])?\s*"
    r"(?:(?P<np>[^,;:!?\"“”]{1,80}?)\s+(?:(?:has|had|also|later)\s+)?(?P<v>"
    + "|".join(v for v in _CLAUSE_VERBS + _ATTRIBUTING + ["added", "adds"]) + r")"
    + r"(?:\s+(?:reporters|journalists|[A-Z][\w.\u2024'’-]*(?:\s+(?:[A-Z][\w.\u2024'’-]*|of|the))*))?" + _TIME_TAIL
    + r"|(?P<v2>said|says|added|adds|wrote|writes|noted|notes|explained|warned|argued|insisted|told)\s+"
      r"(?P<np2>[^;:!?\"“”]{1,160}?)|according to\s+(?P<np3>[^;:!?]{1,160}?))" + _TAG_END)
_WHICH = re.compile(r"\s*(?:which|who)\b")
# A participle clause after a speech tag goes on in the speaker's words ("..., Ross said, calling the rule ...").
_GOING_ON = re.compile(r"\s*(?:saying|adding|noting|calling|describing|warning|arguing|insisting|claiming|stressing|"
                       r"accusing|urging|vowing|dismissing|denouncing|labell?ing|branding)\b")
_ONLY_CIRCUMSTANCE = re.compile(r"^\s*(?:in|on|at|during|after|before|via|while|to|from|with|through|over)\b"
                                r"[^,;:“”\"]*?[.!?…]?[\"”’)\]]*\s*$")
# Where reported content ends: a new clause with its own subject, or a semicolon.
_NEW_CLAUSE = re.compile(r";|,\s+(?:and|but|while|whereas)\s+(?=(?:the\s+)?[A-Z])|"
                         r",\s+but\s+(?=(?:for|in|to|among)\s[^,]{1,40},)")  # "..., but for many residents, ..."
# Where a stance's position ends: a clause of time or cause ("threatened retaliation after Trump signed ..."),
# a participle clause, a semicolon or a new clause with its own subject.
_CIRCUMSTANCE = re.compile(r";|,\s+(?:and|but|while|whereas)\s+(?=(?:the\s+)?[A-Z])|,\s+[a-z]+ing\b|"
                           r"\s(?:after|before|when|while|since|amid|following)\s")
_COORDINATED = re.compile(r"^(?:and|but)\s+(?:the\s+)?[A-Z]")
_ACCORDING_FIRST = re.compile(r"^\W*(?:(?:But|And|Yet|However|Meanwhile|Also),?\s+)?according to\s+"
                              r"(?P<np>[^,;:!?\"“”]{1,120}?),\s*", re.IGNORECASE)
# Verbs that make a short quoted span someone's words rather than a mention of a term.
_NAMING = re.compile(r"(?:\b(?:called|calls|calling|dubbed|dubs|labell?ed|branded|brands|termed|terms|decried|denounced"
                     r"|condemned|slammed|blasted|described|describes|describing|characteri[sz]ed|criticized|said|says"
                     r"|saying|urged|warned|vowed|accused|accusing|claim|claims|claimed|as)\b[^.;:!?\"“”]{0,50}"
                     r"|[:,]\s*)$")

# A quoted name rather than words: every word capitalised but short function words ("Hong Kong Human Rights
# and Democracy Act", "Total Cost of Goods Sold").
_TITLE_WORD = r"(?:[A-Z][\w'’&.-]*|of|and|the|for|on|in|to|a|an|at|by|with|[\d$][\w.,$%-]*)"
_TITLE = re.compile(rf"^[A-Z][\w'’&.-]*(?:\s+{_TITLE_WORD})+[.,]?$")
# The outlet's own glosses inside someone's reported words: an aside between dashes ("the company—founded
# in 1987 by a former army engineer—is ..."), and a descriptor before a name ("the tech giant Huawei").
_ASIDE = re.compile(r"(?:\s[—–]\s?|(?<=\w)[—–])[^—–\n.;:!?\"“”]{3,150}?(?:\s?[—–]\s|[—–](?=\w))"
                    r"|\b(?:[A-Z][\w-]*\s+)?(?:[a-z-]+\s+){0,2}giants?\b(?=\s+[A-Z])")


def _inside(regions: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and regions[i][0] <= pos < regions[i][1]


def _quoted(text: str, reader: att.ArticleSpeakers, min_quote_words: int) -> tuple[list[tuple], list[tuple]]:
    """(quoted stretches, scare-quoted stretches) as (start, end, speaker, source_type, cue) tuples."""
    spans = [(o, c, o + 1, c, " ".join(text[o + 1:c].split()), conts) for o, c, conts in all_quote_spans(text)]
    quoted, scare = [], []
    for (o, c, s, e, body, _), row in zip(spans, reader.quotes(spans)):
        speaker, cue, source_type = row[6], row[7], row[9]
        n_words = len(att.WORD.findall(body))
        line_start = text.rfind("\n", 0, o) + 1
        lead = reader.masked[max(line_start, o - 80):o]
        if _TITLE.match(body):  # a name in quote marks: a bill, a book, a category of a filing
            scare.append((s, e, "", "", ""))
        elif n_words >= min_quote_words or _NAMING.search(lead):
            quoted.append((s, e, speaker, source_type, cue))
        elif n_words:
            scare.append((s, e, "", "", ""))
    return quoted, scare


def _preposed(sentence: str, lo: int, hi: int, inside) -> tuple[int, int, str, tuple, int] | None:
    """(content start, content end, voice, attribution, verb position) of the first "X said ..." in
    ``sentence[lo:hi]``. The content ends where a new clause with its own subject begins ("..., and China
    called it ...") or at a semicolon."""
    quoted_as = _QUOTED_AS.search(sentence, lo, hi)
    relative = _RELATIVE.search(sentence, lo, hi)
    for m in _VERB.finditer(sentence, lo, hi):
        verb = m["v"]
        if inside(m.start()):
            continue
        if relative and relative.start("v") == m.start():  # "China, which denies mistreatment, ..."
            head = att.valid_np(att.CLAUSE_OPENERS.sub("", relative["np"].split(",")[-1].strip()))
            if head:
                attr = (head.replace(att.MASK_DOT, "."), "", verb)
                return m.end(), relative.end("content"), "reported", attr, m.start()
        participle = None
        before = sentence[:m.start()]
        if verb.endswith("s") and re.search(r"(?:\w['’]s|\ws['’])\s+$", before):
            continue  # "Washington's demands that": a noun after a possessive (see positions.held_views)
        if verb in _STANCE and verb != "critical of" and re.search(r"\b(?:was|were|is|are|been|be|being)\s+$", before):
            continue  # "an attack blamed on Iran": a passive's subject takes no stance
        progressive = _PROGRESSIVE.search(before) if verb.endswith("ing") else None
        if progressive:  # "officials have been warning against ...": finite, its subject before "have been"
            subject = att.np_before(before[:progressive.start()])
        elif verb.endswith("ing") and verb in _STANCE + ["announcing"]:  # "..., threatening to impose tariffs"
            lead = att.LEADING_SUBJECT.match(sentence) if re.search(r",\s*$", before) else None
            head = att.valid_np(lead[1]) if lead else None
            subject = (head, "") if head else None
        elif verb in _PARTICIPLES:  # "..., saying ...": the speaker is the sentence's subject
            if quoted_as is None and m.start() == 0:
                continue
            subject = att.np_before(sentence[:quoted_as.start()]) if quoted_as else None
            participle = None if quoted_as else att.left_attribution(sentence[:m.end()])
            if participle is not None:
                subject = (participle[0], participle[1])
        else:
            # "Beijing has been increasingly critical of", "On Friday it said": the subject without its time or copula
            subject = att.np_before(_COPULA.sub(" ", before) if verb == "critical of" else before) or (
                att.np_before(_OPENING_TIME.sub("", before)) if _OPENING_TIME.match(before) else None)
            if subject is None and _GROUP.match(before):  # "Many have called for ...": an unnamed group
                subject = (_GROUP.match(before)[1], "")
            if subject is None and _SHARED_SUBJECT.search(sentence[:m.start()]):
                lead = att.LEADING_SUBJECT.match(sentence) or _LEADING_NOUNS.match(sentence)
                head = att.valid_np(lead[1]) if lead else None
                subject = (head, "") if head else None
        if subject is None:
            continue
        rest = sentence[m.end():hi]
        aimed = re.match(rf"\s*{_DEMANDING[verb]}\b", rest) if verb in _DEMANDING else None
        # "Washington and Beijing have threatened tariffs": two parties describe the conflict, not a stance
        paired = verb in _STANCE and re.search(rf"(?<!,)\s(?:and|or)\s+{re.escape(subject[0])}\b", before)
        if (verb in _STANCE or aimed) and not _NOT_A_SPEAKER.search(subject[0]) and not paired:
            rest = rest[aimed.end():] if aimed else rest
            if len(att.WORD.findall(rest)) < 2:
                continue
            attr = (subject[0].replace(att.MASK_DOT, "."), subject[1].replace(att.MASK_DOT, "."), verb)
            start = hi - len(rest)
            cut = _CIRCUMSTANCE.search(sentence, start, hi)
            return start, cut.start() if cut else hi, _STANCE_VERBS[verb], attr, m.start()
        if verb in _STANCE or aimed or verb in _ONLY_DEMANDING:
            continue  # "pressed him on the fact that": no demand without its preposition
        if verb in ("told", "tells") and _ADDRESSEE.match(rest):
            rest = rest[_ADDRESSEE.match(rest).end():]
        timed = _TIME_FIRST.match(rest[_OBJECT.match(rest).end():])
        if timed:  # "said on Saturday the United States wanted ..."
            rest = rest[_OBJECT.match(rest).end() + timed.end():]
        if verb in _NOUN_VERBS or verb in _FINDING:
            that = _THAT.match(rest) or _TIMED.match(rest) or (_NAMED_AS.match(rest) if verb in _CALLED else None)
            if that is None:
                continue
            rest = rest[that.end():]
        elif (not timed and _PREPOSITION.match(rest[_OBJECT.match(rest).end():])
              and verb not in ("accused", "accuses", "accusing")):
            continue  # "warned of countermeasures", but not "told Fox on Friday, calling the rule ..."
        rest = rest[_OBJECT.match(rest).end():]
        # '"...," he said, and China ...'; '"...," she said in the audio.' (only where and how she said it)
        if _COORDINATED.match(rest) or len(att.WORD.findall(rest)) < 3 or _ONLY_CIRCUMSTANCE.match(rest):
            continue
        attr = (subject[0].replace(att.MASK_DOT, "."), subject[1].replace(att.MASK_DOT, "."), verb)
        start = hi - len(rest)
        cut = _NEW_CLAUSE.search(sentence, start, hi)
        return start, cut.start() if cut else hi, _VERBS[verb], attr, m.start()
    return None


def _reported(reader: att.ArticleSpeakers, quoted: list[tuple]) -> list[tuple]:
    """Reported and attributed stretches, sentence by sentence, outside the quoted ones."""
    regions = sorted((s, e) for s, e, *_ in quoted)
    glosses = sorted(regions + [m.span() for m in _ASIDE.finditer(reader.masked)])
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
_POSITION_CUES = frozenset(_STANCE + list(_FINDING) + ["considered", "claim"])


def reported_speech(reader: att.ArticleSpeakers, quoted: list[tuple[int, int]]) -> list[tuple]:
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


def _stretches(reader: att.ArticleSpeakers, regions: list[tuple[int, int]]) -> list[tuple]:
    """(start, end, voice, attribution, position of the tag) of each reported or attributed stretch."""
    starts = [r[0] for r in regions]
    found = []
    for a, b in reader.bounds:
        sentence = reader.masked[a:b]
        stripped = sentence.rstrip()
        inside = lambda pos: _inside(regions, starts, a + pos)  # noqa: E731
        tag = _POSTPOSED.search(stripped)
        if tag and tag["closing"] and _stands_alone(stripped, tag.start("sep"), a, regions, starts):
            tag = None  # '"...," X said.': the quote is the content, and it is already quoted
        if tag and tag["np2"] is not None and _FINITE.search(tag["np2"].split(",")[0]):
            tag = None  # "X, a lawyer, said China Daily's failure ... was a violation": preposed, not inverted
        end = len(stripped)
        first = _ACCORDING_FIRST.match(sentence)
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
                    while len(parts) > 1 and _WHICH.match(parts[-1]):
                        parts.pop()
                    head = att.valid_np(parts[-1]) if len(parts) > 1 else None
                    sep = len(",".join(parts[:-1])) if head else sep
                verb = tag["v"] or tag["v2"]
                attr = (head.replace(att.MASK_DOT, "."), "", verb) if head else None
                voice = _VERBS.get(verb, "reported")
            if attr is not None:
                inner = _preposed(stripped, 0, sep, inside)  # "Liu said ..., Xinhua reported": Liu spoke
                if inner is not None:
                    found.append((a + inner[0], a + inner[1], inner[2], inner[3], a + inner[4]))
                else:  # an opening "According to X," stays the outlet's tag: one speaker per stretch
                    lead = first.end() if first and first.end() < sep else 0
                    found.append((a + lead, a + sep, voice, attr, a + sep))
                going_on = _GOING_ON.match(stripped, tag.end())  # '"...," Ross said, calling the rule "tailored"'
                if going_on:
                    found.append((a + going_on.end(), a + len(stripped), "reported", attr, a + sep))
                if tag.end() >= len(stripped) or going_on:
                    continue
                end, first = sep, None
        if first:
            attr = att.with_statement(att.np_after(first["np"]), "according to", first["np"])
            if attr is not None:
                found.append((a + first.end(), a + len(stripped), "attributed", attr, a))
                continue
        pre = _preposed(stripped, 0, len(stripped), inside)
        if pre is not None and (end == len(stripped) or pre[0] > end):
            found.append((a + pre[0], a + pre[1], pre[2], pre[3], a + pre[4]))
            # "The government called for calm, saying it had stopped work on the bill": the same speaker goes on
            going_on = re.match(r",\s*", stripped[pre[1]:]) and _GOING_ON.match(stripped, pre[1] + 1)
            if going_on and pre[1] < end:
                found.append((a + going_on.end(), a + end, "reported", pre[3], a + pre[4]))
        elif pre is None and end == len(stripped):
            found += [(a + s, a + e, v, attr, a + p) for s, e, v, attr, p in positions.held_views(stripped)
                      if not inside(s)]
    return found


_FINITE = re.compile(r"\b(?:is|was|are|were|will|would|has|have|had|could|can|should|may|might)\b")


def _stands_alone(sentence: str, sep: int, offset: int, regions: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether the quote that closes at ``sep`` opens its sentence or follows a colon or comma: then it is
    the whole content of the tag after it, not the end of a paraphrase that runs into it ('Companies disagree
    with tariff hikes but "are supportive ...," said X')."""
    i = bisect.bisect_right(starts, offset + sep) - 1
    if i < 0 or not regions[i][0] <= offset + sep <= regions[i][1]:
        return True
    lead = sentence[:max(0, regions[i][0] - offset - 1)].rstrip(" \"'“‘")
    return not lead or lead.endswith((":", ",")) or bool(_VERB.search(lead[-30:]))


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


def article_voices(reader: att.ArticleSpeakers, *,
                   min_quote_words: int = 3) -> list[tuple[int, int, str, str, str, str]]:
    """(start, end, voice, speaker, source_type, cue) of every non-outlet stretch of one article, by start."""
    quoted, scare = _quoted(reader.text, reader, min_quote_words)
    for s, e, poster in positions.embedded_posts(reader.text):
        speaker, cue, source_type, _ = reader.resolve((poster, "", "posted"), e)
        quoted.append((s, e, speaker, source_type, cue))
    rows = [(s, e, "quoted", sp, st, cue) for s, e, sp, st, cue in quoted]
    rows += [(s, e, voice, sp, st, cue) for s, e, sp, st, cue, voice in _reported(reader, quoted)]
    rows += [(s, e, "scare_quote", "", "", "") for s, e, *_ in scare]
    return sorted(rows)


def voice_spans(articles: pd.DataFrame, sentences: pd.DataFrame, *, actors: Sequence[Actor] = (),
                min_quote_words: int = 3) -> pd.DataFrame:
    """The ``voice_spans`` table: each non-outlet stretch of every article, cut at sentence bounds."""
    if min_quote_words < 1:
        raise ValueError(f"min_quote_words must be at least 1, got {min_quote_words}")
    rows = []
    for doc, outlet, text, reader in att.read_articles(articles, sentences, actors=actors):
        doc_sents = reader.sents
        if not len(doc_sents):
            continue
        for s, e, voice, speaker, source_type, cue in article_voices(reader, min_quote_words=min_quote_words):
            first = max(int(np.searchsorted(doc_sents[:, 1], s, "right")) - 1, 0)
            for sent_id, a, b in doc_sents[first:]:
                if a >= e:
                    break
                lo, hi = max(s, int(a)), min(e, int(b))
                if hi > lo and text[lo:hi].strip():
                    rows.append((doc, int(sent_id), outlet, lo, hi, voice, speaker, source_type or "unknown", cue))
    return tables.from_rows(rows, "voice_spans").drop_duplicates(["doc_id", "sent_id", "start"], ignore_index=True)


def voice_at(spans: pd.DataFrame, doc_ids: Sequence[str], positions: Sequence[int]) -> pd.DataFrame:
    """Voice, speaker and source type at each (doc_id, article offset); ``outlet`` where no span covers it.

    Scare quotes are not a voice: a position inside one gets the voice around it, and
    ``scare_quoted`` says it sits between scare quotes. Where a quote lies inside reported
    speech, the quote wins.
    """
    n = len(doc_ids)
    voice, speaker, source_type = ["outlet"] * n, [""] * n, [""] * n
    scare = np.zeros(n, dtype=bool)
    by_doc = {doc: (g["start"].to_numpy(), g["end"].to_numpy(), g["voice"].to_numpy(), g["speaker"].to_numpy(),
                    g["speaker_type"].to_numpy()) for doc, g in spans.groupby("doc_id", sort=False)}
    for i, (doc, pos) in enumerate(zip(doc_ids, positions)):
        if doc not in by_doc:
            continue
        starts, ends, voices, speakers, types = by_doc[doc]
        for j in np.flatnonzero((starts <= pos) & (pos < ends)):
            if voices[j] == "scare_quote":
                scare[i] = True
            elif voice[i] == "outlet" or voices[j] == "quoted":
                voice[i], speaker[i], source_type[i] = voices[j], speakers[j], types[j]
    return pd.DataFrame({"voice": voice, "speaker": speaker, "speaker_type": source_type, "scare_quoted": scare})


def sentence_voice(spans: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The ``sentence_voice`` table: the outlet's voice when at least half the characters are, else the
    largest other voice; and the outlet share."""
    sent = sentences[["doc_id", "sent_id", "outlet", "start", "end"]]
    length = (sent["end"] - sent["start"]).clip(lower=1)
    voiced = spans.loc[spans["voice"] != "scare_quote"].assign(chars=lambda d: d["end"] - d["start"])
    by_voice = voiced.groupby(["doc_id", "sent_id", "voice"], as_index=False)["chars"].sum()
    top = (by_voice.sort_values(["doc_id", "sent_id", "chars"], ascending=[True, True, False])
           .drop_duplicates(["doc_id", "sent_id"]))
    speakers = (voiced.sort_values("chars", ascending=False).drop_duplicates(["doc_id", "sent_id", "voice"])
                [["doc_id", "sent_id", "voice", "speaker", "speaker_type"]])
    top = top.merge(speakers, on=["doc_id", "sent_id", "voice"], how="left")
    out = sent.assign(length=length.to_numpy()).merge(top, on=["doc_id", "sent_id"], how="left")
    other = voiced.groupby(["doc_id", "sent_id"])["chars"].sum().rename("other_chars").reset_index()
    out = out.merge(other, on=["doc_id", "sent_id"], how="left")
    other_chars = out["other_chars"].fillna(0).clip(upper=out["length"])
    out["outlet_share"] = 1 - other_chars / out["length"]
    own = out["voice"].isna() | (out["outlet_share"] >= 0.5)  # "mostly" others' words: over half of it
    out.loc[own, ["voice", "speaker", "speaker_type"]] = ["outlet", "", ""]
    out = out[["doc_id", "sent_id", "outlet", "voice", "speaker", "speaker_type", "outlet_share"]]
    return tables.from_rows(list(out.itertuples(index=False, name=None)), "sentence_voice")
