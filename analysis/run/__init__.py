"""Running studies: the stage DAG, the engines that spread partitions over processes or Dask, the CLI.

Modules: ``dag`` (declares the stages; each stage's ``run()`` lives in its room), ``stages`` (their names
and help), ``engine``, ``cli`` (``python -m analysis``: parses) and ``commands`` (what each subcommand does).
"""
