"""Engines: run one function over the partitions of a table, on local processes or on a Dask cluster.

Both engines return results in partition order, so a stage writes the same
table whichever engine ran it. A task receives its partition number and the
``shared`` objects (fitted instruments, file paths), which each worker
receives once: the local engine installs them in every process at start-up,
the Dask engine scatters them to every worker (re-sending them with every
task is what makes naive Dask code slow).

``local`` uses processes, not threads: the work is pure-Python text
processing, which threads do not speed up (the GIL); on two cores two
processes give about 1.6x.

The workers of a LocalCluster the toolkit starts are forked from a server
process that imported the toolkit when it started (see
:func:`start_worker_server`). It lives as long as this process, so in a
long session (a notebook) a LocalCluster started after editing the
toolkit's code still runs the code as it was; restart the kernel.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import importlib.util
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Any, Literal

from analysis.core import memory, progress
from analysis.core.errors import AnalysisError
from analysis.run import packing

log = logging.getLogger("analysis")
EngineName = Literal["local", "dask"]
_SHARED: dict[str, Any] = {}  # what the local engine installed in this worker process


def _install(shared: dict[str, Any]) -> None:
    _SHARED.clear()
    _SHARED.update(shared)


def _call_local(fn: Callable, item: Any) -> Any:
    result = packing.pack(fn(item, _SHARED))
    # what the task freed, before its result is sent: a worker that has finished while another still runs holds
    # no more than it needs (on a 12,000-article study an idle provenance worker kept 439 MiB of freed memory)
    memory.release_unused()
    return result


def _call_dask(fn: Callable, item: Any, shared: dict[str, Any]) -> Any:
    return fn(item, shared)


# The modules whose functions run as partition tasks (pandas, scikit-learn, nltk and the stages' code come with
# them). The engine names them rather than importing them: it sits above no room.
TASK_MODULES = ("analysis.text.prepare", "analysis.sentiment.measure", "analysis.stats.contrasts",
                "analysis.framing.frame", "analysis.provenance.provenance")


def _import_toolkit() -> None:
    for name in TASK_MODULES:
        importlib.import_module(name)


# What a Dask worker imports before its first task. By default each worker of a LocalCluster is a new
# interpreter that imports these itself, about 1.5 s on this machine, two at a time on two cores while
# the stage sets up. Instead the workers are forked from multiprocessing's forkserver, one process that
# imported them once. Forking the toolkit's own process would be cheaper still, but it has threads (the
# cluster's event loop) that can hold locks at the fork: a second cluster in one process hung in
# scatter. The forkserver is single-threaded, so forking it is safe.
WORKER_PRELOAD = ["distributed", *TASK_MODULES]
# distributed's defaults for ``distributed.nanny.pre-spawn-environ`` (distributed.yaml, 2024-2025 releases)
DASK_PRE_SPAWN_ENVIRON = {"MALLOC_TRIM_THRESHOLD_": 65536, "OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                          "OPENBLAS_NUM_THREADS": 1}


def start_worker_server() -> bool:
    """Start the forkserver that LocalCluster workers are forked from; it imports the toolkit meanwhile.

    Returns at once: whether workers can be forked from it (not on Windows, nor without distributed,
    which DaskEngine then says to install). ``python -m analysis`` calls it first thing when the
    command line asks for the Dask engine, so the server's imports overlap the command's own. Calling
    it again does nothing.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods() or not importlib.util.find_spec("distributed"):
        return False
    import multiprocessing.forkserver

    import dask.config

    multiprocessing.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    # Dask sets these (one thread per numerical library, and how malloc returns memory) just before it
    # spawns a worker; forked workers inherit the server's environment instead, so the server gets them.
    # As in Dask, a variable already set wins. Read before distributed is imported (which loads its
    # defaults), so Dask's defaults are spelled out here and a user's Dask configuration overrides them.
    wanted = {**DASK_PRE_SPAWN_ENVIRON, **dask.config.get("distributed.nanny.pre-spawn-environ", default={})}
    added = {k: str(v) for k, v in wanted.items() if v is not None and k not in os.environ}
    os.environ.update(added)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        for name in added:
            os.environ.pop(name, None)
    return True


