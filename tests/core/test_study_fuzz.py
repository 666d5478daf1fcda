"""Property-based fuzzing of study.toml (Hypothesis): whatever a study file holds, loading it ends in a Study or in
one line of :class:`AnalysisError` that names the file, never a traceback.

Three generators, run derandomized so CI sees the same examples every time (``MAX_EXAMPLES`` each, 900 in all,
about 10 s): documents built from the real tables and keys with values of every TOML type (huge integers, NaN,
infinities, dates, nested tables and lists included); the shipped skeleton with random text spliced in; and raw
bytes (not UTF-8, a BOM, NUL bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core import config, limits
from analysis.core.errors import AnalysisError
from analysis.core.study import load_study
from analysis.core.study_template import skeleton

MAX_EXAMPLES = 300
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

KEYS = {
    "study": ["title", "question", "start", "end", "keep_undated", "languages", "seed", "outlets", "groups"],
    "compare": ["n_boot", "n_perm", "confidence", "min_articles"],
    "collect": ["user_agent", "per_host_delay", "timeout", "max_bytes", "retries", "respect_robots"],
    "framing": ["codebooks", "classifier", "terms_by", "topics"],
    "provenance": ["min_containment", "syndication", "fact_threshold", "fact_min_articles", "event_gap_days",
                   "event_max_days", "wire_agencies"],
    "validation": ["min_alpha", "min_agreement"],
    "sentiment": ["instruments", "actor_instruments"],
}
ARRAYS = {
    "sources": ["kind", "dataset", "file", "path", "pattern", "outlet", "title", "url", "published", "skip_lines",
                "sample", "match"],
    "actors": ["name", "type", "aliases", "patterns", "not_within", "source_type"],
    "referents": ["name", "labels"],
}
WORDS = ["imports", "dataset", "files", "urls", "feed", "html", "allsides", "outlet", "leaning", "auto", "vader",
         "en", "company", "(a+)+$", "(unclosed", "\\bU\\.S\\.", "data/outlets.csv", "../../etc", "http://x/"]

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 100, 2000, 100_000, 100_001, 9223372036854775807, 99999999999999999999]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.times(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(WORDS + ["x", "patterns", "min_hits"]), inner, max_size=3),
                      max_leaves=8)


def _toml(value) -> str:
    """A TOML literal for ``value`` (inline tables for dicts); written by hand, the stdlib has no TOML writer."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        # A TOML basic string reads JSON's escapes; DEL must be escaped in TOML, not in JSON.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


# Values a key takes in a study that loads, so that generated documents get past the first key and reach the
# checks further in; numeric keys draw around their declared range (both ends and just beyond).
GOOD = {
    "title": st.just("t"), "question": st.just("q"), "start": st.dates(), "end": st.dates(),
    "languages": st.just(["en"]), "outlets": st.just("data/outlets.csv"), "groups": st.just(["outlet", "leaning"]),
    "codebooks": st.just(["generic_news_frames"]), "classifier": st.sampled_from(["narrative_frames", ""]),
    "terms_by": st.just(["leaning"]), "wire_agencies": st.just(["Kyodo"]), "instruments": st.just(["vader"]),
    "actor_instruments": st.just(["sentence_vader"]), "user_agent": st.just("fuzz/1.0"),
    "kind": st.sampled_from(["imports", "imports", "files", "urls", "html", "feed", "dataset"]),
    "dataset": st.just("allsides"), "path": st.just("data/outlets.csv"), "outlet": st.just("X"),
    "url": st.just("https://example.org/feed.xml"), "published": st.just("2019-05"), "name": st.just("A"),
    "type": st.just("company"), "aliases": st.just(["Huawei"]), "patterns": st.sampled_from([["\\bZTE\\b"], ["(\\w+\\s?)+$"]]),
    "labels": st.just({"camps": "camps?"}), "match": st.just([{"patterns": ["huawei"], "min_hits": 2}]),
}
for _table, _keys in limits.STUDY_KEYS.items():
    for _key, _range in _keys.items():
        GOOD[_key] = (st.integers(_range.low - 1, _range.high + 1) if isinstance(_range.low, int)
                      else st.floats(_range.low - 0.5, _range.high + 0.5) | st.just(_range.high) | st.just(_range.low))


def _value(draw, key: str):
    # Mostly a plausible value, one time in ten anything: a document then often fails at one key, deep inside.
    return draw(values if draw(st.integers(0, 9)) == 0 else GOOD.get(key, st.booleans()))


@st.composite
def documents(draw) -> str:
    lines = []
    for table, keys in KEYS.items():
        if table == "study" or draw(st.booleans()):
            lines.append(f"[{table}]")
            chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
            if table == "study" and draw(st.integers(0, 9)):
                chosen = ["title", *[k for k in chosen if k != "title"]]
            lines += [f"{k} = {_toml(_value(draw, k))}" for k in chosen]
    for table, keys in ARRAYS.items():
        for _ in range(draw(st.integers(1 if table == "sources" else 0, 2))):
            lines.append(f"[[{table}]]")
            chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
            if table == "sources" and draw(st.integers(0, 9)):
                chosen = ["kind", *[k for k in chosen if k != "kind"]]
            lines += [f"{k} = {_toml(_value(draw, k))}" for k in chosen]
    return "\n".join(lines) + "\n"


def _load(tmp: Path, data: bytes) -> None:
    paths = config.study_paths("fuzz", root=tmp)
    paths.study_file.write_bytes(data)
    try:
        load_study(paths)
    except AnalysisError as exc:
        message = str(exc)
        assert "\n" not in message, message
        assert str(paths.study_file) in message, message


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """One project for every example (module scope: Hypothesis reruns a test body, not its fixtures)."""
    tmp = tmp_path_factory.mktemp("study_fuzz")
    (tmp / "data" / "studies" / "fuzz").mkdir(parents=True)
    (tmp / "data" / "outlets.csv").write_text("outlet,domain\n")
    return tmp


@FUZZ
@given(documents())
def test_generated_documents_load_or_fail_in_one_line(project, text):
    _load(project, text.encode("utf-8"))


@FUZZ
@given(st.integers(0, 4000), st.text(max_size=30), st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_the_skeleton_with_text_spliced_in_loads_or_fails_in_one_line(project, at, inserted, bom):
    text = skeleton("fuzz")
    at = min(at, len(text))
    _load(project, bom + (text[:at] + inserted + text[at:]).encode("utf-8"))


@FUZZ
@given(st.binary(max_size=200))
def test_raw_bytes_load_or_fail_in_one_line(project, data):
    _load(project, b'[study]\ntitle = "t"\n' + data)


def test_the_fuzzers_reach_every_bounded_key():
    fuzzed = {k for keys in KEYS.values() for k in keys} | {k for keys in ARRAYS.values() for k in keys}
    bounded = {k for keys in limits.STUDY_KEYS.values() for k in keys}
    assert bounded - fuzzed <= {"min_hits", "batch_size", "max_length", "epochs"}  # nested tables, through `values`
