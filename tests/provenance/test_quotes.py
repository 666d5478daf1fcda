"""Quotes: extraction, attribution, source types, cross-outlet matching and source shares.

Every corpus here is invented in code; names are fictional except public officials' titles.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from analysis.core import tables
from analysis.core.study import Actor
from analysis.provenance import quote_matching, quotes
from analysis.text import source_types as quote_rules

ACTORS = (
    Actor("Surveillance AI firms", "company", aliases=("Hikvision", "Dahua")),
    Actor("Chinese government", "government", aliases=("Foreign Ministry", "Beijing")),
    Actor("Open Tech Institute", "organization", aliases=("Open Tech Institute",), source_type="ngo_advocacy"),
)


def corpus(docs: list[tuple[str, str, str]], *, published: list[str] | None = None) -> tuple[pd.DataFrame, ...]:
    """articles and sentences tables for (doc_id, outlet, text) triples; a plain regex sentence splitter."""
    articles = pd.DataFrame(docs, columns=["doc_id", "outlet", "text"])
    articles["published"] = pd.to_datetime(published or ["2019-10-08"] * len(docs), utc=True)
    articles["is_duplicate"] = False
    rows = []
    for doc_id, outlet, text in docs:
        for i, m in enumerate(re.finditer(r"\S.*?(?:[.!?][\"”’]?(?=\s+[\"“A-Z])|$)", text, re.S)):
            rows.append((doc_id, i, outlet, m.start(), m.end(), m.group()))
    sentences = pd.DataFrame(rows, columns=["doc_id", "sent_id", "outlet", "start", "end", "text"])
    return articles, sentences


def extract(text: str, **kwargs) -> pd.DataFrame:
    return quotes.extract_quotes(*corpus([("d1", "Wire", text)]), **kwargs)


def only(text: str, **kwargs) -> pd.Series:
    found = extract(text, **kwargs)
    assert len(found) == 1, found[["text", "speaker"]]
    return found.iloc[0]


def check_schema(df: pd.DataFrame, name: str) -> None:
    schema = tables.schema(name)
    assert list(df.columns) == schema.names
    kinds = {"str": pd.api.types.is_string_dtype, "int": lambda d: d == np.int64,
             "float": lambda d: d == np.float64, "bool": lambda d: d == bool}
    for column in schema.columns:
        assert kinds[column.kind](df[column.name].dtype), (column.name, df[column.name].dtype)
        assert column.doc
        if column.kind == "str":
            assert not df[column.name].isna().any(), column.name


# --- finding quotes ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, body", [
    ("“We will protect our companies,” Geng Shuang said.", "We will protect our companies"),
    ('"We will protect our companies," Geng Shuang said.', "We will protect our companies"),
    ("“The ‘entity list’ is a political tool,” Geng Shuang said.", "The ‘entity list’ is a political tool"),
    ("“The ban hurts workers. It will not make anyone safer,” Geng Shuang said.",
     "The ban hurts workers. It will not make anyone safer"),
])
def test_curly_straight_nested_and_multi_sentence_quotes(text, body):
    row = only(text)
    assert row["text"] == body
    assert text[row["start"]:row["end"]] == body
    assert row["speaker"] == "Geng Shuang" and not row["is_partial"]


def test_quote_spanning_two_sentences_maps_to_the_sentence_it_starts_in():
    text = "The list grew on Monday. “The ban hurts workers. It will not make anyone safer,” said Ann Marsh."
    articles, sentences = corpus([("d1", "Wire", text)])
    assert len(sentences) == 3  # the splitter cuts inside the quote
    row = quotes.extract_quotes(articles, sentences).iloc[0]
    assert row["sent_id"] == 1 and row["n_words"] == 10 and row["speaker"] == "Ann Marsh"


def test_multi_paragraph_quote_is_one_quote_without_the_continuation_mark():
    text = ("Huawei chairman Liang Hua spoke at a briefing in Shenzhen.\n\n"
            "“We have never harmed any country and never will.\n\n"
            "“We will keep serving our customers around the world.”\n\nThe company did not elaborate.")
    row = only(text)
    assert row["text"] == ("We have never harmed any country and never will. "
                           "We will keep serving our customers around the world.")
    assert row["n_words"] == 18
    assert row["speaker"] == "" and row["source_type"] == "unknown"  # "spoke" is no attribution verb
    said = only(text.replace("spoke at a briefing in Shenzhen", "said at a briefing in Shenzhen"))
    assert said["speaker"] == "Huawei chairman Liang Hua" and said["source_type"] == "company"


def test_an_unclosed_quote_runs_to_its_paragraphs_end():
    found = extract("Geng said: “We will respond in kind to any such move\n\nThe talks resumed on Monday.")
    assert found[["text", "kind", "speaker"]].values.tolist() == [["We will respond in kind to any such move",
                                                                   "direct", "Geng"]]


def test_partial_quote_and_ignored_scare_quotes():
    found = extract("The ministry called the “so-called” list “gross interference in a sovereign nation’s "
                    "affairs” and a “blacklist” of firms.")
    assert list(found["text"]) == ["gross interference in a sovereign nation’s affairs"]
    row = found.iloc[0]
    assert row["is_partial"] and row["speaker_cue"] == "called" and row["speaker"] == "the ministry"
    assert not extract("Critics call it a “blacklist” or an “entity list”.", min_words=3).shape[0]
    assert extract("Critics call it an “entity list” again.", min_words=2).shape[0] == 1


@pytest.mark.parametrize("text, partial", [
    ("“We oppose this,” Geng Shuang said.", False),
    ("Geng Shuang said: “We oppose this.”", False),
    ("Geng Shuang said, “We oppose this.”", False),
    ("Geng Shuang said “We oppose this.”", False),
    ("Geng Shuang said that “we oppose this.”", True),
    ("Geng Shuang said Beijing would “oppose this firmly.”", True),
    ("“Gross interference in our affairs” was how Geng Shuang put it.", True),
])
def test_is_partial(text, partial):
    assert bool(only(text)["is_partial"]) is partial


# --- speakers and cues ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, speaker, cue", [
    ("“We oppose this decision,” Foreign Ministry spokesman Geng Shuang said on Tuesday.",
     "Foreign Ministry spokesman Geng Shuang", "said"),
    ("“We oppose this decision,” said Commerce Secretary Wilbur Ross.", "Commerce Secretary Wilbur Ross", "said"),
    ("“We oppose this decision,” said Maya Lind, a researcher at Human Rights Watch.", "Maya Lind", "said"),
    ("Sen. Jane Doe said: “This is a win for American workers.”", "Sen. Jane Doe", "said"),
    ("Analyst Tom Berg said that “the market has already priced this in.”", "Analyst Tom Berg", "said"),
    ("“The blacklist is a serious step,” Commerce Secretary Wilbur Ross told Reuters.",
     "Commerce Secretary Wilbur Ross", "told"),
    ("“Shipments will stop next week,” according to a person familiar with the matter.",
     "a person familiar with the matter", "according to"),
    ("According to Sen. Jane Doe, “this is a win for American workers.”", "Sen. Jane Doe", "according to"),
    ("“We firmly oppose the decision,” a statement from the Ministry of Commerce said.",
     "the Ministry of Commerce", "statement"),
    ("“We firmly oppose the decision,” Hikvision said in a statement.", "Hikvision", "statement"),
    ("“Beijing is preparing a response,” Xinhua reported.", "Xinhua", "reported"),
    ("“Sanctions rarely work,” economist Ann Marsh wrote in a column.", "economist Ann Marsh", "wrote"),
    ("“We will respond,” the company added.", "the company", "added"),
    ("“We oppose this decision.” Foreign Ministry spokesman Geng Shuang said on Tuesday.",
     "Foreign Ministry spokesman Geng Shuang", "said"),
    ("“The talks went well,” Sen. Jane Doe (D-Md.) tweeted.", "Sen. Jane Doe", "tweeted"),
    ("“The talks went well,” said Sen. Jane Doe, R-Fla., on Monday.", "Sen. Jane Doe", "said"),
    ("Geng Shuang warned on Monday. “The talks went well.”", "Geng Shuang", "warned"),
    ("“We will keep talking,” foreign ministry spokesperson Lin Hao told reporters.",
     "foreign ministry spokesperson Lin Hao", "told"),
    ("Lin Hao said the harbour was “facing a long and difficult winter,” state media reported.", "Lin Hao",
     "said"),
    ("Geng Shuang met them on Monday. “The talks went well.”", "", ""),
])
def test_cue_forms(text, speaker, cue):
    row = only(text)
    assert (row["speaker"], row["speaker_cue"]) == (speaker, cue)


def test_pronoun_resolves_to_the_earlier_named_speaker():
    text = ("“We oppose this decision,” Foreign Ministry spokesman Geng Shuang said on Tuesday.\n\n"
            "Officials in Washington did not comment.\n\n"
            "“We will take all necessary measures,” he said.")
    rows = extract(text)
    assert list(rows["speaker"]) == ["Foreign Ministry spokesman Geng Shuang"] * 2
    assert list(rows["source_type"]) == ["chinese_government"] * 2
    assert rows["speaker_cue"].iloc[1] == "said"


def test_generic_noun_resolves_to_an_actor_or_stays():
    text = ("The Commerce Department added Hikvision to the list.\n\n"
            "“We firmly oppose the decision,” the company said in a statement.")
    row = extract(text, actors=ACTORS).iloc[0]
    assert (row["speaker"], row["actor"], row["source_type"]) == ("Hikvision", "Surveillance AI firms", "company")
    assert extract(text).iloc[0]["speaker"] == "the company"  # no actors: nothing to resolve to


@pytest.mark.parametrize("noun", ["the newspaper", "the state-run paper", "the tabloid"])
def test_a_role_noun_resolves_to_the_latest_speaker_of_its_kind(noun):
    text = ("China Daily said in an editorial that the tariffs would fail.\n\n"
            f"“There should be no doubting Beijing's resolve,” {noun} said.")
    row = extract(text).iloc[0]
    assert (row["speaker"], row["source_type"]) == ("China Daily", "media")


def test_surname_and_continuation_quotes_inherit_the_speaker():
    text = ("“Sanctions rarely work,” said Maya Lind, a researcher at Human Rights Watch.\n\n"
            "“They hurt the wrong people,” Lind added. “And they last for years.”\n\n"
            "“Nobody wins a trade war.”")
    rows = extract(text)
    assert list(rows["speaker"]) == ["Maya Lind"] * 4
    assert set(rows["source_type"]) == {"ngo_advocacy"}


@pytest.mark.parametrize("text, speaker", [
    # the subject of the sentence before a quote is the referent of "he", even without a speech verb
    ("Pompeo added: “The talks will go on for weeks.”\n\nTrump returned to the subject at a rally. "
     "“We will not sign a bad deal,” he said.", "Trump"),
    # a reported subject inside the quote's own sentence
    ("Commerce Secretary Wilbur Ross announced a settlement that he said would “keep the company under close "
     "watch for a decade.”",
     "Commerce Secretary Wilbur Ross"),
    # "it" is the organisation last mentioned
    ("Hikvision, which makes cameras, confirmed the listing.\n\n“We were given no information at all,” it said.",
     "Hikvision"),
    # nested report: the inner speaker
    ("Lind says Berg said: “These tariffs should be lifted soon.”", "Berg"),
    # the first bare name before a chain of appositives
    ("Ann Marsh, executive editor of Harbor, the country's shipping monthly, suggested that reform was "
     "“long overdue for the ports.”", "Ann Marsh"),
    ("“The talks went well,” said Senator Jane Doe, Ohio Democrat.", "Senator Jane Doe"),
])
def test_referents(text, speaker):
    assert extract(text, actors=ACTORS).iloc[-1]["speaker"] == speaker


def test_aggregator_byline_after_the_excerpt():
    text = "“The camps are a moral stain on the world.”\n\nEditorial Board, Daily Planet\n\nMore below."
    row = only(text)
    assert (row["speaker"], row["speaker_cue"], row["source_type"]) == ("Editorial Board, Daily Planet", "wrote",
                                                                          "media")


# --- source types ---------------------------------------------------------------------------------

@pytest.mark.parametrize("speaker, source_type", [
    ("Commerce Secretary Wilbur Ross", "us_government"),
    ("a State Department spokeswoman", "us_government"),
    ("U.S. officials", "us_government"),
    ("Sen. Jane Doe", "us_government"),
    ("Foreign Ministry spokesman Geng Shuang", "chinese_government"),
    ("the Chinese embassy in Washington", "chinese_government"),
    ("a Hikvision spokesperson", "company"),
    ("the chief executive of Acme Corp", "company"),
    ("Maya Lind of Human Rights Watch", "ngo_advocacy"),
    ("rights activists", "ngo_advocacy"),
    ("Ann Marsh, a professor at Lakeside University", "expert"),
    ("analysts at Eurasia Group", "expert"),
    ("Xinhua", "media"),
    ("the state-run Global Times", "media"),
    ("a person familiar with the matter", "anonymous"),
    ("an official who spoke on condition of anonymity", "anonymous"),
    ("the Irish foreign minister", "government_other"),
    ("Tom Berg", "other"),
    # titles and units the first rules missed on real coverage
    ("Chinese Premier Li Keqiang", "chinese_government"),
    ("China's central bank governor", "chinese_government"),
    ("Council of Economic Advisers Chairman Kevin Hassett", "us_government"),
    ("Jamie Murray of Bloomberg Economics", "expert"),
])
def test_source_type_rules(speaker, source_type):
    row = only(f"“The decision will change the industry,” said {speaker}.")
    assert row["source_type"] == source_type


def test_actor_source_type_overrides_the_rules():
    text = "“The decision will change the industry,” said a researcher at the Open Tech Institute."
    assert only(text)["source_type"] == "expert"
    row = only(text, actors=ACTORS)
    assert (row["actor"], row["source_type"]) == ("Open Tech Institute", "ngo_advocacy")


def test_a_rule_match_containing_the_actor_match_wins():
    congress = (Actor("US Congress", "government", aliases=("Congress",)),)
    row = only("“This is a welcome first step,” said the World Uyghur Congress.", actors=congress)
    assert (row["actor"], row["source_type"]) == ("", "ngo_advocacy")
    row = only("“This is a welcome first step,” said a spokesman for Congress.", actors=congress)
    assert (row["actor"], row["source_type"]) == ("US Congress", "us_government")


def test_government_actor_keeps_the_rules_government_type():
    row = only("“We oppose this decision,” said Foreign Ministry spokesman Geng Shuang.", actors=ACTORS)
    assert (row["actor"], row["source_type"]) == ("Chinese government", "chinese_government")


def test_rule_table_is_ordered_and_covers_the_source_types():
    assert [t for t, _ in quote_rules.SOURCE_RULES] == ["anonymous", "ngo_advocacy", "expert", "media",
                                                       "chinese_government", "government_other", "us_government",
                                                       "chinese_government", "company", "government_other"]
    assert set(quote_rules.SOURCE_TYPES) == {t for t, _ in quote_rules.SOURCE_RULES} | {"other", "unknown"}


# --- matching across outlets ---------------------------------------------------------------------

FULL = ("“We will take all necessary measures to safeguard the legitimate rights of Chinese companies,” "
        "said Foreign Ministry spokesman Geng Shuang.")
TRIMMED = ("Geng said Beijing would \"Take all necessary measures to safeguard the legitimate rights of "
           "Chinese companies.\"")
OTHER = "“The entity list is a necessary tool to protect national security,” said Commerce Secretary Wilbur Ross."


def test_trimmed_repunctuated_quote_in_another_outlet_gets_the_same_id():
    found = quotes.extract_quotes(*corpus([("a", "Wire", FULL + " " + OTHER), ("b", "Daily", TRIMMED)]))
    ids = dict(zip(found["text"].str[:12], found["quote_id"]))
    assert ids["We will take"] == ids["Take all nec"] == "q00000"
    assert ids["The entity l"] == "q00001"


def test_match_quotes_options_and_short_quotes():
    q = pd.DataFrame({"text": ["one two three four five", "ONE two three, four!", "one two three", "one two three",
                               "six seven eight nine ten", "two three four five",
                               "alpha beta gamma delta epsilon zeta eta", "alpha beta gamma delta epsilon zeta theta"]})
    assert list(quote_matching.match_quotes(q)["quote_id"]) == ["q00000", "q00000", "q00001", "q00002", "q00003", "q00000",
                                                        "q00004", "q00004"]  # 4 of 5 three-grams shared
    loose = quote_matching.match_quotes(q, min_words=3)["quote_id"]
    assert loose[2] == loose[3] == loose[0]
    strict = quote_matching.match_quotes(q, min_overlap=1.0)["quote_id"]
    assert strict[7] != strict[6] and strict[1] == strict[5] == strict[0]
    with pytest.raises(ValueError, match="min_overlap"):
        quote_matching.match_quotes(q, min_overlap=0)


def _brute_force_ids(texts: list[str], min_overlap: float, min_words: int) -> list[int]:
    toks = [quote_matching._tokens(t) for t in texts]
    parent = list(range(len(texts)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(texts)), 2):
        if min(len(toks[i]), len(toks[j])) < min_words:
            continue
        short, long_ = sorted((toks[i], toks[j]), key=len)
        n = 3 if len(short) >= 3 else 1
        a, b = quote_matching._grams(short, n), quote_matching._grams(long_, n)
        if len(a & b) >= min_overlap * len(a) - 1e-9:
            parent[find(j)] = find(i)
    roots = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(texts))]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prefix_filtering_finds_exactly_the_all_pairs_matches(seed):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(12)]
    sources = [" ".join(rng.choice(vocab, size=rng.integers(4, 14))) for _ in range(25)]
    texts = []
    for _ in range(150):  # random sub-spans of a few sources: many containments, some near misses
        words = sources[rng.integers(len(sources))].split()
        a = rng.integers(0, len(words) - 2)
        texts.append(" ".join(words[a:a + rng.integers(2, len(words) - a + 1)]))
    ids = quote_matching.match_quotes(pd.DataFrame({"text": texts}), min_overlap=0.75)["quote_id"]
    assert pd.factorize(ids)[0].tolist() == _brute_force_ids(texts, 0.75, 4)


# --- spread ---------------------------------------------------------------------------------------

def test_quote_spread_counts_outlets_and_finds_the_first_article():
    docs = [("a", "Wire", FULL), ("b", "Daily", TRIMMED), ("c", "Daily", FULL), ("d", "Post", OTHER)]
    articles, sentences = corpus(docs, published=["2019-10-09", "2019-10-08", "2019-10-10", "2019-10-08"])
    found = quotes.extract_quotes(articles, sentences)
    spread = quote_matching.quote_spread(found, articles=articles)
    check_schema(spread, "quote_spread")
    top = spread.iloc[0]
    assert (top["n_occurrences"], top["n_articles"], top["n_outlets"]) == (3, 3, 2)
    assert top["outlets"] == "Daily; Wire"
    assert top["text"].startswith("We will take all necessary measures")  # the longest version
    assert (top["speaker"], top["source_type"]) == ("Foreign Ministry spokesman Geng Shuang", "chinese_government")
    assert (top["first_doc_id"], top["first_outlet"]) == ("b", "Daily")  # earliest published
    assert quote_matching.quote_spread(found).iloc[0]["first_doc_id"] == "a"  # no dates: table order
    assert len(quote_matching.quote_spread(found, min_outlets=2)) == 1


# --- source shares --------------------------------------------------------------------------------

def _quote_table(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """A quotes table from (doc_id, source_type) pairs; other columns are placeholders."""
    q = pd.DataFrame(rows, columns=["doc_id", "source_type"])
    return q.assign(outlet="x", text="t", quote_id=[f"q{i}" for i in range(len(q))])


def _articles(groups: dict[str, int]) -> pd.DataFrame:
    rows = [(f"{g}{i}", g) for g, n in groups.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["doc_id", "outlet"]).assign(is_duplicate=False, leaning="center")


def test_source_shares_known_values_and_intervals():
    articles = _articles({"A": 8, "B": 3, "C": 6})
    rows = [("A0", "company"), ("A0", "company"), ("A1", "expert"), ("A2", "us_government"), ("A3", "company"),
            ("A5", "expert"), ("B0", "company"), ("C0", "media"), ("C1", "media"), ("C4", "media")]
    shares = quote_matching.source_shares(_quote_table(rows), articles, n_boot=500)
    check_schema(shares, "quote_sources")
    assert set(shares["source_type"]) == {"company", "expert", "media", "us_government"}
    assert len(shares) == 3 * 4  # every type for every group
    assert shares.groupby("group")["share"].sum().to_numpy() == pytest.approx([1, 1, 1])
    a = shares[shares["group"] == "A"].set_index("source_type")
    assert (a.loc["company", "n_quotes"], a.loc["company", "n_quotes_total"], a.loc["company", "n_articles"],
            a.loc["company", "n_articles_quoting"]) == (3, 6, 8, 2)
    assert a.loc["company", "share"] == pytest.approx(0.5)
    assert (a["ci_low"] <= a["share"]).all() and (a["share"] <= a["ci_high"]).all()
    assert a["ci_method"].iloc[0].startswith("95% expanded percentile bootstrap over articles")
    b = shares[shares["group"] == "B"]
    assert b["ci_low"].isna().all() and b["ci_method"].iloc[0] == "no interval (fewer than 5 articles)"
    c = shares[shares["group"] == "C"].set_index("source_type")
    assert (c.loc["media", "share"], c.loc["media", "ci_low"], c.loc["media", "ci_high"]) == (1, 1, 1)
    assert (c.loc["expert", "share"], c.loc["expert", "ci_low"], c.loc["expert", "ci_high"]) == (0, 0, 0)


def test_source_shares_interval_agrees_with_normal_theory_for_large_groups():
    rng = np.random.default_rng(4)
    articles = _articles({"A": 600})
    kinds = rng.random(600) < 0.3
    rows = [(f"A{i}", "expert" if k else "company") for i, k in enumerate(kinds)]
    row = quote_matching.source_shares(_quote_table(rows), articles, n_boot=4000).set_index("source_type").loc["expert"]
    se = np.sqrt(row["share"] * (1 - row["share"]) / 600)
    assert row["ci_low"] == pytest.approx(row["share"] - 1.96 * se, abs=0.15 * 1.96 * se)
    assert row["ci_high"] == pytest.approx(row["share"] + 1.96 * se, abs=0.15 * 1.96 * se)


def test_source_shares_groups_duplicates_and_determinism():
    articles = _articles({"A": 6})
    articles.loc[5, "is_duplicate"] = True
    rows = [("A0", "company"), ("A1", "expert"), ("A5", "anonymous")]
    shares = quote_matching.source_shares(_quote_table(rows), articles, by="leaning", n_boot=200, seed=3)
    assert set(shares["group_var"]) == {"leaning"} and set(shares["group"]) == {"center"}
    assert shares["n_articles"].iloc[0] == 5 and "anonymous" not in set(shares["source_type"])
    kept = quote_matching.source_shares(_quote_table(rows), articles, by="leaning", exclude_duplicates=False, n_boot=200)
    assert kept["n_articles"].iloc[0] == 6
    again = quote_matching.source_shares(_quote_table(rows), articles, by="leaning", n_boot=200, seed=3)
    pd.testing.assert_frame_equal(shares, again)
    none = quote_matching.source_shares(_quote_table([]), articles)
    check_schema(none, "quote_sources")
    assert none.empty
    with pytest.raises(ValueError, match="by must be a column"):
        quote_matching.source_shares(_quote_table(rows), articles, by="country")


# --- tables ---------------------------------------------------------------------------------------

def test_every_frame_has_the_documented_columns_and_dtypes():
    articles, sentences = corpus([("a", "Wire", FULL + "\n\n" + OTHER), ("b", "Daily", "No quotes here.")])
    found = quotes.extract_quotes(articles, sentences, actors=ACTORS)
    check_schema(found, "quotes")
    assert list(found["quote_seq"]) == [0, 1] and list(found["sent_id"]) == [0, 1]
    empty = quotes.extract_quotes(articles.iloc[1:], sentences)
    check_schema(empty, "quotes")
    check_schema(quote_matching.match_quotes(empty), "quotes")
    check_schema(quote_matching.quote_spread(found), "quote_spread")
    check_schema(quote_matching.quote_spread(empty), "quote_spread")
    check_schema(quote_matching.source_shares(found, articles), "quote_sources")


def test_article_without_sentences_still_yields_quotes():
    articles, sentences = corpus([("a", "Wire", FULL)])
    row = quotes.extract_quotes(articles, sentences.iloc[0:0]).iloc[0]
    assert row["sent_id"] == -1 and row["speaker"] == "Foreign Ministry spokesman Geng Shuang"


def test_tables_from_rows_types_every_column_with_or_without_rows():
    rows = [("d1", "Wire", 0, 2, 10, 40, "We will respond in kind.", 5, False, "direct", "Xi", "said", "Xi Jinping",
             "chinese_government", ""),
            ("d1", "Wire", 1, 3, 50, 60, "gross interference", 2, True, "partial", "", "", "", "unknown", "")]
    empty, full = tables.from_rows([], "quotes"), tables.from_rows(rows, "quotes")
    assert list(empty.columns) == list(full.columns) == tables.schema("quotes").names and len(empty) == 0
    expected = ["str", "str", "int64", "int64", "int64", "int64", "str", "int64", "bool", "str", "str", "str", "str",
                "str", "str"]
    assert [str(t) for t in empty.dtypes] == [str(t) for t in full.dtypes] == expected
    assert full["speaker"].tolist() == ["Xi", ""] and full["n_words"].tolist() == [5, 2]


@pytest.mark.parametrize("text, speaker, source_type", [
    # interest groups, the Hong Kong executive and legislature, former officials
    ("“Tariffs are the wrong answer,” said Jane Doe, president of the National Retail Federation.", "Jane Doe",
     "ngo_advocacy"),
    ("“We will withdraw the bill,” said Hong Kong Chief Executive Jane Lee.", "Hong Kong Chief Executive Jane Lee",
     "chinese_government"),
    ("“The scars are still bleeding,” said pro-democracy lawmaker Ann Mo.", "pro-democracy lawmaker Ann Mo",
     "government_other"),
    ("“He is corporate royalty,” said Tom Grey, a former Canadian ambassador to China.", "Tom Grey", "expert"),
    # the listener of "told" is not the speaker; an agency relaying a statement is not the speaker
    ("“The market is calm,” Ann Lee, a strategist at Foo Securities, told The Associated Press.", "Ann Lee", "expert"),
    ("A spokesperson for China's ministry of commerce said, “We are forced to fight back,” according to Xinhua.",
     "a spokesperson for China's ministry of commerce", "chinese_government"),
    # a cabinet title without a name, with or without its country
    ("“We act to protect national security,” the Secretary said.", "the Secretary", "us_government"),
    ("“We act to protect national security,” the US Secretary said.", "the US Secretary", "us_government"),
    # a paper's article speaks for the paper
    ("“They behave like a gang of hoodlums,” said an English-language article in the China Daily.", "China Daily",
     "media"),
])
def test_speaker_roles_listeners_and_relays(text, speaker, source_type):
    row = only(text)
    assert (row["speaker"], row["source_type"]) == (speaker, source_type)


@pytest.mark.parametrize("text, speaker, source_type", [
    # a bare name takes the role the article gives it elsewhere
    ("Sam Wong, a prominent pro-democracy activist, marched on Monday.\n\n“Too little, too late,” said Sam Wong.",
     "Sam Wong", "ngo_advocacy"),
    ("Hong Kong's embattled chief executive, Carrie Lee, spoke on Monday.\n\n“Violence damages us,” said Carrie Lee.",
     "Carrie Lee", "chinese_government"),
    # an adjective before a surname, the issuer of "the statement", plural subjects, a subject with an appositive
    ("Hong Kong leader Carrie Lee spoke on Monday.\n\n“Violence damages us,” a sombre Lee said.", "Carrie Lee",
     "chinese_government"),
    ("President Trump spoke on Friday. China's Commerce Ministry released a scathing statement.\n\n"
     "“This move is damaging,” the statement said.", "China's Commerce Ministry", "chinese_government"),
    ("Jane Lee, the city's leader, spoke on Monday. Protest movement leaders rejected her offer.\n\n"
     "“It is unforgivable,” she said.", "Jane Lee", "other"),
    ("President Trump announced tariffs on Friday. Sen. Marco Rubio, a Florida Republican, heralded the move.\n\n"
     "“It is American leadership,” he said.", "Marco Rubio", "us_government"),
])
def test_speakers_resolved_from_the_rest_of_the_article(text, speaker, source_type):
    row = extract(text).iloc[-1]
    assert (row["speaker"], row["source_type"]) == (speaker, source_type)


@pytest.mark.parametrize("text, expected", [
    # single quotes, as British outlets and headlines use them; apostrophes are not quote marks
    ("Trump said 'we will not back down from China' on Friday.", ["we will not back down from China"]),
    ("China's firms and the protesters' demands were 'heard' in the '90s.", []),
    # guillemets, corner brackets and doubled apostrophes
    ("Le ministère a dit «une ingérence grossière dans nos affaires» mardi.",
     ["une ingérence grossière dans nos affaires"]),
    ("The ministry said ''this is gross interference in China's affairs'' on Tuesday.",
     ["this is gross interference in China's affairs"]),
])
def test_quotes_in_every_typography(text, expected):
    found = extract(text)
    assert found.loc[found["kind"] != "reported", "text"].tolist() == expected


def test_reported_speech_is_listed_with_its_speaker_and_is_matched_to_the_quote_it_paraphrases():
    quoted = "“The entity list is a necessary tool to protect national security,” Commerce Secretary Wilbur Ross said."
    reported = "Commerce Secretary Wilbur Ross said the entity list is a necessary tool to protect national security."
    docs, sentences = corpus([("a", "Wire", quoted), ("b", "Paper", reported)])
    found = quotes.extract_quotes(docs, sentences)
    assert found["kind"].tolist() == ["direct", "reported"]
    row = found.iloc[1]
    assert (row["speaker"], row["source_type"], row["text"]) == (
        "Commerce Secretary Wilbur Ross", "us_government", "the entity list is a necessary tool to protect national "
                                                           "security")
    assert found["quote_id"].nunique() == 1
    assert quotes.extract_quotes(docs, sentences, reported=False)["kind"].tolist() == ["direct"]


@pytest.mark.parametrize("text", [
    "Geng said in a statement.",  # only where and how it was said
    "The Hang Seng index added 0.9% as the uncertainty ended over whether talks would resume.",
    "The Commerce Department added Hikvision and Dahua to the entity list on Monday.",
    "The Commerce Department added the eight firms on Monday after a long review.",
    "The deficit was $375 billion last year, according to government figures released on Friday.",
    "China said it “immediately” retaliated against the tariffs on Friday.",  # the quote stands for the report
])
def test_what_is_not_reported_speech(text):
    found = extract(text)
    assert found.loc[found["kind"] == "reported"].empty, found[["text", "speaker"]]


@pytest.mark.parametrize("speaker, source_type", [
    # cabinet titles other than Commerce/State, the press office, "Mr. Xi"
    ("Agriculture Secretary Tom Berg", "us_government"),
    ("Tom Berg, the secretary of the U.S. Department of Agriculture", "us_government"),
    ("Ann Lee, principal deputy press secretary", "us_government"),
    # "Representative" is a US House title only before a name
    ("Ann Lee, High Representative of the European Union for Foreign Affairs", "government_other"),
    ("a representative for Acme Holdings", "company"),
    ("Representative Ann Lee", "us_government"),
    # farm bureaus and a chamber's officers are interest groups; investment officers are market analysts
    ("Tom Berg, president of the Missouri Farm Bureau", "ngo_advocacy"),
    ("the chamber's chairman, Tom Berg", "ngo_advocacy"),
    ("Ann Lee, chief investment officer for Foo Financial Network", "expert"),
])
def test_more_source_type_rules(speaker, source_type):
    assert only(f"“The decision will change the industry,” said {speaker}.")["source_type"] == source_type


def test_mr_xi_is_chinese_government():
    row = only("“Cooperation is better than confrontation,” Mr. Xi said.")
    assert (row["speaker"], row["source_type"]) == ("Mr. Xi", "chinese_government")


@pytest.mark.parametrize("text, speaker, source_type", [
    # a hover teaser (name glued to unrelated headlines, up to MORE) between the subject and its verb
    ("Sen. Jo Doe Joanne Ruth DoeSenate passes farm bill Court rules on 'maps' MORE (R-Ohio) said "
     "“tariffs hurt our farmers.”", "Sen. Jo Doe", "us_government"),
    # a time phrase between a pronoun and its verb
    ("President Jo Lane met aides on Monday.\n\nHe this morning tweeted, “Talks are continuing.”",
     "President Jo Lane", "government_other"),
    # "the president" with no earlier speaker: the latest "President <Name>"
    ("President Jo Lane and Vice Premier Liu He signed the deal.\n\n“This is a momentous step,” the president said.",
     "President Jo Lane", "government_other"),
    # a possessed speech noun: the owner speaks
    ("Mr. Lane's tweet that the ban cost “too many jobs in China” drew criticism.", "Mr. Lane", "other"),
    ("Jo Lane spoke at noon.\n\nHis announcement that he would help the firm “get back into business, fast” "
     "surprised many.", "Jo Lane", "other"),
    # a participle of a fragment verb, and a second verb after "and": the sentence's subject
    ("Jo Lane, who won in 2016, has begun touting the deal, calling it “a big beautiful monster” at a rally.",
     "Jo Lane", "other"),
    ("Jo Lane praised farmers and pledged that “farmers will be the biggest winners.”", "Jo Lane", "other"),
    # a sentence-opening participle: the speaker follows the quote
    ("Calling the decision “a fake concession,” Wu Chi-wai, a retired teacher, said the damage "
     "was done.", "Wu Chi-wai", "other"),
    # no speech verb: the named subject of the quote's own sentence
    ("Jo Lane has brushed off talk of trade wars in a tweet: “Trade wars are good, and easy to win.”", "Jo Lane",
     "other"),
])
def test_hard_speakers_on_real_coverage(text, speaker, source_type):
    row = extract(text).iloc[-1]
    assert (row["speaker"], row["source_type"]) == (speaker, source_type)


def test_a_quote_inside_a_teaser_does_not_cut_the_next_quotes_context():
    text = ("New York Sen. Jo Doe Joanne Ruth DoeDoe: Trump's remarks 'most disturbing things' yet MORE said "
            "“the actions on China are on the money.”")
    row = extract(text).iloc[-1]
    assert row["speaker"] == "New York Sen. Jo Doe"
