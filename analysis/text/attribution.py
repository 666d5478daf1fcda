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

import functools
import re
import sys

from analysis.core.study import Actor
from analysis.text.actors import ActorMatcher
from analysis.text.source_types import SOURCE_RULES, SOURCE_TYPES

_GOV = frozenset({"us_government", "chinese_government", "government_other"})


# Attribution verbs, each form mapped to the past tense reported as speaker_cue. Fragment verbs
# introduce partial quotes ("called the move 'gross interference'"); after a participle ("...,
# saying") the speaker is the sentence's subject.
SPEECH_FORMS = {form.replace("_", " "): forms.split("/")[0].replace("_", " ") for forms in (
    "said/says/say/saying told/tells/telling added/adds/adding wrote/writes/writing reported/reports stated/states "
    "noted/notes/noting explained/explains argued/argues/argue/arguing warned/warns/warn/warning claimed/claims "
    "insisted/insists/insist/insisting tweeted/tweets asked/asks continued/continues announced/announces "
    "declared/declares urged/urges stressed/stresses acknowledged/acknowledges emphasized/emphasised conceded "
    "countered responded replied cautioned complained testified posted commented read/reads suggested/suggests "
    "contended/contends/contend pointed_out/points_out").split() for form in forms.split("/")}
_FRAGMENT = ("called blamed described denounced condemned accused vowed pledged promised dubbed labeled labelled "
             "slammed decried blasted criticized criticised branded termed characterized").split()
SPEECH_FORMS |= {v: v for v in _FRAGMENT}
# their participles ("..., calling it 'a big beautiful monster'"): the speaker is the sentence's subject
_FRAGMENT_ING = {"calling": "called", "describing": "described", "accusing": "accused", "vowing": "vowed",
                 "pledging": "pledged", "promising": "promised", "dubbing": "dubbed", "labeling": "labeled",
                 "branding": "branded", "tweeting": "tweeted", "claiming": "claimed"}
SPEECH_FORMS |= _FRAGMENT_ING
SPEECH_ALTERNATION = "|".join(f for f in SPEECH_FORMS if f not in _FRAGMENT and not f.endswith("ing"))


def _cue_rx(forms: list[str], according: str = "") -> re.Pattern[str]:
    return re.compile(rf"(?<![-\w])(?:(?P<v>{'|'.join(forms)}){according})\b")


_LEFT_CUE, VERB_CUE = _cue_rx(list(SPEECH_FORMS), "|[Aa]ccording to"), _cue_rx(list(SPEECH_FORMS))
VERB_CUE_HEADS = frozenset(form.split()[0] for form in SPEECH_FORMS)  # see may_hold
SPEECH_CUE = _cue_rx([f for f in SPEECH_FORMS if f not in _FRAGMENT and f not in _FRAGMENT_ING])
_INVERTED = "said|says|added|adds|wrote|writes|asked|noted|explained|continued|warned|argued|insisted"
_NP = r"[^.;:!?“”\"]"  # characters a noun phrase may span (abbreviation dots are masked, see MASK_DOT)
_RIGHT_LEAD = rf"^[\s,.;!?…—–-]*(?:(?P<cue_a>{_INVERTED})\s+(?P<np_a>{_NP}+)|according to\s+(?P<np_b>{_NP}+)|"
RIGHT = re.compile(rf"{_RIGHT_LEAD}(?P<np_c>{_NP}{{1,150}}?)\s+(?:(?:has|had|also|later|then|again)\s+)?"
                   rf"(?P<cue_c>{SPEECH_ALTERNATION})\b(?P<rest>[^.;!?“”\"]*))")
