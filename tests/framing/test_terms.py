"""Distinctive terms: the Monroe et al. (2008) z against scattertext and a hand computation, and the guards."""

from __future__ import annotations

import contextlib
import importlib
import math
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core import tables
from analysis.framing import terms
from analysis.stats.contrasts import OTHERS

FILLER = "The officials said the plan would be reviewed by the committee next month after the hearing."
TOPICS = {"left": "climate justice and climate justice activists", "center": "trade talks and the trade talks deadline",
          "right": "border security and border security funding"}


def _corpus(extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Six articles per leaning from three outlets each; each leaning repeats its own obvious phrase."""
    rows = []
    for leaning, phrase in TOPICS.items():
        for i in range(6):
            doc = f"{leaning}{i}"
            text = f"{FILLER} {phrase.capitalize()} came up in week {i}. {FILLER}"
            rows.append(dict(doc_id=doc, outlet=f"{leaning} outlet {i % 3}", leaning=leaning, outlet_type="digital",
                             text=text + " " + (extra or {}).get(doc, ""), is_duplicate=False))
    return pd.DataFrame(rows)


# --- the score -------------------------------------------------------------

def _hand_z(y_a, y_b, alpha, *, full: bool) -> list[float]:
    """The paper's formula one term at a time, with math.log (no numpy broadcasting)."""
    n_a, n_b, a_0 = sum(y_a), sum(y_b), sum(alpha)
    out = []
    for ya, yb, a in zip(y_a, y_b, alpha):
        delta = math.log((ya + a) / (n_a + a_0 - ya - a)) - math.log((yb + a) / (n_b + a_0 - yb - a))
        var = 1 / (ya + a) + 1 / (yb + a) + (1 / (n_a + a_0 - ya - a) + 1 / (n_b + a_0 - yb - a) if full else 0)
        out.append(delta / math.sqrt(var))
    return out


@pytest.mark.parametrize("variance", ["full", "approx"])
def test_z_equals_hand_computation_of_the_formula(variance):
    y_a, y_b, alpha = [10, 0, 3, 50], [2, 7, 3, 40], [1.2, 0.7, 0.6, 9.0]
    delta, var, z = terms.log_odds_dirichlet(y_a, y_b, alpha, variance=variance)
    np.testing.assert_allclose(z, _hand_z(y_a, y_b, alpha, full=variance == "full"), rtol=1e-13)
    np.testing.assert_allclose(z, delta / np.sqrt(var), rtol=1e-15)
    # Known value, term 0 with the paper's variance (n_a = 63, n_b = 52, alpha_0 = 11.5):
    # [log(11.2 / 63.3) - log(3.2 / 60.3)] / sqrt(1/11.2 + 1/3.2) = 1.89979
    if variance == "approx":
        assert z[0] == pytest.approx(1.89979, abs=1e-5)


SCATTERTEXT = "scattertext==0.2.2"


@pytest.fixture(scope="session")
def scattertext_dir() -> Path:
    """scattertext's own files, fetched once from the package registry into a cache folder.

    scattertext 0.2.2 (the latest) declares scipy<1.14 and needs spacy and
    gensim, so it cannot join the pinned environment (scipy 1.17.1). pip
    installs it here without its dependencies into a folder of its own; the
    scorer's module is then loaded under a bare package stub, skipping
    scattertext/__init__.py and its heavy imports.
    """
    target = Path(tempfile.gettempdir()) / f"analysis-tests-{SCATTERTEXT.replace('==', '-')}"
    if not (target / "scattertext").is_dir():
        # Installed beside the target and renamed into place, so that parallel test processes (pytest-xdist)
        # never see a half-installed folder: the first rename wins, the others drop their copy.
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
        try:
            done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                                   str(staging), SCATTERTEXT], capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                pytest.skip(f"could not fetch {SCATTERTEXT} from the package registry: {done.stderr.strip()[-200:]}")
            with contextlib.suppress(OSError):  # another process got there first
                staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


