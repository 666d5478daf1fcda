"""Results that depend on the toolkit's version and public data, not on a study: computed once per machine.

Instrument validation (every study checks the same instruments against the same human-labelled data) and
trained models (fitted on the same training sets) are keyed by the code fingerprint, the package versions
that shape them and the content of the files they read, and kept in ``<data home>/cache`` (or
``ANALYSIS_CACHE_HOME``). A study then reads them instead of recomputing them: a small study's validate
stage drops from about 20 s to a file copy.

Entries are written to a temporary folder and renamed into place, so a crash leaves no half entry; two
processes that need the same missing entry take turns on a lock file beside it, so one computes and the
other reads what it wrote. Delete the folder to start
afresh; nothing else refers to it. Models are pickled, so the cache folder must be as
trusted as the code itself: it lives in the user's own cache directory and is written only by this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.core import code, config, storage

log = logging.getLogger("analysis")
CACHE_ENV = "ANALYSIS_CACHE_HOME"


def cache_home() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else config.data_home() / "cache"


def key(*, settings: Any = None, files: Iterable[Path] = (), packages: Iterable[str] = (),
        modules: Iterable[Path] | None = None) -> str:
    """A key for what these settings and files give under the current code (and these packages' versions).

    ``modules``: the source files the result depends on, instead of the whole package (for an entry that takes
    many minutes to compute, such as a fine-tuned model, which an edit elsewhere must not invalidate)."""
    h = hashlib.sha256()
    if modules is None:
        h.update(code.code_hash().encode())
    else:
        for path in modules:
            h.update(Path(path).name.encode() + storage.sha256_file(path).encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for dist in packages:
        h.update(f"{dist}=={metadata.version(dist)}".encode())
    for path in files:
        h.update(Path(path).name.encode())
        h.update(storage.sha256_file(path).encode() if Path(path).exists() else b"missing")
    return h.hexdigest()[:32]


def _entry(kind: str, entry_key: str) -> Path:
    return cache_home() / kind / entry_key


def has_tables(kind: str, entry_key: str, names: list[str]) -> bool:
    """Whether the entry holds every one of tables ``names`` (what :func:`cached_tables` would read at once)."""
    folder = _entry(kind, entry_key)
    return all((folder / f"{n}.parquet").exists() for n in names)


def cached_tables(kind: str, entry_key: str, names: list[str],
                  compute: Callable[[], Mapping[str, pd.DataFrame]], *, refresh: bool = False) -> dict[str, bytes]:
    """The Parquet bytes of tables ``names``: from the cache, or computed by ``compute`` and cached.

    ``refresh`` computes them even when cached and replaces the entry (a forced rebuild must not trust it)."""
    folder = _entry(kind, entry_key)
    complete = lambda: has_tables(kind, entry_key, names)  # noqa: E731
    if refresh or not complete():
        with storage.exclusive(folder.with_name(folder.name + ".lock")):
            if refresh or not complete():  # another process may have filled it while this one waited
                frames = compute()
                storage.remove_tree(folder)  # a stale or incomplete entry would keep the rename from landing
                with storage.atomic_folder(folder) as staging:
                    for name in names:
                        storage.write_table(frames[name], staging / f"{name}.parquet")
                return {n: storage.read_bytes(folder / f"{n}.parquet") for n in names}
    log.info("%s: read from the cache (%s)", kind, folder)
    return {n: storage.read_bytes(folder / f"{n}.parquet") for n in names}


def cached_object(kind: str, entry_key: str, compute: Callable[[], Any]) -> Any:
    """A fitted model (or any picklable object): loaded from the cache, or computed and cached."""
    folder = _entry(kind, entry_key)
    if (folder / "object.pickle").exists():  # a hit needs no lock (and a read-only cache folder works)
        try:
            obj = storage.read_object(folder / "object.pickle")
            log.info("%s: read from the cache (%s)", kind, folder)
            return obj
        except Exception:  # noqa: BLE001 - unreadable: handled under the lock below
            pass
    with storage.exclusive(folder.with_name(folder.name + ".lock")):  # one process computes, the others wait
        if (folder / "object.pickle").exists():
            try:
                obj = storage.read_object(folder / "object.pickle")
                log.info("%s: read from the cache (%s)", kind, folder)
                return obj
            except Exception as exc:  # noqa: BLE001 - an unreadable entry is recomputed, never fatal
                log.warning("%s: cached copy in %s unreadable (%s); computing it again", kind, folder, exc)
                storage.remove_tree(folder)
        obj = compute()
        with storage.atomic_folder(folder) as staging:
            storage.write_object(obj, staging / "object.pickle")
        return obj


def cached_folder(kind: str, entry_key: str, build: Callable[[Path], Any], *, marker: str) -> Path:
    """A folder of files (a fine-tuned model's weights): the cached one, or one that ``build(path)`` creates.

    ``build`` must create ``path`` whole or not at all (write into :func:`analysis.core.storage.atomic_folder`),
    so a crash leaves no half entry; one process builds while the others wait on the lock, then read it. An
    entry counts only when it holds file ``marker`` (the last thing ``build`` writes); a folder without it (left
    by hand, or by an older toolkit) is removed and built again."""
    folder = _entry(kind, entry_key)
    if (folder / marker).is_file():
        log.info("%s: read from the cache (%s)", kind, folder)
        return folder
    with storage.exclusive(folder.with_name(folder.name + ".lock")):
        if not (folder / marker).is_file():
            storage.remove_tree(folder)
            for staging in storage.find_staging(folder):  # what a killed build of this entry left behind
                storage.remove_tree(staging)
            build(folder)
            if not (folder / marker).is_file():
                raise RuntimeError(f"{kind}: building cache entry {folder} left no {marker}")
        return folder