# RIGHT's last alternative tries every speech verb after each space of 150 characters, and every shorter run of the
# leading punctuation, before it fails. Where no word of the text starts a speech verb it cannot match, and RIGHT
# then matches as this pattern does, whose last alternative (same groups) never matches.
_RIGHT_NO_VERB = re.compile(rf"{_RIGHT_LEAD}(?P<np_c>(?!))(?P<cue_c>(?!))(?P<rest>(?!)))")
_SPEECH_HEADS = frozenset(form.split()[0] for form in SPEECH_ALTERNATION.split("|"))
_LOWER_RUN = re.compile(r"[a-z]+")  # a speech verb after a space is a whole run of lowercase letters (or its first)


def may_hold(heads: frozenset[str], text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
    """Whether a run of lowercase letters in ``text[pos:endpos]`` is one of ``heads``. A pattern that matches a word of
    ``heads`` standing alone (no letter just before or after it) matches nowhere else: this quick test spares it the
    scan."""
    return not heads.isdisjoint(_lower_runs(text, pos, min(endpos, len(text))))


@functools.lru_cache(maxsize=4096)
def _lower_runs(text: str, pos: int, endpos: int) -> frozenset[str]:
    # The same sentence is tested for several patterns' words in turn (an article's reader, its reported speech):
    # about six times on average on AllSides, so its runs are read once.
    return frozenset(_LOWER_RUN.findall(text, pos, endpos))


def match_right(right: str) -> re.Match[str] | None:
    """``RIGHT.match(right)``, without RIGHT's slow failures where no speech verb follows a space."""
    return (RIGHT if may_hold(_SPEECH_HEADS, right) else _RIGHT_NO_VERB).match(right)


_ACCORDING = re.compile(r"\baccording to\s+(?P<np>[^,.;:!?“”\"]+)")
# Dots of abbreviations would end a noun phrase ("said Sen. Ben Cardin"): contexts are read with
# them masked by a look-alike character that attribution strings turn back into dots.
_ABBREV = re.compile(r"\b(?:Sens?|Reps?|Gov|Dr|Mr|Mrs|Ms|Jr|Sr|St|Gen|Lt|Col|Capt|Prof|Inc|Corp|Co|Ltd|No|Dept|"
                     r"Sec|Adm|Amb|Pres|vs)\.|(?:\b[A-Z]\.){2,}|\b[A-Z]\.(?=\s[A-Z][a-z])|\b[RDI]-[A-Z][a-z]{1,4}\.|"
                     r"\.(?=(?:com|org|net)\b)")
MASK_DOT = "\u2024"
NAME_RX = r"[A-Z][\w.'’&\u2024-]*"
_AFTER_ABBREV = r"(?<=\u2024)\s+(?=(?:He|She|It|They|The|But|And|We|I)(?:\s|$))"  # "... on the U.S. He said"
SENTENCE_END = re.compile(rf"[.!?…][\"”’)]*\s+|{_AFTER_ABBREV}")
# Noun-phrase trimming: clause openers before a subject, auxiliaries and adverbs after it.
CLAUSE_OPENERS = re.compile(r"^(?i:(?:As|But|And|Yet|So|Still|However|Meanwhile|Instead|Also|Now|Then|While|When|"
                          r"After|Before|Because|Although|If|In|On|At|For|Earlier|Later|Whether|Since|Though|Once|"
                          r"Even|Only|Until|Unless|With|Without|By|From|Under|Despite|Amid|Like|These|There|Such|All|"
                          r"During)(?:\s+|$))+")
_CLAUSE = re.compile(r"\b(?:and|but|that|which|while|as|because|although|though|when|where|after|before|since|"
                     r"if|whereas|than|who|so)\s+")
# auxiliaries and adverbs between a subject and its verb ("has widely pushed back")
_AUX_TAIL = re.compile(r"(?:\s+(?:has|have|had|was|were|is|are|also|previously|repeatedly|later|then|again|once|"
                       r"would|will|had long|has long|have long|long|recently|publicly|separately|"
                       r"(?:has|have|had|also)\s+[a-z]{3,}ly))+$")
_AFTER_CUT = re.compile(r"(?:^|\s+)(?:in|on|during|to|last|this|earlier|later|yesterday|today|when|while|after|"
                        r"before|who|as|adding|noting|saying|at an?)\b")
_SHORT_REST = re.compile(r"^\s*(?:(?:in|on|at|to|during|from|with|via|after|before|last|this|earlier|later)\b"
                         r"[^.]{0,60}|\w+day\b[^.]{0,30})?\s*$")
_VERBISH = frozenset("is was are were be been has have had will would could should can may might do does did not"
                     .split())
_DETERMINERS = frozenset("the a an one two three several some many other another its his her their".split())
PRONOUNS = frozenset("he she they it".split())
_CONJUNCTIONS = frozenset("that and or but as which who than so if when while this these those".split())
_ADJ_ED = frozenset("unnamed retired unidentified elected concerned alleged detained exiled jailed named based "
                    "related interned armed unsigned".split())
_BEFORE_ADJECTIVE = _DETERMINERS | {"this", "these"}
_PROMO = re.compile(r"(?i)(?:sign up|subscribe|click|tap|follow us|read more|download)\b")
_CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                      "june july august september october november december".split())
# Words that name a time ("Monday", "this morning", "last week"), as one any-case alternation.
_TIME_WORDS = rf"(?i:{'|'.join(_CALENDAR)}|morning|afternoon|evening|night|week|weekend|month|year)"
# "He this morning tweeted": a time phrase between a subject and its verb is not part of the subject
_WHEN = re.compile(rf"\s+(?:in|on|since|last|this|by|early|late)\s+{_TIME_WORDS}\b.*$")
# Groups that speak without a name: news cites them as often as named people ("economists argue",
# "opponents of the bill believe"); kinds of people and documents, never things or places.
_LOWER_SPEAKERS = re.compile(r"^(?:(?:more than|fewer than|at least|about|nearly|almost|over|dozens of|hundreds of|"
                             r"thousands of)\s+)?(?:\d[\d,]*\s+)?(?:[a-z-]+\s+){0,3}(?:officials|experts|analysts|critics|activists|lawmakers|"
                             r"sources|people|researchers|advocates|diplomats|authorities|observers|residents|"
                             r"campaigners|executives|scholars|protesters|legislators|senators|statements|reports|"
                             r"media|economists|opponents|proponents|supporters|detractors|skeptics|sceptics|"
                             r"commentators|strategists|lawyers|scientists|historians|politicians|leaders|ministers|"
                             r"investors|traders|economists|academics|regulators|prosecutors|spokespeople|"
                             r"spokesmen|spokeswomen|groups|organizations|organisations|unions|hawks|doves|"
                             r"conservatives|liberals|progressives|environmentalists|farmers|manufacturers|detainees|victims|"
                             r"witnesses|survivors)\b")
