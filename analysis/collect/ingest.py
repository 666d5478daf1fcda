"""Ingest: every source of a study into one ``articles`` table.

Sources are datasets filtered by keyword clauses, local text files, and
article files the user imported with ``python -m analysis ingest STUDY FILE``.
Imported files are copied byte-for-byte into ``data/raw/<study>/imports/``
(named by content hash, so importing the same file twice is a no-op and
nothing imported earlier is ever overwritten); the ingest stage re-reads
them all on every run.
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
import json
import logging
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.collect import datasets, outlets, provenance_datasets, web
from analysis.collect.dates import date_precision
from analysis.collect.extract import decode_text, detect_language
from analysis.collect.outlets import load_registry, original_outlet, resolve_outlets
from analysis.collect.rows import ROW_COLUMNS, Problem
from analysis.core import patterns, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.errors import InputFileError, StageInputError, StudyConfigError
from analysis.core.study import MatchClause, Source, Study

log = logging.getLogger("analysis")
IMPORT_REQUIRED = ("outlet", "text")
IMPORT_OPTIONAL = ("title", "url", "published", "author", "id", "event_id")
# Outlet metadata an import may carry for outlets data/outlets.csv does not know (see outlets.merge_import_metadata).
IMPORT_OUTLET_COLUMNS = ("outlet_type", "country", "leaning", "leaning_source", "language", "original_outlet")


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, no trailing spaces; offsets in later tables point into this."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def doc_id(source_key: str, source_id: str) -> str:
    return hashlib.sha256(f"{source_key}\x1f{source_id}".encode()).hexdigest()[:16]


def count_matches(texts: pd.Series, pattern: str) -> np.ndarray:
    """Case-insensitive match counts of ``pattern`` in each text.

    Arrow's RE2 engine is linear-time and about 80x faster than Python's
    ``re`` on the AllSides corpus (0.3 s against 26 s for the default study's
    query, with identical counts); patterns RE2 cannot compile (look-arounds,
    back-references) fall back to ``re``. RE2's ``\\b`` is ASCII-only, which
    only matters for non-Latin scripts.
    """
    try:
        counts = pc.count_substring_regex(pa.array(texts.fillna(""), type=pa.large_string()), pattern=pattern,
                                          ignore_case=True)
        return counts.to_numpy(zero_copy_only=False).astype(np.int64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # The study's own pattern: with a time limit per text (analysis.core.patterns), RE2 being linear-time.
        compiled = patterns.compile_pattern(pattern, ignore_case=True)
        return np.array([sum(1 for _ in patterns.finditer(compiled, text, owner="[[sources.match]]"))
                         for text in texts.fillna("")], dtype=np.int64)


def match_articles(df: pd.DataFrame, clauses: tuple[MatchClause, ...]) -> pd.DataFrame:
    """Keep rows where every clause's patterns hit at least ``min_hits`` times in title + text."""
    if not clauses:
        return df
    haystack = df["title"].fillna("") + "\n" + df["text"].fillna("")
    keep = np.ones(len(df), dtype=bool)
    for clause in clauses:
        pattern = "|".join(f"(?:{p})" for p in clause.patterns)
        keep &= count_matches(haystack, pattern) >= clause.min_hits
    return df.loc[keep]


def in_window(df: pd.DataFrame, study: Study) -> pd.DataFrame:
    published = df["published"]
    keep = published.notna() if not study.keep_undated else pd.Series(True, index=df.index)
    if study.start is not None:
        keep &= published.isna() | (published >= pd.Timestamp(study.start, tz="UTC"))
    if study.end is not None:
        keep &= published.isna() | (published < pd.Timestamp(study.end, tz="UTC") + pd.Timedelta(days=1))
    return df.loc[keep]


# --- sources ---------------------------------------------------------------

def _article_loaders() -> dict:

    return {"allsides": lambda file: datasets.load_allsides(file or "articles"),
            "neus": lambda file: provenance_datasets.load_neus_roundups()}


def _dataset_rows(source: Source) -> pd.DataFrame:
    loaders = _article_loaders()
    if source.dataset not in loaders:
        raise StudyConfigError(f"sources: dataset {source.dataset!r} has no article loader; "
                               f"available: {', '.join(sorted(loaders))}")
    df = match_articles(loaders[source.dataset](source.file), source.match)
    if source.sample is not None and len(df) > source.sample:
        # The records with the smallest hash of their id: the same sample on every run and machine, whatever
        # the file's row order, and a record stays in it when the dataset grows.
        rank = df["source_id"].astype(str).map(lambda i: hashlib.blake2b(i.encode(), digest_size=8).digest())
        df = df.loc[rank.sort_values(kind="stable").index[: source.sample]].sort_index()
    extra = ["event_id"] if "event_id" in df else []
    return df.assign(source=f"dataset:{source.dataset}", extractor=f"dataset:{source.dataset}",
                     canonical_url=None)[ROW_COLUMNS + extra]


