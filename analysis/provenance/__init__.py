"""Sourcing and provenance: who copied whom, who is quoted, which facts each outlet left out.

Stage: ``provenance``. Measures: ``reuse`` and ``reuse_sensitivity``, ``quotes`` (attributed by
:mod:`analysis.text.attribution`) with ``quote_matching``, ``facts``, and ``group_contrasts`` (source mix
and omission compared between groups).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "extract_quotes": "analysis.provenance.quotes",
    "find_reuse": "analysis.provenance.reuse",
})
