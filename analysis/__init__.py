"""Media-bias and framing comparison studies.

The package is split into rooms by role, each a subpackage whose ``__init__`` names its public surface:
``core`` (paths, errors, storage, table schemas, study files), ``stats``, ``collect``, ``text``, ``framing``,
``sentiment``, ``provenance``, ``validation``, ``report`` and ``run`` (the stage DAG, engines and
``python -m analysis``). A room imports only the rooms before it in that list.
"""

__version__ = "0.1.0"
