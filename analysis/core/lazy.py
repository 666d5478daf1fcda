"""Imports on first use: a room's public names (PEP 562) and whole modules.

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


class _Deferred:
    """Stands for a module until an attribute is first read; then reads it from the imported module.

    Not the standard library's ``LazyLoader``: on Python 3.11 its module can be read half-built by a second
    thread, and stays broken in ``sys.modules`` when its code raises. Here ``importlib.import_module`` does
    every import (thread-safe, under the import system's per-module locks), nothing is put into
    ``sys.modules``, and a failed import raises its own error at every use."""

    __slots__ = ("_name",)

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __setattr__(self, attr: str, value) -> None:  # e.g. a test's monkeypatch: it reaches the module
        setattr(importlib.import_module(self._name), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported when first used>"


def module(name: str) -> ModuleType:
    """``name``, imported when one of its attributes is first read (at the top of a module: ``report =
    lazy.module("analysis.report.report")``); an already imported module is returned as it is."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    return _Deferred(name)  # type: ignore[return-value]
