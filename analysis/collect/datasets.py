"""Dataset loaders: find a public dataset, fetch it if needed, return a tidy table.

Resolution order for every file: the data home (``ANALYSIS_DATA_HOME``,
default a per-user cache folder), then each mirror folder (default
``../shared/data`` beside the checkout), then the dataset's public source,
downloaded into the data home. Nothing is ever copied into the repository:
several of these datasets carry publisher text that the project must not
redistribute.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.collect import fetch
from analysis.core import config, storage
from analysis.core.catalog import get_dataset
from analysis.core.errors import DataNotFoundError, DownloadError
from analysis.core.storage import atomic_path, ensure_dir

ALLSIDES_COMMIT = "ced8111a720948e6a410e52031ace99c4e53f096"
ALLSIDES_ARCHIVE = f"https://github.com/ramybaly/Article-Bias-Prediction/archive/{ALLSIDES_COMMIT}.zip"
# What a download must give, as :func:`records_digest` of the 37,554 articles: computed from the shared mirror's
# articles.jsonl.gz (built from the same commit). The archive's own bytes have no declared digest: GitHub
# generates it on request and does not promise stable bytes, and no copy of it was at hand to hash.
ALLSIDES_RECORDS_SHA256 = "930744da02823b812a4ddaa0f3c2a9e115a03adc03d47d5861845384cfb3211e"
# Fields the build drops (the tokenized copy) or adds (the normalised date): not part of what is checked.
_BUILD_FIELDS = frozenset({"content", "date_iso"})


def records_digest(records: Iterable[dict]) -> str:
    """A digest of a dataset's records that does not depend on their order, key order, the file's
    compression, or the fields the build drops or adds: one SHA-256 per record (canonical JSON), keyed
    by its ``ID``, and one over those in ID order."""
    return _combine(_record_digest(rec) for rec in records)


def _record_digest(rec: dict) -> tuple[str, str]:
    canonical = json.dumps({k: v for k, v in rec.items() if k not in _BUILD_FIELDS}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return str(rec.get("ID")), hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _combine(pairs: Iterable[tuple[str, str]]) -> str:
    total = hashlib.sha256()
    for id_, digest in sorted(pairs):
        total.update(f"{id_}\t{digest}\n".encode())
    return total.hexdigest()


def _normalise_allsides_date(raw: str) -> str | None:
    """The repository mixes YYYY-MM-DD, M/D/YY and empty dates; return ISO or None."""
    raw = (raw or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        iso = raw
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", raw):
        month, day, year = (int(g) for g in m.groups())
        year = year + 2000 if year < 100 else year
        iso = f"{year:04d}-{month:02d}-{day:02d}"
    else:
        return None
    ts = pd.to_datetime(iso, errors="coerce")
    return iso if ts is not pd.NaT and 1990 <= ts.year <= 2030 else None


def build_allsides(folder: Path, *, archive_url: str = ALLSIDES_ARCHIVE, archive_sha256: str | None = None,
                   records_sha256: str | None = ALLSIDES_RECORDS_SHA256) -> None:
    """Download the repository archive and write ``articles.jsonl.gz`` as the mirror has it.

    The archive is checked against ``archive_sha256`` when one is given, and the articles built from it
    against ``records_sha256`` (see :func:`records_digest`); a mismatch keeps nothing and raises
    :class:`DownloadError`. ``None`` skips that check.
    """
    ensure_dir(folder)
    archive = folder / "archive.zip"
    fetch.download_file(archive_url, archive, sha256=archive_sha256)
    try:
        with zipfile.ZipFile(archive) as zf, atomic_path(folder / "articles.jsonl.gz") as tmp:
            members = sorted(n for n in zf.namelist() if re.search(r"/data/jsons/[^/]+\.json$", n))
            if not members:
                raise DownloadError(f"{archive_url}: archive has no data/jsons/*.json files")
            digests = []  # one per record, not the records (hundreds of megabytes of text)
            with gzip.open(tmp, "wt", encoding="utf-8") as out:
                for name in members:
                    rec = json.loads(zf.read(name).decode("utf-8"))
                    rec.pop("content", None)  # tokenized copy of content_original
                    rec["date_iso"] = _normalise_allsides_date(rec.get("date", ""))
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    digests.append(_record_digest(rec))
            got = _combine(digests)
            if records_sha256 is not None and got != records_sha256:
                raise DownloadError(f"{archive_url}: the {len(digests):,} articles built from it do not match the "
                                    f"published dataset (records sha256 {got}, expected {records_sha256}); "
                                    "nothing was kept")
    except zipfile.BadZipFile:
        raise DownloadError(f"{archive_url}: not a zip archive") from None
    finally:
        storage.remove_file(archive)


# The datasets whose files a public source can build into the data home (see Dataset.downloadable).
BUILDERS: dict[str, Callable[[Path], None]] = {"allsides": build_allsides}


def locate(name: str, file: str | None = None, *, download: bool = True) -> Path:
    """Path of one dataset file, searching data home, mirrors, then the public source."""
    ds = get_dataset(name)
    file = file or next(iter(ds.files))
    if file not in ds.files:
        raise DataNotFoundError(f"dataset {name!r} has no file {file!r}; files: {', '.join(ds.files)}")
    relative = Path(ds.folder) / ds.files[file]
    home = config.data_home()
    searched = [home, *config.data_mirrors()]
    for base in searched:
        candidate = base / relative
        if candidate.is_file():
            return candidate
    where = ", ".join(str(b) for b in searched)
    if download and file in ds.downloadable:
        try:
            BUILDERS[name](home / ds.folder)
        except (DownloadError, OSError) as exc:
            raise DataNotFoundError(
                f"dataset {name!r} file {relative} is not in {where}, and downloading it failed: {exc}"
            ) from None
        if (home / relative).is_file():
            return home / relative
    raise DataNotFoundError(
        f"dataset {name!r} file {relative} is not in {where}; set ANALYSIS_DATA_HOME or ANALYSIS_DATA_MIRRORS"
        + ("" if ds.downloadable else " (no public download: place the file there by hand)")
    )


def _open_text(path: Path):
    return (gzip.open if str(path).endswith(".gz") else open)(path, "rt", encoding="utf-8")


def iter_jsonl(path: Path) -> Iterator[dict]:
    with _open_text(path) as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


_ALLSIDES_COLUMNS = ["source_id", "source_outlet", "url", "title", "published", "text", "dataset_label", "topic",
                     "author"]
_LEADING_ID = re.compile(rb'^\{"ID": "([^"\\]*)"')


def _allsides_record(r: dict) -> tuple:
    return (r["ID"], r.get("source") or "", r.get("url") or None, r.get("title") or "", r.get("date_iso"),
            r.get("content_original") or "", r.get("bias_text"), r.get("topic") or "", r.get("authors") or "")


def _allsides_frame(records: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=_ALLSIDES_COLUMNS)
    df["published"] = pd.to_datetime(df["published"], errors="coerce", utc=True)
    return df


# AllSides record keys -> table columns; the keys whose missing or null value becomes "" (as _allsides_record).
_ALLSIDES_FIELDS = {"ID": "source_id", "source": "source_outlet", "url": "url", "title": "title",
                    "date_iso": "published", "content_original": "text", "bias_text": "dataset_label",
                    "topic": "topic", "authors": "author"}
_ALLSIDES_EMPTY_IF_MISSING = {"source", "title", "content_original", "topic", "authors"}


def _allsides_arrow_frame(path: Path) -> pd.DataFrame:
    """What :func:`_allsides_frame` gives for the whole file, parsed by pyarrow (tested equal on the dataset)."""
    table = storage.read_json_lines(path, list(_ALLSIDES_FIELDS))
    if table.column("ID").null_count or any(0 < len(c) == c.null_count for c in table.columns):
        # A record without an ID (the line reader stops there), or a column null throughout (where the line
        # reader's table has Python objects, not strings): leave the file to it, so both give one answer.
        raise pa.ArrowInvalid("left to the line-by-line reader")
    columns = []
    for key in _ALLSIDES_FIELDS:
        column = table.column(key)
        if key in _ALLSIDES_EMPTY_IF_MISSING:
            column = pc.fill_null(column, "")
        elif key == "url":  # an empty URL is no URL
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        columns.append(column)
    df = pa.table(columns, names=list(_ALLSIDES_FIELDS.values())).to_pandas()
    df["published"] = pd.to_datetime(df["published"], errors="coerce", utc=True)
    return df


def load_allsides(file: str = "articles", *, download: bool = True) -> pd.DataFrame:
    """AllSides articles as a tidy table.

    Columns: ``source_id`` (AllSides ID), ``source_outlet``, ``url``, ``title``,
    ``published`` (UTC, missing for 12% of records), ``text``,
    ``dataset_label`` (AllSides left/center/right), ``topic``, ``author``.
    """
    path = locate("allsides", file, download=download)
    try:
        return _allsides_arrow_frame(path)
    except pa.ArrowInvalid:  # a record pyarrow will not take (not JSON, not a string): the line-by-line reader
        return _allsides_frame([_allsides_record(r) for r in iter_jsonl(path)])  # reads it or names the error


def load_allsides_ids(ids, *, file: str = "articles", download: bool = True) -> pd.DataFrame:
    """The AllSides records with these IDs only, columns as :func:`load_allsides`.

    The hand-made gold reads a few dozen of 37,554 records: a line whose leading ``"ID"`` is not wanted is
    skipped before it is parsed, so the rest of the file is never decoded as JSON (a line laid out otherwise
    is parsed and checked)."""
    wanted = {str(i).encode() for i in ids}
    records = []
    path = locate("allsides", file, download=download)
    # read as bytes: decoding the 240 MB of text the gold does not need costs more than the decompression
    with (gzip.open(path, "rb") if str(path).endswith(".gz") else io.BytesIO(storage.read_bytes(path))) as fh:
        for line in fh:
            lead = _LEADING_ID.match(line)
            if (lead is not None and lead.group(1) not in wanted) or not line.strip():
                continue
            record = json.loads(line)
            if record["ID"].encode() in wanted:
                records.append(_allsides_record(record))
    return _allsides_frame(records)


def load_vader_nyt(*, download: bool = True) -> pd.DataFrame:
    """VADER's NYT ground truth: one row per snippet.

    Columns: ``snippet_id``, ``article_id`` (the part before ``_``),
    ``human_mean`` (mean of at least 20 ratings on -4..+4), ``text`` and
    ``ratings`` (each rater's rating, as a list).
    """
    truth = pd.read_csv(locate("vader_nyt", "ground_truth", download=download), sep="\t", header=None,
                        names=["snippet_id", "human_mean", "text"], dtype={"snippet_id": str}, quoting=3)
    raw = pd.read_csv(locate("vader_nyt", "ratings", download=download), sep="\t", header=None,
                      names=["snippet_id", "human_mean", "sd", "ratings"], dtype={"snippet_id": str}, quoting=3)
    raw["ratings"] = raw["ratings"].map(json.loads)
    out = truth.merge(raw[["snippet_id", "ratings"]], on="snippet_id", how="left", validate="one_to_one")
    out["article_id"] = out["snippet_id"].str.split("_").str[0]
    return out[["snippet_id", "article_id", "human_mean", "text", "ratings"]]




def load_extraction_benchmark(*, download: bool = False) -> pd.DataFrame:
    """The 181 pages of the Zyte article-extraction benchmark, one row per page.

    Columns: ``page_id`` (the benchmark's sha256 key), ``url`` (where the page
    was fetched in 2019), ``html`` (the raw page as bytes, gunzipped, not
    decoded, so that decoding is part of what is measured) and ``gold_text``
    (the human-annotated article body). Rows are sorted by ``page_id``.
    ``download`` exists for symmetry with the other loaders: the benchmark has
    no build step, so it is only found in the data home or a mirror.
    """
    truth_path = locate("extraction_benchmark", "ground_truth", download=download)
    html_dir = truth_path.parent / "html"
    truth = json.loads(storage.read_text(truth_path))
    rows = []
    for page_id in sorted(truth):
        page = html_dir / f"{page_id}.html.gz"
        if not page.is_file():
            raise DataNotFoundError(f"dataset 'extraction_benchmark': {page} is listed in ground-truth.json but missing")
        rows.append((page_id, truth[page_id].get("url") or None, gzip.decompress(storage.read_bytes(page)),
                     truth[page_id].get("articleBody") or ""))
    return pd.DataFrame(rows, columns=["page_id", "url", "html", "gold_text"])




# NewsMTSC's readme: polarity 2.0 = negative, 4.0 = neutral, 6.0 = positive.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def load_newsmtsc(split: Literal["train", "devtest_rw"], *, download: bool = False) -> pd.DataFrame:
    """NewsMTSC target-dependent sentiment: one row per (sentence, target).

    Columns: ``sentence_id`` (the record's ``primary_gid``; several targets
    share it), ``target_id`` (the target's ``Input.gid``, unique), ``text``
    (``sentence_normalized``), ``target`` (the mention as written), ``start``
    and ``end`` (0-based character offsets, end exclusive, so
    ``text[start:end] == target``) and ``label`` (negative, neutral or
    positive). Rows keep file order. ``download`` exists for symmetry: the
    dataset has no build step and is only found in the data home or a mirror.
    """
    if split not in ("train", "devtest_rw"):
        raise ValueError(f"split must be 'train' or 'devtest_rw', got {split!r}")
    path = locate("newsmtsc", split, download=download)
    rows = []
    for line_no, rec in enumerate(iter_jsonl(path), start=1):
        text = rec["sentence_normalized"]
        for t in rec["targets"]:
            label = NEWSMTSC_POLARITY.get(float(t["polarity"]))
            if label is None:
                raise ValueError(f"{path}:{line_no}: polarity {t['polarity']!r} is not one of 2.0, 4.0, 6.0")
            rows.append((rec["primary_gid"], t["Input.gid"], text, t["mention"], int(t["from"]), int(t["to"]), label))
    return pd.DataFrame(rows, columns=["sentence_id", "target_id", "text", "target", "start", "end", "label"])
