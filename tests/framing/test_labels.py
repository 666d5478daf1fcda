"""Labels: the matcher, label shares with Wilson intervals, Fisher/BH contrasts, candidate discovery."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from scipy import stats
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core import tables
from analysis.core.patterns import PatternTimeoutError
from analysis.framing import labels
from analysis.framing.labels import LabelMatcher, Referent

CAMPS = Referent("camps", {
    "re-education camps": ("re-?education camps?",),
    "vocational training centers": ("vocational (?:education and )?training cent(?:er|re)s?",),
    "internment camps": ("internment camps?",),
    "concentration camps": ("concentration camps?",),
    "detention camps": ("detention (?:camps?|facilities|centers?)",),
})
ENTITY_LIST = Referent("entity_list", {
    "Entity List": ("entity list",),
    "blacklist": ("black-?list(?:s|ed|ing)?",),
    "trade blacklist": ("trade black-?lists?",),
    "export blacklist": ("export black-?lists?",),
    "sanctions list": ("sanctions? list",),
})
# Dtype kinds, not names: pandas 3 infers its own str dtype.
KINDS = {"str": pd.api.types.is_string_dtype, "int": pd.api.types.is_integer_dtype,
         "float": pd.api.types.is_float_dtype}


def _check_kinds(df: pd.DataFrame, name: str) -> None:
    schema = tables.schema(name)
    assert list(df.columns) == schema.names
    for c in schema.columns:
        assert KINDS[c.kind](df[c.name].dtype), (c.name, df[c.name].dtype)
    assert not df.duplicated(list(schema.key)).any()


def _matcher(*referents: Referent) -> LabelMatcher:
    return LabelMatcher(referents=referents).fit()


# --- Referent and matcher -------------------------------------------------------------------------------------

def test_referent_normalises_forms():
    r = Referent("x", {"Entity List": None, "blacklist": "black-?list", "ban": ["ban", "bans"]})
    assert r.labels == {"Entity List": ("Entity\\ List",), "blacklist": ("black-?list",), "ban": ("ban", "bans")}
    with pytest.raises(ValueError, match="labels is empty"):
        Referent("y", {})


@pytest.mark.parametrize("text, expected", [
    # longest first: one span is one mention, of the longer label
    ("Added to the U.S. trade blacklist on Monday.", [("trade blacklist", "trade blacklist")]),
    ("It was blacklisted, then put on an export black-list.",
     [("blacklist", "blacklisted"), ("export blacklist", "export black-list")]),
    # any case
    ("The ENTITY LIST grew; the entity List too.", [("Entity List", "ENTITY LIST"), ("Entity List", "entity List")]),
    # whole words only
    ("The blacklistings and Entity Listed firms; sanctionslist.", []),
    ("A unblacklist move.", []),
    ("sanction list and sanctions list", [("sanctions list", "sanction list"), ("sanctions list", "sanctions list")]),
])
def test_matcher_entity_list(text, expected):
    hits = _matcher(ENTITY_LIST).find(text)
    assert [(label, matched) for _, label, matched, _, _ in hits] == expected
    assert all(text[s:e] == m for _, _, m, s, e in hits)


@pytest.mark.parametrize("text, expected", [
    ("held in reeducation camps and Re-Education Camp 3", [("re-education camps", "reeducation camps"),
                                                           ("re-education camps", "Re-Education Camp")]),
    ("so-called vocational education and training centres", [("vocational training centers",
                                                               "vocational education and training centres")]),
    ("detention facilities, a detention center", [("detention camps", "detention facilities"),
                                                  ("detention camps", "detention center")]),
    ("a campsite near the internment campus", []),  # boundary after the optional "s"
])
def test_matcher_regex_forms(text, expected):
    assert [(label, m) for _, label, m, _, _ in _matcher(CAMPS).find(text)] == expected


def test_overlaps_resolved_longest_first_within_referent_and_kept_across_referents():
    r1 = Referent("r1", {"short": ("camps",), "long": ("detention camps",), "other": ("camps in xinjiang",)})
    r2 = Referent("r2", {"place": ("xinjiang",)})
    hits = _matcher(r1, r2).find("Detention camps in Xinjiang")
    # r1: "camps in xinjiang" (17 chars) beats "detention camps" (15), which overlaps it; "camps" never counts twice
    assert hits == [("r1", "other", "camps in Xinjiang", 10, 27), ("r2", "place", "Xinjiang", 19, 27)]
    # equal length, same span: the label listed first wins
    r3 = Referent("r3", {"a": ("camps?",), "b": ("camps",)})
    assert _matcher(r3).find("camps") == [("r3", "a", "camps", 0, 5)]


SCREENED = ["Added to the U.S. trade blacklist on Monday.", "The blacklistings and Entity Listed firms.",
            "held in reeducation camps and Re-Education Camp 3", "Detention camps in Xinjiang", "camps", "",
            "A sentence about the weather.", "so-called vocational education and training centres", "ENTITY LIST"]


@pytest.mark.parametrize("referents", [(CAMPS,), (ENTITY_LIST,), (CAMPS, ENTITY_LIST, Referent("r2", {"place": (
    "xinjiang",)}))])
def test_the_one_search_of_all_forms_changes_no_mention(referents):
    screened = _matcher(*referents)
    unscreened = _matcher(*referents)
    unscreened.screen_ = None  # every form searched in every sentence
    assert screened.screen_ is not None
    for text in SCREENED + [t.upper() for t in SCREENED]:
        assert screened.find(text) == unscreened.find(text)
    assert not labels._may_mention(screened.screen_, "A sentence about the weather.")


def test_forms_with_groups_or_inline_flags_are_searched_alone():
    for form in (r"(camp)s? \1", "(?i)camps", "(?x) camps", "(?P<a>camps)", r"re-education(*SKIP)(*FAIL)|camps"):
        assert _matcher(Referent("r", {"x": (form,)})).screen_ is None
    assert _matcher(Referent("r", {"x": ("camps(?:ites)?",), "y": ("(?:re-)?education",)})).screen_ is not None


def test_a_backtracking_verb_in_one_form_skips_no_other_forms_mention():
    # "(*SKIP)(*FAIL)" in an alternation would also skip the other forms' matches at the positions it passes over
    matcher = _matcher(Referent("r1", {"a": (r"a\s+b(*SKIP)(*FAIL)",)}), Referent("r2", {"bee": ("b",)}))
    assert matcher.screen_ is None
    assert matcher.find("a b") == [("r2", "bee", "b", 2, 3)]


def test_label_mentions_of_an_unfitted_matcher_is_the_not_fitted_error():
    _, sentences = _tiny()
    with pytest.raises(NotFittedError):
        labels.label_mentions(sentences, matcher=LabelMatcher(referents=(CAMPS,)))


def test_matcher_estimator_contract_and_errors():
    m = LabelMatcher(referents=(CAMPS,))
    with pytest.raises(NotFittedError):
        m.find("camps")
    c = clone(m)
    assert c.get_params() == m.get_params() and not [a for a in vars(c) if a.endswith("_")]
    assert c.fit() is c
    with pytest.raises(ValueError, match="'bad'.*unterminated|'bad'.*missing"):
        LabelMatcher(referents=(Referent("r", {"bad": ("camps(",)}),)).fit()
    with pytest.raises(ValueError, match="unique"):
        LabelMatcher(referents=(CAMPS, CAMPS)).fit()
    # zero-width forms never make mentions
    assert _matcher(Referent("z", {"empty": ("x?",)})).find("abc") == []


# --- label_mentions and labels_by_outlet ----------------------------------------------------------------------

# doc -> (outlet, leaning, sentences)
TINY = {
    "d1": ("A", "left", ["They ran re-education camps.", "More re-education camps opened."]),
    "d2": ("A", "left", ["Officials say vocational training centers.", "Critics say re-education camps."]),
    "d3": ("A", "left", ["Nothing about it here."]),
    "d4": ("B", "left", ["Internment camps in Xinjiang."]),
    "d5": ("C", "right", ["Concentration camps, they said."]),
    "d6": ("C", "right", ["Re-education camps again."]),
    "d7": ("D", "right", ["Trade talks resumed."]),
}


def _tiny():
    articles = pd.DataFrame([(d, o, lean) for d, (o, lean, _) in TINY.items()], columns=["doc_id", "outlet", "leaning"])
    sentences = pd.DataFrame([(d, i, o, s) for d, (o, _, ss) in TINY.items() for i, s in enumerate(ss)],
                             columns=["doc_id", "sent_id", "outlet", "text"])
    return articles, sentences


def test_label_mentions_table():
    _, sentences = _tiny()
    m = labels.label_mentions(sentences, matcher=_matcher(CAMPS))
    _check_kinds(m, "label_mentions")
    assert len(m) == 7 and m["doc_id"].tolist() == ["d1", "d1", "d2", "d2", "d4", "d5", "d6"]
    texts = sentences.set_index(["doc_id", "sent_id"])["text"]
    assert all(texts[(d, s)][a:b] == x for d, s, a, b, x in zip(m["doc_id"], m["sent_id"], m["start"], m["end"],
                                                                 m["matched"]))
    empty = labels.label_mentions(sentences.iloc[:0], matcher=_matcher(CAMPS))
    assert empty.empty
    _check_kinds(empty, "label_mentions")


def _wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    # Wilson (1927) score interval, written out.
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_labels_by_outlet_hand_computed():
    articles, sentences = _tiny()
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS))
    out = labels.labels_by_outlet(mentions, articles, referents=[CAMPS], confidence=0.9)
    _check_kinds(out, "label_shares")
    row = out.set_index(["group_var", "group", "label"])
    # (group_var, group, label): (n_articles, n_using, n_mentions), counted by hand from TINY
    expected = {
        ("outlet", "A", "re-education camps"): (2, 2, 3),  # d1 twice, d2 once; d3 never names the camps
        ("outlet", "A", "vocational training centers"): (2, 1, 1),
        ("outlet", "A", "internment camps"): (2, 0, 0),
        ("outlet", "B", "internment camps"): (1, 1, 1),
        ("outlet", "C", "concentration camps"): (2, 1, 1),
        ("outlet", "C", "re-education camps"): (2, 1, 1),
        ("leaning", "left", "re-education camps"): (3, 2, 3),
        ("leaning", "left", "internment camps"): (3, 1, 1),
        ("leaning", "left", "vocational training centers"): (3, 1, 1),
        ("leaning", "right", "concentration camps"): (2, 1, 1),
        ("leaning", "right", "detention camps"): (2, 0, 0),
    }
    for key, (n, k, n_mentions) in expected.items():
        r = row.loc[key]
        assert (r["n_articles"], r["n_using"], r["n_mentions"]) == (n, k, n_mentions), key
        assert r["share"] == pytest.approx(k / n)
        ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((ref.low, ref.high))
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(_wilson(k, n, 0.9), abs=1e-12)
    # D never names the referent: no rows; every label has a row in each group that does.
    assert "D" not in set(out["group"])
    assert len(out) == (3 + 2) * 5
    assert set(out["group"]) == {"A", "B", "C", "left", "right"}


def test_labels_by_outlet_counts_only_listed_articles():
    articles, sentences = _tiny()
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS))
    out = labels.labels_by_outlet(mentions, articles[articles["doc_id"] != "d1"], referents=[CAMPS], by=("outlet",))
    a = out.set_index(["group", "label"]).loc[("A", "re-education camps")]
    assert (a["n_articles"], a["n_using"]) == (1, 1)
    assert labels.labels_by_outlet(mentions.iloc[:0], articles, referents=[CAMPS]).empty


# --- label_contrasts -----------------------------------------------------------------------------------------

def _fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    # Sum of hypergeometric probabilities of tables with the same margins no more likely than the observed one.
    r1, c1, n = a + b, a + c, a + b + c + d

    def prob(x):
        return math.comb(c1, x) * math.comb(n - c1, r1 - x) / math.comb(n, r1)

    observed = prob(a)
    return min(1.0, sum(prob(x) for x in range(max(0, r1 + c1 - n), min(r1, c1) + 1)
                        if prob(x) <= observed * (1 + 1e-7)))


def _bh(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1)
    return out


def test_label_contrasts_fisher_and_bh_by_hand():
    # (group, label): (n_articles, n_using)
    counts = {("left", "x"): (10, 8), ("right", "x"): (12, 2), ("center", "x"): (6, 3),
              ("left", "y"): (10, 1), ("right", "y"): (12, 7), ("center", "y"): (6, 0),
              ("left", "z"): (10, 0), ("right", "z"): (12, 0), ("center", "z"): (6, 0),
              ("tiny", "x"): (3, 3), ("tiny", "y"): (3, 0), ("tiny", "z"): (3, 0)}
    shares = pd.DataFrame([dict(referent="r", group_var="leaning", group=g, label=lab, n_articles=n, n_using=k,
                                share=k / n, ci_low=0.0, ci_high=1.0, n_mentions=k)
                           for (g, lab), (n, k) in counts.items()])
    out = labels.label_contrasts(shares, group_var="leaning", min_articles=5)
    _check_kinds(out, "label_contrasts")
    # "tiny" has < 5 articles; label z is used by nobody: 3 pairs x 2 labels
    assert len(out) == 6 and "tiny" not in set(out["group_a"]) | set(out["group_b"])
    assert set(out["label"]) == {"x", "y"}
    for r in out.itertuples():
        assert r.group_a < r.group_b
        assert r.diff == pytest.approx(r.n_using_a / r.n_a - r.n_using_b / r.n_b)
        assert r.p == pytest.approx(_fisher_two_sided(r.n_using_a, r.n_a - r.n_using_a,
                                                      r.n_using_b, r.n_b - r.n_using_b), rel=1e-9)
    assert out["p_fdr"].to_numpy() == pytest.approx(_bh(out["p"].to_numpy()))
    left_right_x = out.set_index(["label", "group_a", "group_b"]).loc[("x", "left", "right")]
    assert (left_right_x["n_a"], left_right_x["n_using_a"], left_right_x["share_b"]) == (10, 8, pytest.approx(2 / 12))
    assert labels.label_contrasts(shares, group_var="outlet").empty


# --- discover_labels -----------------------------------------------------------------------------------------

SYNTHETIC = [
    "Uighur detainees were held in re-education camps without trial, former inmates said.",
    "Thousands of Kazakhs were held in internment camps without trial in Xinjiang.",
    "Officials call the vocational training centers voluntary boarding schools.",
    "Many families were sent to re-education camps far from home.",
    "Uighur detainees were held in indoctrination centers without trial, relatives said.",
    "Thousands of Kazakhs were held in indoctrination centers without trial in Xinjiang.",
    "Officials call the indoctrination centers voluntary schools.",
    "The trade talks in Washington ended without a deal on tariffs.",
    "Soybean farmers in Iowa worried about tariffs and the trade talks.",
    "The trade talks resumed in Beijing on Monday, officials said.",
    "Farmers said tariffs cost them dearly this year, and farmers in Iowa agreed.",
]


@pytest.mark.parametrize("method", ["context", "head_noun"])
def test_discovery_ranks_the_unlisted_synonym_first(method):
    sentences = pd.DataFrame({"doc_id": [f"s{i}" for i in range(len(SYNTHETIC))], "sent_id": 0, "outlet": "X",
                              "text": SYNTHETIC})
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS))
    out = labels.discover_labels(sentences, mentions, referent=CAMPS, method=method)
    _check_kinds(out, "label_candidates")
    assert out["candidate"].iloc[0] == "indoctrination centers"
    top = out.iloc[0]
    assert top["n"] == 3 and top["example_sentence_doc"] == "s4#0" and top["score"] > 1.5 * out["score"].iloc[1]
    assert top["method"].startswith(method)
    # known labels and their parts inside matches are never candidates; the synonym's own words are folded into it
    assert not {"re-education camps", "camps", "internment camps", "indoctrination", "centers"} & set(out["candidate"])
    assert out["score"].is_monotonic_decreasing
    if method == "context":
        assert {"trade talks", "tariffs"} <= set(out["candidate"])  # distractors present, ranked below
        assert out.set_index("candidate").loc["trade talks", "score"] < top["score"] / 2
    else:
        # only n-grams ending in a known head noun; a longer variant used in fewer places stays listed
        assert out["candidate"].tolist() == ["indoctrination centers", "held in indoctrination centers"]


def test_discovery_edge_cases():
    sentences = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": 0, "outlet": "X", "text": ["x y", "x y"]})
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS))
    out = labels.discover_labels(sentences, mentions, referent=CAMPS)
    assert out.empty  # no known-label occurrence: nothing to compare with
    _check_kinds(out, "label_candidates")
    with pytest.raises(ValueError, match="method='pos'"):
        labels.discover_labels(sentences, mentions, referent=CAMPS, method="pos")


# --- real data ----------------------------------------------------------------------------------------------

@pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").is_file(),
                    reason="shared AllSides mirror not present")
@pytest.mark.slow  # label mentions over the AllSides Xinjiang articles
def test_allsides_xinjiang_labels(project):
    from analysis.collect import datasets
    from analysis.text import prepare

    df = datasets.load_allsides()
    pattern = r"uighur|uyghur|xinjiang"
    df = df[df["text"].str.contains(pattern, case=False) | df["title"].str.contains(pattern, case=False)]
    articles = pd.DataFrame({"doc_id": df["source_id"], "outlet": df["source_outlet"],
                             "leaning": df["dataset_label"], "text": df["text"]})
    sentences = prepare.split_sentences(articles)
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS, ENTITY_LIST))
    assert mentions.loc[mentions["referent"] == "camps", "doc_id"].nunique() >= 10
    shares = labels.labels_by_outlet(mentions, articles, referents=[CAMPS, ENTITY_LIST])
    by_leaning = shares[(shares["group_var"] == "leaning") & (shares["referent"] == "camps")]
    assert set(by_leaning["group"]) == {"left", "center", "right"}
    assert labels.label_contrasts(shares, group_var="leaning")["p_fdr"].between(0, 1).all()
    found = labels.discover_labels(sentences, mentions, referent=CAMPS, top=10)
    assert len(found) == 10 and found["n"].min() >= 2


def test_a_label_in_a_quote_is_the_speakers_not_the_outlets():
    text = ("Activists call them “concentration camps where a million people are held,” Ms. Li said. "
            "Reporters visited the re-education camps last year.")
    articles = pd.DataFrame({"doc_id": ["d"], "outlet": ["A"], "leaning": ["left"], "text": [text]})
    from analysis.text import voice
    from analysis.text.prepare import split_sentences

    sentences = split_sentences(articles)
    spans = voice.voice_spans(articles, sentences)
    mentions = labels.label_mentions(sentences, matcher=_matcher(CAMPS), voices=spans)
    _check_kinds(mentions, "label_mentions")
    assert mentions.set_index("label")["voice"].to_dict() == {"concentration camps": "quoted",
                                                              "re-education camps": "outlet"}
    by_voice = labels.label_voices(mentions, articles, referents=[CAMPS], by=("outlet",))
    _check_kinds(by_voice, "label_voices")
    used = by_voice.loc[by_voice["n_using"] > 0].set_index("voice")["label"].to_dict()
    assert used == {"others": "concentration camps", "outlet": "re-education camps"}
    # without voices every match is the outlet's
    assert set(labels.label_mentions(sentences, matcher=_matcher(CAMPS))["voice"]) == {"outlet"}


def _planted(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Left articles call the sites "prison camps", right ones "training schools"; both share contexts."""
    rng = np.random.default_rng(seed)
    frames = ["Thousands of people are held in {} across the region.",
              "Former detainees described life inside the {} to reporters.",
              "The government expanded the {} last year despite criticism.",
              "Satellite images show new {} near the desert city."]
    filler = ["Officials met on Monday to discuss trade.", "The market rose after the report.",
              "Analysts expect growth to slow this year.", "The company denied the claims again."]
    rows = []
    for k in range(40):
        side = "left" if k < 20 else "right"
        label = "prison camps" if side == "left" else "training schools"
        text = " ".join([frames[i].format(label) for i in rng.choice(4, 2, replace=False)]
                        + list(rng.choice(filler, 2, replace=False)))
        rows.append((f"d{k:02d}", f"Outlet {k % 5}", side, text))
    articles = pd.DataFrame(rows, columns=["doc_id", "outlet", "leaning", "text"])
    from analysis.text.prepare import split_sentences

    return articles, split_sentences(articles)


