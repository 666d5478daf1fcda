"""Reuse-aware comparisons: weights, weighted contrasts against scipy, and a finding that wire copy drives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.core import tables
from analysis.provenance import reuse_sensitivity as rs
from analysis.stats import contrasts


def _marks(rows: list[tuple[str, int, int, bool]]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [r[0] for r in rows], "sent_id": [r[1] for r in rows], "outlet": "x",
                         "reused_share": [1.0 if r[2] else 0.0 for r in rows],
                         "n_copies": [r[2] for r in rows], "is_copy": [r[3] for r in rows]})


@pytest.mark.parametrize("mode, expected", [
    ("keep", [1.0, 1.0, 1.0]),
    ("downweight", [1.0, 1 / 3, 0.5]),
    ("remove", [1.0, 0.0, 1.0]),
])
def test_sentence_weights(mode, expected):
    marks = _marks([("a", 0, 0, False), ("a", 1, 2, True), ("b", 0, 1, False)])
    assert rs.sentence_weights(marks, mode=mode).tolist() == pytest.approx(expected)


def test_sentence_weights_reject_an_unknown_mode():
    with pytest.raises(ValueError, match="mode='drop'; allowed: keep, downweight, remove"):
        rs.sentence_weights(_marks([("a", 0, 0, False)]), mode="drop")


def test_article_values_are_weighted_means_and_own_shares():
    values = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": [0, 1, 0, 1], "value": [1.0, 0.0, 1.0, 1.0]})
    weights = pd.Series([1.0, 0.0, 0.5, 0.5], index=pd.MultiIndex.from_frame(values[["doc_id", "sent_id"]]))
    got = rs.article_values(values, weights).set_index("doc_id")
    assert got.loc["a", "value"] == 1.0 and got.loc["a", "weight"] == 0.5
    assert got.loc["b", "value"] == 1.0 and got.loc["b", "weight"] == 0.5
    gone = rs.article_values(values.assign(value=[0.0, 1.0, 0.0, 0.0]), weights, how="any").set_index("doc_id")
    assert gone.loc["a", "value"] == 0.0  # its only hit is in a sentence that no longer counts
    weights[:] = [0.0, 0.0, 1.0, 1.0]
    assert rs.article_values(values, weights)["doc_id"].tolist() == ["b"]


@pytest.mark.parametrize("how", ["mean", "any"])
def test_article_values_from_weight_positions_are_the_joined_ones(how):
    values = pd.DataFrame({"doc_id": ["b", "a", "a", "c", "b"], "sent_id": [1, 0, 1, 0, 0],
                           "value": [0.3, 1.0, 0.0, 1.0, 0.7]}, index=[10, 11, 12, 13, 14])
    marks = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": [1, 0, 0, 1], "n_copies": [1, 0, 3, 0],
                          "is_copy": [True, False, True, False]})  # "c" has no mark: weight 1
    for mode in rs.MODES:
        weights = rs.sentence_weights(marks, mode=mode)
        at = rs.weight_positions(values, weights)
        pd.testing.assert_frame_equal(rs.article_values(values, weights, how=how, at=at),
                                      rs.article_values(values, weights, how=how), check_exact=True)
    assert rs.weight_positions(values, rs.sentence_weights(pd.concat([marks, marks]), mode="keep")) is None
    empty = rs.sentence_weights(marks.iloc[:0], mode="keep")
    pd.testing.assert_frame_equal(rs.article_values(values, empty, at=rs.weight_positions(values, empty)),
                                  rs.article_values(values, empty), check_exact=True)


def test_with_equal_weights_the_contrast_matches_the_unweighted_one_and_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.3, 1, 25), rng.normal(0, 1, 30)
    got = rs.weighted_contrast(a, np.ones(25), b, np.ones(30), n_boot=4000, n_perm=20000, confidence=0.95,
                               rng=np.random.default_rng(1))
    assert got["diff"] == pytest.approx(a.mean() - b.mean())
    ref = stats.permutation_test((a, b), lambda x, y, axis: x.mean(axis) - y.mean(axis), vectorized=True,
                                 n_resamples=20000, rng=np.random.default_rng(2))
    assert got["p_perm"] == pytest.approx(ref.pvalue, abs=0.015)  # both Monte Carlo: sd about 0.005
    unweighted = contrasts._contrast(a, b, n_boot=4000, n_perm=100, confidence=0.95, rng=np.random.default_rng(4))
    assert got["ci_low"] == pytest.approx(unweighted["ci_low"], abs=0.06)
    assert got["ci_high"] == pytest.approx(unweighted["ci_high"], abs=0.06)


def test_weights_move_the_estimate_toward_the_heavier_articles():
    got = rs.weighted_contrast(np.array([1.0, 0.0]), np.array([3.0, 1.0]), np.array([0.0, 0.0]),
                               np.array([1.0, 1.0]), n_boot=200, n_perm=200, confidence=0.95,
                               rng=np.random.default_rng(0))
    assert got["diff"] == pytest.approx(0.75)


def _wire_driven_study(n: int = 8):
    """Group L runs one strongly negative wire story (copies) plus a neutral sentence of its own; R is neutral.

    The wire's original (one center article) keeps its text; the L copies lose theirs under ``remove``.
    """
    rng = np.random.default_rng(7)
    articles, scores, marks = [("wire", "Wire", "center")], [], []
    for s in range(3):
        scores.append(("wire", s, -0.8))
        marks.append(("wire", s, n, False))
    for k in range(2 * n):
        doc, group = f"d{k:02d}", "L" if k < n else "R"
        articles.append((doc, f"outlet{k}", group))
        for s in range(4):
            copy = group == "L" and s < 3
            scores.append((doc, s, -0.8 + rng.normal(0, 0.02) if copy else rng.normal(0, 0.1)))
            marks.append((doc, s, n if copy else 0, copy))
    articles = pd.DataFrame(articles, columns=["doc_id", "outlet", "leaning"])
    sentences = pd.DataFrame([(d, s) for d, s, _ in scores], columns=["doc_id", "sent_id"])
    scores = pd.DataFrame(scores, columns=["doc_id", "sent_id", "score"]).assign(instrument="vader")
    return articles, sentences, scores, _marks(marks)


def test_a_finding_driven_by_wire_copy_is_reported_as_lost_when_reuse_is_removed():
    articles, sentences, scores, marks = _wire_driven_study()
    table = rs.reuse_sensitivity(articles, sentences, marks, sentence_scores=scores, groups=("leaning",),
                                 n_boot=500, n_perm=500, seed=1)
    assert list(table.columns) == tables.schema("reuse_sensitivity").names
    by_mode = table.set_index("mode")
    assert by_mode.loc["keep", "diff"] < -0.5 and by_mode.loc["keep", "p_fdr"] < 0.05
    assert by_mode.loc["remove", "n_a"] == 8                  # every L article keeps its own sentence
    assert abs(by_mode.loc["remove", "diff"]) < 0.2 and by_mode.loc["remove", "p_fdr"] > 0.05
    assert by_mode.loc["downweight", "weight_a"] < by_mode.loc["keep", "weight_a"]
    verdicts = rs.survival(table)
    assert verdicts["verdict"].tolist() == ["lost when reuse removed"]


def test_a_finding_in_original_text_survives():
    articles, sentences, scores, marks = _wire_driven_study()
    marks = marks.assign(n_copies=0, is_copy=False)   # the same tone, but every sentence the outlet's own
    table = rs.reuse_sensitivity(articles, sentences, marks, sentence_scores=scores, groups=("leaning",),
                                 n_boot=500, n_perm=500, seed=1)
    assert rs.survival(table)["verdict"].tolist() == ["survives"]
    assert table["diff"].nunique() == 1


def test_large_contrasts_share_draws_and_agree_with_the_contrast_drawn_alone():
    # Over LARGE_CONTRAST articles every pair, outlet against the rest or leaning against leaning, takes the shared
    # draws; its interval and p must be the per-pair contrast's within Monte Carlo error.
    rng = np.random.default_rng(7)
    labels = np.repeat(["a", "b", "c"], [600, 1500, 1200])
    x = np.vstack([rng.normal(np.select([labels == "a", labels == "b"], [0.15, 0.0], 0.05), 1),
                   rng.binomial(1, 0.3, len(labels)).astype(float)])
    w = np.vstack([rng.uniform(0.2, 1, len(labels)), np.ones(len(labels))])
    pairs = [("a", contrasts.OTHERS), ("a", "b"), ("b", "c")]
    assert len(labels) > contrasts.LARGE_CONTRAST
    got = rs.contrast_set(x, w, labels, pairs, n_boot=2000, n_perm=4000, confidence=0.95,
                          pair_rng=lambda m, a, b: pytest.fail("a large pair drew alone"),
                          shared_rng=lambda: np.random.default_rng(8))
    for m in range(2):
        for k, (a, b) in enumerate(pairs):
            in_a, in_b = labels == a, (labels != a) if b == contrasts.OTHERS else labels == b
            alone = rs.weighted_contrast(x[m, in_a], w[m, in_a], x[m, in_b], w[m, in_b], n_boot=2000, n_perm=4000,
                                         confidence=0.95, rng=np.random.default_rng(9))
            assert got[m][k]["diff"] == alone["diff"]
            width = alone["ci_high"] - alone["ci_low"]
            assert got[m][k]["ci_low"] == pytest.approx(alone["ci_low"], abs=0.08 * width)
            assert got[m][k]["ci_high"] == pytest.approx(alone["ci_high"], abs=0.08 * width)
            assert got[m][k]["p_perm"] == pytest.approx(alone["p_perm"], abs=0.04)


def test_small_contrasts_still_draw_alone_from_their_own_stream():
    rng = np.random.default_rng(10)
    labels = np.repeat(["a", "b"], [40, 60])
    x, w = rng.normal(size=(1, 100)), rng.uniform(0.5, 1, (1, 100))
    got = rs.contrast_set(x, w, labels, [("a", "b")], n_boot=500, n_perm=500, confidence=0.95,
                          pair_rng=lambda m, a, b: np.random.default_rng(11),
                          shared_rng=lambda: pytest.fail("a small pair took the shared draws"))
    alone = rs.weighted_contrast(x[0, :40], w[0, :40], x[0, 40:], w[0, 40:], n_boot=500, n_perm=500,
                                 confidence=0.95, rng=np.random.default_rng(11))
    assert got[0][0] == alone


# --- terms under each reading ------------------------------------------------------------------------------------

def _three_passes(*args, **kwargs):
    """term_sensitivity as it was (three passes of distinctive_terms), kept with the benchmark that times it."""
    path = Path(__file__).parents[2] / "benchmarks" / "term_sensitivity_speed.py"
    spec = importlib.util.spec_from_file_location("term_sensitivity_speed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.three_passes(*args, **kwargs)


def _term_study(seed: int = 3):
    """Two leanings of 12 articles from 3 outlets each, paragraphs split by newlines; wire copy repeats one phrase.

    Every left article has copies except the first (none) and the second (every sentence a copy)."""
    rng = np.random.default_rng(seed)
    words = ["officials", "said", "the", "plan", "would", "be", "reviewed", "committee", "hearing", "budget",
             "vote", "senate", "report", "week", "delay", "tariff", "court", "ruling"]
    phrases = {"left": ["climate justice", "workers rights"], "right": ["border security", "tax relief"]}
    arts, sents, marks = [], [], []
    for leaning in ("left", "right"):
        for i in range(12):
            doc, text = f"{leaning}{i}", ""
            for j in range(6):
                body = " ".join(rng.choice(words, size=rng.integers(4, 12)))
                if j % 2 == 0:
                    body += " " + phrases[leaning][j % 4 // 2]
                if j == 5:
                    body = "wire service said tariff court ruling stands"
                sentence = body.capitalize() + ("." if j % 3 else "")  # some headlines without a full stop
                text += ("\n\n" if j % 3 == 0 and j else " " if j else "")
                sents.append(dict(doc_id=doc, sent_id=j, start=len(text), end=len(text) + len(sentence),
                                  text=sentence))
                copy = leaning == "left" and i > 0 and (i == 1 or j in (1, 5))
                marks.append(dict(doc_id=doc, sent_id=j, n_copies=int(copy) * 3, is_copy=copy))
                text += sentence
            arts.append(dict(doc_id=doc, outlet=f"{leaning} outlet {i % 3}", leaning=leaning, outlet_type="digital",
                             text=text, is_duplicate=False))
    return pd.DataFrame(arts), pd.DataFrame(sents), pd.DataFrame(marks)


@pytest.mark.parametrize("seed", [3, 4])
def test_term_readings_from_one_matrix_equal_three_separate_passes(seed):
    articles, sentences, marks = _term_study(seed)
    expected = _three_passes(articles, sentences, marks, by="leaning", min_articles=5, seed=seed)
    got = rs.term_sensitivity(articles, sentences, marks, by="leaning", min_articles=5, seed=seed)
    assert len(got) and set(got["mode"]) == set(rs.MODES)
    assert got.loc[got["mode"] == "keep", "stable"].all()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_term_sensitivity_without_a_stable_term_is_an_empty_typed_table():
    articles, sentences, marks = _term_study()
    got = rs.term_sensitivity(articles, sentences, marks, by="leaning", min_articles=5, n_boot=1, top=0)
    assert got.empty and list(got.columns) == tables.schema("term_sensitivity").names


@pytest.mark.parametrize("unit", [True, False])
def test_resampled_means_equal_weighted_means_of_the_resample_to_the_last_bit(unit):
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    w = np.ones(50) if unit else rng.uniform(0.1, 1, size=50)
    idx = rng.integers(0, 50, (200, 37))
    assert np.array_equal(rs._resampled_mean(x, w)(idx), rs._wmean(x[idx], w[idx]))
