"""Speech tags inside one sentence: the verbs that report speech or state a position, and where their content is.

:mod:`analysis.text.voice` labels the stretches of an article by voice; this module holds its lexicon (speech
verbs, stance verbs, demands, participles) and the patterns of a tag before its content ("X said (that) ...",
"X has threatened ...", "X called for ...") or after it ("..., X said.", "..., according to X"), and
:func:`preposed`, which finds the first tag before its content in a sentence. Hand-written rules because no
shippable library labels reported speech (see :mod:`analysis.text.voice`).
"""

from __future__ import annotations

import re

from analysis.text import attribution as att
from analysis.text.positions import HOLDER_MODIFIERS

# Speech acts (reported) and stated positions (attributed). Verbs of the first kind take a clause
# ("said the move was ..."); those of the second take a noun ("announced tariffs", "vowed action", "added
# Hikvision to the list") and report speech only when "that" follows (after a tag, "..., he added." reports);
# "accused"/"denied" report whatever follows them.
_CLAUSE_VERBS = ("said says say told tells warned warns wrote writes stated states noted notes "
                 "explained explains insisted insists insist claimed claims claim stressed stresses asserted "
                 "asserts acknowledged acknowledges confirmed confirms responded replied countered complained "
                 "complains tweeted tweets posted reported reports revealed reveals disclosed cautioned cautions "
                 "suggested suggests predicted predicts accused accuses accusing denied denies deny denying "
                 "notified notifies emphasized emphasizes emphasised emphasises "
                 "reiterated reiterates"
                 # the plural subject's forms ("rights groups accuse", "economists warn"); not those that are
                 # common nouns after a name ("Chinese state media", "a Reuters report", "the NBA's post")
                 # (others, "explain", "reveal", "confirm", take things as subjects as often, "rising costs
                 # explain the drop": they are in _PLURAL_FORMS, which report only before "that")
                 " warn complain caution accuse").split()
_NOUN_VERBS = [*("added adds announced announces announcing vowed vows pledged pledges promised promises urged urges called calls demanded "
               "demands rejected rejects dismissed dismisses slammed slams blasted blasts condemned condemns "
               "described describes requested requests threatened threatens criticized criticizes criticised "
               "expressed expresses hinted hints indicated indicates declared declares "
               # these take an object as often as a clause ("admitted himself into hospital", "recalled the
               # bombing", "bragged Wednesday about"): speech only before "that"
               "admitted admits conceded concedes recalled recalls remarked boasted boasts bragged brags lamented "
               "laments proclaimed proclaims testified testifies assured assures").split(),
               "called on", "calls on", "calling on", "call on", "made clear", "made it clear", "makes clear",
               "makes it clear"]
# The plural subject's forms of the verbs above, which are also infinitives ("asked Warren to explain", "will
# announce Thursday") and imperatives ("Don't complain"): they report speech only as a finite verb.
_PLURAL_FORMS = frozenset(("warn explain assert acknowledge confirm complain reveal disclose caution predict accuse "
                           "emphasize emphasise reiterate announce vow pledge urge reject dismiss condemn describe "
                           "criticize criticise express admit concede recall boast brag lament proclaim testify "
                           "assure").split() + ["call on"])
_NOUN_VERBS += [verb for verb in _PLURAL_FORMS if verb not in _CLAUSE_VERBS]
_NOT_FINITE = re.compile(r"(?i)(?:\bto|\b(?:will|would|must|can|could|should|may|might|shall)(?:\s+not)?|n['’]t|\bnot)"
                         r"(?:\s+\w+ly)?\s+$|^\W*$")
