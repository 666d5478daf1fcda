"""Fact coverage: planted facts in tiny invented corpora, events, duplicates, output contracts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core import tables
from analysis.provenance import facts

# One invented event: three outlets, one per side. "budget" is said by left and center in different
# words and order, and omitted by right; "praise" only by the right-side outlets; "oppose" by all.
PLANTED = {
    "L1": ("Left Daily", "left", [
        "The transport ministry said the new rail budget would double funding for rural lines next year.",
        "Opposition leaders firmly oppose the plan and promised to fight it in parliament this autumn.",
        "Heavy rain is expected across the northern valleys later this week, forecasters warned.",
    ]),
    "C1": ("Center Wire", "center", [
        "Financing for rural routes will double next year under the new rail budget, the transport ministry said.",
        "Opposition leaders said they firmly oppose the plan and will fight it in parliament.",
        "The city football club won its third match of the season on Sunday evening.",
    ]),
    "R1": ("Right Post", "right", [
        "Farmers praised the harbour expansion as a long overdue boost for coastal exports.",
        "Opposition leaders firmly oppose the plan and vowed to fight it in parliament this autumn.",
        "A museum exhibition of medieval maps opens downtown next month with free entry.",
    ]),
    "R2": ("Lean Right Times", "lean right", [
        "The harbour expansion was praised by farmers as a long overdue boost for coastal exports.",
    ]),
}
BUDGET, OPPOSE, PRAISE = ("L1", 0), ("L1", 1), ("R1", 0)


def _corpus(spec: dict = PLANTED, *, event: str | None = None,
            published: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    arts, sents = [], []
    for doc, (outlet, leaning, lines) in spec.items():
        arts.append({"doc_id": doc, "outlet": outlet, "leaning": leaning, "outlet_type": "news",
                     "published": pd.Timestamp((published or {}).get(doc, "2021-05-01"), tz="UTC"),
                     "text": " ".join(lines), "is_duplicate": False})
        start = 0
        for i, line in enumerate(lines):
            sents.append({"doc_id": doc, "sent_id": i, "outlet": outlet, "start": start,
                          "end": start + len(line), "text": line})
            start += len(line) + 1
    articles = pd.DataFrame(arts)
    if event is not None:
        articles["event_id"] = event
    return articles, pd.DataFrame(sents)


def _fact_of(fs: pd.DataFrame, key: tuple[str, int]) -> str:
    return fs.set_index(["doc_id", "sent_id"]).loc[key, "fact_id"]


@pytest.fixture(scope="module")
def planted():
    articles, sentences = _corpus()
    fs = facts.group_facts(sentences, articles)
    return articles, sentences, fs


def test_paraphrased_fact_merges_and_omission_shows(planted):
    articles, _, fs = planted
    budget = _fact_of(fs, BUDGET)
    assert set(fs.loc[fs["fact_id"] == budget, "doc_id"]) == {"L1", "C1"}
    assert _fact_of(fs, ("C1", 0)) == budget
    cov = facts.fact_coverage(fs, articles, by="outlet")
    row = cov[(cov["fact_id"] == budget)].set_index("group")
    assert row.loc["Right Post", "covered"] == False  # noqa: E712  (numpy bool)
    assert row.loc["Right Post", "share"] == 0.0
    assert row.loc["Left Daily", "share"] == 1.0 and row.loc["Center Wire", "covered"]
    wide = facts.coverage_matrix(cov)
    assert wide.loc[budget, "Right Post"] == 0.0
    # The fact all three outlets carried sorts first; the outlet carrying most facts first.
    assert wide.index[0] == _fact_of(fs, OPPOSE)
    assert (wide.loc[wide.index[0]] > 0).sum() == 3


def test_coverage_matrix_is_the_pivot_sorted_by_how_often_each_fact_and_group_carry():
    rng = np.random.default_rng(3)
    n = 4000
    cov = pd.DataFrame({"fact_id": [f"f{i:03d}" for i in rng.integers(0, 300, n)],
                        "group": [f"g{i}" for i in rng.integers(0, 11, n)],
                        "share": rng.choice([0.0, 0.25, 1.0, np.nan], n), "group_var": "outlet"})
    cov = cov.drop_duplicates(["fact_id", "group"])
    wide = facts.coverage_matrix(cov)
    pivot = cov.pivot(index="fact_id", columns="group", values="share")
    n_fact, n_group = (pivot > 0).sum(axis=1), (pivot > 0).sum(axis=0)
    rows = sorted(pivot.index, key=lambda f: (-n_fact[f], f))
    cols = sorted(pivot.columns, key=lambda g: (-n_group[g], g))
    expected = pivot.loc[rows, cols].astype("float64")
    expected.columns.name = None
    pd.testing.assert_frame_equal(wide, expected)
    with pytest.raises(ValueError, match="more than one row"):
        facts.coverage_matrix(pd.concat([cov, cov.iloc[:1]]))


def test_one_sided_fact_is_right(planted):
    articles, sentences, fs = planted
    table = facts.facts_table(fs, sentences, articles)
    one = facts.one_sided_facts(facts.fact_coverage(fs, articles, by="leaning"), facts=table)
    assert set(one.groupby("fact_id")["side"].apply(tuple)) == {("left", "center", "right")}  # long: a row per side
    one = one.set_index(["fact_id", "side"])
    praise, budget = _fact_of(fs, PRAISE), _fact_of(fs, BUDGET)
    assert one.loc[(praise, "right"), "carried_by"] == "right"
    assert (one.loc[(praise, "right"), "n_covering"], one.loc[(praise, "left"), "n_covering"],
            one.loc[(praise, "right"), "n_articles"]) == (2, 0, 2)
    assert "harbour expansion" in one.loc[(praise, "left"), "fact_text"]
    assert one.loc[(budget, "left"), "carried_by"] == "left"
    assert _fact_of(fs, OPPOSE) not in one.index.get_level_values("fact_id")


def test_center_only_and_absent_side_is_no_omission():
    spec = {"L": ("A", "left", ["Unrelated weather notes about snow falling on the high mountain passes."]),
            "C1": ("B", "center", ["The agency confirmed the bridge inspection found serious structural cracks."]),
            "C2": ("D", "center",
                   ["Serious structural cracks were found in the bridge inspection, the agency confirmed."]),
            "R": ("E", "right", ["A different story about a bakery that opened its second shop downtown."])}
    articles, sentences = _corpus(spec)
    fs = facts.group_facts(sentences, articles)
    one = facts.one_sided_facts(facts.fact_coverage(fs, articles, by="leaning"))
    assert list(one["carried_by"].unique()) == ["center only"] and one["fact_id"].nunique() == 1
    # Without any right-side article in the study, not carrying a fact is no omission by the right.
    articles2, sentences2 = _corpus({k: v for k, v in PLANTED.items() if v[1] not in ("right", "lean right")})
    fs2 = facts.group_facts(sentences2, articles2)
    assert facts.one_sided_facts(facts.fact_coverage(fs2, articles2, by="leaning")).empty


def test_unrelated_sentences_do_not_merge(planted):
    _, _, fs = planted
    unrelated = [("L1", 2), ("C1", 2), ("R1", 2)]
    ids = [_fact_of(fs, k) for k in unrelated]
    assert len(set(ids)) == 3
    assert all((fs["fact_id"] == f).sum() == 1 for f in ids)
    # Single-article facts are kept in the sentence table but not in the default coverage.
    cov = facts.fact_coverage(fs, planted[0])
    assert not set(ids) & set(cov["fact_id"])
    assert set(ids) <= set(facts.fact_coverage(fs, planted[0], min_articles=1)["fact_id"])


def test_same_article_sentences_do_not_chain():
    # X states two facts; Y repeats the first. Were X's sentences from two articles, the road-repair
    # sentence would join through average linkage (mean distance 0.67 < 0.72); from one article it may not.
    lines = ["The city council approved the school budget on Monday night after a long debate.",
             "The city council budget for road repairs was delayed on Monday night by a procedural dispute.",
             "On Monday night the city council approved the school budget after a long debate."]
    one = {"X": ("A", "left", lines[:2]), "Y": ("B", "right", lines[2:])}
    fs = facts.group_facts(*_corpus(one)[::-1])
    assert _fact_of(fs, ("X", 0)) == _fact_of(fs, ("Y", 0)) != _fact_of(fs, ("X", 1))
    two = {"X": ("A", "left", lines[:1]), "Z": ("C", "left", lines[1:2]), "Y": ("B", "right", lines[2:])}
    assert facts.group_facts(*_corpus(two)[::-1])["fact_id"].nunique() == 1


def test_events_are_respected():
    same = "Officials confirmed the river crossing will reopen to traffic on Friday morning."
    spec = {"a": ("A", "left", [same]), "b": ("B", "right", [same]),
            "c": ("C", "left", [same]), "d": ("D", "right", [same])}
    articles, sentences = _corpus(spec)
    articles["event_id"] = ["e1", "e1", "e2", "e2"]
    fs = facts.group_facts(sentences, articles)
    assert fs["fact_id"].nunique() == 2
    assert fs.groupby("fact_id")["event_id"].nunique().max() == 1
    assert list(fs.drop_duplicates("fact_id")["event_id"]) == ["e1", "e2"]
    # Ignoring the event column pools everything into one fact; an all-empty column does too.
    assert facts.group_facts(sentences, articles, event=None)["fact_id"].nunique() == 1
    assert facts.group_facts(sentences, articles.assign(event_id=""))["fact_id"].nunique() == 1
    cov = facts.fact_coverage(fs, articles, by="outlet")
    assert set(cov.loc[cov["event_id"] == "e1", "group"]) == {"A", "B"}  # groups with articles in e1 only
    with pytest.raises(ValueError, match="event"):
        facts.fact_coverage(fs, articles, event=None)


def test_duplicates_excluded():
    articles, sentences = _corpus()
    articles.loc[articles["doc_id"] == "C1", "is_duplicate"] = True
    fs = facts.group_facts(sentences, articles)
    assert "C1" not in set(fs["doc_id"])
    cov = facts.fact_coverage(fs, articles, by="outlet")
    assert "Center Wire" not in set(cov["group"])
    assert "C1" in set(facts.group_facts(sentences, articles, exclude_duplicates=False)["doc_id"])


def test_short_and_boilerplate_sentences_are_not_candidates():
    spec = {"a": ("A", "left", ["By Jane Example and John Sample, Staff Writers", "Read more.",
                                "The ministry did not immediately respond to a request for comment on Monday.",
                                "The port authority confirmed a new terminal will open in early June.",
                                "Port officials DECLINED to COMMENT on the terminal plans this week.",
                                "Terminal opens early June, confirmed."])}  # five words
    articles, sentences = _corpus(spec)
    assert list(facts.group_facts(sentences, articles)["sent_id"]) == [3]


def _kinds(frame: pd.DataFrame) -> dict[str, str]:
    kind = {"O": "str", "T": "str", "i": "int", "f": "float", "b": "bool"}
    return {c: kind.get(frame[c].dtype.kind, "str" if pd.api.types.is_string_dtype(frame[c]) else "?")
            for c in frame}


@pytest.mark.parametrize("empty", [False, True])
def test_output_columns_and_dtypes(planted, empty):
    articles, sentences, _ = planted
    if empty:
        sentences = sentences.iloc[:0]
    fs = facts.group_facts(sentences, articles)
    table = facts.facts_table(fs, sentences, articles)
    cov = facts.fact_coverage(fs, articles, by="leaning")
    outputs = [(fs, "fact_sentences"), (table, "facts"), (cov, "fact_coverage"),
               (facts.coverage_by_side(cov), "fact_coverage"),
               (facts.one_sided_facts(cov, facts=table), "one_sided_facts"),
               (facts.omission_summary(cov, n_boot=50), "fact_omission")]
    for frame, name in outputs:
        columns = tables.schema(name).columns
        assert list(frame.columns) == [c.name for c in columns]
        assert _kinds(frame) == {c.name: c.kind for c in columns}
        for c in columns:
            if c.kind == "str":
                assert not frame[c.name].isna().any()
                assert pd.api.types.is_string_dtype(frame[c.name])
        pd.testing.assert_frame_equal(tables.validate(frame, name), frame)
    if not empty:
        assert fs["is_medoid"].sum() == fs["fact_id"].nunique() == len(table)
        assert np.allclose(fs.loc[fs["is_medoid"], "similarity"], 1.0)


def test_facts_table_values(planted):
    articles, sentences, fs = planted
    articles = articles.assign(published=pd.to_datetime(
        ["2021-05-03", "2021-05-02", "2021-05-01", "2021-05-04"], utc=True))
    table = facts.facts_table(fs, sentences, articles).set_index("fact_id")
    budget = table.loc[_fact_of(fs, BUDGET)]
    assert (budget["n_sentences"], budget["n_articles"], budget["n_outlets"]) == (2, 2, 2)
    assert budget["outlets"] == "Center Wire; Left Daily" and budget["leanings"] == "center; left"
    assert budget["first_doc_id"] == "C1"
    assert budget["fact_text"] in set(sentences["text"])
    assert table.loc[_fact_of(fs, OPPOSE), "n_articles"] == 3


def test_fact_ids_deterministic(planted):
    articles, sentences, fs = planted
    again = facts.group_facts(sentences, articles)
    pd.testing.assert_frame_equal(fs, again)
    shuffled = facts.group_facts(sentences.sample(frac=1, random_state=3), articles.sample(frac=1, random_state=4))
    pd.testing.assert_frame_equal(fs, shuffled)
    # Ordered by articles carrying the fact: the three-article fact is f0001.
    assert _fact_of(fs, OPPOSE) == "f0001"


def test_omission_summary_over_events():
    frames = []
    for i in range(6):
        spec = dict(PLANTED)
        if i % 2:  # in odd events the right carries the budget too, so its omission rate varies by event
            spec["R1"] = (spec["R1"][0], "right", [PLANTED["C1"][2][0]] + spec["R1"][2])
        a, s = _corpus(spec)
        frames.append((a.assign(doc_id=a["doc_id"] + f"-{i}", event_id=f"e{i}"),
                       s.assign(doc_id=s["doc_id"] + f"-{i}")))
    articles = pd.concat([f[0] for f in frames], ignore_index=True)
    sentences = pd.concat([f[1] for f in frames], ignore_index=True)
    fs = facts.group_facts(sentences, articles)
    cov = facts.coverage_by_side(facts.fact_coverage(fs, articles, by="leaning"))
    summary = facts.omission_summary(cov, n_boot=500, seed=1).set_index("group")
    assert set(summary.index) == {"left", "center", "right"}
    assert (summary["n_events"] == 6).all()
    assert (summary["ci_low"] <= summary["omission_rate"]).all()
    assert (summary["omission_rate"] <= summary["ci_high"]).all()
    assert summary.loc["right", "ci_low"] < summary.loc["right", "ci_high"]
    assert summary["ci_method"].str.contains("over events").all()
    pd.testing.assert_frame_equal(summary, facts.omission_summary(cov, n_boot=500, seed=1).set_index("group"))
    # One event: facts are resampled, and the method says so.
    single = facts.omission_summary(cov[cov["event_id"] == "e1"], n_boot=200)
    assert single["ci_method"].str.contains("over facts").all()
    assert ((single["ci_low"] <= single["omission_rate"]) & (single["omission_rate"] <= single["ci_high"])).all()


def test_validate_on_events_scores_pooled_clusters():
    clusters = pd.DataFrame([
        ("e1", "e1-a", "a", "The transport ministry said the rail budget will double funding for rural lines."),
        ("e1", "e1-b", "b", "Funding for rural lines will double under the rail budget, the transport ministry said."),
        ("e1", "e1-c", "c", "Critics called the spending plan wasteful and poorly targeted overall."),
        ("e2", "e2-a", "a", "Firefighters contained the forest blaze near the lake after three days of work."),
        ("e2", "e2-b", "b", "After three days, firefighters contained the forest blaze near the lake."),
        ("e2", "e2-c", "c", "Residents were allowed back into their homes on the eastern shore."),
    ], columns=["event_id", "doc_id", "side", "text"])
    out = facts.validate_on_events(clusters, threshold=[0.5, facts.DEFAULT_THRESHOLD])
    assert ["split", *out.columns] == tables.schema("fact_matching_validation").names  # the caller adds the split
    assert list(out["threshold"]) == [0.5, facts.DEFAULT_THRESHOLD]
    last = out.iloc[-1]
    assert (last["n_events"], last["n_pairs"], last["n_pairs_same_event"]) == (2, 2, 2)
    assert last["pair_precision"] == 1.0 and last["event_recall"] == 1.0


def test_bad_options_are_named():
    articles, sentences = _corpus()
    with pytest.raises(ValueError, match="threshold"):
        facts.group_facts(sentences, articles, threshold=1.2)
    fs = facts.group_facts(sentences, articles)
    with pytest.raises(ValueError, match="by"):
        facts.fact_coverage(fs, articles, by="nope")
    with pytest.raises(ValueError, match="sides"):
        facts.one_sided_facts(facts.fact_coverage(fs, articles, by="leaning"), sides=("left", "up"))
    with pytest.raises(ValueError, match="leaning"):
        facts.one_sided_facts(facts.fact_coverage(fs, articles, by="outlet"))


def test_giant_component_fallback_warns_and_groups(planted):
    articles, sentences, fs = planted
    with pytest.warns(UserWarning, match="max_block"):
        small = facts.group_facts(sentences, articles, max_block=2)
    assert _fact_of(small, OPPOSE) == "f0001"
    assert small.groupby("fact_id")["doc_id"].nunique().max() == 3
