"""Wire credits: the credit forms met in the grown dev gold (issue 20), each with a look-alike that is no credit."""

from __future__ import annotations

import pytest

from analysis.provenance import wire


@pytest.mark.parametrize("text, expected", [
    # datelines and credit lines
    ("Foolish neighbours\n\nFrom Ramallah (Palestinian Territories) (AFP) — “Protests went on,” it said.",
     ("AFP", "dateline")),
    ("The talks resume next week.\n\nWith Reuters", ("Reuters", "credit line")),
    ("The talks resume next week.\n\n–with Associated Press", ("AP", "credit line")),
    ("Rates may rise.\n\nWrite to Jo Roe at jo@example.com\n\n(END) Dow Jones Newswires\n\nJanuary 05, 2018 10:14 ET",
     ("Dow Jones Newswires", "credit line")),
    ("The summit ended.\n\nThis story was reported by The Associated Press. AP writers in Seoul contributed.",
     ("AP", "credit line")),
    ("The bill passed. Copyright 2018 The Associated Press. All rights reserved.", ("AP", "credit line")),
    # contribution lines naming a desk
    ("Iran denied it.\n\nAP Diplomatic Writer Matthew Lee contributed to this report.", ("AP", "contribution line")),
    ("Stocks fell.\n\nAP Business writers Alex Veiga and Stan Choe contributed.", ("AP", "contribution line")),
    # citations: the verb in any case, words between, qualifiers, possessive reporters, source tags
    ("In an interview with Reuters published Wednesday, the adviser said he would stay.", ("Reuters", "citation")),
    ("Mr. Trump repeated that opposition in an interview Wednesday with Reuters.", ("Reuters", "citation")),
    ("In a separate interview with Bloomberg Television, Kudlow said talks could resume.",
     ("Bloomberg", "citation")),
    ("Parscale and his staff told reporters with Bloomberg that they used the ads.", ("Bloomberg", "citation")),
    ("“It is a referendum,” the strategist told Bloomberg's Jennifer Jacobs on Tuesday.", ("Bloomberg", "citation")),
    ("The summit is off, Choe said, according to South Korea's Yonhap News Agency.", ("Yonhap", "citation")),
    ("Officials told the nation’s Yonhap news agency on Tuesday the report was wrong.", ("Yonhap", "citation")),
    ("Flights were cancelled, according to China’s state news agency, Xinhua.", ("Xinhua", "citation")),
    ("Kim said so in March, according to Chinese state news agency Xinhua.", ("Xinhua", "citation")),
    ("The talks stalled, Ryabkov said, according to Russian state media outlet TASS.", ("TASS", "citation")),
    ("Relations may improve, the state-run Tass news service reported.", ("TASS", "citation")),
    ("Ying Yong replaces him, state-run Xinhua news agency said.", ("Xinhua", "citation")),
    ("“We do not do Twitter diplomacy,” Peskov was quoted as saying by Interfax.", ("Interfax", "citation")),
    ("He spoke in an interview broadcast Friday, the Agence France-Presse news service reported.",
     ("AFP", "citation")),
    ("The Chinese news agency Xinhua, in its summary of the visit, quoted Kim as saying he wanted talks.",
     ("Xinhua", "citation")),
    ("➔ Guns: The administration is easing gun exports with a rule change (Reuters).", ("Reuters", "citation")),
])
def test_credit_forms(text, expected):
    assert wire.credited_agency(text)[:2] == expected


@pytest.mark.parametrize("text, expected", [
    # a later rule's match that stands first in the text wins: the dateline opening the story, not a teaser
    ("AFP, BEIJING — China vowed to retaliate against the blacklist.\n\nRelated: WASHINGTON (Reuters) - The US "
     "added firms to a list.", "AFP"),
    ("Xinhua, BEIJING, Oct. 8 — The ministry spoke.\n\nMore: (AP) — Other news.", "Xinhua"),
    # and the other way round: the rule listed first still wins where it stands first
    ("WASHINGTON (Reuters) - The US added firms to a list.\n\nAFP, BEIJING — China vowed to retaliate.", "Reuters"),
    # a sign-off at the end of a paragraph comes after the dateline above it
    ("NEW YORK (AP) — Markets fell on Tuesday.\nStocks slid as trade talks stalled, the ministry said. — AFP",
     "AP"),
])
def test_the_credit_that_stands_first_in_the_text_is_the_articles(text, expected):
    assert wire.credited_agency(text)[0] == expected


