"""Same-event datasets for provenance: NeuS AllSides roundups (Lee et al., NAACL 2022).

Two readings of one release. ``roundups`` is the raw 2021 crawl: 506 AllSides
stories, each covered by a left, a center and (mostly) a right outlet, with
outlet names, links and lead paragraphs; it feeds ``kind = "dataset"``
sources, one article per (story, side), keyed to the story by ``event_id``.
``probe_*`` are the paper's splits: human-grouped same-event triplets
without outlet names, used to validate fact matching.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.collect.datasets import iter_jsonl, locate
from analysis.core import storage

SIDES = ("left", "center", "right")


def load_neus_roundups(*, download: bool = False) -> pd.DataFrame:
    """One row per (AllSides story, side): ``source_id`` ("<story id>:<side>"), ``source_outlet``, ``url``,
    ``title``, ``published`` (the story's date, UTC), ``text`` (lead paragraphs joined by blank lines),
    ``dataset_label`` (the side: left/center/right), ``event_id`` ("allsides:<story id>"), ``topic``, ``author``.
    """
    path = locate("neus", "roundups", download=download)
    rows = []
    for story in iter_jsonl(path):
        for side, item in sorted((story.get("news") or {}).items()):
            body = [p.strip() for p in item.get("newBody") or [] if p and p.strip()]
            if not body:
                continue
            rows.append((f"{story['id']}:{side}", item.get("newsSource") or "", item.get("newsLink") or None,
                         item.get("newsTitle") or "", story.get("date"), "\n\n".join(body),
                         item.get("stance") or side, f"allsides:{story['id']}", story.get("topic") or "", ""))
    df = pd.DataFrame(rows, columns=["source_id", "source_outlet", "url", "title", "published", "text",
                                     "dataset_label", "event_id", "topic", "author"])
    df["published"] = pd.to_datetime(df["published"], errors="coerce", utc=True)
    return df


_PROBE_ITEM = re.compile(r"^\s*TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<lead>.*)$", re.DOTALL)


def load_neus_probe(split: str = "test", *, download: bool = False) -> pd.DataFrame:
    """The paper's same-event triplets: ``event_id`` ("<split>:<line>"), ``doc_id`` ("<event>:<position>"),
    ``position`` (0-2; sides are in random order and unnamed), ``title``, ``text`` (the lead).
    """
    if split not in ("train", "val", "test"):
        raise ValueError(f"split={split!r}; allowed: train, val, test")
    path = locate("neus", f"probe_{split}", download=download)
    rows = []
    for line_no, line in enumerate(storage.read_text(path).splitlines()):
        for position, item in enumerate(line.split(" [SEP] ")):
            m = _PROBE_ITEM.match(item)
            if m is None:
                raise ValueError(f"{path}:{line_no + 1}: item {position} lacks 'TITLE=> ... ARTICLE=>'")
            event = f"{split}:{line_no}"
            rows.append((event, f"{event}:{position}", position, m["title"].strip(), m["lead"].strip()))
    return pd.DataFrame(rows, columns=["event_id", "doc_id", "position", "title", "text"])
