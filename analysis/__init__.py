"""Media-bias and framing comparison studies.

The package is split into rooms by role, each a subpackage whose ``__init__`` names its public surface:
``core`` (paths, errors, storage, table schemas, study files), ``stats``, ``collect``, ``text``, ``framing``,
``sentiment``, ``provenance``, ``validation``, ``report`` and ``run`` (the stage DAG, engines and
``python -m analysis``). A room imports only the rooms before it in that list.

From Python (:mod:`analysis.run.api`)::

    from analysis import Study
    study = Study.load("entity-list")
    study.tables()                     # every table: what it holds, its stage, whether it is built
    study.table("sentiment_by_group")  # one table as a DataFrame

The names below resolve on first use, so ``import analysis`` (and ``python -m analysis --help``) imports
neither pandas nor the scientific stack.
"""

from analysis.core.lazy import exports

__version__ = "0.1.0"

__getattr__, __all__ = exports(__name__, {
    "Study": "analysis.run.api",
    "frame_texts": "analysis.framing.dictionary",
    "score_texts": "analysis.sentiment.instruments",
})
