"""Frame codebooks and dictionary frame measurement: parsing, line-accurate errors, matching rules with
hand-computed spans, the tables, the shipped codebooks' self-test, and hit rates on real coverage."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.core import config, tables
from analysis.core.errors import AnalysisError
from analysis.framing.codebook import CodebookError, codebook_path, load_codebook, parse_codebook, shipped_codebooks
from analysis.framing.dictionary import FrameMatcher, frame_hits
from analysis.framing.frame_tables import article_frames, frame_evidence, frame_profiles
from analysis.stats import contrasts

TINY = """\
[codebook]
name = "tiny"
description = "A codebook for the tests."

[[frames]]
id = "rights"
label = "Rights"
definition = "Human rights."
indicators = ["human rights", "violat*"]
examples = ["They violated human rights."]

[[frames]]
id = "trade"
label = "Trade"
definition = "Trade conflict."
indicators = ["trade war", "Tariff*"]
patterns = ['\\$\\d+ billion', "trade wars?"]

[[frames]]
id = "economy"
label = "Economy"
definition = "The economy, unless the sentence is about trade."
indicators = ["econom*"]
negation_window = 0
excludes = ["trade"]
"""


def write(tmp_path, text: str, name: str = "tiny.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def matcher(tmp_path) -> FrameMatcher:
    return FrameMatcher(codebook=write(tmp_path, TINY)).fit()


# --- codebook files -------------------------------------------------------------------------------------------

def test_codebook_parses_with_defaults(tmp_path):
    cb = load_codebook(write(tmp_path, TINY))
    assert (cb.name, cb.description, cb.citation) == ("tiny", "A codebook for the tests.", "")
    assert cb.frame_ids == ("rights", "trade", "economy") and len(cb.sha256) == 64
    rights, trade, economy = cb.frames
    assert rights.indicators == ("human rights", "violat*") and rights.negation_window == 3
    assert rights.examples == ("They violated human rights.",) and rights.excludes == ()
    assert trade.indicators == ("trade war", "tariff*") and trade.patterns == (r"\$\d+ billion", "trade wars?")
    assert (economy.negation_window, economy.excludes) == (0, ("trade",))


def frame(extra: str = "", *, id: str = "b") -> str:
    return f'\n[[frames]]\nid = "{id}"\nlabel = "B"\ndefinition = "b"\n{extra}'


A = TINY.split("\n[[frames]]")[0] + frame('indicators = ["x"]\n', id="a")  # 9 lines


@pytest.mark.parametrize("text, line, reason", [
    # Each frame() starts one blank line after the previous text; its header is on the next line.
    (A + frame('patterns = ["ok", "(unclosed"]\n'), 15, "frame 'b': pattern '(unclosed' is not a valid regular"),
    (A + frame('patterns = [\n  "fine",\n  "\\\\d+ (bad",\n]\n'), 17, "pattern '\\\\d+ (bad' is not a valid"),
    (A + frame("patterns = ['(a)', '[z']\n"), 15, "pattern '[z' is not a valid regular expression"),
    (A + frame('indicators = ["y"]\nexcludes = ["a", "nope"]\n'), 16, "key 'excludes' names 'nope', which is not"),
    (A + frame('indicators = ["y"]\nexcludes = ["b"]\n'), 16, "a frame cannot exclude itself ('b')"),
    (A + frame('indicators = ["y"]\n', id="a"), 12, "frame id 'a' is already used by [[frames]] #1"),
    (A + '\n[[frames]]\nid = "b"\nlabel = "B"\nindicators = ["y"]\n', 11,
     "frame 'b': missing required key 'definition'"),
    (A + '\n[[frames]]\nlabel = "B"\ndefinition = "b"\n', 11, "[[frames]] #2: missing required key 'id'"),
    (A + frame('indicators = ["y"]\nindicator = ["z"]\n'), 16, "unknown key 'indicator'; allowed keys: id, label"),
    (A + frame('indicators = []\npatterns = []\n'), 15, "needs at least one entry in 'indicators' or 'patterns'"),
    (A + frame(), 11, "needs at least one entry in 'indicators' or 'patterns'"),
    (A + frame('indicators = ["y"]\n', id="Bad-Id"), 12, "key 'id' is 'Bad-Id'; use snake_case"),
    (A + frame('indicators = ["y", "a*b"]\n'), 15, "indicator 'a*b' is empty or has a '*' that does not end"),
    (A + frame('indicators = ["y"]\nnegation_window = -1\n'), 16, "key 'negation_window' is -1"),
    (A + frame('indicators = "y"\n'), 15, "key 'indicators' must be a list, got str"),
    (A + frame('indicators = ["y"]\nnegation_window = true\n'), 16, "key 'negation_window' must be a whole number"),
    (A + frame('indicators = ["y", 3]\n'), 15, "key 'indicators' must be a list of strings"),
    (A + frame('indicators = ["y"\n'), 15, "not valid TOML"),
    (A.replace('description = ', 'colour = "red"\ndescription = '), 3, "[codebook]: unknown key 'colour'"),
    (A.replace('name = "tiny"\n', ''), 1, "[codebook]: missing required key 'name'"),
    (A + '\n[extra]\nx = 1\n', 11, "top level: unknown key 'extra'; allowed keys: codebook, frames"),
    (TINY.split("\n[[frames]]")[0], 1, "top level: missing required key 'frames'"),
])
def test_malformed_codebooks_name_file_and_line(tmp_path, text, line, reason):
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message and "\n" not in message
    assert isinstance(err.value, AnalysisError)


def test_a_value_written_elsewhere_too_is_located_under_its_own_frame_and_key(tmp_path):
    # 'd' is also an indicator of frame a (line 9) and '(u' an example of frame e (line 15).
    text = A.replace('["x"]', '["x", "d"]') + frame('examples = ["(u"]\nindicators = ["z"]\nexcludes = ["d"]\n', id="e")
    with pytest.raises(CodebookError, match=r"^x.toml:17: frame 'e': key 'excludes' names 'd'"):
        parse_codebook(text, path="x.toml")
    text = A + frame('examples = ["(u"]\npatterns = [\n  "(u",\n]\n', id="e")
    with pytest.raises(CodebookError, match=r"^x.toml:17: frame 'e': pattern '\(u' is not"):
        parse_codebook(text, path="x.toml")


def test_unreadable_files(tmp_path):
    with pytest.raises(CodebookError, match="no such codebook file"):
        load_codebook(tmp_path / "missing.toml")
    (tmp_path / "latin1.toml").write_bytes(b'[codebook]\nname = "caf\xe9"\n')
    with pytest.raises(CodebookError, match=r"latin1.toml:2: not UTF-8"):
        load_codebook(tmp_path / "latin1.toml")


# --- matching -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The company violated human rights.", [("rights", "violated", 12, 20), ("rights", "human rights", 21, 33)]),
    ("The company did not violate human rights.", []),
    ("They didn't violate rights; critics didn\u2019t say human rights.", []),
    # The negator is four tokens before the cue, outside the window of 3.
    ("No one said the firm violated them.", [("rights", "violated", 21, 29)]),
    ("Human-rights groups, then a human\n rights report.",
     [("rights", "Human-rights", 0, 12), ("rights", "human\n rights", 28, 41)]),
    ("TARIFFS rose; tariff talk of a trade-war.",
     [("trade", "TARIFFS", 0, 7), ("trade", "tariff", 14, 20), ("trade", "trade-war", 31, 40)]),
    # Indicator and pattern both match "trade war": one match. The pattern is case-insensitive.
    ("A trade war worth $5 BILLION.", [("trade", "trade war", 2, 11), ("trade", "$5 BILLION", 18, 28)]),
    ("No tariffs on non-economic goods.", []),
    ("An economy-wide slump.", [("economy", "economy", 3, 10)]),
    # economy has negation_window = 0, and is cancelled by a trade hit in the same sentence ...
    ("There was no economic plan.", [("economy", "economic", 13, 21)]),
    ("The economy suffered from the trade war.", [("trade", "trade war", 30, 39)]),
    # ... but not by a negated one.
    ("The economy is not in a trade war.", [("economy", "economy", 4, 11)]),
    ("", []),
])
def test_find_negation_wildcards_phrases_and_excludes(matcher, text, expected):
    found = matcher.find(text)
    assert found == expected
    assert all(text[s:e] == surface for _, surface, s, e in found)


def test_estimator_contract(tmp_path, matcher):
    unfitted = FrameMatcher(codebook=write(tmp_path, TINY))
    cloned = clone(unfitted)
    assert cloned.get_params() == unfitted.get_params() == {"codebook": tmp_path / "tiny.toml"}
    assert not [a for a in vars(cloned) if a.endswith("_")]
    for call in (lambda m: m.find("x"), lambda m: m.transform(["x"]), lambda m: m.check_examples()):
        with pytest.raises(NotFittedError):
            call(unfitted)
    texts = pd.Series(["The economy grew.", "A trade war and tariffs.", "Nothing."], index=[10, 20, 30])
    out = clone(matcher).set_output(transform="pandas").fit().transform(texts)
    assert list(out.columns) == ["rights", "trade", "economy"] and list(out.index) == [10, 20, 30]
    assert out.to_numpy().tolist() == [[0, 0, 1], [0, 2, 0], [0, 0, 0]]
    assert FrameMatcher().codebook == "generic_news_frames"
    assert codebook_path("entity_list") == config.SHIPPED_CODEBOOKS / "entity_list.toml"
    with pytest.raises(CodebookError, match="no such codebook file"):
        FrameMatcher(codebook="no_such_codebook").fit()


# --- tables ---------------------------------------------------------------------------------------------------

SENTENCES = pd.DataFrame({
    "doc_id": ["a1", "a1", "a2"], "sent_id": [0, 1, 0], "outlet": ["Reuters", "Reuters", "Fox News"],
    "start": [0, 40, 0], "end": [39, 75, 24],
    "text": ["The firm did violate human rights law.", "Tariffs hit the economy in a trade war.",
             "Nothing to see here now."],
})
ARTICLES = pd.DataFrame({"doc_id": ["a3", "a2", "a1"], "outlet": ["BBC News", "Fox News", "Reuters"],
                         "outlet_type": ["mainstream"] * 3, "leaning": ["center", "right", "center"]})


def test_frame_hits_table(matcher):
    hits = frame_hits(SENTENCES, matcher=matcher)
    assert hits.columns.tolist() == tables.schema("frame_hits").names
    assert hits.values.tolist() == [
        ["a1", 0, "Reuters", "tiny", "rights", 2, "violate", 13, 20, "outlet", "", True, False, "", "", 0, "", "",
         False],
        ["a1", 1, "Reuters", "tiny", "trade", 2, "Tariffs", 0, 7, "outlet", "", True, False, "", "", 0, "", "",
         False],
    ]
    assert {c: hits[c].dtype.kind for c in ("sent_id", "n_matches", "start", "end")} == dict.fromkeys(
        ("sent_id", "n_matches", "start", "end"), "i")
    empty = frame_hits(SENTENCES.iloc[2:], matcher=matcher)
    assert len(empty) == 0 and empty.columns.tolist() == tables.schema("frame_hits").names
    pd.testing.assert_frame_equal(empty, tables.empty("frame_hits"))  # typed even with no rows
    tables.validate(hits, "frame_hits")


def test_article_frames_has_a_row_for_every_article_and_frame(matcher):
    hits = frame_hits(SENTENCES, matcher=matcher)
    af = article_frames(hits, sentences=SENTENCES, articles=ARTICLES, matchers=matcher)
    assert af.columns.tolist() == tables.schema("article_frames").names
    # a3 has no sentences (nothing to measure); a1 and a2 get all three frames, zeros included.
    assert af[["doc_id", "frame", "n_sentences", "n_hit_sentences", "share", "present"]].values.tolist() == [
        ["a1", "rights", 2, 1, 0.5, True], ["a1", "trade", 2, 1, 0.5, True], ["a1", "economy", 2, 0, 0.0, False],
        ["a2", "rights", 1, 0, 0.0, False], ["a2", "trade", 1, 0, 0.0, False], ["a2", "economy", 1, 0, 0.0, False],
    ]
    assert af["present"].dtype == bool and af["share"].dtype.kind == "f"
    assert set(af["leaning"]) == {"center", "right"} and set(af["codebook"]) == {"tiny"}
    with pytest.raises(ValueError, match="none of the matchers has"):
        article_frames(hits.assign(codebook="other"), sentences=SENTENCES, articles=ARTICLES, matchers=[matcher])
    with pytest.raises(ValueError, match="share a codebook name"):
        article_frames(hits, sentences=SENTENCES, articles=ARTICLES, matchers=[matcher, matcher])


def test_frame_profiles_ci_is_the_article_bootstrap_of_compare():
    present = [True, False, True, True, False, True, True]
    share = [0.5, 0.0, 0.25, 1.0, 0.0, 0.1, 0.3]
    af = pd.DataFrame({"doc_id": [f"d{i}" for i in range(9)], "outlet": ["X"] * 9, "outlet_type": ["wire"] * 9,
                       "leaning": ["left"] * 7 + ["right"] * 2, "codebook": "cb", "frame": "conflict",
                       "n_sentences": [10, 4, 4, 2, 5, 10, 3, 7, 7], "n_hit_sentences": 0,
                       "share": share + [0.2, 0.4], "present": present + [True, False]})
    for measure, values in (("present", np.array(present, float)), ("share", np.array(share))):
        out = frame_profiles(af, by="leaning", value=measure, n_boot=500, confidence=0.9, min_articles=5, seed=3)
        assert out.columns.tolist() == tables.schema("frame_profiles").names
        left, right = out.iloc[0], out.iloc[1]
        expected = contrasts.bootstrap_mean_ci(values, n_boot=500, confidence=0.9,
                                             rng=contrasts.group_rng(3, "leaning", "left", "conflict", "cb"))
        assert (left["ci_low"], left["ci_high"]) == expected and left["ci_low"] < left["ci_high"]
        assert (left["group"], left["measure"], left["n_articles"], left["n_sentences"]) == ("left", measure, 7, 38)
        assert left["mean"] == pytest.approx(values.mean()) and left["ci_method"].startswith("90% expanded")
        assert right["n_articles"] == 2 and np.isnan(right["ci_low"]) and right["ci_method"].startswith("no interval")
    with pytest.raises(ValueError, match="allowed: 'present', 'share', 'own_share'"):
        frame_profiles(af, by="leaning", value="mean")
    assert len(frame_profiles(af.iloc[:0], by="leaning")) == 0


def test_frame_evidence_spans_are_slices_of_the_sentence(matcher):
    hits = frame_hits(SENTENCES, matcher=matcher)
    ev = frame_evidence(hits, SENTENCES, window=5)
    assert ev.columns.tolist() == tables.schema("frame_evidence").names
    assert ev[["left", "matched", "right"]].values.tolist() == [[" did ", "violate", " huma"],
                                                                 ["", "Tariffs", " hit "]]
    for row in ev.itertuples():
        assert row.sentence[row.start:row.end] == row.matched
        assert row.left == row.sentence[max(0, row.start - 5):row.start]
        assert row.right == row.sentence[row.end:row.end + 5]
    assert frame_evidence(hits, SENTENCES)["sentence"].tolist() == SENTENCES["text"].iloc[:2].tolist()
    with pytest.raises(ValueError, match="not in `sentences`"):
        frame_evidence(hits, SENTENCES.iloc[1:])


# --- shipped codebooks ----------------------------------------------------------------------------------------

def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


ENTITY_LIST_FRAMES = ("human_rights", "national_security", "trade_war_economy", "technology_ai_industry",
                      "legal_regulatory", "sovereignty_interference", "surveillance_civil_liberties")
GENERIC_FRAMES = ("conflict", "human_interest", "economic_consequences", "morality", "responsibility")


@pytest.mark.parametrize("name", ["generic_news_frames", "policy_frames", "entity_list"])
def test_shipped_codebooks_load_and_pass_their_own_examples(name):
    assert name in shipped_codebooks()
    m = FrameMatcher(codebook=name).fit()
    assert m.codebook_.name == name and m.codebook_.citation
    assert m.check_examples() == []
    for f in m.codebook_.frames:
        assert 15 <= len(f.indicators) <= 40, f.id
        assert len(f.examples) >= 2, f.id
    if name == "entity_list":
        assert m.frame_ids_ == ENTITY_LIST_FRAMES
    if name == "generic_news_frames":
        assert m.frame_ids_ == GENERIC_FRAMES


@pytest.mark.skipif(not (SHARED_DATA / "lexicons" / "policy_frames").exists(), reason="needs ../shared/data")
def test_policy_frames_are_the_media_frames_corpus_frames(project):
    from analysis.collect.framing_datasets import load_policy_frames

    names = list(load_policy_frames().values())
    cb = load_codebook(codebook_path("policy_frames"))
    # "Other" is the coders' residual category: a dictionary has nothing to look for.
    assert cb.frame_ids == tuple(snake(n) for n in names if n != "Other")
    assert [f.label for f in cb.frames] == [n for n in names if n != "Other"]
    assert "approximation" in cb.description


# --- real coverage --------------------------------------------------------------------------------------------

STUDY_FIRMS = r"huawei|\bzte\b|hikvision|sensetime|megvii|xinjiang|uighur|uyghur|entity list"


@pytest.fixture(scope="module")
def related_sentences():
    """Sentences of the AllSides China-related articles that name a targeted firm, region or the Entity List."""
    if not (SHARED_DATA / "allsides" / "china_related_subset.jsonl.gz").exists():
        pytest.skip("needs ../shared/data")
    from analysis.collect import datasets
    from analysis.text import prepare

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
        df = datasets.load_allsides("china_subset", download=False)
    df = df.loc[df["text"].str.contains(STUDY_FIRMS, case=False)]
    articles = pd.DataFrame({"doc_id": df["source_id"].astype(str), "outlet": df["source_outlet"], "text": df["text"]})
    return prepare.split_sentences(articles)


@pytest.mark.parametrize("name", ["entity_list", "generic_news_frames"])
def test_every_frame_fires_and_none_everywhere_on_related_coverage(related_sentences, name):
    assert related_sentences["doc_id"].nunique() >= 150
    m = FrameMatcher(codebook=name).fit()
    hits = frame_hits(related_sentences, matcher=m)
    rates = hits.groupby("frame").size().reindex(list(m.frame_ids_), fill_value=0) / len(related_sentences)
    assert (rates > 0).all(), rates[rates == 0]
    assert (rates <= 0.6).all(), rates[rates > 0.6]
    ev = frame_evidence(hits, related_sentences)
    assert all(s[a:b] == x for s, a, b, x in zip(ev["sentence"], ev["start"], ev["end"], ev["matched"]))


# --- the cue screen ------------------------------------------------------------------------------------------

def _cue_examples(cue: str) -> list[str]:
    """Sentences holding ``cue`` the way text spells it: cased, hyphenated, wildcards filled in, curly apostrophes."""
    plain = " ".join(w[:-1] + "al" if w.endswith("*") else w for w in cue.split())
    return [f"Officials said {plain} mattered.", f"{plain.upper()}: a headline", f"The {plain.title()}-led push",
            f"({plain.replace(' ', '-')})", f"{plain.replace(chr(39), chr(8217))} again", f"x{plain}", f"{plain}y"]


@pytest.mark.parametrize("codebook", ["generic_news_frames", "policy_frames", "entity_list"])
def test_the_cue_screen_never_skips_a_frame_whose_cue_matches(codebook):
    from analysis.framing.dictionary import FrameMatcher

    screened = FrameMatcher(codebook=codebook).fit()
    unscreened = FrameMatcher(codebook=codebook).fit()
    unscreened.cue_screen_.starts = lambda text: None  # every frame searched whole, as before the screen
    unscreened.pattern_starts_ = [[None] * len(starts) for starts in screened.pattern_starts_]  # every pattern too
    texts = [t for frame in screened.codebook_.frames for cue in frame.indicators for t in _cue_examples(cue)]
    texts += [t for frame in screened.codebook_.frames for ex in frame.examples for t in (ex, ex.upper(), ex.lower())]
    texts += ["ımmıgratıon and ſecurity", "An uneventful sentence about nothing in particular."]
    # several cues of a frame in one sentence, repeated, overlapping and run together: the cue alternation is
    # tried only where a cue word starts, so each match must still be the one the whole scan finds
    for frame in screened.codebook_.frames:
        plain = [_cue_examples(cue)[0][len("Officials said "):-len(" mattered.")] for cue in frame.indicators]
        texts += [" ".join(plain), "-".join(plain[::-1]), " and ".join(p + " " + p for p in plain[:6])]
    hits = 0
    for text in texts:
        expected = unscreened._matches(text)
        assert screened._matches(text) == expected, text
        hits += bool(expected)
    assert hits > len(texts) // 2  # the examples do hold cues, so the screen was tested on matches


def test_the_cue_screen_skips_frames_with_no_cue_word():
    from analysis.framing.dictionary import _CueScreen

    screen = _CueScreen([["human rights", "abus*"], ["tariff*", "trade war"], ["ımmigration"]])
    assert screen.frames("Tariffs rose on Monday.") == {1, 2}  # a non-ASCII first word: its frame always may
    assert screen.frames("Abuses were reported.") == {0, 2}
    assert screen.frames("Nothing here.") == {2}
    assert screen.frames("İstanbul talks on human rights") is None  # not ASCII: no screening
    # where each frame's cues may start: at its cue words, and not inside a word ("untariffed")
    assert screen.starts("Tariffs and abuse, untariffed trade: human rights") == {0: [12, 37], 1: [0, 30]}
    assert screen.starts("Nothing here.") == {}


@pytest.mark.parametrize("pattern, starts", [
    (r"\b(?:government|officials) (?:should|must)", ("government", "officials")),
    (r"\bHold\w* \w+", ("hold",)), (r"\bholds?", ("hold",)), (r"(?<!-)defen[cs]e", ("defen",)),
    (r"\b(?:most|many) people", ("most", "many")), (r"\bfoo|bar", ("foo", "bar")), (r"(Foo)bar", ("foo",)),
    (r"[$€]\s?\d", None), (r"\b\d+\s?%", None), (r"(?:ab|cd)?x", None), (r"(?-i:Foo)bar", None), (r"éa", None),
    (r"a|", None), (r"", None), (r"(?=x)", None),
])
def test_the_words_every_match_of_a_pattern_starts_with(pattern, starts):
    import re

    from analysis.framing.dictionary import pattern_starts

    assert pattern_starts(pattern) == starts
    rx = re.compile(pattern, re.IGNORECASE)
    for text in ("Government officials Should act", "HOLDS them", "the defence", "MOST people", "a foobar x", "€5"):
        if starts is not None and rx.search(text):
            assert any(w in text.lower() for w in starts), text


def test_matching_at_the_cue_starts_finds_what_the_scan_finds():
    import re

    from analysis.framing.dictionary import _matches_at

    rx = re.compile(r"(?<!\w)(?:trade war|trade|war)(?!\w)", re.IGNORECASE)
    text = "Trade war, trade-war and war trade warfare"
    starts = [m.start() for m in re.finditer(r"\w+", text)]
    assert [m.span() for m in _matches_at(rx, text, starts)] == [m.span() for m in rx.finditer(text)]
    assert _matches_at(rx, text, []) == []


def test_a_parser_that_reads_patterns_differently_turns_the_screening_off(monkeypatch):
    # the screening reads patterns with Python's private regex parser: one that parses the known patterns into
    # something else (another Python) must not make it skip sentences
    from analysis.framing import dictionary

    real = dictionary._sre_parser.parse
    monkeypatch.setattr(dictionary._sre_parser, "parse", lambda pattern, flags=0: real("other|words", flags))
    dictionary._parser_reads_as_expected.cache_clear()
    try:
        assert dictionary.pattern_starts(r"\b(?:government|officials) (?:should|must)") is None
    finally:
        monkeypatch.undo()
        dictionary._parser_reads_as_expected.cache_clear()
    assert dictionary.pattern_starts(r"\b(?:government|officials) (?:should|must)") == ("government", "officials")