STATEMENT = re.compile(r"^(?:an?|the|its|his|her)\s+(?:\w+\s+)?(?:statement|letter)\s+(?:from|by|issued by|"
                        r"released by)\s+(?P<x>.+)$|^(?P<y>.+?)['’]s?\s+(?:\w+\s+)?statement$", re.IGNORECASE)
# "an English-language article in the China Daily", "an editorial by the Global Times": the paper speaks.
PIECE_IN = re.compile(r"^(?:an?|the|its|one)\s+(?:[\w-]+\s+){0,2}(?:article|editorial|commentary|op-ed|column|"
                       r"opinion piece|piece|report)\s+(?:in|by|from|published (?:in|by)|carried by)\s+(?:the\s+)?"
                       r"(?P<paper>[A-Z].*)$")
# "a sombre Lam", "the embattled Carrie Lam": a name behind a determiner and adjectives (no role noun, no
# preposition), which names the same person as the article's fuller mention of that name.
MODIFIED_NAME = re.compile(r"^(?:an?|the)\s+(?:[a-z][\w-]*\s+){1,2}(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)$")
NOT_ADJECTIVE = re.compile(r"\b(?:for|of|at|from|with|in|on|by|to|spokes\w+|officials?|minister|secretary|"
                            r"president|chairman|adviser|lawmaker|senator|ambassador|analyst|economist|activist|"
                            r"professor|director|executive|leader|chief)\b")
