"""Page furniture that occurs once: lines of a page that are not the article's prose.

Boilerplate removal (:mod:`analysis.text.clean`) finds paragraphs an outlet repeats across its articles. A
caption, an embedded tweet, a "Read more:" teaser, a share bar or a date line may occur in one article only,
so each line is also judged on its own: a line is furniture when one of :data:`FURNITURE_RULES` matches all of
it. The rules are deliberately narrow (whole lines, short ones for most kinds): a rule that took a sentence of
the article would change every measure downstream, while a missed caption costs one sentence. Every removal is
logged with its kind, and a line that says the text is cut off by a paywall also flags the article.

Validated against ``data/gold/furniture`` (lines labelled prose or furniture by hand; see
:func:`analysis.validation.coverage_gold.furniture_validity`).
"""

from __future__ import annotations

import re

import pandas as pd

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_TIME = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,4}|GMT[+-]?\d*|UTC))?"
_DATE = (rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}})")
_AGENCY_OR_PHOTO = (r"(?:AP|AFP|Reuters|REUTERS|Getty(?: Images)?|EPA(?:-EFE)?|Xinhua|Bloomberg|Shutterstock|"
                    r"Sipa|Alamy|NurPhoto|Anadolu|Kyodo|Yonhap|Pool|File)")

# (kind, pattern over the whole stripped line, longest line it may take)
FURNITURE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (kind, re.compile(pattern), limit) for kind, pattern, limit in [
        ("caption", r"^(?:Image|Photo|Picture|Video|Media) (?:copyright|caption|credit|source)\b.*$", 400),
        ("caption", r"^(?:Photo|Photograph|Image|Picture|Video|Graphic|Caption|FILE PHOTO|File photo)"
                    r"(?:\s*[:|]|\s+[-–—])\s*.*$", 300),
        ("photo_credit", r"^.{0,250}[(\[]\s*(?:(?:AP|Reuters|AFP|Getty|EPA|Xinhua)\s*)?(?:Photo|Photograph|Image)s?"
                         r"(?:/| by | credit:?\s*)[^)\]]{0,80}[)\]]\.?$", 320),
        ("photo_credit", rf"^(?:Photo|Photograph|Image|Picture)s?\s*(?:by|credit:?|:)?\s*[^.]{{0,60}}"
                         rf"(?:/\s*)?{_AGENCY_OR_PHOTO}[^.]{{0,30}}$", 120),
        ("photo_credit", rf"^(?:[A-Z][\w.'-]+\s){{1,3}}/\s*{_AGENCY_OR_PHOTO}(?:\s+(?:via|/)\s+[\w ]+)?$", 80),
        ("social_embed", r"^.*\bpic\.twitter\.com/\w+.*$", 600),
        # an embedded tweet flattened to text ends with its attribution: "— Name (@handle) July 21, 2017"
        ("social_embed", rf"^.{{0,500}}[—–-]\s*.{{1,80}}\(@\w{{1,30}}\)\s*{_DATE}$", 660),
        ("social_embed", r"^.*\b(?:twitter\.com/\w+/status|instagram\.com/p/)\S*.*$", 400),
        ("related_links", r"^(?:Read [Mm]ore|READ MORE|RELATED(?: ARTICLES?| STORIES| COVERAGE)?|Related(?: Articles?| "
                          r"Stories| Coverage| Content)?|See [Aa]lso|Also [Rr]ead|MORE|More|Recommended|Watch|WATCH|"
                          r"Listen|LISTEN|Click here|CLICK HERE|Trending|TRENDING|Don't [Mm]iss|DON'T MISS|Top Stories|"
                          r"Latest(?: [Nn]ews| [Ss]tories)?|LATEST(?: NEWS)?|Most [Rr]ead|MOST READ|Most [Pp]opular|"
                          r"Editor['’]s [Pp]icks|More from [A-Z][\w ]{1,30})"
                          r"(?:\s*(?:[:>|»›]|\.{3})\s*|\s+[-–—]\s+).*$", 250),
        ("related_links", r"^(?:Read|Click|Tap) (?:the )?(?:full|original) (?:story|article|report) (?:here|at|on)\b.*$",
         200),
        ("related_links", r"^(?:Read|READ|Watch|WATCH|Related|RELATED)\s*:\s*\S.*$", 200),
        ("related_links", r"^.{5,200}\s(?:Read more|READ MORE|Read More)\s*[»›>]?$", 230),
        # a teaser headline in capitals between paragraphs (six words or more, no sentence end)
        ("related_links", r"^(?=(?:[^a-z]*\b[A-Z][A-Z'’.-]+\b){6})[^a-z\"“”!?]{20,200}(?<![.:])$", 200),
        ("related_links", r"^(?:JUST WATCHED|MUST WATCH)\b.*$", 400),
        ("newsletter", r"^(?:Sign up|SIGN UP|Subscribe|SUBSCRIBE|Get|Receive|Join)\b(?i:.{0,120}\b(?:newsletters?|"
                       r"inbox|e-?mails?|alerts?|briefings?|updates)\b.{0,80})$", 250),
        ("newsletter", r"^(?i:.{0,80}\b(?:sign up|subscribe)\b.{0,60}\bnewsletters?\b.{0,80})$", 200),
        ("newsletter", r"^Interested in .{1,80}\? Add .{1,80} as an interest\b.*$", 250),
        ("newsletter", r"^(?:Get|Receive) (?:our|the) .{0,60}(?:newsletter|briefing|alerts?)\b.{0,80}$", 200),
        ("ad", r"^(?:Advertisement|ADVERTISEMENT|Sponsored(?: Content| Links?)?|SPONSORED|Story continues below"
               r"(?: advertisement)?|Continue reading (?:the main story|below)|Article continues below|AD|Ad)$", 80),
        ("share_widget", r"^(?:(?:Share|Tweet|Email|E-mail|Print|Comments?|Facebook|Twitter|WhatsApp|LinkedIn|Reddit|"
                         r"Pinterest|Copy [Ll]ink|Save|Share this(?: article| story)?|Share on \w+)"
                         r"(?:\s*[|•·/,]\s*|\s+|$))+$", 120),
        ("share_widget", r"^A\s*\+\s*A\s*[-–]$", 10),
        ("share_widget", r"^Follow (?:[A-Z][\w.'’-]+\s?){1,4} on (?:Twitter|Facebook|Instagram|X)\b.{0,40}$", 120),
        ("photo_credit", r"^toggle caption\b.*$", 300),
        ("other", r"^(?:Copyright|COPYRIGHT|©)\s*(?:©\s*)?(?:\d{4}\s+)?.{0,120}(?:All [Rr]ights [Rr]eserved|reprint "
                  r"permission|may not be (?:published|reproduced))\b.{0,80}$", 250),
        ("other", r"^[—–-]{1,3}$", 3),
        ("dateline_date", rf"^(?:(?:Updated|Published|Posted|Last updated|First published)(?: on)?[:\s]+)?{_DATE}"
                          rf"(?:,?\s*(?:at\s+)?{_TIME})?(?:\s*\|\s*.{{0,40}})?$", 90),
        ("dateline_date", rf"^(?:Updated|Published|Posted|Last updated)[:\s]+.{{0,20}}{_TIME}.{{0,40}}$", 90),
        ("byline", r"^(?:By|BY|Written by|Words by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
                   r"(?:(?:,|\s+and|\s*&)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}){0,4}"
                   r"(?:\s*[,|]\s*(?:[A-Z][\w.'’&-]*\s?){1,5})?$", 160),
        ("byline", r"^(?:Contributing|Contributors?|Additional reporting(?: by)?)\s*:\s*.{1,120}$", 140),
        ("byline", r"^[—–-]\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}$", 50),
        ("tags", r"^(?:Tags?|TAGS?|Topics?|TOPICS?|Filed [Uu]nder|Categories|Keywords)\s*[:|]\s*.{0,200}$", 220),
        ("menu", r"^(?:No menu items!?|Menu|MENU|Skip to (?:main )?content|Home|HOME|Search|Close|Open menu)$", 40),
        ("menu", r"^(?:[•|·]\s*)?(?:EN|ES|FR|DE|中文|日本語|한국어|Русский|العربية|Español|Français|English)"
                 r"(?:\s*[•|·]\s*(?:EN|ES|FR|DE|中文|日本語|한국어|Русский|العربية|Español|Français|English))+$", 80),
        ("paywall", r"^.{0,120}\b(?:[Ss]ubscribe (?:now )?to (?:continue|keep) reading|[Aa]lready a subscriber\??|"
                    r"[Tt]his (?:article|content|story) is (?:only )?(?:available )?(?:for|to) (?:subscribers|members)|"
                    r"[Yy]ou have reached (?:your|the) (?:free )?(?:article )?limit|[Uu]nlock this (?:article|story)|"
                    r"[Ss]ubscribers? only)\b.{0,150}$", 300),
        ("editor_note", r"^(?:Editor['’]s [Nn]ote|EDITOR['’]S NOTE|Correction|CORRECTION|Clarification|CLARIFICATION)"
                        r"\s*[:—–-].*$", 600),
    ])