@pytest.fixture
def scattertext_scorer(scattertext_dir, monkeypatch):
    before = set(sys.modules)
    package = types.ModuleType("scattertext")
    package.__path__ = [str(scattertext_dir / "scattertext")]
    monkeypatch.setitem(sys.modules, "scattertext", package)
    module = importlib.import_module("scattertext.termsignificance.LogOddsRatioInformativeDirichletPiror")
    yield module.LogOddsRatioInformativeDirichletPrior
    for name in set(sys.modules) - before:
        if name.startswith("scattertext."):
            del sys.modules[name]


def test_z_equals_scattertext_on_random_counts(scattertext_scorer):
    rng = np.random.default_rng(3)
    y_a, y_b = rng.poisson(3.0, 500), rng.poisson(2.0, 500)
    background = rng.poisson(5.0, 500) + 1.0
    priors = pd.Series(background, index=[f"t{i}" for i in range(500)])
    # scale_type='none': the prior counts are used as they are.
    ours = terms.log_odds_dirichlet(y_a, y_b, background)[2]
    theirs = scattertext_scorer(priors, scale_type="none").get_zeta_i_j_given_separate_counts(y_a, y_b)
    np.testing.assert_array_equal(ours, np.asarray(theirs))  # same operations in the same order
    # prior_scale is scattertext's sigma with scale_type='corpus-size'.
    alpha = 0.1 * (y_a.sum() + y_b.sum()) * background / background.sum()
    scorer = scattertext_scorer(priors, sigma=0.1, scale_type="corpus-size")
    theirs = scorer.get_zeta_i_j_given_separate_counts(y_a, y_b)
    np.testing.assert_allclose(terms.log_odds_dirichlet(y_a, y_b, alpha)[2], np.asarray(theirs), rtol=1e-12)


def test_table_z_equals_scattertext_on_the_corpus_counts(scattertext_scorer):
    articles = _corpus()
    X, vocab, _ = terms.term_counts(articles, by="leaning")
    per_group = {g: np.asarray(X[(articles["leaning"] == g).to_numpy()].sum(axis=0)).ravel() for g in TOPICS}
    y_a, y_b = per_group["left"], per_group["center"] + per_group["right"]
    # The prior by hand: each leaning's term shares averaged with equal weight, alpha_0 = 0.1 x 2 x the smaller side.
    shares = np.mean([c / c.sum() for c in per_group.values()], axis=0)
    alpha = pd.Series(0.1 * 2 * min(y_a.sum(), y_b.sum()) * shares, index=vocab)
    scorer = scattertext_scorer(alpha, scale_type="none")
    expected = pd.Series(np.asarray(scorer.get_zeta_i_j_given_separate_counts(y_a, y_b)), index=vocab)
    table = terms.distinctive_terms(articles, n_boot=10, top=None, min_articles=2)
    left_rows = table.loc[table["group_a"] == "left"].set_index("term")
    np.testing.assert_allclose(left_rows["z"], expected.loc[left_rows.index], rtol=1e-12)
    frame = terms.monroe_frame(articles, group_a="left").set_index("term")
    np.testing.assert_allclose(frame["z"], expected.loc[frame.index], rtol=1e-12)


def test_swapping_groups_negates_z_and_mirrors_the_bootstrap():
    y_a, y_b, alpha = np.array([5, 1, 9.0]), np.array([2, 6, 9.0]), np.array([0.5, 0.5, 1.0])
    z_ab, z_ba = terms.log_odds_dirichlet(y_a, y_b, alpha)[2], terms.log_odds_dirichlet(y_b, y_a, alpha)[2]
    np.testing.assert_array_equal(z_ab, -z_ba)
    table = terms.distinctive_terms(_corpus(), mode="pairwise", n_boot=50, top=None, min_articles=2)
    ab = table.loc[(table["group_a"] == "left") & (table["group_b"] == "right")].set_index("term").sort_index()
    ba = table.loc[(table["group_a"] == "right") & (table["group_b"] == "left")].set_index("term").sort_index()
    np.testing.assert_allclose(ab["z"], -ba["z"])
    np.testing.assert_allclose(ab["z_boot_low"], -ba["z_boot_high"])
    assert (ab["n"] == ba["n_other"]).all() and (ab["docs_a"] == ba["docs_b"]).all()


