"""Property-based fuzzing of the article-file reader (Hypothesis): every generated export ends in rows or in one
one-line InputFileError that starts with the file's name, never a traceback, and never a silent drop
(records in == usable rows + rows reported as skipped).

Example counts (``max_examples``, derandomized so CI runs the same examples every time): 100 JSONL and 100 CSV
exports built from generated records, 200 mutated JSONL and 200 mutated CSV files, 150 arbitrary byte strings
(as .jsonl, .csv, .tsv and .xlsx), and 10 exports through import and the whole ingest stage: 760 in all.
"""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.collect import article_files, ingest
from analysis.core import config
from analysis.core.errors import AnalysisError, InputFileError
from analysis.core.study import load_study


def fuzz(n: int) -> settings:
    """``n`` examples, the same ones on every run (derandomized, no example database left in the checkout)."""
    return settings(max_examples=n, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text with what breaks naive readers: quotes, delimiters, line breaks of every kind, mojibake, NUL, BOMs.
TRICKY = st.sampled_from(['"', "'", ",", ";", "\t", "|", "\n", "\r", "\r\n", "\u2028", "\u0085", "\x00", "\ufeff",
                          "â€™", "Ã©", "=cmd", " ", "\\", "{", "}", "[", "]", "1", "caf\u00e9", "\ud800"])
TEXT = st.lists(st.one_of(st.text(max_size=12), TRICKY), max_size=8).map("".join)
JSON_VALUE = st.one_of(TEXT, st.none(), st.integers(), st.floats(), st.booleans(),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                            max_size=2))
RECORD = st.fixed_dictionaries(
    {"outlet": st.one_of(st.sampled_from(["Reuters", "Fox News", "Vox"]), TEXT), "text": TEXT},
    optional={"id": st.one_of(st.integers(0, 3), st.sampled_from(["0", "1", " 2 "]), TEXT),
              "title": TEXT, "published": st.one_of(TEXT, st.sampled_from(["2019-10-08", "Oct 8, 2019", "2019"])),
              "url": TEXT, "section": TEXT})


def _check(path, name: str, n_records: int | None):
    """Rows or one clean error; with a known record count, every record accounted for."""
    try:
        rows, problems = article_files.read_article_file(path, name=name)
    except InputFileError as exc:
        message = str(exc)
        assert message.startswith(name) and "\n" not in message and "Traceback" not in message, message
        return None
    skipped = sum(p.skipped for p in problems)
    if n_records is not None:
        assert len(rows) + skipped == n_records, (len(rows), skipped, n_records, [str(p) for p in problems])
    assert all("\n" not in str(p) or p.reason.count("\n") == str(p).count("\n") for p in problems)
    return rows, problems


def _surrogate_free(value):
    """What the reader makes of a lone surrogate (a JSON escape no UTF-8 text can hold); a note says so."""
    return value.replace("\ud800", "\ufffd") if isinstance(value, str) else value


@fuzz(100)
@given(records=st.lists(st.one_of(RECORD, st.dictionaries(st.sampled_from(["outlet", "text", "id", "title"]),
                                                          JSON_VALUE, max_size=4)), min_size=1, max_size=6))
def test_generated_jsonl_exports(tmp_path_factory, records):
    path = tmp_path_factory.getbasetemp() / "fuzz.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = _check(path, "fuzz.jsonl", len(records))
    if found is None:  # only a file with no usable column at all may fail as a whole
        assert not any(isinstance(r.get("text"), str) and isinstance(r.get("outlet"), str) for r in records)
        return
    rows, _ = found
    for row in rows.itertuples():  # a kept row is the record it came from, unchanged unless flagged
        original = _surrogate_free(records[row.line - 1]["text"]).strip()
        assert row.text == original or row.ingest_flags


@fuzz(100)
@given(records=st.lists(RECORD, min_size=1, max_size=6), delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_generated_csv_exports(tmp_path_factory, records, delimiter):
    columns = ["outlet", "text", "id", "title", "published", "url", "section"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)  # \r\n rows, as Excel writes: a bare \r in a value is quoted
    writer.writerow(columns)
    for rec in records:
        writer.writerow([_surrogate_free(rec.get(c, "")) for c in columns])
    path = tmp_path_factory.getbasetemp() / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    found = _check(path, "fuzz.csv", len(records))
    assert found is not None, "a CSV written by the csv module must read"
    rows, _ = found
    texts = [str(_surrogate_free(r["text"])).strip() for r in records]
    assert all(t in texts or flags for t, flags in zip(rows["text"], rows["ingest_flags"]))


def _mutate(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    for position, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + 1:]
    return data


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    [b'"', b",", b";", b"\n", b"\r", b"\t", b"{", b"}", b"\x00", b"\xff", b"\xe2\x80", b'\\', b"", b'""', b"]"])),
    min_size=1, max_size=4)
VALID_JSONL = b''.join(json.dumps(r).encode() + b"\n" for r in [
    {"id": 1, "outlet": "Reuters", "title": "T", "text": "First, \"quoted\" body.", "published": "2019-10-08"},
    {"id": "2", "outlet": "Vox", "text": "Second body; more.", "extra": [1, 2]},
    {"outlet": "Fox News", "text": "Third."}])
VALID_CSV = ('outlet,title,text,id,published\nReuters,T,"First, ""quoted""\nbody.",1,2019-10-08\n'
             'Vox,T2,Second body,2,\nFox News,,Third.,3,Oct 8 2019\n').encode()


@fuzz(200)
@given(edits=EDITS)
def test_mutated_jsonl_files(tmp_path_factory, edits):
    data = _mutate(VALID_JSONL, edits)
    path = tmp_path_factory.getbasetemp() / "mutated.jsonl"
    path.write_bytes(data)
    try:
        n_records = sum(1 for line in data.decode("utf-8-sig").split("\n") if line.strip())
    except UnicodeDecodeError:
        n_records = None
    _check(path, "mutated.jsonl", n_records)


@fuzz(200)
@given(edits=EDITS)
def test_mutated_csv_files(tmp_path_factory, edits):
    path = tmp_path_factory.getbasetemp() / "mutated.csv"
    path.write_bytes(_mutate(VALID_CSV, edits))
    _check(path, "mutated.csv", None)


@fuzz(150)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".jsonl", ".csv", ".tsv", ".xlsx"]))
def test_arbitrary_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.getbasetemp() / f"bytes{suffix}"
    path.write_bytes(data)
    _check(path, f"bytes{suffix}", None)


@fuzz(10)
@given(records=st.lists(RECORD, min_size=1, max_size=4))
def test_generated_exports_through_the_ingest_stage(project, tiny_study, tmp_path_factory, records):
    """Import and the whole ingest stage (dates, outlets, parquet) on what the reader accepts."""
    path = tmp_path_factory.getbasetemp() / "stage.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    paths = config.study_paths("tiny")
    try:
        ingest.import_file(path, paths)
    except InputFileError as exc:
        assert "\n" not in str(exc)
        return
    try:
        articles = ingest.build_articles(load_study(paths), paths)
    except AnalysisError as exc:
        raise AssertionError(f"ingest failed on an accepted import: {exc}") from None
    assert articles["doc_id"].is_unique
