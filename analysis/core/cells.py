"""Cells of the CSV and XLSX files people open in a spreadsheet: text a spreadsheet would run is neutralised.

Article text reaches the coding sheets and the report's tables, and a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
(``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(``). OWASP's rule for CSV injection is applied: such a cell
gets a leading single quote, which every spreadsheet shows as text. A cell that already starts with quotes
before one of those characters gets one more, so :func:`restore` gives back exactly what was written. Numbers
stay numbers: only strings are touched, and a string that is just a number (``-0.5``) is left as it is, since a
spreadsheet reads it as that number and runs nothing.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS) and not _NUMBER.fullmatch(text.lstrip("'"))


def neutralise(value):
    """``value`` as a spreadsheet should get it: a formula-like string quoted, anything else unchanged."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def restore(value):
    """The inverse of :func:`neutralise`, for a cell read back from a sheet the toolkit wrote."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its string cells :func:`neutralise`-d, as a new frame; numeric, boolean and date columns untouched
    (and, as columns it does not change, shared with ``df`` rather than copied: without pandas' copy-on-write, the
    default from pandas 3, writing into one would show in the other).

    Column names are cells too (the header row): one that is data, such as an outlet's name, is neutralised alike.
    """
    out = df.copy(deep=False)  # each changed column is replaced, not written into (copy-on-write): no copy of the rest
    out.columns = [neutralise(c) for c in out.columns]
    for column in out.columns:
        dtype = out[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
        if isinstance(dtype, pd.StringDtype):
            out[column] = _neutralise_strings(out[column])
        elif dtype == object or isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


_TRIGGER_START = r"^'*[=+\-@\t\r]"  # TRIGGERS after any quotes, in syntax both re and pyarrow's RE2 read


def _neutralise_strings(column: pd.Series) -> pd.Series:
    """:func:`neutralise` of a string column, run only on the cells that start like a formula (found by one
    vectorised match: a million-cell text column holds a handful)."""
    suspect = column.str.contains(_TRIGGER_START, regex=True, na=False).to_numpy(dtype=bool)
    if not suspect.any():
        return column
    out = column.copy()
    out[suspect] = column[suspect].map(neutralise)
    return out
