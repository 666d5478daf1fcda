"""One process at a time per study: a second ``collect`` or ``run`` stops at once with one line, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO
from http_server import Reply

from analysis.collect.rawstore import read_collection_log
from analysis.core import config, storage
from analysis.core.errors import BusyError


def _analysis(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "-q", *args], cwd=REPO, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # three `python -m analysis` processes: about 40 s on a loaded 2-core machine
def test_a_second_process_is_told_who_holds_the_study(project, server):
    gate = threading.Event()  # the first process's first page is answered once the second has been refused
    urls = [server.add(f"/slow/{i}", Reply(body=b"<html><body><p>story</p></body></html>", gate=gate))
            for i in range(4)]
    paths = config.study_paths("busy")
    paths.study_dir.mkdir(parents=True)
    (paths.study_dir / "urls.txt").write_text("\n".join(urls) + "\n")
    paths.study_file.write_text('[study]\ntitle = "busy"\nkeep_undated = true\n'
                                '[collect]\nper_host_delay = 0.2\ntimeout = 100\n'
                                '[[sources]]\nkind = "urls"\npath = "data/studies/busy/urls.txt"\noutlet = "X"\n')

    first = _analysis("collect", "busy", "--allow-private-addresses")
    deadline = time.monotonic() + 60
    while f"process {first.pid} " not in (paths.lock_file.read_text() if paths.lock_file.exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    try:
        for second in (["collect", "busy", "--allow-private-addresses"], ["run", "busy", "--until", "ingest"]):
            out = subprocess.run([sys.executable, "-m", "analysis", "-q", *second], cwd=REPO, capture_output=True,
                                 text=True, timeout=120)
            assert out.returncode == BusyError.exit_code, out.stderr
            lines = out.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(
                f"error: study busy is in use by process {first.pid} (`python -m analysis collect busy`) since ")
            assert "wait for it to finish, or stop that process" in lines[0]
    finally:
        gate.set()
        _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    log = read_collection_log(paths.web)
    assert sorted(log["url"]) == sorted(urls) and (log["status"] == "ok").all()
    assert [server.count(f"/slow/{i}") for i in range(4)] == [1, 1, 1, 1]  # nothing fetched twice
    assert paths.lock_file.read_text() == ""  # released; a killed holder's lock goes with it (the kernel's)


def test_the_lock_is_free_again_after_the_holder_exits(tmp_path):
    lock = tmp_path / ".lock"
    with storage.single_writer(lock, what="study s", holder="process 1 (`x`) since t"):
        assert lock.read_text() == "process 1 (`x`) since t\n"
    with storage.single_writer(lock, what="study s", holder="process 2 (`y`) since u"):
        pass