# "the company", "the ministry": resolved to the latest earlier speaker whose type fits the noun.
GENERIC = re.compile(r"^(?:an?\s+(?:[a-z-]+\s+)?(?P<doc>statement|letter)|(?:the|this|that)\s+(?:[a-z'’-]+\s+){0,3}"
                      r"(?P<head>company|firm|ministry|department|agency|"
                      r"embassy|government|administration|authorities|spokes(?:man|woman|person)|official|statement|"
                      r"report|group|organi[sz]ation|president|book|letter|adviser|secretary|senator|minister|"
                      r"lawmaker|ambassador|publisher|democrat|republican|newspaper|paper|tabloid|broadcaster|outlet|"
                      r"commentary|editorial|chairman|chairwoman|chamber|council|office|filing))$", re.IGNORECASE)
ISSUED = re.compile(r"\b(?:(?:released|issued|put out|published|posted|sent|filed)|"
                    r"(?:said|says|added|wrote)\s+(?:in|on))\s+(?:a|an|its|the)\s+(?:[\w-]+\s+){0,3}(?:statement|letter|filing|notice)\b")
_MEDIA_NOUNS = ("newspaper", "paper", "tabloid", "broadcaster", "outlet", "commentary", "editorial", "publisher")
GENERIC_TYPES = {"company": {"company"}, "firm": {"company"}, "ministry": {"chinese_government", "government_other"},
                  "department": {"us_government", "government_other"}, "democrat": {"us_government"},
                  "republican": {"us_government"}, "senator": {"us_government"},
                  "filing": _GOV | {"company"}} | dict.fromkeys(_MEDIA_NOUNS, {"media"}) | dict.fromkeys(
                  ("agency", "embassy", "government", "administration", "authorities", "president", "official",
                   "office"), _GOV)
_NOT_NAMES = frozenset("the a an he she they it this that its his her their one some officials chinese american "
                       "u.s. us mr. ms. mrs. dr. you we i".split())
BYLINE = re.compile(r"^(?=.*[,–—])[A-Z][\w.'’&-]*(?:,?\s+(?:[A-Z][\w.'’&-]*|of|the|and|for|at|&|[–—]))+$")
COUNTRY = re.compile(r"^(?:China|Beijing|Washington|(?:the )?(?:U\.S\.|US|United States)|America)$")
# A leading name, then a verb.
_LEAD_VERB = (r"(?:[a-z]+ly\s+)?(?:[a-z]+(?:ed|s)|got|made|took|gave|went|came|put|set|met|left|held|saw|knew|"
              r"thought|brought|spoke|won|lost|sent|spent|led|kept|began|became|did|had|was|is|has|will|would|can|"
              r"could|may)\b")
LEADING_SUBJECT = re.compile(rf"\s*((?:{NAME_RX}\s+)*?{NAME_RX})\s+{_LEAD_VERB}")
LEADING_APPOSED = re.compile(rf"\s*((?:{NAME_RX}\s+)*?{NAME_RX}),\s+(?:an?|the)\s[^,;:“”\"]{{3,90}},\s+{_LEAD_VERB}")
WORD = re.compile(r"\w+(?:['’]\w+)*")

Attribution = tuple[str, str, str]  # speaker phrase, appositive, cue


def is_named(phrase: str) -> bool:
    return any(w[0].isupper() and w.lower() not in _NOT_NAMES for w in re.findall(r"[A-Za-z][\w.'’&-]*", phrase))