@pytest.mark.parametrize("method", ["context", "contrast"])
def test_a_planted_label_of_the_other_side_is_found_with_its_group(method):
    articles, sentences = _planted()
    known = Referent("sites", {"prison camps": ("prison camps?",)})
    mentions = labels.label_mentions(sentences, matcher=_matcher(known))
    out = labels.discover_labels(sentences, mentions, referent=known, method=method, articles=articles, by="leaning")
    _check_kinds(out, "label_candidates")
    assert "training schools" in out["candidate"].head(3).tolist()
    row = out.set_index("candidate").loc["training schools"]
    assert row["top_group"] == "right" and row["n_by_group"] == "left 0; right 20" and row["separation"] > 3
    assert row["example_sentence_doc"].split("#")[0] in set(articles.loc[articles["leaning"] == "right", "doc_id"])
    with pytest.raises(ValueError, match="articles with a 'leaning' column"):
        labels.discover_labels(sentences, mentions, referent=known, method="contrast")


def test_abbreviations_are_one_word_in_candidates():
    articles, sentences = _planted()
    sentences = sentences.assign(text=sentences["text"].str.replace("Officials", "U.S. officials", regex=False))
    known = Referent("sites", {"prison camps": ("prison camps?",)})
    mentions = labels.label_mentions(sentences, matcher=_matcher(known))
    out = labels.discover_labels(sentences, mentions, referent=known, method="context", top=200)
    words = {w for c in out["candidate"] for w in c.split()}
    assert "u.s." in words and not {"u", "s"} & words


def test_a_runaway_label_pattern_is_a_one_line_error_naming_the_referent_and_label():
    matcher = LabelMatcher(referents=[Referent("r", {"bad": (r"(\w|\w\w)+$",)})]).fit()
    with pytest.raises(PatternTimeoutError, match=r"^referent 'r' label 'bad': pattern .* took over 1 s"):
        matcher.find("a" * 40 + "!")
