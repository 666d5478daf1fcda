"""Ingest: every source of a study into one ``articles`` table.

Sources are datasets filtered by keyword clauses, local text files, and
article files the user imported with ``python -m analysis ingest STUDY FILE``.
Imported files are copied byte-for-byte into ``data/raw/<study>/imports/``
(named by content hash, so importing the same file twice is a no-op and
nothing imported earlier is ever overwritten); the ingest stage re-reads
them all on every run.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.collect import datasets, outlets, provenance_datasets, web
from analysis.collect.article_files import OPTIONAL, OUTLET_COLUMNS, REQUIRED, read_article_file
from analysis.collect.dates import date_precision, to_utc
from analysis.collect.extract import decode_text, detect_languages, repair_mojibake
from analysis.collect.outlets import load_registry, original_outlet, resolve_outlets
from analysis.collect.rows import MAX_ARTICLE_CHARS, ROW_COLUMNS, Problem, join_flags, limit_text
from analysis.core import patterns, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.errors import InputFileError, StageInputError, StudyConfigError  # noqa: F401
from analysis.core.study import MatchClause, Source, Study

log = logging.getLogger("analysis")
IMPORT_REQUIRED, IMPORT_OPTIONAL, IMPORT_OUTLET_COLUMNS = REQUIRED, OPTIONAL, OUTLET_COLUMNS


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
    flags = ""
    if source.dataset is None:  # the user's own files; a dataset's text is as its publisher curated it
        body, how = repair_mojibake(body)
        title, how_title = repair_mojibake(title)
        if how or how_title:
            log.warning("ingest: %s: mojibake repaired with ftfy (%s); flagged mojibake_repaired", path,
                        how or how_title)
            flags = "mojibake_repaired"
    return dict(source=key, source_id=path.name, source_outlet=source.outlet, url=source.url, title=title,
                published=source.published, text=body, dataset_label=None, extractor="text file",
                canonical_url=None, author=None, ingest_flags=flags)


def _with_guess(name: str, registry: pd.DataFrame) -> str:
    """``name``, with the registry outlet it may be a misspelling of: "Reuter (did you mean 'Reuters'?)"."""
    guess = outlets.closest_known(name, registry)
    return f"{name} (did you mean {guess!r}?)" if guess else name


def _inside(files: list[Path], source: Source, paths: StudyPaths) -> list[Path]:
    """``files``, each checked to lie inside the project or the data home (a symlink is judged by its target)."""
    what = f"{paths.study_file}: [[sources]] kind = {source.kind!r}" + \
        (f", key 'path' = {source.path!r}" if source.path else " (data/raw imports)")
    return [paths.check_inside(f, what=what) for f in files]


def source_files(source: Source, paths: StudyPaths) -> list[Path]:
    """The files a source reads (used for stage fingerprints too).

    Paths from study.toml, and every file found under them, must resolve inside the project or the data
    home unless ``--allow-outside-paths`` was given on the command line (``paths.allow_outside``): a shared
    study.toml must not make a colleague's run read /etc/passwd or ~/.ssh into an article.
    """
    if source.kind == "dataset":
        return [datasets.locate(source.dataset, source.file)]
    if source.kind == "imports":
        columns = [paths.import_columns] if paths.import_columns.exists() else []
        return _inside(storage.list_files(paths.imports), source, paths) + columns
    if source.kind in ("urls", "feed"):
        listed = _inside([paths.resolve(source.path)], source, paths) if source.path else \
            storage.list_files(paths.feeds, "*/*.xml")
        digest = paths.interim / "collected_pages.csv"  # written by the collect stage
        return listed + ([digest] if digest.exists() else [])
    if source.kind == "html":
        folder = _inside([paths.resolve(source.path)], source, paths)[0]
        return _inside(storage.list_files(folder, source.pattern), source, paths)
    if source.dataset is not None:
        return [datasets.locate(source.dataset, source.file, download=False)]
    target = _inside([paths.resolve(source.path)], source, paths)[0]
    return _inside([target] if target.is_file() else storage.list_files(target, source.pattern), source, paths)


def _files_rows(source: Source, paths: StudyPaths) -> pd.DataFrame:
    key = f"dataset:{source.dataset}" if source.dataset else f"file:{source.path}"
    rows = [_text_file_row(p, source, key) for p in source_files(source, paths)]
    df = pd.DataFrame(rows, columns=[*ROW_COLUMNS, "ingest_flags"])
    df["date_precision"] = df["published"].map(date_precision)
    df["published"] = to_utc(df["published"])
    return df


def _import_rows(study: Study, paths: StudyPaths) -> pd.DataFrame:
    frames = []
    mapped = storage.read_json(paths.import_columns) if paths.import_columns.exists() else {}
    for path in _inside(storage.list_files(paths.imports), Source("imports"), paths):
        # study.toml's [columns], then what `ingest --X-col` recorded for this file.
        df, _ = read_article_file(path, columns={**dict(study.columns), **mapped.get(path.name, {})})
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
            "published": to_utc(df["published"]),
            "date_precision": df["published"].map(date_precision),
            "text": df["text"], "dataset_label": None, "extractor": "import", "canonical_url": None,
            "author": df["author"], "event_id": df["event_id"] if "event_id" in df else None,
            "ingest_flags": df["ingest_flags"], "extra": df["extra"],
            **{f"import_{c}": df[c] for c in IMPORT_OUTLET_COLUMNS},
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)


def import_file(path: Path, paths: StudyPaths, *, columns: Mapping[str, str] | None = None,
                study_columns: Mapping[str, str] | None = None) -> tuple[Path, int, list[Problem], bool]:
    """Validate an export and copy it into ``data/raw/<study>/imports``.

    ``columns`` (from ``ingest --X-col``) is recorded beside the imports for this file, so the ingest stage
    reads it the same way; ``study_columns`` is the study's ``[columns]``, which applies to every import.
    Returns (stored path, usable rows, problems, whether it was new).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    df, problems = read_article_file(path, columns={**dict(study_columns or {}), **dict(columns or {})})
    if df.empty:
        first = next((p for p in problems if p.skipped), problems[0] if problems else "no rows")
        raise InputFileError(f"{path}: none of {sum(p.skipped for p in problems)} rows is usable; first problem: "
                             f"{first}")
    digest = storage.sha256_file(path)[:16]
    stored = paths.imports / f"{digest}-{path.name}"
    is_new = not stored.exists()
    if is_new:
        storage.copy_into(path, stored)
    mapped = storage.read_json(paths.import_columns) if paths.import_columns.exists() else {}
    if dict(columns or {}) != mapped.get(stored.name, {}):
        if columns:
            mapped[stored.name] = dict(columns)
        else:
            mapped.pop(stored.name, None)
        storage.write_json(paths.import_columns, mapped)
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
            frames.append(_import_rows(study, paths))
    frames = [f for f in frames if len(f)]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)
    # Only same-event datasets (NeuS) and imports that carry one name the event; others have none.
    rows["event_id"] = rows["event_id"].astype("object").where(rows["event_id"].notna(), None) \
        if "event_id" in rows else None
    # Flags raised while reading (mojibake repaired) and columns an import did not use, for articles_raw.
    rows["ingest_flags"] = rows["ingest_flags"].fillna("").astype(str) if "ingest_flags" in rows else ""
    rows["extra"] = rows["extra"].astype("object").where(rows["extra"].notna(), None) if "extra" in rows else None
    return rows


