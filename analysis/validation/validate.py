"""The validate stage: every instrument the study uses, checked against human-labelled data.

Sentence sentiment against VADER's NYT ratings (supervised instruments out of
fold), actor sentiment against NewsMTSC, the frame codebook and classifier
against Narrative Frames, loaded language against BABE, the voice of frame
cues against the hand-made gold of ``data/gold/voice``, and fact matching
against NeuS's same-event clusters.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from analysis.collect import datasets
from analysis.core import cache, config, defaults, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.framing import loaded_language
from analysis.sentiment import instruments, target_sentiment
from analysis.validation import framing_gold, provenance_gold, sentiment_gold

log = logging.getLogger("analysis")


def validate_sentiment(study: Study, paths: StudyPaths) -> tuple:
    """Each of the study's instruments against human labels: (scores, NYT validity, NewsMTSC metrics).

    The actor instruments are the study's own fitted ones (the trained models come from the machine cache, as
    the measure stage reads them), so validating never trains a model a second time."""
    gold = datasets.load_vader_nyt(download=False)
    scores = pd.concat([sentiment_gold.score_gold(gold, scorer=s)
                        for s in instruments.sentence_instruments(study, paths)], ignore_index=True)
    nyt = sentiment_gold.sentiment_validity(gold, scores, n_boot=defaults.VALIDATION_N_BOOT,
                                            confidence=defaults.VALIDATION_CONFIDENCE, seed=defaults.VALIDATION_SEED)
    news = tables.empty("target_sentiment_validation")
    if study.actors and study.sentiment.actor_instruments:
        news = target_sentiment.evaluate_on_newsmtsc(instruments=(), fitted=instruments.actor_instruments(study, paths),
                                                     n_boot=defaults.VALIDATION_N_BOOT,
                                                     confidence=defaults.VALIDATION_CONFIDENCE,
                                                     seed=defaults.VALIDATION_SEED)
    return scores, nyt, tables.validate(news, "target_sentiment_validation")


TABLES = ["validation_scores", "sentiment_validation", "target_sentiment_validation", "framing_validation",
          "fact_matching_validation"]


def inputs(study: Study, paths: StudyPaths) -> list[Path]:
    """The human-labelled files and training sets the validation reads."""
    files = [datasets.locate("vader_nyt", f, download=False) for f in ("ground_truth", "ratings")]
    if study.actors and study.sentiment.actor_instruments:
        files += [datasets.locate("newsmtsc", f, download=False) for f in ("train", "devtest_rw")]
    files += [datasets.locate("narrative_frames", "articles", download=False)]
    files += [datasets.locate("babe", f, download=False) for f in ("sg1", "sg2", "mbic")]
    files += [datasets.locate("neus", f"probe_{split}", download=False) for split in ("test", "val")]
    files += [datasets.locate("allsides", "articles", download=False), config.HAND_GOLD / "voice" / "voice.csv"]
    # what the framing and loaded-language validity also read: the shipped codebooks and the marker lexicons
    files += sorted(storage.list_files(config.SHIPPED_CODEBOOKS, "*.toml"))
    files += [datasets.locate(dataset, file, download=False) for dataset, file in loaded_language.LISTS.values()]
    return files + instruments.training_files(study, paths)


def settings(study: Study) -> tuple:
    """What the validation depends on: the instruments (with their dictionaries and models) and the fact
    threshold. Not the study's seed, resampling settings, actors or articles: instruments are validated with
    :data:`~analysis.core.defaults.VALIDATION_SEED` and the default resampling, so a new study whose
    instruments another study validated reads their validation from the machine cache."""
    s = study.sentiment
    used = set(s.instruments) | (set(s.actor_instruments) if study.actors else set())
    return (s.instruments, s.actor_instruments if study.actors else (),
            tuple(d for d in s.dictionaries if d.name in used), tuple(m for m in s.models if m.name in used),
            study.provenance.fact_threshold)


def validation_tables(study: Study, paths: StudyPaths) -> dict[str, pd.DataFrame]:
    """Every instrument of the study against human labels, computed afresh (what the cache holds).

    The framing checks (the bias classifier's outlet-held-out validation above all) and the sentiment checks
    (``news_ridge``'s cross-fitting above all) share nothing and take minutes each on a first run, so with a
    second core the framing checks run in a process of their own meanwhile. Each is seeded on its own, so
    the tables are the same either way."""
    if (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=1) as pool:
            framing_job = pool.submit(framing_gold.framing_validity)
            scores, nyt, news = validate_sentiment(study, paths)
            framing_table = framing_job.result()
    else:
        scores, nyt, news = validate_sentiment(study, paths)
        framing_table = framing_gold.framing_validity()
    return {"validation_scores": scores, "sentiment_validation": nyt, "target_sentiment_validation": news,
            "framing_validation": tables.validate(framing_table, "framing_validation"),
            "fact_matching_validation": provenance_gold.fact_matching_validity(
                threshold=study.provenance.fact_threshold)}


def cache_key(study: Study, paths: StudyPaths) -> str:
    """The machine-cache entry of this study's validation (shared by every study with the same instruments)."""
    return cache.key(settings=settings(study), files=inputs(study, paths), packages=("scikit-learn",))


def is_cached(study: Study, paths: StudyPaths) -> bool:
    return cache.has_tables("validation", cache_key(study, paths), TABLES)


def fill_cache(study: Study, paths: StudyPaths) -> None:
    """Compute the validation into the machine cache, unless it is there (what :func:`run` then reads)."""
    cache.cached_tables("validation", cache_key(study, paths), TABLES, lambda: validation_tables(study, paths))


def run(study: Study, paths: StudyPaths, *, refresh: bool = False) -> None:
    """Write the validation tables, from the cache when these instruments were validated before on this machine.

    Validation depends on the instruments, the settings in :func:`settings` and the labelled data, never on
    the study's articles, so a study whose instruments another study validated copies its results.
    ``refresh`` (``--refresh-cache``) computes them again and replaces the cached copy."""
    parquet = cache.cached_tables("validation", cache_key(study, paths), TABLES,
                                  lambda: validation_tables(study, paths), refresh=refresh)
    for name, data in parquet.items():
        storage.write_if_changed(paths.table(name), data)
    nyt = storage.read_table(paths.table("sentiment_validation"))
    for r in nyt.loc[(nyt["level"] == "sentence") & (nyt["instrument"] != "one human rater")].itertuples():
        log.info("validate: %s vs human mean r = %.3f on %d NYT sentences", r.instrument, r.pearson_r, r.n_units)
