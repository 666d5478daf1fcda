"""The validate stage: study-independent, so computed once per machine and read from the cache after."""

from __future__ import annotations

import logging
import re

from analysis.core import storage
from analysis.core.study import load_study
from analysis.run import dag
from analysis.validation import validate


def test_a_cached_validation_is_byte_identical_to_computing_it_afresh(tiny_study, tmp_path, caplog):
    study = load_study(tiny_study)
    validate.run(study, tiny_study)  # fills the run's cache, or reads it
    with caplog.at_level(logging.INFO, logger="analysis"):
        dag.run_stage("validate", study, tiny_study)
    assert "validation: read from the cache" in caplog.text
    fresh = validate.validation_tables(study, tiny_study)
    for name in validate.TABLES:
        storage.write_table(fresh[name], tmp_path / f"{name}.parquet")
        assert (tmp_path / f"{name}.parquet").read_bytes() == tiny_study.table(name).read_bytes(), name


def test_the_cache_key_ignores_the_articles_but_not_the_instruments(tiny_study):
    study = load_study(tiny_study)
    text = tiny_study.study_file.read_text()
    tiny_study.study_file.write_text(text.replace('title = "Tiny test study"', 'title = "Another study"'))
    assert validate.settings(load_study(tiny_study)) == validate.settings(study)
    tiny_study.study_file.write_text(text.replace('actor_instruments = ["sentence_vader"]',
                                                  'actor_instruments = ["target_logreg"]'))
    assert validate.settings(load_study(tiny_study)) != validate.settings(study)


def test_force_reads_the_cache_and_refresh_cache_bypasses_it(tiny_study, caplog, monkeypatch):
    from analysis.core import cache

    study = load_study(tiny_study)
    validate.run(study, tiny_study)  # the session's cache holds this entry from here on
    with caplog.at_level(logging.INFO, logger="analysis"):
        dag.run_stage("validate", study, tiny_study, force=True)
    assert "validation: read from the cache" in caplog.text
    asked = []
    monkeypatch.setattr(cache, "cached_tables", lambda *a, **k: asked.append(k) or {})
    dag.run_stage("validate", study, tiny_study, force=True, refresh_cache=True)
    assert asked == [{"refresh": True}]


def test_the_cache_key_ignores_the_study_seed_resampling_and_actors(tiny_study):
    # validity is the instrument's: a new study with another seed, resample count or actor list reads the cache
    study = load_study(tiny_study)
    text = tiny_study.study_file.read_text()
    assert "seed" in text and "n_boot" in text
    changed = re.sub(r"(?m)^seed = \d+", "seed = 987654", text)
    changed = re.sub(r"(?m)^n_boot = \d+", "n_boot = 300", changed)
    tiny_study.study_file.write_text(changed)
    other = load_study(tiny_study)
    assert (other.seed, other.compare.n_boot) != (study.seed, study.compare.n_boot)
    assert validate.settings(other) == validate.settings(study)