# "Citizen Lab found that ...": a finding is attributed, and only a "that" clause makes "found" one.
# "Rights groups have long held that ...": a position held, only with "that" straight after the verb.
FINDING = ("found", "finds", "held", "holds")
# Verbs that report only with "that" straight after them: "held talks", "indicated he would" (an inference as often)
_THAT_ONLY = frozenset(("held", "holds", "indicated", "indicates"))
_ATTRIBUTING = ("argued argues argue contended contends contend maintained maintains maintain alleged alleges "
                "believes believe considers consider show shows showed concluded concludes "
                # a position signalled, not stated ("state media signaled a lack of interest in talks"); not
                # "signals", a noun as often ("Economic signals suggest a slowdown")
                "signaled signalled").split()
# A stance taken by an act, whose object is the position ("Trump has threatened billions more in tariffs",
# "China pushed back at the perception that ...", "thanked Trump for signing the law"): attributed.
STANCE = ("threatened threatens threatening condemned condemns condemning defended defends defending thanked "
           "thanks praised praises blamed blames criticized criticizes criticised criticises denounced denounces "
           "welcomed welcomes opposed opposes hailed hails applauded applauds decried decries deplored deplores "
           # a plural subject's forms; the bare infinitive ("the right to criticize Beijing") is left out
           "condemn").split() + [
    "pushed back", "pushes back", "pushing back", "push back", "laid the blame", "lays the blame", "put the blame",
    "puts the blame", "critical of"]
# A demand or warning aimed at something ("have called for a response", "warned against ... influence"):
# the speech act's content follows the preposition.
_DEMANDING = {"called": "for", "calls": "for", "call": "for", "calling": "for", "appealed": "for",
              "appeals": "for", "pressed": "for", "warned": "against", "warns": "against", "warning": "against",
              "cautioned": "against", "spoken out": "against", "spoke out": "against", "speaks out": "against"}
_PARTICIPLES = "saying claiming arguing insisting warning adding noting accusing stressing asserting contending".split()
_ONLY_DEMANDING = set(_DEMANDING) - set(_CLAUSE_VERBS + _NOUN_VERBS + _PARTICIPLES)  # "pressed him on" reports nothing
VERBS = (dict.fromkeys(_CLAUSE_VERBS + _NOUN_VERBS + list(_DEMANDING), "reported")
          | dict.fromkeys(_ATTRIBUTING + list(FINDING), "attributed") | dict.fromkeys(_PARTICIPLES, "reported"))
_STANCE_VERBS = VERBS | dict.fromkeys(STANCE, "attributed")
VERB = re.compile(r"(?<![-\w])(?P<v>" + "|".join(sorted(map(re.escape, _STANCE_VERBS), key=len, reverse=True))
                   + r")(?![-\w])")
# Subjects that do not speak: a law or bill "calls for sanctions" (what it provides is the outlet's paraphrase),
# and "that threatens to depress growth" is no party's stance.
_NOT_A_SPEAKER = re.compile(r"(?i)\b(?:law|act|bill|legislation|resolution|measure|rule|amendment|order)\b|"
                            r"^(?:that|this|these|those|it)$")
# Figures state no position: "the revised numbers showed" is the outlet's report of data
_DATA = re.compile(r"(?i)\b(?:numbers|figures|data|statistics)\b")
# What stands right before a verb that is no speech act (each searched in the words just before it):
# "follows U.S. claims that": a noun; "the government claims that" (a determiner before it) is the verb
_HOLDER_BEFORE = re.compile(rf"\b(?!(?:the|a|an|this|that|its|their|his|her|our)\s)[a-z]+\s+{HOLDER_MODIFIERS}\s+$")
POSSESSIVE_BEFORE = re.compile(r"(?<![\w'’])(?!(?i:he|she|it|that|who|there|what|here)['’])(?i:\w+['’]s|\w+s['’])\s+$")
_COPULA_BEFORE = re.compile(r"\b(?:was|were|is|are|been|be|being)\s+$")
_TERMS_BEFORE = re.compile(r"\b(?:in|under|by)\s+which\s+(?:it|they|both|\w+\s+\w+)\s+$")
_AS_BEFORE = re.compile(r"\w+\W+\w+[^,;]*,\s+as\s+[^,;]{1,60}$")
_PASSIVE_BEFORE = re.compile(r"(?<!\bit\s)(?<!\bIt\s)(?<!\b[Ii]t\shas\s)(?<!\b[Ii]t\shad\s)"
                             r"\b(?:was|were|is|are|been|be|being)(?:\s+\w+ly)?\s+$")
