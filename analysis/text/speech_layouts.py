"""Speech marked by layout or position rather than by a tag before its content.

:mod:`analysis.text.speech_tags` finds "X said (that) ..." and "..., X said" inside one sentence. News also
reports speech in four forms those patterns miss (each met in the hand-labelled AllSides gold, ``data/gold/voice``,
and common in wire copy and press releases):

* a list or paragraph after a tag that ends in a colon ("The groups said in their letter that the NPCSC should:"
  followed by bulleted demands), which runs over several lines;
* a headline in title case, whose verbs are capitalised ("Hong Kong Protesters and Activists Say Withdrawal of
  Extradition Bill Is Too Little, Too Late");
* an opening participle clause whose speaker is the sentence's subject ("Criticizing China's construction of a
  surveillance state, Pence held up Taiwan's democracy");
* a parenthetical "as X claims" that hands the phrase before it to X ("not just political extremism, as
  authorities claim, but ...").

Hand-written for the same reason as the other voice rules: no shippable library labels reported speech.
"""

from __future__ import annotations

import re

from analysis.text import attribution as att
from analysis.text.speech_tags import POSSESSIVE_BEFORE, VERB, VERBS

# Capitalised verbs of a title-case headline, written lowercase so the tag patterns read them (same length, so
# offsets hold). "States", "Post" and "Reports" are left alone: in a headline they are nouns as often as verbs.
_HEADLINE_VERBS = frozenset(("say says warn warns urge urges vow vows accuse accuses deny denies slam slams blast "
                             "blasts call calls criticize criticizes condemn condemns threaten threatens reject "
                             "rejects dismiss dismisses insist insists tell tells pledge pledges demand "
                             "demands").split())
# Conjunctions of a title-case headline, lowercased with its verbs: "Trade War Fears Grow As China Says No To
# Talks" then reads China as the one who speaks
_HEADLINE_LINKS = frozenset("As And But After Amid While When Why How Despite Before Since If That Which".split())
_CAPITAL_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_LONG_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def headline_probe(sentence: str) -> str:
    """``sentence`` with its capitalised speech verbs lowercased when it is a title-case headline, else itself."""
    if sentence.rstrip().endswith((".", "!", "?", ":", '"', "”")) or len(sentence) > 160:
        return sentence
    long_words = _LONG_WORD.findall(sentence)
    if len(long_words) < 4 or sum(w[0].isupper() for w in long_words) < 0.75 * len(long_words):
        return sentence
    return _CAPITAL_WORD.sub(lambda m: m.group().lower() if m.start() > 0 and (
        m.group().lower() in _HEADLINE_VERBS or m.group() in _HEADLINE_LINKS) else m.group(), sentence)


# An opening participle of a speech act or a stance, its content up to the comma before the subject.
_PARTICIPLE_VOICE = {"Criticizing": "attributed", "Criticising": "attributed", "Denouncing": "attributed",
                     "Condemning": "attributed", "Blaming": "attributed", "Praising": "attributed",
                     "Welcoming": "attributed", "Citing": "attributed", "Arguing": "attributed",
                     "Accusing": "reported", "Warning": "reported", "Insisting": "reported", "Claiming": "reported",
                     "Saying": "reported", "Describing": "reported", "Urging": "reported", "Rejecting": "reported",
                     "Dismissing": "reported", "Denying": "reported"}
_OPENING = re.compile(r"^\W*(?P<v>" + "|".join(_PARTICIPLE_VOICE) + r")\s+(?P<content>[^;:]{5,200}?),\s+"
                      rf"(?P<np>(?:the\s+)?(?:{att.NAME_RX}\s+){{0,5}}?{att.NAME_RX}|he|she|they|it)\s+"
                      r"(?:(?:has|have|had|also|then|later|again)\s+)*[a-z]{2,}\b")


def opening_participle(sentence: str) -> tuple[int, int, str, tuple[str, str, str], int] | None:
    """(content start, content end, voice, attribution, position) of an opening "Criticizing X, Pence ..."."""
    m = _OPENING.match(sentence) if sentence.lstrip()[:1].isupper() else None
    head = att.valid_np(m["np"]) if m else None
    if head is None:
        return None
    attr = (head.replace(att.MASK_DOT, "."), "", m["v"].lower())
    return m.start("content"), m.end("content"), _PARTICIPLE_VOICE[m["v"]], attr, m.start("np")


