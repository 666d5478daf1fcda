"""Date precision: what a publication date says, and no more."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.collect.dates import date_precision


@pytest.mark.parametrize("value, expected", [
    ("2019-10-08T14:03:00Z", "time"), ("2019-10-08 14:03", "time"), ("2019-10-08", "day"),
    ("Oct 8, 2019", "day"), ("8 October 2019", "day"), ("Tuesday, November 24, 2020", "day"),
    ("2019-10", "month"), ("2019/10", "month"), ("October 2019", "month"), ("2019", "year"),
    ("", ""), ("   ", ""), ("no date at all", ""), (None, ""), (float("nan"), ""), (pd.NaT, ""),
    (pd.Timestamp("2019-10-08"), "day"), (pd.Timestamp("2019-10-08 10:30", tz="UTC"), "time"),
    (dt.date(2019, 10, 8), "day"),
])
def test_date_precision(value, expected):
    assert date_precision(value) == expected
