"""The supervised frame classifier: estimator contract, outlet-grouped cross-validation, Narrative Frames score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.framing.frame_classifier import (
    THRESHOLD_GRID,
    FrameClassifier,
    apply_to_articles,
    cross_validate_frames,
    outlet_folds,
    validate_on_narrative_frames,
)

needs_data = pytest.mark.skipif(not (SHARED_DATA / "narrative_frames" / "articles_metadata.tsv").is_file(),
                                reason="shared Narrative Frames mirror not present")

ECONOMIC = ["The budget will cost taxpayers more money.", "Higher prices cost families money every month.",
            "The tax plan cuts spending from the budget.", "Investors lost money as the economy slowed.",
            "The project costs billions of dollars in spending.", "A carbon tax raises prices and costs jobs.",
            "The budget deficit grew as spending rose.", "Cheaper energy saves consumers money and dollars."]
CONFLICT = ["Protesters clashed with police in a violent fight.", "The senator attacked his opponents in the debate.",
            "Rival groups fight a bitter battle over the law.", "Critics attacked the plan and clashed with officials.",
            "The dispute turned into an open fight between parties.", "Opponents vowed to battle the ruling in court.",
            "Leaders clashed and traded attacks at the summit.", "Activists fight the company in a long dispute."]
MIXED = ["Opponents attacked the budget and its spending.", "A fight over tax money split the parties.",
         "Critics clashed over the cost of the plan.", "The battle over prices and dollars grew bitter."]


def tiny_corpus() -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    texts = pd.Series(ECONOMIC + CONFLICT + MIXED, index=[f"t{i}" for i in range(20)])
    Y = pd.DataFrame({"economic": [True] * 8 + [False] * 8 + [True] * 4,
                      "conflict": [False] * 8 + [True] * 8 + [True] * 4}, index=texts.index)
    outlets = np.array([f"outlet{i % 5}" for i in range(20)])
    return texts, Y, outlets


@pytest.mark.parametrize("estimator", [FrameClassifier(), FrameClassifier(calibration=None, threshold=0.4),
                                       FrameClassifier(ngram_range=(1, 2), min_df=1, C=1.0)],
                         ids=["default", "uncalibrated", "bigrams"])
def test_estimator_contract(estimator):
    X, Y, outlets = tiny_corpus()
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    for method in (cloned.predict, cloned.predict_proba):
        with pytest.raises(NotFittedError):
            method(X)
    assert cloned.fit(X, Y, groups=outlets, training_set="tiny") is cloned
    proba = cloned.predict_proba(X)
    assert list(proba.columns) == ["economic", "conflict"] and proba.index.equals(X.index)
    assert proba.dtypes.map(lambda d: d.kind).eq("f").all()
    assert ((proba >= 0) & (proba <= 1)).all().all()
    pred = cloned.predict(X)
    assert pred.dtypes.map(lambda d: d.kind).eq("b").all() and pred.index.equals(X.index)
    pd.testing.assert_frame_equal(pred, proba.ge(cloned.thresholds_, axis="columns"))
    assert cloned.predict_proba([]).shape == (0, 2)
    assert list(cloned.thresholds_.index) == ["economic", "conflict"]
    assert cloned.version_.startswith("frame_logreg trained on tiny (n=20, frames economic,conflict, sha256 ")
    assert f"scikit-learn {sklearn.__version__}" in cloned.version_ and f"C={estimator.C}" in cloned.version_
    assert not hasattr(clone(cloned), "estimators_") and clone(cloned).get_params() == cloned.get_params()


def test_obvious_frames_are_found_and_fits_are_deterministic():
    X, Y, outlets = tiny_corpus()
    model = FrameClassifier(min_df=1).fit(X, Y, groups=outlets)
    new = pd.Series(["The budget and its spending cost taxpayers money.",
                     "Opponents clashed in a bitter fight and attacked the leaders.",
                     "A fight over tax money and the budget."], index=["econ", "fight", "both"])
    pred = model.predict(new)
    assert pred.loc["econ"].tolist() == [True, False]
    assert pred.loc["fight"].tolist() == [False, True]
    assert pred.loc["both"].tolist() == [True, True]
    again = FrameClassifier(min_df=1).fit(X, Y, groups=outlets)
    pd.testing.assert_frame_equal(model.predict_proba(new), again.predict_proba(new))
    assert model.version_ == again.version_
    assert set(model.thresholds_) <= set(THRESHOLD_GRID)
    assert FrameClassifier(min_df=1, threshold=0.3).fit(X, Y).thresholds_.eq(0.3).all()


def test_labels_as_array_with_frame_names_and_bad_input():
    X, Y, _ = tiny_corpus()
    from_array = FrameClassifier(frames=["econ", "fight"]).fit(X, Y.to_numpy().astype(int))
    from_frame = FrameClassifier().fit(X, Y.rename(columns={"economic": "econ", "conflict": "fight"}))
    pd.testing.assert_frame_equal(from_array.predict_proba(X), from_frame.predict_proba(X))
    assert FrameClassifier(frames=["conflict"]).fit(X, Y).predict(X).columns.tolist() == ["conflict"]
    with pytest.raises(ValueError, match="2-D"):
        FrameClassifier().fit(X, Y["economic"].to_numpy())
    with pytest.raises(ValueError, match="lacks frame columns"):
        FrameClassifier(frames=["moral"]).fit(X, Y)
    with pytest.raises(ValueError, match="threshold"):
        FrameClassifier(threshold=1.5).fit(X, Y)
    with pytest.raises(ValueError, match="calibration"):
        FrameClassifier(calibration="isotonic").fit(X, Y)
    with pytest.raises(ValueError, match="at least cv=3"):
        FrameClassifier().fit(X, Y.assign(economic=[True] * 2 + [False] * 18))
    with pytest.raises(TypeError, match="single str"):
        FrameClassifier().fit("one text", Y)


def test_calibration_folds_are_grouped():
    _, Y, outlets = tiny_corpus()
    for train, test in FrameClassifier()._splits(Y["economic"].to_numpy(), outlets):
        assert not set(outlets[train]) & set(outlets[test])


@pytest.mark.parametrize("seed", [0, 1])
def test_outlet_folds_never_share_an_outlet(seed):
    outlets = np.repeat([f"o{i}" for i in range(12)], np.arange(1, 13))
    fold = outlet_folds(outlets, n_splits=4, seed=seed)
    assert set(fold) == {0, 1, 2, 3}
    for k in range(4):
        assert not set(outlets[fold == k]) & set(outlets[fold != k])


def test_cross_validate_frames_tables():
    X, Y, outlets = tiny_corpus()
    scores, oof = cross_validate_frames(X, Y, groups_outlet=outlets, n_splits=5, seed=0,
                                        estimator=FrameClassifier(min_df=1, cv=2), dataset="tiny")
    assert list(scores.columns) == ["dataset", "split", "instrument", "metric", "value", "n"]
    assert set(scores["split"]) == {"5-fold grouped by outlet"} and set(scores["dataset"]) == {"tiny"}
    assert list(scores["instrument"].unique()) == ["frame_logreg", "prior_random", "all_positive"]
    metrics = {f"{m}_{f}" for m in ("precision", "recall", "f1", "auc") for f in ("economic", "conflict")}
    assert set(scores["metric"]) == metrics | {"macro_f1", "micro_f1", "brier"}
    f1 = scores.set_index(["instrument", "metric"])
    assert f1.loc[("all_positive", "f1_economic"), "value"] == pytest.approx(2 * 12 / (12 + 20))
    assert f1.loc[("frame_logreg", "f1_economic"), "n"] == 12 and f1.loc[("frame_logreg", "macro_f1"), "n"] == 20
    assert list(oof.columns) == ["row", "fold", "instrument", "frame", "label", "probability", "predicted"]
    assert len(oof) == 3 * 20 * 2 and oof["probability"].between(0, 1).all()
    assert set(oof["row"]) == set(X.index)
    by_row = oof.drop_duplicates("row").set_index("row")["fold"]
    for k in range(5):  # the folds the function used: no outlet on both sides
        test = by_row.index[by_row == k]
        assert not set(outlets[X.index.isin(test)]) & set(outlets[~X.index.isin(test)])
    with pytest.raises(ValueError, match="several outlets"):
        cross_validate_frames(X, Y, groups_outlet=outlets, groups_article=["a"] * 20)


def test_apply_to_articles():
    X, Y, outlets = tiny_corpus()
    model = FrameClassifier(min_df=1).fit(X, Y, groups=outlets, training_set="tiny")
    articles = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "outlet": ["A", "B", "A"],
                             "text": ["Money and budget costs.", "A violent clash and fight.", "Nothing here."]},
                            index=[7, 8, 9])
    out = apply_to_articles(model, articles)
    assert list(out.columns) == ["doc_id", "outlet", "frame", "probability", "predicted", "instrument",
                                 "instrument_version"]
    assert len(out) == 3 * 2 and out["doc_id"].tolist() == ["d1", "d1", "d2", "d2", "d3", "d3"]
    assert out["frame"].tolist() == ["economic", "conflict"] * 3
    assert out["probability"].between(0, 1).all() and out["predicted"].dtype == bool
    assert set(out["instrument_version"]) == {model.version_} and set(out["instrument"]) == {"frame_logreg"}
    np.testing.assert_allclose(out["probability"], model.predict_proba(articles["text"]).to_numpy().ravel())
    with pytest.raises(ValueError, match="doc_id"):
        apply_to_articles(model, articles.drop(columns="doc_id"))


@pytest.mark.slow  # cross-validates the classifier on the real data set
@needs_data
def test_narrative_frames_macro_f1_is_reproduced():
    from analysis.framing.frame_classifier import narrative_frames_xy

    table = validate_on_narrative_frames()
    value = table.set_index(["instrument", "metric"])["value"]
    # Measured with `python -m analysis.framing.frame_classifier` (5 folds grouped by outlet, seed 0): macro-F1 0.597.
    assert value["frame_logreg", "macro_f1"] == pytest.approx(0.597, abs=0.02)
    assert value["frame_logreg", "macro_f1"] > value["all_positive", "macro_f1"] + 0.1
    assert value["frame_logreg", "macro_f1"] > value["prior_random", "macro_f1"] + 0.2
    assert value["frame_logreg", "brier"] < value["prior_random", "brier"]
    assert set(table["dataset"]) == {"narrative_frames"} and set(table["split"]) == {"5-fold grouped by outlet"}
    assert (table.query("metric == 'macro_f1'")["n"] == 427).all()
    assert table.query("metric == 'f1_moral'")["n"].eq(44).all()
    corpus, texts, Y = narrative_frames_xy()
    scores, oof = cross_validate_frames(texts, Y, groups_outlet=corpus["outlet"], groups_article=corpus["doc_id"],
                                        dataset="narrative_frames")
    pd.testing.assert_frame_equal(scores, table)  # deterministic
    outlets = corpus["outlet"].to_numpy()
    fold = oof.drop_duplicates("row").set_index("row")["fold"].sort_index().to_numpy()
    for k in range(5):
        assert not set(outlets[fold == k]) & set(outlets[fold != k])
    # calibrated: out-of-fold mean probability of each frame within 0.03 of the frame's rate
    model = oof[oof["instrument"] == "frame_logreg"]
    assert model["probability"].between(0, 1).all()
    rates = model.groupby("frame")[["label", "probability"]].mean()
    assert (rates["label"] - rates["probability"]).abs().max() < 0.03
