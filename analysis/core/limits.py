"""Allowed ranges of every number a study file or a command line sets, declared here as data, and the memory check
that runs before a setting's arrays are allocated.

A number outside its range -- NaN, an infinity, or an integer wider than any array could use included -- is a
one-line error naming the key, the value and the range, raised before any work starts. Upper bounds keep a
setting from asking for more time or memory than a study can use: ``n_boot = 9223372036854775807`` used to pass
validation and grow the compare stage to 23 GB before the kernel killed it without a word.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

import psutil

from analysis.core.errors import AnalysisError


class ResourceLimitError(AnalysisError):
    """A setting implies more memory than the machine has available."""


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


@dataclass(frozen=True)
class Range:
    """``low <= x <= high`` (``<`` at an open end), finite; ``why`` says what the number counts.

    Float bounds mark a key that takes any number, integer bounds one that takes integers only.
    """

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    why: str = ""

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self, name: str) -> str:
        """``0 < timeout <= 3600 (seconds)``."""
        low, high = ("<" if self.low_open else "<="), ("<" if self.high_open else "<=")
        return f"{_number(self.low)} {low} {name} {high} {_number(self.high)}" + (f" ({self.why})" if self.why else "")

    def problem(self, name: str, value: object) -> str | None:
        """None when ``value`` is allowed, else ``key 'name' is VALUE; allowed: RANGE``."""
        if value in self:
            return None
        return f"key {name!r} is {value!r}; allowed: {self.describe(name)}"


MAX_RESAMPLES = 100_000  # bootstrap resamples: 2,000 is the default and 10,000 already gives stable 99% intervals
MAX_PERMUTATIONS = 1_000_000  # p-values down to 1e-6, below any Benjamini-Hochberg threshold a study reports
SHARE_EXCL_0 = dict(low=0.0, high=1.0, low_open=True)

# Every numeric key of study.toml, by table (``sources.match`` for ``[[sources.match]]``; the reader refuses a
# numeric key that is missing here, so a new key cannot go unbounded).
STUDY_KEYS: dict[str, dict[str, Range]] = {
    "study": {
        # scikit-learn's random_state and numpy's legacy RandomState take 32-bit seeds.
        "seed": Range(0, 2**32 - 1, why="a 32-bit seed"),
    },
    "compare": {
        "n_boot": Range(100, MAX_RESAMPLES, why="bootstrap resamples"),
        "n_perm": Range(100, MAX_PERMUTATIONS, why="permutations"),
        "confidence": Range(0.5, 1.0, high_open=True, why="interval coverage"),
        "min_articles": Range(2, 1_000_000, why="a CI needs two articles"),
    },
    "collect": {
        "per_host_delay": Range(0.0, 3600.0, why="seconds"),
        "timeout": Range(0.0, 3600.0, low_open=True, why="seconds"),
        "max_bytes": Range(1, 2**30, why="bytes per page, at most 1 GiB"),
        "retries": Range(0, 20),
    },
    "sources": {
        "skip_lines": Range(0, 1_000_000, why="lines"),
        "sample": Range(1, 100_000_000, why="records"),
    },
    "sources.match": {
        "min_hits": Range(1, 10_000, why="matches"),
    },
    "framing": {
        "topics": Range(2, 50, why='topics, or "auto"'),
    },
    "provenance": {
        "min_containment": Range(**SHARE_EXCL_0, why="a share of shingles"),
        "syndication": Range(**SHARE_EXCL_0, why="a share of shingles"),
        "fact_threshold": Range(0.0, 1.0, low_open=True, high_open=True, why="a cosine distance"),
        "fact_min_articles": Range(1, 1_000_000, why="articles"),
        "event_gap_days": Range(0, 36_500, why="days; 0 is one event"),
        "event_max_days": Range(0, 36_500, why="days from an event's first article; 0 is no bound"),
    },
    "validation": {
        "min_alpha": Range(-1.0, 1.0, why="Krippendorff's alpha"),
        "min_agreement": Range(-1.0, 1.0, why="macro F1 or Spearman's rho"),
    },
    "sentiment.models": {
        "batch_size": Range(1, 4096, why="sentences per batch"),
        "max_length": Range(8, 131_072, why="tokens"),
        "epochs": Range(1, 20, why="passes over the training set when fine-tuning"),
    },
}

# Numeric command-line options (see :func:`option`).
OPTIONS: dict[str, Range] = {
    "--n": Range(1, 100_000, why="units to code"),
    "--n-boot": Range(0, MAX_RESAMPLES, why="bootstrap resamples"),
    "--seed": STUDY_KEYS["study"]["seed"],
    "--workers": Range(1, 1024, why="processes"),
    # explorer.html's embedded data (default 8 MB): the whole page is held by one browser tab, so at most
    # 25 times the default; at least half a megabyte, so some evidence is left to sample.
    "--budget-mb": Range(0.5, 200.0, why="megabytes"),
}


def study_key(table: str, key: str) -> Range:
    """The range of ``key`` in ``table``; a KeyError names a numeric key nobody bounded (a bug, not user input)."""
    try:
        return STUDY_KEYS[table][key]
    except KeyError:
        raise KeyError(f"no allowed range declared for [{table}] {key} in analysis.core.limits") from None


def option(name: str):
    """An argparse ``type`` for the option ``name`` (a number where its range has float bounds, else an integer):
    out of range is a usage error naming the range."""
    allowed = OPTIONS[name]
    number, kind = (float, "a number") if isinstance(allowed.low, float) else (int, "an integer")

    def parse(text: str) -> int | float:
        try:
            value = number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"{_number(value)} is out of range; allowed: {allowed.describe(name)}")
        return value

    return parse


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.1f} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:.0f} MiB"


def check_memory(n_bytes: int, *, what: str, fix: str) -> None:
    """Refuse, in one line, work whose arrays (``n_bytes``, estimated by the caller) exceed the available memory.

    ``what`` names the setting and the data it meets ("[compare] n_boot = 100000 on 40000 articles"), ``fix``
    what to change. Better a clear error now than the kernel's OOM killer ending the process without a word.
    """
    available = psutil.virtual_memory().available
    if n_bytes > available:
        raise ResourceLimitError(f"{what} needs about {_size(n_bytes)} of memory for its resamples, and "
                                 f"{_size(available)} is available; {fix}")
