"""Shared defaults: the resampling settings and sizes that every room's functions start from.

A study overrides them in its ``[compare]`` table (see :mod:`analysis.core.study`); a function's
keyword default names one of these, so changing a default here changes it everywhere.
"""

N_BOOT = 2000  # bootstrap resamples (articles, events or clusters resampled, never tokens)
N_PERM = 5000  # permutations for a permutation p-value
CONFIDENCE = 0.95  # level of every interval
MIN_ARTICLES = 5  # groups with fewer articles get no interval and no contrast
SEED = 0  # random seed of every resampling stream
# Instrument validation resamples with these, never with a study's own settings: validity is a property of the
# instrument and the labelled data, so every study using an instrument reports the same figure and reads it from
# the machine cache that the first study filled. The seed is the one the published validation figures were drawn
# with (the default study's).
VALIDATION_SEED = 20191007
VALIDATION_N_BOOT = N_BOOT
VALIDATION_CONFIDENCE = CONFIDENCE
PARTITION_ARTICLES = 1000  # articles per row group of the articles table: the unit of parallel work
DEFAULT_STUDY = "entity-list"  # the study `python -m analysis run` builds when none is named