def valid_np(head: str) -> str | None:
    """``head`` trimmed to a plausible speaker noun phrase, or None if it reads like a clause."""
    head = CLAUSE_OPENERS.sub("", _AUX_TAIL.sub("", _WHEN.sub("", head.strip(" ,"))).strip())
    words = head.split()
    lower = [w for w in words if w[:1].islower()]
    if _PROMO.match(head):  # "Sign up for Morning Trade A speed read ...": a newsletter box, no speaker
        return None
    # an -ed word after a determiner is an adjective ("opponents of the proposed law"), elsewhere a clause's verb
    attributive = {i for i in range(1, len(words)) if words[i - 1].lower() in _BEFORE_ADJECTIVE}
    if (words and words[0].lower().rstrip("'’s") in _CALENDAR) or any(
            w in SPEECH_FORMS or (w.endswith("ed") and w not in _ADJ_ED and i not in attributive)
            or (w.endswith("ly") and len(w) > 4)
            for i, w in enumerate(words) if w[:1].islower()) or (len(words) > 1 and words[-1] in PRONOUNS | _CONJUNCTIONS):
        return None
    if (not 1 <= len(words) <= 10 or not re.search(r"[A-Za-z]", head) or any(w in _VERBISH for w in words)
            or words[-1].lower() in _DETERMINERS | {"of", "to", "for", "with", "in", "on", "at", "by", "from"}):
        return None
    # a lowercase title before a name: "economist Ann Marsh", "foreign ministry spokesperson Geng Shuang"
    title = len(words) > 1 and words[-1][0].isupper() and all(
        w.replace("-", "").isalpha() and w not in _NOT_NAMES | _DETERMINERS for w in lower)
    if words[0][0].isupper() or words[0].lower() in _DETERMINERS | PRONOUNS or _LOWER_SPEAKERS.match(head) or title:
        return head
    return None


@functools.lru_cache(maxsize=4096)
def np_before(before: str) -> tuple[str, str] | None:
    """The noun phrase (and its appositive) that ends ``before``: the subject of the verb that follows.

    Memoised (a pure function of ``before``): a reader's referents and its reported speech both look for the subject
    before each speech verb of a sentence, so most texts come twice, a few lines apart."""
    clause = re.split(rf"[;:!?“”\"—–]|\s-\s|{_AFTER_ABBREV}", re.sub(r"\([^()]*\)", "", before))[-1]
    clause = _AUX_TAIL.sub("", clause.rstrip()).rstrip()
    appositive = ""
    parts = [p.strip() for p in clause.rstrip(",").split(",")]
    if clause.endswith(",") and len(parts) >= 2 and re.match(r"(?:which|who)\b", parts[-1]):
        # "China, which has been the most resistant ..., announced": the relative clause describes the subject
        head, appositive = parts[-2], parts[-1]
    elif clause.endswith(",") and len(parts) >= 2:  # "Geng Shuang, a ministry spokesman, said"
        # the subject is the first bare name among the parts ("Trump's rival, Joe Biden, said")
        names = [i for i, p in enumerate(parts) if re.fullmatch(rf"(?:{NAME_RX}\s*){{1,4}}", p) and CLAUSE_OPENERS.sub(
            "", p) and not re.search(r"^[RDI]-|(?:Republican|Democrat)$", p)]  # not "R-Fla." or "Ohio Democrat"
        i = names[0] if names else len(parts) - 2
        head, appositive = parts[i], ", ".join(parts[i + 1:] or parts[:i])
    else:
        head = parts[-1]
    head = re.split(rf"\b(?:{SPEECH_ALTERNATION})\b", _CLAUSE.split(head)[-1])[-1]  # "Bolton says Trump [said]"
    det = re.search(r"(?:^|\s)(?:the|a|an)\s", head)  # "Earlier this week the ministry" -> "the ministry"
    if det and not head[0].isupper():
        head = head[det.start():]
    pronoun = head.split()[-1] if head.split() else ""
    found = valid_np(head)
    if found is None and " and " in clause:
        # "Rights groups and former detainees say": a coordinated subject whose last part alone names no speaker
        pair = " ".join(re.split(r"[,;]", clause)[-1].split())
        if " and " in pair and valid_np(pair.split(" and ")[0]):
            found = valid_np(pair)
    head = found or (pronoun if pronoun in PRONOUNS else None)  # "More recently it pledged"
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


