"""The raw-evidence store of a collection run: page files plus an append-only log.

:func:`collect_urls` fills it using a :class:`analysis.collect.fetch.Fetcher`.

Layout under ``raw_dir`` (``data/raw/<study>/`` for a study)::

    pages/<sha256 of body>.html   fetched HTML, named by its content
    pages/<sha256 of body>.bin    any other fetched body (a PDF, ...)
    collection_log.jsonl          one JSON object per fetch, appended

Why this shape: a page file is written atomically and named by its hash, so
it is never half-written and never overwritten (a later snapshot with other
bytes gets another name). The log is the only thing that says a URL was
collected, and a row is appended only after its page file is in place, so a
crash can leave at most an unreferenced page file, never a row pointing at
nothing. A line counts only once its newline is on disk: an unterminated
last line is the trace of a crash mid-append, ignored by the reader and cut
off before the next append.

One writer at a time per ``raw_dir``: the tail repair and the removal of
stale temporary files assume no other run is writing there.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from tqdm import tqdm

from analysis.core import storage
from analysis.core.errors import InputFileError
from analysis.core.storage import sha256_bytes, write_bytes

if TYPE_CHECKING:
    from analysis.collect.fetch import Fetcher

log = logging.getLogger("analysis")

LOG_NAME = "collection_log.jsonl"
PAGES_DIR = "pages"

#: Statuses a later run does not retry, because fetching again would give the
#: same answer: ``not_html`` keeps its body as ``.bin``, ``robots_disallowed``
#: is the site's stated wish (only set when robots.txt was read and says no),
#: ``bad_url`` cannot change. HTTP errors, timeouts, ``too_large`` (the user
#: may raise the limit), ``unreachable``, ``redirect_loop`` and
#: ``refused_address`` (the user may allow private addresses) may change and
#: are tried again on the next run, except as :data:`GONE` says.
FINAL_STATUSES: frozenset[str] = frozenset({"ok", "not_html", "robots_disallowed", "bad_url"})

#: HTTP answers that say the page is not there and will not be (404 Not Found, 410 Gone): final too,
#: so a run does not ask again, until ``refresh`` or ``retry_gone`` (``collect --refresh/--retry-gone``).
GONE: frozenset[int] = frozenset({404, 410})

#: The status of a log row for a URL skipped because its server's ``Retry-After`` has not passed.
DEFERRED = "deferred"

#: Columns of the collection log, in order. See :func:`read_collection_log`.
LOG_COLUMNS = [
    "url", "final_url", "status", "http_status", "content_type", "retrieved_at",
    "content_sha256", "page_path", "bytes", "attempts", "error", "note", "outlet", "retry_after",
]


def log_path(raw_dir: Path) -> Path:
    return Path(raw_dir) / LOG_NAME


def store_page(raw_dir: Path, body: bytes, *, kind: Literal["html", "bin"]) -> tuple[str, str]:
    """Keep ``body`` as ``pages/<sha256>.<kind>``; return ``(sha256, path relative to raw_dir)``.

    An existing file with that name already holds exactly these bytes, so it
    is left alone: raw evidence is never rewritten.
    """
    digest = sha256_bytes(body)
    relative = f"{PAGES_DIR}/{digest}.{kind}"
    target = Path(raw_dir) / relative
    if not target.exists():
        write_bytes(target, body)
        # The rename must be durable before a log row can point at it.
        storage.fsync_dir(target.parent)
    return digest, relative


def append_log_row(raw_dir: Path, row: dict[str, Any]) -> None:
    """Append one row as a JSON line and fsync, so a returned call survives a crash."""
    line = json.dumps({col: row.get(col) for col in LOG_COLUMNS}, ensure_ascii=False, sort_keys=False)
    storage.append_line(log_path(raw_dir), line)


def prepare_for_append(raw_dir: Path) -> None:
    """Undo the traces of a killed run: cut an unterminated log line, drop temp files.

    Without the cut, the next row would be glued onto the fragment and both
    would be lost; temporary files are what :func:`analysis.core.storage.atomic_path`
    leaves when the process dies mid-write.
    """
    storage.cut_partial_line(log_path(raw_dir))
    storage.remove_temp_files(Path(raw_dir) / PAGES_DIR)


def read_collection_log(raw_dir: Path) -> pd.DataFrame:
    """Every committed row of ``raw_dir/collection_log.jsonl``, oldest first.

    Columns (one row per fetch; a URL fetched again with ``refresh`` has
    several rows):

    ``url`` (as given), ``final_url`` (after redirects), ``status`` (see
    :class:`analysis.collect.fetch.FetchResult`), ``http_status`` (Int64, missing
    when no response came), ``content_type``, ``retrieved_at`` (ISO-8601
    UTC), ``content_sha256`` and ``page_path`` (relative to ``raw_dir``;
    missing when no body was kept), ``bytes`` (Int64), ``attempts``,
    ``error`` (one line, empty when none), ``note`` (e.g. robots.txt was
    unreachable), ``outlet`` (as given, or missing), ``retry_after`` (ISO-8601
    UTC before which the server asked not to be asked again, from a
    ``Retry-After`` header; missing when it set none; logs written before
    this column have it missing).

    A last line without its newline is a crash mid-append and is ignored; a
    malformed line anywhere else is real damage and raises
    :class:`~analysis.core.errors.InputFileError`.
    """
    path = log_path(raw_dir)
    records: list[dict[str, Any]] = []
    for number, line in enumerate(storage.read_committed_lines(path), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{number}: malformed collection log line ({exc.msg})") from None
    df = pd.DataFrame.from_records(records, columns=LOG_COLUMNS)
    df["http_status"] = df["http_status"].astype("Int64")
    df["bytes"] = df["bytes"].astype("Int64")
    df["attempts"] = df["attempts"].astype("int64")
    return df


def collect_urls(
    urls: pd.DataFrame,
    *,
    raw_dir: Path,
    fetcher: Fetcher,
    refresh: bool = False,
    retry_gone: bool = False,
    progress: bool = False,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Fetch every URL into the raw-evidence store; return this run's log rows.

    ``urls`` has a ``url`` column and optionally ``outlet``; blank URLs are
    dropped and repeats are fetched once. A URL whose log already has a row
    with a status in :data:`FINAL_STATUSES` is skipped unless ``refresh``,
    which adds a new snapshot row (and a new page file only if the bytes
    changed; old files stay). A URL whose latest answer was 404 or 410
    (:data:`GONE`) is skipped too, unless ``refresh`` or ``retry_gone``.
    Other statuses are retried on the next run, except that a URL whose
    server sent a ``Retry-After`` reaching past ``now`` (default: the clock)
    is not fetched, even with ``refresh``: it gets a ``deferred`` row that
    carries the time on.

    Resumable: a run killed at any moment and started again ends with one
    final row per URL, because a row is written only after its page file and
    a URL counts as done only once its row is on disk. The one trace a kill
    can leave is a page file without a row (killed between the two writes);
    the URL is fetched again, and if the page changed meanwhile that file
    stays unreferenced. A refresh run that is killed starts over when run
    again with ``refresh``. Columns: see :func:`analysis.collect.rawstore.read_collection_log`.
    """
    if "url" not in urls.columns:
        raise InputFileError(f"collect_urls needs a 'url' column; got columns {list(urls.columns)}")
    raw_dir = Path(raw_dir)
    prepare_for_append(raw_dir)
    now = now or datetime.now(timezone.utc)
    past = read_collection_log(raw_dir)
    latest = past.drop_duplicates("url", keep="last").set_index("url")
    done: set[str] = set()
    if not refresh:
        done = set(past.loc[past["status"].isin(FINAL_STATUSES), "url"])
        if not retry_gone:
            gone = latest.loc[(latest["status"] == "http_error") & latest["http_status"].isin(GONE).fillna(False)]
            done |= set(gone.index)
    waiting = {url: when for url, when in latest["retry_after"].dropna().items() if _utc(when) > now}
    todo: dict[str, str | None] = {}
    outlets = urls["outlet"] if "outlet" in urls.columns else pd.Series(None, index=urls.index)
    for url, outlet in zip(urls["url"], outlets):
        if not isinstance(url, str) or not url.strip():
            continue
        url = url.strip()
        if url not in done and url not in todo:
            todo[url] = outlet if isinstance(outlet, str) and outlet else None
    rows = []
    for url, outlet in tqdm(todo.items(), total=len(todo), disable=not progress, desc="collect", unit="url"):
        if url in waiting:
            row = {"url": url, "final_url": url, "status": DEFERRED, "content_type": "", "retrieved_at": _iso(now),
                   "attempts": 0, "note": "", "outlet": outlet, "retry_after": waiting[url],
                   "error": f"not fetched: its server asked (Retry-After) not to be asked before {waiting[url]}"}
            append_log_row(raw_dir, row)
            rows.append(row)
            continue
        result = fetcher.fetch(url)
        digest = page_path = None
        if result.body is not None:
            digest, page_path = store_page(raw_dir, result.body, kind="html" if result.status == "ok" else "bin")
        row = {
            "url": url, "final_url": result.final_url, "status": result.status,
            "http_status": result.http_status, "content_type": result.content_type,
            "retrieved_at": result.retrieved_at, "content_sha256": digest, "page_path": page_path,
            "bytes": None if result.body is None else len(result.body), "attempts": result.attempts,
            "error": result.error, "note": result.note, "outlet": outlet,
            # Counted from when the answer came (retrieved_at), not from the start of a long run.
            "retry_after": None if result.retry_after is None or result.status == "ok"
            else _iso(_utc(result.retrieved_at) + timedelta(seconds=result.retry_after)),
        }
        append_log_row(raw_dir, row)
        rows.append(row)
    deferred = sum(row["status"] == DEFERRED for row in rows)
    if deferred:
        log.info("collect: %d URLs deferred: their servers asked (Retry-After) to wait", deferred)
    run_log = pd.DataFrame.from_records(rows, columns=LOG_COLUMNS)
    return run_log.astype({"http_status": "Int64", "bytes": "Int64", "attempts": "int64"})


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _utc(text: str) -> datetime:
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
