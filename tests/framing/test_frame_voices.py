"""Frames by voice: a cue counts for whoever says it, rebuttals are recorded and not counted as using the
frame, and each article's frame prominence is its share of the outlet's own sentences. Short synthetic
text written for the tests, run through the real matcher, voice rules and tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import tables
from analysis.framing.codebook import parse_codebook
from analysis.framing.dictionary import FrameMatcher, frame_hits
from analysis.framing.frame_tables import (
    article_frames,
    frame_profiles,
    frame_voices,
)
from analysis.text import voice
from analysis.text.prepare import split_sentences

# A wire copy that quotes Beijing on sovereignty; state media saying it in its own voice.
ARTICLES = pd.DataFrame({
    "doc_id": ["wire", "state"], "outlet": ["AFP", "Global Times"], "outlet_type": ["wire", "state_media"],
    "leaning": ["center", "unrated"],
    "text": [
        "The US blacklisted 28 Chinese firms on Monday over abuses of Uighurs. "
        "China's foreign ministry said the move was gross interference in its internal affairs. "
        '"The US should stop meddling in China\'s internal affairs," spokesman Geng Shuang said.',
        "Washington's blacklist is blatant interference in China's internal affairs. "
        "It is meddling dressed up as concern for the so-called human rights problem in Xinjiang. "
        "Beijing will defend its sovereignty.",
    ]})


@pytest.fixture(scope="module")
def measured():
    sentences = split_sentences(ARTICLES)
    spans = voice.voice_spans(ARTICLES, sentences)
    per_sentence = voice.sentence_voice(spans, sentences)
    m = FrameMatcher(codebook="entity_list").fit()
    hits = frame_hits(sentences, matcher=m, voices=spans)
    per_article = article_frames(hits, sentences=sentences, articles=ARTICLES, matchers=m,
                                 sentence_voices=per_sentence)
    return sentences, hits, per_article


def test_a_quoted_frame_is_not_the_outlets_own(measured):
    _, hits, per_article = measured
    wire = hits.loc[(hits["doc_id"] == "wire") & (hits["frame"] == "sovereignty_interference")]
    assert len(wire) == 2 and not wire["own_voice"].any() and wire["other_voice"].all()
    assert set(wire["other_voice_kind"]) == {"reported", "quoted"}
    assert set(wire["other_speaker_type"]) == {"chinese_government"}
    row = per_article.set_index(["doc_id", "frame"])
    assert row.loc[("wire", "sovereignty_interference"), "own_share"] == 0
    assert row.loc[("wire", "sovereignty_interference"), "others_share"] == 1
    assert row.loc[("state", "sovereignty_interference"), "own_share"] == 1
    # presence alone, the old measure, cannot tell them apart
    assert row.loc[("wire", "sovereignty_interference"), "present"] == row.loc[("state", "sovereignty_interference"),
                                                                                  "present"]


def test_rebuttals_are_recorded_and_not_counted(measured):
    _, hits, per_article = measured
    rights = hits.loc[(hits["doc_id"] == "state") & (hits["frame"] == "human_rights")]
    assert rights["rebuttal"].all() and rights["n_rebuttals"].tolist() == [1] and rights["n_matches"].tolist() == [0]
    row = per_article.set_index(["doc_id", "frame"]).loc[("state", "human_rights")]
    assert (row["n_hit_sentences"], row["present"], row["n_rebuttal_sentences"]) == (0, False, 1)


@pytest.mark.parametrize("text, rebutted", [
    ("The so-called human rights problem is a lie.", True),
    ("They act under the pretext of human rights.", True),
    ("China denies mistreatment of Uighurs in Xinjiang.", True),
    ("Claims of forced labor are groundless, he said.", True),
    ("The US acted over human rights abuses in Xinjiang.", False),
    ("China has continued to deny that the Uighur Muslims have been mistreated.", True),
    # a denial that is itself negated, a dismissal said by someone else, a denial's scope ended by a new clause
    ("China did not deny that the Uighurs were mistreated.", False),
    ("Human rights groups said the denials were lies.", False),
    ("China denies wrongdoing, and the State Department says forced labor is rampant.", False),
])
def test_rebuttal_cues(text, rebutted):
    m = FrameMatcher(codebook="entity_list").fit()
    found = [hit for hit in m.find_all(text) if hit[0] == "human_rights"]
    assert found and all(hit[4] == rebutted for hit in found)
    assert bool([h for h in m.find(text) if h[0] == "human_rights"]) == (not rebutted)


def test_a_codebook_can_add_rebuttal_cues(tmp_path):
    text = ('[codebook]\nname = "cb"\ndescription = "d"\nrebuttal_cues = ["smear campaign about"]\n'
            '[[frames]]\nid = "rights"\nlabel = "R"\ndefinition = "d"\nindicators = ["human rights"]\n')
    path = tmp_path / "cb.toml"
    path.write_text(text, encoding="utf-8")
    m = FrameMatcher(codebook=path).fit()
    assert m.find_all("A smear campaign about human rights.")[0][4] is True
    assert parse_codebook(text, path="cb.toml").rebuttal_cues == ("smear campaign about",)
    with pytest.raises(Exception, match="rebuttal_cues"):
        parse_codebook(text.replace('"smear campaign about"', '" "'), path="cb.toml")


def test_dominant_frame_and_profiles(measured):
    _, hits, per_article = measured
    dominant = per_article.loc[per_article["dominant"]]
    assert dominant.groupby("doc_id").size().max() == 1
    assert dominant.set_index("doc_id").loc["state", "frame"] == "sovereignty_interference"
    for measure in ("own_share", "others_share", "dominant"):
        out = frame_profiles(per_article, by="outlet", value=measure, n_boot=50, min_articles=1, seed=1)
        assert out.columns.tolist() == tables.schema("frame_profiles").names and set(out["measure"]) == {measure}


def test_frame_voices_says_who_frames_it(measured):
    _, hits, _ = measured
    out = frame_voices(hits, ARTICLES, by="outlet")
    assert out.columns.tolist() == tables.schema("frame_voices").names
    sov = out.loc[out["frame"] == "sovereignty_interference"].set_index(["group", "voice"])
    assert sov.loc[("AFP", "reported"), "speaker_type"] == "chinese_government"
    assert ("AFP", "outlet") not in sov.index and sov.loc[("Global Times", "outlet"), "n_sentences"] >= 2
    used = out.loc[out["n_sentences"] > 0]  # a frame only rebutted has no share to split
    assert used.groupby(["group", "frame"])["share"].sum().round(6).eq(1).all()
    rebut = out.loc[out["n_rebuttal_sentences"] > 0]
    assert rebut[["group", "frame", "voice"]].values.tolist() == [["Global Times", "human_rights", "outlet"]]