# What "indicates that" without being a speaker: "China's statement indicates that ...", "the results indicated that"
_NOT_INDICATOR = re.compile(r"(?i)\b(?:statement|report|study|survey|results?|move|decision|evidence|signs?)\b")
# "has been warning against": a progressive form is finite, its subject precedes the auxiliary
_PROGRESSIVE = re.compile(r"\b(?:has|have|had|is|are|was|were)\s+been\s+$|\b(?:is|are|was|were)\s+$")
_ADDRESSEE = re.compile(r"^\s*(?:(?:an?|the)\s+(?:[a-z]+\s+){0,2}(?:briefing|news conference|press conference|"
                        r"conference|hearing|meeting|forum|summit|audience|crowd|rally|interviewer)|"
                        r"reporters|journalists|lawmakers|the media|the press|(?:the\s+)?[A-Z][\w.\u2024-]*"
                        r"(?:\s+[A-Z][\w.\u2024-]*)*|him|her|them|us|me)\b")
# "said in an earnings call on Tuesday that": where and when, up to "that", belong to the tag
_OBJECT = re.compile(r"^\s*(?:(?:on|in|at|last|this)\s+(?:\w+\s+){0,6}?(?=that\b)|"
                     r"(?:on|in|at|last|this)\s+[^,]{1,40},\s*)?(?:that\s+|:\s*|,\s*)?")
# "announced on Friday that", "expressed regret that"
_THAT = re.compile(r"^\s*(?:[^,.;:!?\"“”]{0,40}?\s)?(?:that|:)\s|"
                   r"^\s*(?=(?:it|they|he|she|we)\s+(?:would|will|had|has|was|is|planned|plans|intends)\b)")
# A promise or an appeal reports its content in an infinitive ("vowed to impose", "urged Trump to consider the
# effects of the tariffs", "announced plans to host talks"); a threat stays a stance (STANCE).
_ADDRESSED = (r"(?:(?:the\s+)?[A-Z][\w.\u2024'’-]*(?:\s+[A-Z][\w.\u2024'’-]*)*|him|her|them|us|"
              r"(?:the|its|their)\s+[a-z]+(?:\s+[a-z]+)?|(?:[a-z-]+\s+)?[a-z]+s)\s+")  # "urged allies to"
_TO_VERBS = (dict.fromkeys("vowed vows pledged pledges promised promises".split(), "")
             | dict.fromkeys(("urged", "urges", "called on", "calls on", "calling on", "call on"), _ADDRESSED)
             | dict.fromkeys(("announced", "announces", "declared", "declares"),
                             r"(?:(?:his|her|its|their|a|the)\s+)?plans?\s+"))
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight)"
_TIMED = re.compile(rf"^\s*{_DAY}\b\s+(?!that\b)")  # "announced Wednesday the government will ..."
# "said on Saturday the United States wanted ...": a time phrase after the verb, not a preposition's object
_TIME_FIRST = re.compile(rf"^\s*(?:on|last|this|early|late)\s+(?:{_DAY}|week|weekend|month|year|morning|night)\b,?")
# Before a verb whose subject is the sentence's ("China has continued to deny that", "..., and said ...").
_SHARED_SUBJECT = re.compile(r"(?:,?\s+(?:and|but)(?:\s+(?:also|later|then))?|\s+to)\s*$")
# "China's commerce ministry expressed regret ..., and said": a subject with common nouns before its verb.
_LEADING_NOUNS = re.compile(r"\s*((?:the\s+)?[A-Z][\w.'’\u2024-]*(?:\s+[a-zA-Z][\w.'’\u2024-]*){0,5}?)\s+"
                            r"(?:has\s+|have\s+|had\s+)?(?!(?:un)?(?:named|based|elected|related)\b)[a-z]+ed\b")
