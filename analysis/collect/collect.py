"""The collect stage: fetch a study's URL lists and feeds politely into ``data/raw/<study>/web``.

Collection is incremental inside (what was fetched is kept in the raw store,
see :mod:`analysis.collect.rawstore`), so the stage runs every time; a study
without web sources has nothing to collect.
"""

from __future__ import annotations

import logging
from pathlib import Path

from analysis.collect import web
from analysis.core import storage
from analysis.core.config import StudyPaths
from analysis.core.study import Study

log = logging.getLogger("analysis")


def applies(study: Study) -> bool:
    """Whether the study has any web source to collect."""
    return any(s.kind in web.URL_KINDS for s in study.sources)


def run(study: Study, paths: StudyPaths, *, refresh: bool = False, retry_gone: bool = False,
        allow_private_addresses: bool = False) -> list[Path]:
    """Fetch what is new (or everything again with ``refresh``); write the digest ingest depends on.

    ``retry_gone`` asks again for URLs that answered 404 or 410; ``allow_private_addresses`` (the
    command line's ``--allow-private-addresses``) lets collection reach non-public addresses.
    """
    if not applies(study):
        return []
    web.collect_study(study, paths, refresh=refresh, retry_gone=retry_gone,
                      allow_private_addresses=allow_private_addresses, progress=log.isEnabledFor(logging.INFO))
    # A stable digest of what has been collected (latest outcome and content hash per URL, no times):
    # ingest depends on this, not on the append-only log, so a re-run that fetched nothing new skips it.
    collected = web.collected_pages(paths)
    storage.write_csv(collected, paths.interim / "collected_pages.csv")
    return [paths.interim / "collected_pages.csv"]
