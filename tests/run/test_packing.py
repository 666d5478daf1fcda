"""A task's result travels back packed (out-of-band pickle buffers, compressed) and arrives equal and writable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.run import engine, packing


def _tables(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "doc_id": pd.array([f"doc{i % 997}" for i in range(n)], dtype="str"),
        "text": pd.Series([f"sentence {i} said" if i % 5 else None for i in range(n)], dtype=object),
        "score": rng.normal(size=n), "n": np.arange(n, dtype=np.int64), "flag": np.arange(n) % 3 == 0,
        "kind": pd.Categorical(rng.choice(["quoted", "reported"], n)),
        "published": pd.date_range("2019-10-07", periods=n, freq="min", tz="UTC"),
        "outlets": [["a", "b"] if i % 2 else [] for i in range(n)]})
    return {"table": frame, "matrix": rng.normal(size=(n // 10, 7)), "note": ("done", n)}


def _equal(a: dict, b: dict) -> None:
    pd.testing.assert_frame_equal(a["table"], b["table"])
    np.testing.assert_array_equal(a["matrix"], b["matrix"])
    assert a["note"] == b["note"]


def test_a_large_result_is_packed_smaller_and_unpacked_equal_and_writable():
    result = _tables(200_000)
    packed = packing.pack(result)
    assert isinstance(packed, packing.Packed)
    assert sum(len(data) for data, _, _ in packed.buffers) < sum(size for _, size, _ in packed.buffers) / 2
    back = packing.unpack(packed)
    _equal(back, result)
    back["matrix"][0, 0] = 1.0  # arrays on the unpacked buffers can be written, as the worker's could
    back["table"].loc[0, "score"] = 2.0
    assert back["table"].loc[0, "score"] == 2.0


def test_a_small_result_is_sent_uncompressed_and_anything_not_packed_passes_through():
    result = {"n": 3, "rows": pd.DataFrame({"x": [1, 2]})}
    packed = packing.pack(result)
    assert not any(compressed for _, _, compressed in packed.buffers)
    back = packing.unpack(packed)
    assert back["n"] == 3 and back["rows"].equals(result["rows"])
    assert packing.unpack(result) is result


def _task(item: int, shared: dict) -> dict:
    return _tables(shared["n"], seed=item)


def test_the_local_engine_returns_packed_results_equal_to_those_computed_here():
    shared = {"n": 60_000}
    here = [_task(i, shared) for i in range(3)]
    there = list(engine.LocalEngine(workers=2).map(_task, range(3), shared=shared))
    for a, b in zip(here, there):
        _equal(a, b)
