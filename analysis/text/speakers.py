"""Who said it, article by article: the speaker of each quote and speech tag, resolved in reading order.

``ArticleSpeakers`` reads one article with the phrase rules of :mod:`analysis.text.attribution` (who stands
next to a speech verb) and resolves pronouns, titles ("the Secretary"), "the company" and bare surnames to the
latest fitting name earlier in the article; ``read_articles`` yields one reader per article. Split from
``attribution`` so that each stays readable in one sitting.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.core.study import Actor
from analysis.text.actors import ActorMatcher
from analysis.text.attribution import (
    BYLINE,
    COUNTRY,
    GENERIC,
    GENERIC_TYPES,
    ISSUED,
    LEADING_APPOSED,
    LEADING_SUBJECT,
    MASK_DOT,
    MODIFIED_NAME,
    NAME_RX,
    NOT_ADJECTIVE,
    OPENING_PARTICIPLE,
    PIECE_IN,
    PRONOUNS,
    SENTENCE_END,
    SPEECH_ALTERNATION,
    SPEECH_CUE,
    SPEECH_FORMS,
    STATEMENT,
    VERB_CUE,
    VERB_CUE_HEADS,
    Attribution,
    classify,
    clean_speaker,
    is_named,
    left_attribution,
    mask_abbreviations,
    match_right,
    may_hold,
    np_after,
    np_before,
    right_attribution,
    speech_noun_owner,
    valid_np,
)
from analysis.text.name_search import fuller_name, mentions
from analysis.text.source_types import SOURCE_TYPES

_TEASER = re.compile(r"\b(?P<last>[A-Z][\w'’-]+)(?P<teaser>[ \t](?:[A-Z(][\w'’.()\u2024-]*[ \t]){0,3}(?P=last)"
                     r"(?=[A-Z])[^\n]{0,400}?[ \t]MORE\b)")


def blank_teasers(text: str) -> str:
    """``text`` with injected name teasers (see ``_TEASER``) replaced by spaces, offsets unchanged."""
    if "MORE" not in text:  # in every teaser; the pattern is slow to fail at each capitalised word
        return text
    return _TEASER.sub(lambda m: m["last"] + " " * len(m["teaser"]), text)


_BARE_NAME = re.compile(rf"(?:{NAME_RX}\s+){{0,3}}{NAME_RX}")
_MEMO_SIZE = 200_000


class ArticleSpeakers:
    """One article read for attribution: its referents, and the speaker of each quote or speech tag.

    ``sents`` holds the article's (sent_id, start, end) rows sorted by start; without them
    paragraphs stand in for sentences. Building it collects the referents later pronouns and
    "the company" resolve to: subjects of speech verbs and of sentences, in reading order.
    """

    def __init__(self, text: str, sents: np.ndarray, matcher: ActorMatcher, actors: dict[str, Actor],
                 types: dict[tuple[str, str, str], tuple[str, str]] | None = None):
        self.text, self.masked, self.sents = text, blank_teasers(mask_abbreviations(text)), sents
        self.matcher, self.actors = matcher, actors
        # classify() is a pure function of its phrases for one matcher and actor set, and the same speakers come
        # back sentence after sentence and article after article: read_articles shares one memo among its readers
        self._types = {} if types is None else types
        self._roles: dict[str, str] = {}
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
            found = [(m.start(), np_before(sentence[:m.start()])) for m in VERB_CUE.finditer(sentence)
                     if not m["v"].endswith("ing")] if may_hold(VERB_CUE_HEADS, sentence) else []
            subject = valid_np((subject or apposed)[1]) if (subject or apposed) and "'" not in (
                subject or apposed)[1] else None
            if subject and (len(subject.split()) > 1 or self.typed(subject, "", "")[0] != "other"):
                found.insert(0, (0, (subject, apposed[0].split(",", 1)[1].rsplit(",", 1)[0].strip() if apposed
                                     else "")))  # "Trump got at a similar point": no cue, still a referent
            for offset, attr in found:
                attr = (attr[0].replace(MASK_DOT, "."), attr[1].replace(MASK_DOT, "."), "") if attr else None
                speaker, cue, source_type, actor = self.resolve(attr, start + offset)
                if attr and is_named(speaker):
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
                                                    self.typed)
        if source_type == "other" and inherited is None and _BARE_NAME.fullmatch(speaker):
            source_type = self.role_type(speaker) or source_type
        return speaker, cue, source_type, actor

    def typed(self, phrase: str, appositive: str, cue: str) -> tuple[str, str]:
        """:func:`~analysis.text.attribution.classify` with this reader's matcher and actors, memoised."""
        key = (phrase, appositive, cue)
        found = self._types.get(key)
        if found is None:
            if len(self._types) >= _MEMO_SIZE:  # bounded: a corpus has more distinct appositives than it repeats
                self._types.clear()
            found = self._types[key] = classify(phrase, appositive, cue, self.matcher, self.actors)
        return found

    def role_type(self, name: str) -> str:
        """The first source type that a mention of ``name`` (or its last word) with its role phrase gets."""
        if name not in self._roles:  # the same name is resolved many times in one article
            self._roles[name] = self._role_type(name)
        return self._roles[name]

    def _role_type(self, name: str) -> str:
        surname = name.split()[-1]
        full = mentions(self.masked, name) if name != surname else []
        for m_start, m_end in full + mentions(self.masked, surname):
            start = max(self.masked.rfind(ch, 0, m_start) for ch in ".;:!?\n“”\"(),—–")
            words = re.split(r"\s-\s", self.masked[start + 1:m_start])[-1].split()
            if len(words) > 6 or any(w in SPEECH_FORMS for w in words):
                continue
            appositive = _ROLE_APPOSITIVE.match(self.masked, m_end)
            appositive = appositive[1] if appositive else ""
            if not words and start >= 0 and self.masked[start] == ",":  # "Hong Kong's chief executive, Carrie Lam,"
                ahead = re.split(r"[.;:!?\n“”\"(),—–]|\s-\s", self.masked[:start])[-1].split()
                appositive = " ".join(ahead[-6:]) if 0 < len(ahead) else appositive
            phrase = " ".join([*words, self.masked[m_start:m_end]])
            kind, _ = self.typed(phrase.replace(MASK_DOT, "."), appositive.replace(MASK_DOT, "."), "")
            if kind not in ("other", "unknown"):
                return kind
        return ""

    def remember(self, pos: int, speaker: str, cue: str, source_type: str, actor: str) -> None:
        """A named speaker found at ``pos`` becomes a referent of later pronouns."""
        if speaker and is_named(speaker):
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
            ends_before = list(SENTENCE_END.finditer(masked, paras[para(o)][0], o))
            lo = max(ends_before[-1].end() if ends_before else 0, paras[para(o)][0], prev_c + 1)
            end_after = SENTENCE_END.search(masked, c + 1, paras[para(c)][1])
            hi = min(end_after.end() if end_after else len(text), paras[para(c)][1], next_o)
            left, right = masked[lo:o] if lo < o else "", masked[c + 1:hi] if hi > c + 1 else ""
            following = ""  # the next sentence, which may only say who spoke: '"... ." Geng said.'
            if body[-1:] in ".!?…" and right.lstrip()[:1].isupper():
                right, following = "", right
            elif _blank(right) and hi < min(next_o, paras[para(c)][1]):
                end_next = SENTENCE_END.search(masked, hi, paras[para(c)][1])
                following = masked[hi:min(end_next.end() if end_next else len(text), next_o, paras[para(c)][1])]
            left_blank, right_blank = _blank(left), _blank(right)
            attr, inherited = right_attribution(right), None
            if attr is None or attr[2] == "reported":  # 'X said ... "...", state media reported': X spoke
                attr = left_attribution(left) or attr or right_attribution(following, short=True)
            elif attr[2] == "according to":  # 'X said, "...," according to Xinhua': the agency relayed X
                attr = left_attribution(left, cues=SPEECH_CUE) or attr
            before = s0 if not left_blank else s0 - 1  # the sentence a speakerless quote may borrow from
            if attr is None and rows and rows[-1][6] and before >= 0 and prev_c >= self.bounds[before][0]:
                inherited = rows[-1]  # "'A,' he said. 'B.'" and "'A' and 'b'": B is his too
            elif attr is None and left_blank and s0 > 0 and para(o) - para(self.bounds[s0 - 1][0]) <= 1:
                attr = left_attribution(masked[self.bounds[s0 - 1][0]:min(self.bounds[s0 - 1][1], o)], cues=SPEECH_CUE)
            if attr is None and inherited is None:
                attr = speech_noun_owner(left)
            if attr is None and inherited is None and OPENING_PARTICIPLE.match(left) and right.startswith(","):
                found = np_after(right[1:])  # "Calling it '...', Wu Chi-wai, a lawmaker, said"
                attr = (found[0].replace(MASK_DOT, "."), found[1].replace(MASK_DOT, "."), "said") if found else None
            if attr is None and inherited is None:  # no cue: the named subject of the quote's own sentence
                subject = _latest([n for n in self.named if n[0] >= lo], o, set(SOURCE_TYPES))
                if subject is not None:
                    attr = (subject[1], "", "said")
            if attr is None and inherited is None and para(c) + 1 < len(paras) and _blank(
                    text[c + 1:paras[para(c)][1]]):
                line = text[slice(*paras[para(c) + 1])].strip(" —–-")  # a byline: "Editorial Board, Outlet"
                attr = (line, "columnist", "wrote") if BYLINE.match(line) and len(line.split()) <= 8 else None
            speaker, cue, source_type, actor = self.resolve(attr, o, inherited)
            self.remember(c, speaker, cue, source_type, actor)
            rows.append((k, int(sents[s0, 0]) if len(sents) else -1, s, e, body,
                         _is_partial(left, right, body, left_blank, right_blank), speaker, cue, actor, source_type))
        return rows


