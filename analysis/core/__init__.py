"""The foundations every room stands on: paths, errors, storage, table schemas, study files, defaults.

Modules: ``config`` (the one place paths are spelled), ``storage`` (every file read and write, atomic),
``tables`` (the schemas every room declares in its ``tables.toml``), ``study`` and ``study_template``
(``study.toml``), ``catalog`` (the public datasets), ``defaults`` (shared resampling settings),
``code`` (the code fingerprint), ``errors``.
"""

from analysis.core.errors import AnalysisError
from analysis.core.study import Study, load_study
from analysis.core.tables import SCHEMAS, schema, validate

__all__ = ["SCHEMAS", "AnalysisError", "Study", "load_study", "schema", "validate"]
