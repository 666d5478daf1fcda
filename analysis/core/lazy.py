"""Imports on first use: a room's public names (PEP 562) and whole modules (the standard library's LazyLoader).

Each room's ``__init__`` names its public surface with :func:`exports`. The names resolve when first used,
so importing one module of a room does not import the others: ``python -m analysis --help`` and each
notebook kernel stay clear of the scientific stack they do not use. :func:`module` does the same for one
module named at the top of another (the CLI's commands and the stage DAG, so ``init`` and ``ingest`` do not
import the report's and the validation's stack); the layout tests read those calls as imports.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType


def exports(package: str, public: dict[str, str]) -> tuple[Callable[[str], object], list[str]]:
    """``(__getattr__, __all__)`` for ``package``, whose names in ``public`` live in the modules given."""

    def __getattr__(name: str) -> object:
        if name in public:
            return getattr(importlib.import_module(public[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, sorted(public)


def module(name: str) -> ModuleType:
    """``name`` as a module whose code runs when one of its attributes is first used (the recipe in
    :mod:`importlib`'s documentation); an already imported module is returned as it is."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:  # as the import system does, so `parent.child` works
        setattr(sys.modules[parent], child, lazy)
    return lazy
