"""What the speed benchmarks share: a study's input to the frame stage, and CPU time spent inside a function.

Imported by the scripts beside it (``python benchmarks/X.py`` puts this folder on the path); not a benchmark.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import pandas as pd

from analysis.core import storage
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.framing import frame


def frame_input(study: Study, paths: StudyPaths, *, n: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles the frame stage measures (the first ``n``; 0 = all) and their sentences, read from the study."""
    kept = frame.measured_articles(study, storage.read_table(paths.table("articles")))
    if n:
        kept = kept.iloc[:n]
    sentences = storage.read_table(paths.table("sentences"))
    return kept, sentences.loc[sentences["doc_id"].isin(set(kept["doc_id"]))]


def cpu_timed(func: Callable, add: Callable[[float], None]) -> Callable:
    """``func``, calling ``add`` with the CPU seconds (``time.process_time``) of each call, even one that raises."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            add(time.process_time() - start)
    return wrapper
