"""Web pages into article rows: collecting a study's URL lists and feeds, and
extracting text from collected or saved pages.

Collection goes through :class:`analysis.collect.fetch.Fetcher` (the only code that
opens connections) into the raw-evidence store of :mod:`analysis.collect.rawstore`;
ingest later reads that store offline, so an article collected once is
never lost, whatever happens to the site afterwards.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd

from analysis.collect import rawstore
from analysis.collect.extract import decode_page, extract_article, repair_mojibake
from analysis.collect.fetch import Fetcher, FetchPolicy
from analysis.collect.rows import ROW_COLUMNS
from analysis.collect.sources import parse_feed, read_url_list
from analysis.core import storage
from analysis.core.config import StudyPaths
from analysis.core.errors import InputFileError, StageInputError
from analysis.core.study import Source, Study

log = logging.getLogger("analysis")
URL_KINDS = ("urls", "feed")
EXTRACTION_LOG = "extractions.tsv"  # content_sha256, extractor and version, url


def _feed_folder(source: Source, paths: StudyPaths) -> Path:
    return paths.feeds / hashlib.sha256(source.url.encode()).hexdigest()[:16]


def source_urls(source: Source, paths: StudyPaths) -> pd.DataFrame:
    """The URLs a ``urls`` or ``feed`` source names (feeds: every saved snapshot's entries)."""
    if source.kind == "urls":
        where = f"{paths.study_file}: [[sources]] kind = 'urls', key 'path' = {source.path!r}"
        rows, problems = read_url_list(paths.check_inside(paths.resolve(source.path), what=where),
                                       outlet=source.outlet)
        for problem in problems:
            log.warning("urls: %s", problem)
        return rows
    snapshots = [paths.resolve(source.path)] if source.path else storage.list_files(_feed_folder(source, paths), "*.xml")
    frames = []
    for snapshot in snapshots:
        try:
            frames.append(parse_feed(storage.read_bytes(snapshot), feed_url=source.url or str(snapshot), outlet=source.outlet))
        except InputFileError as exc:
            log.warning("feed snapshot %s skipped: %s", snapshot.name, exc)
    return pd.concat(frames, ignore_index=True).drop_duplicates("url") if frames else pd.DataFrame(
        columns=["url", "outlet", "title", "published", "line"])


def collect_study(study: Study, paths: StudyPaths, *, fetcher: Fetcher | None = None, refresh: bool = False,
                  retry_gone: bool = False, allow_private_addresses: bool = False,
                  progress: bool = False) -> pd.DataFrame:
    """Fetch every URL of the study's ``urls`` and ``feed`` sources; return this run's log rows.

    Failures never stop the run: each URL ends with a log row saying what
    happened (ok, http_error, timeout, unreachable, refused_address, ...).
    ``allow_private_addresses`` comes from the command line only, never from
    the study file (see :mod:`analysis.collect.netguard`).
    """
    sources = [s for s in study.sources if s.kind in URL_KINDS]
    if not sources:
        return rawstore.read_collection_log(paths.web).iloc[0:0]
    own = fetcher is None
    if fetcher is None:
        c = study.collect
        policy = FetchPolicy(per_host_delay=c.per_host_delay, timeout=c.timeout, max_bytes=c.max_bytes,
                             retries=c.retries, respect_robots=c.respect_robots,
                             **({"user_agent": c.user_agent} if c.user_agent else {}))
        fetcher = Fetcher(policy, allow_private_addresses=allow_private_addresses)
    try:
        for source in sources:
            if source.kind == "feed" and source.url:
                result = fetcher.fetch(source.url)
                try:  # keep only snapshots that are feeds with entries
                    parse_feed(result.body or b"", feed_url=source.url)
                except InputFileError as exc:
                    log.warning("feed %s: %s %s; no snapshot kept", source.url, result.status, result.error or exc)
                else:
                    digest = hashlib.sha256(result.body).hexdigest()
                    target = _feed_folder(source, paths) / f"{digest}.xml"
                    if not target.exists():
                        storage.write_bytes(target, result.body)
        urls = pd.concat([source_urls(s, paths) for s in sources], ignore_index=True).drop_duplicates("url")
        run_log = rawstore.collect_urls(urls, raw_dir=paths.web, fetcher=fetcher, refresh=refresh,
                                        retry_gone=retry_gone, progress=progress)
    finally:
        if own:
            fetcher.close()
    counts = run_log["status"].value_counts().to_dict()
    log.info("collect: %d URLs fetched this run (%s); already collected URLs skipped", len(run_log),
             ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
    return run_log


def _page_row(html_bytes: bytes, *, content_type: str | None, url: str | None, key: str, source_id: str,
              outlet: str | None, fallback_title: str | None, fallback_published: str | None) -> dict | None:
    html, _encoding, repair = decode_page(html_bytes, content_type=content_type)
    art = extract_article(html, url=url)
    if not art["text"].strip():
        return None
    text, how = repair_mojibake(art["text"])
    title, how_title = repair_mojibake(art["title"] or fallback_title or "")
    if repair or how or how_title:  # the raw page is kept as fetched; the article says it was repaired
        log.warning("ingest: %s: mojibake repaired (%s); flagged mojibake_repaired", url or source_id,
                    "; ".join(h for h in (repair, how, how_title) if h))
    return dict(source=key, source_id=source_id, source_outlet=outlet or "", url=url or art["canonical_url"],
                title=title, published=art["published"] or fallback_published,
                text=text, dataset_label=None, extractor=f"trafilatura {art['extractor_version']}",
                canonical_url=art["canonical_url"], author=art.get("author"),
                ingest_flags="mojibake_repaired" if repair or how or how_title else "")


def collected_rows(source: Source, paths: StudyPaths) -> pd.DataFrame:
    """Article rows from the pages collected for a ``urls``/``feed`` source (latest ok snapshot per URL)."""
    wanted = source_urls(source, paths)
    collected = rawstore.read_collection_log(paths.web)
    recorded = {tuple(line.split("\t")[:2]) for line in storage.read_committed_lines(paths.web / EXTRACTION_LOG)}
    ok = collected.loc[collected["status"] == "ok"].drop_duplicates("url", keep="last").set_index("url")
    rows, empty = [], []
    for url, outlet, title, published in wanted[["url", "outlet", "title", "published"]].itertuples(index=False):
        if url not in ok.index:
            continue
        entry = ok.loc[url]
        page = paths.web / entry["page_path"]
        if not page.exists():
            raise StageInputError(f"{page}: raw page of {url} is missing from the evidence store; "
                                  f"restore it or run `python -m analysis collect {paths.study} --refresh`")
        row = _page_row(storage.read_bytes(page), content_type=entry["content_type"],
                        url=entry["final_url"] or url, key="web", source_id=url, outlet=outlet,
                        fallback_title=title, fallback_published=published)
        (rows.append(row) if row else empty.append(url))
        # Raw evidence says which extractor read each stored page (append-only, one line per page and version).
        extractor = row["extractor"] if row else "trafilatura (empty)"
        if (entry["content_sha256"], extractor) not in recorded:
            storage.append_line(paths.web / EXTRACTION_LOG, f"{entry['content_sha256']}\t{extractor}\t{url}")
            recorded.add((entry["content_sha256"], extractor))
    missing = len(wanted) - len(rows) - len(empty)
    if empty or missing:
        log.warning("ingest: %d of %d URLs have no article (%d not collected, see collection_status.csv; "
                    "%d extraction empty)", missing + len(empty), len(wanted), missing, len(empty))
    return pd.DataFrame(rows, columns=[*ROW_COLUMNS, "ingest_flags"])


def saved_page_rows(source: Source, paths: StudyPaths) -> pd.DataFrame:
    """Article rows from a folder of saved HTML pages."""
    rows = []
    where = f"{paths.study_file}: [[sources]] kind = 'html', key 'path' = {source.path!r}"
    for path in storage.list_files(paths.check_inside(paths.resolve(source.path), what=where), source.pattern):
        row = _page_row(storage.read_bytes(paths.check_inside(path, what=where)), content_type=None, url=None, key=f"file:{source.path}",
                        source_id=path.name, outlet=source.outlet, fallback_title=None, fallback_published=None)
        if row is None:
            log.warning("ingest: %s: extraction empty; skipped", path)
        else:
            rows.append(row)
    return pd.DataFrame(rows, columns=[*ROW_COLUMNS, "ingest_flags"])


def collection_status(study: Study, paths: StudyPaths, *, extracted: set[str] | None = None) -> pd.DataFrame:
    """One row per URL of the study: its latest collection status (for the report).

    No retrieval time here (the raw log has it), so an unchanged outcome
    gives an unchanged file and re-runs stay byte-identical.
    """
    sources = [s for s in study.sources if s.kind in URL_KINDS]
    if not sources:
        return pd.DataFrame(columns=["url", "outlet", "status", "http_status", "error"])
    urls = pd.concat([source_urls(s, paths) for s in sources], ignore_index=True).drop_duplicates("url")
    log_ = rawstore.read_collection_log(paths.web).drop_duplicates("url", keep="last")
    out = urls[["url", "outlet"]].merge(log_[["url", "status", "http_status", "error"]], on="url", how="left")
    if extracted is not None:  # fetched fine but trafilatura found no article text
        empty = (out["status"] == "ok") & ~out["url"].isin(extracted)
        out.loc[empty, "status"] = "extraction_empty"
    return out.fillna({"status": "not collected", "error": ""})


def collected_pages(paths: StudyPaths) -> pd.DataFrame:
    """Latest outcome per URL in the evidence store: url, status, content_sha256 (no times, stable bytes)."""
    log_ = rawstore.read_collection_log(paths.web).drop_duplicates("url", keep="last")
    return log_[["url", "status", "content_sha256"]].sort_values("url").reset_index(drop=True)
