"""How precise a publication date is: to the time of day, the day, the month or only the year.

"2019-10" parses as 1 October 2019, which is not what the page said. Each article keeps the precision of
its date so that measures that need order (who copied whom) use only dates precise to the day, and the
run can say how many were not.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from dateutil import parser as dateparser

PRECISIONS = ("time", "day", "month", "year")
_ISO_YEAR = re.compile(r"^\s*\d{4}\s*$")
_ISO_MONTH = re.compile(r"^\s*\d{4}[-/.]\d{1,2}\s*$")
# Two defaults that differ in every field: what the text leaves out comes from the default, so a field
# that differs between the two parses was not in the text.
_DEFAULT_A = dt.datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = dt.datetime(2001, 12, 28, 13, 37, 42)


def date_precision(value: object) -> str:
    """``time``, ``day``, ``month``, ``year``, or '' for a missing or unreadable date.

    A datetime value (from a dataset or a page's metadata) is ``day`` at midnight and ``time`` otherwise.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        ts = pd.Timestamp(value)
        return "day" if (ts.hour, ts.minute, ts.second, ts.microsecond) == (0, 0, 0, 0) else "time"
    if isinstance(value, dt.date):
        return "day"
    text = str(value).strip()
    if not text:
        return ""
    if _ISO_YEAR.match(text):
        return "year"
    if _ISO_MONTH.match(text):
        return "month"
    try:
        a = dateparser.parse(text, default=_DEFAULT_A)
        b = dateparser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return ""
    if a.year != b.year:
        return ""
    if a.month != b.month:
        return "year"
    if a.day != b.day:
        return "month"
    if (a.hour, a.minute) != (b.hour, b.minute):
        return "day"
    # "00:00:00" is what many feeds and CMSs write when they know only the day (as a datetime at midnight is)
    return "day" if (a.hour, a.minute, a.second) == (0, 0, 0) else "time"


def _one_to_utc(value: object) -> pd.Timestamp:
    try:
        return pd.to_datetime(value, errors="coerce", utc=True)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT


def to_utc(values: pd.Series) -> pd.Series:
    """Publication dates in the one convention every table uses: timezone-aware UTC (``datetime64[..., UTC]``).

    Offsets are converted ("2019-10-08T14:03-04:00" is 18:03 UTC); a date or time without one is taken as UTC.
    Missing and unreadable values become NaT, so undated and dated articles sit in one column that later code
    can subtract and compare without "Cannot subtract tz-naive and tz-aware" errors.
    """
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    try:
        out = pd.to_datetime(series, format="mixed", errors="coerce", utc=True)
    except (ValueError, TypeError, OverflowError):  # a value pandas cannot even coerce: one at a time
        out = pd.to_datetime(series.map(_one_to_utc), utc=True)
    if not isinstance(out.dtype, pd.DatetimeTZDtype):  # an empty or all-missing object column
        out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    return out
