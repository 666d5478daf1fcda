"""The house rules, checked: rooms import only downward, no import cycle, no hidden imports, small modules,
one schema registry whatever is imported first, and a code fingerprint that sees every subpackage."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import analysis
from analysis.core import code, config, tables
from analysis.run import dag

PACKAGE = Path(analysis.__file__).resolve().parent
# Data flows one way: a room may import only the rooms before it (and itself).
ROOM_ORDER = ("core", "stats", "collect", "text", "framing", "sentiment", "provenance", "validation", "report", "run")
# Imports allowed inside functions: optional dependencies and platform-specific modules only.
OPTIONAL_IMPORTS = {"dask", "distributed", "multiprocessing",
                    # the transformers extra (analysis.sentiment.transformer, analysis.collect.models)
                    "torch", "transformers", "huggingface_hub", "NewsSentiment"}
MAX_MODULE_LINES = 600


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _runtime_imports(path: Path, name: str, modules: dict[str, Path]) -> tuple[set[str], list[str]]:
    """(package modules imported at run time, imports found inside functions) of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    type_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                 and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                 for n in ast.walk(node)}
    found, inner = set(), []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    top = (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name
                    if getattr(node, "level", 0) or top.split(".")[0] not in OPTIONAL_IMPORTS:
                        inner.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        if (isinstance(node, ast.Call) and ast.unparse(node.func) == "lazy.module" and node.args
                and isinstance(node.args[0], ast.Constant)):
            targets = [node.args[0].value]  # imported on first use: still an edge of the graph
        for target in targets:
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target in modules and target != name:
                found.add(target)
    return found, inner


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = _modules()
    edges, inner = {}, []
    for name, path in modules.items():
        edges[name], found_inner = _runtime_imports(path, name, modules)
        inner += found_inner
    return edges, inner


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ROOM_ORDER) else "analysis"


def test_no_import_cycle(graph):
    edges, _ = graph
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_rooms_import_only_downward(graph):
    edges, _ = graph
    rank = {room: i for i, room in enumerate(ROOM_ORDER)}
    upward = [f"{a} -> {b}" for a, targets in edges.items() for b in targets
              if _room(a) in rank and _room(b) in rank and rank[_room(b)] > rank[_room(a)]]
    assert upward == []
    assert {_room(m) for m in edges} - {"analysis"} == set(ROOM_ORDER)  # every module lives in a room


def test_no_import_inside_a_function_except_optional_dependencies(graph):
    _, inner = graph
    assert inner == []


# File-system calls that read, write or delete: only core.storage makes them (reading the package's own
# declarations in core.tables and core.code included), so atomic writes and error messages live in one place.
FILE_CALLS = {"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "mkdir", "rmdir", "touch"}
# Where a module streams to a file the storage module handed it (an atomic temporary path), not a path of its own.
# And the VADER lexicon, a resource inside the vaderSentiment package (importlib.resources), not a path.
FILE_ACCESS_ALLOWED = {"analysis.collect.fetch": {"open"}, "analysis.sentiment.vader_fast": {"read_bytes"}}


def test_only_the_storage_module_touches_files():
    found = []
    for name, path in _modules().items():
        if name == "analysis.core.storage":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            called = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            is_path_call = (isinstance(fn, ast.Attribute) and called in FILE_CALLS
                            and not (isinstance(fn.value, ast.Name) and fn.value.id == "storage"))
            is_open = isinstance(fn, ast.Name) and called == "open"
            via_module = isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and (
                fn.value.id in ("os", "shutil") and called in {"remove", "unlink", "rename", "replace", "rmtree",
                                                               "makedirs", "copy", "copyfile", "move"})
            if (is_path_call or is_open or via_module) and called not in FILE_ACCESS_ALLOWED.get(name, ()):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert found == []


def test_no_module_over_the_size_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_registry_is_complete_in_a_fresh_interpreter():
    """Importing the schema module alone gives every table every room declares (no registration on import)."""
    declared = [name for room in tables.ROOMS
                for name in tomllib.loads((PACKAGE / room / "tables.toml").read_text(encoding="utf-8"))]
    fresh = subprocess.run([sys.executable, "-c", "from analysis.core import tables; print(*tables.SCHEMAS)"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert fresh == declared == list(tables.SCHEMAS)
    assert len(set(declared)) == len(declared)
    assert {p.parent.name for p in PACKAGE.glob("*/tables.toml")} == set(tables.ROOMS)


def test_code_hash_sees_every_subpackage_and_table_file(tmp_path, monkeypatch):
    copy = tmp_path / "analysis"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", copy)
    clean = dag.STAGES["clean"]  # reads no study setting, so no study is needed to fingerprint it
    paths = config.study_paths("layout", root=tmp_path)
    before = code.code_hash(), dag.fingerprint(clean, None, paths)
    for edited in (copy / "sentiment" / "scoring.py", copy / "framing" / "tables.toml"):
        edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        after = code.code_hash(), dag.fingerprint(clean, None, paths)
        assert after[0] != before[0] and after[1] != before[1], edited  # the clean stage would run again
        before = after


def test_a_lazy_module_is_imported_when_first_used():
    code = ("import sys\nfrom analysis.core import lazy\nfigures = lazy.module('analysis.report.figures')\n"
            "print('matplotlib' in sys.modules)\nfigures.Plot\nprint('matplotlib' in sys.modules)\n"
            "from analysis.report import figures as imported\nprint(imported.Plot is figures.Plot)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True"]


def test_a_lazy_module_first_read_from_several_threads_is_whole_in_each(tmp_path):
    # A module that takes a while to import: with the standard library's LazyLoader on Python 3.11 a second
    # thread read it half-built (AttributeError); a module whose code raises must raise at every use.
    (tmp_path / "slow_module.py").write_text("import time\ntime.sleep(0.3)\nVALUE = 42\n")
    (tmp_path / "broken_module.py").write_text("raise ImportError('broken on purpose')\n")
    code = ("import sys, threading\nsys.path.insert(0, sys.argv[1])\nfrom analysis.core import lazy\n"
            "slow = lazy.module('slow_module')\nseen = []\n"
            "threads = [threading.Thread(target=lambda: seen.append(slow.VALUE)) for _ in range(4)]\n"
            "[t.start() for t in threads]\n[t.join() for t in threads]\nprint(seen)\n"
            "broken = lazy.module('broken_module')\n"
            "for _ in range(2):\n    try:\n        broken.anything\n    except ImportError as exc:\n        print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[42, 42, 42, 42]", "broken on purpose", "broken on purpose"]
