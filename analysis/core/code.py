"""Which code made an output: a hash of the package's source and of the dependencies that shape its outputs.

Stage fingerprints (:mod:`analysis.run.dag`) and the report's manifest
(:mod:`analysis.report.manifest`) both record it, so an edit anywhere in the
package, in any subpackage or table declaration, reruns the stages.
"""

from __future__ import annotations

import hashlib
from importlib import metadata

from analysis.core import config, storage

# Packages whose upgrade can change a stage's output (lexicon, splitter, bytes).
VERSIONED_DEPENDENCIES = ("vaderSentiment", "nltk", "numpy", "pandas", "pyarrow", "scipy", "matplotlib", "seaborn",
                          "nbclient", "nbformat", "trafilatura", "charset-normalizer", "py3langid", "datasketch",
                          "feedparser", "bokeh")
# The package files that are code or declarations: modules and the rooms' table files.
SOURCE_PATTERNS = ("*.py", "*.toml")


def source_files() -> list:
    """Every source file of the package, in every subpackage, in a stable order."""
    files = {p for pattern in SOURCE_PATTERNS for p in config.PACKAGE_DIR.rglob(pattern)
             if "__pycache__" not in p.parts}
    return sorted(files, key=lambda p: p.relative_to(config.PACKAGE_DIR).as_posix())


def code_hash() -> str:
    h = hashlib.sha256()
    for dist in VERSIONED_DEPENDENCIES:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:  # an optional one (bokeh: the explorer extra) not installed
            version = "absent"
        h.update(f"{dist}=={version}".encode())
    for path in source_files():
        h.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
        h.update(storage.read_bytes(path))
    return h.hexdigest()