def right_attribution(right: str, *, short: bool = False) -> Attribution | None:
    """Attribution right after the closing mark; ``short``: a whole sentence that only attributes."""
    m = match_right(right)
    if m and short and not (m["np_c"] and "," not in m["np_c"] and _SHORT_REST.match(m["rest"])):
        return None
    if m and m["cue_a"]:
        return with_statement(np_after(m["np_a"]), SPEECH_FORMS[m["cue_a"]], m["np_a"])
    if m and m["np_b"]:
        return with_statement(np_after(m["np_b"]), "according to", m["np_b"])
    if m and m["np_c"] and not _LEFT_CUE.search(m["np_c"]):
        # "..., said Sen. X" is inverted; in "X, a trader, told The Associated Press" the object is the listener
        inverted = (np_after(m["rest"]) if m["np_c"].rstrip().endswith(",") and re.fullmatch(_INVERTED, m["cue_c"])
                    else None)
        return with_statement(inverted or np_before(m["np_c"]), SPEECH_FORMS[m["cue_c"]], m[0])
    dash = re.match(r"^\s*[—–]\s*(.+?)\s*$", right)  # an aggregator's "— Name, Outlet" after the quote
    if dash and BYLINE.match(dash[1]):
        return dash[1].replace(MASK_DOT, "."), "columnist", "wrote"
    m = None if short else _ACCORDING.search(right)
    return with_statement(np_after(m["np"]), "according to", m["np"]) if m else None


_LEAD_TIME = re.compile(rf"^\s*[^,]{{0,30}}\b{_TIME_WORDS}\b[^,]{{0,20}},\s*")
# "Mr. Trump's tweet that ...", "His announcement on Twitter that ...": the owner of the speech act speaks
_SPEECH_NOUN = re.compile(rf"(?:(?P<np>(?:{NAME_RX}\s+){{0,3}}{NAME_RX})['’]s?|(?P<pron>\b(?:[Hh]is|[Hh]er))|"
                          r"(?P<of>\b(?:[Tt]he|[Aa]n?)))\s+(?:[a-z]+\s+)?(?:tweets?|announcement|statement|remarks?|message|"
                          r"post|pledge|promise|claim|warning|comments?|speech|letter)\b(?(of)\s+(?:by|from)\s+"
                          rf"(?P<by>(?:{NAME_RX}\s+){{0,3}}{NAME_RX})|)")
OPENING_PARTICIPLE = re.compile(r"^\s*(?:[A-Z][a-z]+ing)\b")  # "Calling Lam's decision '...', Wu said"


def speech_noun_owner(left: str) -> Attribution | None:
    """The speaker of a quote introduced by a possessed speech noun in ``left`` (the latest one)."""
    found = [m for m in _SPEECH_NOUN.finditer(left) if m["np"] or m["pron"] or m["by"]]
    if not found:
        return None
    m = found[-1]
    name = m["np"] or m["by"]
    if name and not is_named(name):
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
            subject = re.match(rf"\s*((?:(?:the|a|an)\s+)?(?:{NAME_RX}\s*)+)([a-z]+\b)?\s*(?:,([^,]+),)?", left)
            found = (valid_np(subject[1] + (subject[2] or "")) or valid_np(subject[1]), (subject[3] or "").strip()
                     ) if subject else None
        else:
            found = np_before(left[:m.start()])
            if found is None and re.search(r"\b(?:and|but)\s+(?:[a-z]+ly\s+)?$", left[:m.start()]):
                # "The president, speaking ..., reaffirmed X and pledged that": the sentence's subject
                subject = LEADING_SUBJECT.match(left) or LEADING_APPOSED.match(left)
                found = (valid_np(subject[1]), "") if subject else None
        if found and found[0]:
            return with_statement(found, SPEECH_FORMS[m["v"]], left)
    return None


_BASED = re.compile(r"\S+-based\b")
_ALL_TYPES = frozenset(SOURCE_TYPES)


