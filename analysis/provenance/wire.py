"""Wire credits: the news agency an article's text (or byline) names as the source of its copy or reporting.

Outputs the ``article_wire`` table (one row per article: agency, basis, evidence). Datelines and credit lines
say the article is the agency's copy; bylines and contribution lines that it used some; citations ("according
to Reuters", "told The Associated Press") that it reports the agency's reporting. Photo, video and graphic
credits, an agency that is the subject of the story, and an agency's data are not credits. The rules were
studied on the dev split of ``data/gold/provenance`` and scored on its test split (see its README).
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.core import progress, tables

_DATELINE_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d"

# Agencies credited in the text itself, canonical name -> the forms a text spells it in. A dateline
# "(Reuters) -" or a credit line means the article is the agency's copy; "contributed to this report"
# means it used some; "Reuters reported" is a citation of its reporting.
WIRE_AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters",), "AP": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"), "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "Xinhua": ("Xinhua", "Xinhua News Agency"), "PTI": ("PTI", "Press Trust of India"), "IANS": ("IANS",),
    "ANI": ("ANI",), "Kyodo": ("Kyodo", "Kyodo News"), "Yonhap": ("Yonhap", "Yonhap News Agency"), "dpa": ("dpa", "DPA"),
    "EFE": ("EFE",), "UPI": ("UPI", "United Press International"), "CNA": ("CNA",),
    "TASS": ("TASS", "Tass", "ITAR-TASS"), "Interfax": ("Interfax",), "RIA Novosti": ("RIA Novosti",),
    "KCNA": ("KCNA", "Korean Central News Agency"), "Fars": ("Fars", "Fars News Agency"), "IRNA": ("IRNA",),
    "Anadolu": ("Anadolu", "Anadolu Agency"), "ANSA": ("ANSA",), "Jiji": ("Jiji", "Jiji Press"),
    "Bernama": ("Bernama",), "Dow Jones Newswires": ("Dow Jones Newswires",),
}

# What may stand between "according to" / "told" and the agency: "the official", "China's state",
# "South Korean", "the nation's", "Russian state media outlet", "state-run ... news agency,". A capitalised
# word must read as a nationality (Chinese, Korean, French, British, Israeli) or a possessive (China's), so
# "according to Michael Bloomberg" stays a person.
_QUALIFIERS = (r"(?:(?:official|semi-official|state|state-run|state-owned|state-controlled|state-backed|"
               r"government-run|government-controlled|Kremlin-controlled|independent|[Tt]he nation['’]s|"
               r"[Tt]he country['’]s|(?:(?:South|North|East|West)\s+)?[A-Z][a-z]+(?:an|ese|ish|ch|i)|"
               r"(?:[A-Z][a-z]+\s)?[A-Z][a-z]+['’]s)\s+){0,3}"
               r"(?:(?:news|wire|media)\s+(?:agency|service|outlet),?\s+)?")
# What the article says of the agency's reporting: "told", "according to", "in a statement to", "per",
# "obtained by" (a document the agency holds), "a request for comment from", "according to a new report from".
_TELLING = (r"\b(?i:according\s+to|told(?:\s+(?:reporters?|journalists?|correspondents?)\s+(?:with|from|for|at))?|"
            r"(?:cited|reported|quoted|quoted\s+as\s+saying)\s+by|"
            r"in\s+an?\s+(?:[\w-]+\s+){0,2}interview(?:\s+[\w-]+){0,2}\s+with|"
            r"(?:speaking|spoke|talking|said)\s+to|in\s+(?:comments|remarks)\s+to|"
            r"in\s+an?\s+(?:[\w-]+\s+){0,2}(?:statement|e-?mail|message|letter)\s+to|"
            r"(?:declined|refused)\s+to\s+comment\s+to|"
            r"(?:requests?\s+for\s+comment|questions?|inquiry|inquiries)\s+from|"
            r"(?:obtained|reviewed|seen|viewed|published|released|confirmed|made\s+public(?:\s+[\w-]+){0,2})\s+by|"
            r"according\s+to\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:report|story|tally|count|analysis|review)\s+"
            r"(?:from|by)|"
            r"per)\s+")
# a verb that, said of an agency, reports what it reported: "Reuters noted", "the AP wrote", "Reuters adds:"
_REPORTING_VERBS = "said|says|noted|notes|wrote|writes|added|adds|explained|explains|found|learned|revealed|confirmed"
_NOT_REPORTING = (r"\b(?!['’]s)(?!\s+(?:data|figures|calculations|estimates|index|indices|terminal|survey|poll|"
                  r"rankings?|compiled)\b)")
_STOP_BEFORE_NAME = {"the", "according", "told", "by", "with", "and", "from", "to", "via", "thomson", "at", "for",
                     "on", "in", "of", "a", "an", "as", "but", "said", "says"}

Check = Callable[[str, re.Match], bool]


def _long_line(text: str, m: re.Match) -> bool:
    """A paragraph signed off with the agency has words before it; "Watch more! (Reuters)" is a video credit."""
    line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
    return len(re.findall(r"\w+", line)) >= 4


def _speaks_as_agency(text: str, m: re.Match) -> bool:
    """"Reuters found that ..." cites its reporting; "a survey by Reuters found" cites its poll (data), and
    "Bloomberg said" is the candidate where the text names Michael Bloomberg."""
    before = text[max(0, m.start() - 50):m.start()]
    if re.search(r"(?i:\b(?:polls?|surveys?|data|study|index)\s+(?:\w+\s+){0,2}(?:by|from|of)\s+(?:the\s+)?)$", before):
        return False
    return _not_a_person(text, m)


def _not_an_image(text: str, m: re.Match) -> bool:
    """"footage obtained by The Associated Press" captions a video; "a letter obtained by" it cites its reporting."""
    return not re.search(r"(?i:\b(?:video|footage|photos?|photographs?|images?|pictures?)\b)[^\n.]{0,30}$",
                         text[max(0, m.start() - 60):m.start() + 1])


def _source_tag(text: str, m: re.Match) -> bool:
    """"a rule change (Reuters)." names a source. "Advanced Placement (AP)." spells out an abbreviation, and
    "David Nakamura (The Washington Post), ... and Margaret Talev (Bloomberg)." lists reporters' employers."""
    form = m["agency"]
    words = re.findall(r"[\w’'-]+", text[max(0, m.start() - 80):m.start()])[-len(form):]
    if form.isupper() and len(words) == len(form) and "".join(w[0] for w in words).upper() == form:
        return False
    sentence = re.split(r"[.!?\n]", text[max(0, m.start() - 400):m.start()])[-1]
    return len(re.findall(r"\([^()\n]{1,40}\)", sentence)) < 2


