"""Reading an article export (JSONL, CSV or TSV, XLSX) into rows, losing nothing in silence.

Every record of a file ends as a usable row or as a :class:`Problem` marked ``skipped`` that says why, by
file and line, so ``records in == rows + skipped problems`` always holds. A file that cannot be read as a
whole (not UTF-8, a CSV quote never closed, a line that is not JSON, no ``text`` column) is an
:class:`InputFileError` naming the file, the line and what was found: a broken export should be fixed, not
half-imported.

Columns are found by name, case and surrounding spaces ignored; ``columns`` maps a field to the file's own
column name (``--text-col body`` on the command line, ``[columns] text = "body"`` in study.toml). Columns the
import does not use are listed and kept, as a JSON object per row (``articles_raw.extra``). Ids are compared
as text: the JSON integer 1 and the string "1" are the same id, and an id may appear once per file.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io as _io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from analysis.collect import outlets
from analysis.collect.extract import repair_mojibake
from analysis.collect.rows import MAX_ARTICLE_CHARS, Problem, limit_text
from analysis.core import storage
from analysis.core.errors import InputFileError

REQUIRED = ("outlet", "text")
OPTIONAL = ("title", "url", "published", "author", "id", "event_id")
# Outlet metadata an import may carry for outlets data/outlets.csv does not know (see outlets.merge_import_metadata).
OUTLET_COLUMNS = ("outlet_type", "country", "leaning", "leaning_source", "language", "original_outlet")
FIELDS = (*REQUIRED, *OPTIONAL, *OUTLET_COLUMNS)
ROW_FIELDS = [*FIELDS, "line", "ingest_flags", "extra"]
# What `ingest --X-col NAME` and study.toml's [columns] X = "NAME" map: the field each fills ("date" is published).
MAPPABLE = {"id": "id", "outlet": "outlet", "title": "title", "text": "text", "url": "url", "date": "published",
            "author": "author"}
# Names exports use for a field (Media Cloud, GDELT, news APIs, spreadsheets), offered as "did you mean".
SYNONYMS = {
    "text": ("body", "content", "article", "full_text", "fulltext", "story", "maintext", "article_text", "main_text"),
    "outlet": ("source", "publisher", "media", "media_name", "site", "sitename", "publication", "domain", "source_name"),
    "title": ("headline", "heading", "name"),
    "published": ("date", "publish_date", "pubdate", "published_at", "publication_date", "datetime", "timestamp"),
    "url": ("link", "href", "uri", "permalink", "story_url"),
    "id": ("stories_id", "article_id", "guid", "uid", "doc_id"),
    "author": ("byline", "authors", "creator", "writer"),
}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xlsx")
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class _Records:
    columns: list[str]  # the file's column names, in file order
    records: list[tuple[int, dict]]  # (line, {column: value}); a value is what the file held (JSON types kept)
    header_line: int  # the line a note about columns points at
    problems: list[Problem]


def read_article_file(path: Path, *, name: str | None = None,
                      columns: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse an article export into rows (``ROW_FIELDS``) and the problems met, skipped rows included.

    ``columns`` maps ``MAPPABLE`` keys (``text``, ``outlet``, ``date``, ...) to the file's column names.
    """
    path = Path(path)
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = "; save it as .xlsx or CSV" if suffix in (".xls", ".ods", ".numbers") else ""
        raise InputFileError(f"{name}: unsupported file type {path.suffix!r}; use .jsonl, .csv, .tsv or .xlsx{hint}")
    if suffix == ".xlsx":
        found = _xlsx_records(path, name)
    else:
        text = _utf8(storage.read_bytes(path), name)
        found = _jsonl_records(text, name) if suffix in (".jsonl", ".ndjson", ".json") else \
            _csv_records(text, name, tab=suffix == ".tsv")
    if not found.records:
        raise InputFileError(f"{name}: no articles in file")
    where = _map_columns(found.columns, columns or {}, name)
    rows, problems = _rows(found, where, name)
    return pd.DataFrame(rows, columns=ROW_FIELDS), found.problems + problems


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        what = "an Excel workbook renamed" if data.startswith(b"PK\x03\x04") else "not UTF-8 text"
        raise InputFileError(f"{name}: {what} (byte {exc.start}); re-save the export as UTF-8 CSV, JSONL or "
                             f".xlsx") from None


# --- the three formats ------------------------------------------------------

def _jsonl_records(text: str, name: str) -> _Records:
    records, seen = [], {}
    # split("\n"), not splitlines(): JSON strings may hold raw U+2028/U+0085.
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{name}:{lineno}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        except RecursionError:
            raise InputFileError(f"{name}:{lineno}: invalid JSON (nested too deeply)") from None
        if not isinstance(rec, dict):
            raise InputFileError(f"{name}:{lineno}: expected a JSON object, got {type(rec).__name__}")
        seen.update(dict.fromkeys(rec))
        records.append((lineno, rec))
    return _Records(list(seen), records, records[0][0] if records else 1, [])


