"""Progress of long loops: a tqdm bar in a terminal, a few plain lines in a log, nothing under ``-q``.

Every loop over articles, sentences, pairs or partitions that can run for more than a couple of seconds goes
through :func:`bar`. In a terminal it is a tqdm bar (count, items a second, time left); when standard error
is a file or a CI log, where a redrawn bar would leave a line per refresh, it is one log line every
:data:`LOG_EVERY` seconds with the same figures; under ``-q`` (the ``analysis`` logger above INFO) it is
silent. Short loops pay nothing visible: the first line comes only after :data:`LOG_EVERY` seconds, and tqdm
waits :data:`DELAY` seconds before drawing.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
log = logging.getLogger("analysis")

DELAY = 2.0  # seconds before a terminal bar appears
LOG_EVERY = 30.0  # seconds between progress lines in a log


def enabled() -> bool:
    """Progress is shown unless the user asked for quiet (``-q`` sets the analysis logger above INFO)."""
    return log.isEnabledFor(logging.INFO)


def _lines(items: Iterable[T], total: int | None, desc: str, unit: str, every: float) -> Iterator[T]:
    start = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        now = time.monotonic()
        if now - last >= every:
            last = now
            rate = done / (now - start)
            left = f", about {(total - done) / rate:.0f} s left" if total and rate > 0 else ""
            of = f"/{total:,}" if total else ""
            log.info("%s: %s%s %s (%.1f %s/s%s)", desc, f"{done:,}", of, unit, rate, unit, left)


def bar(items: Iterable[T], *, total: int | None = None, desc: str, unit: str = "it",
        every: float = LOG_EVERY) -> Iterable[T]:
    """``items``, reporting progress as the terminal, the log or ``-q`` allow (see the module docstring)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)
    if not enabled():
        return items
    if sys.stderr.isatty():
        return tqdm(items, total=total, desc=desc, unit=unit, delay=DELAY, leave=False, dynamic_ncols=True)
    return _lines(items, total, desc, unit, every)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No progress inside: for a task that is one step of an outer bar (a chunk on an engine's process), whose
    own loops would otherwise draw a bar per chunk."""
    level = log.level
    log.setLevel(max(logging.WARNING, log.getEffectiveLevel()))
    try:
        yield
    finally:
        log.setLevel(level)
