"""The cleaning log's rows and the text columns the clean steps share (:mod:`analysis.text.clean`,
:mod:`analysis.text.boilerplate`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.core import tables

DETAIL_CHARS = 80  # a log row's evidence: the first characters of a removed paragraph or line


def text_column(values: list[str], like: pd.Series) -> pd.Series:
    """``values`` as a text column in the place of ``like``: pandas' string dtype, or object where ``like`` is
    (:func:`clean_articles` keeps text as Python strings between its steps: a string column at every step copied
    each text into Arrow and back out, a tenth of the stage on the AllSides corpus)."""
    return pd.Series(values, index=like.index, dtype=object if like.dtype == object else "str")


def require_columns(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}; got {list(df.columns)}")


def log_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (doc_id, step, action, reason, detail) as a numbered log."""
    frame = pd.DataFrame(rows, columns=["doc_id", "step", "action", "reason", "detail"])
    return number_log(frame)


def number_log(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``seq``: position of each row within its article's log, in step order."""
    frame = frame.reset_index(drop=True).copy()
    frame["seq"] = frame.groupby("doc_id", sort=False).cumcount().astype("int64") if len(frame) else 0
    names = tables.schema("cleaning_log").names
    return tables.from_rows(list(frame[names].itertuples(index=False, name=None)), "cleaning_log")
