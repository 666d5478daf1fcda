"""Agreement with human coders: reading their coded sheets, and the statistics.

:func:`read_codesheet` reads one coder's CSV or XLSX and lists every problem
by file, row and column. The statistics are pure functions of code matrices
(``coders x units``, NaN where a coder gave no code), so each figure can be
checked against ``krippendorff`` and ``sklearn.metrics`` on hand-made numbers. Every figure gets a percentile
bootstrap interval over units; the caller draws the resamples once with
:func:`resample_units`, so all figures of one import share them.

The automated measure is compared with the coders' majority: the code most of
them gave (a plurality). Where the most frequent codes tie (one of two coders
says 1, the other 0) a unit has no majority and is left out of that
comparison: breaking the tie either way would credit or blame the automated
measure for a disagreement among humans.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import krippendorff
import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import precision_recall_fscore_support

from analysis.core import tables
from analysis.core.cells import restore
from analysis.core.errors import InputFileError

Level = Literal["nominal", "ordinal"]


class CodesheetError(InputFileError):
    """A coder's sheet that cannot be read or has bad cells; each line names file, row and column."""


@dataclass(frozen=True)
class CodeColumn:
    """One column the coders fill: its allowed codes in scale order and its level of measurement."""

    name: str
    label: str
    definition: str
    values: tuple
    level: Level


# Columns that show the coder the unit; their text is part of the unit's hash (see :func:`unit_hash`).
SHOWN_COLUMNS = ("actor", "text", "sentence", "context_before", "context_after")


