"""The shape every source's rows take before ingest turns them into ``articles_raw``, and how a bad row is reported.

Readers of URL lists, feeds, saved pages, text files and imports all produce
these columns, so ingest can stack them; a row that cannot be used becomes a
:class:`Problem` instead of vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_COLUMNS = ["source", "source_id", "source_outlet", "url", "title", "published", "text", "dataset_label",
               "extractor", "canonical_url", "author"]

# One limit on an article's text, whatever brought it in (JSONL, CSV, XLSX, text files, web pages). The
# longest of AllSides' 37,554 articles has 76,553 characters; a million is a long book, and a 10 MB "article"
# took 57 s and 2.4 GB through measure. Longer text is cut (at a space) and the article flagged ``truncated``.
MAX_ARTICLE_CHARS = 1_000_000


@dataclass(frozen=True)
class Problem:
    """A row that could not be used (``skipped``), or a note about one that was kept, as ``file:line: reason``."""

    file: str
    line: int
    reason: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def limit_text(text: str, *, limit: int = MAX_ARTICLE_CHARS) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters at the last white space before it; whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", limit // 2, limit + 1)
    return text[: cut if cut > 0 else limit].rstrip(), True


def join_flags(*flags: str | None) -> str:
    """';'-joined flags without empties or repeats, in order (the form of ``articles.quality_flags``)."""
    seen: list[str] = []
    for group in flags:
        for flag in (group or "").split(";"):
            if flag and flag not in seen:
                seen.append(flag)
    return ";".join(seen)
