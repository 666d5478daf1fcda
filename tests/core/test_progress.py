"""Progress reporting: plain lines in a log, silence under -q, the items passed through unchanged."""

from __future__ import annotations

import logging
import time

from analysis.core import progress


def _slow(n: int):
    for i in range(n):
        time.sleep(0.01)
        yield i


def test_a_long_loop_in_a_log_reports_count_rate_and_time_left(caplog):
    with caplog.at_level(logging.INFO, logger="analysis"):
        out = list(progress.bar(_slow(12), total=12, desc="clean", unit="article", every=0.03))
    assert out == list(range(12))
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("clean: ")]
    assert lines, "no progress line"
    assert all("/12 article (" in line and "article/s" in line and "s left)" in line for line in lines)
    assert len(lines) < 12  # throttled, not a line an item


def test_quiet_shows_nothing_and_a_short_loop_prints_no_line(caplog):
    with caplog.at_level(logging.WARNING, logger="analysis"):
        assert list(progress.bar(_slow(5), total=5, desc="measure", every=0.0)) == list(range(5))
    with caplog.at_level(logging.INFO, logger="analysis"):
        assert list(progress.bar(range(1000), desc="measure")) == list(range(1000))  # well under 30 s
    assert not [r for r in caplog.records if r.getMessage().startswith("measure: ")]