# "..., as authorities claim, ...": the phrase back to the last comma or dash is X's
_AS_CLAIMED = re.compile(r"(?P<content>[^,;:—–()“”\"]{8,200}?),\s+as\s+(?P<np>[^,;:!?“”\"]{2,60}?)\s+"
                         r"(?:claim|claims|claimed|allege|alleges|alleged|contend|contends|argue|argues|maintain|"
                         r"maintains|insist|insists|put it)(?=\s*[,;.—–]|\s*$)")


def as_claimed(sentence: str) -> list[tuple[int, int, str, tuple[str, str, str], int]]:
    """(content start, content end, ``attributed``, attribution, position) of each "…, as X claims"."""
    out = []
    for m in _AS_CLAIMED.finditer(sentence) if ", as " in sentence else ():
        # ("were not a national security measure, as Trump claimed, but a tax": the outlet denies what he claimed,
        # and the frame's words are still his)
        head = att.valid_np(m["np"])
        if head is not None:
            start = m.start("content") + len(m["content"]) - len(m["content"].lstrip())
            out.append((start, m.end("content"), "attributed", (head.replace(att.MASK_DOT, "."), "", "as claimed"),
                        m.start("np")))
    return out


def colon_tag(sentence: str) -> tuple[str, tuple[str, str, str], int] | None:
    """(voice, attribution, verb position) of a sentence that ends in a colon after a speech tag."""
    if not sentence.rstrip().endswith(":"):
        return None
    for m in VERB.finditer(sentence):
        if POSSESSIVE_BEFORE.search(sentence[max(0, m.start() - 80):m.start()]):
            continue  # "China's demands include:": a noun after a possessive
        voice = VERBS.get(m["v"])
        subject = att.np_before(sentence[:m.start()]) if voice else None
        if subject is not None:
            return voice, (subject[0].replace(att.MASK_DOT, "."), subject[1], m["v"]), m.start()
    return None


_MAX_LIST_LINES = 8


# Page furniture, never a list item: inserted in the story ("Story continues below advertisement": skipped) or
# closing it ("Related coverage", "Share this article", "Copyright ...": the list has ended)
_INSERTED = re.compile(r"(?i)^\W*(?:advertisement|story continues|continue reading|photo|image|video)\b")
_CLOSING = re.compile(r"(?i)^\W*(?:read more|related|more on|share|sign up|subscribe|click|follow us|copyright|"
                      r"all rights reserved)\b")


def _ends(piece: str) -> bool:
    return piece.rstrip("\"”’')]").endswith((".", "!", "?", "…"))


def listed_after(text: str, bounds: list[tuple[int, int]], i: int) -> list[int]:
    """Indices of the sentences after sentence ``i`` (a colon tag that ends its line) that carry its speech: the
    lines that follow, while they read as items (no closing full stop, or starting lowercase), at most eight
    paragraphs; the first line after the colon always. Stops at a line that ends in a colon of its own, at page
    furniture that closes a story, and at a capitalised paragraph that ends in a full stop after items that did not (the article's
    prose resumes); lines of fewer than three words and inserted furniture ("Advertisement") are skipped."""
    if text[bounds[i][1]:].lstrip(" \t")[:1] not in ("\n", ""):
        return []  # 'Trump said: "He paused ..."': the content follows on the same line, and a tag covers it
    out, lines, ended = [], 0, False
    last_line = text.count("\n", 0, bounds[i][0])
    for j in range(i + 1, len(bounds)):
        a, b = bounds[j]
        line = text.count("\n", 0, a)
        piece = text[a:b].strip()
        if line != last_line:  # a new paragraph
            lines += 1
            starts_lower = piece[:1].islower()
            prose = lines > 1 and not starts_lower and (ended or _ends(piece))
            if lines > _MAX_LIST_LINES or prose or piece.rstrip().endswith(":") or _CLOSING.match(piece):
                break
            last_line = line
        if len(att.WORD.findall(piece)) < 3 or _INSERTED.match(piece):
            continue
        ended = _ends(piece)
        out.append(j)
    return out
