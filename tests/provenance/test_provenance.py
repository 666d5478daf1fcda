"""The provenance stage: event assignment, and every table on a real same-event corpus (NeuS AllSides roundups)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED_DATA

from analysis.collect import provenance_datasets
from analysis.core import tables
from analysis.core.study import Study
from analysis.provenance import facts, provenance
from analysis.report import provenance_figures
from analysis.sentiment import scoring
from analysis.text import prepare
from analysis.validation import provenance_gold

needs_neus = pytest.mark.skipif(not (SHARED_DATA / "neus_allsides").exists(), reason="needs ../shared/data")


def _articles(rows):
    return pd.DataFrame(rows, columns=["doc_id", "published", "event_id"]).assign(
        published=lambda d: pd.to_datetime(d["published"], utc=True))


def test_coverage_events_split_bursts_and_keep_given_events():
    articles = _articles([("a", "2019-10-01", None), ("b", "2019-10-03", None), ("c", "2019-10-10", None),
                          ("d", None, None), ("e", "2019-10-02", "story:7")])
    got = provenance.coverage_events(articles, gap_days=3).set_index("doc_id")["event_id"].to_dict()
    assert got == {"a": "burst:2019-10-01", "b": "burst:2019-10-01", "c": "burst:2019-10-10",
                   "d": "undated:d", "e": "story:7"}
    one = provenance.coverage_events(articles.drop(columns="event_id"), gap_days=0)
    assert set(one["event_id"]) == {"study"}
    assert set(provenance.coverage_events(articles.drop(columns="event_id"), gap_days=0, max_days=1)["event_id"]) \
        == {"study"}


def _daily(n_days, start="2020-01-01 09:00"):
    days = pd.date_range(start, periods=n_days, freq="D", tz="UTC")
    return pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(n_days)], "published": days, "event_id": None})


def test_coverage_events_cut_continuous_coverage_into_windows():
    # An article every day for 30 days: one event under the gap rule alone, windows of 8 days under a 7-day
    # bound (day 7 is exactly 7 days after day 0, so still inside; day 8 is past it and starts the next).
    articles = _daily(30)
    assert provenance.coverage_events(articles, gap_days=3, max_days=0)["event_id"].nunique() == 1
    got = provenance.coverage_events(articles, gap_days=3, max_days=7)
    sizes = got.groupby("event_id", sort=True).size()
    assert sizes.to_dict() == {"burst:2020-01-01": 8, "burst:2020-01-09": 8, "burst:2020-01-17": 8,
                               "burst:2020-01-25": 6}
    assert (got.groupby("event_id")["published"].agg(lambda p: p.max() - p.min()) <= pd.Timedelta(days=7)).all()


def test_coverage_events_gap_and_bound_together():
    # Days 0-4 daily, a 5-day silence, then days 10-20 daily: the gap splits first, then the bound (3 days)
    # windows each burst from its own first article; input order does not matter.
    days = [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
    articles = pd.DataFrame({"doc_id": [f"d{d:02d}" for d in days], "event_id": None,
                             "published": pd.Timestamp("2020-03-01", tz="UTC") + pd.to_timedelta(days, unit="D")})
    got = provenance.coverage_events(articles.iloc[::-1], gap_days=3, max_days=3).set_index("doc_id")["event_id"]
    firsts = {d: got[f"d{d:02d}"].removeprefix("burst:2020-03-") for d in days}
    assert firsts == {0: "01", 1: "01", 2: "01", 3: "01", 4: "05", 10: "11", 11: "11", 12: "11", 13: "11",
                      14: "15", 15: "15", 16: "15", 17: "15", 18: "19", 19: "19", 20: "19"}
    # A longer bound than any burst changes nothing: the gap rule alone.
    assert provenance.coverage_events(articles, gap_days=3, max_days=30)["event_id"].nunique() == 2


def test_coverage_events_bound_keeps_given_and_undated_events():
    articles = pd.concat([_daily(20), pd.DataFrame({"doc_id": ["u1", "u2", "g1", "g2"],
                                                   "published": pd.to_datetime([None, None, "2020-01-02", "2022-05-01"],
                                                                               utc=True),
                                                   "event_id": [None, "", "story:1", "story:1"]})],
                         ignore_index=True)
    got = provenance.coverage_events(articles, gap_days=3, max_days=2).set_index("doc_id")["event_id"]
    assert got[["g1", "g2"]].tolist() == ["story:1", "story:1"]  # a given event spans years: kept whole
    assert got[["u1", "u2"]].tolist() == ["undated:u1", "undated:u2"]
    assert got[[f"d{i:02d}" for i in range(20)]].nunique() == 7  # windows of 3 days: 3 x 6 + 2


@pytest.mark.parametrize("kwargs", [dict(gap_days=-1), dict(gap_days=3, max_days=-7)])
def test_coverage_events_reject_negative_days(kwargs):
    with pytest.raises(ValueError, match="must be >= 0 days"):
        provenance.coverage_events(_daily(3), **kwargs)


@pytest.fixture(scope="module")
def neus_run():
    """Sixty AllSides stories (about 180 articles) through sentences, VADER and the provenance stage."""
    raw = provenance_datasets.load_neus_roundups()
    raw = raw.loc[raw["event_id"].isin(raw["event_id"].drop_duplicates().head(60))]
    articles = pd.DataFrame({
        "doc_id": raw["source_id"].str.replace(":", "-"), "outlet": raw["source_outlet"],
        "leaning": raw["dataset_label"], "outlet_type": "news", "published": raw["published"],
        "text": raw["text"], "event_id": raw["event_id"], "is_duplicate": False, "author": None,
    }).reset_index(drop=True)
    sentences = prepare.split_sentences(articles.assign(title=""))
    scores = scoring.score_sentences(sentences)
    study = Study(id="neus", title="t", groups=("outlet", "leaning"), seed=3)
    produced = provenance.provenance_tables(study, articles=articles, sentences=sentences, sentence_scores=scores,
                              frame_hits=None)
    return articles, sentences, produced


@needs_neus
def test_every_provenance_table_meets_its_contract(neus_run):
    _, _, produced = neus_run
    assert set(produced) == set(provenance.TABLES)
    for name, table in produced.items():
        pd.testing.assert_frame_equal(tables.validate(table, name), table)


@needs_neus
def test_same_event_coverage_counts_omissions_only_on_covered_events(neus_run):
    articles, _, produced = neus_run
    coverage = produced["fact_coverage"]
    by_leaning = coverage.loc[coverage["group_var"] == "leaning"]
    assert len(by_leaning) and (~by_leaning["covered"]).any() and by_leaning["covered"].any()
    # Every (group, event) row stands for articles the group actually ran on that event.
    events = articles.groupby(["leaning", "event_id"]).size()
    for r in by_leaning.itertuples():
        assert events[(r.group, r.event_id)] == r.n_articles
    omission = produced["fact_omission"].set_index(["group_var", "group"])
    for side in ("left", "center", "right"):
        row = omission.loc[("leaning", side)]
        assert 0 <= row["ci_low"] <= row["omission_rate"] <= row["ci_high"] <= 1
        assert "over events" in row["ci_method"]
    one_sided = produced["one_sided_facts"]
    assert set(one_sided["carried_by"]) <= {"left", "right", "center only"}


@needs_neus
def test_quotes_and_sources_on_real_leads(neus_run):
    _, _, produced = neus_run
    quotes = produced["quotes"]
    assert len(quotes) > 20 and (quotes["speaker"] != "").mean() > 0.5
    shares = produced["quote_sources"]
    sums = shares.loc[shares["n_quotes_total"] > 0].groupby(["group_var", "group"])["share"].sum()
    assert sums.round(9).eq(1).all()


@needs_neus
def test_fact_coverage_figure_reads_the_busiest_event(neus_run):
    _, _, produced = neus_run
    event = provenance_figures.busiest_event(produced["fact_coverage"])
    assert event is not None and event.startswith("allsides:")
    plot = provenance_figures.fact_coverage_plot(produced["fact_coverage"], produced["facts"], event=event)
    assert "1 event" in plot.caption and "× = the outlet covered the event but left the fact out" in plot.caption


@needs_neus
def test_fact_matching_validity_on_neus_human_events():
    table = provenance_gold.fact_matching_validity(splits=("test",))
    row = table.iloc[0]
    assert row["n_events"] == 307 and row["threshold"] == facts.DEFAULT_THRESHOLD
    # Pooled over events, most matched pairs must come from one human event, and most events must be linked.
    assert row["pair_precision"] > 0.7 and row["event_recall"] > 0.6


@needs_neus
def test_report_tables_for_one_sided_facts_and_reuse_clusters(neus_run):
    _, _, produced = neus_run
    table, caption = provenance_figures.one_sided_table(produced["one_sided_facts"], top=5)
    assert len(table) <= 5 and list(table.columns) == ["fact", "carried by", "left", "center", "right"]
    n = produced["one_sided_facts"].drop_duplicates("fact_id")["carried_by"].value_counts()
    assert all(f"{count} {side}" in caption for side, count in n.items())
    clusters, caption = provenance_figures.reuse_clusters_table(produced["reuse_clusters"])
    assert len(clusters) == produced["reuse_clusters"]["cluster_id"].nunique()
