"""The explorer's data assembly, without a browser: compact columns, term search, sampling, escaping, budget."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from explorer_tiny import HOSTILE_SENTENCE, tiny_tables

from analysis.report import explorer, explorer_data


def _decode(col):
    return [col["levels"][k] for k in col["codes"]] if isinstance(col, dict) else col


def _rows(obj: dict) -> pd.DataFrame:
    return pd.DataFrame({k: _decode(v) for k, v in obj.items()})


def test_columns_code_repeated_strings_and_write_missing_as_null():
    df = pd.DataFrame({"outlet": ["B", "A", "B"], "x": [1.23456, float("nan"), 2.0],
                       "when": pd.to_datetime(["2019-10-08", None, "2020-01-01"], utc=True)})
    out = explorer_data.columns(df, coded=["outlet"])
    assert out["outlet"] == {"levels": ["A", "B"], "codes": [1, 0, 1]}
    assert out["x"] == [1.2346, None, 2.0]
    assert out["when"] == ["2019-10-08", None, "2020-01-01"]


@pytest.mark.parametrize("values", [
    [0.1 + 0.2, float("nan"), -0.0, 1e-9, 12345.678949999, 2.00005, -3.14159265],
    pd.array([0.1, None, 2.675], dtype="float32"), [1, -2, 3], [True, False, True], pd.array([1, None], dtype="Int64"),
    ["a", None, "b"], pd.to_datetime(["2019-10-08", None]),
])
def test_column_values_are_converted_as_each_cell_would_be(values):
    series = pd.Series(values)
    assert explorer_data._values(series) == [explorer_data._value(v) for v in series.tolist()]


@pytest.mark.parametrize(("term", "text", "found"), [
    ("u.s.", "The US said no.", "US"),
    ("u.s.", "The U.S. Commerce Department", "U.S."),
    ("china", "China's Foreign Ministry", "China's"),
    ("trade war", "a trade\nwar began", "trade\nwar"),
    ("china", "Chinatown is busy", None),
])
def test_term_regex_finds_the_spellings_the_tokenizer_counts(term, text, found):
    m = explorer_data.term_regex(term).search(text)
    assert (m.group() if m else None) == found


def test_term_hits_are_the_sentences_whose_ngrams_include_the_term():
    t = tiny_tables()
    hits = explorer_data.term_hits(t["sentences"], ["u.s.", "beijing", "trade"])
    got = set(zip(hits["term"], hits["doc_id"], hits["sent_id"]))
    s = t["sentences"]
    expected = {("beijing", d, k) for d, k, x in s[["doc_id", "sent_id", "text"]].itertuples(index=False)
                if "Beijing" in x}
    expected |= {("u.s.", "d1", 0), ("u.s.", "d2", 1)}  # "U.S." and "US"
    expected |= {("trade", "d2", 2), ("trade", "d5", 1)}
    assert got == expected
    for r in hits.itertuples():
        text = s.set_index(["doc_id", "sent_id"]).loc[(r.doc_id, r.sent_id), "text"]
        assert text[r.start:r.end].lower().replace(".", "") in {"us", "beijing", "trade"}


def _hits_by_the_analyzer(sentences: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """The definition term_hits computes on integer n-grams: each sentence's n-grams as strings."""
    from analysis.framing.terms import NgramAnalyzer
    analyzer = NgramAnalyzer(ngram_range=(1, max(len(t.split(" ")) for t in terms)), stop_words=frozenset())
    rows = []
    for doc_id, sent_id, outlet, text in sentences[["doc_id", "sent_id", "outlet", "text"]].itertuples(index=False):
        for term in sorted(set(terms).intersection(analyzer(text))):
            m = explorer_data.term_regex(term).search(text)
            rows.append((term, doc_id, sent_id, outlet, m.start() if m else -1, m.end() if m else -1))
    return pd.DataFrame(rows, columns=["term", "doc_id", "sent_id", "outlet", "start", "end"])


