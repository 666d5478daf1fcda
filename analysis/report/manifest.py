"""The report's manifest, and the check that a rebuild reproduces it.

``reports/<study>/MANIFEST.csv`` lists every artifact of the report with its
SHA-256 and the notebook that made it, then what produced them: the input
tables and their hashes, the study settings hash, the package versions and
the code (git commit and a hash of the package source, which also covers
uncommitted edits). :func:`differences` compares two manifests and says, for
each artifact that drifted, how: pixels for images, cells for tables.
"""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd

from analysis import __version__
from analysis.core import code, config, storage
from analysis.core.config import StudyPaths
from analysis.core.study import Study

COLUMNS = ["kind", "path", "sha256", "made_by", "detail"]
MANIFEST = "MANIFEST.csv"
_KINDS = {".png": "figure", ".svg": "figure", ".pdf": "figure", ".json": "caption", ".html": "table",
          ".csv": "table", ".tex": "table", ".ipynb": "notebook"}


def _git_commit() -> str:
    """The commit of the checkout the package runs from ('unknown' outside a git checkout)."""
    try:
        out = subprocess.run(["git", "-C", str(config.PACKAGE_DIR), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _artifact_rows(paths: StudyPaths) -> list[tuple]:
    rows = []
    # index-linked.html (report --linked) is index.html with the images linked: nothing of its own to check.
    skip = {MANIFEST, "index-linked.html"}
    for path in sorted(p for p in paths.reports.rglob("*") if p.is_file() and p.name not in skip):
        rel = path.relative_to(paths.reports).as_posix()
        kind = {"index.html": "report", "explorer.html": "explorer"}.get(rel) or _KINDS.get(path.suffix, "other")
        made_by = ""
        if rel.startswith("figures/"):
            sidecar = path.with_suffix(".json")
            made_by = f"notebooks/{storage.read_json(sidecar)['notebook']}.ipynb" if sidecar.exists() else ""
        elif rel.startswith("tables/"):
            made_by = "report stage (export_tables)"
        elif rel == "explorer.html":
            made_by = "report stage (analysis.report.explorer)"
        elif rel.startswith("notebooks/"):
            made_by = f"notebooks/{path.name} (executed)"
        rows.append((kind, rel, storage.sha256_file(path), made_by, ""))
    return rows


def build_manifest(study: Study, paths: StudyPaths, *, inputs: list[Path]) -> pd.DataFrame:
    """Every artifact under ``reports/<study>/`` and what produced it (``COLUMNS``)."""

    rows = _artifact_rows(paths)
    for path in sorted(set(inputs)):
        if path.exists():
            rows.append(("input", path.relative_to(paths.root).as_posix(), storage.sha256_file(path), "", ""))
    rows.append(("config", paths.study_file.relative_to(paths.root).as_posix(), storage.sha256_file(paths.study_file),
                 "", f"settings hash {study.settings_hash()}, seed {study.seed}"))
    # The toolkit by its distribution name (the import package `analysis` is not what pip knows it as), from its
    # own version: an editable or unpacked checkout has no installed metadata to ask.
    rows.append(("package", "media-framing-analysis", "", "", __version__))
    for dist in (*code.VERSIONED_DEPENDENCIES, "scikit-learn", "statsmodels"):
        try:
            rows.append(("package", dist, "", "", metadata.version(dist)))
        except metadata.PackageNotFoundError:
            continue
    rows.append(("code", "analysis/**/*.py, analysis/**/*.toml", code.code_hash(), "", f"git commit {_git_commit()}"))
    return pd.DataFrame(rows, columns=COLUMNS)


def write_manifest(study: Study, paths: StudyPaths, *, inputs: list[Path]) -> Path:
    out = paths.reports / MANIFEST
    storage.write_csv(build_manifest(study, paths, inputs=inputs), out)
    return out


def _image_detail(old: Path, new: Path) -> str:

    a, b = mpimg.imread(old), mpimg.imread(new)
    if a.shape != b.shape:
        return f"image size {a.shape[1]}x{a.shape[0]} -> {b.shape[1]}x{b.shape[0]}"
    differ = np.any(np.abs(a.astype(float) - b.astype(float)) > 1e-6, axis=-1) if a.ndim == 3 else a != b
    return f"{int(differ.sum()):,} of {differ.size:,} pixels differ"


def _table_detail(old: Path, new: Path) -> str:
    a, b = pd.read_csv(old, dtype=str, keep_default_na=False), pd.read_csv(new, dtype=str, keep_default_na=False)
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return f"shape {a.shape[0]}x{a.shape[1]} -> {b.shape[0]}x{b.shape[1]}"
    cells = (a.to_numpy() != b.to_numpy())
    rows, cols = np.nonzero(cells)
    first = f"; first at row {rows[0] + 1}, column {a.columns[cols[0]]!r}" if len(rows) else ""
    return f"{int(cells.sum()):,} of {cells.size:,} cells differ{first}"


def on_disk(listed: pd.DataFrame, root: Path) -> pd.DataFrame:
    """``listed`` with each artifact's hash taken from the file now under ``root`` (it may have been edited)."""
    out = listed.copy()
    artifacts = ~out["kind"].isin(["input", "config", "package", "code"])
    out.loc[artifacts, "sha256"] = [storage.sha256_file(root / p) if (root / p).exists() else "missing"
                                    for p in out.loc[artifacts, "path"]]
    return out


def differences(old: pd.DataFrame, new: pd.DataFrame, *, old_root: Path, new_root: Path) -> list[str]:
    """One readable line per artifact whose hash differs, is missing, or is new (inputs and code excluded)."""
    kinds = ~old["kind"].isin(["input", "config", "package", "code"])
    a = old.loc[kinds].set_index("path")["sha256"]
    b = new.loc[~new["kind"].isin(["input", "config", "package", "code"])].set_index("path")["sha256"]
    lines = [f"{p}: missing from the rebuild" for p in sorted(set(a.index) - set(b.index))]
    lines += [f"{p}: new in the rebuild" for p in sorted(set(b.index) - set(a.index))]
    for p in sorted(set(a.index) & set(b.index)):
        if a[p] == b[p]:
            continue
        detail = ""
        try:
            if p.endswith(".png"):
                detail = _image_detail(old_root / p, new_root / p)
            elif p.endswith(".csv"):
                detail = _table_detail(old_root / p, new_root / p)
        except (OSError, ValueError) as exc:
            detail = f"could not compare ({exc})"
        lines.append(f"{p}: differs" + (f" ({detail})" if detail else ""))
    return lines