def _not_a_person(text: str, m: re.Match) -> bool:
    """"told Bloomberg's Jennifer Jacobs" names the agency's reporter, unless the text also names a person
    of that name ("Michael Bloomberg"), whose aides the possessive may as well be."""
    for before in re.finditer(r"\b([A-Z][a-z]+\.?)\s+" + re.escape(m["agency"]) + r"\b", text):
        if before[1].rstrip(".").casefold() not in _STOP_BEFORE_NAME:
            return False
    return True


@dataclass(frozen=True)
class _WireRules:
    patterns: tuple[tuple[str, re.Pattern, Check | None], ...]
    byline: re.Pattern
    canonical: dict[str, str]
    # For each pattern, searches that must all find something in a text before the pattern can match there: an
    # agency's name (in the case the pattern asks for) and, for the contribution line, "contributed". Most texts
    # name no agency, and the unanchored patterns cost milliseconds a text (wire credits on 37,554 articles).
    needs: tuple[tuple[re.Pattern, ...], ...] = ()
    before: int = 0  # the longest "The" + agency form: how far before "contributed" a contribution line starts


def wire_rules(extra: tuple[str, ...] = ()) -> _WireRules:
    """The credit patterns for the built-in agencies plus ``extra`` (a study's ``wire_agencies``).

    Every rule reads any line of the text: a dateline may follow a photo caption ("WASHINGTON (REUTERS) -"
    in the fifth paragraph), and pages shout. Rules that would read a common word as an agency ("ap", "ani")
    match the agency's spelling exactly.
    """
    forms = {form: name for name, spelled in WIRE_AGENCIES.items() for form in spelled}
    forms |= {a.strip(): a.strip() for a in extra}
    canonical = {f.casefold(): n for f, n in forms.items()}
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    agency = f"(?P<agency>{alternatives})"
    agency_cs = f"(?P<agency>(?-i:{alternatives}))"
    flags = re.IGNORECASE | re.MULTILINE
    # (basis, pattern, check, side): ``side`` is "both" where the agency always stands between non-word
    # characters in a match, for the search that screens texts (below).
    patterns = (
        # "WASHINGTON (Reuters) -", "BEIJING, Oct 8 (Xinhua) --", "(AP) —" at the start of any line; a place
        # may carry its own parenthesis: "From Ramallah (Palestinian Territories) (AFP) —"
        ("dateline", re.compile(r"^(?:[^\n()]|\([^\n()]{1,40}\)){0,80}?\(\s*" + agency + r"\s*\)\s*(?:[-—–]|:)",
                                flags), None, "both"),
        # "AFP, BEIJING", "Reuters, Washington:" opening a line
        ("dateline", re.compile(r"^[ \t]*" + agency_cs + r"\s*,\s*(?-i:[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})"
                                r"\s*(?:$|[-—–:]|,\s*(?:" + _DATELINE_MONTH + r"))", re.MULTILINE), None, ""),
        ("credit line", re.compile(r"Reporting by [^\n]{3,200}?(?:Editing|Writing) by", re.IGNORECASE), None, ""),
        # a copyright line, not a photo's "... May 29, 2019. © 2019 Kyodo via AP Images"
        ("credit line", re.compile(r"(?:^[ \t]*\(?|(?=(?:Copyright|©)[^\n]{0,60}All rights reserved))(?:Copyright|©)"
                                   r"\s*(?:\(c\)\s*)?\d{4}\s+(?:The\s+)?" + agency + r"(?!\s*(?:/|via\b|photo))",
                                   flags), None, "left"),
        # a line that is only the agency: a byline "By PTI", a sign-off "With Reuters", "(END) Dow Jones Newswires"
        ("credit line", re.compile(r"^[ \t]*(?:\(END\)\s*)?[-—–]?\s*(?:By\s+|With\s+)?(?:The\s+)?" + agency
                                   + r"(?:\s+(?:staff|reporters?))?\s*[.]?\s*$", flags), None, "both"),
        ("credit line", re.compile(r"\b(?:This|The)\s+(?:story|article|report)\s+(?:was|is)\s+(?:reported|written|"
                                   r"produced|provided)\s+by\s+(?:The\s+)?" + agency + r"\b", re.IGNORECASE), None,
         "both"),
        # a paragraph signed off with the agency: "... the ministry said. — AFP", "... on Tuesday. (Reuters)"
        ("credit line", re.compile(r"[.!?\"”’]\s*(?:[-—–]+\s*(?:The\s+)?|\(\s*)" + agency_cs + r"\s*\)?[ \t]*$",
                                   re.MULTILINE), _long_line, ""),
        # "The Associated Press contributed to this report", or a line ending "Reuters contributed reporting"
        # ("Bloomberg contributed so much last year to charity" goes on)
        ("contribution line", re.compile(r"(?:The\s+)?" + agency + r"\s+contributed(?:\s+reporting)?(?:\s+(?:to|for)\s+"
                                         r"this\s+(?:report|story|article)|(?=\s*\.?[ \t]*$))", flags), None, "right"),
        # "This report contains material from Reuters.", "This article compiled from Associated Press content."
        ("contribution line", re.compile(r"(?i:\b(?:contains|includes|uses)\s+(?:material|information|reporting|"
                                         r"content)\s+from|\bcompiled\s+from)\s+(?:[Tt]he\s+)?" + agency_cs
                                         + _NOT_REPORTING), None, ""),
        # "(Material from Reuters and the Associated Press was used in this story.)"
        ("contribution line", re.compile(r"(?i:\b(?:material|information|reporting)\s+from)\s+(?:[Tt]he\s+)?"
                                         + agency_cs
                                         + r"(?:\s+and\s+(?:[Tt]he\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})?\s+"
                                         r"(?i:(?:was|were|has\s+been|have\s+been)\s+used)\b"), None, ""),
        # "Contributing: Jane Doe, USA TODAY; The Associated Press"
        ("contribution line", re.compile(r"^[ \t]*Contributing:[^\n]{0,300}?(?:^|[:;,]\s*|\s)(?:The\s+)?"
                                         + agency_cs + r"\s*[.;,]?[ \t]*$", re.MULTILINE), None, ""),
        # "Associated Press writers X and Y contributed", "AP Diplomatic Writer Matthew Lee contributed"
        ("contribution line", re.compile(r"\b" + agency_cs + r"(?:\s+[A-Z][a-z]+){0,2}\s+(?i:writers?|reporters?|"
                                         r"correspondents?|journalists?|researchers?)\s+[^\n]{1,200}?\s+contributed\b"),
         None, ""),
        # The article reports what the agency reported: "according to Reuters", "told The Associated Press",
        # "In an interview Wednesday with Reuters", "according to China's state news agency, Xinhua".
        # Case-sensitive, so "ap" and "ani" stay words; "according to Bloomberg data" cites a data service.
        ("citation", re.compile(_TELLING + r"(?:[Tt]he\s+)?" + _QUALIFIERS + agency_cs + _NOT_REPORTING),
         _not_an_image, ""),
        # "told Bloomberg's Jennifer Jacobs", "told Reuters' reporter"
        ("citation", re.compile(_TELLING + r"(?:[Tt]he\s+)?" + agency_cs + r"['’]s?\s+(?:(?:reporters?|"
                                r"correspondents?|journalists?|interviewer|editor)\b|[A-Z][a-z]+\s+[A-Z][a-z]+)"),
         _not_a_person, ""),
        ("citation", re.compile(r"\b" + agency_cs + r"(?:\s+(?i:news\s+(?:agency|service)))?\s+(?:reported|reports|"
                                r"has reported|first reported|quoted)\b"), None, ""),
        # "the state-run Xinhua news agency said", "Japan's Kyodo News agency said": with the agency noun, "said"
        # is the agency reporting
        ("citation", re.compile(r"\b" + agency_cs + r"\s+(?i:news\s+(?:agency|service))\s+(?:said|says|cited)\b"),
         None, ""),
        # "Reuters noted that", "the AP wrote", "Reuters adds some color:", unless the name is a person's
        # ("Bloomberg said he wouldn't run" where the text names Michael Bloomberg)
        ("citation", re.compile(r"(?<![/-])\b" + agency_cs + r"\s+(?:has\s+|had\s+)?(?:" + _REPORTING_VERBS + r")\b"),
         _speaks_as_agency, ""),
        # inverted after a clause or a quote: "..., reports the AP.", "That's not true, reported the Associated Press",
        # "..., said North Korea's official news agency, KCNA"; not a speaker's employer ("says Bloomberg senior editor
        # Michael Regan", "said Reuters White House correspondent Jeff Mason"): the agency ends the clause
        ("citation", re.compile(r"(?:[,;]|[.!?,]?[\"”’])\s+(?:reported|reports|" + _REPORTING_VERBS + r")\s+"
                                r"(?:[Tt]he\s+)?" + _QUALIFIERS + agency_cs + r"(?=\s*[.,;:!?)\"”]|\s*$|"
                                r"\s+(?:in|on|at|last|this|earlier|late|early|after|citing)\b)"),
         _not_a_person, ""),
        # wire copy quoted at length: "(via AP):", "From the AP:", "The two major takeaways, via the Associated Press,"
        # and not a caption's "The Dallas Morning News via AP, Pool"
        ("citation", re.compile(r"(?:^|[.!?:]\s+|\(\s*|,\s+)(?:[Vv]ia|From)\s+(?:[Tt]he\s+)?" + agency_cs
                                + r"\s*\)?\s*[:,](?!\s*(?:Pool|File)\b)", re.MULTILINE), None, ""),
        # "The Chinese news agency Xinhua, in its summary of the visit, quoted Kim as saying"
        ("citation", re.compile(r"\b" + agency_cs + r"(?:\s+news\s+(?:agency|service))?,\s+[^.\n,]{1,100},\s+"
                                r"(?:reported|reports|quoted|cited)\b"), None, ""),
        ("citation", re.compile(r"\b(?:an?|the)\s+" + agency_cs + r"\s+(?:report|story|investigation|analysis|"
                                r"tally)\b"), None, ""),
        # a source named after an item: "... with a rule change (Reuters)."
        ("citation", re.compile(r"\(\s*(?:[Tt]he\s+)?" + agency_cs + r"\s*\)[.;]"), _source_tag, ""),
    )
    byline = re.compile(r"^(?:by\s+)?(?:the\s+)?" + agency + r"(?:\s+news)?$", re.IGNORECASE)
    exact_case = re.compile(alternatives)
    # Case-insensitive, a bare form is found inside most texts ("ap" in "happen", "ani" in "animal"), and a
    # bounded regex alternation is slower than the rules it would screen. So texts are screened by their words:
    # where a rule's agency stands after (or before) a non-word character, the form's first (last) word is a
    # whole word of the text, or starts (ends) one; its inner words are whole words whatever the rule.
    screens = {side: _FormWords(forms, side) for side in ("both", "left", "right")}
    screens[""] = re.compile(alternatives, re.IGNORECASE)
    contributed = re.compile("contributed", flags)
    needs = tuple(((screens[side],) if "(?P<agency>" + alternatives in p.pattern else
                   (exact_case,) if agency_cs in p.pattern else ())
                  + ((contributed,) if "contributed" in p.pattern and p.flags & re.IGNORECASE else ())
                  for _, p, _, side in patterns)
    return _WireRules(tuple(rule[:3] for rule in patterns), byline, canonical, needs,
                      len("The") + max(map(len, forms)))