_PARENTHETICAL = re.compile(r"(?<=\w),\s+(?:via|in|on|at|through|from|by|speaking|writing)\s[^,;:]{1,40},")
_COPULA = re.compile(r"\s+(?:(?:has|have|had)\s+been|is|are|was|were)(?:\s+[a-z]+ly)?\s+$")
_OPENING_TIME = re.compile(rf"^\W*(?:(?:On|Last|This|Early|Late|Earlier|Later)\s+)?(?:{_DAY}|week|weekend|month|year)\b,?\s+",
                           re.IGNORECASE)
_GROUP = re.compile(r"^\W*(?:(?:But|And|Yet),?\s+)?(Many|Some|Others|Several|Most|Critics)\s+(?:(?:have|had|also)\s+)*$")
# "China called looming U.S. tariffs a violation of accords": the naming verb's object and its new name are the
# speaker's (an object then "a"/"an" before a lowercase word; "called for"/"called on" stay demands)
_CALLED = ("called", "calls", "calling")
_NAMED_AS = re.compile(r"^(?=\s+(?!(?:for|on|off|in|up|out|back|it|him|her|them)\b)[^,;:.!?\"“”]{1,60}?\s+an?\s+[a-z])")
# "described the company as a threat", "rejected the accusations as groundless": the speaker's characterisation
_AS_VERBS = ("described", "describes", "describe", "rejected", "rejects", "reject", "dismissed", "dismisses",
             "dismiss")
_DESCRIBED_AS = re.compile(r"^(?=\s+[^,;:.!?\"“”]{1,60}?\s+as\s)")  # "described the company as a threat"
_PREPOSITION = re.compile(r"^\s*(?:of|about|against|on|at|over|for|with|to(?!\s+(?:be|have)\b)|from)\b")  # "warns of countermeasures"
_RELATIVE = re.compile(r"(?P<np>[^,;:!?\"“”]{2,80}),\s+(?:which|who)\s+(?:(?:has|have|had|also|repeatedly|long|"
                       r"has long|consistently)\s+)*(?P<v>" + "|".join(_CLAUSE_VERBS + _ATTRIBUTING + [
                           v for v in STANCE if " " not in v and not v.endswith("ing")]) + r")\b(?P<content>[^,;]+)")
# The comma and pronoun every _RELATIVE match holds: a quick test that spares most sentences its slow scan
_RELATIVE_CUE = re.compile(r",\s+(?:which|who)\s")
_QUOTED_AS = re.compile(r"\b(?:was|were|is|are|been)\s+quoted\b[^,;.]{0,60}?\bas\s+saying\b")
_WEEKDAY = rf"(?:{_DAY}|here|there)"
_TIME_TAIL = (rf"(?:\s+(?:(?:on|last|this|late|early)\s+)?{_WEEKDAY}\b)?"
              r"(?:\s+(?:on|in|at|during|last|this|late|early|to|via|while|citing|after|before|when)\b"
              r"[^,;:!?\"“”]{0,60})?")
# sentence end, a participle clause after it, or a subordinate clause ("..., he said, because the higher tariffs ...")
_TAG_END = (r"(?:\s*[.!?…]?[\"”’)\]]*\s*$|,\s+(?=[a-z]+ing\b|(?:because|since|although|though|unless)\s)"
            # "... said today in a letter to Li Zhanshu, chairman of the Standing Committee (NPCSC)."
            # (the role of the listener or speaker, not the rest of a clause: "..., he said, the mice died.")
            # (no finite verb in it: "..., Smith said, the chairman of the Fed raised rates." goes on in Smith's words;
            # a relative clause may hold one: "..., a member who fled in 2019.")
            r"|,\s+(?!(?:(?!\b(?:who|which|that)\b)[^,;:!?\"“”])*?(?:\b(?:is|are|was|were|has|have|had|will|would|"
            r"can|could|should|may|might|must|did|does|do)\b|(?<!\bthe)(?<!\ban)(?<!\ba)(?<!\bits)(?<!\bhis)(?<!\bher)"
            r"(?<!\btheir)\s[a-z]{2,}ed\b))"
            r"(?:the\s+|an?\s+)?(?:[a-z-]+\s+){0,2}(?:chairman|chairwoman|chair|head|director|president|chief|"
            r"spokesman|spokeswoman|spokesperson|minister|secretary|leader|founder|editor|professor|official|"
            r"ambassador|governor|mayor|member|analyst|economist|researcher|adviser|advisor)\b[^,;:!?\"“”]{0,100}?"
            r"(?:\s*\([^()]{1,40}\))?\s*[.!?…]?[\"”’)\]]*\s*$)")
