"""Loaded language and epistemic markers: matching, hand-counted sentences, article rates, CIs, BABE AUC."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from analysis.collect.framing_datasets import load_word_list
from analysis.core import tables
from analysis.framing.loaded_language import (
    DISTANCING,
    INSTRUMENT,
    MARKED_REPORT,
    MARKERS,
    NEUTRAL_REPORT,
    MarkerScorer,
    article_marker_rates,
    inflections,
    marker_rates,
    markers_by_group,
    markers_by_voice,
    roc_auc_ci,
    validate_on_babe,
)
from analysis.stats import contrasts
from analysis.text.texts import tokenize

needs_babe = pytest.mark.skipif(not (SHARED_DATA / "babe_mbic" / "final_labels_SG2.csv").is_file(),
                                reason="shared BABE mirror not present")


@pytest.fixture(scope="module")
def scorer() -> MarkerScorer:
    return MarkerScorer().fit()


def counts(scorer: MarkerScorer, text: str) -> dict[str, float]:
    return dict(zip(scorer.get_feature_names_out(), scorer.transform([text])[0]))


@pytest.mark.parametrize("token, base", [
    ("claimed", "claim"), ("claims", "claim"), ("alleges", "allege"), ("alleged", "allege"),
    ("allegedly", "allege"), ("reportedly", "report"), ("said", "say"), ("denies", "deny"),
    ("admitted", "admit"), ("admittedly", "admit"), ("insisting", "insist"), ("democrat's", "democrat"),
])
def test_inflections_reach_the_base_form(token, base):
    assert inflections(token)[0] == token and base in inflections(token)


@pytest.mark.parametrize("token, not_base", [("protesters", "protest"), ("political", "polite"), ("news", "new"),
                                             ("rightly", "right"), ("critics", "criticize")])
def test_inflections_do_not_undo_derivation(token, not_base):
    assert not_base not in inflections(token)


# Every expectation follows from list membership checked in test_the_lists_hold_what_the_counts_assume.
HAND = [
    # "claimed": Hyland lists the form itself; claim is assertive, marked report verb, Recasens bias lemma
    # (epistemic, so not loaded); "vote" is a Recasens bias lemma and is loaded.
    ("She claimed the vote was rigged.", dict(n_tokens=6, hedges=1, assertives=1, report_verbs=1, report_marked=1,
                                              report_neutral=0, bias_words=2, loaded=1)),
    # "allegedly" -> allege (assertive, marked report verb); the bias entry "allegedly" itself is loaded.
    ("They allegedly took bribes.", dict(n_tokens=4, hedges=0, assertives=1, report_verbs=1, report_marked=1,
                                         bias_words=1, loaded=1)),
    # "reportedly" is marked although "said" (report) is neutral; "would" is a hedge, "fail" implicative.
    ("Reportedly, officials said the plan would fail.",
     dict(n_tokens=7, hedges=1, implicatives=1, assertives=2, report_verbs=2, report_marked=1, report_neutral=1,
          report_other=0, bias_words=3, loaded=1)),
    # "pointed out" is one match of the phrase "point out", not "point" plus nothing.
    ("The senator pointed out that he was right.", dict(report_verbs=1, report_other=1, assertives=1)),
    # "United States" is a name: only "said" and "respond" are report verbs.
    ("The United States said it would respond.", dict(report_verbs=2, report_neutral=2, hedges=1, loaded=0)),
    ("In my view, this is about right.", dict(hedges=2, report_verbs=0)),
    # "racists" is in both bias lists and counts once in loaded; "ignored" -> ignore (BABE only).
    ("The racists ignored it.", dict(n_tokens=4, bias_words=1, babe_lexicon=2, loaded=2, loaded_score=0.5)),
    ("Critics were critical of the protesters.", dict(report_verbs=0, bias_words=1)),
    ("", dict(n_tokens=0, hedges=0, loaded=0, loaded_score=0.0)),
]


@pytest.mark.parametrize("text, expected", HAND, ids=[t[:24] or "empty" for t, _ in HAND])
def test_hand_counted_sentences(scorer, text, expected):
    got = counts(scorer, text)
    assert {k: got[k] for k in expected} == pytest.approx(expected)
    assert got["report_verbs"] == sum(got[c] for c in ("report_neutral", "report_marked", "report_other"))
    assert got["loaded_score"] == pytest.approx(got["loaded"] / max(got["n_tokens"], 1))


def test_the_lists_hold_what_the_counts_assume():
    rec = {n: set(load_word_list("recasens", n)) for n in ("hedges", "assertives", "report_verbs", "bias_words",
                                                             "implicatives")}
    babe = set(load_word_list("babe", "bias_words"))
    assert {"claimed", "would", "about", "in my view"} <= rec["hedges"] and "claim" in rec["assertives"]
    assert {"claim", "say", "vote", "allegedly", "plan", "racist", "critic", "view", "right"} <= rec["bias_words"]
    assert {"racist", "ignore"} <= babe and "fail" in rec["implicatives"] and "point out" in rec["report_verbs"]
    assert "protest" in rec["report_verbs"] and "state" in rec["report_verbs"]
    # The hand split of report verbs is taken from Recasens' list, and the two halves do not overlap.
    assert NEUTRAL_REPORT <= rec["report_verbs"] and MARKED_REPORT <= rec["report_verbs"]
    assert not NEUTRAL_REPORT & MARKED_REPORT
    assert all(set(inflections(w)) & rec["report_verbs"] for w in DISTANCING)


def test_snowball_joins_derivations_that_inflection_keeps_apart(scorer):
    snow = MarkerScorer(match="snowball").fit()
    text = "Critics were critical of the protesters."
    # Snowball: critics, critical -> "critic" (criticize); protesters -> "protest". None is a report verb.
    assert counts(snow, text)["report_verbs"] == 3 and counts(scorer, text)["report_verbs"] == 0
    assert counts(snow, "She claimed it.")["report_marked"] == 1
    assert snow.version_ != scorer.version_


def test_exact_classes_match_surface_forms_only():
    loose = MarkerScorer(exact=()).fit()
    # Hyland lists "seems" but not "seemed"; matched by inflection, "seemed" -> seem is still not an entry.
    assert counts(loose, "It seemed so.")["hedges"] == 0
    assert counts(loose, "They suggests.")["hedges"] == 1 and counts(loose, "They suggesting.")["hedges"] == 1
    assert counts(MarkerScorer().fit(), "They suggesting.")["hedges"] == 0


@pytest.mark.parametrize("params, message", [({"match": "lemma"}, "match='lemma'"),
                                             ({"exact": ("hedge",)}, "has ['hedge']")])
def test_bad_parameters_name_the_argument(params, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        MarkerScorer(**params).fit()


def test_estimator_contract(scorer):
    cloned = clone(scorer)
    assert cloned.get_params() == scorer.get_params() == {"match": "inflection", "exact": ("hedges",),
                                                                     "prune": False}
    assert not [a for a in vars(cloned) if a.endswith("_")]
    with pytest.raises(NotFittedError):
        cloned.transform(["x"])
    assert cloned.fit() is cloned and cloned.version_.startswith(f"{INSTRUMENT} ")
    out = cloned.set_output(transform="pandas").transform(pd.Series(["He said.", None], index=[10, 20]))
    assert list(out.index) == [10, 20] and list(out.columns) == ["n_tokens", *MARKERS, "loaded_score"]
    assert out.loc[20].eq(0).all()
    with pytest.raises(TypeError, match="not one string"):
        scorer.transform("He said.")


SENTENCES = pd.DataFrame({
    "doc_id": ["a", "a", "b", "c"], "sent_id": [0, 1, 0, 0], "outlet": ["X", "X", "Y", "Y"],
    "text": ["She claimed the vote was rigged.", "He said.", "The United States said it would respond.", "..."]})
ARTICLES = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Y"], "outlet_type": "wire",
                         "leaning": ["left", "right", "right"]})


def test_marker_rates_one_row_per_sentence(scorer):
    rates = marker_rates(SENTENCES, scorer=scorer)
    assert list(rates.columns) == ["doc_id", "sent_id", "outlet", "instrument_version", "n_tokens", *MARKERS,
                                   "loaded_score"]
    assert {rates[c].dtype.kind for c in ["n_tokens", *MARKERS]} == {"i"} and rates["loaded_score"].dtype.kind == "f"
    assert rates["report_marked"].tolist() == [1, 0, 0, 0] and rates["report_neutral"].tolist() == [0, 1, 2, 0]
    assert rates["n_tokens"].tolist() == [6, 2, 7, 0] and not rates.duplicated(["doc_id", "sent_id"]).any()
    with pytest.raises(ValueError, match="duplicate"):
        marker_rates(pd.concat([SENTENCES, SENTENCES]), scorer=scorer)


def test_the_marker_rates_schema_has_one_int_column_per_marker(scorer):
    # marker_rates is declared in analysis/framing/tables.toml, its columns come from MARKERS: they must not drift.
    schema = tables.schema("marker_rates")
    fixed = ["doc_id", "sent_id", "outlet", "instrument_version", "n_tokens"]
    assert schema.names == [*fixed, *MARKERS, "loaded_score"]
    assert [c.name for c in schema.columns if c.kind == "int" and c.name not in fixed] == list(MARKERS)
    assert schema.names[len(fixed) - 1:] == list(scorer.get_feature_names_out())  # n_tokens, markers, loaded_score
    rates = marker_rates(SENTENCES, scorer=scorer)
    pd.testing.assert_frame_equal(tables.validate(rates, "marker_rates"), rates)


def test_article_rates_pool_tokens_and_skip_empty_articles(scorer):
    art = article_marker_rates(marker_rates(SENTENCES, scorer=scorer), ARTICLES)
    assert list(art.columns) == ["doc_id", "outlet", "outlet_type", "leaning", "instrument_version", "marker",
                                 "count", "n_tokens", "n_sentences", "rate_per_1000"]
    assert not art.duplicated(["doc_id", "marker"]).any() and set(art["doc_id"]) == {"a", "b"}  # c has no tokens
    assert art["marker"].iloc[:len(MARKERS)].tolist() == list(MARKERS)
    a = art.loc[art["doc_id"] == "a"].set_index("marker")
    # article a: 6 + 2 tokens; report verbs "claimed" and "said"; hedge "claimed"
    assert a.loc["report_verbs", ["count", "n_tokens", "n_sentences"]].tolist() == [2, 8, 2]
    assert a.loc["report_verbs", "rate_per_1000"] == pytest.approx(250.0)
    assert a.loc["hedges", "rate_per_1000"] == pytest.approx(125.0)
    assert art.loc[art["doc_id"] == "b", "leaning"].eq("right").all()
    assert {art[c].dtype.kind for c in ["count", "n_tokens", "n_sentences"]} == {"i"}
    pd.testing.assert_frame_equal(tables.validate(art, "article_marker_rates"), art)


def _article_rates(values_by_outlet: dict[str, list[float]]) -> pd.DataFrame:
    rows = [dict(doc_id=f"{o}{i}", outlet=o, outlet_type="wire", leaning="center", instrument_version="v",
                 marker=m, count=0, n_tokens=100, n_sentences=3, rate_per_1000=v * (1 + k))
            for o, vals in values_by_outlet.items() for i, v in enumerate(vals)
            for k, m in enumerate(["hedges", "loaded"])]
    return pd.DataFrame(rows)


def test_markers_by_group_interval_is_compare_bootstrap_with_the_same_stream():
    rates = _article_rates({"A": [1.0, 4.0, 2.5, 7.0, 3.0, 5.5], "B": [2.0, 2.0, 3.0]})
    out = markers_by_group(rates, by="outlet", n_boot=500, seed=7)
    assert list(out.columns[:3]) == ["group_var", "group", "marker"]
    assert len(out) == 4 and not out.duplicated(["group", "marker"]).any()
    for marker, k in (("hedges", 1), ("loaded", 2)):
        vals = np.array([1.0, 4.0, 2.5, 7.0, 3.0, 5.5]) * k
        expected = contrasts.bootstrap_mean_ci(vals, n_boot=500, confidence=0.95,
                                             rng=contrasts.group_rng(7, "outlet", "A", INSTRUMENT, marker))
        row = out.set_index(["group", "marker"]).loc[("A", marker)]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected)
        assert row["mean"] == pytest.approx(vals.mean()) and row["n_articles"] == 6 and row["n_sentences"] == 18
    b = out.set_index(["group", "marker"]).loc[("B", "hedges")]
    assert np.isnan(b["ci_low"]) and b["ci_method"].startswith("no interval")
    pd.testing.assert_frame_equal(tables.validate(out, "markers_by_group"), out)
    pd.testing.assert_frame_equal(markers_by_group(rates.iloc[:0]), tables.empty("markers_by_group"))


def test_roc_auc_by_hand_and_against_sklearn():
    scores, labels = [0.1, 0.4, 0.35, 0.8, 0.4], [0, 0, 1, 1, 1]
    # positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: 4 wins and 1 tie of 6 pairs
    pairs = [(p, n) for p, n in itertools.product([0.35, 0.8, 0.4], [0.1, 0.4])]
    by_hand = (sum(p > n for p, n in pairs) + 0.5 * sum(p == n for p, n in pairs)) / len(pairs)
    auc, _, _ = roc_auc_ci(scores, labels, n_boot=0, rng=np.random.default_rng(0))
    assert by_hand == auc == pytest.approx(4.5 / 6) == roc_auc_score(labels, scores)
    rng = np.random.default_rng(1)
    s, y = rng.integers(0, 5, 300).astype(float), rng.integers(0, 2, 300)  # many ties
    assert roc_auc_ci(s, y, n_boot=0, rng=rng)[0] == pytest.approx(roc_auc_score(y, s))


def test_roc_auc_bootstrap_matches_brute_force_resamples():
    rng = np.random.default_rng(3)
    s, y, clusters = rng.normal(size=40).round(1), rng.integers(0, 2, 40), np.repeat(np.arange(10), 4)
    auc, low, high = roc_auc_ci(s, y, clusters=clusters, n_boot=300, rng=np.random.default_rng(5))
    draws = np.random.default_rng(5).multinomial(10, np.full(10, 0.1), size=300)
    boot = []
    for counts_ in draws:  # rebuild each resample by repeating whole clusters, then score it plainly
        idx = np.concatenate([np.flatnonzero(clusters == c).repeat(k) for c, k in enumerate(counts_) if k] or [[]])
        idx = idx.astype(int)
        if 0 < y[idx].sum() < len(idx):
            boot.append(roc_auc_score(y[idx], s[idx]))
    assert (low, high) == pytest.approx(tuple(np.percentile(boot, [2.5, 97.5])))
    assert low < auc < high
    # Each row its own cluster is the plain row bootstrap.
    rows = roc_auc_ci(s, y, n_boot=200, rng=np.random.default_rng(2))
    assert rows == roc_auc_ci(s, y, clusters=np.arange(40), n_boot=200, rng=np.random.default_rng(2))


@needs_babe
def test_babe_sg2_auc_reproduces_the_measured_values(scorer):
    table = validate_on_babe(splits=("sg2",), scorer=scorer, n_boot=200)
    assert list(table.columns) == ["dataset", "split", "instrument", "metric", "value", "n"]
    assert table["value"].dtype.kind == "f" and table["n"].dtype.kind == "i"
    assert not table.duplicated(["split", "instrument", "metric"]).any() and table["n"].eq(3673).all()
    auc = table.loc[table["metric"] == "roc_auc"].set_index("instrument")["value"]
    # Measured with `python -m analysis.framing.loaded_language` (3,673 SG2 sentences, sklearn agrees):
    # loaded_score 0.536, babe_lexicon 0.592, recasens_bias_words 0.492, sentence length 0.475,
    # report_neutral 0.428 ("said" goes with non-biased sentences), report_marked 0.527.
    assert auc["loaded_score"] == pytest.approx(0.536, abs=0.01)
    assert auc["babe_lexicon"] == pytest.approx(0.592, abs=0.01)
    assert auc["recasens_bias_words"] == pytest.approx(0.492, abs=0.01)
    assert auc["n_tokens"] == pytest.approx(0.475, abs=0.01)
    # Names, function words and frequent words without valence out of "loaded" (loaded_pruned.csv): 0.536 -> 0.586.
    assert auc["loaded_score_pruned"] == pytest.approx(0.586, abs=0.01)
    assert auc["report_neutral"] < 0.45 < 0.5 < auc["report_marked"]
    ci = table.pivot_table(index="instrument", columns="metric", values="value")
    assert (ci["roc_auc_ci_low"] < ci["roc_auc"]).all() and (ci["roc_auc"] < ci["roc_auc_ci_high"]).all()
    assert set(ci["share_entries_annotated"].dropna().index) == {"babe_lexicon", "recasens_bias_words"}


def test_markers_by_voice_keeps_a_quoted_loaded_word_out_of_the_outlets_own_rate(scorer):
    # one article: its own sentence is plain, the quoted one is loaded; the outlet's own rate must be 0
    sentences = pd.DataFrame({"doc_id": ["q", "q"], "sent_id": [0, 1], "outlet": ["O", "O"],
                              "text": ["The ministry published the list on Monday.",
                                       "“This is a shameful, disgraceful and outrageous attack,” he said."]})
    articles = pd.DataFrame({"doc_id": ["q"], "outlet": ["O"], "outlet_type": ["wire"], "leaning": ["center"]})
    voices = pd.DataFrame({"doc_id": ["q", "q"], "sent_id": [0, 1], "voice": ["outlet", "quoted"]})
    rates = marker_rates(sentences, scorer=scorer)
    assert rates.loc[rates["sent_id"] == 1, "loaded"].item() > 0
    out = markers_by_voice(rates, voices, articles, by="outlet", n_boot=50, seed=3).set_index(["voice", "marker"])
    assert out.loc[("outlet", "loaded"), "mean"] == 0 and out.loc[("others", "loaded"), "mean"] > 0
    assert out.loc[("outlet", "loaded"), "n_sentences"] == 1
    pd.testing.assert_frame_equal(tables.validate(out.reset_index()[tables.schema("markers_by_voice").names],
                                                  "markers_by_voice"),
                                  out.reset_index()[tables.schema("markers_by_voice").names])


SPANNING = ["In my view the far right wing so called plan tends to fail.",  # overlapping multi-word entries
            "He pointed out that it makes sense; we found out later.",  # inflected multi-word entries
            "The United States said the Islamic State claimed it.",  # names blank their tokens
            "They spoke of the united", "states of mind in general.",  # a name split over two sentences
            "", "   ", "Same sex same-sex anti-terrorist anti semitism.", "claimed claims claiming said",
            "To my knowledge, in most cases, from this perspective, on the whole: far right."]


@pytest.mark.parametrize("options", [{}, {"prune": True}, {"match": "snowball"}, {"exact": ()}])
def test_transform_equals_scoring_each_sentence_whole(options):
    # transform scores distinct tokens once and re-scores whole only the sentences a multi-word entry or a
    # name spans: every sentence must still get what scoring its tokens in order gives
    sc = MarkerScorer(**options).fit()
    texts = SPANNING + [" ".join(p) for p in itertools.permutations(["in", "my", "view", "far", "right"], 5)]
    whole = np.array([sc._row(tokenize(t)) for t in texts])
    got = sc.transform(texts)
    assert np.array_equal(got[:, :-1], whole[:, :-1])
    # the tokens' scores are remembered across calls: a second call, in another order, still gives the same rows
    assert np.array_equal(sc.transform(texts[::-1])[::-1], got)
    assert sc._memos["rows"] and sc.fit()._memos == {}  # a refit starts afresh
    assert np.array_equal(sc.transform(texts), got)
    assert got[texts.index("In my view the far right wing so called plan tends to fail."), 1 + MARKERS.index("hedges")] == 2
    assert sc.transform([]).shape == (0, len(MARKERS) + 2)
