"""Validation in a second process while the study's stages run (``analysis.run.background``)."""

from __future__ import annotations

import logging

import pytest

from analysis.core.errors import AnalysisError
from analysis.core.study import load_study
from analysis.run import background, dag
from analysis.validation import validate


def test_only_a_run_that_will_compute_the_validation_starts_it_early(tiny_study):
    study = load_study(tiny_study)
    assert not dag._validation_ahead(study, tiny_study, force=False, until="measure", refresh_cache=False)
    assert not dag._validation_ahead(study, tiny_study, force=False, until=None, refresh_cache=True)
    assert dag._validation_ahead(study, tiny_study, force=False, until=None, refresh_cache=False)  # never run
    validate.run(study, tiny_study)  # the session's cache holds the entry from here on
    assert validate.is_cached(study, tiny_study)
    assert background.start_validation(study, tiny_study) is None  # nothing to compute: no process


@pytest.mark.slow  # a cold cache: the whole validation, about 100 s on two cores
def test_the_background_fills_the_entry_the_stage_then_reads(tiny_study, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cold-cache"))
    study = load_study(tiny_study)
    assert not validate.is_cached(study, tiny_study)
    process = background.start_validation(study, tiny_study)
    assert process is not None
    # In a run the stages before validate take longer than the process needs to take the entry's lock, and the
    # stage then waits on it; here nothing comes before, so wait for the process first (no race on the lock).
    background.stop(process, wait=True)
    assert process.returncode == 0
    assert validate.is_cached(study, tiny_study)
    with caplog.at_level(logging.INFO, logger="analysis"):
        dag.run_stage("validate", study, tiny_study)
    assert "validation: read from the cache" in caplog.text


def test_a_run_that_stops_early_ends_the_background_process(tiny_study, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cold-cache"))
    study = load_study(tiny_study)
    process = background.start_validation(study, tiny_study)
    assert process is not None and process.poll() is None
    background.stop(process, wait=False)
    assert process.poll() is not None
    assert not validate.is_cached(study, tiny_study)


def test_a_missing_labelled_dataset_does_not_stop_the_run_before_its_first_stage(tiny_study, tmp_path, monkeypatch):
    # the validate stage reports a missing gold file in its turn; starting the run must not fail on it first
    study = load_study(tiny_study)
    empty = tmp_path / "no-data"
    empty.mkdir()
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(empty))
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "no-home"))
    with pytest.raises(AnalysisError):
        validate.inputs(study, tiny_study)  # the labelled data really is out of reach here
    assert dag._validation_ahead(study, tiny_study, force=True, until=None, refresh_cache=False) is False
