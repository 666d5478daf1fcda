"""Several notebooks through one kernel: each gets what a new kernel would give it, and failures stay local."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from analysis.core.errors import AnalysisError
from analysis.report import execute

# What one notebook could leave behind for the next: a variable, a matplotlib setting, an open figure, a warning
# already shown (Python shows a "default" warning once per place: here a place in an imported module, whose
# registry the namespace reset does not clear), environment variables, the working folder, sys.path and pandas
# options.
LEAVES_STATE = """\
import os, sys, warnings
import matplotlib.pyplot as plt
import pandas as pd
from analysis.report import notebook
import warns_once
left_behind = 1
plt.rcParams["font.size"] = 30
pd.set_option("display.max_rows", 3)
pd.set_option("display.float_format", "{:.1f}".format)
plt.figure()
warns_once.warn()
os.environ["LEFT_BEHIND"] = "yes"
sys.path.insert(0, "/nowhere")
os.chdir("/")
os.environ["ANALYSIS_REPORT_NOTEBOOK"]"""

CHECKS_STATE = """\
import os, sys, warnings
import matplotlib.pyplot as plt
import pandas as pd
from analysis.report import notebook
print("left_behind" in globals(), plt.rcParams["font.size"], len(plt.get_fignums()), "LEFT_BEHIND" in os.environ,
      "/nowhere" in sys.path, os.getcwd() == "/", pd.get_option("display.max_rows"),
      pd.get_option("display.float_format"))
os.environ["ANALYSIS_REPORT_NOTEBOOK"], os.environ.get("EXTRA")"""


def _notebook(folder: Path, name: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, id=f"c{i}") for i, source in enumerate(sources)]
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder / f"{name}.ipynb"


def _outputs(path: Path) -> list:
    """Each cell's count and outputs, with the kernel's process id left out of warning locations."""
    nb = nbformat.read(path, as_version=4)
    text = lambda o: re.sub(r"ipykernel_\d+", "ipykernel_PID", o.get("text", "")) or None  # noqa: E731
    return [(c.execution_count, [(o.output_type, o.get("execution_count"), text(o), o.get("data", {}))
                                 for o in c.outputs]) for c in nb.cells]


def test_each_notebook_in_a_shared_kernel_starts_as_in_a_new_kernel(tmp_path):
    (tmp_path / "warns_once.py").write_text(
        "import warnings\n\ndef warn():\n    warnings.warn('shown in every notebook', UserWarning)\n")
    first = _notebook(tmp_path, "first", LEAVES_STATE)
    second = _notebook(tmp_path, "second", CHECKS_STATE, LEAVES_STATE)
    with execute.NotebookKernel(tmp_path, kernel_log=tmp_path / "kernel.log", timeout=120) as kernel:
        kernel.run(first, "s", tmp_path / "out" / "first.ipynb")
        kernel.run(second, "s", tmp_path / "out" / "second.ipynb", env={"EXTRA": "x"})
    execute.execute_notebook(second, "s", tmp_path / "alone" / "second.ipynb", timeout=120, env={"EXTRA": "x"})

    shared = _outputs(tmp_path / "out" / "second.ipynb")
    assert shared == _outputs(tmp_path / "alone" / "second.ipynb")
    (count, checks), (_, leaves) = shared[1], shared[2]
    assert count == 2  # numbered from 1 (the injected parameters cell) as in a new kernel
    assert any(o[0] == "stream" and "shown in every notebook" in o[2] for o in leaves)
    printed = next(o[2] for o in checks if o[0] == "stream")
    style_size = 8  # the toolkit's style, not the 30 the first notebook set
    assert printed.split() == ["False", f"{style_size:.1f}", "0", "False", "False", "False", "60", "None"]
    assert next(o[3]["text/plain"] for o in checks if o[0] == "execute_result") == "('second', 'x')"


def test_a_failing_cell_or_a_dead_kernel_costs_only_its_notebook(tmp_path):
    ok = [_notebook(tmp_path, f"ok{i}", "1 + 1") for i in range(2)]
    fails = _notebook(tmp_path, "fails", "raise ValueError('broken on purpose')")
    dies = _notebook(tmp_path, "dies", "import os\nos._exit(1)")
    items = [fails, ok[0], dies, ok[1]]

    def run(kernel, path):
        kernel.run(path, "s", tmp_path / "out" / path.name)
        return path.stem

    results = execute.run_in_kernels(items, run, workers=1, cwd=tmp_path, log_dir=tmp_path)
    assert results[ok[0]] == "ok0" and results[ok[1]] == "ok1"  # after a failed cell, and after a new kernel
    assert isinstance(results[fails], AnalysisError) and "broken on purpose" in str(results[fails])
    assert (tmp_path / "out" / "fails.ipynb").exists()  # the partial notebook is kept
    assert isinstance(results[dies], execute.KernelLost)


def test_a_notebook_shows_each_published_figure_once_from_the_checked_image(tmp_path, monkeypatch):
    source = _notebook(tmp_path, "publish", """\
import matplotlib.pyplot as plt
from analysis.report import figures, notebook
fig, ax = plt.subplots(figsize=(2, 1))
ax.plot([0, 1], [0, 1])
plot = figures.Plot("line", fig, "A line. n = 2.")
notebook._show_in_notebook(plot) if notebook._kernel_shell() else None
plot""")
    execute.execute_notebook(source, "s", tmp_path / "out.ipynb", timeout=120)
    outputs = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # shown by publish; the closed figure is not drawn again by the inline backend
    assert outputs[-1].output_type == "execute_result" and "A line" in outputs[-1].data["text/markdown"]


def test_when_no_kernel_starts_every_notebook_gets_the_error_once(tmp_path, monkeypatch):
    starts = []

    def no_kernel(self):
        starts.append(self)
        raise AnalysisError("the Jupyter kernel did not start (NoSuchKernel: python3)")

    monkeypatch.setattr(execute.NotebookKernel, "__enter__", no_kernel)
    items = [tmp_path / f"n{i}.ipynb" for i in range(5)]
    results = execute.run_in_kernels(items, lambda kernel, item: "ran", workers=2, cwd=tmp_path, log_dir=tmp_path)
    assert sorted(results) == sorted(items)
    assert all(isinstance(r, AnalysisError) and "did not start" in str(r) for r in results.values())
    assert 1 <= len(starts) <= 2  # at most one try per worker, not one per notebook (each may wait out a timeout)
