"""Instrument validation in a second process while a study's own stages run.

On a first run the validate stage is the longest (about 100 s on two cores: the NYT cross-fit of
``news_ridge``, the bias classifier held out by outlet, the frame classifier's cross-validation), yet it reads
nothing the study makes: only the instruments and the labelled data. So ``run`` starts it at once in a process
of its own, and the stages from ingest to provenance, much of them single-threaded, run meanwhile. The process
only fills the machine cache (:mod:`analysis.core.cache`), whose lock makes the validate stage wait for it
and then read what it wrote; if it failed, the stage computes the validation itself and reports the error as
usual. Nothing is written into the study, so an interrupted run leaves no trace but a cache entry or none.

The process is a fresh interpreter (``python -m analysis.run.background``), not a fork or a multiprocessing
spawn: a fork would copy the parent's threads' locks, and a spawn re-imports the user's own script when the
toolkit is driven from one without a ``__main__`` guard.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from analysis.core import config
from analysis.core.config import StudyPaths
from analysis.core.study import Study, load_study
from analysis.validation import validate

log = logging.getLogger("analysis")


def start_validation(study: Study, paths: StudyPaths) -> subprocess.Popen | None:
    """Start filling this study's validation cache entry in a new process, or return None if it is filled."""
    if validate.is_cached(study, paths):
        return None
    command = [sys.executable, "-m", "analysis.run.background", str(paths.root), paths.study,
               validate.cache_key(study, paths), *(["--allow-outside-paths"] if paths.allow_outside else [])]
    # its output is not the user's to read: a failure shows again, with its message, in the validate stage
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    log.info("validate: validating the instruments in the background while the other stages run")
    return process


def stop(process: subprocess.Popen | None, *, wait: bool) -> None:
    """Wait for the process (the run finished its stages) or end it (the run stopped early)."""
    if process is None:
        return
    if not wait and process.poll() is None:
        process.terminate()
    process.wait()


def _main(argv: list[str]) -> int:
    root, study_id, expected_key, *flags = argv
    paths = config.study_paths(study_id, root=Path(root), allow_outside="--allow-outside-paths" in flags)
    study = load_study(paths)
    if validate.cache_key(study, paths) != expected_key:  # the study file changed since: nothing to warm
        return 0
    validate.fill_cache(study, paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
