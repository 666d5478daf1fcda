"""The foundations every room stands on: paths, errors, storage, table schemas, study files, defaults.

Modules: ``config`` (the one place paths are spelled), ``storage`` (every file read and write, atomic),
``tables`` (the schemas every room declares in its ``tables.toml``), ``study`` and ``study_template``
(``study.toml``), ``catalog`` (the public datasets), ``defaults`` (shared resampling settings),
``code`` (the code fingerprint), ``errors``.
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "AnalysisError": "analysis.core.errors",
    "SCHEMAS": "analysis.core.tables",
    "Study": "analysis.core.study",
    "load_study": "analysis.core.study",
    "schema": "analysis.core.tables",
    "validate": "analysis.core.tables",
})
