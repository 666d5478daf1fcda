"""Shared defaults: the resampling settings and sizes that every room's functions start from.

A study overrides them in its ``[compare]`` table (see :mod:`analysis.core.study`); a function's
keyword default names one of these, so changing a default here changes it everywhere.
"""

N_BOOT = 2000  # bootstrap resamples (articles, events or clusters resampled, never tokens)
N_PERM = 5000  # permutations for a permutation p-value
CONFIDENCE = 0.95  # level of every interval
MIN_ARTICLES = 5  # groups with fewer articles get no interval and no contrast
SEED = 0  # random seed of every resampling stream
PARTITION_ARTICLES = 1000  # articles per row group of the articles table: the unit of parallel work
DEFAULT_STUDY = "entity-list"  # the study `python -m analysis run` builds when none is named