def test_term_hits_equal_the_analyzers_reading_on_phrases_breaks_and_spellings():
    texts = ["The U.S. trade war hit China's exports.", "US officials said the trade, war talk ended.",
             "President Donald Trump said so; the president donald trump line repeats.",
             "Trade war? War trade.", "Nothing here at all.", "China-Taiwan ties and China's Taiwan policy.",
             "a trade war, a TRADE WAR and a trade-war", ""]
    sentences = pd.DataFrame({"doc_id": [f"d{i // 3}" for i in range(len(texts))],
                              "sent_id": [i % 3 for i in range(len(texts))],
                              "outlet": ["A", "B"] * (len(texts) // 2), "text": texts})
    terms = ["trade war", "u.s.", "president donald trump", "china taiwan", "china-taiwan", "war", "unseen word",
             "trade-war", "china"]
    got = explorer_data.term_hits(sentences, terms)
    expected = _hits_by_the_analyzer(sentences, terms)
    assert len(got) > 10  # the case must hold hits of one-, two- and three-word terms
    assert set(got["term"]) >= {"trade war", "u.s.", "president donald trump", "china taiwan", "china-taiwan"}
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    # "trade, war" crosses a clause break: no "trade war" in the second sentence
    assert not ((got["term"] == "trade war") & (got["doc_id"] == "d0") & (got["sent_id"] == 1)).any()


def test_term_hits_in_batches_equal_one_pass(monkeypatch):
    t = tiny_tables()
    terms = list(t["distinctive_terms"]["term"].unique())
    whole = explorer_data.term_hits(t["sentences"], terms)
    monkeypatch.setattr(explorer_data, "HIT_BATCH", 2)
    pd.testing.assert_frame_equal(explorer_data.term_hits(t["sentences"], terms), whole)


def test_sample_per_cell_is_seeded_capped_and_keeps_table_order():
    df = pd.DataFrame({"cell": ["a"] * 10 + ["b"] * 3, "v": range(13)})
    one = explorer_data.sample_per_cell(df, ["cell"], cap=4, seed=1)
    assert one.groupby("cell").size().to_dict() == {"a": 4, "b": 3}
    assert list(one["v"]) == sorted(one["v"])
    assert one.equals(explorer_data.sample_per_cell(df, ["cell"], cap=4, seed=1))
    assert explorer_data.sample_per_cell(df, ["cell"], cap=None, seed=1) is df
    counts = explorer_data.cell_counts(df, one, ["cell"])
    assert counts == {"cell": ["a"], "n": [10], "shown": [4]}


def test_dumps_cannot_close_its_script_element():
    text = explorer_data.dumps({"t": HOSTILE_SENTENCE + "<!-- \u2028"})
    assert "<" not in text and "\u2028" not in text
    assert json.loads(text)["t"] == HOSTILE_SENTENCE + "<!-- \u2028"


def test_payload_refers_every_evidence_row_to_its_own_sentence():
    t = tiny_tables()
    payload = explorer_data.fit_budget(t, study="tiny", title="t", seed=7)
    assert payload["meta"]["cap"] is None and payload["meta"]["full_text"]
    articles = _rows(payload["articles"])
    sentences = _rows(payload["sentences"])
    assert len(sentences) == len(t["sentences"])  # whole articles embedded, each sentence once
    ev = _rows(payload["frame_evidence"])
    got = [(articles["doc_id"][sentences["doc"][s]], sentences["sid"][s], sentences["text"][s][a:b])
           for s, a, b in zip(ev["s"], ev["start"], ev["end"])]
    fe = t["frame_evidence"]
    assert sorted(got) == sorted(zip(fe["doc_id"], fe["sent_id"], fe["matched"]))
    assert set(_decode(payload["frame_evidence"]["voice"])) == {"outlet", "reported"}
    assert payload["scores"]["instruments"] == ["lexicon", "vader"]
    assert all(len(v) == len(sentences) for v in payload["scores"]["values"])


def test_encoded_size_is_the_size_of_the_whole_document():
    payload = {"a": [HOSTILE_SENTENCE, "<b>\u2028\u2029", 1.5, None], "é": {"levels": ["x"], "codes": [0]}, "n": 3}
    assert explorer_data.encoded_size(payload) == len(explorer_data.dumps(payload).encode("utf-8"))
    assert explorer_data.encoded_size({}) == 2 and explorer_data.encoded_size({"k": []}) == len('{"k":[]}')
    for odd in ({1: "a"}, {None: 1, "b": [2]}, {True: 0}):  # keys json turns into strings of its own
        assert explorer_data.encoded_size(odd) == len(explorer_data.dumps(odd).encode("utf-8"))


def test_the_budget_search_picks_the_fullest_option_that_fits(monkeypatch):
    t = tiny_tables()
    ready = explorer_data.prepared(t)
    options = [(None, True), *((c, False) for c in explorer_data.SAMPLE_CAPS)]
    sizes = [explorer_data.encoded_size(explorer_data.assemble(ready, study="tiny", title="t", seed=7, cap=c,
                                                               full_text=f)) for c, f in options]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    built = []
    real = explorer_data.assemble
    monkeypatch.setattr(explorer_data, "assemble", lambda *a, **k: built.append(k["cap"]) or real(*a, **k))
    for budget in sorted(set(sizes)) + [sizes[-1] - 1, sizes[0] + 1]:
        built.clear()
        got = explorer_data.fit_budget(t, study="tiny", title="t", seed=7, budget=budget)
        fitting = [k for k, size in enumerate(sizes) if size <= budget]
        want = options[fitting[0]] if fitting else options[-1]
        assert (got["meta"]["cap"], got["meta"]["full_text"]) == want
        assert explorer_data.encoded_size(got) == sizes[options.index(want)]
        if not fitting:  # nothing fits: only the smallest option is built
            assert built == [explorer_data.SAMPLE_CAPS[-1]]


def test_urls_other_than_http_are_dropped():
    articles = _rows(explorer_data.article_records(tiny_tables()["articles"], groups=["outlet"]))
    assert set(articles["url"]) == {"", "https://example.org/d1", "https://example.org/d2", "https://example.org/d3",
                                    "https://example.org/d5"}


def test_a_small_budget_samples_evidence_per_cell_and_says_so():
    t = tiny_tables()
    t["frame_evidence"] = pd.concat([t["frame_evidence"]] * 1, ignore_index=True)
    full = explorer_data.fit_budget(t, study="tiny", title="t", seed=7)
    small = explorer_data.fit_budget(t, study="tiny", title="t", seed=7,
                                     budget=explorer_data.encoded_size(full) - 1)
    assert small["meta"]["full_text"] is False or small["meta"]["cap"] is not None
    tighter = explorer_data.fit_budget(t, study="tiny", title="t", seed=7, budget=1)
    assert tighter["meta"]["cap"] == explorer_data.SAMPLE_CAPS[-1] and not tighter["meta"]["full_text"]
    hits = explorer_data.term_hits(t["sentences"], t["distinctive_terms"]["term"].unique())
    per_cell = hits.groupby(["term", "outlet"]).size()
    sampled = _rows(tighter["sampled"]["terms"])
    assert {(r.term, r.outlet): r.n for r in sampled.itertuples()} == per_cell[per_cell > 5].to_dict()


def test_the_page_is_byte_identical_from_one_build_to_the_next_and_fetches_nothing():
    t = tiny_tables()
    first = explorer.build(t, study="tiny", title="Tiny", seed=7)
    assert first == explorer.build(t, study="tiny", title="Tiny", seed=7)
    # BokehJS is inline (its one CDN address, MathJax's, is for TeX labels, which the page has none of, and the
    # page's Content-Security-Policy would refuse it); nothing else names a URL the browser would load by itself
    head, body = first.split("</head>")
    ours = re.sub(r"<script>.*?</script>", "", head, flags=re.DOTALL) + body
    assert len(ours) < len(first) - 1_000_000
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", ours)
    assert "default-src 'none'" in first
    assert first.count("</script>") == first.count("<script")


def test_without_bokeh_the_report_names_the_extra_and_the_explorer_refuses_in_one_line(tmp_path):
    """Bokeh is the `explorer` extra: the package imports without it, says how to add it, and writes no page."""
    import subprocess
    import sys

    script = """
import sys, importlib.abc
class NoBokeh(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "bokeh" or name.startswith("bokeh."):
            raise ImportError("No module named 'bokeh' (blocked by the test)")
sys.meta_path.insert(0, NoBokeh())
from analysis.core.errors import AnalysisError
from analysis.report import explorer, report
assert not explorer.available()
try:
    explorer.build({}, study="s", title="t", seed=1)
except AnalysisError as exc:
    print("ERROR", exc)
from analysis.core import code
print("HASH", len(code.code_hash()))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "ERROR the explorer needs Bokeh" in done.stdout and "media-framing-analysis[explorer]" in done.stdout
    assert "HASH 64" in done.stdout


def test_a_study_without_actors_gets_an_empty_actor_evidence_table_not_an_error():
    t = tiny_tables()
    t["actor_sentiment"] = t["actor_sentiment"].iloc[0:0]  # a study with no [[actors]]: the table has no rows
    t["actor_sentiment_by_group"] = t["actor_sentiment_by_group"].iloc[0:0]
    payload = explorer_data.fit_budget(t, study="tiny", title="t", seed=7)
    evidence = payload["actor_evidence"]
    assert {"s", "actor", "instrument", "label", "score"} <= set(evidence)
    assert all(len(v if isinstance(v, list) else v["codes"]) == 0 for v in evidence.values())


def test_terms_no_tokenizer_forms_find_no_sentence_and_raise_nothing():
    t = tiny_tables()
    hits = explorer_data.term_hits(t["sentences"], ["trade  war", " trade", "", "beijing"])
    assert set(hits["term"]) == {"beijing"}
