"""A stage's chunks and whole-corpus parts side by side: the same results on every engine, parts first."""

from __future__ import annotations

import os
import time

import pytest

from analysis.core import tasks
from analysis.run import engine


def _square(item, shared):
    return item * item + shared["offset"]


def _where(*, label: str, values: list[int]) -> tuple[str, int, int]:
    return label, sum(values), os.getpid()


def _fails(**_):
    raise ValueError("part failed: bad input in part 'broken'")


PARTS = {"first": (_where, {"label": "a", "values": [1, 2, 3]}), "second": (_where, {"label": "b", "values": [4]})}


@pytest.mark.parametrize("make", [lambda: None, lambda: engine.LocalEngine(workers=1),
                                  lambda: engine.LocalEngine(workers=2)], ids=["none", "one", "two"])
def test_chunks_and_parts_give_the_same_results_on_every_engine(make):
    chunks, parts = tasks.map_with_parts(make(), _square, [1, 2, 3, 4, 5], shared={"offset": 10}, parts=PARTS,
                                         desc="test")
    assert chunks == [11, 14, 19, 26, 35]
    assert {name: got[:2] for name, got in parts.items()} == {"first": ("a", 6), "second": ("b", 4)}


def test_on_two_workers_the_parts_run_in_worker_processes_and_elsewhere_here():
    _, beside = tasks.map_with_parts(engine.LocalEngine(workers=2), _square, [1, 2], shared={"offset": 0},
                                     parts=PARTS, desc="test")
    assert all(pid != os.getpid() for *_, pid in beside.values())
    _, after = tasks.map_with_parts(engine.LocalEngine(workers=1), _square, [1, 2], shared={"offset": 0},
                                    parts=PARTS, desc="test")
    assert all(pid == os.getpid() for *_, pid in after.values())


def test_run_parts_without_chunks():
    got = tasks.run_parts(engine.LocalEngine(workers=2), PARTS, desc="test")
    assert list(got) == ["first", "second"] and got["first"][:2] == ("a", 6)
    assert tasks.run_parts(None, {}, desc="test") == {}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_part_raises_its_own_error(workers):
    with pytest.raises(ValueError, match="part 'broken'"):
        tasks.map_with_parts(engine.LocalEngine(workers=workers), _square, [1, 2], shared={"offset": 0},
                             parts={**PARTS, "broken": (_fails, {})}, desc="test")


def _fails_first_then_slow(item, shared):
    if item == 0:
        raise ValueError("chunk 0 failed")
    time.sleep(0.2)
    (shared["ran"] / str(item)).touch()
    return item


def test_a_failing_task_cancels_the_tasks_not_yet_started(tmp_path):
    # 29 tasks of 0.2 s behind one that fails at once: the error comes without the pool running them all first
    with pytest.raises(ValueError, match="chunk 0 failed"):
        list(engine.LocalEngine(workers=2).map(_fails_first_then_slow, range(30), shared={"ran": tmp_path}))
    assert len(list(tmp_path.iterdir())) < 15


def test_a_consumer_that_stops_early_cancels_the_tasks_not_yet_started(tmp_path):
    results = engine.LocalEngine(workers=2).map(_fails_first_then_slow, range(1, 31), shared={"ran": tmp_path})
    assert next(results) == 1
    results.close()
    assert len(list(tmp_path.iterdir())) < 15


def test_where_processes_are_not_forked_the_parts_run_here(monkeypatch):
    # spawned processes would each get the parts' inputs (the corpus) pickled: the parts stay in this process
    monkeypatch.setattr(tasks, "_forks", lambda: False)
    chunks, parts = tasks.map_with_parts(engine.LocalEngine(workers=2), _square, [1, 2, 3], shared={"offset": 0},
                                         parts=PARTS, desc="test")
    assert chunks == [1, 4, 9] and all(pid == os.getpid() for *_, pid in parts.values())
