"""Who said it: attribution rules for quotes and reported speech in English wire-style news.

Shared by :mod:`analysis.text.voice` (whose voice each sentence is in) and
:mod:`analysis.provenance.quotes` (the quotes table). The rules read the
article text with abbreviation dots masked (:func:`mask_abbreviations`) so a
noun phrase like "Sen. Ben Cardin" is not cut at its dot; then find the
speaker next to a speech verb ('"...," X said', 'said X, a ...', 'X said
that', 'according to X'), and resolve pronouns, "the company" or a bare
surname to the latest fitting name earlier in the article. Hand-written
because no library we can ship does quote attribution: the available ones
(spaCy's or CoreNLP's quote annotators) need models that cannot be downloaded here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.core.study import Actor
from analysis.text.actors import ActorMatcher
from analysis.text.source_types import SOURCE_RULES, SOURCE_TYPES

_GOV = frozenset({"us_government", "chinese_government", "government_other"})


# Attribution verbs, each form mapped to the past tense reported as speaker_cue. Fragment verbs
# introduce partial quotes ("called the move 'gross interference'"); after a participle ("...,
# saying") the speaker is the sentence's subject.
_CUE = {form.replace("_", " "): forms.split("/")[0].replace("_", " ") for forms in (
    "said/says/say/saying told/tells/telling added/adds/adding wrote/writes/writing reported/reports stated/states "
    "noted/notes/noting explained/explains argued/argues/argue/arguing warned/warns/warn/warning claimed/claims "
    "insisted/insists/insist/insisting tweeted/tweets asked/asks continued/continues announced/announces "
    "declared/declares urged/urges stressed/stresses acknowledged/acknowledges emphasized/emphasised conceded "
    "countered responded replied cautioned complained testified posted commented read/reads suggested/suggests "
    "contended/contends/contend pointed_out/points_out").split() for form in forms.split("/")}
_FRAGMENT = ("called blamed described denounced condemned accused vowed pledged promised dubbed labeled labelled "
             "slammed decried blasted criticized criticised branded termed characterized").split()
_CUE |= {v: v for v in _FRAGMENT}
# their participles ("..., calling it 'a big beautiful monster'"): the speaker is the sentence's subject
_FRAGMENT_ING = {"calling": "called", "describing": "described", "accusing": "accused", "vowing": "vowed",
                 "pledging": "pledged", "promising": "promised", "dubbing": "dubbed", "labeling": "labeled",
                 "branding": "branded", "tweeting": "tweeted", "claiming": "claimed"}
_CUE |= _FRAGMENT_ING
_SPEECH = "|".join(f for f in _CUE if f not in _FRAGMENT and not f.endswith("ing"))


def _cue_rx(forms: list[str], according: str = "") -> re.Pattern[str]:
    return re.compile(rf"(?<![-\w])(?:(?P<v>{'|'.join(forms)}){according})\b")


_LEFT_CUE, _VERB_CUE = _cue_rx(list(_CUE), "|[Aa]ccording to"), _cue_rx(list(_CUE))
_SPEECH_CUE = _cue_rx([f for f in _CUE if f not in _FRAGMENT and f not in _FRAGMENT_ING])
_INVERTED = "said|says|added|adds|wrote|writes|asked|noted|explained|continued|warned|argued|insisted"
_NP = r"[^.;:!?“”\"]"  # characters a noun phrase may span (abbreviation dots are masked, see MASK_DOT)
_RIGHT = re.compile(rf"^[\s,.;!?…—–-]*(?:(?P<cue_a>{_INVERTED})\s+(?P<np_a>{_NP}+)"
                    rf"|according to\s+(?P<np_b>{_NP}+)"
                    rf"|(?P<np_c>{_NP}{{1,150}}?)\s+(?:(?:has|had|also|later|then|again)\s+)?(?P<cue_c>{_SPEECH})\b"
                    rf"(?P<rest>[^.;!?“”\"]*))")
_ACCORDING = re.compile(r"\baccording to\s+(?P<np>[^,.;:!?“”\"]+)")
# Dots of abbreviations would end a noun phrase ("said Sen. Ben Cardin"): contexts are read with
# them masked by a look-alike character that attribution strings turn back into dots.
_ABBREV = re.compile(r"\b(?:Sens?|Reps?|Gov|Dr|Mr|Mrs|Ms|Jr|Sr|St|Gen|Lt|Col|Capt|Prof|Inc|Corp|Co|Ltd|No|Dept|"
                     r"Sec|Adm|Amb|Pres|vs)\.|(?:\b[A-Z]\.){2,}|\b[A-Z]\.(?=\s[A-Z][a-z])|\b[RDI]-[A-Z][a-z]{1,4}\.|"
                     r"\.(?=(?:com|org|net)\b)")
MASK_DOT = "\u2024"
_NAME = r"[A-Z][\w.'’&\u2024-]*"
_AFTER_ABBREV = r"(?<=\u2024)\s+(?=(?:He|She|It|They|The|But|And|We|I)(?:\s|$))"  # "... on the U.S. He said"
_SENTENCE_END = re.compile(rf"[.!?…][\"”’)]*\s+|{_AFTER_ABBREV}")
# Noun-phrase trimming: clause openers before a subject, auxiliaries and adverbs after it.
CLAUSE_OPENERS = re.compile(r"^(?i:(?:As|But|And|Yet|So|Still|However|Meanwhile|Instead|Also|Now|Then|While|When|"
                          r"After|Before|Because|Although|If|In|On|At|For|Earlier|Later|Whether|Since|Though|Once|"
                          r"Even|Only|Until|Unless|With|Without|By|From|Under|Despite|Amid|Like|These|There|Such|All|"
                          r"During)(?:\s+|$))+")
_CLAUSE = re.compile(r"\b(?:and|but|that|which|while|as|because|although|though|when|where|after|before|since|"
                     r"if|whereas|than|who|so)\s+")
# auxiliaries and adverbs between a subject and its verb ("has widely pushed back")
_AUX_TAIL = re.compile(r"(?:\s+(?:has|have|had|was|were|is|are|also|previously|repeatedly|later|then|again|once|"
                       r"would|will|had long|has long|recently|publicly|separately|"
                       r"(?:has|have|had|also)\s+[a-z]{3,}ly))+$")
_AFTER_CUT = re.compile(r"(?:^|\s+)(?:in|on|during|to|last|this|earlier|later|yesterday|today|when|while|after|"
                        r"before|who|as|adding|noting|saying|at an?)\b")
_SHORT_REST = re.compile(r"^\s*(?:(?:in|on|at|to|during|from|with|via|after|before|last|this|earlier|later)\b"
                         r"[^.]{0,60}|\w+day\b[^.]{0,30})?\s*$")
_VERBISH = frozenset("is was are were be been has have had will would could should can may might do does did not"
                     .split())
_DETERMINERS = frozenset("the a an one two three several some many other another its his her their".split())
_PRONOUNS = frozenset("he she they it".split())
_CONJUNCTIONS = frozenset("that and or but as which who than so if when while this these those".split())
_ADJ_ED = frozenset("unnamed retired unidentified elected concerned alleged detained exiled jailed named based "
                    "related interned armed unsigned".split())
_CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                      "june july august september october november december".split())
# Words that name a time ("Monday", "this morning", "last week"), as one any-case alternation.
_TIME_WORDS = rf"(?i:{'|'.join(_CALENDAR)}|morning|afternoon|evening|night|week|weekend|month|year)"
# "He this morning tweeted": a time phrase between a subject and its verb is not part of the subject
_WHEN = re.compile(rf"\s+(?:in|on|since|last|this|by|early|late)\s+{_TIME_WORDS}\b.*$")
_LOWER_SPEAKERS = re.compile(r"^(?:[a-z-]+\s+){0,3}(?:officials|experts|analysts|critics|activists|lawmakers|"
                             r"sources|people|researchers|advocates|diplomats|authorities|observers|residents|"
                             r"campaigners|executives|scholars|protesters|legislators|senators|statements|reports|"
                             r"media)\b")
_STATEMENT = re.compile(r"^(?:an?|the|its|his|her)\s+(?:\w+\s+)?(?:statement|letter)\s+(?:from|by|issued by|"
                        r"released by)\s+(?P<x>.+)$|^(?P<y>.+?)['’]s?\s+(?:\w+\s+)?statement$", re.IGNORECASE)
# "an English-language article in the China Daily", "an editorial by the Global Times": the paper speaks.
_PIECE_IN = re.compile(r"^(?:an?|the|its|one)\s+(?:[\w-]+\s+){0,2}(?:article|editorial|commentary|op-ed|column|"
                       r"opinion piece|piece|report)\s+(?:in|by|from|published (?:in|by)|carried by)\s+(?:the\s+)?"
                       r"(?P<paper>[A-Z].*)$")
# "a sombre Lam", "the embattled Carrie Lam": a name behind a determiner and adjectives (no role noun, no
# preposition), which names the same person as the article's fuller mention of that name.
_MODIFIED_NAME = re.compile(r"^(?:an?|the)\s+(?:[a-z][\w-]*\s+){1,2}(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)$")
_NOT_ADJECTIVE = re.compile(r"\b(?:for|of|at|from|with|in|on|by|to|spokes\w+|officials?|minister|secretary|"
                            r"president|chairman|adviser|lawmaker|senator|ambassador|analyst|economist|activist|"
                            r"professor|director|executive|leader|chief)\b")
# "the company", "the ministry": resolved to the latest earlier speaker whose type fits the noun.
_GENERIC = re.compile(r"^(?:an?\s+(?:[a-z-]+\s+)?(?P<doc>statement|letter)|(?:the|this|that)\s+(?:[a-z'’-]+\s+){0,3}"
                      r"(?P<head>company|firm|ministry|department|agency|"
                      r"embassy|government|administration|authorities|spokes(?:man|woman|person)|official|statement|"
                      r"report|group|organi[sz]ation|president|book|letter|adviser|secretary|senator|minister|"
                      r"lawmaker|ambassador|publisher|democrat|republican|newspaper|paper|tabloid|broadcaster|outlet|"
                      r"commentary|editorial|chairman|chairwoman|chamber|council|office|filing))$", re.IGNORECASE)
_ISSUED = re.compile(r"\b(?:(?:released|issued|put out|published|posted|sent|filed)|(?:said|says|added|wrote)\s+(?:in|on)"
                     r")\s+(?:a|an|its|the)\s+(?:[\w-]+\s+){0,3}(?:statement|letter|filing|notice)\b")
_MEDIA_NOUNS = ("newspaper", "paper", "tabloid", "broadcaster", "outlet", "commentary", "editorial", "publisher")
_GENERIC_TYPES = {"company": {"company"}, "firm": {"company"}, "ministry": {"chinese_government", "government_other"},
                  "department": {"us_government", "government_other"}, "democrat": {"us_government"},
                  "republican": {"us_government"}, "senator": {"us_government"},
                  "filing": _GOV | {"company"}} | dict.fromkeys(_MEDIA_NOUNS, {"media"}) | dict.fromkeys(
                  ("agency", "embassy", "government", "administration", "authorities", "president", "official",
                   "office"), _GOV)
_NOT_NAMES = frozenset("the a an he she they it this that its his her their one some officials chinese american "
                       "u.s. us mr. ms. mrs. dr. you we i".split())
_BYLINE = re.compile(r"^(?=.*[,–—])[A-Z][\w.'’&-]*(?:,?\s+(?:[A-Z][\w.'’&-]*|of|the|and|for|at|&|[–—]))+$")
_COUNTRY = re.compile(r"^(?:China|Beijing|Washington|(?:the )?(?:U\.S\.|US|United States)|America)$")
# A leading name, then a verb.
_LEAD_VERB = (r"(?:[a-z]+ly\s+)?(?:[a-z]+(?:ed|s)|got|made|took|gave|went|came|put|set|met|left|held|saw|knew|"
              r"thought|brought|spoke|won|lost|sent|spent|led|kept|began|became|did|had|was|is|has|will|would|can|"
              r"could|may)\b")
LEADING_SUBJECT = re.compile(rf"\s*((?:{_NAME}\s+)*?{_NAME})\s+{_LEAD_VERB}")
LEADING_APPOSED = re.compile(rf"\s*((?:{_NAME}\s+)*?{_NAME}),\s+(?:an?|the)\s[^,;:“”\"]{{3,90}},\s+{_LEAD_VERB}")
WORD = re.compile(r"\w+(?:['’]\w+)*")

Attribution = tuple[str, str, str]  # speaker phrase, appositive, cue


def _is_named(phrase: str) -> bool:
    return any(w[0].isupper() and w.lower() not in _NOT_NAMES for w in re.findall(r"[A-Za-z][\w.'’&-]*", phrase))


def valid_np(head: str) -> str | None:
    """``head`` trimmed to a plausible speaker noun phrase, or None if it reads like a clause."""
    head = CLAUSE_OPENERS.sub("", _AUX_TAIL.sub("", _WHEN.sub("", head.strip(" ,"))).strip())
    words = head.split()
    lower = [w for w in words if w[:1].islower()]
    if (words and words[0].lower().rstrip("'’s") in _CALENDAR) or any(
            w in _CUE or (w.endswith("ed") and w not in _ADJ_ED) or (w.endswith("ly") and len(w) > 4)
            for w in lower) or (len(words) > 1 and words[-1] in _PRONOUNS | _CONJUNCTIONS):
        return None
    if (not 1 <= len(words) <= 10 or not re.search(r"[A-Za-z]", head) or any(w in _VERBISH for w in words)
            or words[-1].lower() in _DETERMINERS | {"of", "to", "for", "with", "in", "on", "at", "by", "from"}):
        return None
    # a lowercase title before a name: "economist Ann Marsh", "foreign ministry spokesperson Geng Shuang"
    title = len(words) > 1 and words[-1][0].isupper() and all(w.replace("-", "").isalpha() and w not in _NOT_NAMES
                                                              for w in lower)
    if words[0][0].isupper() or words[0].lower() in _DETERMINERS | _PRONOUNS or _LOWER_SPEAKERS.match(head) or title:
        return head
    return None


def np_before(before: str) -> tuple[str, str] | None:
    """The noun phrase (and its appositive) that ends ``before``: the subject of the verb that follows."""
    clause = re.split(rf"[;:!?“”\"—–]|\s-\s|{_AFTER_ABBREV}", re.sub(r"\([^()]*\)", "", before))[-1]
    clause = _AUX_TAIL.sub("", clause.rstrip()).rstrip()
    appositive = ""
    parts = [p.strip() for p in clause.rstrip(",").split(",")]
    if clause.endswith(",") and len(parts) >= 2 and re.match(r"(?:which|who)\b", parts[-1]):
        # "China, which has been the most resistant ..., announced": the relative clause describes the subject
        head, appositive = parts[-2], parts[-1]
    elif clause.endswith(",") and len(parts) >= 2:  # "Geng Shuang, a ministry spokesman, said"
        # the subject is the first bare name among the parts ("Trump's rival, Joe Biden, said")
        names = [i for i, p in enumerate(parts) if re.fullmatch(rf"(?:{_NAME}\s*){{1,4}}", p) and CLAUSE_OPENERS.sub(
            "", p) and not re.search(r"^[RDI]-|(?:Republican|Democrat)$", p)]  # not "R-Fla." or "Ohio Democrat"
        i = names[0] if names else len(parts) - 2
        head, appositive = parts[i], ", ".join(parts[i + 1:] or parts[:i])
    else:
        head = parts[-1]
    head = re.split(rf"\b(?:{_SPEECH})\b", _CLAUSE.split(head)[-1])[-1]  # "Bolton says Trump [said]"
    det = re.search(r"(?:^|\s)(?:the|a|an)\s", head)  # "Earlier this week the ministry" -> "the ministry"
    if det and not head[0].isupper():
        head = head[det.start():]
    pronoun = head.split()[-1] if head.split() else ""
    head = valid_np(head) or (pronoun if pronoun in _PRONOUNS else None)  # "More recently it pledged"
    return (head, appositive) if head else None


def np_after(after: str) -> tuple[str, str] | None:
    """The noun phrase after an inverted verb ("said Maya Wang, a researcher at ...")."""
    parts = [p.strip() for p in re.split(r"[—–]|\s-\s", re.sub(r"\([^()]*\)", "", after))[0].split(",")]
    head, appositive = parts[0], (parts[1] if len(parts) > 1 else "")
    cut = _AFTER_CUT.search(head)
    if cut:
        head, appositive = head[:cut.start()], f"{head[cut.start():].strip()} {appositive}".strip()
    head = valid_np(head)
    return (head, appositive) if head else None


def with_statement(found: tuple[str, str] | None, cue: str, region: str) -> Attribution | None:
    if found is None:
        return None
    cue = "statement" if re.search(r"\bstatement\b", region, re.IGNORECASE) else cue
    return found[0].replace(MASK_DOT, "."), found[1].replace(MASK_DOT, "."), cue


def _right(right: str, *, short: bool = False) -> Attribution | None:
    """Attribution right after the closing mark; ``short``: a whole sentence that only attributes."""
    m = _RIGHT.match(right)
    if m and short and not (m["np_c"] and "," not in m["np_c"] and _SHORT_REST.match(m["rest"])):
        return None
    if m and m["cue_a"]:
        return with_statement(np_after(m["np_a"]), _CUE[m["cue_a"]], m["np_a"])
    if m and m["np_b"]:
        return with_statement(np_after(m["np_b"]), "according to", m["np_b"])
    if m and m["np_c"] and not _LEFT_CUE.search(m["np_c"]):
        # "..., said Sen. X" is inverted; in "X, a trader, told The Associated Press" the object is the listener
        inverted = (np_after(m["rest"]) if m["np_c"].rstrip().endswith(",") and re.fullmatch(_INVERTED, m["cue_c"])
                    else None)
        return with_statement(inverted or np_before(m["np_c"]), _CUE[m["cue_c"]], m[0])
    dash = re.match(r"^\s*[—–]\s*(.+?)\s*$", right)  # an aggregator's "— Name, Outlet" after the quote
    if dash and _BYLINE.match(dash[1]):
        return dash[1].replace(MASK_DOT, "."), "columnist", "wrote"
    m = None if short else _ACCORDING.search(right)
    return with_statement(np_after(m["np"]), "according to", m["np"]) if m else None


_LEAD_TIME = re.compile(rf"^\s*[^,]{{0,30}}\b{_TIME_WORDS}\b[^,]{{0,20}},\s*")
# "Mr. Trump's tweet that ...", "His announcement on Twitter that ...": the owner of the speech act speaks
_SPEECH_NOUN = re.compile(rf"(?:(?P<np>(?:{_NAME}\s+){{0,3}}{_NAME})['’]s?|(?P<pron>\b(?:[Hh]is|[Hh]er))|"
                          r"(?P<of>\b(?:[Tt]he|[Aa]n?)))\s+(?:[a-z]+\s+)?(?:tweets?|announcement|statement|remarks?|message|"
                          r"post|pledge|promise|claim|warning|comments?|speech|letter)\b(?(of)\s+(?:by|from)\s+"
                          rf"(?P<by>(?:{_NAME}\s+){{0,3}}{_NAME})|)")
_OPENING_PARTICIPLE = re.compile(r"^\s*(?:[A-Z][a-z]+ing)\b")  # "Calling Lam's decision '...', Wu said"


def speech_noun_owner(left: str) -> Attribution | None:
    """The speaker of a quote introduced by a possessed speech noun in ``left`` (the latest one)."""
    found = [m for m in _SPEECH_NOUN.finditer(left) if m["np"] or m["pron"] or m["by"]]
    if not found:
        return None
    m = found[-1]
    name = m["np"] or m["by"]
    if name and not _is_named(name):
        return None
    phrase = name or ("he" if m["pron"].lower() == "his" else "she")
    return phrase.replace(MASK_DOT, "."), "", "said"


def left_attribution(left: str, *, cues: re.Pattern[str] = _LEFT_CUE) -> Attribution | None:
    """The nearest "X said", "X, ..., saying", "according to X" or "X called" (as ``cues`` allow) in ``left``."""
    for m in reversed(list(cues.finditer(left))):
        if m["v"] is None:
            found = np_after(re.split(r"[,.;:!?“”\"]", left[m.end():])[0])
            return with_statement(found, "according to", left[m.end():]) if found else None
        if m["v"].endswith("ing"):  # a participle: the speaker is the subject of the sentence
            left = _LEAD_TIME.sub("", left)  # "Late Monday, the president ..."
            subject = re.match(rf"\s*((?:(?:the|a|an)\s+)?(?:{_NAME}\s*)+)([a-z]+\b)?\s*(?:,([^,]+),)?", left)
            found = (valid_np(subject[1] + (subject[2] or "")) or valid_np(subject[1]), (subject[3] or "").strip()
                     ) if subject else None
        else:
            found = np_before(left[:m.start()])
            if found is None and re.search(r"\b(?:and|but)\s+(?:[a-z]+ly\s+)?$", left[:m.start()]):
                # "The president, speaking ..., reaffirmed X and pledged that": the sentence's subject
                subject = LEADING_SUBJECT.match(left) or LEADING_APPOSED.match(left)
                found = (valid_np(subject[1]), "") if subject else None
        if found and found[0]:
            return with_statement(found, _CUE[m["v"]], left)
    return None


def _classify(phrase: str, appositive: str, cue: str, matcher: ActorMatcher,
              actors: dict[str, Actor]) -> tuple[str, str]:
    """(source_type, actor name) of a speaker, from the phrase and then its appositive.

    On the phrase an actor's own source_type decides; then anonymity; then a company actor is a
    company and a government actor lets the rules pick only a government; a rule match containing
    the actor's match is more specific and wins ("World Uyghur Congress" is not the actor "Congress").
    In an appositive the role ("an expert at ... in Beijing") comes before the places it names.
    """
    for text, rules_first in ((phrase, False), (appositive, True)):
        text = re.sub(r"\S+-based\b", "", text)  # "a Beijing-based think tank" is not Beijing speaking
        hits = sorted(matcher.find(text) if text else [], key=lambda h: (h[4] - h[5], h[4]))
        actor = actors[hits[0][0]] if hits else None
        if actor is not None and actor.source_type:
            return actor.source_type, actor.name
        if SOURCE_RULES[0][1].search(f"{phrase} {appositive}"):  # "an official, who spoke on condition of anonymity"
            return "anonymous", actor.name if actor else ""
        ruled = next(((t, m) for t, rx in SOURCE_RULES if text and (m := rx.search(text))), None)
        inside = actor is not None and ruled and ruled[1].start() <= hits[0][4] and hits[0][5] <= ruled[1].end() and (
            ruled[1].end() - ruled[1].start() > hits[0][5] - hits[0][4])
        if ruled and (rules_first or inside):
            return ruled[0], actor.name if actor is not None and rules_first else ""
        if actor is not None and actor.type == "company":
            return "company", actor.name
        allowed = _GOV if actor is not None and actor.type == "government" else set(SOURCE_TYPES)
        rule = next((t for t, rx in SOURCE_RULES if t in allowed and text and rx.search(text)), None)
        if rule or actor is not None:
            return rule or ("government_other" if actor.type == "government" else "other"), actor.name if actor else ""
    return ("media" if cue == "reported" else "other"), ""


def _clean_speaker(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(" ,'’")
    first = phrase.split(" ", 1)[0]
    return phrase[0].lower() + phrase[1:] if first.lower() in _DETERMINERS | _PRONOUNS else phrase


def mask_abbreviations(text: str) -> str:
    """``text`` with abbreviation dots ("Sen.", "U.S.") replaced by a look-alike, offsets unchanged."""
    return _ABBREV.sub(lambda m: m[0].replace(".", MASK_DOT), text)


# A news site's hover teaser injected after a politician's name: the full name glued to the first
# headline of unrelated stories, up to "MORE" ("Sen. Jo Doe Joanne Ruth DoeSenate passes bill ... MORE (R-Ohio)
# said"). Left in, its headlines become the speaker; blanked, the name before it is the subject again.
_TEASER = re.compile(r"\b(?P<last>[A-Z][\w'’-]+)(?P<teaser>[ \t](?:[A-Z(][\w'’.()\u2024-]*[ \t]){0,3}(?P=last)"
                     r"(?=[A-Z])[^\n]{0,400}?[ \t]MORE\b)")


def blank_teasers(text: str) -> str:
    """``text`` with injected name teasers (see ``_TEASER``) replaced by spaces, offsets unchanged."""
    return _TEASER.sub(lambda m: m["last"] + " " * len(m["teaser"]), text)


class ArticleSpeakers:
    """One article read for attribution: its referents, and the speaker of each quote or speech tag.

    ``sents`` holds the article's (sent_id, start, end) rows sorted by start; without them
    paragraphs stand in for sentences. Building it collects the referents later pronouns and
    "the company" resolve to: subjects of speech verbs and of sentences, in reading order.
    """

    def __init__(self, text: str, sents: np.ndarray, matcher: ActorMatcher, actors: dict[str, Actor]):
        self.text, self.masked, self.sents = text, blank_teasers(mask_abbreviations(text)), sents
        self.matcher, self.actors = matcher, actors
        self.paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)] or [(0, len(text))]
        self._para_starts = [p[0] for p in self.paras]
        self.bounds = [(int(a), int(b)) for a, b in sents[:, 1:3]] if len(sents) else self.paras
        self.mentions = sorted((start, surface, actor.type) for start, _, surface, actor in matcher.spans(text))
        self.named: list[tuple[int, str, str, str, str]] = []  # position, speaker, cue, source_type, actor
        for start, end in self.bounds:
            sentence = self.masked[start:end]
            opened = re.sub(r"^\s*(?:In|On|At|After|Before|During|Speaking|With|From|Amid|As)\b[^,]{0,60},", "",
                            sentence)  # past "In Rose Garden remarks,"
            subject = LEADING_SUBJECT.match(opened)
            apposed = None if subject else LEADING_APPOSED.match(opened)
            found = [(m.start(), np_before(sentence[:m.start()])) for m in _VERB_CUE.finditer(sentence)
                     if not m["v"].endswith("ing")]
            subject = valid_np((subject or apposed)[1]) if (subject or apposed) and "'" not in (
                subject or apposed)[1] else None
            if subject and (len(subject.split()) > 1 or _classify(subject, "", "", matcher, actors)[0] != "other"):
                found.insert(0, (0, (subject, apposed[0].split(",", 1)[1].rsplit(",", 1)[0].strip() if apposed
                                     else "")))  # "Trump got at a similar point": no cue, still a referent
            for offset, attr in found:
                attr = (attr[0].replace(MASK_DOT, "."), attr[1].replace(MASK_DOT, "."), "") if attr else None
                speaker, cue, source_type, actor = self.resolve(attr, start + offset)
                if attr and _is_named(speaker):
                    self.named.append((start + offset, speaker, cue, source_type, actor))

    def para(self, pos: int) -> int:
        return max(bisect.bisect_right(self._para_starts, pos) - 1, 0)

    def sent_of(self, pos: int) -> int:
        if not len(self.sents):
            return self.para(pos)
        return max(int(np.searchsorted(self.sents[:, 1], pos, "right")) - 1, 0)

    def resolve(self, attr: Attribution | None, pos: int, inherited: tuple | None = None) -> tuple[str, str, str, str]:
        """(speaker, cue, source_type, actor) of an attribution found at ``pos``.

        A bare name the rules cannot place ("Joshua Wong said") takes its type from the role the article
        gives that name elsewhere: "pro-democracy activist Joshua Wong", "Scott Paul, president of the
        Alliance for American Manufacturing".
        """
        speaker, cue, source_type, actor = _resolve(attr, inherited, self.masked[:pos], self.named, self.mentions,
                                                    self.matcher, self.actors)
        if source_type == "other" and inherited is None and re.fullmatch(rf"(?:{_NAME}\s+){{0,3}}{_NAME}", speaker):
            source_type = self.role_type(speaker) or source_type
        return speaker, cue, source_type, actor

    def role_type(self, name: str) -> str:
        """The first source type that a mention of ``name`` (or its last word) with its role phrase gets."""
        surname = name.split()[-1]
        mentions = [*re.finditer(rf"(?<![\w-]){re.escape(name)}\b", self.masked)] if name != surname else []
        for m in mentions + [*re.finditer(rf"(?<![\w-]){re.escape(surname)}\b", self.masked)]:
            start = max(self.masked.rfind(ch, 0, m.start()) for ch in ".;:!?\n“”\"(),—–")
            words = re.split(r"\s-\s", self.masked[start + 1:m.start()])[-1].split()
            if len(words) > 6 or any(w in _CUE for w in words):
                continue
            appositive = re.match(r",\s+((?:an?|the|[a-z])[^,.;\n]{3,90}|(?:[\w.’'-]+\s+){0,4}(?:of|at|for)\s"
                                  r"[^,.;\n]{3,80})", self.masked[m.end():])
            appositive = appositive[1] if appositive else ""
            if not words and start >= 0 and self.masked[start] == ",":  # "Hong Kong's chief executive, Carrie Lam,"
                ahead = re.split(r"[.;:!?\n“”\"(),—–]|\s-\s", self.masked[:start])[-1].split()
                appositive = " ".join(ahead[-6:]) if 0 < len(ahead) else appositive
            phrase = " ".join([*words, m[0]])
            kind, _ = _classify(phrase.replace(MASK_DOT, "."), appositive.replace(MASK_DOT, "."), "", self.matcher,
                                self.actors)
            if kind not in ("other", "unknown"):
                return kind
        return ""

    def remember(self, pos: int, speaker: str, cue: str, source_type: str, actor: str) -> None:
        """A named speaker found at ``pos`` becomes a referent of later pronouns."""
        if speaker and _is_named(speaker):
            self.named.append((pos, speaker, cue, source_type, actor))

    def quotes(self, spans: list[tuple[int, int, int, int, str, list[int]]]) -> list[tuple]:
        """Attribute the article's quote ``spans`` (open mark, close mark, start, end, body, continuations) in order.

        Rows: (index, sent_id, start, end, body, is_partial, speaker, cue, actor, source_type).
        """
        text, masked, paras, para, sents = self.text, self.masked, self.paras, self.para, self.sents
        rows: list[tuple] = []
        for k, (o, c, s, e, body, _) in enumerate(spans):
            s0 = self.sent_of(s)
            # a quote inside a blanked teaser does not bound its neighbours' contexts
            prev_c = next((sp[1] for sp in reversed(spans[:k]) if masked[sp[1]] == text[sp[1]]), -1)
            next_o = next((sp[0] for sp in spans[k + 1:] if masked[sp[0]] == text[sp[0]]), len(text))
            # The quote's own sentence, bounded here rather than by the sentence table, whose splitter
            # may break after an abbreviation ("Sen.") that the masking already protects.
            ends_before = list(_SENTENCE_END.finditer(masked, paras[para(o)][0], o))
            lo = max(ends_before[-1].end() if ends_before else 0, paras[para(o)][0], prev_c + 1)
            end_after = _SENTENCE_END.search(masked, c + 1, paras[para(c)][1])
            hi = min(end_after.end() if end_after else len(text), paras[para(c)][1], next_o)
            left, right = masked[lo:o] if lo < o else "", masked[c + 1:hi] if hi > c + 1 else ""
            following = ""  # the next sentence, which may only say who spoke: '"... ." Geng said.'
            if body[-1:] in ".!?…" and right.lstrip()[:1].isupper():
                right, following = "", right
            elif _blank(right) and hi < min(next_o, paras[para(c)][1]):
                end_next = _SENTENCE_END.search(masked, hi, paras[para(c)][1])
                following = masked[hi:min(end_next.end() if end_next else len(text), next_o, paras[para(c)][1])]
            left_blank, right_blank = _blank(left), _blank(right)
            attr, inherited = _right(right), None
            if attr is None or attr[2] == "reported":  # 'X said ... "...", state media reported': X spoke
                attr = left_attribution(left) or attr or _right(following, short=True)
            elif attr[2] == "according to":  # 'X said, "...," according to Xinhua': the agency relayed X
                attr = left_attribution(left, cues=_SPEECH_CUE) or attr
            before = s0 if not left_blank else s0 - 1  # the sentence a speakerless quote may borrow from
            if attr is None and rows and rows[-1][6] and before >= 0 and prev_c >= self.bounds[before][0]:
                inherited = rows[-1]  # "'A,' he said. 'B.'" and "'A' and 'b'": B is his too
            elif attr is None and left_blank and s0 > 0 and para(o) - para(self.bounds[s0 - 1][0]) <= 1:
                attr = left_attribution(masked[self.bounds[s0 - 1][0]:min(self.bounds[s0 - 1][1], o)], cues=_SPEECH_CUE)
            if attr is None and inherited is None:
                attr = speech_noun_owner(left)
            if attr is None and inherited is None and _OPENING_PARTICIPLE.match(left) and right.startswith(","):
                found = np_after(right[1:])  # "Calling it '...', Wu Chi-wai, a lawmaker, said"
                attr = (found[0].replace(MASK_DOT, "."), found[1].replace(MASK_DOT, "."), "said") if found else None
            if attr is None and inherited is None:  # no cue: the named subject of the quote's own sentence
                subject = _latest([n for n in self.named if n[0] >= lo], o, set(SOURCE_TYPES))
                if subject is not None:
                    attr = (subject[1], "", "said")
            if attr is None and inherited is None and para(c) + 1 < len(paras) and _blank(
                    text[c + 1:paras[para(c)][1]]):
                line = text[slice(*paras[para(c) + 1])].strip(" —–-")  # a byline: "Editorial Board, Outlet"
                attr = (line, "columnist", "wrote") if _BYLINE.match(line) and len(line.split()) <= 8 else None
            speaker, cue, source_type, actor = self.resolve(attr, o, inherited)
            self.remember(c, speaker, cue, source_type, actor)
            rows.append((k, int(sents[s0, 0]) if len(sents) else -1, s, e, body,
                         _is_partial(left, right, body, left_blank, right_blank), speaker, cue, actor, source_type))
        return rows


def _blank(context: str) -> bool:
    return not context.strip(" ,.;:!?…—–-\"'“”‘’")


def _is_partial(left: str, right: str, body: str, left_blank: bool, right_blank: bool) -> bool:
    """A fragment: words other than an attribution precede it, or continue its sentence after it."""
    lead = left.rstrip(" \"'‘")
    if left_blank:  # "'Gross interference' was the phrase used" still embeds the quote
        return not right_blank and _RIGHT.match(right) is None
    if lead.endswith(":") or (lead.endswith(",") and body[:1].isupper()):
        return False
    if re.search(rf"\b(?:{_SPEECH})\b[^,]{{0,40}},$", lead):  # '"A," he said, "and B."' continues A
        return False
    return not (re.search(rf"(?:\b(?:{_SPEECH})\b|\bsaying)(?:\s+that)?$", lead) and body[:1].isupper())


def _person_like(speaker: str, source_type: str) -> bool:
    """Whether "he"/"she" may refer to this speaker: not "the ...", a country, or a one-word firm or outlet."""
    one_word_org = len(speaker.split()) == 1 and source_type in ("company", "media", "ngo_advocacy")
    plural = bool(re.search(r"\s[a-z]+[^s]s$", speaker))  # "Protest movement leaders"
    return not (re.match(r"(?i)(?:the|an?)\s", speaker) or _COUNTRY.match(speaker) or one_word_org or plural)


def _latest(candidates: list[tuple], pos: int, fits: set[str]) -> tuple | None:
    return max((c for c in candidates if c[0] < pos and c[3] in fits), key=lambda c: c[0], default=None)


def _resolve(attr: Attribution | None, inherited: tuple | None, before: str, named: list, mentions: list,
             matcher: ActorMatcher, actors: dict[str, Actor]) -> tuple[str, str, str, str]:
    """(speaker, cue, source_type, actor); pronouns and "the company" resolve to the latest fitting name."""
    if inherited is not None:
        return inherited[6], inherited[7], inherited[9], inherited[8]
    if attr is None:
        return "", "", "unknown", ""
    phrase, appositive, cue = attr
    pos = len(before)
    stated = _STATEMENT.match(phrase.strip())
    if stated:
        phrase, cue = stated["x"] or stated["y"], "statement"
    phrase = _clean_speaker(phrase)
    piece = _PIECE_IN.match(f"{phrase} {appositive}".strip()) or _PIECE_IN.match(phrase)
    if piece:
        phrase = piece["paper"]
    modified = _MODIFIED_NAME.match(phrase)
    if modified and not _NOT_ADJECTIVE.search(phrase[:modified.start("name")]):
        phrase = modified["name"]
    generic = _GENERIC.match(phrase)
    head = (generic["head"] or generic["doc"]).lower() if generic else ""
    if head in ("statement", "letter", "filing"):  # "China's Commerce Ministry released a statement ... the statement said"
        # the latest issuer, unless a speaker was named after it ("The Embassy said ... '...,' the statement said")
        issued = [m for m in _ISSUED.finditer(before) if not any(m.start() < n[0] < pos for n in named)]
        lead = before[:issued[-1].start()] if issued else ""
        ends = list(_SENTENCE_END.finditer(lead))
        issuer = np_before(lead[ends[-1].end():] if ends else lead) if issued else None
        if issuer is not None:
            phrase, appositive = issuer[0].replace(MASK_DOT, "."), issuer[1].replace(MASK_DOT, ".")
            return (phrase, "statement", *_classify(phrase, appositive, "statement", matcher, actors))
    if phrase.lower() in _PRONOUNS or generic:
        fits = _GENERIC_TYPES.get(head, set(SOURCE_TYPES))
        people = [n for n in named if phrase.lower() not in ("he", "she") or _person_like(n[1], n[3])]
        if phrase.lower() == "it":  # an organisation: its latest mention as an actor counts too
            people += [(p, surface, cue, *_classify(surface, "", cue, matcher, actors)) for p, surface, kind in mentions
                       if p < pos and kind != "person"]
        found = _latest(people, pos, fits)
        titled = _titled_name(head, before) if found is None and head in _TITLES else None
        if titled is not None:  # "the president" after "President Trump signed ...", no speaker yet
            name = titled[1].replace(MASK_DOT, ".")
            return (name, cue, *_classify(name, "", cue, matcher, actors))
        if found is None and (head in _GENERIC_TYPES or phrase.lower() in ("he", "she")):
            person = phrase.lower() in ("he", "she")  # then the latest study actor of a fitting type
            found = _latest([(p, surface, cue, *_classify(surface, "", cue, matcher, actors))
                             for p, surface, kind in mentions if p < pos and person == (kind == "person")], pos, fits)
        if found is not None:
            return found[1], cue, found[3], found[4]
    words = re.sub(r"^(?:Mr|Ms|Mrs|Dr|Sen|Rep)\.? ", "", phrase).split()
    if 1 <= len(words) <= 2 and all(w[0].isupper() for w in words):  # "Wang said" after "Maya Wang said"
        surname = " ".join(words)
        found = _latest([n for n in named if n[1].endswith(" " + surname) and len(re.sub(
            r"^(?:Mr|Ms|Mrs|Dr|Sen|Rep)\.? ", "", n[1]).split()) > len(words)], pos, set(SOURCE_TYPES))
        if found is not None:
            return found[1], cue, found[3], found[4]
        fuller = _fuller_name(surname, before) if _classify(phrase, appositive, cue, matcher, actors)[0] == "other" \
            else None  # a name the rules cannot place: its latest fuller mention, "Rep. Michael McCaul (R-Texas)"
        if fuller:
            return (fuller[0], cue, *_classify(*fuller, cue, matcher, actors))
    return (phrase, cue, *_classify(phrase, appositive, cue, matcher, actors))


_TITLES = frozenset("president secretary minister senator ambassador chairman chairwoman premier".split())


def _titled_name(title: str, before: str) -> tuple[int, str] | None:
    """(position, "Title Name") of the latest mention of ``title`` as a capitalised title before a name in ``before``
    ("President Trump", "Commerce Secretary Wilbur Ross"): whom "the president" or "the secretary" names."""
    pattern = rf"(?:\b[A-Z][a-z]+[ \t])?{title[0].upper()}{title[1:]}[ \t]+(?:{_NAME}[ \t]+){{0,2}}{_NAME}"
    found = [m for m in re.finditer(pattern, before) if _is_named(m[0].split(None, 1)[-1])]
    return (found[-1].start(), found[-1][0]) if found else None


def _fuller_name(surname: str, before: str) -> tuple[str, str] | None:
    """The latest longer mention of ``surname`` in ``before``, with the appositive after it."""
    pattern = (rf"((?:(?:{_NAME}|of|the)[ \t]+){{0,6}}){re.escape(surname)}(?:[ \t][A-Z][a-z]+)?\b"
               r"(,\s+(?:an?|the|[a-z])[^,.;\n]{3,90})?")  # "Vice Premier Liu He", "Derek Scissors, a scholar at"
    fuller = [m for m in re.finditer(pattern, before)
              if len(re.sub(r"^(?:A|An|The)\s", "", m[0].split(",")[0]).split()) > len(surname.split())]
    if not fuller:
        return None
    name = re.sub(r"^(?:(?:of|the)\s+)+", "", CLAUSE_OPENERS.sub("", fuller[-1][0].split(",")[0]))
    return name.replace(MASK_DOT, "."), (fuller[-1][2] or "").replace(MASK_DOT, ".")[1:]


def read_articles(articles: pd.DataFrame, sentences: pd.DataFrame, *,
                  actors: Sequence[Actor] = ()) -> Iterator[tuple[str, str, str, ArticleSpeakers]]:
    """(doc_id, outlet, text, reader) for each article, the reader built on its sentences and the study's actors."""
    matcher = ActorMatcher(actors=tuple(actors)).fit()
    by_name = {a.name: a for a in actors}
    sents = {doc: g.sort_values("start")[["sent_id", "start", "end"]].to_numpy(dtype=np.int64)
             for doc, g in sentences.groupby("doc_id", sort=False)}
    for doc, outlet, text in zip(articles["doc_id"], articles["outlet"], articles["text"].fillna("")):
        yield doc, outlet, text, ArticleSpeakers(text, sents.get(doc, np.empty((0, 3), dtype=np.int64)), matcher,
                                                 by_name)
