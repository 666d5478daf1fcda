"""Article exports: strict CSV, ids, JSON types, extra columns, one size limit, mojibake, delimiters, .xlsx and
column mapping, each with the file and line a user needs to fix it."""

from __future__ import annotations

import csv
import json

import openpyxl
import pandas as pd
import pytest
from conftest import write_jsonl

from analysis.collect import article_files
from analysis.collect.article_files import read_article_file, sniff_delimiter
from analysis.collect.rows import MAX_ARTICLE_CHARS
from analysis.core.errors import InputFileError


def _write(path, text: str):
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _skipped(problems):
    return [str(p) for p in problems if p.skipped]


# --- strict CSV (issue 25.4: rows 3-5 were swallowed into row 2's text) -------------------------------------

def test_an_unterminated_quote_is_an_error_at_the_line_it_opened(tmp_path):
    path = _write(tmp_path / "q.csv", 'outlet,text\nReuters,"Opened and never closed\nFox,three\nVox,four\n'
                                      'CNN,five\n')
    with pytest.raises(InputFileError, match=r"^q\.csv:2: malformed CSV \(.*runs to line \d+\); check its quotes$"):
        read_article_file(path)


def test_a_stray_quote_inside_a_field_is_an_error_at_its_line(tmp_path):
    path = _write(tmp_path / "s.csv", 'outlet,text\nReuters,fine\nFox,"quoted" then more\nVox,four\n')
    with pytest.raises(InputFileError, match=r"^s\.csv:3: malformed CSV"):
        read_article_file(path)


def test_a_row_with_more_fields_than_the_header_is_reported_not_cut(tmp_path):
    path = _write(tmp_path / "f.csv", "outlet,text\nReuters,one\nFox,two, with a comma\nVox,three\n")
    rows, problems = read_article_file(path)
    assert rows["text"].tolist() == ["one", "three"]
    assert _skipped(problems) == ["f.csv:3: 3 fields where the header has 2 (an unquoted comma in a value?); "
                                  "row skipped"]


# --- ids --------------------------------------------------------------------------------------------------

def test_a_repeated_id_is_a_problem_naming_both_lines_and_int_1_is_string_1(tmp_path):
    path = write_jsonl(tmp_path / "ids.jsonl", [
        {"id": "1", "outlet": "Reuters", "text": "first"},
        {"id": 1, "outlet": "Fox News", "text": "second, another outlet"},
        {"id": " 1 ", "outlet": "Vox", "text": "third"},
        {"id": 2, "outlet": "Vox", "text": "fourth"},
    ])
    rows, problems = read_article_file(path)
    assert rows["id"].tolist() == ["1", "2"] and rows["text"].tolist() == ["first", "fourth"]
    assert _skipped(problems) == [
        "ids.jsonl:2: id '1' already used on line 1; row skipped (ids must be unique within a file)",
        "ids.jsonl:3: id '1' already used on line 1; row skipped (ids must be unique within a file)"]


# --- JSON types -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, expected", [
    ("outlet", {"name": "Reuters"}, "field 'outlet' must be a string, got an object {\"name\": \"Reuters\"}"),
    ("text", 12345, "field 'text' must be a string, got a number 12345"),
    ("title", ["a", "b"], "field 'title' must be a string, got an array [\"a\", \"b\"]"),
    ("published", True, "field 'published' must be a string, got true/false true"),
    ("id", 1.5, "field 'id' must be a string or an integer, got a number 1.5"),
])
def test_a_wrong_json_type_is_rejected_naming_field_and_line(tmp_path, field, value, expected):
    good = {"outlet": "Reuters", "text": "fine"}
    path = write_jsonl(tmp_path / "types.jsonl", [good, {**good, field: value}])
    rows, problems = read_article_file(path)
    assert len(rows) == 1
    assert _skipped(problems) == [f"types.jsonl:2: {expected}; row skipped"]


# --- extra columns ----------------------------------------------------------------------------------------

def test_columns_the_import_does_not_use_are_listed_and_kept(tmp_path):
    path = _write(tmp_path / "x.csv", "outlet,text,section,word_count\nReuters,body,World,812\nFox,body two,,\n")
    rows, problems = read_article_file(path)
    assert json.loads(rows["extra"].iloc[0]) == {"section": "World", "word_count": "812"}
    assert pd.isna(rows["extra"].iloc[1])
    assert [str(p) for p in problems] == ["x.csv:1: columns not used by the import, kept per article in "
                                          "articles_raw.extra: section, word_count"]