# --- the table -------------------------------------------------------------

def test_one_vs_rest_puts_each_groups_phrase_on_top():
    table = terms.distinctive_terms(_corpus(), by="leaning", n_boot=100, top=5, min_articles=2)
    assert set(table["group_b"]) == {OTHERS}
    tops = {g: set(d.loc[d["rank"] <= 3, "term"]) for g, d in table.groupby("group_a")}
    assert tops == {"left": {"climate", "justice", "climate justice"}, "center": {"trade", "talks", "trade talks"},
                    "right": {"border", "security", "border security"}}
    top1 = table.loc[table["rank"] == 1]
    assert top1["stable"].all() and not top1["single_article"].any()
    assert (top1["outlets_a"] == 3).all() and (top1["docs_a"] == 6).all() and (top1["n_other"] == 0).all()


def test_table_columns_kinds_and_key():
    table = terms.distinctive_terms(_corpus(), mode="pairwise", reference="center", n_boot=20, top=4, min_articles=2)
    schema = tables.schema("distinctive_terms")
    assert list(table.columns) == schema.names
    kinds = {"str": pd.api.types.is_string_dtype, "int": pd.api.types.is_integer_dtype,
             "float": pd.api.types.is_float_dtype, "bool": pd.api.types.is_bool_dtype}
    for column in schema.columns:
        assert kinds[column.kind](table[column.name]), column.name
    assert not table.duplicated(list(schema.key)).any()
    pd.testing.assert_frame_equal(tables.validate(table, "distinctive_terms"), table)
    assert set(zip(table["group_a"], table["group_b"])) == {("left", "center"), ("center", "left"),
                                                            ("right", "center"), ("center", "right")}
    assert (table.groupby(["group_a", "group_b"])["rank"].max() == 4).all()


def test_a_term_from_a_single_article_is_flagged_and_not_stable():
    articles = _corpus({"left0": "Zeppelin " * 12})
    table = terms.distinctive_terms(articles, n_boot=200, top=None, min_df=1, min_outlets=1, min_articles=2)
    row = table.loc[(table["group_a"] == "left") & (table["term"] == "zeppelin")].iloc[0]
    assert row["z"] > 1.96 and row["top_article_share"] == 1.0 and row["docs_a"] == 1
    assert row["single_article"] and not row["stable"]
    # An article leaves about a third of the resamples: z then collapses.
    assert row["stable_share"] < 0.8 and row["z_boot_low"] < 1.96


def test_floors_drop_terms_of_one_article_or_one_outlet():
    # left0 and left3 share an outlet ("left outlet 0"); left1 and left2 are two other outlets.
    articles = _corpus({"left0": "Quokka sightings.", "left3": "Quokka sightings.", "left1": "Narwhal.",
                        "left2": "Narwhal.", "left5": "Axolotl."})
    vocab = set(terms.term_counts(articles)[1])
    assert "narwhal" in vocab and "quokka" not in vocab and "axolotl" not in vocab
    assert "quokka" in set(terms.term_counts(articles, min_outlets=1)[1])
    assert "axolotl" in set(terms.term_counts(articles, min_df=1, min_outlets=1)[1])


def test_duplicates_are_left_out():
    articles = _corpus({"right0": "Syndicated wording.", "right1": "Syndicated wording."})
    articles.loc[articles["doc_id"] == "right1", "is_duplicate"] = True
    X, vocab, doc_ids = terms.term_counts(articles, min_outlets=1)
    assert "right1" not in set(doc_ids) and X.shape[0] == 17 and "syndicated" not in set(vocab)
    assert "syndicated" in set(terms.term_counts(articles, min_outlets=1, drop_duplicates=False)[1])


@pytest.mark.parametrize("text, present, absent", [
    ("The Bank of America said sales rose.", {"bank of america", "bank", "america", "sales rose", "said sales"},
     {"the bank", "bank of", "of america", "the", "rose the"}),
    ("In 2019 the 5G rollout began; 2020 sales fell", {"5g rollout", "5g", "sales fell"},
     {"2019", "2019 the", "began 2020", "2020 sales", "rollout began 2020"}),
    ("He said. Trade talks\nresumed", {"trade talks"}, {"said trade", "talks resumed"}),
])
def test_analyzer_drops_stop_word_and_number_edges_and_stops_at_breaks(text, present, absent):
    grams = set(terms.NgramAnalyzer(ngram_range=(1, 3), stop_words=terms.ENGLISH_STOP_WORDS)(text))
    assert present <= grams and not (absent & grams)


