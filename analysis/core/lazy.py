"""A room's public names, imported on first use (PEP 562).

Each room's ``__init__`` names its public surface with :func:`exports`. The names resolve when first used,
so importing one module of a room does not import the others: ``python -m analysis --help`` and each
notebook kernel stay clear of the scientific stack they do not use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def exports(package: str, public: dict[str, str]) -> tuple[Callable[[str], object], list[str]]:
    """``(__getattr__, __all__)`` for ``package``, whose names in ``public`` live in the modules given."""

    def __getattr__(name: str) -> object:
        if name in public:
            return getattr(importlib.import_module(public[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, sorted(public)
