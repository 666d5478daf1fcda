"""The machine-wide cache of study-independent results: computed once, identical when read back, never half."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from analysis.core import cache, code, storage


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counting(frames):
    calls = []

    def compute():
        calls.append(1)
        return frames

    return compute, calls


def test_tables_are_computed_once_and_read_back_byte_identical(own_cache, tmp_path):
    frames = {"a": pd.DataFrame({"x": [1, 2, 3]}), "b": pd.DataFrame({"y": ["p", "q"]})}
    compute, calls = _counting(frames)
    first = cache.cached_tables("demo", "k1", ["a", "b"], compute)
    second = cache.cached_tables("demo", "k1", ["a", "b"], compute)
    assert len(calls) == 1 and first == second
    storage.write_table(frames["a"], tmp_path / "a.parquet")  # what the stage would have written itself
    assert first["a"] == (tmp_path / "a.parquet").read_bytes()


def test_key_changes_with_file_content_settings_and_code(own_cache, tmp_path, monkeypatch):
    gold = tmp_path / "gold.csv"
    gold.write_text("x\n1\n")
    base = cache.key(settings={"seed": 1}, files=[gold])
    assert cache.key(settings={"seed": 1}, files=[gold]) == base
    assert cache.key(settings={"seed": 2}, files=[gold]) != base
    gold.write_text("x\n2\n")
    assert cache.key(settings={"seed": 1}, files=[gold]) != base
    gold.write_text("x\n1\n")
    monkeypatch.setattr(code, "code_hash", lambda: "edited")
    assert cache.key(settings={"seed": 1}, files=[gold]) != base


def test_a_key_on_named_modules_follows_those_modules_and_no_other_code(own_cache, tmp_path, monkeypatch):
    module = tmp_path / "trainer.py"
    module.write_text("STEPS = 1\n")
    base = cache.key(settings={"seed": 1}, modules=[module])
    monkeypatch.setattr(code, "code_hash", lambda: "an edit elsewhere in the package")
    assert cache.key(settings={"seed": 1}, modules=[module]) == base
    module.write_text("STEPS = 2\n")
    assert cache.key(settings={"seed": 1}, modules=[module]) != base


def test_a_crash_while_computing_leaves_no_entry(own_cache):
    def crash():
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        cache.cached_tables("demo", "k2", ["a"], crash)
    assert not (own_cache / "demo" / "k2").exists()
    frames = {"a": pd.DataFrame({"x": [1]})}
    # a frame missing from what compute returned fails before anything is moved into place
    with pytest.raises(KeyError):
        cache.cached_tables("demo", "k2", ["a", "b"], lambda: frames)
    assert not (own_cache / "demo" / "k2").exists()
    # no staging folder left behind; only the (empty) lock file beside the entry
    assert [p.name for p in (own_cache / "demo").iterdir()] == ["k2.lock"]


def test_two_processes_needing_one_entry_compute_it_once_and_both_get_it(own_cache):
    frames = {"a": pd.DataFrame({"x": range(1000)})}
    started = threading.Event()
    results, calls = [], []

    def compute():
        calls.append(1)
        started.set()
        time.sleep(0.5)  # the other thread asks for the entry while this one is still computing it
        return frames

    threads = [threading.Thread(target=lambda: results.append(cache.cached_tables("demo", "k3", ["a"], compute)))
               for _ in range(2)]
    threads[0].start()
    started.wait()
    threads[1].start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1] and len(calls) == 1
    assert sorted(p.name for p in (own_cache / "demo").iterdir()) == ["k3", "k3.lock"]


def test_objects_round_trip_and_an_unreadable_entry_is_recomputed(own_cache):
    compute, calls = _counting({"weights": [0.5, 0.25]})
    assert cache.cached_object("model_demo", "k4", compute) == {"weights": [0.5, 0.25]}
    assert cache.cached_object("model_demo", "k4", compute) == {"weights": [0.5, 0.25]}
    assert len(calls) == 1
    (own_cache / "model_demo" / "k4" / "object.pickle").write_bytes(b"not a pickle")
    assert cache.cached_object("model_demo", "k4", compute) == {"weights": [0.5, 0.25]}
    assert len(calls) == 2


def test_refresh_computes_again_and_replaces_the_entry(own_cache):
    compute, calls = _counting({"a": pd.DataFrame({"x": [1]})})
    first = cache.cached_tables("demo", "k5", ["a"], compute)
    again = cache.cached_tables("demo", "k5", ["a"], compute, refresh=True)
    assert len(calls) == 2 and first == again
    (own_cache / "demo" / "k5" / "a.parquet").unlink()  # an incomplete entry is filled again, not trusted
    cache.cached_tables("demo", "k5", ["a"], compute)
    assert len(calls) == 3
