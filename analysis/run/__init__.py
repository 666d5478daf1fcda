"""Running studies: the stage DAG, the engines that spread partitions over processes or Dask, the CLI, the Python API.

Modules: ``dag`` (declares the stages; each stage's ``run()`` lives in its room), ``stages`` (their names
and help), ``engine``, ``cli`` (``python -m analysis``: parses), ``commands`` (what each subcommand does)
and ``api`` (:class:`~analysis.run.api.Study`, the same from Python).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "STAGES": "analysis.run.dag",
    "Study": "analysis.run.api",
    "run_study": "analysis.run.commands",
})
