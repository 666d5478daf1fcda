"""The study's coder agreement in the report: flags below the study's minimum, warnings in captions."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from analysis.core.errors import StudyConfigError
from analysis.core.study import Study, ValidationSettings, parse_study
from analysis.validation import coders

AGREEMENT = pd.DataFrame([
    ("frames", "conflict", "krippendorff_alpha", 0.81, 0.7, 0.9, 100),
    ("frames", "morality", "krippendorff_alpha", 0.52, 0.4, 0.6, 100),
    ("frames", "all", "macro_f1", 0.74, 0.6, 0.8, 100),
    ("sentiment", "all", "krippendorff_alpha", 0.85, 0.8, 0.9, 80),
    ("sentiment", "all", "spearman", 0.41, 0.3, 0.5, 80),
], columns=["measure", "category", "metric", "value", "ci_low", "ci_high", "n"])


def _study(**minimums) -> Study:
    return Study(id="s", title="t", validation=ValidationSettings(**minimums))


def test_a_measure_below_either_minimum_is_flagged_with_the_figure_that_failed():
    flagged = coders.flags(_study(min_alpha=0.667, min_agreement=0.6), AGREEMENT)
    assert set(flagged) == {"frames", "sentiment"}
    assert "0.52 (morality)" in flagged["frames"] and "macro f1" not in flagged["frames"]
    assert "spearman 0.41" in flagged["sentiment"]
    assert coders.flags(_study(), AGREEMENT) == {}  # no minimum set: nothing flagged


def test_captions_of_figures_on_a_flagged_measure_start_with_the_warning():
    flagged = coders.flags(_study(min_agreement=0.6), AGREEMENT)
    assert coders.caption_warning("sentiment_by_outlet", flagged).startswith(
        "Below the minimum agreement with human coders (sentiment)")
    assert coders.caption_warning("frames_entity_list_by_leaning", flagged) == ""
    assert coders.caption_warning("articles_by_outlet", flagged) == ""


def test_report_section_shows_the_table_in_red_when_flagged_and_says_how_to_start_when_empty():
    import html

    study = _study(min_alpha=0.667)
    section = coders.section_html(study, AGREEMENT, escape=html.escape)
    assert 'color:#b00000' in section and "agreement.csv" in section and "0.52" in section
    empty = coders.section_html(study, AGREEMENT.iloc[:0], escape=html.escape)
    assert "codesheet export s --measure frames" in empty


@pytest.mark.parametrize("body, message", [
    ("[validation]\nmin_alpha = 2\n", "key 'min_alpha' is 2; allowed: -1 <= min_alpha <= 1"),
    ("[validation]\nmin_kappa = 0.5\n", "unknown key 'min_kappa'"),
])
def test_bad_validation_settings_are_named(tmp_path, body, message):
    text = f'[study]\ntitle = "x"\n\n[[sources]]\nkind = "imports"\n\n{body}'
    with pytest.raises(StudyConfigError, match=re.escape(message)):
        parse_study(text, study_id="x", path=tmp_path / "study.toml")


def test_validation_settings_parse():
    text = '[study]\ntitle = "x"\n\n[[sources]]\nkind = "imports"\n\n[validation]\nmin_alpha = 0.667\nmin_agreement = 0.6\n'
    study = parse_study(text, study_id="x", path=None)
    assert dataclasses.astuple(study.validation) == (0.667, 0.6)
