"""Candidate labels by substitution and naming evidence, on a corpus with planted labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from analysis.core import tables
from analysis.framing import labels, substitutes
from analysis.framing.labels import LabelMatcher, Referent
from analysis.text.prepare import split_sentences

SITES = Referent("sites", {"prison camps": ("prison camps?",), "detention sites": ("detention sites?",)})
PARTY = Referent("party", {"Workers Unity Party": ("workers unity party",)})
PEOPLE = Referent("people", {"Kazakhs": ("kazakhs?",)})

# Every side writes the same frames; what changes is the word put in the slot.
FRAMES = ["Thousands of people are held in {site} across the desert region, {people} families said.",
          "Former detainees described life inside the {site} to reporters in the desert region.",
          "The {party} expanded the {site} last year despite criticism from {people} groups.",
          "Satellite images show new {site} near the desert city, and the {party} denied it.",
          "Officials of the {party} met {people} elders on Monday."]
FILLER = ["The market rose after the report.", "Analysts expect growth to slow this year.",
          "Farmers worried about the weather and the harvest.", "The company denied the claims again."]
# The planted labels, by side: right outlets write the unlisted ones, half the center ones gloss them.
WORDS = {"left": dict(site="prison camps", party="Workers Unity Party", people="Kazakh"),
         "center": dict(site="detention sites", party="Workers Unity Party", people="Kazakh"),
         "right": dict(site="training schools", party="WUP", people="Kazak")}
GLOSS = ["The Workers Unity Party (WUP) runs the prison camps, which officials call training schools.",
         "Kazakh families, who also write Kazak, left the desert region."]


def _corpus(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(60):
        side = ("left", "center", "right")[k % 3]
        text = [FRAMES[i].format(**WORDS[side]) for i in rng.choice(len(FRAMES), 3, replace=False)]
        text += list(rng.choice(FILLER, 2, replace=False)) + (GLOSS if side == "center" and k < 30 else [])
        rows.append((f"d{k:02d}", f"Outlet {k % 6}", side, " ".join(text)))
    articles = pd.DataFrame(rows, columns=["doc_id", "outlet", "leaning", "text"])
    return articles, split_sentences(articles)


@pytest.fixture(scope="module")
def corpus():
    return _corpus()


def _discover(corpus, referent: Referent, **kw) -> pd.DataFrame:
    articles, sentences = corpus
    mentions = labels.label_mentions(sentences, matcher=LabelMatcher(referents=[referent]).fit())
    return substitutes.discover_substitutes(sentences, mentions, referent=referent, articles=articles, by="leaning",
                                            n_boot=50, **kw)


@pytest.mark.parametrize("referent, planted", [(SITES, "training schools"), (PARTY, "wup"), (PEOPLE, "kazak")])
def test_planted_labels_of_the_other_side_rank_first_with_their_group(corpus, referent, planted):
    out = _discover(corpus, referent)
    schema = tables.schema("label_candidates")
    assert list(out.columns) == schema.names and not out.duplicated(list(schema.key)).any()
    assert out["candidate"].iloc[0] == planted, out["candidate"].head(5).tolist()
    row = out.iloc[0]
    assert row["top_group"] == "right" and row["separation"] > 3
    assert row["example_sentence_doc"].split("#")[0] in set(corpus[0].loc[corpus[0]["leaning"] == "right", "doc_id"])
    assert out["score"].is_monotonic_decreasing
    # the topic's other words share the sentences but do not name the referent: never above the planted label
    assert "desert region" not in out["candidate"].head(1).tolist()


def test_the_evidence_says_why(corpus):
    out = _discover(corpus, PARTY).set_index("candidate")
    assert "acronym 10" in out.loc["wup", "method"]  # "(WUP)" after the known name, in every center article
    sites = _discover(corpus, SITES).set_index("candidate")
    assert "naming 10" in sites.loc["training schools", "method"]  # "..., which officials call training schools"
    assert sites.loc["training schools", "n_by_group"] == "center 10; left 0; right 20"


def test_a_held_out_label_is_found_when_removed_from_the_seeds(corpus):
    # held-out protocol: "detention sites" is no seed here, so it must be found like any unlisted label
    kept = Referent("sites", {"prison camps": ("prison camps?",)})
    out = _discover(corpus, kept)
    assert {"detention sites", "training schools"} <= set(out["candidate"].head(3))


def test_naming_constructions_and_acronyms():
    assert substitutes._acronym("CCP", ["the", "Chinese", "Communist", "Party"])
    assert substitutes._acronym("NGOs", ["non", "governmental", "organizations"])
    assert not substitutes._acronym("Ccp", ["Chinese", "Communist", "Party"])
    assert not substitutes._acronym("UN", ["the", "Security", "Council"])
    for gap, naming in [(", which Beijing calls ", True), (" that China says are ", True), (" as ", True),
                        (", and ", False), (" in the ", False), (" known as ", True)]:
        assert bool(substitutes._NAMING.search(gap) or substitutes._APPOSITION.match(gap)) is naming, gap
    assert substitutes._kin(("chinese", "regime"), {"chinese", "government"}, {("chinese", "government")})
    assert substitutes._kin(("uyghurs",), {"uighurs"}, {("uighurs",)})
    assert not substitutes._kin(("xinjiang",), {"uighurs"}, {("uighurs",)})
    assert substitutes._spelling("centres", "centers") and substitutes._spelling("kazak", "kazakh")
    assert not substitutes._spelling("community", "communist")


def test_bootstrap_stability_known_values():
    groups = pd.Series(["a"] * 10 + ["b"] * 10, index=[f"d{i}" for i in range(20)])
    only_a = {f"d{i}" for i in range(10)}
    even = {f"d{i}" for i in range(0, 20, 2)}
    out = substitutes._bootstrap_stability([only_a, even], groups, ["a", "a"], n_boot=200, seed=0)
    assert out[0] == 1.0  # every resample: group a uses it, the rest never does
    assert 0.2 < out[1] < 0.8  # the same share in both groups: the resampled sign is a coin toss


def test_no_known_mention_is_an_empty_table():
    sentences = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": 0, "outlet": "X", "text": ["x y", "x y"]})
    mentions = labels.label_mentions(sentences, matcher=LabelMatcher(referents=[SITES]).fit())
    out = substitutes.discover_substitutes(sentences, mentions, referent=SITES)
    assert out.empty and list(out.columns) == tables.schema("label_candidates").names


def test_the_study_stage_lists_substitutes_with_their_group():
    from analysis.core import config
    from analysis.core.study import load_study
    from analysis.framing import frame

    study = load_study(config.study_paths("entity-list", REPO))
    articles, _ = _corpus()
    articles["text"] = articles["text"].str.replace("prison camps", "re-education camps")
    out = frame.word_choice(study, articles=articles, sentences=split_sentences(articles))["label_candidates"]
    camps = out.loc[out["referent"] == "camps"]
    assert camps["method"].str.startswith("substitute").all()
    # the study lists no "detention sites" either (its form is "detention camps/facilities/centers")
    assert set(camps["candidate"].head(2)) == {"training schools", "detention sites"}
    assert camps.set_index("candidate").loc["training schools", "top_group"] == "right"