def build_articles(study: Study, paths: StudyPaths, *, engine=None) -> pd.DataFrame:
    """The ``articles`` table: every source, window-filtered, outlet-resolved, de-duplicated.

    ``engine`` identifies the languages of a large import on several processes (:func:`detect_languages`).

    Every row left out is counted by reason in the log; a study with no
    articles left is an error that says why.
    """
    rows = collect_rows(study, paths)
    n_read = len(rows)
    parsed = to_utc(rows["published"])
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
    # One size limit per article whatever the source (imports are cut when read and say so by line).
    limited = [limit_text(t) for t in rows["text"]]
    cut = pd.Series([c for _, c in limited], index=rows.index, dtype=bool)
    rows["text"] = pd.Series([t for t, _ in limited], index=rows.index, dtype=object)
    rows.loc[cut, "ingest_flags"] = [join_flags(f, "truncated") for f in rows.loc[cut, "ingest_flags"]]
    if cut.any():
        log.warning("ingest: %d articles longer than %s characters cut to that limit and flagged truncated: %s",
                    int(cut.sum()), f"{MAX_ARTICLE_CHARS:,}", ", ".join(rows.loc[cut, "source_id"].astype(str)[:5]))
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
    registry = load_registry(paths.outlet_registry(study.outlets))
    articles = resolve_outlets(rows.fillna({"source_outlet": ""}), registry=registry)
    articles, conflicts = outlets.merge_import_metadata(articles)
    for line in conflicts:
        log.warning("ingest: %s", line)
    unknown = outlets.unresolved(articles)
    if unknown:
        listed = ", ".join(_with_guess(u, registry) for u in unknown[:20])
        log.warning("ingest: %d outlets are not in %s and carry no outlet_type, country or leaning, so they stay "
                    "unclassified and unrated: %s. Add them to that file (columns %s) or give those columns in "
                    "the import file", len(unknown), study.outlets, listed +
                    (f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""), ", ".join(outlets.REGISTRY_COLUMNS))
    given_language = articles["import_language"] if "import_language" in articles else \
        pd.Series(None, index=articles.index, dtype=object)
    language = [lang if isinstance(lang, str) else None for lang in given_language]
    todo = [i for i, lang in enumerate(language) if lang is None]
    titles, texts = articles["title"].tolist(), articles["text"].tolist()
    for i, lang in zip(todo, detect_languages([f"{titles[i]}\n{texts[i]}" for i in todo], engine=engine)):
        language[i] = lang
    articles["language"] = language
    non_english = articles.loc[articles["language"] != "en", ["outlet", "language"]]
    if len(non_english):
        log.warning("ingest: %d articles are not in English (flagged, kept): %s", len(non_english),
                    ", ".join(f"{o} ({lang})" for o, lang in non_english.itertuples(index=False)))
    given_original = articles["import_original_outlet"] if "import_original_outlet" in articles else \
        pd.Series(None, index=articles.index, dtype=object)
    lookup = outlets.lookup_tables(registry)
    articles["original_outlet"] = [
        g if isinstance(g, str) else original_outlet(publisher=o, text=x, canonical_url=c, registry=registry,
                                                     lookup=lookup)
        for g, o, x, c in zip(given_original, articles["outlet"], articles["text"], articles["canonical_url"])
    ]
    articles = articles.sort_values(["outlet", "published", "doc_id"], na_position="last")
    flagged = articles["ingest_flags"] != ""
    if flagged.any():
        log.warning("ingest: %d articles flagged while read (%s); the clean stage adds these to quality_flags",
                    int(flagged.sum()), ", ".join(sorted({f for fs in articles.loc[flagged, "ingest_flags"]
                                                          for f in fs.split(";")})))
    return tables.validate(articles.astype({"source_id": "str", "source_outlet": "str", "ingest_flags": "str"}),
                           "articles_raw")


def run(study: Study, paths: StudyPaths, *, engine=None) -> None:
    """The ingest stage: every source of the study into ``articles_raw`` (and the collection status of web sources)."""
    articles = build_articles(study, paths, engine=engine)
    if any(s.kind in web.URL_KINDS for s in study.sources):
        extracted = set(articles.loc[articles["source"] == "web", "source_id"])
        storage.write_csv(web.collection_status(study, paths, extracted=extracted),
                          paths.interim / "collection_status.csv")
    storage.write_table(articles, paths.table("articles_raw"))
    log.info("ingest: %d articles from %d outlets", len(articles), articles["outlet"].nunique())
