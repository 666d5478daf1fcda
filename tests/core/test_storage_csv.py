"""CSV writing: the same bytes as pandas' string, written in chunks, and a file left alone when unchanged."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from analysis.core import storage


def _table(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "score": rng.normal(size=n),
                         "text": ["quote \"x\", é\nline" if i % 7 == 0 else None for i in range(n)],
                         "n": np.arange(n)})


def test_csv_bytes_equal_the_whole_string_and_an_unchanged_file_is_left_alone(tmp_path):
    df = _table(250_000)  # more rows than one of pandas' chunks
    out = tmp_path / "t.csv"
    assert storage.write_csv(df, out) is True
    assert out.read_bytes() == df.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode()
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))
    assert storage.write_csv(df, out) is False
    assert out.stat().st_mtime_ns == 1_000_000_000
    changed = df.assign(n=df["n"] + (df.index == len(df) - 1))  # one byte, in the last row
    assert storage.write_csv(changed, out) is True
    assert out.read_bytes().endswith(b",250000\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]  # no temporary file left


def test_same_bytes_compares_content_not_only_size(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    a.write_bytes(b"x" * 3_000_000)
    b.write_bytes(b"x" * 2_999_999 + b"y")
    c.write_bytes(b"x" * 3_000_000)
    assert not storage.same_bytes(a, b, chunk=1 << 20) and storage.same_bytes(a, c, chunk=1 << 20)
    assert not storage.same_bytes(a, tmp_path.joinpath("d").write_bytes(b"x") and tmp_path / "d")