def test_same_seed_same_table_other_seed_other_bootstrap():
    articles = _corpus({"left0": "Zeppelin " * 5, "right2": "Zeppelin"})
    run = dict(n_boot=60, top=10, min_df=1, min_outlets=1, min_articles=2)
    first, again = terms.distinctive_terms(articles, seed=4, **run), terms.distinctive_terms(articles, seed=4, **run)
    pd.testing.assert_frame_equal(first, again)
    other = terms.distinctive_terms(articles, seed=5, **run)
    pd.testing.assert_series_equal(first["z"], other["z"])
    assert not np.allclose(first["z_boot_low"], other["z_boot_low"])


def test_background_prior_covers_terms_it_lacks():
    articles = _corpus()
    background = pd.DataFrame({"text": ["Officials said trade talks and border security were reviewed."] * 3})
    table = terms.distinctive_terms(articles, background=background, n_boot=20, top=None, min_articles=2)
    assert np.isfinite(table["z"]).all()
    assert table.loc[table["group_a"] == "left"].iloc[0]["term"] in {"climate", "justice", "climate justice"}


def test_monroe_frame_has_every_term():
    articles = _corpus()
    frame = terms.monroe_frame(articles, group_a="right", group_b="left")
    assert len(frame) == len(terms.term_counts(articles)[1])
    assert frame["z"].is_monotonic_decreasing and frame["freq"].sum() == pytest.approx(1.0)
    assert (frame["n_total"] == frame["n"] + frame["n_other"]).all()


@pytest.mark.parametrize("kwargs, message", [
    (dict(by="country"), "by='country'; allowed"),
    (dict(mode="all_pairs"), "mode='all_pairs'; allowed"),
    (dict(reference="center"), "reference= needs mode='pairwise'"),
    (dict(mode="pairwise", reference="nowhere"), "reference='nowhere'"),
    (dict(n_boot=0), "n_boot=0"),
])
def test_bad_options_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        terms.distinctive_terms(_corpus(), min_articles=2, **kwargs)


def test_weighted_bootstrap_equals_recounting_the_resampled_articles():
    articles = _corpus({"left0": "Zeppelin " * 5, "left4": "Zeppelin"})
    X, _, _ = terms.term_counts(articles, min_df=1, min_outlets=1)
    X = X.astype(float)
    X_a, X_b = X[:6], X[6:]
    a_w = np.full(X.shape[1], 0.3)
    cols = np.arange(X.shape[1])
    fast = terms._boot_z(np.random.default_rng(9), X_a, X_b, cols, a_w, a_w.sum(), 3)
    rng = np.random.default_rng(9)  # the same draws, turned into article lists and re-counted
    w_a, w_b = (rng.multinomial(m.shape[0], np.full(m.shape[0], 1 / m.shape[0]), size=3) for m in (X_a, X_b))
    for r in range(3):
        y_a = np.asarray(X_a[np.repeat(np.arange(6), w_a[r])].sum(axis=0)).ravel()
        y_b = np.asarray(X_b[np.repeat(np.arange(12), w_b[r])].sum(axis=0)).ravel()
        np.testing.assert_allclose(fast[r], terms.log_odds_dirichlet(y_a, y_b, a_w)[2], rtol=1e-12)


def test_no_group_large_enough_gives_an_empty_typed_table():
    table = terms.distinctive_terms(_corpus(), min_articles=50, n_boot=5)
    assert table.empty and list(table.columns) == tables.schema("distinctive_terms").names
    assert pd.api.types.is_bool_dtype(table["stable"]) and pd.api.types.is_integer_dtype(table["rank"])


# --- issue 21: unequal groups, the single-article flag, the tokenizer, one-outlet groups ----------

