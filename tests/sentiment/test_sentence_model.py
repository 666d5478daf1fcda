"""The supervised sentence instrument: estimator contract, grouped cross-fitting and its validity on NYT."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from conftest import SHARED_DATA
from scipy import stats
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core import tables
from analysis.sentiment.sentence_model import (
    NAME_PLACEHOLDER,
    NEWSMTSC_WEIGHT,
    NameMasker,
    SentenceSentimentRegressor,
    data_digest,
    fit_default,
    nyt_folds,
    nyt_validation_scores,
    term_weights,
    training_data,
    training_domain,
    training_weights,
)
from analysis.sentiment.vader_features import DETAIL_FEATURES, VaderDetail, VaderLexiconValences

needs_data = pytest.mark.skipif(not (SHARED_DATA / "vader_nyt" / "nytEditorialSnippets_GroundTruth.txt").is_file()
                                or not (SHARED_DATA / "newsmtsc" / "train.jsonl").is_file(),
                                reason="shared VADER NYT and NewsMTSC mirrors not present")

POSITIVE = ["The festival was a joyful success.", "Critics praised the brilliant new bridge.",
            "Residents welcomed the generous gift.", "The team celebrated a wonderful victory."]
NEGATIVE = ["The flood was a deadly disaster.", "Critics condemned the corrupt deal.",
            "Residents feared the violent attack.", "The team suffered a humiliating defeat."]
NEUTRAL = ["The meeting is on Tuesday.", "The report has twelve pages.",
           "The bridge crosses the river.", "The council met in March."]


def small_corpus() -> tuple[pd.Series, np.ndarray]:
    texts = pd.Series(POSITIVE + NEGATIVE + NEUTRAL, index=[f"s{i}" for i in range(12)])
    return texts, np.repeat([0.5, -0.5, 0.0], 4)


@pytest.mark.parametrize("estimator", [SentenceSentimentRegressor(min_df=1),
                                       SentenceSentimentRegressor(min_df=1, alpha=0.5, ngram_range=(1, 1)),
                                       SentenceSentimentRegressor(min_df=1, use_vader=False, mask_names=False),
                                       SentenceSentimentRegressor(min_df=1, char_ngram_range=None,
                                                                  vader_detail=False)],
                         ids=["default", "unigrams", "no_vader_no_masking", "words_and_vader_only"])
def test_estimator_contract(estimator):
    X, y = small_corpus()
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert not [a for a in vars(cloned) if a.endswith("_")]
    for method in (cloned.transform, cloned.predict):
        with pytest.raises(NotFittedError):
            method(X)
    assert cloned.fit(X, y) is cloned
    out = cloned.transform(X)
    assert out.shape == (12, 1) and out.dtype == float
    assert np.all((out >= -1) & (out <= 1))
    np.testing.assert_array_equal(cloned.predict(X), out[:, 0])
    assert list(cloned.get_feature_names_out()) == ["score"]
    assert cloned.transform([]).shape == (0, 1)
    frame = clone(cloned).set_output(transform="pandas").fit(X, y).transform(X)
    assert list(frame.columns) == ["score"] and frame.index.equals(X.index)
    assert clone(cloned).get_params() == cloned.get_params() and not hasattr(clone(cloned), "pipeline_")
    with sklearn.config_context(transform_output="pandas"):  # the sparse inner steps must not be wrapped
        np.testing.assert_allclose(clone(cloned).fit(X, y).predict(X), out[:, 0])


def test_name_masker_contract_and_rule():
    train = ["Trump met Obama in Washington.", "Critics said Trump was wrong.", "A rose grew by the wall.",
             "She gave Rose a rose.", "However, the deal held.", "The deal, however, held.", "Beijing replied.",
             "The critics said she agreed."]
    masker = clone(NameMasker())
    with pytest.raises(NotFittedError):
        masker.transform(train)
    assert masker.fit(train) is masker
    assert {"trump", "obama", "washington", "beijing"} <= masker.names_
    # "Rose" is 1 of 3 mid-sentence uses; "However" opens a sentence but "however" occurs; "Beijing" only opens one
    assert not {"rose", "however", "the", "critics", "she"} & masker.names_
    assert masker.transform(["Trump praised Obama.", "trump cards", "However, Beijing agreed."]) == [
        f"{NAME_PLACEHOLDER} praised {NAME_PLACEHOLDER}.", "trump cards", f"However, {NAME_PLACEHOLDER} agreed."]
    with pytest.raises(ValueError, match="threshold must lie in"):
        NameMasker(threshold=0).fit(train)


def test_masked_names_carry_no_sentiment():
    X = pd.Series(["Zorblax ruined the plan.", "Zorblax wrecked the deal.", "Quintor saved the plan.",
                   "Quintor rescued the deal.", "The plan was ruined by Zorblax.", "The deal was saved by Quintor."])
    y = np.array([-0.5, -0.5, 0.5, 0.5, -0.5, 0.5])
    masked = SentenceSentimentRegressor(min_df=1, use_vader=False).fit(X, y)
    kept = SentenceSentimentRegressor(min_df=1, use_vader=False, mask_names=False).fit(X, y)
    zorblax, quintor = masked.predict(["Zorblax spoke.", "Quintor spoke."])
    assert zorblax == quintor
    features = set(term_weights(masked)["feature"])
    assert any(f.startswith("chars__") for f in features)  # names are masked before the character n-grams too
    assert not [f for f in features if "zorb" in f.lower() or "quint" in f.lower()]
    assert np.diff(kept.predict(["Zorblax spoke.", "Quintor spoke."]))[0] > 0.05


def test_fit_and_transform_check_their_arguments():
    X, y = small_corpus()
    with pytest.raises(TypeError, match="single str"):
        SentenceSentimentRegressor().fit("one sentence", [0.1])
    with pytest.raises(ValueError, match="12 sentences but y has 3"):
        SentenceSentimentRegressor().fit(X, y[:3])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        SentenceSentimentRegressor(min_df=1).fit(X, y * 4)
    with pytest.raises(ValueError, match="without a 'text' column"):
        SentenceSentimentRegressor(min_df=1).fit(pd.DataFrame({"sentence": X}), y)
    fitted = SentenceSentimentRegressor(min_df=1).fit(pd.DataFrame({"text": X}), y)
    np.testing.assert_array_equal(fitted.predict(pd.DataFrame({"text": X})), fitted.predict(list(X)))
    with pytest.raises(ValueError, match="source must be one of nyt, newsmtsc, nyt\\+newsmtsc; got 'imdb'"):
        training_data("imdb")


def test_two_fits_give_identical_scores_and_version():
    X, y = small_corpus()
    a, b = (SentenceSentimentRegressor(min_df=1).fit(X, y, training_set="tiny") for _ in range(2))
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert a.version_ == b.version_
    assert a.version_.startswith(f"news_ridge trained on tiny (n=12, sha256 {data_digest(X, y)}); "
                                 f"scikit-learn {sklearn.__version__}; ridge alpha=6, tfidf words 1-2-grams min_df=1, "
                                 "chars 2-5-grams, names masked (0.8); vader: vaderSentiment")
    assert a.version_.endswith("; vader detail: weight 0.3; vader lexicon valences: yes; domain copy: none")
    changed = SentenceSentimentRegressor(min_df=1).fit(X, y * 0.5, training_set="tiny")
    assert changed.data_sha256_ != a.data_sha256_


def test_sample_weights_change_the_fit_and_its_name():
    X, y = small_corpus()
    plain = SentenceSentimentRegressor(min_df=1).fit(X, y)
    ones = SentenceSentimentRegressor(min_df=1).fit(X, y, sample_weight=np.ones(12))
    np.testing.assert_allclose(ones.predict(X), plain.predict(X))  # weight 1 everywhere is no weighting
    # Weighing the negative sentences down pulls the fit toward the others: a negative one scores less negative.
    weights = np.repeat([1.0, 0.1, 1.0], 4)
    light = SentenceSentimentRegressor(min_df=1).fit(X, y, sample_weight=weights)
    assert light.predict(X)[4:8].mean() > plain.predict(X)[4:8].mean()
    assert light.data_sha256_ == data_digest(X, y, weights) != plain.data_sha256_ == data_digest(X, y)
    for bad in (np.ones(3), np.zeros(12), -np.ones(12), np.full(12, np.nan)):
        with pytest.raises(ValueError, match="sample_weight must hold 12 finite non-negative weights"):
            SentenceSentimentRegressor(min_df=1).fit(X, y, sample_weight=bad)


def test_vader_detail_sums_counts_and_extremes():
    detail = clone(VaderDetail())
    with pytest.raises(NotFittedError):
        detail.transform(["good"])
    texts = ["The plan was very good but the result was awful.", "The plan was not good.", "Nothing here."]
    out = pd.DataFrame(detail.fit().transform(texts), columns=detail.get_feature_names_out())
    assert tuple(out.columns) == DETAIL_FEATURES
    good, awful = (1.9 + 0.293) * 0.5, -2.0 * 1.5  # "very" boosts "good"; "but" halves before it, 1.5x after
    want = pd.DataFrame([[good, awful, good + awful, good, awful, 1, 1, np.log1p(10), 0, 1],
                         [0, 1.9 * -0.74, 1.9 * -0.74, 0, 1.9 * -0.74, 0, 1, np.log1p(5), 1, 0],
                         [0, 0, 0, 0, 0, 0, 0, np.log1p(2), 1, 0]],  # "nothing" is a VADER negation
                        columns=list(DETAIL_FEATURES))
    pd.testing.assert_frame_equal(out, want, check_dtype=False, atol=1e-12)
    assert detail.transform([]).shape == (0, len(DETAIL_FEATURES))


def test_vader_lexicon_valences_keep_each_word_after_the_rules():
    lexicon = clone(VaderLexiconValences())
    with pytest.raises(NotFittedError):
        lexicon.transform(["good"])
    texts = ["The plan was good.", "The plan was not good.", "Good, good news.", "Nothing here."]
    out = lexicon.fit().transform(texts)
    names = list(lexicon.get_feature_names_out())
    assert out.shape == (4, len(names)) and names == sorted(names) and "very" not in names  # boosters score 0
    good = names.index("good")
    # 1.9 on VADER's -4..+4 scale; "not" flips and damps it (x -0.74); a repeated word adds up
    np.testing.assert_allclose(out[:, good].toarray().ravel(), [1.9 / 4, -0.74 * 1.9 / 4, 2 * 1.9 / 4, 0])
    assert out[3].nnz == 0  # "nothing" is one of VADER's negations, not a lexicon word
    assert clone(lexicon).fit().transform(texts[:2]).shape == (2, len(names))  # columns fixed by the lexicon


def test_domain_copy_keeps_out_of_domain_labels_apart():
    # In domain "plan" is neutral; the out-of-domain labels call every "plan" sentence positive. The shared
    # coefficient learns what both agree on; the in-domain copy corrects "plan" back toward neutral.
    home_x = ["The plan is on the table.", "The plan was read aloud.", "A wonderful day.", "A terrible day."] * 2
    home_y = [0.0, 0.0, 0.5, -0.5] * 2
    away_x = ["The plan is a big plan.", "The plan moved on.", "The plan is new.", "A wonderful day."] * 2
    away_y = [0.5, 0.5, 0.5, 0.5] * 2
    X, y = home_x + away_x, np.array(home_y + away_y)
    home = np.arange(16) < 8
    est = SentenceSentimentRegressor(min_df=1, use_vader=False, vader_detail=False, vader_lexicon=False, alpha=1.0)
    plain = clone(est).fit(X, y, in_domain=home)
    pooled = clone(est).set_params(domain_copy=False).fit(X, y, in_domain=home)
    assert plain.predict(["The plan is here."])[0] < pooled.predict(["The plan is here."])[0] - 0.05
    assert plain.version_.endswith("domain copy: 8 in-domain") and pooled.version_.endswith("domain copy: none")
    all_home = clone(est).fit(X, y, in_domain=np.ones(16, dtype=bool))  # nothing to copy: a plain ridge
    np.testing.assert_allclose(all_home.predict(X), clone(est).fit(X, y).predict(X))
    assert term_weights(plain).shape[0] == term_weights(pooled).shape[0]  # one coefficient per feature
    for bad in (home[:3], home.astype(int)):
        with pytest.raises(ValueError, match="in_domain must hold 16 booleans"):
            clone(est).fit(X, y, in_domain=bad)


def test_learns_the_direction_of_a_toy_corpus():
    X, y = small_corpus()
    model = SentenceSentimentRegressor(min_df=1, use_vader=False, alpha=0.1).fit(X, y)
    pos, neg = model.predict(["a joyful, brilliant victory"]), model.predict(["a deadly, corrupt defeat"])
    assert pos[0] > 0 > neg[0]


def test_folds_keep_every_article_together():
    articles = np.repeat([f"a{i}" for i in range(40)], np.arange(40) % 7 + 1)
    fold = nyt_folds(articles, n_splits=10, seed=0)
    assert set(fold) == set(range(10))
    per_article = pd.Series(fold).groupby(articles).nunique()
    assert (per_article == 1).all()
    np.testing.assert_array_equal(fold, nyt_folds(articles, n_splits=10, seed=0))
    assert not np.array_equal(fold, nyt_folds(articles, n_splits=10, seed=1))


class RecordingRegressor(SentenceSentimentRegressor):
    """Records what each fitted model was trained on and asked to score."""

    calls: list[tuple[set, set]] = []

    def fit(self, X, y, *, sample_weight=None, in_domain=None, training_set="unnamed"):
        self.seen_ = set(X)
        return super().fit(X, y, sample_weight=sample_weight, in_domain=in_domain, training_set=training_set)

    def predict(self, X):
        type(self).calls.append((self.seen_, set(X)))
        return super().predict(X)


def test_cross_fitted_scores_never_come_from_a_model_that_saw_the_article():
    rng = np.random.default_rng(0)
    rows = []
    for a in range(30):
        for s in range(a % 4 + 2):
            tone = rng.choice(["good", "bad", "plain"])
            rows.append((f"{a}_{s}", str(a), {"good": 2.0, "bad": -2.0, "plain": 0.0}[tone],
                         f"article{a} sentence{s} says something {tone} here"))
    gold = pd.DataFrame(rows, columns=["snippet_id", "article_id", "human_mean", "text"])
    RecordingRegressor.calls = []
    scores = nyt_validation_scores(source="nyt", n_splits=5, seed=3, gold=gold,
                                   estimator=RecordingRegressor(min_df=1))
    assert len(RecordingRegressor.calls) == 5
    article_of = dict(zip(gold["text"], gold["article_id"], strict=True))
    for seen, scored in RecordingRegressor.calls:
        assert {article_of[t] for t in seen}.isdisjoint({article_of[t] for t in scored})
        assert len(seen) + len(scored) == len(gold)
    assert list(scores.columns) == ["snippet_id", "article_id", "human_mean", "instrument", "score"]
    assert scores["score"].notna().all() and (scores["instrument"] == "news_ridge").all()


@pytest.fixture(scope="module")
def default_model() -> SentenceSentimentRegressor:
    return fit_default()


@pytest.fixture(scope="module")
def validation() -> pd.DataFrame:
    return nyt_validation_scores()


@needs_data
def test_training_data_sizes_and_scale():
    for source, n in [("nyt", 5190), ("newsmtsc", 7758), ("nyt+newsmtsc", 5190 + 7758)]:
        texts, y = training_data(source)
        assert len(texts) == len(y) == n
        assert np.abs(y).max() <= 1
    _, y = training_data("newsmtsc")
    labels = y / 0.25  # mean of one to three labels in {-1, 0, 1}: a multiple of 1/6
    np.testing.assert_allclose(labels * 6, np.round(labels * 6), atol=1e-9)
    assert labels.min() == -1 and labels.max() == 1


@needs_data
def test_default_instrument_scores_obvious_sentences(default_model):
    pos, neg = default_model.predict(["It was a wonderful, brilliant success.", "It was a horrible, deadly disaster."])
    assert pos > 0.1 > -0.1 > neg
    assert default_model.training_set_ == "nyt+newsmtsc" and default_model.n_train_ == 12948
    assert default_model.version_.startswith("news_ridge trained on nyt+newsmtsc (n=12948, sha256 ")
    fit_weights = training_weights()
    assert len(fit_weights) == 12948 and (fit_weights[:5190] == 1).all()
    assert (fit_weights[5190:] == NEWSMTSC_WEIGHT).all()
    assert (training_weights("nyt") == 1).all()
    assert training_domain().sum() == 5190 and training_domain()[:5190].all()
    assert default_model.version_.endswith("domain copy: 5190 in-domain")
    weights = term_weights(default_model).set_index("feature")["weight"]
    assert weights["vader__compound"] > 0 > weights["vader__neg"]
    assert not {"words__trump", "words__obama", "words__putin", "words__china"} & set(weights.index)
    trump, obama = default_model.predict(["Trump spoke to reporters.", "Obama spoke to reporters."])
    assert trump == obama


@pytest.mark.slow  # cross-fits the model on the full NYT set
@needs_data
def test_validation_r_on_nyt_is_what_was_measured(validation):
    # Measured (python -m analysis.validation.training_designs, seed 0): sentence r = 0.602 [0.580, 0.622],
    # article r = 0.738 [0.693, 0.777]; VADER compound on the same snippets: 0.503 and 0.630.
    gold_articles = validation.groupby("article_id")[["score", "human_mean"]].mean()
    assert len(validation) == 5190 and validation["article_id"].nunique() == 498
    tables.validate(validation, "validation_scores")
    r_sentence = stats.pearsonr(validation["score"], validation["human_mean"]).statistic
    r_article = stats.pearsonr(gold_articles["score"], gold_articles["human_mean"]).statistic
    assert r_sentence == pytest.approx(0.602, abs=0.02)
    assert r_article == pytest.approx(0.738, abs=0.02)
