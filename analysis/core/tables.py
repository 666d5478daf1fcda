"""The documented tidy tables every stage reads and writes.

Schemas are data: each room declares the tables it writes in its own
``tables.toml`` (``analysis/<room>/tables.toml``), and this module reads them
all when it is imported, so the registry is the same whatever was imported
first. Each schema lists its columns with a dtype *kind* (pandas 3 infers a
``str`` dtype and microsecond datetimes, so exact dtype names are not a
stable contract) and the columns that form a unique key. ``validate`` is
called before every write, and the tests call it on every table.

The file format: one ``[table]`` per table with ``doc``, ``layer``
(``interim`` or ``processed``), ``key`` and ``columns``; a column is
``[name, kind, description]``, with the flags ``"nullable"`` (values may be
missing) and ``"list"`` (a ``;``-joined list of names: exported to CSV as a
JSON array) as further items, and ``"@group"`` stands for a group of shared columns
declared in ``analysis/core/columns.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from analysis.core import storage
from analysis.core.errors import SchemaError

Kind = Literal["str", "int", "float", "datetime", "bool"]
# The rooms that write tables, in the order the stages run: the registry lists tables in this order.
ROOMS = ("collect", "text", "sentiment", "stats", "framing", "provenance", "validation")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    doc: str
    nullable: bool = False
    is_list: bool = False  # ';'-joined names in Parquet, a JSON array in the exported CSV


@dataclass(frozen=True)
class Schema:
    name: str
    layer: Literal["interim", "processed"]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str
    room: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# Read by path, not through importlib.resources: that would import each room's package, and rooms import this.
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _read_toml(relative: str) -> dict:
    return tomllib.loads(storage.read_text(_PACKAGE_DIR / relative))


def _columns(items: list, groups: dict[str, tuple[Column, ...]], where: str) -> tuple[Column, ...]:
    out: list[Column] = []
    for item in items:
        if isinstance(item, str) and item.startswith("@"):
            if item[1:] not in groups:
                raise SchemaError(f"{where}: no column group {item!r} in analysis/core/columns.toml")
            out.extend(groups[item[1:]])
            continue
        name, kind, doc, *flags = item
        if kind not in Kind.__args__ or set(flags) - {"nullable", "list"}:
            raise SchemaError(f"{where}: column {name!r} has kind {kind!r} and flags {flags}")
        out.append(Column(name, kind, doc, nullable="nullable" in flags, is_list="list" in flags))
    return tuple(out)


def _load() -> dict[str, Schema]:
    groups: dict[str, tuple[Column, ...]] = {}
    for name, spec in _read_toml("core/columns.toml").items():
        groups[name] = _columns(spec["columns"], groups, f"analysis/core/columns.toml [{name}]")
    schemas: dict[str, Schema] = {}
    for room in ROOMS:
        for name, spec in _read_toml(f"{room}/tables.toml").items():
            where = f"analysis/{room}/tables.toml [{name}]"
            if name in schemas:
                raise SchemaError(f"{where}: table {name!r} is already declared by the {schemas[name].room} room")
            schemas[name] = Schema(name, spec["layer"], tuple(spec["key"]),
                                   _columns(spec["columns"], groups, where), spec["doc"], room)
    return schemas


SCHEMAS: dict[str, Schema] = _load()

_KIND_CHECKS = {
    "str": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s),
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "datetime": pd.api.types.is_datetime64_any_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


def schema(name: str) -> Schema:
    """The schema of table ``name``."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise SchemaError(f"no table is called {name!r}") from None


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``df`` against its schema; return it with columns in schema order."""
    contract = schema(name)
    missing = [c for c in contract.names if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r} lacks columns {missing}")
    for col in contract.columns:
        series = df[col.name]
        if not _KIND_CHECKS[col.kind](series.dtype):
            raise SchemaError(f"table {name!r} column {col.name!r} has dtype {series.dtype}, expected {col.kind}")
        if not col.nullable and series.isna().any():
            raise SchemaError(f"table {name!r} column {col.name!r} has {int(series.isna().sum())} missing values")
    dupes = df.duplicated(list(contract.key)).sum()
    if dupes:
        raise SchemaError(f"table {name!r} has {dupes} duplicate keys {contract.key}")
    return df[contract.names].reset_index(drop=True)


_DTYPES = {"str": "str", "int": "int64", "float": "float64", "datetime": "datetime64[ns, UTC]", "bool": "bool"}


def empty(name: str) -> pd.DataFrame:
    """An empty table with the schema's columns and dtype kinds."""
    return pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in schema(name).columns})


def from_rows(rows: list[tuple], name: str) -> pd.DataFrame:
    """Table ``name`` from row tuples in schema column order, each column cast to its kind, typed with no rows."""
    columns = schema(name).columns
    data = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame({c.name: pd.Series(list(values), dtype=_DTYPES[c.kind]) for c, values in zip(columns, data)})


def typed_frame(rows: list[tuple], kinds: dict[str, str]) -> pd.DataFrame:
    """A frame that is not a stored table (no schema) from row tuples, each column cast to its kind."""
    frame = pd.DataFrame(rows, columns=list(kinds))
    return frame.astype({c: _DTYPES[k] for c, k in kinds.items()})