# What a rule cannot match without, keyed by a piece of the rule's pattern: one of the literals in the line,
# or (for a case-insensitive rule) one of the second ones in the lowercased line. These rules open with ``.*`` or
# ``.{m,n}``, so the regex engine tries them at every length of every line (on AllSides they were most of the
# rules' time); substring tests in C rule most lines out first and change no answer.
_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    r"\bpic\.twitter\.com/": (("pic.twitter.com/",), ()),
    r"\(@\w{1,30}\)": (("(@",), ()),
    r"(?:twitter\.com/\w+/status|instagram\.com/p/)": (("twitter.com/", "instagram.com/p/"), ()),
    r"^.{0,250}[(\[]": (("Photo", "Image"), ()),
    r"\s(?:Read more|READ MORE|Read More)\s": (("Read more", "READ MORE", "Read More"), ()),
    # (?i) matches no other character for l, e, t or r ("ſ" is an s), so lower() keeps every match
    r"\b(?:sign up|subscribe)\b.{0,60}\bnewsletters?\b": ((), ("letter",)),
    r"[Ss]ubscribers? only": (("ubscri", "his article is", "his content is", "his story is", "have reached",
                              "nlock this"), ()),
}
_RULES = tuple((kind, pattern, limit, next((v for k, v in _NEEDS.items() if k in pattern.pattern), None))
               for kind, pattern, limit in FURNITURE_RULES)
