"""Actor matcher: whole-word matching, exclusions, the mentions table and the estimator contract."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core import tables
from analysis.core.patterns import MATCH_TIMEOUT, PatternTimeoutError
from analysis.core.study import Actor
from analysis.text.actors import ActorMatcher, find_mentions

ACTORS = (Actor("US government", "government", aliases=("Commerce Department", "U.S.")),
          Actor("Chinese government", "government", aliases=("Beijing",), patterns=(r"\bXi\b",)))


def test_estimator_contract():
    estimator = ActorMatcher(actors=ACTORS)
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    with pytest.raises(NotFittedError):
        cloned.find("x")
    assert cloned.fit() is cloned


def test_actor_matcher_whole_words_any_case_and_patterns():
    m = ActorMatcher(actors=ACTORS).fit()
    assert m.find("the commerce department and the U.S. said") == [
        ("US government", "government", 2, "commerce department", 4, 23)]
    assert m.find("Xi met officials in BEIJING") == [("Chinese government", "government", 2, "Xi", 0, 2)]
    assert m.find("Xinjiang and the USSR") == []  # 'Xi' pattern is whole-word; 'U.S.' is not 'USSR'


def test_a_match_inside_a_not_within_phrase_is_not_a_mention():
    congress = Actor("US Congress", "government", aliases=("Congress", "Senate"),
                     not_within=("World Uyghur Congress", "National People's Congress"))
    m = ActorMatcher(actors=(congress,)).fit()
    assert m.find("The World Uyghur Congress asked Congress to act.") == [
        ("US Congress", "government", 1, "Congress", 32, 40)]
    assert m.find("China’s National People’s Congress met.") == []  # typographic apostrophes too
    assert m.find("Congress and the Senate") == [("US Congress", "government", 2, "Congress", 0, 8)]
    assert sorted(s for s, *_ in m.spans("World Uyghur Congress, then Congress")) == [28]


def test_an_alias_with_an_apostrophe_matches_either_apostrophe():
    daily = Actor("People's Daily", "organization", aliases=("People's Daily",))
    m = ActorMatcher(actors=(daily,)).fit()
    assert [hit[3] for hit in (m.find("the People’s Daily said"), m.find("PEOPLE'S DAILY"))
            for hit in hit] == ["People’s Daily", "PEOPLE'S DAILY"]


def test_find_mentions_table():
    sents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "outlet": "X",
                          "text": ["Beijing and the Commerce Department.", "Nothing here."]})
    out = find_mentions(sents, matcher=ActorMatcher(actors=ACTORS).fit())
    tables.validate(out, "actor_mentions")
    assert sorted(out["actor"]) == ["Chinese government", "US government"]
    spans = out.set_index("actor")
    assert sents.loc[0, "text"][spans.loc["US government", "start"]:spans.loc["US government", "end"]] == \
        "Commerce Department"
    assert find_mentions(sents.iloc[1:], matcher=ActorMatcher(actors=ACTORS).fit()).empty


@pytest.mark.parametrize("study_id", ["entity-list", "entity-list-2019"])
@pytest.mark.parametrize("text, actors", [
    # what a Chinese official statement calls the US government
    ("The US has abused state power, China said.", {"US government", "Chinese government"}),
    ("Washington should stop its bullying, the foreign ministry said.", {"US government", "Chinese government"}),
    ("USDOC added 28 entities to the Entity List.", {"US government"}),
    ("The Bureau of Industry and Security published the rule.", {"US government"}),
    ("the United States blacklisted the firms", {"US government"}),
    ("China's Commerce Ministry vowed to respond.", {"Chinese government"}),
    # the country as an adjective or a market, the newspaper, the state, the university: no government
    ("U.S. companies lost sales in the US market.", set()),
    ("The Washington Post and University of Washington researchers reported it.", set()),
    ("China is a big market for chips.", set()),
])
def test_the_shipped_studies_know_the_common_names_of_the_governments(study_id, text, actors):
    from analysis.core import config
    from analysis.core.study import load_study

    study = load_study(config.study_paths(study_id))
    found = {h[0] for h in ActorMatcher(actors=tuple(study.actors)).fit().find(text)}
    assert found & {"US government", "Chinese government"} == actors


def test_a_nested_quantifier_pattern_ends_quickly_and_a_runaway_one_names_the_actor_and_pattern():
    sentence = "Huawei and ZTE were added now!"  # 30 characters; Python's re took 43 s on the first pattern
    assert len(sentence) == 30
    started = time.perf_counter()
    assert ActorMatcher(actors=(Actor("Words", "other", patterns=(r"(\w+\s?)+$",)),)).fit().find(sentence) == []
    # Bounds far below the times without the guard (43 s; the runaway pattern would run for days) and far above a
    # busy machine's jitter: on a loaded CI runner the runaway case once took 4.4 s against a bound of 3 s.
    assert time.perf_counter() - started < 5  # the regex engine does not backtrack on it
    runaway = ActorMatcher(actors=(Actor("Runaway", "other", patterns=(r"(\w|\w\w)+$",)),)).fit()
    started = time.perf_counter()
    with pytest.raises(PatternTimeoutError) as err:
        runaway.find("a" * 40 + "!")
    assert time.perf_counter() - started < MATCH_TIMEOUT + 20
    assert str(err.value).startswith(r"actor 'Runaway': pattern '(\\w|\\w\\w)+$' took over 1 s on a text of 41 ")
    assert "\n" not in str(err.value)


def test_the_fold_table_holds_every_character_re_takes_for_an_ascii_one_ignoring_case():
    # the alias pre-check in ActorMatcher relies on it: a character missing here would hide a match
    import re
    import string

    from analysis.text.actors import _FOLD

    everything = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for a in string.printable:
        for m in re.finditer(re.escape(a), everything, re.IGNORECASE):
            if not m[0].isascii():
                assert m[0].translate(_FOLD).lower() == a.lower(), (a, hex(ord(m[0])))


@pytest.mark.parametrize("text", ["BEİJİNG said", "beıjıng and U.S.", "Commerce Department’s", "COMMERCE DEPARTMENT",
                                  "Xi met the U.S. side", "ſenator"])
def test_the_alias_pre_check_finds_what_the_patterns_alone_find(text):
    matcher = ActorMatcher(actors=ACTORS + (Actor("Senators", "government", aliases=("senator", "People's")),)).fit()
    every_part = [[(m.start(), m.end()) for p in parts for m in p.finditer(text)] for _, parts in matcher.patterns_]
    assert [[h[:2] for h in hits] for hits in matcher._hits(text)] == every_part
    assert any(every_part)