_WORDS = re.compile(r"\w+")
# One text meets several rules in turn, so its words are read once; per thread, so that threads reading
# different texts at once never see each other's words.
_LAST_TEXT = threading.local()


def _text_words(text: str) -> tuple[frozenset, list[str], list[str]]:
    """The case-folded words of ``text``: as a set, sorted, and reversed then sorted (for prefix and suffix look-ups)."""
    if getattr(_LAST_TEXT, "text", None) is not text:
        words = {w.casefold() for w in _WORDS.findall(text)}
        _LAST_TEXT.words = (frozenset(words), sorted(words), sorted(w[::-1] for w in words))
        _LAST_TEXT.text = text
    return _LAST_TEXT.words


def _starts_one(prefix: str, ordered: list[str]) -> bool:
    i = bisect.bisect_left(ordered, prefix)
    return i < len(ordered) and ordered[i].startswith(prefix)


class _FormWords:
    """``search(text)``: a necessary condition for a case-insensitive match of some form in ``text`` where the
    form stands after a non-word character (``side`` "left"), before one ("right"), or both ("both")."""

    def __init__(self, forms, side: str) -> None:
        self.forms = [tuple(w.casefold() for w in _WORDS.findall(f)) for f in forms]
        self.left, self.right = side in ("both", "left"), side in ("both", "right")

    def search(self, text: str) -> bool:
        whole, ordered, reversed_ = _text_words(text)
        for form in self.forms:
            if not form or not all(w in whole for w in form[1:-1]):
                continue
            first, last = form[0], form[-1]
            if len(form) == 1:  # its one word is whole, starts a word or ends one
                if (first in whole if self.left and self.right else _starts_one(first, ordered) if self.left
                        else _starts_one(first[::-1], reversed_)):
                    return True
                continue
            if ((first in whole if self.left else _starts_one(first[::-1], reversed_))
                    and (last in whole if self.right else _starts_one(last, ordered))):
                return True
        return False

