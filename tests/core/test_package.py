"""The package's metadata: one version everywhere, a distribution name of its own, citable, licensed."""

import tomllib
from importlib import metadata
from pathlib import Path

import yaml

import analysis

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_single_sourced_and_cited():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == analysis.__version__
    assert citation["license"] == project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_distribution_name_is_not_the_unrelated_analysis_project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "media-framing-analysis"
    # the installed distribution (pip install -e . from requirements.txt) carries the same version
    assert metadata.version("media-framing-analysis") == analysis.__version__


def test_runtime_dependencies_leave_out_what_only_people_or_tests_use():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in project["dependencies"]}
    assert not names & {"jupyter", "jupytext", "dask", "distributed"}
    assert {"nbclient", "ipykernel"} <= names
    assert {"dask", "notebooks", "transformers", "explorer", "test"} <= set(project["optional-dependencies"])
    assert "bokeh" not in names  # the explorer's Bokeh is an extra (requirements.txt installs it)


def test_changelog_has_an_entry_for_the_current_version_or_unreleased_work():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog or f"## [{analysis.__version__}]" in changelog