_INVERTED = "said says added adds wrote writes noted notes explained warned argued insisted told".split()
POSTPOSED = re.compile(
    r"(?P<sep>,|\s[—–]|\s-)(?P<closing>[\"”’])?\s*"
    r"(?:(?P<np>[^,;:!?\"“”]{1,80}?)\s+(?:(?:has|had|also|later)\s+)?(?P<v>"
    + "|".join(v for v in _CLAUSE_VERBS + _ATTRIBUTING + ["added", "adds"]) + r")"
    + r"(?:\s+(?:reporters|journalists|(?:the\s+)?[A-Z][\w.\u2024'’-]*(?:\s+(?:[A-Z][\w.\u2024'’-]*|of|the))*))?"
    + _TIME_TAIL
    + r"|(?P<v2>" + "|".join(_INVERTED) + r")\s+"
      r"(?!that\b)(?P<np2>[^;:!?\"“”]{1,160}?)|according to\s+(?P<np3>[^;:!?]{1,160}?))" + _TAG_END)
# Words one of which stands alone in every POSTPOSED or VERB match (see analysis.text.attribution.may_hold).
_POSTPOSED_HEADS = frozenset(_CLAUSE_VERBS + _ATTRIBUTING + ["added", "adds", "according"] + _INVERTED)
_VERB_HEADS = frozenset(verb.split()[0] for verb in _STANCE_VERBS)


def postposed(sentence: str) -> re.Match[str] | None:
    """``POSTPOSED.search(sentence)``, skipping the scan where none of its verbs occurs."""
    return POSTPOSED.search(sentence) if att.may_hold(_POSTPOSED_HEADS, sentence) else None


WHICH = re.compile(r"\s*(?:which|who)\b")
# A participle clause after a speech tag goes on in the speaker's words ("..., Ross said, calling the rule ...").
GOING_ON = re.compile(r"\s*(?:saying|adding|noting|calling|describing|warning|arguing|insisting|claiming|stressing|"
                       r"accusing|urging|vowing|dismissing|denouncing|labell?ing|branding|citing|blaming|criticizing|"
                       r"criticising|condemning)\b")
_ONLY_CIRCUMSTANCE = re.compile(r"^\s*(?:in|on|at|during|after|before|via|while|to(?!\s+(?:be|have)\b)|from|with|"
                                r"through|over)\b"
                                r"[^,;:“”\"]*?[.!?…]?[\"”’)\]]*\s*$")
# Where reported content ends: a new clause with its own subject, or a semicolon.
_NEW_CLAUSE = re.compile(r";|,?\s+even\s+as\s|,\s+(?:and|but|while|whereas)\s+(?=(?:the\s+)?[A-Z])|"
                         r",\s+but\s+(?=(?:for|in|to|among)\s[^,]{1,40},)")  # "..., but for many residents, ..."
# Where a stance's position ends: a clause of time or cause ("threatened retaliation after Trump signed ..."),
# a participle clause, a semicolon or a new clause with its own subject.
_CIRCUMSTANCE = re.compile(r";|,\s+(?:and|but|while|whereas)\s+(?=(?:the\s+)?[A-Z])|,\s+[a-z]+ing\b|"
                           r"\s(?:and|but)\s+(?:also\s+|then\s+)?(?=(?:said|says|added|urged|called|told|warned)\b)|"
                           r"\s(?:after|before|when|while|since|amid|following)\s")