def unit_hash(unit_id: str, shown: Sequence[str]) -> str:
    """First 12 hex digits of the SHA-256 of a unit id and the text shown with it.

    Written on each sheet row, so that an import catches a unit id moved to another row's text and text edited
    in place. Whitespace runs count as one space and characters XLSX cannot hold are dropped, so the round
    trip through a spreadsheet (line endings, wrapped cells) keeps the hash.
    """
    parts = [" ".join(ILLEGAL_CHARACTERS_RE.sub("", str(p)).split()) for p in (unit_id, *shown)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _units_worksheet(wb, path: Path):
    """The worksheet whose header has ``unit_id``: picked by content, so a renamed or moved tab still reads."""
    found = [ws for ws in wb.worksheets
             if "unit_id" in ["" if v is None else str(v).strip() for row in ws.iter_rows(max_row=1, values_only=True)
                              for v in row]]
    if len(found) != 1:
        what = "no worksheet has" if not found else f"{len(found)} worksheets ({', '.join(ws.title for ws in found)}) have"
        raise CodesheetError(f"{path}: {what} the exported header with a 'unit_id' column; worksheets: "
                             f"{', '.join(wb.sheetnames)}")
    return found[0]


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and ``(spreadsheet row, {column: cell text})`` of a CSV or XLSX sheet, quoted formulas restored."""
    try:
        if path.suffix.lower() == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
            df.columns = header = [restore(str(c)) for c in df.columns]
            rows = df.fillna("").map(restore).to_dict("records")
            return header, [(i + 2, row) for i, row in enumerate(rows)]
        if path.suffix.lower() == ".xlsx":

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                ws = _units_worksheet(wb, path)
                values = [["" if v is None else restore(str(v)) for v in row]
                          for row in ws.iter_rows(values_only=True)]
            finally:
                wb.close()
            header = values[0] if values else []
            # Read-only worksheets may drop a row's trailing empty cells.
            return header, [(i + 2, {h: row[k] if k < len(row) else "" for k, h in enumerate(header)})
                            for i, row in enumerate(values[1:])]
    except CodesheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same to the user: unreadable
        raise CodesheetError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from None
    raise CodesheetError(f"{path}: not a .csv or .xlsx file")


def _hash_problems(path: Path, row: int, unit: str, cells: dict[str, str], *, expected: str, shown: list[str],
                   exported_row: int) -> list[str]:
    """A row whose hash cell or text does not belong to its unit id (ids swapped, text edited)."""
    if cells.get("unit_hash", "").strip() != expected:
        return [f"{path}: row {row}, column 'unit_hash': {cells.get('unit_hash', '').strip()!r} is not the hash of "
                f"unit {unit!r} (exported on row {exported_row}): unit ids were moved between rows; re-enter them"]
    if unit_hash(unit, [cells[c] for c in shown]) != expected:
        return [f"{path}: row {row}, columns {', '.join(shown)}: the text differs from what was exported for unit "
                f"{unit!r} (row {exported_row}): text was edited or unit ids swapped; code the exported text"]
    return []


def _code(cell: str, code: CodeColumn) -> int | None:
    """Position of ``cell`` among the allowed codes, or None."""
    text = cell.strip()
    if isinstance(code.values[0], str):
        text = text.lower()
        return code.values.index(text) if text in code.values else None
    try:
        number = float(text)
    except ValueError:
        return None
    return code.values.index(int(number)) if number.is_integer() and int(number) in code.values else None


def read_codesheet(path: Path, *, rows_of: dict[str, int], codes: list[CodeColumn],
                   hashes: dict[str, str] | None = None,
                   shown: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """One coder's sheet as positions of codes, one row per unit, and the problems found.

    ``rows_of`` maps each exported unit id to its row in the exported sheet; ``hashes`` (sheets exported
    with a ``unit_hash`` column) to its :func:`unit_hash` over the ``shown`` columns.
    Each problem reads ``FILE: row R, column C: what``. Output columns:
    ``unit_id`` and one per code column (the code's position in its scale).
    """
    path = Path(path)
    header, rows = _read_rows(path)
    required = ["unit_id", *(c.name for c in codes)] + (["unit_hash", *shown] if hashes is not None else [])
    problems = [f"{path}: row 1, column {c!r}: missing from the header (keep the exported column names)"
                for c in required if c not in header]
    if problems:
        return pd.DataFrame(), problems
    seen: dict[str, int] = {}
    coded = []
    for row, cells in rows:
        unit = cells["unit_id"].strip()
        if not any(v.strip() for v in cells.values()):
            continue  # a blank line left at the end of a sheet is not a unit
        if unit not in rows_of:
            problems.append(f"{path}: row {row}, column 'unit_id': unknown unit id {unit!r} (not exported)")
            continue
        if unit in seen:
            problems.append(f"{path}: row {row}, column 'unit_id': unit {unit!r} again (first on row {seen[unit]})")
            continue
        seen[unit] = row
        if hashes is not None:
            problems += _hash_problems(path, row, unit, cells, expected=hashes[unit], shown=list(shown),
                                       exported_row=rows_of[unit])
        values = [_code(cells[c.name], c) for c in codes]
        for code, value in zip(codes, values):
            if value is None:
                what = "blank" if not cells[code.name].strip() else f"invalid code {cells[code.name].strip()!r}"
                problems.append(f"{path}: row {row}, column {code.name!r}: {what}; "
                                f"allowed: {', '.join(map(str, code.values))}")
        coded.append([unit, *values])
    missing = [u for u in rows_of if u not in seen]
    if missing:
        listed = ", ".join(f"row {rows_of[u]} {u!r}" for u in missing[:20]) + (", ..." if len(missing) > 20 else "")
        problems.append(f"{path}: column 'unit_id': {len(missing)} units of the exported sheet are missing "
                        f"(exported rows): {listed}")
    return pd.DataFrame(coded, columns=["unit_id", *(c.name for c in codes)]), problems


def resample_units(n_units: int, *, n_boot: int, seed: int) -> np.ndarray:
    """``n_boot`` bootstrap resamples of unit positions, shape ``(n_boot, n_units)``."""
    return np.random.default_rng(seed).integers(0, n_units, size=(n_boot, n_units))


def _estimate(stat: Callable[[np.ndarray], Sequence[float]], n_units: int, resamples: np.ndarray,
              confidence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``stat`` on every unit and its percentile interval over ``resamples`` (one entry per figure)."""
    with warnings.catch_warnings():
        # A resample with one category only makes alpha, F1 or rho undefined: NaN, left out of the interval.
        warnings.simplefilter("ignore")
        value = np.asarray(stat(np.arange(n_units)), dtype=float)
        if len(resamples) == 0:
            return value, np.full_like(value, np.nan), np.full_like(value, np.nan)
        boot = np.array([stat(idx) for idx in resamples], dtype=float).reshape(len(resamples), -1)
        tail = 100 * (1 - confidence) / 2
        low, high = np.nanpercentile(boot, [tail, 100 - tail], axis=0)
    return value, low, high


def _rows(names: list[tuple[str, str, int]], estimate: tuple[np.ndarray, ...]) -> list[dict]:
    return [{"category": category, "metric": metric, "value": v, "ci_low": lo, "ci_high": hi, "n": int(n)}
            for (category, metric, n), v, lo, hi in zip(names, *estimate)]


def majority(matrix: np.ndarray) -> np.ndarray:
    """Each unit's most frequent code (columns of ``coders x units``); NaN for a tie or no code."""
    out = np.full(matrix.shape[1], np.nan)
    for j, column in enumerate(matrix.T):
        values, counts = np.unique(column[~np.isnan(column)], return_counts=True)
        if counts.size and (counts == counts.max()).sum() == 1:
            out[j] = values[counts.argmax()]
    return out


def alpha_rows(matrix: np.ndarray, *, level: Level, domain: Sequence[float], category: str,
               resamples: np.ndarray, confidence: float) -> list[dict]:
    """Krippendorff's alpha among the coders of ``matrix`` (``coders x units``) with its interval.

    ``domain`` lists every allowed code in scale order, so a resample that
    lacks a code keeps the same ordinal distances. Output columns: category,
    metric (``krippendorff_alpha``), value, ci_low, ci_high, n (units coded
    by two or more coders).
    """
    def stat(idx: np.ndarray) -> list[float]:
        return [krippendorff.alpha(reliability_data=matrix[:, idx], level_of_measurement=level,
                                   value_domain=list(domain))]

    n = int(((~np.isnan(matrix)).sum(axis=0) >= 2).sum())
    return _rows([(category, "krippendorff_alpha", n)], _estimate(stat, matrix.shape[1], resamples, confidence))


def _prf(truth: np.ndarray, predicted: np.ndarray, labels: list[int], average: str | None) -> np.ndarray:
    """Precision, recall and F1 on the units that have a majority (NaN truth left out)."""
    keep = ~np.isnan(truth)
    if not keep.any():
        return np.full((3, len(labels) if average is None else 1), np.nan)
    p, r, f, _ = precision_recall_fscore_support(truth[keep].astype(int), predicted[keep].astype(int),
                                                 labels=None if average == "binary" else labels, pos_label=1,
                                                 average=average, zero_division=np.nan)
    return np.array([p, r, f], dtype=float).reshape(3, -1)


def binary_rows(truth: np.ndarray, predicted: np.ndarray, *, categories: Sequence[str], resamples: np.ndarray,
                confidence: float) -> list[dict]:
    """Per-category precision, recall and F1 of 0/1 labels (frames), and their macro F1.

    ``truth`` and ``predicted`` are ``units x categories``; truth is the
    coders' majority, NaN where they tie (that unit is left out of that
    category only). ``macro_f1`` is the mean of the categories' F1 where
    defined. Output columns: category, metric, value, ci_low, ci_high, n.
    """
    def stat(idx: np.ndarray) -> list[float]:
        per = [_prf(truth[idx, k], predicted[idx, k], [1], "binary")[:, 0] for k in range(len(categories))]
        return [*np.concatenate(per), np.nanmean([p[2] for p in per])]

    names = [(c, m, int((truth[:, k] == 1).sum())) for k, c in enumerate(categories)
             for m in ("precision", "recall", "f1")]
    return _rows([*names, ("all", "macro_f1", truth.shape[0])],
                 _estimate(stat, truth.shape[0], resamples, confidence))


def category_rows(truth: np.ndarray, predicted: np.ndarray, *, categories: Sequence[str], resamples: np.ndarray,
                  confidence: float) -> list[dict]:
    """Per-category precision, recall and F1 of one label per unit, and macro F1.

    ``truth`` (the coders' majority, NaN where they tie) and ``predicted``
    hold positions in ``categories``. A category neither the coders nor the
    measure used has NaN figures and stays out of ``macro_f1`` (sklearn's
    ``zero_division=np.nan``). Output columns: category, metric, value,
    ci_low, ci_high, n.
    """
    labels = list(range(len(categories)))

    def stat(idx: np.ndarray) -> list[float]:
        prf = _prf(truth[idx], predicted[idx], labels, None)
        return [*prf.T.ravel(), np.nanmean(prf[2]) if np.isfinite(prf[2]).any() else np.nan]

    names = [(c, m, int((truth == k).sum())) for k, c in enumerate(categories) for m in ("precision", "recall", "f1")]
    return _rows([*names, ("all", "macro_f1", int((~np.isnan(truth)).sum()))],
                 _estimate(stat, len(truth), resamples, confidence))


def correlation_rows(score: np.ndarray, mean_code: np.ndarray, *, resamples: np.ndarray,
                     confidence: float) -> list[dict]:
    """Spearman and Pearson correlation of a continuous score with the coders' mean code.

    Output columns: category (``all``), metric, value, ci_low, ci_high, n.
    """
    def stat(idx: np.ndarray) -> list[float]:
        if np.unique(idx).size < 3:
            return [np.nan, np.nan]
        return [spearmanr(score[idx], mean_code[idx]).statistic, pearsonr(score[idx], mean_code[idx]).statistic]

    n = len(score)
    return _rows([("all", "spearman", n), ("all", "pearson", n)], _estimate(stat, n, resamples, confidence))


def as_table(rows: list[dict], *, measure: str) -> pd.DataFrame:
    """Rows of the functions above as an ``agreement`` table for ``measure``."""
    df = pd.DataFrame(rows, columns=["category", "metric", "value", "ci_low", "ci_high", "n"])
    df.insert(0, "measure", measure)
    return tables.validate(df.astype({"value": float, "ci_low": float, "ci_high": float, "n": "int64"}), "agreement")