def _unequal() -> pd.DataFrame:
    """150 articles from 10 outlets against 3 from 3 outlets: "tariff" only in the large group, "drought" only in
    the small one, "committee" (the most frequent term) at the same rate in both."""
    rows = [dict(doc_id=f"b{i}", outlet=f"big {i % 10}", leaning="big",
                 text="Committee. " * 20 + "Tariff. " * 2 + ("Officials. " * 3 if i % 2 else "")) for i in range(150)]
    rows += [dict(doc_id=f"s{i}", outlet=f"small {i}", leaning="small",
                  text="Committee. " * 20 + "Drought. " * 2 + "Officials.") for i in range(3)]
    return pd.DataFrame(rows)


def test_unequal_groups_prior_is_the_groups_mean_and_sized_on_the_smaller_side():
    articles = _unequal()
    frame = terms.monroe_frame(articles, group_a="big", group_b="small").set_index("term")
    y_a, y_b = frame["n"].to_numpy(float), frame["n_other"].to_numpy(float)
    shares = (y_a / y_a.sum() + y_b / y_b.sum()) / 2  # each group's term shares, equal weight
    alpha = 0.1 * 2 * min(y_a.sum(), y_b.sum()) * shares
    np.testing.assert_allclose(frame["z"], _hand_z(y_a, y_b, alpha, full=True), rtol=1e-12)
    # The pooled prior (a tenth of both sides, shaped like the pooled counts) is the large side's own distribution:
    # it outweighs the 3 articles about 5 times and shrinks the large side's z towards 0.
    pooled = 0.1 * (y_a + y_b)
    z_pooled = pd.Series(_hand_z(y_a, y_b, pooled, full=True), index=frame.index)
    assert frame.loc["tariff", "z"] > 1.8 * z_pooled["tariff"] and frame.loc["tariff", "z"] > 1.9
    table = terms.distinctive_terms(articles, mode="pairwise", top=None, n_boot=50, min_articles=2)
    big = table.loc[table["group_a"] == "big"].set_index("term")
    assert big["rank"].idxmin() == "tariff" and big.loc["committee", "rank"] > big.loc["officials", "rank"]


def test_background_term_counts_series_sets_the_prior():
    articles = _unequal()
    background = pd.Series({"committee": 50, "tariff": 5, "officials": 9, "unused": 3})
    frame = terms.monroe_frame(articles, group_a="big", group_b="small", background=background).set_index("term")
    y_a, y_b = frame["n"].to_numpy(float), frame["n_other"].to_numpy(float)
    base = background.reindex(frame.index, fill_value=0).to_numpy(float) + 1  # "drought": not in it, counted 1
    alpha = 0.1 * 2 * min(y_a.sum(), y_b.sum()) * base / base.sum()
    np.testing.assert_allclose(frame["z"], _hand_z(y_a, y_b, alpha, full=True), rtol=1e-12)
    with pytest.raises(ValueError, match="background: a Series must hold term counts"):
        terms.monroe_frame(articles, group_a="big", background=pd.Series({"tariff": -1}))


@pytest.mark.parametrize("extra, share, flagged", [
    ({"left0": "Zeppelin.", "left1": "Zeppelin."}, 0.5, False),  # once in each of two articles: not one article's
    ({"left0": "Zeppelin. Zeppelin.", "left1": "Zeppelin."}, 2 / 3, True),
    ({"left0": "Zeppelin. Zeppelin.", "left1": "Zeppelin.", "left2": "Zeppelin."}, 0.5, False),
])
def test_single_article_means_more_than_half_from_the_top_article(extra, share, flagged):
    table = terms.distinctive_terms(_corpus(extra), n_boot=20, top=None, min_articles=2)
    row = table.loc[(table["group_a"] == "left") & (table["term"] == "zeppelin")].iloc[0]
    assert row["top_article_share"] == pytest.approx(share) and row["single_article"] == flagged


