"""A stage's per-chunk tasks and its whole-corpus parts, side by side on the stage's engine.

The frame and provenance stages read each article on its own in chunks (on the engine's processes), and also
have parts that read the whole corpus but need nothing from the chunks (topics, text reuse, fact coverage).
Run after the chunks, in the stage's own process, those parts kept one core of two idle: on all 37,554
AllSides articles the provenance stage's main process worked alone for about 280 of its 404 s. On a local
engine with two or more workers :func:`map_with_parts` hands them to the same pool as further tasks, ahead of
the chunks (the longest tasks first, so no worker is left with a long task when the others are done). Every
part is a module-level function of keyword arguments, so the results are the same tables wherever it ran.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping
from typing import Any

from analysis.core import progress

Part = tuple[Callable[..., Any], dict[str, Any]]


def _task(item: Any, shared: dict) -> Any:
    if isinstance(item, _PartName):
        fn, kwargs = shared["_parts"][str(item)]
        with progress.quiet():  # the engine's bar counts this part as one task
            return fn(**kwargs)
    return shared["_chunk_fn"](item, shared)


class _PartName(str):
    """A part's name among the chunk items, so no chunk can be mistaken for it."""


def map_with_parts(engine, fn: Callable[[Any, dict], Any], chunks: list, *, shared: dict[str, Any],
                   parts: Mapping[str, Part], desc: str) -> tuple[list, dict[str, Any]]:
    """``fn(chunk, shared)`` for every chunk, and ``function(**kwargs)`` for every part ``name -> (function,
    kwargs)``; returns (the chunks' results in order, the parts' results by name).

    On a local engine with more than one worker the parts are tasks of the same map, first; with no engine
    the chunks run here, and on any other engine (a Dask cluster, whose workers would need the whole corpus
    sent to them) the chunks run there; in both the parts then run in this process. So they do where the local
    engine's processes are not forked (macOS and Windows spawn them): the parts' inputs, often the whole corpus,
    would be pickled into every process, where a fork hands them over as they are.
    """
    if engine is None:
        return [fn(chunk, shared) for chunk in chunks], {name: f(**kw) for name, (f, kw) in parts.items()}
    if getattr(engine, "name", "") != "local" or getattr(engine, "workers", 1) < 2 or not parts or not _forks():
        results = list(engine.map(fn, chunks, shared=shared, desc=desc, unit="chunk"))
        return results, {name: f(**kw) for name, (f, kw) in parts.items()}
    items = [_PartName(name) for name in parts] + list(chunks)
    together = {**shared, "_parts": dict(parts), "_chunk_fn": fn}
    done = list(engine.map(_task, items, shared=together, desc=desc, unit="task"))
    return done[len(parts):], dict(zip(parts, done[:len(parts)]))


def _forks() -> bool:
    return multiprocessing.get_start_method() == "fork"


def run_parts(engine, parts: Mapping[str, Part], *, desc: str) -> dict[str, Any]:
    """``function(**kwargs)`` for every part ``name -> (function, kwargs)``, side by side on a local engine with
    more than one worker (in this process otherwise), by name."""
    return map_with_parts(engine, _no_chunks, [], shared={}, parts=parts, desc=desc)[1]


def _no_chunks(item: Any, shared: dict) -> Any:
    raise AssertionError("run_parts maps no chunks")
