"""release_unused hands the pages of freed Arrow buffers back to the system."""

from __future__ import annotations

import sys

import psutil
import pyarrow as pa
import pytest

from analysis.core import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RSS accounting as on Linux")
def test_freed_arrow_strings_leave_the_process_after_a_release():
    process = psutil.Process()
    before = process.memory_info().rss
    strings = pa.array([f"sentence number {i} of a corpus that is larger than a page" for i in range(3_000_000)])
    held = process.memory_info().rss
    assert held - before > 100 * 2**20
    del strings
    kept = process.memory_info().rss
    memory.release_unused()
    released = process.memory_info().rss
    # the pool kept at least part of the freed buffers until the release, which gave most of them back
    assert released < kept and released - before < (held - before) / 2


def test_release_unused_runs_without_arrow_loaded(monkeypatch):
    monkeypatch.delitem(sys.modules, "pyarrow")
    memory.release_unused()  # only the C heap is trimmed