_COORDINATED = re.compile(r"^(?:and|but)\s+(?:the\s+)?[A-Z]")
# "As Barron's writes, the issues are many": an opening "As X writes," tags the rest of the sentence
AS_FIRST = re.compile(r"^\W*(?:(?:But|And|Yet|However),?\s+)?As\s+(?P<np>[^,;:!?\"“”]{1,80}?)\s+(?:has\s+|had\s+)?"
                      r"(?P<v>writes|wrote|said|says|noted|notes|reported|reports|argued|argues|explained|explains)"
                      r"(?:\s+(?:on|in|last|this)\s+[^,;:!?\"“”]{1,40})?,\s*")
# A speech act refused or negated reports nothing: "declined to say what would happen", "would not say whether"
_REFUSED = re.compile(r"\b(?:declined|declines|declining|refused|refuses|refusing|(?:would|will|could|did|does|do)"
                      r"(?:\s+not|n['’]t))\s+(?:to\s+)?$")
# A speech verb inside an opening subordinate clause ("While Trump has said ..., the gulf ... will"): its content
# ends with the clause, at the first comma
_SUBORDINATE = re.compile(r"^\W*(?:While|Although|Though|Even though|Even as|Whereas|After|Before|When|Since|Because|"
                          r"If|Once|Until|Unless)\b[^,;:]*$")
# How, not what: "countered by threatening tariffs" (an act; "responded by telling China to ..." still reports
# speech), and the writer's gloss after a dash ("James said — speaking of Morey's tweet, not of ...")
_MANNER = re.compile(r"\s*(?:by\s+(?!(?:telling|saying|asking|urging|calling|demanding|warning|accusing|insisting|"
                     r"arguing|noting|announcing|vowing|pledging|declaring|stating)\b)|[—–]\s*|-\s+)[a-z]+ing\b")
# An opening "According to X," or a stated view ("In Beijing's view,", "In the opinion of the court,")
ACCORDING_FIRST = re.compile(r"^\W*(?:(?:But|And|Yet|However|Meanwhile|Also),?\s+)?(?:according to\s+|in\s+(?=the\s+"
                             r"(?:view|opinion)\s+of\s|[^,;:]{1,60}['’]s?\s+(?:view|opinion),)(?:the\s+(?:view|opinion)\s+"
                             r"of\s+)?)(?P<np>[^,;:!?\"“”]{1,120}?)(?:['’]s?\s+(?:view|opinion))?,\s*", re.IGNORECASE)


