"""The shape every source's rows take before ingest turns them into ``articles_raw``, and how a bad row is reported.

Readers of URL lists, feeds, saved pages, text files and imports all produce
these columns, so ingest can stack them; a row that cannot be used becomes a
:class:`Problem` instead of vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_COLUMNS = ["source", "source_id", "source_outlet", "url", "title", "published", "text", "dataset_label",
               "extractor", "canonical_url", "author"]


@dataclass(frozen=True)
class Problem:
    """A row that could not be used, reported as ``file:line: reason``."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"
