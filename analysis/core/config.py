"""Where things live. The one module that spells out project paths.

Every other module asks this one for a path; only :mod:`analysis.core.storage` reads
or writes files. Three environment variables move things around:

``ANALYSIS_PROJECT_ROOT``
    Folder holding ``data/``, ``notebooks/`` and ``reports/`` (default: the
    checkout this package was installed from).
``ANALYSIS_DATA_HOME``
    First place dataset loaders look (default: a per-user cache folder).
``ANALYSIS_DATA_MIRRORS``
    ``os.pathsep``-separated folders searched next (default:
    ``../shared/data`` beside the project root).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from analysis.core.defaults import DEFAULT_STUDY  # noqa: F401 - re-exported: config names the default study
from analysis.core.errors import StudyConfigError
from analysis.core.tables import schema

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # analysis/, one up from analysis/core/
# Frame codebooks shipped with the toolkit (data files in the checkout, named by stem in study.toml).
SHIPPED_CODEBOOKS = PACKAGE_DIR.parent / "data" / "codebooks"
# Gold standards annotated by hand for this toolkit (offsets into public datasets, never their text).
HAND_GOLD = PACKAGE_DIR.parent / "data" / "gold"
# The outlet registry and the report notebooks of the toolkit's checkout: what a new project folder gets a copy of
# (analysis.run.api), as a fresh clone has them.
SHIPPED_OUTLETS = PACKAGE_DIR.parent / "data" / "outlets.csv"
SHIPPED_NOTEBOOKS = PACKAGE_DIR.parent / "notebooks"
APP_NAME = "media-framing-analysis"


def project_root() -> Path:
    env = os.environ.get("ANALYSIS_PROJECT_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def data_home() -> Path:
    env = os.environ.get("ANALYSIS_DATA_HOME")
    return Path(env) if env else Path(platformdirs.user_cache_dir(APP_NAME))


def data_mirrors() -> list[Path]:
    env = os.environ.get("ANALYSIS_DATA_MIRRORS")
    if env is not None:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [project_root().parent / "shared" / "data"]


def study_ids(root: Path | None = None) -> list[str]:
    """The studies of a project: the folders of ``data/studies`` that hold a ``study.toml``."""
    studies = (root or project_root()) / "data" / "studies"
    return sorted(p.parent.name for p in studies.glob("*/study.toml")) if studies.is_dir() else []


def validation_reports() -> Path:
    """Study-independent validation results (extraction quality, ...)."""
    return project_root() / "reports" / "validation"


@dataclass(frozen=True)
class StudyPaths:
    """All folders and files that belong to one study."""

    study: str
    root: Path
    # Whether study.toml may name files outside the project and the data home: set only from the command line
    # (--allow-outside-paths), never from study.toml, so a shared study cannot read a colleague's other files.
    allow_outside: bool = False

    @property
    def study_dir(self) -> Path:
        return self.root / "data" / "studies" / self.study

    @property
    def study_file(self) -> Path:
        return self.study_dir / "study.toml"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / self.study

    @property
    def imports(self) -> Path:
        return self.raw / "imports"

    @property
    def import_columns(self) -> Path:
        """Column names given with ``ingest --X-col`` for each imported file (by stored name)."""
        return self.raw / "import_columns.json"

    @property
    def web(self) -> Path:
        """Raw evidence of web collection: pages/ and collection_log.jsonl."""
        return self.raw / "web"

    @property
    def feeds(self) -> Path:
        """Raw snapshots of fetched RSS/Atom feeds."""
        return self.raw / "feeds"

    @property
    def lock_file(self) -> Path:
        """Held by the one process that collects or runs the study (see analysis.core.storage.single_writer)."""
        return self.raw / ".lock"

    @property
    def interim(self) -> Path:
        return self.root / "data" / "interim" / self.study

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed" / self.study

    @property
    def sentence_cache(self) -> Path:
        """Sentence scores by content hash, shared by the project's studies (see analysis.sentiment.sentence_cache)."""
        return self.root / "data" / "interim" / "_sentence_cache"

    @property
    def stage_records(self) -> Path:
        return self.interim / "_stages"

    @property
    def reports(self) -> Path:
        return self.root / "reports" / self.study

    @property
    def figures(self) -> Path:
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
        return self.reports / "tables"

    @property
    def executed_notebooks(self) -> Path:
        return self.reports / "notebooks"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def table(self, name: str) -> Path:
        """Parquet file of a pipeline table (see :mod:`analysis.core.tables`)."""

        layer = schema(name).layer
        folder = self.interim if layer == "interim" else self.processed
        return folder / f"{name}.parquet"

    def resolve(self, relative: str | Path) -> Path:
        """A path written in study.toml, relative to the project root."""
        p = Path(relative).expanduser()
        return p if p.is_absolute() else self.root / p

    def check_inside(self, path: Path, *, what: str, also: tuple[Path, ...] = ()) -> Path:
        """``path`` if it resolves (symlinks followed) inside the project root, the data home or a folder of
        ``also``, else a one-line :class:`StudyConfigError` that starts with ``what`` (the study file and key
        that named it)."""
        real = Path(os.path.realpath(path))
        roots = (self.root, data_home(), *also)
        if self.allow_outside or any(real.is_relative_to(os.path.realpath(r)) for r in roots):
            return path
        link = f"{path} links to {real}" if os.path.realpath(path) != os.path.abspath(path) else f"{real}"
        raise StudyConfigError(f"{what}: {link} is outside the project ({self.root}) and the data home "
                               f"({data_home()}); move the files inside, or pass --allow-outside-paths on the "
                               f"command line to read them anyway")

    def codebook(self, name_or_path: str, *, check: bool = True) -> Path:
        """A codebook named in study.toml: a bare name is one shipped with the toolkit, else a path, which must
        lie inside the project, the data home or the shipped codebooks (see :meth:`check_inside`) unless
        ``check`` is false (only to say that it is missing)."""
        if "/" not in name_or_path and "\\" not in name_or_path and not name_or_path.endswith(".toml"):
            return SHIPPED_CODEBOOKS / f"{name_or_path}.toml"
        path = self.resolve(name_or_path)
        if not check:
            return path
        return self.check_inside(path, what=f"{self.study_file}: [framing] key 'codebooks': {name_or_path!r}",
                                 also=(SHIPPED_CODEBOOKS,))

    def outlet_registry(self, outlets: str) -> Path:
        """The outlet registry ``[study] outlets`` names, inside the project or the data home (see
        :meth:`check_inside`)."""
        return self.check_inside(self.resolve(outlets), what=f"{self.study_file}: [study] key 'outlets' = {outlets!r}")


def study_paths(study: str, root: str | os.PathLike | None = None, *, allow_outside: bool = False) -> StudyPaths:
    # a folder given as a string works as a Path does (StudyPaths joins paths with "/")
    return StudyPaths(study=study, root=Path(root) if root else project_root(), allow_outside=allow_outside)