_DEFAULT_RULES = wire_rules()


def credited_agency(text: str, *, author: str | None = None, outlet: str = "",
                    rules: _WireRules = _DEFAULT_RULES) -> tuple[str, str, str]:
    """(agency, basis, evidence) for the strongest wire credit in ``text`` or its byline; empty strings if none.

    Datelines and credit lines come first (anywhere in the text); then the byline (AllSides keeps
    "Associated Press" there while the text has lost its dateline); then a "contributed to this report" line;
    last a citation of the agency's reporting ("according to Reuters"), which says the article used the
    agency's work but not that it carries its copy (clusters name their agency from the first three only).
    ``outlet``: the publishing outlet; an agency citing itself ("Read more on Bloomberg" in Bloomberg's own
    story) is not a citation of another's reporting.
    """
    screened: dict = {}  # the rules share their screening searches: each is run once a text
    found = _text_credit(text, ("dateline", "credit line"), rules, screened=screened)
    if found:
        return found
    for part in re.split(r"[,;]|\band\b", author or ""):
        m = rules.byline.match(part.strip())
        if m:
            return rules.canonical[m["agency"].casefold()], "byline", " ".join(author.split())[:80]
    own = rules.canonical.get(outlet.strip().casefold(), outlet.strip())
    return (_text_credit(text, ("contribution line",), rules, screened=screened)
            or _text_credit(text, ("citation",), rules, skip=own, screened=screened) or ("", "", ""))