def sniff_delimiter(text: str, *, name: str = "") -> str:
    """The delimiter of a CSV export: ``,``, ``;`` (European Excel), tab or ``|``.

    csv.Sniffer on the first 64 KiB, checked against the header line (a free-text sample can fool it);
    failing that, whichever candidate the header line holds most of; failing that, a comma.
    """
    header = text.split("\n", 1)[0]
    sample = text[: 1 << 16]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and sniffed in header:
        return sniffed
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_records(text: str, name: str, *, tab: bool = False) -> _Records:
    delimiter = "\t" if tab else sniff_delimiter(text, name=name)
    # The field limit is the file's length: no field is longer, so the csv module never refuses one, and an
    # article over MAX_ARTICLE_CHARS is cut and flagged below, as in JSONL (one rule for every format).
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        start = 1
        try:
            header = next(reader, None)
            if header is None:
                raise InputFileError(f"{name}: empty CSV file")
            columns = [c.strip() for c in header]
            records, problems = [], []
            start = reader.line_num + 1
            for fields in reader:
                line = start
                start = reader.line_num + 1
                if not fields or (len(fields) == 1 and not fields[0].strip() and len(columns) > 1):
                    continue  # a blank line is not a record
                if len(fields) > len(columns):
                    problems.append(Problem(name, line, f"{len(fields)} fields where the header has {len(columns)} "
                                                        f"(an unquoted {_shown(delimiter)} in a value?); row skipped",
                                            skipped=True))
                    continue
                if len(fields) < len(columns):
                    problems.append(Problem(name, line, f"{len(fields)} fields where the header has {len(columns)}; "
                                                        f"the missing ones read as empty"))
                records.append((line, dict(zip(columns, fields))))
        except csv.Error as exc:
            # The record that broke starts at `start`; csv's own line number is where it gave up (for a quote
            # never closed, the end of the file, after swallowing every later row).
            raise InputFileError(f"{name}:{start}: malformed CSV ({exc}; the record starting on this line"
                                 f"{'' if reader.line_num == start else f' runs to line {reader.line_num}'}); "
                                 f"check its quotes") from None
    finally:
        csv.field_size_limit(old_limit)
    dupes = sorted({c for c in columns if columns.count(c) > 1 and c})
    if dupes:
        raise InputFileError(f"{name}:1: column {dupes[0]!r} appears more than once in the header")
    return _Records(columns, records, 1, problems)


def _shown(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delimiter]


def _xlsx_records(path: Path, name: str) -> _Records:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputFileError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]  # the first sheet, whatever its name; a note says so when there are more
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputFileError(f"{name}: the first sheet {sheet.title!r} is empty")
        columns = [_cell(c).strip() for c in header]
        while columns and not columns[-1]:
            columns.pop()
        records = []
        for line, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            records.append((line, dict(zip(columns, cells))))
        problems = [Problem(name, 1, f"read the first of {len(book.worksheets)} sheets, {sheet.title!r}")] \
            if len(book.worksheets) > 1 else []
    finally:
        book.close()
    return _Records(columns, records, 1, problems)


def _cell(value: object) -> str:
    """A spreadsheet cell as the text a person sees (an id 17 is "17", not "17.0"; a date in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


# --- columns ----------------------------------------------------------------

def _map_columns(found: list[str], columns: Mapping[str, str], name: str) -> dict[str, str]:
    """Field -> the file's column for every field the file has; an error naming what was found otherwise."""
    by_fold = {c.strip().casefold(): c for c in reversed(found)}
    where = {}
    for key, column in columns.items():
        field = MAPPABLE.get(key)
        if field is None:
            raise InputFileError(f"{name}: cannot map {key!r}; mappable: {', '.join(MAPPABLE)}")
        if column.strip().casefold() not in by_fold:
            raise InputFileError(f"{name}: column {column!r} (given for {key}) is not in the file; found "
                                 f"{_listing(found)}{_suggest(column, found)}")
        where[field] = by_fold[column.strip().casefold()]
    for field in FIELDS:
        if field not in where and field in by_fold and by_fold[field] not in where.values():
            where[field] = by_fold[field]
    for field in REQUIRED:
        if field not in where:
            flag = next(k for k, v in MAPPABLE.items() if v == field)
            guess = _closest(field, found, exclude=set(where.values()))
            hint = f"; did you mean {guess!r}? -> use --{flag}-col {guess} (or [columns] {flag} = \"{guess}\" " \
                   f"in study.toml)" if guess else f"; name the column with --{flag}-col NAME"
            raise InputFileError(f"{name}: missing column {field!r}; found {_listing(found)}{hint}")
    return where


