"""The toolkit from Python: start a study from a DataFrame, run its stages, read its tables and figures.

::

    from analysis import Study
    study = Study.from_dataframe(df, name="my-study", text="body", outlet="source", published="date")
    study.run(until="prepare")      # {stage: "ran" | "skipped"}, as `python -m analysis run --until prepare`
    study.table("sentences")        # one table as a DataFrame
    study.tables()                  # every table: what it holds, the stage that makes it, built or not, rows
    study.columns("sentences")      # what each column means
    study.run(); study.figures()    # the report, its figures and their captions

This module imports the foundations (paths, storage, study files, schemas: pandas with them) and nothing
else: the stages, the ingest and the instruments come in through their rooms' public names
(:mod:`analysis.core.lazy`) when first used, so a notebook that only reads tables starts in about a second
instead of importing scikit-learn, matplotlib and the notebook machinery.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from analysis import collect
from analysis import run as pipeline
from analysis.core import config, storage, tables
from analysis.core.errors import AnalysisError, SchemaError, StageInputError, StudyConfigError
from analysis.core.study import Study as StudyConfig
from analysis.core.study import check_study_id, load_study, parse_study
from analysis.core.study_template import skeleton
from analysis.run import engine
from analysis.run.stages import STAGE_HELP

log = logging.getLogger("analysis")


def _closest(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the nearest choice, or nothing."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _root(root: str | Path | None) -> Path:
    return Path(root).expanduser().resolve() if root is not None else config.project_root()


@contextlib.contextmanager
def _project_root(root: Path) -> Iterator[None]:
    """Point the toolkit at ``root`` while stages run: the report's notebook kernels find the study through
    ``ANALYSIS_PROJECT_ROOT``, as they do under ``python -m analysis``."""
    before = os.environ.get("ANALYSIS_PROJECT_ROOT")
    os.environ["ANALYSIS_PROJECT_ROOT"] = str(root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ANALYSIS_PROJECT_ROOT", None)
        else:
            os.environ["ANALYSIS_PROJECT_ROOT"] = before


def _prepare_project(root: Path) -> None:
    """A new project folder gets the outlet registry and the notebooks a clone of the toolkit has."""
    wanted = [(config.SHIPPED_OUTLETS, root / "data" / "outlets.csv")]
    wanted += [(nb, root / "notebooks" / nb.name) for nb in storage.list_files(config.SHIPPED_NOTEBOOKS, "*.ipynb")]
    for source, target in wanted:
        if source.exists() and not target.exists():
            storage.copy_into(source, target)


def _toml(value) -> str:
    # A JSON string, number, boolean or list of them is also a valid TOML value (no TOML writer is installed).
    return json.dumps(value, ensure_ascii=False)


def _actor_block(actor: str | Mapping) -> str:
    spec = {"name": actor, "aliases": [actor]} if isinstance(actor, str) else dict(actor)
    return "\n[[actors]]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in spec.items())


def study_text(name: str, *, title: str | None = None, question: str | None = None,
               actors: Iterable[str | Mapping] = ()) -> str:
    """The ``study.toml`` of a new study: the commented template of ``python -m analysis init``, with the
    title, question and ``[[actors]]`` given (an actor is a name, which is also its alias, or a dict of the
    ``[[actors]]`` keys: ``name``, ``type``, ``aliases``, ``patterns``, ``not_within``, ``source_type``)."""
    actors = list(actors)
    text = skeleton(name, example_actor=not actors)  # the template's example actor only when none is given
    for key, value in (("title", title), ("question", question)):
        if value is not None:
            text, n = re.subn(rf"(?m)^{key} = .*$", lambda _: f"{key} = {_toml(value)}", text, count=1)
            if n != 1:
                raise AnalysisError(f"the study template (analysis/core/study_template.py) has no `{key} =` line")
    return text + "".join(_actor_block(a) for a in actors)


class Study:
    """One study of a project: ``data/studies/<name>/study.toml``, its tables, its report, its stages.

    ``Study(name)`` or ``Study.load(name)`` opens an existing study; :meth:`create` and :meth:`from_dataframe`
    start one. ``root`` is the project folder holding ``data/``, ``notebooks/`` and ``reports/`` (default:
    ``ANALYSIS_PROJECT_ROOT``, else the toolkit's checkout).

    Attributes: ``name``; ``config``, the parsed study.toml (:class:`analysis.core.study.Study`, re-read by
    :meth:`run`); ``paths``, every folder and file of the study (:class:`analysis.core.config.StudyPaths`).
    """

    def __init__(self, name: str, *, root: str | Path | None = None):
        self.paths = config.study_paths(check_study_id(name), root=_root(root))
        if not self.paths.study_file.exists():
            known = config.study_ids(self.paths.root)
            raise StudyConfigError(
                f"{self.paths.study_file}: no such study (studies in this project: {', '.join(known) or 'none'})"
                f"{_closest(name, known)}; start one with Study.create({name!r}) or Study.from_dataframe(df, "
                f"name={name!r})")
        self.config: StudyConfig = load_study(self.paths)

    @classmethod
    def load(cls, name: str, *, root: str | Path | None = None) -> Study:
        """Open the study ``name`` (its study.toml is read and checked)."""
        return cls(name, root=root)

    @property
    def name(self) -> str:
        return self.paths.study

    def __repr__(self) -> str:
        return f"Study({self.name!r}, root={str(self.paths.root)!r})"

    # --- starting a study ----------------------------------------------------------------------------

    @classmethod
    def create(cls, name: str, *, title: str | None = None, question: str | None = None,
               actors: Iterable[str | Mapping] = (), root: str | Path | None = None,
               overwrite: bool = False) -> Study:
        """Write ``data/studies/<name>/study.toml`` from the commented template (as ``python -m analysis init``)
        with an ``imports`` source, and return the study. See :func:`study_text` for ``actors``.

        A new project folder also gets a copy of the outlet registry (``data/outlets.csv``) and the report
        notebooks. An existing study file is an error unless ``overwrite``.
        """
        paths, text = _new_study(name, root, overwrite, title=title, question=question, actors=actors)
        _prepare_project(paths.root)
        storage.write_text(paths.study_file, text)
        return cls(name, root=paths.root)

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, *, name: str, text: str = "text", outlet: str = "outlet",
                       title: str | None = None, published: str | None = None, url: str | None = None,
                       columns: Mapping[str, str] | None = None, study_title: str | None = None,
                       question: str | None = None, actors: Iterable[str | Mapping] = (),
                       root: str | Path | None = None, overwrite: bool = False) -> Study:
        """A new study whose articles are the rows of ``df``.

        ``text``, ``outlet``, ``title``, ``published`` and ``url`` name the DataFrame's columns holding the
        article text, the outlet's name, the headline, the publication date (a date, a datetime or a string)
        and the address; ``columns`` maps any other import column (``author``, ``id``, ``event_id``,
        ``outlet_type``, ``country``, ``leaning``, ``leaning_source``, ``language``, ``original_outlet``) to
        its column in ``df``. A column named like an import column is used without being named. Other
        columns are left out.

        The rows are imported as ``python -m analysis ingest`` imports a file (into
        ``data/raw/<name>/imports/``, with the same checks): a row without text or outlet is skipped with a
        warning naming its line (line N is the DataFrame's Nth row). The study file is written as by
        :meth:`create` (``study_title``, ``question``, ``actors``). With ``overwrite``, an existing study of
        that name is replaced, the files imported into it before included.
        """
        paths, study_file = _new_study(name, root, overwrite, title=study_title, question=question, actors=actors)
        records = _import_records(df, text=text, outlet=outlet, title=title, published=published, url=url,
                                  columns=dict(columns or {}))
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "dataframe.jsonl"
            storage.write_text(export, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            stored, n_rows, problems, _ = collect.import_file(export, paths)  # raises if no row is usable
        for earlier in storage.list_files(paths.imports) if overwrite else []:
            if earlier != stored:
                storage.remove_file(earlier)
        for problem in problems:
            log.warning("%s", problem)
        log.info("imported %d of %d rows into %s", n_rows, len(records), stored)
        _prepare_project(paths.root)
        storage.write_text(paths.study_file, study_file)
        return cls(name, root=paths.root)

    # --- running ---------------------------------------------------------------------------------------

    def run(self, until: str | None = None, *, force: bool = False, workers: int | None = None,
            allow_private_addresses: bool = False) -> dict[str, str]:
        """Run the stages up to ``until`` (default: all, through the report), skipping those that are up to
        date, as ``python -m analysis run`` does on the local engine (``workers`` processes, default every
        core). ``force`` re-runs them. study.toml is read again first, so edits to it count. Like the command,
        it holds the study's lock (a second process working on the study stops it with one line), and web
        collection reaches private addresses only with ``allow_private_addresses``.

        Returns ``{stage: "ran" or "skipped"}`` for the stages it reached.
        """
        if until is not None and until not in STAGE_HELP:
            raise AnalysisError(f"until={until!r} is not a stage{_closest(until, STAGE_HELP)} "
                                f"(the stages, in order: {', '.join(STAGE_HELP)})")
        self.config = load_study(self.paths)
        since = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        lock = storage.single_writer(self.paths.lock_file, what=f"study {self.paths.study}",
                                     holder=f"process {os.getpid()} (analysis.Study.run) since {since}")
        with lock, _project_root(self.paths.root), engine.use(engine.get_engine("local", workers=workers)):
            return pipeline.run_study(self.config, self.paths, force=force, until=until,
                                      network={"allow_private_addresses": allow_private_addresses})

    # --- tables ----------------------------------------------------------------------------------------

    def _schema(self, name: str) -> tables.Schema:
        if name not in tables.SCHEMAS:
            raise SchemaError(f"no table is called {name!r}{_closest(name, tables.SCHEMAS)} (the tables: "
                              f"{', '.join(tables.SCHEMAS)}; study.tables() says what each holds)")
        return tables.SCHEMAS[name]

    def _stages(self) -> dict[str, str]:
        """``{table: the stage that writes it}``."""
        return {path.stem: stage.name for stage in pipeline.STAGES.values()
                for path in stage.outputs(self.config, self.paths) if path.suffix == ".parquet"}

    def _missing(self, name: str, stage: str | None) -> str:
        """Why a table is not there, and what makes it."""
        if stage is None:
            return "not made by a stage (see its description)"
        if not (self.paths.stage_records / f"{stage}.json").exists():
            return f"not built yet: run(until={stage!r})"
        return f"not made for this study: the {stage} stage ran and made none (the study does not ask for it)"

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` as a DataFrame (``study.tables()`` lists them, ``study.columns(name)`` explains
        one). A table that is not built yet is a :class:`StageInputError` naming the stage that makes it."""
        self._schema(name)
        path = self.paths.table(name)
        if not path.exists():
            stages = self._stages()
            built = [t for t in tables.SCHEMAS if self.paths.table(t).exists()]
            raise StageInputError(f"table {name!r} of study {self.name!r}: {self._missing(name, stages.get(name))} "
                                  f"(built so far: {', '.join(built) or 'none'})")
        return storage.read_table(path)

    def tables(self) -> pd.DataFrame:
        """Every table, in the order the stages make them: one row each with ``table``, ``description``,
        ``stage`` (the stage that writes it), ``room`` (the package that declares it), ``layer`` (``interim``:
        working tables; ``processed``: results), ``built``, ``rows`` (missing where not built) and ``status``
        (``built``, or why not and what to run)."""
        stages = self._stages()
        order = {stage: i for i, stage in enumerate(STAGE_HELP)}
        rows = []
        for name, schema in sorted(tables.SCHEMAS.items(), key=lambda item: order.get(stages.get(item[0]), len(order))):
            path = self.paths.table(name)
            built = path.exists()
            rows.append((name, schema.doc, stages.get(name, ""), schema.room, schema.layer, built,
                         storage.table_rows(path) if built else None,
                         "built" if built else self._missing(name, stages.get(name))))
        frame = pd.DataFrame(rows, columns=["table", "description", "stage", "room", "layer", "built", "rows",
                                            "status"])
        return frame.astype({"built": "bool", "rows": "Int64"})

    def columns(self, name: str) -> pd.DataFrame:
        """What the columns of table ``name`` hold: one row per column with ``column``, ``kind`` (str, int,
        float, datetime, bool), ``nullable``, ``key`` (part of the table's unique key) and ``description``."""
        schema = self._schema(name)
        return pd.DataFrame([(c.name, c.kind, c.nullable, c.name in schema.key, c.doc) for c in schema.columns],
                            columns=["column", "kind", "nullable", "key", "description"])

    # --- the report ------------------------------------------------------------------------------------

    @property
    def report_path(self) -> Path:
        """``reports/<name>/index.html`` (written by the report stage: ``run()``)."""
        return self.paths.reports / "index.html"

    def figures(self) -> pd.DataFrame:
        """The report's figures and small tables in report order: ``name``, ``kind`` (``figure``, ``table`` or
        ``omitted``: nothing to draw, ``message`` says why), ``caption``, ``notebook`` (the one that made it),
        ``table`` (the CSV in ``reports/<name>/tables`` it draws on) and ``path`` (the PNG, or the HTML table)."""
        rows = []
        for sidecar in storage.list_files(self.paths.figures, "*.json"):
            s = storage.read_json(sidecar)
            kind = s.get("kind", "figure")
            path = {"figure": sidecar.with_suffix(".png"), "table": sidecar.with_suffix(".html")}.get(kind)
            rows.append((s["name"], kind, s.get("caption", ""), s.get("notebook", ""), s.get("table") or "",
                         path, s.get("message", ""), s.get("position", 0)))
        frame = pd.DataFrame(rows, columns=["name", "kind", "caption", "notebook", "table", "path", "message",
                                            "position"])
        # The notebooks are numbered in report order (01_corpus, 02_sentiment, ...).
        return frame.sort_values(["notebook", "position", "name"]).drop(columns="position").reset_index(drop=True)


def _new_study(name: str, root: str | Path | None, overwrite: bool, **template) -> tuple[config.StudyPaths, str]:
    """The paths and the checked study.toml text of a study about to be written."""
    paths = config.study_paths(check_study_id(name), root=_root(root))
    if paths.study_file.exists() and not overwrite:
        raise StudyConfigError(f"{paths.study_file} already exists; open it with Study.load({name!r}) or pass "
                               "overwrite=True to replace it")
    text = study_text(name, **template)
    parse_study(text, study_id=name, path=paths.study_file)  # a bad actor fails here, before anything is written
    return paths, text


def _cell(value) -> object:
    """A DataFrame cell as a JSON value for the import file (None: missing, left out)."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, dt.date):  # pandas Timestamps and datetimes too
        return value.isoformat()
    return value if isinstance(value, (str, bool, int, float)) else str(value)


def _import_records(df: pd.DataFrame, *, text: str, outlet: str, title: str | None, published: str | None,
                    url: str | None, columns: dict[str, str]) -> list[dict]:
    """The rows of ``df`` as import records (``{import column: value}``), its columns mapped by keyword."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"from_dataframe takes a pandas DataFrame, not {type(df).__name__}")
    allowed = [*collect.IMPORT_REQUIRED, *collect.IMPORT_OPTIONAL, *collect.IMPORT_OUTLET_COLUMNS]
    for key in columns:
        if key not in allowed:
            raise AnalysisError(f"from_dataframe: columns={{{key!r}: ...}} is not an import column"
                                f"{_closest(key, allowed)} (they are {', '.join(allowed)})")
    named = {"text": text, "outlet": outlet, "title": title, "published": published, "url": url, **columns}
    found = [str(c) for c in df.columns]
    mapping, missing = {}, []
    for key in allowed:
        given = named.get(key)
        if given is not None and given in df.columns:
            mapping[key] = given
        elif given is not None and (given != key or key in collect.IMPORT_REQUIRED):
            argument = f"{key}=" if key in ("text", "outlet", "title", "published", "url") else f"columns[{key!r}]="
            missing.append(f"no column {given!r} for the article {key} (name it with {argument}'...')"
                           f"{_closest(given, found)}")
        elif key in df.columns:
            mapping[key] = key
    if missing:
        raise AnalysisError(f"from_dataframe: the DataFrame has {'; '.join(missing)}; its columns are {', '.join(found)}")
    if len(df) == 0:
        raise AnalysisError("from_dataframe: the DataFrame has no rows")
    picked = df[list(mapping.values())].set_axis(list(mapping), axis=1)
    records = []
    for row in picked.itertuples(index=False):
        records.append({k: v for k, v in zip(mapping, map(_cell, row)) if v is not None})
    return records