def _text_file_row(path: Path, source: Source, key: str) -> dict:
    text, _encoding = decode_text(storage.read_bytes(path))
    lines = text.split("\n")[source.skip_lines:]
    body = normalise_text("\n".join(lines))
    title = source.title
    if title is None:
        first, _, rest = body.partition("\n")
        title, body = first.strip(), rest.strip()
    return dict(source=key, source_id=path.name, source_outlet=source.outlet, url=source.url, title=title,
                published=source.published, text=body, dataset_label=None, extractor="text file",
                canonical_url=None, author=None)


def source_files(source: Source, paths: StudyPaths) -> list[Path]:
    """The files a source reads (used for stage fingerprints too)."""
    if source.kind == "dataset":
        return [datasets.locate(source.dataset, source.file)]
    if source.kind == "imports":
        return storage.list_files(paths.imports)
    if source.kind in ("urls", "feed"):
        listed = [paths.resolve(source.path)] if source.path else storage.list_files(paths.feeds, "*/*.xml")
        digest = paths.interim / "collected_pages.csv"  # written by the collect stage
        return listed + ([digest] if digest.exists() else [])
    if source.kind == "html":
        return storage.list_files(paths.resolve(source.path), source.pattern)
    if source.dataset is not None:
        return [datasets.locate(source.dataset, source.file, download=False)]
    target = paths.resolve(source.path)
    return [target] if target.is_file() else storage.list_files(target, source.pattern)


def _files_rows(source: Source, paths: StudyPaths) -> pd.DataFrame:
    key = f"dataset:{source.dataset}" if source.dataset else f"file:{source.path}"
    rows = [_text_file_row(p, source, key) for p in source_files(source, paths)]
    df = pd.DataFrame(rows, columns=ROW_COLUMNS)
    df["date_precision"] = df["published"].map(date_precision)
    df["published"] = pd.to_datetime(df["published"], format="mixed", errors="coerce", utc=True)
    return df