def preposed(sentence: str, lo: int, hi: int, inside) -> tuple[int, int, str, tuple, int] | None:
    """(content start, content end, voice, attribution, verb position) of the first "X said ..." in
    ``sentence[lo:hi]``. The content ends where a new clause with its own subject begins ("..., and China
    called it ...") or at a semicolon."""
    # each pattern is tried only where the words it needs occur: both scan slowly from every position
    quoted_as = _QUOTED_AS.search(sentence, lo, hi) if sentence.find("quoted", lo, hi) >= 0 else None
    relative = _RELATIVE.search(sentence, lo, hi) if _RELATIVE_CUE.search(sentence, lo, hi) else None
    for m in VERB.finditer(sentence, lo, hi) if att.may_hold(_VERB_HEADS, sentence, lo, hi) else ():
        verb = m["v"]
        if inside(m.start()):
            continue
        if relative and relative.start("v") == m.start():  # "China, which denies mistreatment, ..."
            head = att.valid_np(att.CLAUSE_OPENERS.sub("", relative["np"].split(",")[-1].strip()))
            if head:
                attr = (head.replace(att.MASK_DOT, "."), "", verb)
                return m.end(), relative.end("content"), _STANCE_VERBS[verb], attr, m.start()
        participle = act = None
        before = sentence[:m.start()]
        tail = before[-80:]  # the patterns below end at the verb: read the words before it, not the whole sentence
        if verb in ("claims", "demands") and _HOLDER_BEFORE.search(tail):
            continue  # "The move follows U.S. claims that": a noun after its holder (positions.held_views)
        if POSSESSIVE_BEFORE.search(tail):
            continue  # "Washington's demands that": a noun after a possessive (see analysis.text.positions.held_views)
        if verb in STANCE and verb != "critical of" and (
                _COPULA_BEFORE.search(tail)
                or (verb.endswith("ed") and re.match(rf"\s+(?:{_DAY}\s+)?(?:on|for|by|as|over)\b", sentence[m.end():]))
                or (verb == "opposed" and re.match(r"\s+to\b", sentence[m.end():]))):
            continue  # "was criticized for", "an attack blamed on Iran": a passive's subject takes no stance
        if _TERMS_BEFORE.search(tail):
            continue  # "an agreement ... in which it promised to give": the terms of a document, not speech
        if _REFUSED.search(before) or _MANNER.match(sentence, m.end()):
            continue
        if re.match(r"\s+to\s+(?:be|have)\b", sentence[m.end():]) and verb in ("said", "reported", "believed"):
            continue  # "The craft, said to be about the size of a washing machine": a passive, no speaker
        if ", as " in tail and _AS_BEFORE.search(before[-160:]) and re.match(r"\s*(?:[,.;—–]|$)", sentence[m.end():]):
            continue  # "..., as authorities claim, ...": the claim is the phrase before (speech_layouts.as_claimed)
        if (verb in _PLURAL_FORMS or verb == "condemn") and _NOT_FINITE.search(tail):
            continue
        if verb in ("welcomed", "welcomes") and re.match(r"\s+[A-Z][^,.;]{0,40}?\s+to\s+(?:the\s+)?[A-Z]",
                                                         sentence[m.end():]):
            continue  # "welcomed Mr. Xi to the White House": a greeting
        if verb.endswith("ed") and _PASSIVE_BEFORE.search(tail):
            continue  # "the deal was announced by ...", "Huawei has been accused of": the subject did not speak
            # ("it was argued that ..." still reports someone's speech)
        progressive = _PROGRESSIVE.search(before) if verb.endswith("ing") else None
        if progressive:  # "officials have been warning against ...": finite, its subject before "have been"
            subject = att.np_before(before[:progressive.start()])
        elif verb.endswith("ing") and verb in STANCE + ["announcing"]:  # "..., threatening to impose tariffs"
            lead = att.LEADING_SUBJECT.match(sentence) if re.search(r",\s*$", before) else None
            if re.search(r"\bby\s*$", before):  # "The ministry countered by threatening": the sentence's subject
                lead = att.LEADING_SUBJECT.match(sentence) or _LEADING_NOUNS.match(sentence)
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
                # "Trump, via Twitter, held out ... but warned": the subject past a parenthetical
                lead = (att.LEADING_SUBJECT.match(sentence) or _LEADING_NOUNS.match(sentence)
                        or att.LEADING_SUBJECT.match(_PARENTHETICAL.sub("", sentence, count=1)))
                head = att.valid_np(lead[1]) if lead else None
                subject = (head, "") if head else None
        if subject is None or _DATA.search(subject[0]) or (verb in _THAT_ONLY and _NOT_INDICATOR.search(subject[0])):
            continue
        rest = sentence[m.end():hi]
        if verb.endswith(" on") and _TIMED.match(rest):  # "called on Monday for ...": "on" opens a time phrase
            verb, rest = verb[:-3], sentence[m.end() - 3:hi]
        # "called on Monday for the tariffs to end": a time phrase may stand before the preposition
        aimed = re.match(rf"\s*(?:(?:on\s+)?{_DAY}\s+)?{_DEMANDING[verb]}\b", rest) if verb in _DEMANDING else None
        # "Washington and Beijing have threatened tariffs": two parties describe the conflict, not a stance
        paired = verb in STANCE and re.search(rf"(?<!,)\s(?:and|or)\s+{re.escape(subject[0])}\b", before)
        if (verb in STANCE or aimed) and not _NOT_A_SPEAKER.search(subject[0]) and not paired:
            rest = rest[aimed.end():] if aimed else rest
            if len(att.WORD.findall(rest)) < 2:
                continue
            attr = (subject[0].replace(att.MASK_DOT, "."), subject[1].replace(att.MASK_DOT, "."), verb)
            start = hi - len(rest)
            cut = _CIRCUMSTANCE.search(sentence, start, _clause_end(sentence, lo, m.start(), start, hi))
            return start, cut.start() if cut else _clause_end(sentence, lo, m.start(), start, hi), \
                _STANCE_VERBS[verb], attr, m.start()
        if verb in STANCE or aimed or verb in _ONLY_DEMANDING:
            continue  # "pressed him on the fact that": no demand without its preposition
        if verb == "states" and not re.match(r"\s*(?:that|:)\s", rest):
            continue  # "voters in battleground states start early": "states" says something only before "that"
        if verb in ("told", "tells", "assured", "assures", "reminded", "reminds", "informed", "informs") and \
                _ADDRESSEE.match(rest):
            rest = rest[_ADDRESSEE.match(rest).end():]
        timed = _TIME_FIRST.match(rest[_OBJECT.match(rest).end():])
        if timed:  # "said on Saturday the United States wanted ..."
            rest = rest[_OBJECT.match(rest).end() + timed.end():]
        if verb in _NOUN_VERBS or verb in FINDING:
            that = (re.match(r"\s*(?:later\s+)?that\s", rest) if verb in _THAT_ONLY else
                    _THAT.match(rest) or _TIMED.match(rest) or (_NAMED_AS.match(rest) if verb in _CALLED else None))
            # a promise's infinitive or a description ends like a stance's object ("pledged to work with Xi,
            # saying ...": the participle goes on in a stretch of its own)
            act = None if that else (_DESCRIBED_AS.match(rest) if verb in _AS_VERBS else None) or (
                re.match(rf"\s+(?:not\s+)?{_TO_VERBS[verb]}to\s+(?=[a-z])", rest) if verb in _TO_VERBS else None)
            that = that or act
            if that is None:
                continue
            rest = rest[that.end():]
            if _PREPOSITION.match(rest):  # "bragged Wednesday about the test": a topic, not a clause
                continue
        elif (not timed and _PREPOSITION.match(rest[_OBJECT.match(rest).end():])
              and not re.search(r"(?:that|:)\s*$", _OBJECT.match(rest).group())
              and verb not in ("accused", "accuses", "accusing", "accuse")):
            continue  # "warned of countermeasures", but not "told Fox on Friday, calling ..." or "said that about 90%"
        rest = rest[_OBJECT.match(rest).end():]
        # '"...," he said, and China ...'; '"...," she said in the audio.' (only where and how she said it)
        if _COORDINATED.match(rest) or len(att.WORD.findall(rest)) < 3 or _ONLY_CIRCUMSTANCE.match(rest):
            continue
        attr = (subject[0].replace(att.MASK_DOT, "."), subject[1].replace(att.MASK_DOT, "."), verb)
        start = hi - len(rest)
        end = _clause_end(sentence, lo, m.start(), start, hi)
        cut = (_CIRCUMSTANCE if act else _NEW_CLAUSE).search(sentence, start, end)
        return start, cut.start() if cut else end, VERBS[verb], attr, m.start()
    return None


def _clause_end(sentence: str, lo: int, verb: int, start: int, hi: int) -> int:
    """Where the content starting at ``start`` ends: ``hi``, or the comma closing an opening subordinate clause
    that holds the verb."""
    if not _SUBORDINATE.match(sentence[lo:verb]):
        return hi
    comma = sentence.find(",", start, hi)
    return comma if comma >= 0 else hi
