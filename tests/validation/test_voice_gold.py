"""The hand-made voice gold (data/gold/voice): intact, scored end to end, and the figures the README reports."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED_DATA

from analysis.core import config
from analysis.validation import voice_gold

needs_allsides = pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").exists(),
                                    reason="needs ../shared/data/allsides")


@needs_allsides
def test_every_gold_sentence_still_has_its_hash_and_splits_are_disjoint(monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    gold, articles = voice_gold.load_voice_gold()
    assert len(gold) == 1443 and set(gold["voice"]) == {"outlet", "quoted", "reported", "attributed"}
    by_split = gold.groupby("split")["allsides_id"].agg(set)
    assert not by_split["dev"] & by_split["test"]
    # every cue is found in its sentence, as written
    text = articles.set_index("doc_id")["text"]
    positions = voice_gold.cue_positions(gold, articles)
    for r, pos in zip(gold.itertuples(), positions):
        assert text[r.allsides_id][pos:pos + len(r.cue)].lower() == r.cue.lower()


def test_scoring_counts_each_voice_and_the_all_outlet_baseline():
    predicted = pd.DataFrame({"voice": ["outlet", "quoted", "reported", "attributed"],
                              "voice_found": ["outlet", "quoted", "outlet", "reported"],
                              "speaker_type": ["", "us_government", "company", "expert"],
                              "type_found": ["", "us_government", "", "media"]})
    got = {(r[2], r[3]): (r[4], r[5]) for r in voice_gold.score(predicted, split="x")}
    assert got[("voice", "accuracy")] == (0.5, 4)
    assert got[("voice", "own_vs_other_accuracy")] == (0.75, 4)
    assert got[("voice_all_outlet_baseline", "accuracy")] == (0.25, 4)
    assert got[("voice", "recall_reported")] == (0.0, 1)
    assert got[("voice_speaker_types", "accuracy")] == (0.5, 2)


@needs_allsides
def test_the_readme_figures_on_the_test_split(monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    from analysis.core.study import load_study

    study = load_study(config.study_paths(config.DEFAULT_STUDY, root=config.PACKAGE_DIR.parent))
    gold, articles = voice_gold.load_voice_gold(split="test")
    rows = voice_gold.score(voice_gold.predict(gold, articles, actors=tuple(study.actors)), split="test")
    got = {(r[2], r[3]): (round(r[4], 3), r[5]) for r in rows}
    # the sixth round's fresh random draw (the first five rounds' test, 0.846 on 285 cues, was retired into dev),
    # scored once with that round's first rules (0.848, 239 of 282) and once more after the rules written on the
    # retired rows: 240 of 282
    assert got[("voice", "accuracy")] == (0.851, 282) and got[("voice", "own_vs_other_accuracy")] == (0.862, 282)
    readme = (config.PACKAGE_DIR.parent / "README.md").read_text()
    readme = readme[readme.index("### Voice: whose words a frame cue is in"):]  # the section, not the history tables
    line = next(x for x in readme.splitlines() if x.startswith("| voice of a frame cue (4 classes) |"))
    assert f"{got[('voice', 'accuracy')][0]:.3f}" in line and f"{got[('voice_all_outlet_baseline', 'accuracy')][0]:.3f}" \
        in line and f"{got[('voice', 'accuracy')][1]} cues" in line
    line = next(x for x in readme.splitlines() if x.startswith("| voice of a frame cue: own words or others' |"))
    assert f"{got[('voice', 'own_vs_other_accuracy')][0]:.3f}" in line
