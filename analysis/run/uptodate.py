"""The no-change fast path of ``run``: answer "up to date" before the scientific stack is imported.

A full ``run`` that ended with every stage current leaves ``_run.json`` beside the stage records: the code
hash, the study file's content hash, the data folders the run was pointed at, and the size and modification
time of every file the stages read or wrote (and of the folders those files sit in, so a file added to a
source folder is noticed). A later ``run`` with no options compares those before importing pandas' heavy
neighbours, scikit-learn, nbclient or matplotlib; only when every one matches does it stop there. Anything
else (an edited file, a touched one, a new file in a source folder, another data home, a code change, a
study with web sources, which must be re-collected) takes the ordinary path, where each stage compares
content hashes. So the fast path can only skip work the ordinary path would also skip, as ``make`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.core import code, config, storage

RECORD = "_run.json"
_ENVIRONMENT = ("ANALYSIS_PROJECT_ROOT", "ANALYSIS_DATA_HOME", "ANALYSIS_DATA_MIRRORS", "ANALYSIS_CACHE_HOME")


def _state(paths: config.StudyPaths, files: list[Path]) -> dict:
    # The records' own folder changes when this record is written, after its state was taken: left out.
    folders = sorted({str(Path(f).parent) for f in files} - {str(paths.stage_records)})
    study_file = paths.study_file
    return {"code": code.code_hash(),
            "environment": {name: os.environ.get(name) for name in _ENVIRONMENT},
            "study_file": storage.sha256_file(study_file) if study_file.exists() else None,
            "files": storage.stat_signatures([Path(f) for f in files]),
            "folders": storage.stat_signatures([Path(f) for f in folders])}


def record(paths: config.StudyPaths, files: list[Path]) -> None:
    """Remember the state after a run in which every stage ended current (``files``: all stage inputs and outputs)."""
    files = sorted({Path(f) for f in files} | set(storage.list_files(paths.stage_records, "**/*.json")) - {
        paths.stage_records / RECORD})
    storage.write_json(paths.stage_records / RECORD, {"files_list": [str(f) for f in files],
                                                      **_state(paths, files)})


def forget(paths: config.StudyPaths) -> None:
    """Drop the record (a run is starting: until it ends, nothing may be taken as current)."""
    storage.remove_file(paths.stage_records / RECORD)


def current_report(study_id: str) -> Path | None:
    """The report of ``study_id`` when its last full run still stands, judged from file metadata alone; else None."""
    paths = config.study_paths(study_id)
    saved_file = paths.stage_records / RECORD
    if not saved_file.exists():
        return None
    try:
        saved = storage.read_json(saved_file)
        files = [Path(f) for f in saved["files_list"]]
    except (ValueError, KeyError, TypeError):
        return None
    kept = {k: saved.get(k) for k in ("code", "environment", "study_file", "files", "folders")}
    unchanged = kept == _state(paths, files)
    return paths.reports / "index.html" if unchanged else None