@pytest.mark.parametrize("text", [
    # photo and video credits
    "A man in a mask in Beijing, October 18, 2013. © 2013 Reuters\n\nMany people lost their jobs.",
    "Hasina meets officials in Tokyo, May 29, 2019. © 2019 Kyodo via AP Images\n\nAuthorities arrested a teenager.",
    "Watch more! (Reuters)\n\nThe show acknowledged the error on Monday.",
    "Xi reviews honor guards in Qingdao, China, April 23, 2019. (Xinhua via Reuters)\n\nSlowly they build up.",
    "Kim supervises a drill on May 4, 2019 KCNA | Reuters\n\nU.S. intelligence indicates he had surgery.",
    # an agency's name that is not the agency's reporting
    "Teachers were asked to proctor Advanced Placement (AP).\n\nThree million students take AP exams.",
    "Reporters present: David Nakamura (The Washington Post), Ayesha Rascoe (NPR), and Margaret Talev (Bloomberg).",
    "Time recognised two Reuters journalists detained in Myanmar for nearly a year.",
    "These outlets include China Daily, Xinhua, and CGTN, all purveyors of propaganda.",
    "Economists expected 75,000 payrolls in May, according to Dow Jones.",
    "The Dow Jones Industrial Average fell 623 points on Friday.",
    "Warren landed precision strikes in the first debate with Bloomberg, an ally said.",
    "Trump Rally Likely Fueled Virus Cases, Tulsa Official Says - Bloomberg\n\nMost outlets ignored the protests.",
    "The billionaire was interviewed by reporters. Michael Bloomberg told Bloomberg's Kevin Sheekey to wait.",
    "The former mayor, according to Michael Bloomberg's aides, will not run.",
])
def test_what_is_not_a_credit(text):
    assert wire.credited_agency(text)[:2] == ("", "")


def test_new_agencies_are_built_in_and_a_study_can_still_add_one():
    assert wire.credited_agency("The minister said so, Kyodo News reported.")[:2] == ("Kyodo", "citation")
    text = "The ship was seized, the Mehr news agency reported."
    assert wire.credited_agency(text)[:2] == ("", "")
    assert wire.credited_agency(text, rules=wire.wire_rules(("Mehr",)))[:2] == ("Mehr", "citation")


# Round 2 of the wire-credit gold: credit lines that name the agency's material, verbs said of the agency,
# inverted and introducing forms, and documents the agency holds; each with a look-alike that is no credit.
@pytest.mark.parametrize("text, expected", [
    ("The bill stalled in the Senate.\n\nReuters contributed reporting", ("Reuters", "contribution line")),
    ("The vote is next week.\n\nThis report contains material from Bloomberg News.", ("Bloomberg", "contribution line")),
    ("He is running.\n\nThis article compiled from Associated Press content.", ("AP", "contribution line")),
    ("Talks resume.\n\n(Material from Reuters and the Associated Press was used in this story.)",
     ("Reuters", "contribution line")),
    ("Rates rose.\n\nInformation from The Associated Press was used in this report.", ("AP", "contribution line")),
    ("The ministry denied it, Reuters noted on Friday.", ("Reuters", "citation")),
    ("“Trump ignored the plan,” the AP wrote.", ("AP", "citation")),
    ("Greenland is not for sale. The Associated Press said the idea was serious.", ("AP", "citation")),
    ("Reuters adds some color:\n\nJob growth surged in January.", ("Reuters", "citation")),
    ("A fuel rule is coming, Reuters says.", ("Reuters", "citation")),
    ("Japan’s Kyodo News agency said there was no threat.", ("Kyodo", "citation")),
    ("The order, reports the AP, is meant to avert a shortage.", ("AP", "citation")),
    ("That’s not true, reported the Associated Press in a fact-check.", ("AP", "citation")),
    ("They were pardoned, said North Korea’s official news agency, KCNA.", ("KCNA", "citation")),
    ("The deal is off, per Reuters. Markets fell.", ("Reuters", "citation")),
    ("He controlled the paper flow, per the Associated Press:\n\nAs staff secretary he saw all.", ("AP", "citation")),
    ("He expects no charges (via AP):\n\nA lawyer for McCabe says the referral is unjustified.", ("AP", "citation")),
    ("No, I don’t like it. From the AP, (via the Banner-Herald):\n\nThe primary moves.", ("AP", "citation")),
    ("The two takeaways, via the Associated Press, are these.", ("AP", "citation")),
    ("China denied the report in a statement to Reuters.", ("Reuters", "citation")),
    ("He wrote in response to a request for comment from the Associated Press.", ("AP", "citation")),
    ("The Army memo made public Thursday by The Associated Press shows the change.", ("AP", "citation")),
    ("She said so in prepared remarks obtained by The Associated Press.", ("AP", "citation")),
    ("Diplomats wrote in a copy reviewed by Reuters that trade should be delinked.", ("Reuters", "citation")),
    ("He has sullied his name, according to a new report from the Associated Press.", ("AP", "citation")),
])
def test_round_two_credit_forms(text, expected):
    assert wire.credited_agency(text)[:2] == expected