@pytest.mark.parametrize("text, present, absent", [
    ("The U.S. and the U.N. met the U.K. envoy.", {"u.s.", "u.n.", "u.k.", "u.k. envoy"}, {"us", "un", "uk", "envoy met"}),
    ("China-Taiwan ties and China's Taiwan policy.", {"china-taiwan", "china-taiwan ties", "china", "china taiwan",
                                                      "china taiwan policy"}, {"china's", "ties china"}),
    ("Officials’ views on the U.S.-China trade war", {"officials", "u.s.-china trade war", "u.s.-china"}, {"officials’"}),
    ("It's a plan, isn't it? 2019-2020 data", {"plan", "isn't", "data"}, {"it's", "2019-2020", "2019-2020 data", "s"}),
    ("They’re with us: US and UK envoys at the UN; US-China talks", {"u.s.", "u.k.", "u.n.", "u.k. envoys",
                                                                     "u.s.-china talks"},
     {"they’re", "they", "us", "uk", "un", "us-china"}),
])
def test_tokenizer_keeps_abbreviations_compounds_and_folds_possessives(text, present, absent):
    grams = set(terms.NgramAnalyzer(ngram_range=(1, 3), stop_words=terms.ENGLISH_STOP_WORDS)(text))
    assert present <= grams and not (absent & grams), grams


def test_one_outlet_group_keeps_its_terms():
    # "outlet_type": "wire" has one outlet (left outlet 0's articles left0 and left3), the other types several.
    articles = _corpus({"left0": "Quokka sightings.", "left3": "Quokka sightings."})
    articles["outlet_type"] = np.where(articles["outlet"] == "left outlet 0", "wire", "digital")
    assert "quokka" not in set(terms.term_counts(articles)[1])  # the whole corpus as one group: 2 outlets needed
    assert "quokka" in set(terms.term_counts(articles, by="outlet_type")[1])
    table = terms.distinctive_terms(articles, by="outlet_type", n_boot=50, top=5, min_articles=2)
    wire = table.loc[table["group_a"] == "wire"]
    assert {"quokka", "quokka sightings"} <= set(wire["term"]) and (wire["outlets_a"] == 1).all()
    # A many-outlet group still needs two of its outlets: one outlet's words are house style.
    by_outlet_count = set(terms.term_counts(_corpus({"left0": "Narwhal.", "left3": "Narwhal."}), by="leaning")[1])
    assert "narwhal" not in by_outlet_count


# --- the frame stage's counts, read once for every grouping ---------------------------------------------------

def test_the_frame_stage_counts_once_and_gets_the_same_terms_for_every_grouping():
    from types import SimpleNamespace

    from analysis.framing import frame

    articles = _corpus({"left0": "A syndicated copy.", "right1": "Another line."})
    articles.loc[articles["doc_id"] == "right2", "is_duplicate"] = True  # a duplicate is left out, as before
    articles["outlet_type"] = np.where(articles["leaning"] == "left", "wire", "digital")
    articles.loc[articles["doc_id"] == "center3", "outlet_type"] = None  # a grouping with a missing value
    study = SimpleNamespace(seed=7, compare=SimpleNamespace(min_articles=3),
                            framing=SimpleNamespace(terms_by=("leaning", "outlet_type")))
    expected = pd.concat([terms.distinctive_terms(articles, by=g, mode="one_vs_rest", seed=7, min_articles=3)
                          for g in study.framing.terms_by], ignore_index=True)
    got = frame.distinctive(study, articles=articles)
    assert len(expected) > 10 and set(expected["group_var"]) == {"leaning", "outlet_type"}
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_the_frame_stage_says_when_a_tiny_corpus_has_no_term_in_two_articles(caplog):
    from types import SimpleNamespace

    from analysis.framing import frame

    articles = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", "y"], "leaning": ["left", "right"],
                             "text": ["Hikvision was listed.", "Tariffs rose sharply."], "is_duplicate": False})
    study = SimpleNamespace(seed=1, compare=SimpleNamespace(min_articles=1),
                            framing=SimpleNamespace(terms_by=("leaning",)))
    with caplog.at_level("WARNING", logger="analysis"):
        out = frame.distinctive(study, articles=articles)
    assert out.empty and list(out.columns) == list(tables.empty("distinctive_terms").columns)
    assert "no distinctive terms for 2 articles" in caplog.text
