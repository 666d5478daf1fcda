import sys

from analysis.run import engine

if engine.wants_local_cluster(sys.argv[1:]):
    engine.start_worker_server()  # before the heavy imports below, so the workers' imports overlap them

from analysis.run.cli import main  # noqa: E402

raise SystemExit(main())