_ROLE_APPOSITIVE = re.compile(r",\s+((?:an?|the|[a-z])[^,.;\n]{3,90}|(?:[\w.’'-]+\s+){0,4}(?:of|at|for)\s"
                              r"[^,.;\n]{3,80})")
def _blank(context: str) -> bool:
    return not context.strip(" ,.;:!?…—–-\"'“”‘’")


def _is_partial(left: str, right: str, body: str, left_blank: bool, right_blank: bool) -> bool:
    """A fragment: words other than an attribution precede it, or continue its sentence after it."""
    lead = left.rstrip(" \"'‘")
    if left_blank:  # "'Gross interference' was the phrase used" still embeds the quote
        return not right_blank and match_right(right) is None
    if lead.endswith(":") or (lead.endswith(",") and body[:1].isupper()):
        return False
    if re.search(rf"\b(?:{SPEECH_ALTERNATION})\b[^,]{{0,40}},$", lead):  # '"A," he said, "and B."' continues A
        return False
    return not (re.search(rf"(?:\b(?:{SPEECH_ALTERNATION})\b|\bsaying)(?:\s+that)?$", lead) and body[:1].isupper())


@functools.lru_cache(maxsize=65536)  # asked of every earlier speaker at each pronoun
def _person_like(speaker: str, source_type: str) -> bool:
    """Whether "he"/"she" may refer to this speaker: not "the ...", a country, or a one-word firm or outlet."""
    one_word_org = len(speaker.split()) == 1 and source_type in ("company", "media", "ngo_advocacy")
    plural = bool(re.search(r"\s[a-z]+[^s]s$", speaker))  # "Protest movement leaders"
    return not (re.match(r"(?i)(?:the|an?)\s", speaker) or COUNTRY.match(speaker) or one_word_org or plural)


