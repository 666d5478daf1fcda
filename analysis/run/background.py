"""Instrument validation in a second process while a study's own stages run.

On a first run the validate stage is the longest (about 100 s on two cores: the NYT cross-fit of
``news_ridge``, the bias classifier held out by outlet, the frame classifier's cross-validation), yet it reads
nothing the study makes: only the instruments and the labelled data. So ``run`` starts it at once in a process
of its own, and the stages from ingest to provenance, much of them single-threaded, run meanwhile. The process
only fills the machine cache (:mod:`analysis.core.cache`), whose lock makes the validate stage wait for it
and then read what it wrote; if it failed, the stage computes the validation itself and reports the error as
usual. Nothing is written into the study, so an interrupted run leaves no trace but a cache entry or none.
"""

from __future__ import annotations

import logging
import multiprocessing

from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.validation import validate

log = logging.getLogger("analysis")


def _fill(study: Study, paths: StudyPaths) -> None:
    validate.fill_cache(study, paths)


def start_validation(study: Study, paths: StudyPaths) -> multiprocessing.process.BaseProcess | None:
    """Start filling this study's validation cache entry in a new process, or return None if it is filled."""
    if validate.is_cached(study, paths):
        return None
    # spawn, not fork: the parent may hold threads (progress bars, the engine's pool) that a fork would copy
    process = multiprocessing.get_context("spawn").Process(target=_fill, args=(study, paths),
                                                           name="analysis-validation")
    process.start()
    log.info("validate: validating the instruments in the background while the other stages run")
    return process


def stop(process: multiprocessing.process.BaseProcess | None, *, wait: bool) -> None:
    """Wait for the process (the run finished its stages) or end it (the run stopped early)."""
    if process is None:
        return
    if wait:
        process.join()
    elif process.is_alive():
        process.terminate()
        process.join()