@pytest.mark.parametrize("text", [
    "Bloomberg contributed so much last year to charity that he ranked second.",
    "Michael Bloomberg is running. In March, Bloomberg said he wouldn’t run for president.",
    "One recent survey by Reuters found voters preferring a Republican.",
    "Markets may fall, says Bloomberg senior editor Michael Regan.",
    "“It won’t come here,” said Reuters White House correspondent Jeff Mason.",
    "CLOSE Amateur video footage obtained by The Associated Press shows the arrest. (June 29) AP",
    "The mayor spoke at the rally. Tom Fox/The Dallas Morning News via AP, Pool\n\nHe said he would run.",
    "Herald wire services contributed to this report.",
    "This column originally appeared in the Des Moines Register.",
    "Throughout the day, the network runs packages from Reuters and The Associated Press.",
    "Also on Friday, McClatchy reported that Mueller has new evidence.",
    "Copyright © 2019 Tribune Content Agency LLC",
])
def test_round_two_look_alikes_are_not_credits(text):
    assert wire.credited_agency(text)[:2] == ("", "")


# --- the word screens ------------------------------------------------------------------------------------------

_CONTEXTS = ["WASHINGTON ({a}) - The ministry said.", "x({a})y", "Copyright 2019 {a}. All rights reserved.",
             "©2019 {a}x", "\nBy {a}\n", "This story was reported by {a}.", "{a} contributed to this report.",
             "x{a} contributed.", "The {a}Wire contributed.", "Capital ({a}Z) -", "mid{a}dle", "{a}"]
_SPELLINGS = ["Reuters", "REUTERS", "reuters", "AP", "ap", "Agence France-Presse", "AGENCE FRANCE-PRESSE",
              "Korean Central News Agency", "Ka.P.", "Dow Jones Newswires"]


@pytest.mark.parametrize("extra", [(), ("Ka.P.", ".X Wire")])
def test_every_rule_that_matches_passes_its_screen(extra):
    # The screens skip a rule's regex on texts where it cannot match: they must never skip one where it does.
    rules = wire.wire_rules(extra)
    texts = [c.format(a=s) for c in _CONTEXTS for s in _SPELLINGS + list(extra)]
    checked = 0
    for (_, pattern, _), needs in zip(rules.patterns, rules.needs):
        for text in texts:
            if pattern.search(text):
                checked += 1
                assert all(need.search(text) for need in needs), (pattern.pattern[:60], text)
    assert checked > 40


def test_the_word_screens_skip_texts_that_hold_a_form_only_inside_words():
    both, left = wire._FormWords(["AP", "Reuters"], "both"), wire._FormWords(["AP", "Reuters"], "left")
    right = wire._FormWords(["AP", "Reuters"], "right")
    assert not both.search("It will happen in April, after the snap election.")
    assert left.search("April") and not left.search("happen") and right.search("snap") and not right.search("apex")
    assert both.search("(ap)") and both.search("said REUTERS.")


def test_threads_reading_texts_at_once_each_screen_their_own_text():
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Story {i}.\n\nBEIJING (Reuters) - The ministry said." if i % 2 else f"Story {i} happened in April."
             for i in range(400)]
    expected = [wire.credited_agency(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(wire.credited_agency, texts))
    assert got == expected and sum(bool(g[0]) for g in got) == 200