# --- one size limit ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_an_article_over_the_limit_is_cut_and_flagged_in_every_format(tmp_path, suffix):
    huge = ("word " * (MAX_ARTICLE_CHARS // 5 + 1000)).strip()
    assert len(huge) > csv.field_size_limit()  # the csv module's own limit would have refused it
    records = [{"outlet": "Reuters", "text": "short"}, {"outlet": "Fox News", "text": huge}]
    path = tmp_path / f"big{suffix}"
    if suffix == ".jsonl":
        write_jsonl(path, records)
    else:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.DictWriter(fh, ["outlet", "text"]).writeheader()
            csv.DictWriter(fh, ["outlet", "text"]).writerows(records)
    limit_before = csv.field_size_limit()
    rows, problems = read_article_file(path)
    assert csv.field_size_limit() == limit_before  # raised for the read only
    assert len(rows) == 2 and 0 < MAX_ARTICLE_CHARS - len(rows["text"].iloc[1]) < 10
    assert rows["ingest_flags"].tolist() == ["", "truncated"]
    assert [str(p) for p in problems] == [f"big{suffix}:{2 if suffix == '.jsonl' else 3}: text over 1,000,000 "
                                          "characters cut to the limit in line 2; flagged truncated"
                                          .replace("line 2", f"line {2 if suffix == '.jsonl' else 3}")]


# --- mojibake (issue 25.10) -------------------------------------------------------------------------------

def test_mojibake_in_an_import_is_repaired_flagged_and_reported(tmp_path):
    path = write_jsonl(tmp_path / "m.jsonl", [
        {"outlet": "Reuters", "title": "Beijingâ€™s reply", "text": "Itâ€™s a cafÃ© â€” the ministry said."},
        {"outlet": "Fox News", "text": "Correct text: café, “quotes” — and a dash."},
    ])
    rows, problems = read_article_file(path)
    assert rows["text"].tolist() == ["It’s a café — the ministry said.", "Correct text: café, “quotes” — and a dash."]
    assert rows["title"].iloc[0] == "Beijing’s reply"
    assert rows["ingest_flags"].tolist() == ["mojibake_repaired", ""]
    assert [str(p) for p in problems] == ["m.jsonl:1: mojibake repaired with ftfy in line 1 (first: encode "
                                          "sloppy-windows-1252, decode utf-8); flagged mojibake_repaired"]


# --- delimiters, .tsv and .xlsx (issue 23.2) --------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(tmp_path, delimiter):
    lines = [["outlet", "title", "text"], ["Reuters", "A, B; C", "Body, with; punctuation\tand tabs."],
             ["Fox News", "T2", "Second body."], ["Vox", "T3", "Third body."]]
    path = tmp_path / "d.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(lines)
    assert sniff_delimiter(path.read_text(encoding="utf-8")) == delimiter
    rows, problems = read_article_file(path)
    assert rows["outlet"].tolist() == ["Reuters", "Fox News", "Vox"] and problems == []
    assert rows["text"].iloc[0] == "Body, with; punctuation\tand tabs."


def test_a_tsv_file_is_read_as_tabs(tmp_path):
    rows, _ = read_article_file(_write(tmp_path / "t.tsv", "outlet\ttext\nReuters\tBody, one\n"))
    assert rows["text"].tolist() == ["Body, one"]


def test_an_xlsx_export_is_read_with_its_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Outlet", "Headline", "Body", "Date", "ID"])
    sheet.append(["Reuters", "T1", "First body.", "2019-10-08", 17])
    sheet.append([None, None, None, None, None])
    sheet.append(["Fox News", "T2", None, "2019-10-09", 18])
    sheet.append(["Vox", "T3", "Third body.", None, 19.0])
    book.create_sheet("Notes").append(["not articles"])
    book.save(tmp_path / "e.xlsx")
    rows, problems = read_article_file(tmp_path / "e.xlsx", columns={"text": "Body", "title": "Headline",
                                                                     "date": "Date"})
    assert rows["id"].tolist() == ["17", "19"] and rows["line"].tolist() == [2, 5]
    assert rows["published"].fillna("").tolist() == ["2019-10-08", ""] and rows["title"].tolist() == ["T1", "T3"]
    assert [str(p) for p in problems] == ["e.xlsx:1: read the first of 2 sheets, 'Export'",
                                          "e.xlsx:4: missing text; row skipped"]


def test_an_xlsx_renamed_to_csv_says_so(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["outlet", "text"])
    book.save(tmp_path / "real.xlsx")
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(InputFileError, match=r"^renamed\.csv: an Excel workbook renamed"):
        read_article_file(tmp_path / "renamed.csv")


# --- column names (issue 23.2) ----------------------------------------------------------------------------

def test_a_missing_column_lists_what_was_found_and_the_closest_match(tmp_path):
    path = _write(tmp_path / "b.csv", "source,headline,body\nReuters,T,Text here\n")
    with pytest.raises(InputFileError) as err:
        read_article_file(path)
    assert str(err.value) == ("b.csv: missing column 'outlet'; found source, headline, body; did you mean "
                              "'source'? -> use --outlet-col source (or [columns] outlet = \"source\" in study.toml)")
    with pytest.raises(InputFileError, match=r"missing column 'text'; found source, headline, body; did you mean "
                                             r"'body'\? -> use --text-col body"):
        read_article_file(path, columns={"outlet": "source"})
    rows, _ = read_article_file(path, columns={"outlet": "source", "text": "body", "title": "headline"})
    assert rows[["outlet", "title", "text"]].values.tolist() == [["Reuters", "T", "Text here"]]


def test_headers_match_whatever_their_case_and_a_misspelt_mapping_is_named(tmp_path):
    path = _write(tmp_path / "c.csv", " Outlet ,TEXT,Title\nReuters,Body,T\n")
    rows, _ = read_article_file(path)
    assert rows[["outlet", "text", "title"]].values.tolist() == [["Reuters", "Body", "T"]]
    with pytest.raises(InputFileError, match=r"^c\.csv: column 'Titel' \(given for title\) is not in the file; "
                                             r"found Outlet, TEXT, Title; did you mean 'Title'\?$"):
        read_article_file(path, columns={"title": "Titel"})


def test_mappable_keys_match_the_study_file_and_the_command_line():
    from analysis.core.study import COLUMN_KEYS
    from analysis.run.cli import build_parser

    assert tuple(article_files.MAPPABLE) == COLUMN_KEYS
    ingest = build_parser()._subparsers._group_actions[0].choices["ingest"]
    flags = {a.option_strings[0] for a in ingest._actions if a.option_strings}
    assert {f"--{k}-col" for k in COLUMN_KEYS} <= flags
