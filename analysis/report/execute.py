"""Execute notebooks headless, several through one Jupyter kernel, each from the state a new kernel gives it.

Starting a kernel and importing pandas, matplotlib and the toolkit into it costs about 2.5 s on two cores, as
much as drawing a small notebook's figures: on a 30-article study the six report notebooks took 37 s in six
kernels one after another and 19 s as one notebook in one kernel (profiled). So each worker starts one kernel
and runs its notebooks in turn. Before each notebook, code run silently (no execution count, no output in the
notebook) clears the namespace, the execution counter and ``from __future__`` flags, and calls
:func:`analysis.report.notebook.begin_notebook`: figures closed; matplotlib settings, numpy's print and error
settings, the warning filters, environment variables, working folder and ``sys.path`` as the first notebook
found them; pandas options at pandas' defaults; warnings already shown shown again; the notebook's own
environment set. Not reset: random states, logging handlers and what modules do once when first imported; a notebook that changes those
must set them itself (the report's notebooks change none: each executed notebook is byte-identical to one run
in a kernel of its own, tested on a study). A kernel that died or timed out is replaced before the next notebook.

nbclient runs one notebook per client; a client given a kernel it did not start leaves that kernel running when
the notebook ends, which is what lets one kernel serve several clients here.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from analysis.core import storage
from analysis.core.errors import AnalysisError
from analysis.report.notebook import NOTEBOOK_ENV

log = logging.getLogger("analysis")
_nbclient_log = logging.getLogger("analysis.nbclient")
_nbclient_log.setLevel(logging.WARNING)  # nbclient's per-notebook INFO lines duplicate ours

Item = TypeVar("Item")
Result = TypeVar("Result")


def inject_parameters(nb: nbformat.NotebookNode, study: str) -> nbformat.NotebookNode:
    """Insert ``study = '<id>'`` after the cell tagged ``parameters`` (papermill's convention)."""
    cell = nbformat.v4.new_code_cell(f"# Parameters injected by `python -m analysis report`\nstudy = {study!r}")
    cell.id = "injected-parameters"  # fixed id: new cells otherwise get a random one
    cell.metadata["tags"] = ["injected-parameters"]
    where = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
    nb.cells.insert(where + 1, cell)
    return nb


def _reset_code(env: dict[str, str]) -> str:
    return ("get_ipython().run_line_magic('reset', '-f')\n"
            "get_ipython().compile.reset_compiler_flags()\n"
            "import analysis.report.notebook as _analysis_notebook\n"
            f"_analysis_notebook.begin_notebook({env!r})\n"
            "del _analysis_notebook\n"
            "get_ipython().execution_count = 1\n")


class NotebookKernel:
    """One Jupyter kernel that executes notebooks one after another (a context manager: the kernel stops on exit).

    ``cwd`` is the kernel's working folder, ``kernel_log`` takes its own stderr (start-up notices), removed if
    empty; ``timeout`` is per cell, in seconds."""

    def __init__(self, cwd: Path, *, kernel_log: Path, timeout: int = 600):
        self._cwd, self._kernel_log, self._timeout = Path(cwd), Path(kernel_log), timeout
        self._stack = ExitStack()
        self._owner: NotebookClient | None = None

    def __enter__(self) -> NotebookKernel:
        self._owner = self._client(nbformat.v4.new_notebook())
        log_fh = self._stack.enter_context(storage.open_log(self._kernel_log))
        try:
            self._stack.enter_context(self._owner.setup_kernel(env=dict(os.environ), stderr=log_fh))
        except Exception as exc:  # noqa: BLE001 -- e.g. NoSuchKernel (a KeyError) as well as a start-up timeout
            self.__exit__(None, None, None)
            raise AnalysisError(f"the Jupyter kernel did not start ({type(exc).__name__}: {exc}); "
                                f"see {self._kernel_log}") from None
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()
        if storage.is_empty_file(self._kernel_log):
            storage.remove_file(self._kernel_log)

    def _client(self, nb: nbformat.NotebookNode, **kernel) -> NotebookClient:
        return NotebookClient(nb, timeout=self._timeout, kernel_name="python3", record_timing=False,
                              log=_nbclient_log, resources={"metadata": {"path": str(self._cwd)}}, **kernel)

    def _client_for(self, nb: nbformat.NotebookNode, env: dict[str, str]) -> NotebookClient:
        """A client on this kernel that resets it (silently, through its own channels) before the first cell."""
        client = self._client(nb, km=self._owner.km)

        async def reset(**_) -> None:
            msg_id = client.kc.execute(_reset_code(env), silent=True, store_history=False)
            try:
                while True:
                    reply = await client.kc.get_shell_msg(timeout=self._timeout)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
            except queue.Empty:
                raise RuntimeError("no answer to the reset") from None
            if reply["content"].get("status") != "ok":
                content = reply["content"]
                raise RuntimeError(f"could not reset the kernel: {content.get('ename')}: {content.get('evalue')}")

        client.on_notebook_start = reset
        return client

    def run(self, source: Path, study: str, dest: Path, *, env: dict[str, str] | None = None) -> None:
        """Execute ``source`` with ``study`` injected; write the executed copy to ``dest`` (also when a cell fails).

        ``env`` is set in the kernel for this notebook only (the next notebook gets its own)."""
        nb = inject_parameters(nbformat.read(source, as_version=4), study)
        storage.ensure_dir(dest.parent)
        log.info("report: executing %s", source.name)
        client = self._client_for(nb, {NOTEBOOK_ENV: source.stem, **(env or {})})
        try:
            client.execute()
        except CellExecutionError as exc:
            storage.write_text(dest, nbformat.writes(nb))
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # tracebacks arrive colourised
            last = message.splitlines()[-1] if message else type(exc).__name__
            raise AnalysisError(f"notebook {source.name} failed: {last} (partial output in {dest})") from None
        except (RuntimeError, TimeoutError) as exc:
            raise KernelLost(f"notebook {source.name}: the Jupyter kernel did not run ({exc}); "
                             f"see {self._kernel_log}") from None
        finally:
            if client.kc is not None:  # the client's channels, not the kernel, which serves the next notebook
                client.kc.stop_channels()
        storage.write_if_changed(dest, nbformat.writes(nb).encode())


class KernelLost(AnalysisError):
    """The kernel died, hung past the timeout or could not be reset: the next notebook needs a new one."""


def execute_notebook(source: Path, study: str, dest: Path, *, timeout: int = 600,
                     env: dict[str, str] | None = None, kernel_log: Path | None = None) -> None:
    """Execute one notebook in a kernel of its own (see :class:`NotebookKernel`): what the report did before
    kernels were shared, kept as the reference the tests compare a shared kernel's notebooks with."""
    with NotebookKernel(source.parent, kernel_log=kernel_log or dest.with_suffix(".kernel.log"),
                        timeout=timeout) as kernel:
        kernel.run(source, study, dest, env=env)


def run_in_kernels(items: list[Item], run: Callable[[NotebookKernel, Item], Result], *, workers: int, cwd: Path,
                   log_dir: Path) -> dict[Item, Result | BaseException]:
    """``run(kernel, item)`` for every item, ``workers`` kernels at once, each taking the next item when free.

    Returns each item's result or the exception it raised; one failure does not stop the other items."""
    pending = list(items)
    lock = threading.Lock()
    results: dict[Item, Result | BaseException] = {}

    def next_item():
        with lock:
            return pending.pop(0) if pending else None

    def work(index: int) -> None:
        item = next_item()
        for start in itertools.count():
            if item is None:
                return
            # Each kernel its own log: a replacement must not overwrite the log of the kernel that died.
            kernel_log = log_dir / (f"_kernel_{index}.log" if start == 0 else f"_kernel_{index}_{start}.log")
            try:
                kernel_context = NotebookKernel(cwd, kernel_log=kernel_log)
                kernel = kernel_context.__enter__()
            except Exception as exc:  # noqa: BLE001 -- no kernel starts here: this worker's items fail with it
                while item is not None:
                    results[item] = exc
                    item = next_item()
                return
            try:
                while item is not None:
                    try:
                        results[item] = run(kernel, item)
                    except KernelLost as exc:  # this item is lost; the next one gets a new kernel
                        results[item] = exc
                        item = next_item()
                        break
                    except Exception as exc:  # noqa: BLE001 -- reported per item by the caller; the kernel goes on
                        results[item] = exc
                    item = next_item()
            finally:
                kernel_context.__exit__(None, None, None)

    workers = max(1, min(workers, len(pending)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analysis-notebook") as pool:
        for future in [pool.submit(work, i) for i in range(workers)]:
            future.result()
    return results