def wants_local_cluster(argv: list[str]) -> bool:
    """Whether a command line asks for the Dask engine on a LocalCluster (no ``--scheduler``)."""
    asks = "--engine=dask" in argv or any(a == "--engine" and b == "dask" for a, b in zip(argv, argv[1:]))
    return asks and not any(a == "--scheduler" or a.startswith("--scheduler=") for a in argv)


def _in_order(futures: list[Future], finished: Iterable[Future]) -> Iterator[Any]:
    """The results of ``futures`` in their order, each as soon as it and those before it are done; ``finished``
    yields the futures as they finish (and drives the progress bar)."""
    first = 0
    for _ in finished:
        while first < len(futures) and futures[first].done():
            result, futures[first] = packing.unpack(futures[first].result()), None  # released once handed on
            first += 1
            yield result


class LocalEngine:
    """Processes on this machine (``workers`` default: every core); one worker runs in this process."""

    name = "local"

    def __init__(self, *, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    def map(self, fn: Callable[[Any, dict], Any], items: Iterable[Any], *, shared: dict[str, Any],
            desc: str = "partitions", unit: str = "partition") -> Iterator[Any]:
        items = list(items)
        if self.workers == 1 or len(items) <= 1:  # no process start-up for a corpus of one partition
            yield from progress.bar((fn(item, shared) for item in items), total=len(items), desc=desc, unit=unit)
            return
        with ProcessPoolExecutor(max_workers=min(self.workers, len(items)), initializer=_install,
                                 initargs=(shared,)) as pool:
            futures = [pool.submit(_call_local, fn, item) for item in items]
            # The bar counts tasks as they finish, the results come in order: a long first task (a stage's
            # whole-corpus part) would otherwise hold the bar at zero while the tasks after it finish.
            done = progress.bar(as_completed(futures), total=len(futures), desc=desc, unit=unit)
            try:
                yield from _in_order(futures, done)
            finally:
                # As pool.map did: on a failed task or a consumer that stops, the tasks not yet started are
                # dropped; the pool's shutdown would otherwise run every one of them before the error comes.
                for future in futures:
                    if future is not None:
                        future.cancel()

    def close(self) -> None:
        pass


class DaskEngine:
    """A Dask ``distributed`` cluster: a LocalCluster of ``workers`` processes, or the one at ``scheduler``.

    Workers read their partitions from the project's files, so a remote cluster needs the project folder
    on a file system every worker can see.
    """

    name = "dask"

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None, connect_timeout: float = 10):
        # Only looked up here: importing distributed takes a quarter of a second, which the background
        # start below overlaps with the stage's set-up (its input hashing and Parquet reads release the GIL).
        if importlib.util.find_spec("distributed") is None:
            raise AnalysisError("the dask engine needs dask and distributed: pip install 'dask[distributed]'")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._cluster = self._client = None
        self._warmup: list = []
        if scheduler:  # connected now, so a wrong address is an error before any work starts
            self._starting = None
            self._connect(scheduler, connect_timeout)
        else:
            # Starting the scheduler, the nannies and the workers takes a second or more (longer where the
            # forkserver is still importing); meanwhile the stage hashes its inputs and fits its instruments
            # (the measure stage trains a model for ~6 s), so the cluster starts in the background and the
            # first map waits for it.
            self._starting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis-dask-start")
            self._started = self._starting.submit(self._start_local_cluster)

    @staticmethod
    def _import_distributed():
        import distributed

        # set after the import, which configures these loggers: their INFO lines (nannies, workers)
        # would bury ours
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.WARNING)
        return distributed

    def _connect(self, scheduler: str, connect_timeout: float) -> None:
        Client = self._import_distributed().Client

        try:
            self._client = Client(scheduler, timeout=f"{connect_timeout}s")
        except (OSError, TimeoutError) as exc:
            raise AnalysisError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); is it running, and "
                                f"is the address tcp://HOST:PORT?") from None
        self._warm_up()

    def _start_local_cluster(self) -> None:
        import dask.config

        distributed = self._import_distributed()
        Client, LocalCluster = distributed.Client, distributed.LocalCluster

        # One thread per worker process: the tasks hold the GIL. No dashboard, so the workers' statistical
        # profiler, which interrupts the task thread every 10 ms to sample its stack, would only cost time:
        # about 7% of a measure task's CPU on this machine. The system monitors feed only the dashboard and
        # the memory monitors need not poll ten times a second for partitions of bounded size; at these
        # intervals an idle cluster's processes use half the CPU they use at the defaults. The tick, which
        # only times the event loop to warn when it stalls for 3 s, wakes each worker's loop 50 times a
        # second by default, taking the GIL from the task; once a second, the measure stage's processes
        # used 0.4 to 1.7 s less CPU in three paired runs.
        settings = {"distributed.worker.profile.enabled": False,
                    "distributed.admin.system-monitor.interval": "2s",
                    "distributed.admin.system-monitor.disk": False,
                    "distributed.worker.memory.monitor-interval": "1s",
                    "distributed.admin.tick.interval": "1s"}
        if start_worker_server():
            settings["distributed.worker.multiprocessing-method"] = "forkserver"
        with dask.config.set(settings):
            # Without a dashboard the scheduler still serves its HTTP routes, by default on port 8787; a free
            # port instead, so a second cluster (another study, a parallel test) prints no port-in-use warning.
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"})
        self._client = Client(self._cluster)
        self._warm_up()

    def _warm_up(self) -> None:
        # A new worker process starts without the toolkit imported, which takes it over a second. Asked
        # now, the imports overlap with the stage's own set-up instead of delaying the first partition.
        # (An existing cluster's workers may have imported it already; then this costs nothing.)
        self._warmup = [self._client.submit(_import_toolkit, workers=[address], allow_other_workers=False,
                                            pure=False)
                        for address in self._client.scheduler_info()["workers"]]

    @property
    def client(self):
        """The ``distributed.Client`` (waits for a LocalCluster that is still starting)."""
        if self._starting is not None:
            self._started.result()  # re-raises what went wrong while starting
        return self._client

    def map(self, fn: Callable[[Any, dict], Any], items: Iterable[Any], *, shared: dict[str, Any],
            desc: str = "partitions", unit: str = "partition") -> Iterator[Any]:
        items = list(items)
        yield from progress.bar(self._results(fn, items, shared), total=len(items), desc=desc, unit=unit)

    def _results(self, fn: Callable[[Any, dict], Any], items: list[Any], shared: dict[str, Any]) -> Iterator[Any]:
        if not items:
            return
        client = self.client
        self._wait_for_warmup()  # a worker importing in two threads at once can fail half-way
        # scatter() cannot send an empty dict; nothing to share is sent with each task instead
        shared_future = client.scatter(shared, broadcast=True) if shared else {}
        futures = client.map(_call_dask, [fn] * len(items), items, [shared_future] * len(items), pure=False)
        try:
            for i in range(len(futures)):  # in partition order; later ones keep running meanwhile
                result = futures[i].result()
                # Released as soon as it is here, so the worker drops its copy: holding every future to the
                # end kept every partition's result in the workers' memory.
                futures[i] = None
                yield result
        finally:
            client.cancel([f for f in futures if f is not None])

    def _wait_for_warmup(self) -> None:
        if self._warmup:
            from distributed import wait

            wait(self._warmup)
            self._warmup = []

    def close(self) -> None:
        if self._starting is not None:
            self._starting.shutdown(wait=True)  # a start that failed left nothing to close but its parts
        # unused by any stage, the imports would be cancelled half-way and log warnings on the workers
        self._wait_for_warmup()
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


_current: contextvars.ContextVar = contextvars.ContextVar("analysis_engine", default=None)


def current():
    """The engine the running stage should use (a local engine on every core unless one is in use)."""
    return _current.get() or LocalEngine()


@contextlib.contextmanager
def use(engine, *, close: bool = True):
    """Run the stages inside the block on ``engine``; it is closed at the end unless ``close=False``."""
    token = _current.set(engine)
    try:
        yield engine
    finally:
        _current.reset(token)
        if close:
            engine.close()


def get_engine(name: EngineName = "local", *, workers: int | None = None, scheduler: str | None = None):
    """``local`` (default) or ``dask``; ``scheduler`` (an address such as tcp://10.0.0.5:8786) implies dask."""
    if scheduler and name != "dask":
        name = "dask"
    if name == "local":
        return LocalEngine(workers=workers)
    if name == "dask":
        return DaskEngine(workers=workers, scheduler=scheduler)
    raise AnalysisError(f"unknown engine {name!r}; use 'local' or 'dask'")
