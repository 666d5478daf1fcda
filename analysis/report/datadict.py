"""The report's data dictionary: what every exported CSV holds, column by column, for readers without the code.

Written from the same schemas the stages validate against (each room's ``tables.toml``), so it cannot drift
from the tables: ``tables/datapackage.json`` is a Frictionless Tabular Data Package (readable by
``frictionless validate``, R's ``frictionless`` and most data portals) and ``tables/README.md`` says the
same in prose. List cells, ``;``-joined in the Parquet tables, are written to CSV as JSON arrays, so a
reader parses them with any JSON library instead of guessing a separator.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.core import tables

# Frictionless field types for the schemas' dtype kinds; list columns are "array" (JSON arrays in the CSV).
_FIELD_TYPES = {"str": "string", "int": "integer", "float": "number", "datetime": "datetime", "bool": "boolean"}


def list_columns(name: str) -> list[str]:
    """The columns of table ``name`` that hold lists (``;``-joined in Parquet)."""
    return [c.name for c in tables.schema(name).columns if c.is_list]


def _as_json_array(cell) -> str:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return "[]"
    return json.dumps([part.strip() for part in str(cell).split(";") if part.strip()], ensure_ascii=False)


def csv_ready(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` (table ``name``) with its list cells as JSON arrays, as the CSV exports write it."""
    columns = [c for c in list_columns(name) if c in df.columns]
    if not columns:
        return df
    return df.assign(**{c: _json_arrays(df[c]) for c in columns})


def _json_arrays(cells: pd.Series) -> np.ndarray:
    """:func:`_as_json_array` of each cell, computed once per distinct cell (lists of outlets and leanings repeat:
    a million-row fact table holds a few thousand). Every missing cell (None, NaN, pd.NA) is ``[]``; the cell
    by cell conversion wrote pd.NA as ``["<NA>"]``."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    arrays = np.array([_as_json_array(u) for u in uniques] + ["[]"], dtype=object)  # code -1 (missing): the last
    return arrays[codes]


def _field(column: tables.Column) -> dict:
    field = {"name": column.name, "type": "array" if column.is_list else _FIELD_TYPES[column.kind],
             "description": column.doc + (" (a JSON array)" if column.is_list else "")}
    if not column.nullable:
        field["constraints"] = {"required": True}
    return field


def _inferred_field(name: str, dtype) -> dict:
    kind = ("integer" if pd.api.types.is_integer_dtype(dtype) else "number" if pd.api.types.is_float_dtype(dtype)
            else "boolean" if pd.api.types.is_bool_dtype(dtype) else "string")
    return {"name": name, "type": kind}


def resource(csv: Path, *, table: str | None, description: str | None = None) -> dict:
    """One Frictionless resource for ``csv``: the schema of ``table`` restricted to the CSV's columns, or, for a
    CSV no schema declares (a wide matrix, the collection log), fields inferred from the file with
    ``description`` saying what it is."""
    header = pd.read_csv(csv, nrows=50, keep_default_na=False)
    if table is not None:
        contract = tables.schema(table)
        by_name = {c.name: c for c in contract.columns}
        fields = [_field(by_name[c]) if c in by_name else _inferred_field(c, header[c].dtype) for c in header.columns]
        key = [k for k in contract.key if k in header.columns]
        out = {"description": contract.doc, "schema": {"fields": fields}}
        if key == list(contract.key):
            out["schema"]["primaryKey"] = key
    else:
        out = {"description": description or "", "schema": {"fields": [_inferred_field(c, header[c].dtype)
                                                                          for c in header.columns]}}
    return {"name": csv.stem, "path": csv.name, "profile": "tabular-data-resource", "format": "csv",
            "encoding": "utf-8", **out}


def data_package(resources: list[dict], *, study: str) -> dict:
    """The ``datapackage.json`` of a study's ``tables/`` folder."""
    return {"profile": "tabular-data-package", "name": f"{study}-tables".lower().replace("_", "-"),
            "title": f"Tables of the study '{study}'",
            "description": "Written by the report stage of media-framing-analysis "
                           f"{__version__}; article text is left out (it is the publishers'). A text cell that "
                           "would start with =, +, -, @, a tab or a carriage return carries a leading ' so that "
                           "a spreadsheet shows it instead of running it as a formula; drop that quote to read it.",
            "resources": sorted(resources, key=lambda r: r["name"])}


def readme(package: dict) -> str:
    """``tables/README.md``: the data package in prose, one section per CSV."""
    lines = [f"# {package['title']}", "", package["description"],
             "Machine-readable: `datapackage.json` (Frictionless Tabular Data Package). Lists are JSON arrays.", ""]
    for res in package["resources"]:
        lines += [f"## {res['path']}", "", res["description"], ""]
        if key := res["schema"].get("primaryKey"):
            lines += [f"One row per {', '.join(f'`{k}`' for k in key)}.", ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        for f in res["schema"]["fields"]:
            desc = f.get("description", "").replace("|", "\\|")
            lines.append(f"| `{f['name']}` | {f['type']} | {desc} |")
        lines.append("")
    return "\n".join(lines)