def classify(phrase: str, appositive: str, cue: str, matcher: ActorMatcher,
              actors: dict[str, Actor]) -> tuple[str, str]:
    """(source_type, actor name) of a speaker, from the phrase and then its appositive.

    On the phrase an actor's own source_type decides; then anonymity; then a company actor is a
    company and a government actor lets the rules pick only a government; a rule match containing
    the actor's match is more specific and wins ("World Uyghur Congress" is not the actor "Congress").
    In an appositive the role ("an expert at ... in Beijing") comes before the places it names.
    """
    anonymous = None  # searched once: the same text in both rounds
    for text, rules_first in ((phrase, False), (appositive, True)):
        text = _BASED.sub("", text)  # "a Beijing-based think tank" is not Beijing speaking
        hits = sorted(matcher.find(text) if text else [], key=lambda h: (h[4] - h[5], h[4]))
        actor = actors[hits[0][0]] if hits else None
        if actor is not None and actor.source_type:
            return actor.source_type, actor.name
        if anonymous is None:
            anonymous = bool(SOURCE_RULES[0][1].search(f"{phrase} {appositive}"))
        if anonymous:  # "an official, who spoke on condition of anonymity"
            return "anonymous", actor.name if actor else ""
        first = next(((k, m) for k, (_, rx) in enumerate(SOURCE_RULES) if text and (m := rx.search(text))), None)
        ruled = (SOURCE_RULES[first[0]][0], first[1]) if first else None
        inside = actor is not None and ruled and ruled[1].start() <= hits[0][4] and hits[0][5] <= ruled[1].end() and (
            ruled[1].end() - ruled[1].start() > hits[0][5] - hits[0][4])
        if ruled and (rules_first or inside):
            return ruled[0], actor.name if actor is not None and rules_first else ""
        if actor is not None and actor.type == "company":
            return "company", actor.name
        allowed = _GOV if actor is not None and actor.type == "government" else _ALL_TYPES
        # the first rule that fits: none before the first that matched match, and that one's match is known
        rule = None if first is None else next((t for k, (t, rx) in enumerate(SOURCE_RULES[first[0]:], first[0])
                                                if t in allowed and (k == first[0] or rx.search(text))), None)
        if rule or actor is not None:
            return rule or ("government_other" if actor.type == "government" else "other"), actor.name if actor else ""
    return ("media" if cue == "reported" else "other"), ""


def clean_speaker(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(" ,'’")
    first = phrase.split(" ", 1)[0]
    return phrase[0].lower() + phrase[1:] if first.lower() in _DETERMINERS | PRONOUNS else phrase


# Every match of _ABBREV holds a dot, at most this many characters after the match's start ("D-Calif.": 7).
_ABBREV_REACH = 7


def mask_abbreviations(text: str) -> str:
    """``text`` with abbreviation dots ("Sen.", "U.S.") replaced by a look-alike, offsets unchanged.

    ``_ABBREV.sub`` tried its alternation at every character (a millisecond an article); a match's first dot is the
    first dot after its start, at most ``_ABBREV_REACH`` characters on, so trying the places up to that far before
    each dot, in order, finds the same matches, leftmost first, without overlaps."""
    pieces, pos, done = [], 0, 0
    while (dot := text.find(".", pos)) >= 0:
        for start in range(max(pos, dot - _ABBREV_REACH), dot + 1):
            if m := _ABBREV.match(text, start):
                pieces += [text[done:start], m[0].replace(".", MASK_DOT)]
                done = pos = m.end()
                break
        else:
            pos = dot + 1
    return "".join(pieces) + text[done:] if pieces else text


# A news site's hover teaser injected after a politician's name: the full name glued to the first
# headline of unrelated stories, up to "MORE" ("Sen. Jo Doe Joanne Ruth DoeSenate passes bill ... MORE (R-Ohio)
# said"). Left in, its headlines become the speaker; blanked, the name before it is the subject again.
