"""Text reuse: planted rewrites, syndicated wire copy, wire credits and sentence marks."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from analysis.core import tables
from analysis.provenance import reuse, shared_shingles, wire
from analysis.text import prepare

# An invented wire story: twelve sentences about an invented designation.
WIRE = [
    "The Commerce Ministry of Freedonia on Monday added eight surveillance firms to its export blacklist.",
    "Officials said the companies had supplied cameras used to track members of a minority group.",
    "The designation bars the firms from buying components from Freedonian suppliers without a licence.",
    "Trade Minister Rufus Firefly said the decision reflected the country's commitment to human rights.",
    "The largest of the firms, Acme Optics, said it would comply with all applicable laws and regulations.",
    "Analysts said the move could disrupt supply chains for camera sensors and memory chips.",
    "The embassy of Sylvania called the blacklist an unjustified interference in its internal affairs.",
    "The firms together employ more than forty thousand people across three provinces.",
    "Negotiators from both countries are due to meet in Geneva later this month for trade talks.",
    "Human rights groups welcomed the step but said it came years too late for the detainees.",
    "Shares of Acme Optics fell nine percent in early trading after the announcement was published.",
    "A spokesman for the ministry declined to say whether more companies would be added this year.",
]
FILLER = [
    "Our newsletter arrives every morning with the biggest stories in technology and policy.",
    "In other news, the city council approved a new budget for public libraries on Tuesday evening.",
    "Weather forecasters expect heavy rain across the northern coast through the weekend.",
    "The local football club announced a new coach after a disappointing season in the league.",
    "A museum exhibition of medieval maps opened downtown and will run until the spring.",
    "Commuters faced long delays after a signal failure on the main railway line yesterday.",
]
PARAPHRASE = {"on Monday": "this week", "said": "stated", "supplied": "provided", "components": "parts"}


def _articles(rows: list[tuple[str, str, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": [r[0] for r in rows], "outlet": [r[1] for r in rows],
        "published": pd.to_datetime([r[2] for r in rows], utc=True), "text": [r[3] for r in rows],
    })


def _rewrite(sentences: list[str], *, seed: int) -> str:
    """Shuffle the sentences and lightly paraphrase every other one."""
    rng = random.Random(seed)
    out = sentences[:]
    rng.shuffle(out)
    for k in range(0, len(out), 2):
        for old, new in PARAPHRASE.items():
            out[k] = out[k].replace(old, new, 1)
    return " ".join(out)


@pytest.mark.parametrize("source_first", [True, False])
def test_rewrite_with_shuffled_sentences_and_paraphrase_is_found_with_the_right_direction(source_first):
    original = " ".join(WIRE)
    rewrite = _rewrite(WIRE[:9], seed=3) + " " + " ".join(FILLER[:3])
    dates = ("2019-10-07", "2019-10-08") if source_first else ("2019-10-09", "2019-10-08")
    articles = _articles([("a1", "Wire", dates[0], original), ("b2", "Blog", dates[1], rewrite),
                          ("c3", "Other", "2019-10-07", " ".join(FILLER[3:]))])
    pairs, passages = reuse.find_reuse(articles)
    assert list(zip(pairs["doc_a"], pairs["doc_b"])) == [("a1", "b2")]
    pair = pairs.iloc[0]
    assert pair["direction"] == ("a->b" if source_first else "b->a")
    assert pair["source_doc_id"] == ("a1" if source_first else "b2")
    # Most of the rewrite's shingles survive shuffling and light paraphrase; the original is partly copied.
    assert pair["containment_b_in_a"] > 0.4
    assert pair["containment_b_in_a"] > pair["containment_a_in_b"]
    assert pair["shared_passages"] == len(passages) >= 5
    # Each passage points at the same words in both texts.
    for p in passages.itertuples():
        a_words = shared_shingles.word_spans(original[p.a_start:p.a_end])[0]
        b_words = shared_shingles.word_spans(rewrite[p.b_start:p.b_end])[0]
        assert a_words[:3] == b_words[:3] or a_words[-3:] == b_words[-3:]


def test_unrelated_articles_on_the_same_event_are_not_reuse():
    own = ["Freedonia blacklisted eight camera makers over the treatment of a minority, its ministry announced.",
           "Critics in parliament argued that the sanctions were symbolic and would hurt domestic exporters.",
           "Acme Optics did not respond to a request for comment before publication of this article.",
           "Sylvania has threatened to retaliate against Freedonian farm exports if the list is not withdrawn."]
    articles = _articles([("a1", "Wire", "2019-10-07", " ".join(WIRE)), ("b2", "Paper", "2019-10-07", " ".join(own))])
    pairs, passages = reuse.find_reuse(articles)
    assert pairs.empty and passages.empty
    assert list(pairs.columns) == tables.schema("reuse_pairs").names


def test_a_wire_story_run_by_three_outlets_forms_one_cluster_named_after_the_agency():
    body = " ".join(WIRE)
    articles = _articles([
        ("w1", "Reuters", "2019-10-07", "GENEVA (Reuters) - " + body + "\n\nReporting by Ann Smith; Editing by Bo Li"),
        ("p2", "Daily Planet", "2019-10-08", body.replace("Acme Optics", "Acme") + " " + FILLER[0]),
        ("p3", "Gotham Gazette", "2019-10-08", " ".join(WIRE[:10])),
        ("p4", "Metropolis Post", "2019-10-08", " ".join(FILLER)),
    ])
    pairs, _ = reuse.find_reuse(articles)
    credits = wire.article_wire(articles)
    assert credits.set_index("doc_id").loc["w1", ["wire_agency", "wire_basis"]].tolist() == ["Reuters", "dateline"]
    clusters = reuse.reuse_clusters(pairs, articles, wire=credits)
    assert clusters["cluster_id"].nunique() == 1
    assert sorted(clusters["doc_id"]) == ["p2", "p3", "w1"]
    assert set(clusters["wire_agency"]) == {"Reuters"}
    assert clusters.set_index("doc_id")["is_origin"].to_dict() == {"p2": False, "p3": False, "w1": True}
    assert (clusters["n_outlets"] == 3).all()
    assert clusters["containment_in_origin"].between(0.85, 1.0).all()


@pytest.mark.parametrize("text, expected", [
    ("WASHINGTON (Reuters) - The U.S. added firms.", ("Reuters", "dateline")),
    ("BEIJING (AP) — China protested on Tuesday.", ("AP", "dateline")),
    ("HONG KONG (AFP) - Protests continued.", ("AFP", "dateline")),
    ("The firms denied wrongdoing.\n\nReporting by Jane Doe in Beijing; Editing by Tom Roe", ("Reuters", "credit line")),
    ("The firms denied wrongdoing.\n\nCopyright 2019 The Associated Press. All rights reserved.", ("AP", "credit line")),
    ("The firms denied wrongdoing.\n\nThe Associated Press contributed to this report.", ("AP", "contribution line")),
    ("The firms denied wrongdoing, Reuters reported on Monday.", ("Reuters", "citation")),
    ("The minister told The Associated Press that talks would go on.", ("AP", "citation")),
    ("According to a Bloomberg report, the list will grow.", ("Bloomberg", "citation")),
    ("An AP photographer was there. Reuters and AFP were not.", ("", "")),
])
def test_wire_credits_are_read_from_datelines_and_credit_lines_and_citations_come_last(text, expected):
    agency, basis, evidence = wire.credited_agency(text)
    assert (agency, basis) == expected
    assert (evidence == "") == (agency == "")


def test_sentence_marks_put_the_copy_on_the_later_article_and_split_weight():
    body = " ".join(WIRE)
    articles = _articles([("a1", "Wire", "2019-10-07", body),
                          ("b2", "Blog", "2019-10-08", " ".join(FILLER[:2]) + " " + " ".join(WIRE[:8])),
                          ("c3", "Paper", None, " ".join(WIRE[:8]) + " " + FILLER[3])])
    sentences = prepare.split_sentences(articles.assign(title=""))
    pairs, passages = reuse.find_reuse(articles)
    marks = reuse.sentence_reuse(sentences, pairs, passages, articles)
    assert list(marks.columns) == tables.schema("sentence_reuse").names
    by_doc = marks.groupby("doc_id")
    assert not by_doc.get_group("a1")["is_copy"].any()          # the dated original keeps its text
    b2 = by_doc.get_group("b2").sort_values("sent_id")
    assert b2["is_copy"].tolist() == [False, False] + [True] * 8  # the filler is its own
    assert b2["n_copies"].tolist()[2:] == [2] * 8                 # shared with a1 and c3
    # c3 is undated: a1 comes first in canonical order, so c3 holds the copy of a1's text.
    assert by_doc.get_group("c3").sort_values("sent_id")["is_copy"].tolist() == [True] * 8 + [False]
    assert np.isclose(by_doc.get_group("a1")["reused_share"].iloc[:8], 1.0, atol=0.02).all()


def test_empty_and_tiny_texts_do_not_break_the_index():
    articles = _articles([("a1", "A", None, ""), ("b2", "B", None, "Too short."), ("c3", "C", None, " ".join(WIRE))])
    pairs, passages = reuse.find_reuse(articles)
    assert pairs.empty and passages.empty


@pytest.mark.parametrize("author, expected", [
    ("Matthew Lee, Associated Press", ("AP", "byline")),
    ("Associated Press", ("AP", "byline")),
    ("Jane Doe and Reuters", ("Reuters", "byline")),
    ("Tiffany Ap, Brian Todd", ("", "")),        # a surname, not the agency
    ("Kerem Yucel Afp, Glenn Trudel", ("", "")),  # a photo credit run into a name
    (None, ("", "")),
])
def test_bylines_credit_an_agency_only_as_a_whole_author(author, expected):
    agency, basis, _ = wire.credited_agency("The firms denied wrongdoing.", author=author)
    assert (agency, basis) == expected


def test_a_dateline_outranks_the_byline_and_a_byline_outranks_a_contribution_line():
    text = "BEIJING (AFP) - China protested.\n\nThe Associated Press contributed to this report."
    assert wire.credited_agency(text, author="Reuters")[:2] == ("AFP", "dateline")
    assert wire.credited_agency(text.split("\n\n")[1], author="Reuters")[:2] == ("Reuters", "byline")


# --- shared quotations, travelling stories, imprecise dates (issue 20) --------------------------

STATEMENT = ("“This action constricts the ability of firms implicated in repression of minority groups to use "
             "Freedonian technology against those communities, and we will not stand for it,” the ministry said in "
             "its filing.")
OWN_WORDS = [
    ["Mayor Otis Driftwood opened a new bridge over the river on Sunday afternoon with a brass band.",
     "Traders in the capital shrugged off the news and the currency ended the session slightly firmer.",
     "Critics in parliament argued the government had moved too slowly for several years now."],
    ["A crowd gathered outside the ministry where protesters demanded the release of detained relatives.",
     "The opposition leader wrote a long letter complaining about the tone of the official announcement.",
     "Economists expect exports of optical sensors to shrink sharply during the coming quarter."],
    ["Our correspondent travelled to the border region where the factories in question are located.",
     "Local residents described cameras on every street corner and checkpoints at the entrance to markets.",
     "The regional governor did not respond to several requests for comment sent over the weekend."],
]


def test_a_statement_every_outlet_quotes_is_a_shared_quote_not_copying():
    articles = _articles([(f"s{k}", outlet, f"2019-10-0{7 + k}", " ".join(own[:2]) + " " + STATEMENT + " " + own[2])
                          for k, (outlet, own) in enumerate(zip(["Wire", "Paper", "Blog"], OWN_WORDS))])
    pairs, passages = reuse.find_reuse(articles)
    assert len(pairs) == 3 and (pairs["relation"] == "shared_quote").all()
    assert (pairs["direction"] == "unknown").all() and (pairs["source_doc_id"] == "").all()
    assert not pairs["syndicated"].any() and passages["quoted"].all()
    assert reuse.reuse_clusters(pairs, articles).empty
    sentences = prepare.split_sentences(articles.assign(title=""))
    assert not reuse.sentence_reuse(sentences, pairs, passages, articles)["is_copy"].any()


def test_copying_around_a_quotation_is_still_copying():
    body = " ".join(WIRE[:6]) + " " + STATEMENT + " " + " ".join(WIRE[6:])
    articles = _articles([("c1", "Wire", "2019-10-07", body), ("c2", "Paper", "2019-10-08", body + " " + FILLER[0])])
    pairs, passages = reuse.find_reuse(articles)
    assert pairs["relation"].tolist() == ["copy"] and pairs["direction"].tolist() == ["a->b"]
    assert pairs["quoted_share"].iloc[0] < 0.5


def test_reposts_that_cut_the_story_still_form_one_cluster():
    # each repost keeps a third of the wire story: containment below the syndication threshold
    articles = _articles([("w1", "Wire", "2019-10-07", " ".join(WIRE)),
                          ("r2", "Paper", "2019-10-08", " ".join(WIRE[:3] + OWN_WORDS[0] + FILLER[:1])),
                          ("r3", "Blog", "2019-10-08", " ".join(WIRE[4:7] + OWN_WORDS[1] + FILLER[2:3])),
                          ("r4", "Radio", "2019-10-09", " ".join(OWN_WORDS[2] + FILLER[4:5] + WIRE[9:]))])
    pairs, _ = reuse.find_reuse(articles)
    assert not pairs["syndicated"].any()
    clusters = reuse.reuse_clusters(pairs, articles)
    assert clusters["cluster_id"].nunique() == 1 and sorted(clusters["doc_id"]) == ["r2", "r3", "r4", "w1"]
    assert clusters.set_index("doc_id")["is_origin"].idxmax() == "w1"


@pytest.mark.parametrize(("precision_a", "precision_b", "expected"), [
    ("day", "day", "a->b"), ("month", "day", "unknown"), ("day", "year", "unknown"), ("", "day", "unknown"),
    ("time", "time", "a->b")])
def test_direction_needs_dates_precise_to_the_day(precision_a, precision_b, expected):
    body = " ".join(WIRE)
    articles = _articles([("a1", "Seed", "2019-10-01", body), ("b2", "Tech", "2019-10-08", body)])
    articles["date_precision"] = [precision_a, precision_b]
    pairs, _ = reuse.find_reuse(articles)
    assert pairs["direction"].tolist() == [expected]


def test_same_day_articles_are_ordered_only_by_their_times():
    body = " ".join(WIRE)
    articles = _articles([("a1", "Wire", "2019-10-08 09:00", body), ("b2", "Paper", "2019-10-08 15:00", body)])
    articles["date_precision"] = ["time", "day"]
    assert reuse.find_reuse(articles)[0]["direction"].tolist() == ["unknown"]
    articles["date_precision"] = ["time", "time"]
    assert reuse.find_reuse(articles)[0]["direction"].tolist() == ["a->b"]


@pytest.mark.parametrize("text, expected", [
    ("Photo: a camera on a pole. (Getty Images)\n\nFirms react.\n\nMore text here.\n\nOfficials spoke.\n\n"
     "WASHINGTON (REUTERS) - The U.S. added 28 entities on Monday.", ("Reuters", "dateline")),
    ("AFP, BEIJING\n\nChina said on Tuesday it firmly opposes the move.", ("AFP", "dateline")),
    ("By PTI\n\nChina on Tuesday slammed the US decision.", ("PTI", "credit line")),
    ("(Reuters) - Shares of the firms fell in Hong Kong.", ("Reuters", "dateline")),
    ("BEIJING, Oct. 9 (Xinhua) -- China firmly opposes the move, a spokesperson said.", ("Xinhua", "dateline")),
    ("The firms denied wrongdoing.\n\nReuters contributed reporting to this story.", ("Reuters", "contribution line")),
    ("Applebee's said on Monday it would open stores.", ("", "")),
    ("The ANI reporter asked about it, an aide said.", ("", "")),
])
def test_wire_credits_anywhere_in_the_text_and_in_any_case(text, expected):
    assert wire.credited_agency(text)[:2] == expected


def test_a_study_can_add_agencies():
    text = "TOKYO (Kyodo News Service) - Japan said it would study the list."
    assert wire.credited_agency(text)[:2] == ("", "")
    rules = wire.wire_rules(("Kyodo News Service",))
    assert wire.credited_agency(text, rules=rules)[:2] == ("Kyodo News Service", "dateline")
    articles = _articles([("k1", "Japan Daily", "2019-10-09", text)])
    credits = wire.article_wire(articles, agencies=("Kyodo News Service",))
    assert credits["wire_agency"].tolist() == ["Kyodo News Service"]


def _own_text(seed: int, n_words: int) -> str:
    """Prose-like text no other article shares: words drawn at random from a small vocabulary."""
    rng = random.Random(seed)
    vocabulary = " ".join(FILLER + [" ".join(o) for o in OWN_WORDS]).lower().replace(".", "").split()
    words = [rng.choice(vocabulary) for _ in range(n_words)]
    return " ".join(" ".join(words[k:k + 12]).capitalize() + "." for k in range(0, n_words, 12))


def test_a_paragraph_copied_into_a_long_article_is_copying_whatever_its_share():
    paragraph = " ".join(WIRE[:2])  # 29 words, outside any quotation
    articles = _articles([("a1", "Wire", "2019-10-07", _own_text(1, 400) + " " + paragraph),
                          ("b2", "Paper", "2019-10-08", paragraph + " " + _own_text(2, 400))])
    pairs, _ = reuse.find_reuse(articles)
    assert pairs["relation"].tolist() == ["copy"] and pairs["direction"].tolist() == ["a->b"]
    assert max(pairs["containment_a_in_b"].iloc[0], pairs["containment_b_in_a"].iloc[0]) < 0.15
    # the same paragraph inside quotation marks in both is a shared quotation: at this share, not even listed
    quoted = articles.assign(text=articles["text"].str.replace(paragraph, f"“{paragraph}”", regex=False))
    assert reuse.find_reuse(quoted)[0].empty


def test_a_stock_sentence_in_many_articles_is_not_copying():
    stock = ("The ministry did not immediately respond to a request for comment sent by email on Monday evening "
             "and the embassy declined to comment.")
    articles = _articles([(f"s{k:02d}", f"Outlet {k}", "2019-10-07", _own_text(k, 300) + " " + stock)
                          for k in range(14)])
    assert reuse.find_reuse(articles)[0].empty


# --- found in review ------------------------------------------------------------------------------------------

def test_a_verbatim_copy_of_a_quote_heavy_story_is_copying_not_a_shared_quote():
    body = "\n".join(f"“Paragraph {k} of what the minister said about the tariffs and the talks,” Minister Jones "
                     f"said on Monday in the capital, where officials from both countries met for round {k}."
                     for k in range(8)) + "\nThe talks resume next week in Geneva, officials said."
    articles = _articles([("a1", "Wire", "2019-10-07", body), ("b2", "Paper", "2019-10-08", body)])
    pairs, _ = reuse.find_reuse(articles)
    assert pairs["relation"].tolist() == ["copy"] and pairs["syndicated"].tolist() == [True]
    assert pairs["direction"].tolist() == ["a->b"] and len(reuse.reuse_clusters(pairs, articles)) == 2


def test_a_month_only_date_orders_neither_the_cluster_nor_the_copy_marks():
    body = " ".join(WIRE)
    articles = _articles([("m1", "Monthly", "2019-10-01", body), ("d2", "Daily", "2019-10-20", body)])
    articles["date_precision"] = ["month", "day"]
    pairs, passages = reuse.find_reuse(articles)
    clusters = reuse.reuse_clusters(pairs, articles)
    assert clusters.set_index("doc_id")["is_origin"].to_dict() == {"d2": True, "m1": False}
    marks = reuse.sentence_reuse(prepare.split_sentences(articles.assign(title="")), pairs, passages, articles)
    assert marks.groupby("doc_id")["is_copy"].all().to_dict() == {"d2": False, "m1": True}


@pytest.mark.parametrize("text, expected", [
    ("Reuters, CNN and the BBC all reported the decision on Monday.", ("", "")),
    ("AP, NBC News and Fox News called the race for the senator.", ("", "")),
    ("BLOOMBERG, IN FIRST CAMPAIGN APPEARANCE, WARNS THAT TRUMP IS A THREAT", ("", "")),
    ("AFP, BEIJING, Oct. 9\nChina said it firmly opposes the move.", ("AFP", "dateline")),
    ("According to Reuters, the list will grow.", ("Reuters", "citation")),
    ("Bloomberg cited his record as mayor of New York.", ("", "")),
])
def test_wire_credit_rules_leave_prose_alone(text, expected):
    assert wire.credited_agency(text)[:2] == expected


@pytest.mark.parametrize("text, outlet, expected", [
    ("Officials met on Monday.\n\nContributing: Jane Doe, USA TODAY; The Associated Press", "USA Today",
     ("AP", "contribution line")),
    ("Officials met on Monday.\n\nAssociated Press writers Jane Doe and Joe Roe contributed.", "Daily",
     ("AP", "contribution line")),
    ("“It hurts both sides,” a spokesman said, according to the official Xinhua news agency.", "Paper",
     ("Xinhua", "citation")),
    ("The Agence France-Presse news agency reported that 18 people were held.", "Paper", ("AFP", "citation")),
    # a data service is not the agency's reporting, and an outlet does not credit itself
    ("The deficit was $375 billion, according to Bloomberg data.", "Paper", ("", "")),
    ("The levy is modest, according to Bloomberg Economics.\n\nRead more on Bloomberg", "Bloomberg", ("", "")),
    ("Growth slowed, according to Bloomberg data. A trader told the Associated Press he sold.", "Paper",
     ("AP", "citation")),
])
def test_contribution_lines_qualified_agencies_and_what_is_not_a_credit(text, outlet, expected):
    assert wire.credited_agency(text, outlet=outlet)[:2] == expected


def test_several_copied_sentences_rewritten_around_are_copying_one_is_not():
    first = "Beijing raised import duties on steel, aluminum and autos from Europe, Canada, Mexico and Japan."
    second = "Foreign companies are pressed to hand over technology in exchange for access to the vast market."
    one = _articles([("a1", "Wire", "2019-10-07", _own_text(1, 400) + " " + first + " " + _own_text(3, 60)),
                     ("b2", "Paper", "2019-10-08", _own_text(2, 400) + " " + first)])
    assert reuse.find_reuse(one)[0].empty
    both = _articles([("a1", "Wire", "2019-10-07", _own_text(1, 400) + " " + first + " " + _own_text(3, 60)
                       + " " + second),
                      ("b2", "Paper", "2019-10-08", second + " " + _own_text(2, 400) + " " + first)])
    pairs, passages = reuse.find_reuse(both)
    assert pairs["relation"].tolist() == ["copy"] and len(passages) == 2
    assert max(pairs["containment_a_in_b"].iloc[0], pairs["containment_b_in_a"].iloc[0]) < 0.15


def test_a_same_day_cluster_is_ordered_by_time_only_where_every_member_has_one():
    body = " ".join(WIRE)
    articles = _articles([("early", "Paper", "2019-10-07 08:00", body),
                          ("late", "Wire", "2019-10-07 15:00", "WASHINGTON (Reuters) - " + body + " More text.")])
    articles["date_precision"] = ["time", "time"]
    pairs, _ = reuse.find_reuse(articles)
    origin = lambda: reuse.reuse_clusters(pairs, articles).set_index("doc_id")["is_origin"].to_dict()  # noqa: E731
    assert origin() == {"early": True, "late": False}
    articles["date_precision"] = ["day", "time"]  # no time to compare: the agency's dateline decides
    assert origin() == {"early": False, "late": True}


@pytest.mark.parametrize("text, expected", [
    # a paragraph signed off with the agency
    ("China said it firmly opposes the move. — AFP\n\nMarkets fell.", ("AFP", "credit line")),
    ("The ministry protested on Tuesday. (Reuters)", ("Reuters", "credit line")),
    # the agency as the listener or the relay of a source
    ("Speaking to Reuters, the minister said talks would resume.", ("Reuters", "citation")),
    ("The official said in comments to AFP that no date was set.", ("AFP", "citation")),
    ("Xinhua quoted a ministry spokesman as saying the tariffs were unjustified.", ("Xinhua", "citation")),
    # not credits: a photo credit, the agency's name inside a sentence, "AP" as a word in a sentence
    ("Protesters march in Hong Kong. REUTERS/Tyrone Siu\n\nThe march was peaceful.", ("", "")),
    ("Shares fell after the Reuters poll was published on Monday.", ("", "")),
])
def test_sign_off_credits_and_agencies_as_listeners(text, expected):
    assert wire.credited_agency(text)[:2] == expected
