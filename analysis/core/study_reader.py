"""Reading one table of a ``study.toml``: each key popped with its type checked, every problem a
:class:`StudyConfigError` that names the file and the key path."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from analysis.core import limits
from analysis.core import patterns as pattern_engine
from analysis.core.errors import StudyConfigError


class Reader:
    """Pops keys from a TOML table and reports problems with file and key path."""

    def __init__(self, path: Path, where: str, table: Any):
        self.path, self.where = path, where
        if not isinstance(table, dict):
            self.fail(f"expected a table, got {type(table).__name__}")
        self.table = dict(table)

    def fail(self, msg: str, *, value: str | None = None) -> None:
        error = StudyConfigError(f"{self.path}: {self.where}: {msg}")
        error.value = value  # lets parse_study add the line number where the value is written
        raise error

    def get(self, key: str, types: type | tuple[type, ...], default: Any = ..., *, allowed: tuple | None = None) -> Any:
        if key not in self.table:
            if default is ...:
                self.fail(f"missing required key {key!r}")
            return default
        value = self.table.pop(key)
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            self.fail(f"key {key!r} must be {type_names(types)}, got a boolean")
        if not isinstance(value, types):
            self.fail(f"key {key!r} must be {type_names(types)}, got {type(value).__name__} {value!r}")
        if allowed is not None and value not in allowed:
            self.fail(f"key {key!r} is {value!r}; allowed: {', '.join(map(str, allowed))}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # Every number is bounded, NaN and infinities refused: the ranges are data in analysis.core.limits.
            problem = limits.study_key(self.table_name, key).problem(key, value)
            if problem:
                self.fail(problem)
        return value

    @property
    def table_name(self) -> str:
        """``sources.match`` for ``sources[0].match[1]``: the table's name in :data:`limits.STUDY_KEYS`."""
        return re.sub(r"\[\d+\]", "", self.where).strip("[]")

    def strings(self, key: str, default: tuple = ()) -> tuple[str, ...]:
        value = self.get(key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            self.fail(f"key {key!r} must be a list of strings")
        return tuple(value)

    def finish(self, allowed: list[str]) -> None:
        if self.table:
            unknown = sorted(self.table)
            self.fail(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(allowed)}")


def type_names(types: type | tuple[type, ...]) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join({str: "a string", int: "an integer", float: "a number", bool: "true/false",
                        list: "a list", dict: "a table", dt.date: "a date"}.get(t, t.__name__) for t in types)


def date(reader: Reader, key: str) -> dt.date | None:
    value = reader.get(key, (str, dt.date), None)
    if isinstance(value, dt.datetime):
        reader.fail(f"key {key!r} is a date-time ({value}); give a date, YYYY-MM-DD")
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        reader.fail(f"key {key!r} is {value!r}, not a date in YYYY-MM-DD form")


def regexes(reader: Reader, key: str) -> tuple[str, ...]:
    found = reader.strings(key)
    for p in found:
        try:
            pattern_engine.compile_pattern(p)  # the engine that runs them: analysis.core.patterns
        except pattern_engine.error as exc:
            reader.fail(f"key {key!r}: pattern {p!r} is not a valid regular expression ({exc})", value=p)
    return found
