"""``analysis.framing.topics``: the stability criterion, the estimator contract, and the tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core import tables
from analysis.framing import topics
from analysis.stats import contrasts

# Three themes with disjoint vocabularies; words drawn with Zipf weights, as in real text,
# so each theme has a stable term ranking (uniform draws would make the ranking noise).
THEMES = {
    "space": "rocket orbit launch astronaut satellite lunar mars telescope galaxy comet asteroid capsule "
             "booster payload crater nebula cosmos spacewalk module shuttle planet gravity probe lander".split(),
    "food": "recipe oven flour butter garlic onion pasta sauce bake simmer spice salad dough pepper basil "
            "tomato cheese roast broth noodle skillet vinegar lemon ginger".split(),
    "sport": "goal striker referee penalty league match stadium coach midfield keeper tackle season playoff "
             "trophy derby dribble corner offside captain fans score pitch whistle umpire".split(),
}


def synthetic_articles(seed: int = 0, per_theme: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for t, (theme, vocab) in enumerate(THEMES.items()):
        p = 1 / np.arange(1, len(vocab) + 1)
        for i in range(per_theme):
            rows.append(dict(doc_id=f"{theme}{i}", outlet=f"Outlet {'AB'[i % 2]}", outlet_type="test",
                             leaning=["left", "center", "right"][t], title="", theme=theme,
                             text=" ".join(rng.choice(vocab, size=15, p=p / p.sum()))))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return synthetic_articles()


@pytest.fixture(scope="module")
def model(corpus) -> topics.TopicModel:
    return topics.TopicModel(k_range=range(2, 9)).fit(corpus)


def test_average_jaccard_known_values():
    # depth 1: {1} vs {2} -> 0; depth 2: {1,2} vs {2,1} -> 1; depth 3: {1,2,3} vs {2,1,4} -> 2/4
    assert topics.average_jaccard([1, 2, 3], [2, 1, 4]) == pytest.approx(0.5)
    assert topics.average_jaccard(["a", "b"], ["a", "b"]) == 1.0
    # Rows are matched one to one before averaging: order of topics does not matter.
    assert topics.ranking_agreement(np.array([[1, 2], [3, 4]]), np.array([[3, 4], [1, 2]])) == 1.0
    # [1,2] vs [1,5]: (1 + 1/3) / 2; [3,4] vs [3,4]: 1
    assert topics.ranking_agreement(np.array([[1, 2], [3, 4]]), np.array([[3, 4], [1, 5]])) == pytest.approx(5 / 6)


def test_auto_picks_the_three_themes(model, corpus):
    scores = model.k_scores_
    assert model.n_topics_ == 3
    assert scores["k"].tolist() == list(range(2, 7))  # 30 documents: at most 30 // 5 topics
    assert scores.loc[scores["selected"], "k"].tolist() == [3]
    assert scores["stability"].idxmax() == scores.index[scores["k"] == 3][0]
    assert (scores["n_samples"] == 10).all()
    # Every theme's documents go to one topic of their own.
    top = model.transform(corpus).argmax(axis=1)
    per_theme = pd.Series(top).groupby(corpus["theme"].to_numpy()).agg(lambda s: set(s))
    assert all(len(s) == 1 for s in per_theme) and len(set.union(*per_theme)) == 3
    labels = topics.topic_terms(model, top=5).groupby("topic")["term"].agg(set)
    for theme, vocab in THEMES.items():
        assert any(terms <= set(vocab) for terms in labels), theme


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_auto_picks_three_on_other_draws(seed):
    assert topics.TopicModel(k_range=range(2, 7), n_samples=5).fit(synthetic_articles(seed)).n_topics_ == 3


def test_same_seed_same_model(corpus):
    a = topics.TopicModel(k_range=range(2, 6), random_state=3).fit(corpus)
    b = clone(a).fit(corpus)
    c = clone(a).set_params(n_jobs=2).fit(corpus)  # one BLAS thread per fit: processes change nothing
    for other in (b, c):
        np.testing.assert_array_equal(a.transform(corpus), other.transform(corpus))
        pd.testing.assert_frame_equal(topics.topic_terms(a), topics.topic_terms(other))
        pd.testing.assert_frame_equal(a.k_scores_, other.k_scores_)
        assert a.version_ == other.version_


def test_weights_do_not_depend_on_the_other_documents(model, corpus):
    alone = np.vstack([model.transform(corpus.iloc[[i]]) for i in range(0, len(corpus), 7)])
    np.testing.assert_array_equal(alone, model.transform(corpus)[::7])


def test_clone_and_not_fitted(model, corpus):
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    assert not hasattr(fresh, "nmf_")
    for call in (lambda: fresh.transform(corpus), lambda: fresh.get_feature_names_out(),
                 lambda: topics.topic_terms(fresh), lambda: topics.article_topics(fresh, corpus)):
        with pytest.raises(NotFittedError):
            call()


def test_pandas_output_keeps_index_and_rows_sum_to_one(model, corpus):
    X = corpus.set_index(pd.Index([f"row{i}" for i in range(len(corpus))]))
    out = clone(model).set_params(n_topics=3, n_samples=0).fit(X).set_output(transform="pandas").transform(X)
    assert list(out.columns) == ["topic_0", "topic_1", "topic_2"]
    assert out.index.equals(X.index)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_documents_without_vocabulary(model, corpus):
    extra = pd.DataFrame([dict(doc_id="empty", outlet="Outlet A", outlet_type="test", leaning="left", title="",
                               text=""),
                          dict(doc_id="unknown", outlet="Outlet C", outlet_type="test", leaning="left", title="",
                               text="zebra quokka 2019 42")])
    articles = pd.concat([corpus, extra], ignore_index=True)
    w = model.transform(articles)
    assert (w[-2:] == 0).all() and np.allclose(w[:-2].sum(axis=1), 1.0)
    at = topics.article_topics(model, articles)
    assert not at.loc[at["doc_id"].isin(["empty", "unknown"]), "has_terms"].any()
    assert at.loc[~at["doc_id"].isin(["empty", "unknown"]), "has_terms"].all()
    prev = topics.topic_prevalence(at, n_boot=200, min_articles=2)
    assert set(prev["group"]) == {"Outlet A", "Outlet B"}  # Outlet C has no article with terms
    a = prev.loc[prev["group"] == "Outlet A"]
    assert (a["n_articles"] == 15).all() and (a["n_without_terms"] == 1).all()
    assert "empty" not in set(topics.top_articles(at, articles, top=30)["doc_id"])


def test_tables_meet_their_schemas(model, corpus):
    terms = topics.topic_terms(model, top=4)
    assert len(terms) == 12 and terms.groupby("topic")["rank"].agg(list).tolist() == [[1, 2, 3, 4]] * 3
    first3 = terms.loc[terms["rank"] <= 3].groupby("topic")["term"].agg(", ".join)
    assert terms.groupby("topic")["topic_label"].first().equals(first3)
    at = topics.article_topics(model, corpus)
    assert len(at) == 3 * len(corpus)
    prev = topics.topic_prevalence(at, by="leaning", n_boot=200)
    top = topics.top_articles(at, corpus, top=2)
    for name, df in [("topic_terms", terms), ("article_topics", at), ("topic_prevalence", prev),
                     ("topic_top_articles", top), ("topic_k_scores", model.k_scores_)]:
        pd.testing.assert_frame_equal(tables.validate(df, name), df)
    kinds = {"int": "i", "float": "f", "bool": "b"}
    for name, df in [("article_topics", at), ("topic_prevalence", prev), ("topic_k_scores", model.k_scores_)]:
        for col in tables.schema(name).columns:
            dtype = df[col.name].dtype
            assert pd.api.types.is_string_dtype(dtype) if col.kind == "str" else dtype.kind == kinds[col.kind], col
    # Each leaning is one theme: its own topic has mean share 1, the others 0.
    assert sorted(prev["mean"].round(6).tolist()) == [0.0] * 6 + [1.0] * 3
    assert top.groupby("topic")["rank"].agg(list).tolist() == [[1, 2]] * 3
    assert top["title"].eq("").all() and (top["weight"] > 0.99).all()


def test_prevalence_interval_is_compare_bootstrap_with_the_topic_stream():
    rng = np.random.default_rng(5)
    shares = rng.dirichlet([1, 1], size=12)
    at = pd.DataFrame(dict(doc_id=np.repeat([f"d{i}" for i in range(12)], 2),
                           outlet=np.repeat(["X"] * 8 + ["Y"] * 4, 2), outlet_type="t", leaning="l",
                           topic=np.tile([0, 1], 12), topic_label=np.tile(["trade, tariffs, talks",
                                                                          "arrest, meng, canada"], 12),
                           weight=shares.ravel(), has_terms=True))
    prev = topics.topic_prevalence(at, n_boot=999, confidence=0.9, min_articles=5, seed=11)
    prev = prev.set_index(["group", "topic"])
    for topic, label in [(0, "trade, tariffs, talks"), (1, "arrest, meng, canada")]:
        vals = shares[:8, topic]
        low, high = contrasts.bootstrap_mean_ci(vals, n_boot=999, confidence=0.9,
                                              rng=contrasts.group_rng(11, "outlet", "X", topics.INSTRUMENT, label))
        row = prev.loc[("X", topic)]
        assert (row["ci_low"], row["ci_high"]) == (low, high)
        assert row["mean"] == pytest.approx(vals.mean()) and row["n_articles"] == 8
        assert row["ci_method"].startswith("90% expanded percentile bootstrap over articles")
    assert prev.loc[("Y", 0), ["ci_low", "ci_high"]].isna().all()  # 4 articles < min_articles
    assert prev.loc[("Y", 0), "mean"] == pytest.approx(shares[8:, 0].mean())


@pytest.mark.parametrize("params, message", [
    (dict(n_topics="many"), "n_topics must be"),
    (dict(n_topics=0), "n_topics must be"),
    (dict(k_range=[]), "k_range must"),
    (dict(sample_fraction=1.0), "sample_fraction"),
    (dict(n_samples=0), "n_samples"),
    (dict(k_range=[40, 50]), "no k in"),
    (dict(k_range=[40, 50], n_topics=31, n_samples=0), "no k in"),
])
def test_bad_parameters_name_the_argument(corpus, params, message):
    with pytest.raises(ValueError, match=message):
        topics.TopicModel(**params).fit(corpus)


def test_infeasible_k_left_out_with_a_warning(corpus):
    # 30 documents: subsets of 24 cannot hold 25 topics, and "auto" considers at most 30 // 5.
    with pytest.warns(UserWarning, match="k > 6 left out .*at most one topic per 5 documents"):
        m = topics.TopicModel(k_range=[3, 25], n_samples=2).fit(corpus)
    assert m.k_scores_["k"].tolist() == [3]
    fixed = topics.TopicModel(n_topics=8, n_samples=0).fit(corpus)  # a fixed k is the user's: no per-topic bound
    assert fixed.n_topics_ == 8


def test_auto_never_gives_a_small_corpus_more_topics_than_one_per_five_documents():
    corpus = synthetic_articles().head(18)  # the 18 articles that got 12 topics before the bound
    m = topics.TopicModel(k_range=range(3, 13), n_samples=3).fit(corpus)
    assert m.k_scores_["k"].max() == 3 and m.n_topics_ == 3


def test_fixed_k_without_stability(corpus):
    m = topics.TopicModel(n_topics=4, n_samples=0).fit(corpus)
    assert m.n_topics_ == 4 and len(m.k_scores_) == 1
    assert m.k_scores_["selected"].all() and m.k_scores_["stability"].isna().all()
    assert "k=4 (fixed)" in m.version_
    with pytest.raises(ValueError, match="by="):
        topics.topic_prevalence(topics.article_topics(m, corpus), by="author")


def test_single_string_is_refused(model):
    with pytest.raises(TypeError, match="single string"):
        model.transform("rocket orbit")


needs_mirror = pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").exists(),
                                  reason="needs ../shared/data")


@pytest.fixture(scope="module")
def huawei_articles() -> pd.DataFrame:
    """AllSides articles mentioning Huawei (107), resolved to outlets as ingest does."""
    from analysis.collect import datasets, ingest
    from analysis.collect.outlets import load_registry, resolve_outlets

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
        df = datasets.load_allsides(download=False)
    df = df.loc[ingest.count_matches(df["title"] + "\n" + df["text"], "huawei") > 0].copy()
    df["doc_id"] = [ingest.doc_id("dataset:allsides", i) for i in df["source_id"]]
    return resolve_outlets(df, registry=load_registry(REPO / "data" / "outlets.csv")).reset_index(drop=True)


@pytest.mark.slow  # fits topic models on real articles for every k, twice
@needs_mirror
def test_real_articles_k_in_range_and_deterministic(huawei_articles):
    assert 90 <= len(huawei_articles) <= 130
    a = topics.TopicModel().fit(huawei_articles)
    b = clone(a).set_params(n_jobs=2).fit(huawei_articles)
    assert a.n_topics_ in range(3, 13) and a.k_scores_["k"].tolist() == list(range(3, 13))
    np.testing.assert_array_equal(a.transform(huawei_articles), b.transform(huawei_articles))
    pd.testing.assert_frame_equal(topics.topic_terms(a), topics.topic_terms(b))
    at = topics.article_topics(a, huawei_articles)
    assert at["has_terms"].all() and at["doc_id"].nunique() == len(huawei_articles)
    prev = topics.topic_prevalence(at, by="leaning", n_boot=500)
    assert set(prev["group"]) >= {"left", "center", "right"}
    ok = prev["ci_low"].notna()
    assert ((prev.loc[ok, "ci_low"] <= prev.loc[ok, "mean"]) & (prev.loc[ok, "mean"] <= prev.loc[ok, "ci_high"])).all()


def test_parallel_fit_on_a_matrix_joblib_memmaps(corpus):
    # Over 1 MB, joblib hands workers a read-only memmap; NMF must not need to sort it in place.
    big = pd.concat([synthetic_articles(seed, per_theme=1000) for seed in (0, 1, 2)], ignore_index=True)
    big["text"] = big["text"] + " " + big["text"].str[::-1]  # more distinct terms per document
    # large_corpus=None: the stability fits run on the whole matrix, which is what must reach the workers as a memmap
    m = topics.TopicModel(k_range=[2, 3], n_samples=2, n_jobs=2, large_corpus=None).fit(big)
    ref = topics.TopicModel(k_range=[2, 3], n_samples=2, large_corpus=None).fit(big)
    assert m.vectorizer_.transform(big["text"]).nnz * 8 > 1_000_000
    pd.testing.assert_frame_equal(m.k_scores_, ref.k_scores_)


def test_large_corpus_chooses_k_on_a_sample(corpus):
    # 30 documents over large_corpus=20: k is chosen on a fixed-seed sample of 24, the model fitted on all 30.
    params = dict(k_range=range(2, 6), n_samples=4, large_corpus=20, k_sample=24)
    m = topics.TopicModel(**params).fit(corpus)
    assert m.n_topics_ == 3 and m.k_scores_["k"].tolist() == [2, 3, 4, 5]
    assert len(m.k_sample_) == 24 and len(set(m.k_sample_)) == 24 and (np.diff(m.k_sample_) > 0).all()
    assert "k chosen on a random sample of 24 of the 30 documents (over large_corpus=20)" in m.version_
    assert "final model on all documents" in m.version_ and "30 documents sha256" in m.version_
    # The final model is a fit on all 30 documents, not the sample's reference fit.
    X = m.vectorizer_.transform(topics.as_texts(corpus, title=True))
    # (over the threshold: float32, stopping at large_tol)
    full = topics._fit_nmf(X.astype(np.float32), None, 3, random_state=0, max_iter=500, tol=topics.LARGE_TOL)
    assert m.nmf_.components_.dtype == np.float32 and "float32, tol=0.001" in m.version_
    np.testing.assert_allclose(m.nmf_.components_, full.components_, atol=1e-6)
    assert (m.transform(corpus).argmax(axis=1) == full.transform(X.astype(np.float32)).argmax(axis=1)).all()
    # Deterministic: same seed, same sample, scores and model; n_jobs changes nothing.
    for other in (topics.TopicModel(**params).fit(corpus), topics.TopicModel(**params, n_jobs=2).fit(corpus)):
        np.testing.assert_array_equal(other.k_sample_, m.k_sample_)
        pd.testing.assert_frame_equal(other.k_scores_, m.k_scores_)
        np.testing.assert_array_equal(other.transform(corpus), m.transform(corpus))
        assert other.version_ == m.version_
    # Another seed draws another sample.
    assert not np.array_equal(topics.TopicModel(**params, random_state=1).fit(corpus).k_sample_, m.k_sample_)


def test_large_corpus_threshold_and_small_corpora_unchanged(corpus):
    base = dict(k_range=range(2, 5), n_samples=3)
    today = topics.TopicModel(**base, large_corpus=None).fit(corpus)
    # At or under the threshold (or with a sample as large as the corpus) nothing is sampled: today's model.
    for extra in (dict(large_corpus=30, k_sample=10), dict(large_corpus=10, k_sample=30), {}):
        m = topics.TopicModel(**base, **extra).fit(corpus)
        assert m.k_sample_ is None and "sample" not in m.version_
        pd.testing.assert_frame_equal(m.k_scores_, today.k_scores_)
        np.testing.assert_array_equal(m.nmf_.components_, today.nmf_.components_)
    assert today.get_params()["large_corpus"] is None and topics.TopicModel().large_corpus == topics.LARGE_CORPUS
    # Fixed k: stability on the sample; without subsets there is nothing to sample.
    fixed = topics.TopicModel(n_topics=3, n_samples=2, large_corpus=20, k_sample=24).fit(corpus)
    assert "k=3 (fixed; stability on a random sample of 24 of the 30 documents" in fixed.version_
    assert topics.TopicModel(n_topics=3, n_samples=0, large_corpus=20, k_sample=24).fit(corpus).k_sample_ is None
    with pytest.raises(ValueError, match="k_sample"):
        topics.TopicModel(k_sample=1).fit(corpus)


def test_tokens_are_the_token_pattern_less_stop_words(model, corpus):
    # Characters alone and beside letters, digits and underscores: tokens() finds exactly what the
    # vectorizer found with token_pattern=TOKEN_PATTERN and stop_words="english" before it (the same matrix).
    import re

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    # every character of the Basic Multilingual Plane and every 61st beyond (mostly unassigned; all took minutes)
    chars = [chr(c) for c in (*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61))]
    text = " ".join(f"a{c}b {c}{c} {c}1 1{c}2 _{c} {c}_1 x{c}" for c in chars) + " the __ _1 1_a 12 a_ 5g ab_cd _x_"
    expected = [w for w in re.findall(topics.TOKEN_PATTERN, text) if w not in ENGLISH_STOP_WORDS]
    assert topics.tokens(text) == expected
    docs = ["The 5G rollout, 2019: Huawei's__ 12 routers _x_ über-fast", "the and of", text[:20000]]
    old = dict(stop_words="english", token_pattern=topics.TOKEN_PATTERN, sublinear_tf=True)
    new = dict(tokenizer=topics.tokens, token_pattern=None, sublinear_tf=True)
    assert (TfidfVectorizer(**old).fit_transform(docs) != TfidfVectorizer(**new).fit_transform(docs)).nnz == 0
    # The model's own vectorizer: the matrix the old settings gave on the test corpus.
    texts = topics.as_texts(corpus, title=True).tolist()
    limits = dict(min_df=2, max_df=0.5, max_features=10_000)
    assert model.vectorizer_.tokenizer is topics.tokens
    assert (TfidfVectorizer(**old, **limits).fit(texts).transform(texts) != model.vectorizer_.transform(texts)).nnz == 0
