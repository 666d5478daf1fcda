"""Sourcing and provenance: who copied whom, who is quoted, which facts each outlet left out.

Stage: ``provenance``. Measures: ``reuse`` and ``reuse_sensitivity``, ``quotes`` with ``quote_rules`` and
``quote_matching``, ``facts``, and ``group_contrasts`` (source mix and omission compared between groups).
"""

from analysis.provenance.quotes import extract_quotes
from analysis.provenance.reuse import find_reuse

__all__ = ["extract_quotes", "find_reuse"]