def read_article_file(path: Path, *, name: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse a JSONL or CSV article export.

    Returns the usable rows (columns ``outlet``, ``text`` and the optional
    ``title``, ``url``, ``published``, ``author``, ``id`` plus ``line``) and
    the rows that were left out with the reason. A line that is not valid
    JSON, or a file that is not UTF-8, raises :class:`InputFileError`: a
    broken export should be fixed, not half-imported.
    """
    path = Path(path)
    name = name or path.name
    try:
        text = storage.read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{name}: not UTF-8 text (byte {exc.start}); re-save the export as UTF-8") from None
    suffix = path.suffix.lower() if not name.endswith(".gz") else ""
    records: list[tuple[int, dict]] = []
    if suffix in (".jsonl", ".ndjson", ".json"):
        # split("\n"), not splitlines(): JSON strings may hold raw U+2028/U+0085.
        for lineno, line in enumerate(text.split("\n"), start=1):
            line = line.rstrip("\r")
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{name}:{lineno}: invalid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(rec, dict):
                raise InputFileError(f"{name}:{lineno}: expected a JSON object, got {type(rec).__name__}")
            records.append((lineno, rec))
    elif suffix == ".csv":
        reader = csv.DictReader(_io.StringIO(text, newline=""))
        if reader.fieldnames is None:
            raise InputFileError(f"{name}: empty CSV file")
        start = 2
        try:
            for rec in reader:
                records.append((start, rec))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputFileError(f"{name}:{reader.line_num}: malformed CSV ({exc})") from None
    else:
        raise InputFileError(f"{name}: unsupported file type {path.suffix!r}; use .jsonl or .csv")
    if not records:
        raise InputFileError(f"{name}: no articles in file")

    rows, problems = [], []
    for lineno, rec in records:
        missing = [k for k in IMPORT_REQUIRED if not str(rec.get(k) or "").strip()]
        if missing:
            problems.append(Problem(name, lineno, f"missing {' and '.join(missing)}; row skipped"))
            continue
        row = {k: (str(rec[k]).strip() if rec.get(k) not in (None, "") else None)
               for k in (*IMPORT_REQUIRED, *IMPORT_OPTIONAL, *IMPORT_OUTLET_COLUMNS)}
        row["line"] = lineno
        problems += outlets.check_import_metadata(row, name=name, line=lineno)
        if row["published"] is not None and pd.isna(pd.to_datetime(row["published"], errors="coerce", utc=True)):
            problems.append(Problem(name, lineno, f"unreadable date {row['published']!r}; kept as undated"))
            row["published"] = None
        rows.append(row)
    return pd.DataFrame(rows, columns=[*IMPORT_REQUIRED, *IMPORT_OPTIONAL, *IMPORT_OUTLET_COLUMNS, "line"]), problems


def _import_rows(paths: StudyPaths) -> pd.DataFrame:
    frames = []
    for path in storage.list_files(paths.imports):
        df, _ = read_article_file(path)
        # Without an explicit id, an article is identified by its content, so
        # the same article in two exports is kept once.
        content_id = [
            hashlib.sha256(f"{o}\x1f{u}\x1f{t}\x1f{x}".encode()).hexdigest()[:16]
            for o, u, t, x in zip(df["outlet"], df["url"], df["title"], df["text"])
        ]
        # Explicit ids are scoped to their file (exports often number rows 0, 1, ...);
        # content ids are global so the same article in two exports is kept once.
        has_id = df["id"].notna()
        frames.append(pd.DataFrame({
            "source": np.where(has_id, f"import:{path.name}", "import"),
            "source_id": df["id"].where(has_id, pd.Series(content_id, index=df.index)),
            "source_outlet": df["outlet"], "url": df["url"], "title": df["title"].fillna(""),
            "published": pd.to_datetime(df["published"], format="mixed", errors="coerce", utc=True),
            "date_precision": df["published"].map(date_precision),
            "text": df["text"], "dataset_label": None, "extractor": "import", "canonical_url": None,
            "author": df["author"], "event_id": df["event_id"] if "event_id" in df else None,
            **{f"import_{c}": df[c] for c in IMPORT_OUTLET_COLUMNS},
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)


def import_file(path: Path, paths: StudyPaths) -> tuple[Path, int, list[Problem], bool]:
    """Validate an export and copy it into ``data/raw/<study>/imports``.

    Returns (stored path, usable rows, problems, whether it was new).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    df, problems = read_article_file(path)
    if df.empty:
        raise InputFileError(f"{path}: none of {len(problems)} rows is usable; first problem: {problems[0]}")
    digest = storage.sha256_file(path)[:16]
    stored = paths.imports / f"{digest}-{path.name}"
    is_new = not stored.exists()
    if is_new:
        storage.copy_into(path, stored)
    return stored, len(df), problems, is_new


# --- the stage -------------------------------------------------------------

def collect_rows(study: Study, paths: StudyPaths) -> pd.DataFrame:

    frames = []
    for source in study.sources:
        if source.kind == "dataset":
            frames.append(_dataset_rows(source))
        elif source.kind == "files":
            frames.append(_files_rows(source, paths))
        elif source.kind in ("urls", "feed"):
            frames.append(web.collected_rows(source, paths))
        elif source.kind == "html":
            frames.append(web.saved_page_rows(source, paths))
        else:
            frames.append(_import_rows(paths))
    frames = [f for f in frames if len(f)]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)
    # Only same-event datasets (NeuS) and imports that carry one name the event; others have none.
    rows["event_id"] = rows["event_id"].astype("object").where(rows["event_id"].notna(), None) \
        if "event_id" in rows else None
    return rows


