"""The BABE bias classifier: masking, the estimator contract, outlet-held-out folds, the pruned list, BABE figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.framing import bias_classifier
from analysis.framing.bias_classifier import (
    BiasClassifier,
    balancing_weights,
    marked_vocabulary,
    mask_tokens,
    out_of_fold,
    validate_on_babe,
)
from analysis.framing.loaded_language import MarkerScorer, length_strata, pruned_words
from analysis.framing.loaded_pruning import loaded_entries

needs_babe = pytest.mark.skipif(not (SHARED_DATA / "babe_mbic" / "final_labels_SG2.csv").is_file(),
                                reason="shared BABE mirror not present")

BIASED = ["The radical mob viciously attacked {a} in a shameful disgrace.",
          "{a} ludicrously claimed the awful scheme is a total disaster.",
          "The outrageous, corrupt plan by {a} is utterly absurd.",
          "{a} shamelessly lied about the horrific, disgusting failure.",
          "Hateful extremists cheered as {a} pushed the dangerous lie.",
          "It is a terrible, pathetic betrayal, and {a} knows it."]
NEUTRAL = ["{a} said the meeting will be held on Tuesday in 2021.",
           "The committee voted 12 to 3 to approve the budget of {a}.",
           "{a} announced the report on the second day of the session.",
           "Officials with {a} said the office opens at 9 a.m.",
           "The agency published 40 pages of data from {a} on Monday.",
           "{a} met the delegation and discussed the schedule."]


def corpus(name: str = "Smith") -> tuple[list[str], np.ndarray]:
    return [t.format(a=name) for t in BIASED + NEUTRAL], np.array([1] * len(BIASED) + [0] * len(NEUTRAL))


@pytest.fixture(scope="module")
def model() -> BiasClassifier:
    texts, y = corpus()
    return BiasClassifier(min_df=1, calibration_cv=2).fit(texts, y)


@pytest.mark.parametrize("text, expected", [
    ("Smith met Jones in Paris.", ["smith", "met", "_name_", "in", "_name_"]),
    ("In 2019, 3,500 people came.", ["in", "_num_", "_num_", "people", "came"]),
    ('He said: "Terrible news."', ["he", "said", "terrible", "news"]),  # a quote's first word is no name
    ("Then I left.", ["then", "i", "left"]),
])
def test_mask_tokens_hides_names_and_numbers(text, expected):
    assert mask_tokens(text, keep=None) == expected


def test_shapes_keep_adverb_and_adjective_endings_only():
    keep = bias_classifier.evaluative_vocabulary()
    text = "The brazenly monstrous abortion bill was the silliest idea of Smith."
    plain, shaped = mask_tokens(text, keep=keep), mask_tokens(text, keep=keep, shapes=True)
    assert plain[1:4] == ["_", "_", "_"]  # brazenly, monstrous, abortion: in no lexicon
    assert shaped[1:4] == ["_ly", "_ous", "_"] and shaped[-1] == "_name_"  # a topic noun keeps no shape
    assert mask_tokens("Fly home.", keep=frozenset(), shapes=True) == ["_", "_"]  # too short to be a suffix


def test_marked_vocabulary_keeps_words_marked_where_they_occur_and_drops_names_and_topics():
    texts = ["The draconian rule slammed critics.", "A draconian plan on coronavirus.",
             *[f"The coronavirus figures of day {k} came in." for k in range(6)],
             "They met in Wuhan today.", "Officials in Wuhan said so.", "wuhan is a city.",
             "The dismal vaccine plan.", "A dismal vaccine rollout.", "The dismal vaccine numbers."]
    marked = [["draconian", "slammed"], ["draconian", "coronavirus"], ["coronavirus"], *[[]] * 5,
              ["Wuhan"], ["Wuhan"], [], ["dismal"], ["dismal"], ["dismal"]]
    got = marked_vocabulary(texts, marked)
    assert {"draconian", "dismal"} <= got  # marked wherever they occur
    assert "slammed" not in got  # marked once only
    assert "coronavirus" not in got  # marked in 2 of the 7 sentences that hold it
    assert "wuhan" not in got  # written as a name more often than not
    assert "coronavirus" in marked_vocabulary(texts, marked, min_rate=0.25)
    topics = ["a", "b", *["b"] * 6, "c", "c", "c", "vaccine", "vaccine", "vaccine"]
    assert "dismal" not in marked_vocabulary(texts, marked, topics=topics)  # its 3 sentences: one topic
    assert "draconian" in marked_vocabulary(texts, marked, topics=topics)  # 2 sentences: too few to judge
    assert marked_vocabulary(texts, [[]] * len(texts)) == frozenset()


def test_marked_words_widen_the_vocabulary_from_training_sentences_only():
    texts = [f"The {w} plan was presented by the board." for w in ("gonzo", "gonzo", "gonzo")] + [
        "The plan was presented by the board."] * 3
    y = np.array([1, 1, 1, 0, 0, 0])
    marked = [["gonzo"]] * 3 + [[]] * 3
    fitted = BiasClassifier(min_df=1, calibration_cv=2).fit(texts, y, marked_words=marked)
    assert "gonzo" in fitted.marked_ and "gonzo" in fitted.keep_
    assert "gonzo" not in BiasClassifier(min_df=1, calibration_cv=2).fit(texts, y).keep_
    assert "gonzo" not in BiasClassifier(min_df=1, calibration_cv=2, marked_min_count=0).fit(
        texts, y, marked_words=marked).keep_
    assert fitted.predict_proba(["A gonzo idea."])[0, 1] > fitted.predict_proba(["An idea."])[0, 1]


def test_out_of_fold_passes_only_training_rows_marked_words():
    texts, y = corpus()
    outlets = np.array(["a", "b", "c"] * 4)
    marked = [[f"word{i}"] for i in range(len(texts))]
    seen = []

    class Spy(BiasClassifier):
        def fit(self, X, y, *, groups=None, marked_words=None, topics=None):
            seen.append((set(groups), {w for ws in marked_words for w in ws}, list(topics)))
            return super().fit(X, y, groups=groups, marked_words=marked_words, topics=topics)

    out_of_fold(texts, y, groups=outlets, estimator=Spy(min_df=1, calibration_cv=2), marked_words=marked,
                topics=outlets)
    for groups, words, topics in seen:
        assert words == {f"word{i}" for i, o in enumerate(outlets) if o in groups} and set(topics) == groups


def test_evaluative_vocabulary_hides_topic_words():
    keep = bias_classifier.evaluative_vocabulary()
    tokens = mask_tokens("The abortion bill was a vicious attack on the government.", keep=keep)
    assert tokens[1] == "_" and "vicious" in tokens and tokens[-1] == "_"  # abortion, government masked
    assert "very" in keep and "allegedly" in keep  # intensifiers and Recasens' bias lemmas stay


def test_swapping_names_does_not_change_the_score(model):
    for a, b in [("Smith", "Obama"), ("the Reuters desk", "the Breitbart desk")]:
        assert np.allclose(model.predict_proba(corpus(a)[0]), model.predict_proba(corpus(b)[0]))
    assert np.allclose(model.predict_proba(["It cost 5 dollars."]), model.predict_proba(["It cost 700 dollars."]))


EDGE = ["", "Smith", "2019 and 3,500", "THE MOB Viciously ATTACKED Smith.", "Ludicrously ludicrously, I said it.",
        "naïve Café résumé DISGRACE", "don’t and don't: shamelessly"]


def test_scoring_counts_equal_the_vectorizers_transform(model):
    from scipy import sparse

    texts = corpus()[0] + corpus("Obama")[0] + EDGE
    masked = model._masked(texts)
    kept = [" ".join(t for t in m.split() if not t.startswith("_")) for m in masked]
    expected = sparse.hstack([model.vectorizer_.transform(masked), model.char_vectorizer_.transform(kept)]).tocsr()
    for _ in range(2):  # with the memos empty, then filled by the first call
        got = model._scored_features(texts)
        assert got.shape == expected.shape and np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.data, expected.data)
    assert "_memos_by_kind" not in clone(model).__dict__ and "_memos_by_kind" not in model.__getstate__()


def test_masks_remembered_under_one_shapes_setting_are_not_reused_under_another(model):
    import copy

    texts = corpus()[0] + EDGE
    changed = copy.deepcopy(model)  # a fitted copy (without memos: they are not part of its state)
    changed._scored_features(texts)  # memos filled under the fitted setting
    changed.set_params(shapes=not model.shapes)  # then the setting changes without a refit
    fresh = copy.deepcopy(model).set_params(shapes=not model.shapes)
    assert "_memos_by_kind" not in fresh.__dict__
    expected, before = fresh._scored_features(texts), model._scored_features(texts)
    assert (expected != before).nnz  # the setting changes some features, so stale memos would show
    assert (changed._scored_features(texts) != expected).nnz == 0


def test_masking_with_a_memo_is_masking_without(model):
    memo: dict = {}
    for text in corpus()[0] + EDGE + ["Smith said. smith said", "Said Smith; said smith", "I met I. M. Pei"]:
        for _ in range(2):
            assert mask_tokens(text, keep=model.keep_, shapes=True, memo=memo) == mask_tokens(text, keep=model.keep_,
                                                                                                shapes=True)


def test_estimator_contract(model):
    texts, y = corpus()
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and np.allclose(proba.sum(axis=1), 1)
    assert model.predict(texts).shape == (len(texts),) and set(model.classes_) == {0, 1}
    assert proba[:6, 1].mean() > proba[6:, 1].mean()  # learnt the tiny corpus
    twin = clone(model)
    assert twin.get_params() == model.get_params() and not hasattr(twin, "model_")
    with pytest.raises(NotFittedError):
        twin.predict_proba(texts)
    with pytest.raises(ValueError, match="two"):
        clone(model).fit(texts, np.ones(len(texts)))


def test_out_of_fold_never_trains_on_the_held_out_outlet(monkeypatch):
    texts, y = corpus()
    outlets = np.array(["a", "b", "c"] * 4)
    seen = []

    class Spy(BiasClassifier):
        def fit(self, X, y, *, groups=None):
            seen.append(set(X))
            assert len(set(groups)) == 2
            return super().fit(X, y, groups=groups)

    proba = out_of_fold(texts, y, groups=outlets, estimator=Spy(min_df=1, calibration_cv=2))
    assert len(seen) == 3 and not np.isnan(proba).any()
    for outlet in "abc":
        held = {t for t, o in zip(texts, outlets) if o == outlet}
        assert sum(not (held & train) for train in seen) == 1  # one fold without it, the one scoring it
        assert all(len(train) == 8 for train in seen)


def test_balancing_weights_even_out_labels_inside_each_group():
    w = balancing_weights([1, 0, 0, 0, 1, 1], ["a", "a", "a", "a", "b", "b"])
    assert np.allclose(w, [2, 2 / 3, 2 / 3, 2 / 3, 0.5, 0.5])  # a: 1 biased, 3 not -> 2 and 2; b keeps its 2
    assert balancing_weights([0, 1], None) is None


def test_length_strata_are_equal_fifths():
    strata = length_strata(np.r_[np.ones(7), np.arange(13)])
    assert sorted(pd.Series(strata).value_counts()) == [4] * 5


def test_pruned_entries_leave_loaded():
    pruned = pruned_words()
    assert {"house", "government", "party", "obama", "new", "former", "white", "people"} <= pruned
    assert pruned <= set(loaded_entries())  # only entries of the merged list, never a new word
    text = "The government of the new party in the White House said people were disgraceful."
    plain, pruned_scorer = MarkerScorer().fit(), MarkerScorer(prune=True).fit()
    loaded = list(plain.get_feature_names_out()).index("loaded")
    assert plain.transform([text])[0, loaded] > pruned_scorer.transform([text])[0, loaded] == 1  # "disgraceful"
    assert "pruned=" in pruned_scorer.version_ and "pruned=" not in plain.version_


AUC, WITHIN = 0.763, 0.758  # README and the module docstring quote them


@pytest.mark.slow
@needs_babe
def test_babe_figures():
    table = validate_on_babe(n_boot=200)
    got = table.set_index(["instrument", "metric"])["value"]
    assert got["bias_classifier", "roc_auc"] == pytest.approx(AUC, abs=0.01)
    assert got["bias_classifier", "roc_auc_within_length"] == pytest.approx(WITHIN, abs=0.01)
    assert got["length_only", "roc_auc"] == pytest.approx(0.475, abs=0.005)
    assert got["bias_classifier", "roc_auc_ci_low"] < AUC < got["bias_classifier", "roc_auc_ci_high"]
    # issue 21's targets: 0.75 overall, 0.08 above length alone, 0.70 within every length fifth's mean
    assert got["bias_classifier", "roc_auc"] >= max(0.75, got["length_only", "roc_auc"] + 0.08)
    assert got["bias_classifier", "roc_auc_within_length"] >= 0.70
    assert set(table["n"]) == {3673}


@needs_babe
def test_fit_default_scores_new_sentences():
    model = bias_classifier.fit_default()
    p = model.predict_proba(["Reuters said the talks would resume on Monday.",
                             "The deranged, hateful radicals are destroying our country."])[:, 1]
    assert p[0] < 0.5 < p[1]