assert sum(needs is not None for *_, needs in _RULES) == len(_NEEDS), "a _NEEDS key matches no rule, or several"
# Whether any rule without a _NEEDS screen could match, as one pattern: most lines are prose, and one match call
# in C rules them out instead of forty in Python. Limits are left to the loop, which decides.
_LONGEST = max(limit for *_, limit in FURNITURE_RULES)
_ANY_PLAIN = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _, needs in _RULES if needs is None))
_LITERALS = tuple(dict.fromkeys(n for needs, _ in _NEEDS.values() for n in needs))
_LOWERED = tuple(dict.fromkeys(n for _, needs in _NEEDS.values() for n in needs))


def _has(line: str, literals: tuple[str, ...], lowered: tuple[str, ...]) -> bool:
    return any(n in line for n in literals) or bool(lowered) and any(n in line.lower() for n in lowered)


def furniture_kind(line: str) -> str:
    """The kind of furniture ``line`` is ('' for prose)."""
    stripped = " ".join(line.split())
    if not stripped or len(stripped) > _LONGEST or not (_ANY_PLAIN.match(stripped)
                                                         or _has(stripped, _LITERALS, _LOWERED)):
        return ""
    return _kind(stripped)


def _kind(stripped: str) -> str:
    for kind, pattern, limit, needs in _RULES:
        if len(stripped) <= limit and (needs is None or _has(stripped, *needs)) and pattern.match(stripped):
            return kind
    return ""


_LOWERED_LIMIT = max(limit for *_, limit, needs in _RULES if needs and needs[1])


def furniture_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every furniture line of ``text`` (lines split on newlines).

    :func:`furniture_kind` for each line, with its screen made cheaper: a line that is already stripped and
    single-spaced (as normalised text is: printable, so no whitespace but the plain space) is not split and
    joined, and only the screening literals that the whole text holds are looked for (one search each).
    """
    literals = tuple(n for n in _LITERALS if n in text)
    lowered = _LOWERED if any(n in text.lower() for n in _LOWERED) else ()
    out, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if not (line.isprintable() and line[:1] != " " and line[-1:] != " " and "  " not in line):
            line = " ".join(line.split())
        if (line and len(line) <= _LONGEST
                and (_ANY_PLAIN.match(line) or any(map(line.__contains__, literals))
                     or lowered and len(line) <= _LOWERED_LIMIT and _has(line, (), lowered))
                and (kind := _kind(line))):
            out.append((start, end, kind))
        start = end + 1
    return out

def remove_furniture(articles: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str, str, str, str]],
                                                      dict[str, str]]:
    """Articles without their furniture lines, one log row per removal, and the articles cut by a paywall.

    Log rows are (doc_id, step, action, reason, line); the paywall dict maps doc_id to the notice.
    """
    out = articles.copy()
    rows, texts, paywalled = [], [], {}
    for doc, text in zip(out["doc_id"].tolist(), out["text"].tolist()):
        text = text if isinstance(text, str) else ""
        found = furniture_lines(text)
        kept, last = [], 0
        for start, end, kind in found:
            kept.append(text[last:start])
            last = end + 1 if text[end:end + 1] == "\n" else end
            rows.append((str(doc), "boilerplate", "removed page furniture",
                         f"{kind.replace('_', ' ')}: a line that is not the article's prose", text[start:end]))
            if kind == "paywall":
                paywalled[str(doc)] = text[start:end]
        texts.append("".join(kept) + text[last:] if found else text)
    # object text stays object (the clean stage keeps Python strings between its steps)
    out["text"] = pd.Series(texts, index=out.index, dtype=object if out["text"].dtype == object else "str")
    return out, rows, paywalled