def _closest(field: str, found: list[str], *, exclude: set[str]) -> str | None:
    candidates = [c for c in found if c not in exclude and c.strip()]
    folded = {c.strip().casefold(): c for c in candidates}
    for synonym in SYNONYMS.get(field, ()):
        if synonym in folded:
            return folded[synonym]
    close = difflib.get_close_matches(field, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _suggest(column: str, found: list[str]) -> str:
    close = difflib.get_close_matches(column.strip().casefold(), [c.casefold() for c in found], n=1, cutoff=0.6)
    return f"; did you mean {next(c for c in found if c.casefold() == close[0])!r}?" if close else ""


def _listing(found: list[str], limit: int = 20) -> str:
    shown = [c if c.strip() else "(unnamed)" for c in found[:limit]]
    return (", ".join(shown) or "no columns") + (f" and {len(found) - limit} more" if len(found) > limit else "")


# --- rows -------------------------------------------------------------------

def _rows(found: _Records, where: dict[str, str], name: str) -> tuple[list[dict], list[Problem]]:
    used = set(where.values())
    extra_columns = [c for c in found.columns if c not in used]
    rows, problems, ids = [], [], {}
    repaired, truncated, hows, surrogates = [], [], [], []
    for lineno, rec in found.records:
        if any(isinstance(v, str) and _LONE_SURROGATE.search(v) for v in rec.values()):
            surrogates.append(lineno)
        row, bad = {}, None
        for field in FIELDS:
            value = rec.get(where[field]) if field in where else None
            row[field], bad = _value(value, field)
            if bad:
                problems.append(Problem(name, lineno, f"field {where[field]!r} must be {bad}, got "
                                                      f"{_json_type(value)}; row skipped", skipped=True))
                break
        if bad:
            continue
        missing = [k for k in REQUIRED if not row[k]]
        if missing:
            problems.append(Problem(name, lineno, f"missing {' and '.join(missing)}; row skipped", skipped=True))
            continue
        if row["id"] is not None:
            if row["id"] in ids:
                problems.append(Problem(name, lineno, f"id {row['id']!r} already used on line {ids[row['id']]}; "
                                                      f"row skipped (ids must be unique within a file)", skipped=True))
                continue
            ids[row["id"]] = lineno
        flags = []
        for field in ("title", "text"):
            if row[field]:
                row[field], how = repair_mojibake(row[field])
                if how and "mojibake_repaired" not in flags:
                    flags.append("mojibake_repaired")
                    repaired.append(lineno)
                    hows.append(how)
        row["text"], cut = limit_text(row["text"])
        if cut:
            flags.append("truncated")
            truncated.append(lineno)
        row["line"] = lineno
        row["ingest_flags"] = ";".join(flags)
        kept = {c: rec[c] for c in extra_columns if rec.get(c) not in (None, "")}
        row["extra"] = _LONE_SURROGATE.sub("\ufffd", json.dumps(kept, ensure_ascii=False, sort_keys=True,
                                                                default=str)) if kept else None
        problems += outlets.check_import_metadata(row, name=name, line=lineno)
        if row["published"] is not None and pd.isna(pd.to_datetime(row["published"], errors="coerce", utc=True,
                                                                    format="mixed")):
            problems.append(Problem(name, lineno, f"unreadable date {row['published']!r}; kept as undated"))
            row["published"] = None
        rows.append(row)
    if repaired:
        problems.append(Problem(name, repaired[0], f"mojibake repaired with ftfy in {_lines(repaired)} (first: "
                                                   f"{hows[0]}); flagged mojibake_repaired"))
    if surrogates:
        problems.append(Problem(name, surrogates[0], f"unpaired surrogate escapes (\\ud800-\\udfff, not a character) "
                                                     f"replaced by U+FFFD in {_lines(surrogates)}"))
    if truncated:
        problems.append(Problem(name, truncated[0], f"text over {MAX_ARTICLE_CHARS:,} characters cut to the limit "
                                                    f"in {_lines(truncated)}; flagged truncated"))
    if extra_columns and rows:
        problems.append(Problem(name, found.header_line, f"columns not used by the import, kept per article in "
                                                         f"articles_raw.extra: {_listing(extra_columns)}"))
    return rows, problems


def _value(value: object, field: str) -> tuple[str | None, str | None]:
    """The field's text and None, or None and what the field must be."""
    if value is None:
        return None, None
    if isinstance(value, str):
        # A JSON "\ud800" escape gives a lone surrogate, which no UTF-8 table can hold (pandas' Arrow strings
        # refuse it): it becomes U+FFFD, as any undecodable character does.
        return (_LONE_SURROGATE.sub("\ufffd", value).strip() or None), None
    if field == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value), None  # ids compare as text: 1 and "1" are one id
    return None, "a string or an integer" if field == "id" else "a string"


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "true/false", int: "a number", float: "a number"}
    return f"{names.get(type(value), type(value).__name__)} {json.dumps(value, default=str)[:40]}"


def _lines(lines: list[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, lines[:limit]))
    return f"line {shown}" if len(lines) == 1 else \
        f"{len(lines)} rows (lines {shown}{' ...' if len(lines) > limit else ''})"
