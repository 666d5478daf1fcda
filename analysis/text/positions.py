"""Others' words that carry no speech verb: posts embedded without quote marks, views held "by" someone, and
possessed claims.

The speech-verb rules of :mod:`analysis.text.speech_tags` miss four forms the hand-labelled AllSides gold
(``data/gold/voice``) keeps meeting:

* an embedded post: a paragraph ending "— Name (@handle) May 12, 2019" is the poster's verbatim text though no
  quote marks surround it (the signature line itself names the source and stays the outlet's);
* a view with its holder in a passive: "Tencent is considered by many experts to be a surveillance arm";
* a claim owned by a possessive: "Washington's demands that China change its laws", "U.S. firms' complaints
  that customs clearance was slow";
* a finding with its holder after "by": "the finding by U.S. intelligence agencies that Russia meddled".

Hand-written rules for the same reason as the voice rules: no shippable library labels reported speech.
"""

from __future__ import annotations

import re

from analysis.text import attribution as att

_POST = re.compile(r"(?m)^[ \t]*(?P<body>\S[^\n]*?)\s*[—–]\s*(?P<name>[^\n()—–]{1,60}?)\s*\(@\w{1,30}\)\s+"
                   r"[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}[ \t]*$")
_NAME = r"[A-Z][\w.'’&\u2024-]*"
_HELD_BY = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:(?:widely|also|long|often|now)\s+)*"
                      r"(?:considered|regarded|seen|viewed|deemed)\s+by\s+(?P<np>[^,;:!?\"“”—–]{2,80}?)\s+"
                      r"(?:to\s+be|as)\s+")
_CLAIM = re.compile(rf"(?P<np>(?:{_NAME}\s+){{0,3}}(?:{_NAME}|[a-z]+))['’]s?\s+(?:[a-z]+\s+)?"
                    r"(?:demands?|complaints?|claims?|allegations?|accusations?|arguments?|assertions?|insistence|"
                    r"contention|charges?)\s+(?:that|against)\s+")
# A finding or judgement with its holder after "by" or "of": "the finding by U.S. intelligence agencies that Russia
# meddled", "the assessment of the agency that ..."
_FINDING_BY = re.compile(r"\b(?:finding|conclusion|assessment|determination|judgment|judgement)s?\s+(?:by|of)\s+"
                         r"(?P<np>[^,;:!?\"“”—–]{2,80}?)\s+that\s+")
# A claim or a worry whose holder is a modifier ("reflects government concerns that ...", "follows U.S. claims that
# ...", "amid Chinese fears that ..."); an unowned "amid fears that" stays the outlet's.
HOLDER_MODIFIERS = (r"(?:U[.\u2024]S[.\u2024]|US|American|Chinese|Western|European|Beijing|Washington|Republican|Democratic|"
                    r"government|administration|official|congressional|industry|business)")
# (not after a determiner: "the government claims that" is a verb, left to the speech tags)
_HELD_BY_MODIFIER = re.compile(rf"(?<!\bthe\s)(?<!\bits\s)(?<!\btheir\s)(?<!\bthis\s)(?<!\ban\s)(?<!\ba\s)"
                               rf"\b(?P<np>{HOLDER_MODIFIERS})\s+(?:concerns|fears|worries|suspicions|claims|allegations|"
                               r"accusations|complaints|demands|warnings|assertions)\s+that\s+")
# Where the held view ends: a dash, a semicolon or a new clause with its own subject.
_VIEW_END = re.compile(r"[;—–]|\s-\s|,\s+(?:and|but|while|whereas)\s")

# Each pattern with a regex that finds a part of every match of it: a quick test that spares most sentences the
# pattern's slow scan from every position ("by", an apostrophe or "that" alone, the test before, let through about
# half of all sentences).
_VIEWS = ((_HELD_BY, "considered", re.compile(r"(?:considered|regarded|seen|viewed|deemed)\s+by\s")),
          (_CLAIM, "claim", re.compile(r"['’]s?\s+(?:[a-z]+\s+)?(?:demands?|complaints?|claims?|allegations?|"
                                       r"accusations?|arguments?|assertions?|insistence|contention|charges?)\s+"
                                       r"(?:that|against)\s")),
          (_FINDING_BY, "finding", re.compile(r"(?:finding|conclusion|assessment|determination|judgment|judgement)"
                                              r"s?\s+(?:by|of)\s")),
          (_HELD_BY_MODIFIER, "claim", re.compile(r"(?:concerns|fears|worries|suspicions|claims|allegations|"
                                                  r"accusations|complaints|demands|warnings|assertions)\s+that\s")))


def embedded_posts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, poster) of the text of each embedded post."""
    if "(@" not in text:  # every signature holds one; the pattern is slow to fail at each line
        return []
    return [(m.start("body"), m.end("body"), " ".join(m["name"].split())) for m in _POST.finditer(text)]


def held_views(sentence: str) -> list[tuple[int, int, str, tuple[str, str, str], int]]:
    """(content start, content end, ``attributed``, attribution, holder position) in ``sentence``, a masked
    sentence: views held "by" someone and possessed claims."""
    out = []
    for rx, cue, part in _VIEWS:
        if not part.search(sentence):
            continue
        for m in rx.finditer(sentence):
            head = m["np"] if rx is _HELD_BY_MODIFIER else att.valid_np(m["np"])
            if head is None or (cue == "claim" and not att.WORD.findall(head)):
                continue
            end = _VIEW_END.search(sentence, m.end())
            stop = end.start() if end else len(sentence)
            if len(att.WORD.findall(sentence[m.end():stop])) >= 2:
                out.append((m.end(), stop, "attributed", (head.replace(att.MASK_DOT, "."), "", cue), m.start("np")))
    return out
