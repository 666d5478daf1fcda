"""Reading what users bring: URL lists and RSS/Atom feeds.

A URL list is one URL per line (``#`` comments allowed) or a CSV with a
``url`` column, which is what Media Cloud and GDELT exports look like;
optional ``outlet``, ``title`` and ``published`` columns travel with each
URL. Feeds are parsed with feedparser, which copes with every RSS and Atom
dialect and with the malformed XML feeds often are; each entry's link
becomes a URL to collect.
"""

from __future__ import annotations

import csv
import io as _io
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pandas as pd

from analysis.collect.rows import Problem
from analysis.core import storage
from analysis.core.errors import InputFileError

URL_COLUMNS = ["url", "outlet", "title", "published", "line"]


def _usable_url(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "not an http(s) URL"
    return None


def read_url_list(path: Path, *, outlet: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """URLs from a text or CSV file, de-duplicated, with problems reported by line."""
    path = Path(path)
    try:
        text = storage.read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    rows: list[dict] = []
    problems: list[Problem] = []
    first = text.lstrip().split("\n", 1)[0].lower()
    if path.suffix.lower() == ".csv" or first.startswith("url,") or ",url" in first:
        reader = csv.DictReader(_io.StringIO(text, newline=""))
        if not reader.fieldnames or "url" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InputFileError(f"{path.name}: a CSV URL list needs a 'url' column; found {reader.fieldnames}")
        line = 2
        for rec in reader:
            rec = {k.strip().lower(): (v or "").strip() for k, v in rec.items() if k}
            rows.append(dict(url=rec.get("url", ""), outlet=rec.get("outlet") or outlet,
                             title=rec.get("title") or None, published=rec.get("published") or None, line=line))
            line = reader.line_num + 1
    else:
        for line, raw in enumerate(text.split("\n"), start=1):
            # "#" starts a comment at the line start or after white space; inside a URL it is a fragment.
            url = "" if raw.lstrip().startswith("#") else re.split(r"\s+#", raw, maxsplit=1)[0].strip()
            if url:
                rows.append(dict(url=url, outlet=outlet, title=None, published=None, line=line))
    kept, seen = [], set()
    for row in rows:
        reason = _usable_url(row["url"])
        if reason:
            problems.append(Problem(path.name, row["line"], f"{reason}: {row['url']!r}; skipped"))
        elif row["url"] in seen:
            problems.append(Problem(path.name, row["line"], f"duplicate URL {row['url']}; kept the first"))
        else:
            seen.add(row["url"])
            kept.append(row)
    return pd.DataFrame(kept, columns=URL_COLUMNS), problems


def parse_feed(data: bytes | str, *, feed_url: str = "", outlet: str | None = None) -> pd.DataFrame:
    """Entries of an RSS/Atom document as URL rows (``url``, ``outlet``, ``title``, ``published``).

    feedparser never raises on bad XML; it sets ``bozo``. A feed with no
    usable entries is an error that says what feedparser saw.
    """
    parsed = feedparser.parse(data)
    rows = []
    for i, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or entry.get("id") or ""
        if _usable_url(link):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = pd.Timestamp(*stamp[:6], tz="UTC").isoformat() if stamp else None
        rows.append(dict(url=link, outlet=outlet or parsed.feed.get("title") or None,
                         title=entry.get("title") or None, published=published, line=i))
    if not rows:
        why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputFileError(f"{feed_url or 'feed'}: no entries with http(s) links{why}")
    return pd.DataFrame(rows, columns=URL_COLUMNS).drop_duplicates("url")