def build_articles(study: Study, paths: StudyPaths) -> pd.DataFrame:
    """The ``articles`` table: every source, window-filtered, outlet-resolved, de-duplicated.

    Every row left out is counted by reason in the log; a study with no
    articles left is an error that says why.
    """
    rows = collect_rows(study, paths)
    n_read = len(rows)
    parsed = pd.to_datetime(rows["published"], format="mixed", errors="coerce", utc=True)
    unreadable = rows["published"].notna() & parsed.isna()
    if unreadable.any():
        log.warning("ingest: %d publication dates could not be read and count as undated, e.g. %r",
                    int(unreadable.sum()), rows.loc[unreadable, "published"].iloc[0])
    # Sources that parse their dates early (imports, text files) keep the precision of the text they read.
    known = rows["date_precision"] if "date_precision" in rows else pd.Series(None, index=rows.index, dtype=object)
    rows["date_precision"] = [k if isinstance(k, str) and ok else (date_precision(v) if ok else "")
                              for k, v, ok in zip(known, rows["published"], parsed.notna())]
    rows["published"] = parsed
    n_undated = int(rows["published"].isna().sum())
    rows = in_window(rows, study)
    n_window = n_read - len(rows)
    for col in ("url", "dataset_label", "event_id", "author"):
        present = rows[col].notna() & (rows[col].astype("str").str.strip() != "")
        rows[col] = rows[col].astype("str").where(present, None)
    rows["text"] = rows["text"].map(normalise_text)
    rows["title"] = rows["title"].fillna("").map(normalise_text)
    n_before = len(rows)
    rows = rows.loc[rows["text"].str.len() > 0]
    n_empty = n_before - len(rows)
    rows["doc_id"] = [doc_id(s, i) for s, i in zip(rows["source"], rows["source_id"])]
    n_before = len(rows)
    rows = rows.drop_duplicates("doc_id", keep="first")
    n_dupes = n_before - len(rows)
    log.info("ingest: %d rows read; left out: %d outside the date window%s, %d empty, %d duplicates",
             n_read, n_window, "" if study.keep_undated else f" or undated ({n_undated} undated)", n_empty, n_dupes)
    imprecise = rows["date_precision"].isin(["month", "year"])
    if imprecise.any() or (rows["date_precision"] == "").any():
        log.info("ingest: %d articles dated only to the month or year and %d undated: neither takes part in "
                 "who-copied-whom direction", int(imprecise.sum()), int((rows["date_precision"] == "").sum()))
    if rows.empty:
        raise StageInputError(
            f"study {study.id!r}: no articles after ingest ({n_read} read, {n_window} outside the date window"
            f"{'' if study.keep_undated else ' or undated'}); import some with "
            f"`python -m analysis ingest {study.id} FILE`")
    registry = load_registry(paths.resolve(study.outlets))
    articles = resolve_outlets(rows.fillna({"source_outlet": ""}), registry=registry)
    articles, conflicts = outlets.merge_import_metadata(articles)
    for line in conflicts:
        log.warning("ingest: %s", line)
    unknown = outlets.unresolved(articles)
    if unknown:
        log.warning("ingest: %d outlets are not in %s and carry no outlet_type, country or leaning, so they stay "
                    "unclassified and unrated: %s. Add them to that file (columns %s) or give those columns in "
                    "the import file", len(unknown), study.outlets, ", ".join(unknown[:20]) +
                    (f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""), ", ".join(outlets.REGISTRY_COLUMNS))
    given_language = articles["import_language"] if "import_language" in articles else \
        pd.Series(None, index=articles.index, dtype=object)
    articles["language"] = [lang if isinstance(lang, str) else detect_language(f"{t}\n{x}")[0]
                            for lang, t, x in zip(given_language, articles["title"], articles["text"])]
    non_english = articles.loc[articles["language"] != "en", ["outlet", "language"]]
    if len(non_english):
        log.warning("ingest: %d articles are not in English (flagged, kept): %s", len(non_english),
                    ", ".join(f"{o} ({lang})" for o, lang in non_english.itertuples(index=False)))
    given_original = articles["import_original_outlet"] if "import_original_outlet" in articles else \
        pd.Series(None, index=articles.index, dtype=object)
    articles["original_outlet"] = [
        g if isinstance(g, str) else original_outlet(publisher=o, text=x, canonical_url=c, registry=registry)
        for g, o, x, c in zip(given_original, articles["outlet"], articles["text"], articles["canonical_url"])
    ]
    articles = articles.sort_values(["outlet", "published", "doc_id"], na_position="last")
    return tables.validate(articles.astype({"source_id": "str", "source_outlet": "str"}), "articles_raw")


def run(study: Study, paths: StudyPaths) -> None:
    """The ingest stage: every source of the study into ``articles_raw`` (and the collection status of web sources)."""
    articles = build_articles(study, paths)
    if any(s.kind in web.URL_KINDS for s in study.sources):
        extracted = set(articles.loc[articles["source"] == "web", "source_id"])
        storage.write_csv(web.collection_status(study, paths, extracted=extracted),
                          paths.interim / "collection_status.csv")
    storage.write_table(articles, paths.table("articles_raw"))
    log.info("ingest: %d articles from %d outlets", len(articles), articles["outlet"].nunique())