def _latest(candidates: list[tuple], pos: int, fits: set[str]) -> tuple | None:
    return max((c for c in candidates if c[0] < pos and c[3] in fits), key=lambda c: c[0], default=None)


def _resolve(attr: Attribution | None, inherited: tuple | None, before: str, named: list, mentions: list,
             typed: Callable[[str, str, str], tuple[str, str]]) -> tuple[str, str, str, str]:
    """(speaker, cue, source_type, actor); pronouns and "the company" resolve to the latest fitting name.
    ``typed``: :func:`~analysis.text.attribution.classify` of (phrase, appositive, cue)."""
    if inherited is not None:
        return inherited[6], inherited[7], inherited[9], inherited[8]
    if attr is None:
        return "", "", "unknown", ""
    phrase, appositive, cue = attr
    pos = len(before)
    stated = STATEMENT.match(phrase.strip())
    if stated:
        phrase, cue = stated["x"] or stated["y"], "statement"
    phrase = clean_speaker(phrase)
    piece = PIECE_IN.match(f"{phrase} {appositive}".strip()) or PIECE_IN.match(phrase)
    if piece:
        phrase = piece["paper"]
    modified = MODIFIED_NAME.match(phrase)
    if modified and not NOT_ADJECTIVE.search(phrase[:modified.start("name")]):
        phrase = modified["name"]
    generic = GENERIC.match(phrase)
    head = (generic["head"] or generic["doc"]).lower() if generic else ""
    # "China's Commerce Ministry released a statement ... the statement said"
    if head in ("statement", "letter", "filing"):
        # the latest issuer, unless a speaker was named after it ("The Embassy said ... '...,' the statement said")
        issued = [m for m in ISSUED.finditer(before) if not any(m.start() < n[0] < pos for n in named)]
        lead = before[:issued[-1].start()] if issued else ""
        ends = list(SENTENCE_END.finditer(lead))
        issuer = np_before(lead[ends[-1].end():] if ends else lead) if issued else None
        if issuer is not None:
            phrase, appositive = issuer[0].replace(MASK_DOT, "."), issuer[1].replace(MASK_DOT, ".")
            return (phrase, "statement", *typed(phrase, appositive, "statement"))
    if phrase.lower() in PRONOUNS or generic:
        fits = GENERIC_TYPES.get(head, set(SOURCE_TYPES))
        people = [n for n in named if phrase.lower() not in ("he", "she") or _person_like(n[1], n[3])]
        if phrase.lower() == "it":  # an organisation: its latest mention as an actor counts too
            people += [(p, surface, cue, *typed(surface, "", cue)) for p, surface, kind in mentions
                       if p < pos and kind != "person"]
        found = _latest(people, pos, fits)
        titled = _titled_name(head, before) if found is None and head in _TITLES else None
        if titled is not None:  # "the president" after "President Trump signed ...", no speaker yet
            name = titled[1].replace(MASK_DOT, ".")
            return (name, cue, *typed(name, "", cue))
        if found is None and (head in GENERIC_TYPES or phrase.lower() in ("he", "she")):
            person = phrase.lower() in ("he", "she")  # then the latest study actor of a fitting type
            found = _latest([(p, surface, cue, *typed(surface, "", cue))
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
        fuller = fuller_name(surname, before) if typed(phrase, appositive, cue)[0] == "other" \
            else None  # a name the rules cannot place: its latest fuller mention, "Rep. Michael McCaul (R-Texas)"
        if fuller:
            return (fuller[0], cue, *typed(*fuller, cue))
    return (phrase, cue, *typed(phrase, appositive, cue))


_TITLES = frozenset("president secretary minister senator ambassador chairman chairwoman premier".split())


def _titled_name(title: str, before: str) -> tuple[int, str] | None:
    """(position, "Title Name") of the latest mention of ``title`` as a capitalised title before a name in ``before``
    ("President Trump", "Commerce Secretary Wilbur Ross"): whom "the president" or "the secretary" names."""
    pattern = rf"(?:\b[A-Z][a-z]+[ \t])?{title[0].upper()}{title[1:]}[ \t]+(?:{NAME_RX}[ \t]+){{0,2}}{NAME_RX}"
    found = [m for m in re.finditer(pattern, before) if is_named(m[0].split(None, 1)[-1])]
    return (found[-1].start(), found[-1][0]) if found else None


def _sentence_rows(sentences: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each article's (sent_id, start, end) rows sorted by start: one stable sort of the whole table, not one sort per
    article (where two sentences of an article share a start, the per-article sort's order is kept)."""
    codes, docs = pd.factorize(sentences["doc_id"])
    rows = sentences[["sent_id", "start", "end"]].to_numpy(dtype=np.int64)
    order = np.lexsort((rows[:, 1], codes))
    order = order[codes[order] >= 0]  # no article without a doc_id, as groupby drops it
    codes, rows = codes[order], rows[order]
    same_doc = codes[1:] == codes[:-1]
    if np.any(same_doc & (rows[1:, 1] == rows[:-1, 1])):
        return {doc: g.sort_values("start")[["sent_id", "start", "end"]].to_numpy(dtype=np.int64)
                for doc, g in sentences.groupby("doc_id", sort=False)}
    cuts = np.flatnonzero(~same_doc) + 1
    return {docs[codes[a]]: rows[a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(codes)]) if b > a}


def read_articles(articles: pd.DataFrame, sentences: pd.DataFrame, *,
                  actors: Sequence[Actor] = ()) -> Iterator[tuple[str, str, str, ArticleSpeakers]]:
    """(doc_id, outlet, text, reader) for each article, the reader built on its sentences and the study's actors."""
    matcher = ActorMatcher(actors=tuple(actors)).fit()
    by_name = {a.name: a for a in actors}
    sents = _sentence_rows(sentences)
    types: dict[tuple[str, str, str], tuple[str, str]] = {}
    for doc, outlet, text in zip(articles["doc_id"], articles["outlet"], articles["text"].fillna("")):
        yield doc, outlet, text, ArticleSpeakers(text, sents.get(doc, np.empty((0, 3), dtype=np.int64)), matcher,
                                                 by_name, types)
