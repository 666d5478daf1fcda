"""Media-bias and framing comparison studies.

Stages live in their own modules (``ingest``, ``prepare``, ``sentiment``,
``actors``, ``compare``, ``report``); ``pipeline`` chains them and ``cli``
exposes them as ``python -m analysis``.
"""

__version__ = "0.1.0"