_WHITESPACE = re.compile(r"\s+")


def _anchored_matches(text: str, pattern: re.Pattern, anchor: re.Pattern, before: int):
    """``pattern.finditer(text)``'s first match, found from the places ``anchor`` matches: every match of
    ``pattern`` holds an ``anchor`` match that starts at most ``before`` characters (plus two whitespace runs) after
    it. search() returns the match at the first position where match() succeeds, so trying only the positions near
    an anchor, in order, finds the same match; the unanchored pattern tried every position (2 µs a character)."""
    runs = max((m.end() - m.start() for m in _WHITESPACE.finditer(text)), default=0)
    reach = before + 2 * runs
    tried = 0
    for a in anchor.finditer(text):
        for start in range(max(tried, a.start() - reach), a.start() + 1):
            m = pattern.match(text, start)
            if m:
                yield m
                return
        tried = a.start() + 1


def _text_credit(text: str, bases: tuple[str, ...], rules: _WireRules, skip: str = "",
                 screened: dict | None = None) -> tuple[str, str, str] | tuple[()]:
    """The credit of one of ``bases`` that comes first in ``text`` (the earliest match of any of their rules, not
    the first rule that matches somewhere: a dateline opening the story outranks a sign-off further down);
    ``screened``: what each screening search found in ``text`` so far (filled here), since most rules share one
    (the case-sensitive agency names)."""
    screened = {} if screened is None else screened

    def passes(need) -> bool:
        if need not in screened:
            screened[need] = bool(need.search(text))  # a match, or _FormWords' True
        return screened[need]

    best: tuple = ()
    for (basis, pattern, check), needs in zip(rules.patterns, rules.needs or [()] * len(rules.patterns)):
        if basis not in bases or not all(passes(need) for need in needs):
            continue
        anchored = check is None and len(needs) == 2  # the contribution line: its first match is all it needs
        for m in (_anchored_matches(text, pattern, needs[1], rules.before) if anchored else pattern.finditer(text)):
            if best and m.start() >= best[0]:
                break  # this rule's matches come in order: none can start before the best found so far
            agency = m.groupdict().get("agency") or "Reuters"  # "Reporting by ...; Editing by" is Reuters' style
            name = rules.canonical[agency.casefold()]
            if (skip and name == skip) or (check is not None and not check(text, m)):
                continue
            best = (m.start(), (name, basis, " ".join(m.group().split())[:80]))
            break
    return best[1] if best else ()


def article_wire(articles: pd.DataFrame, *, agencies: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ``article_wire`` table: the agency each article's text (or byline, if ``author`` is given) credits.

    ``agencies``: names to recognise besides :data:`WIRE_AGENCIES` (a study's ``wire_agencies``)."""
    rules = wire_rules(agencies) if agencies else _DEFAULT_RULES
    authors = articles["author"] if "author" in articles else pd.Series(None, index=articles.index)
    rows = [(str(d), str(o), *credited_agency(t if isinstance(t, str) else "", outlet=str(o),
                                              author=a if isinstance(a, str) else None, rules=rules))
            for d, o, t, a in progress.bar(zip(articles["doc_id"], articles["outlet"], articles["text"], authors),
                                           total=len(articles), desc="wire credits", unit="article")]
    return tables.from_rows(rows, "article_wire")
