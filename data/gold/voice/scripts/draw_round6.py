"""Draw round six's test articles and list their candidate sentences, as data/gold/voice/README.md describes.

    python data/gold/voice/scripts/draw_round6.py [--subset PATH] [--show]

Re-implements the README's matcher (the ``entity_list`` codebook's indicators as whole words, a trailing ``*`` a
prefix wildcard, spaces also matching a hyphen; its patterns as regexes) and splitter (lines, then ``.!?`` plus
closing quotes before a capital, digit or opening quote, except after the listed abbreviations), written apart
from the toolkit so that the gold does not inherit the toolkit's choices. Prints the 24 drawn ids; ``--show``
prints each article's candidate sentences with their offsets, as the annotators read them. The gold stores no
article text; this script reads it from the shared AllSides subset.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import re
import tomllib
from pathlib import Path

GOLD = Path(__file__).resolve().parents[2]
CODEBOOK = GOLD.parent / "codebooks" / "entity_list.toml"
SUBSET = GOLD.parents[2] / "shared" / "data" / "allsides" / "china_related_subset.jsonl.gz"
POOL = re.compile(r"huawei|zte|xinjiang|uighur|uyghur|hong kong|sanction|trade war|entity list|hikvision|tariff", re.I)
ABBR = set("U.S U.K U.N Mr Mrs Ms Dr Sen Rep Gov Gen Jan Feb Mar Apr Aug Sept Sep Oct Nov Dec St Jr Sr No Inc Corp "
           "Co Ltd Lt Col Capt vs Prof Rev Ft Mt D.C".split())
BOUND = re.compile(r'[.!?]["”’\')]*\s+(?=["“‘(]?[A-Z0-9])')
SEED, N_ARTICLES, PER_OUTLET, CAP = 20261207, 24, 2, 12


def frames() -> list[tuple[str, list[re.Pattern]]]:
    book = tomllib.loads(CODEBOOK.read_text(encoding="utf-8"))
    out = []
    for frame in book["frames"]:
        pats = []
        for ind in frame["indicators"]:
            body = "[ -]".join(re.escape(w) for w in ind.rstrip("*").split(" "))
            pats.append(r"(?<![\w-])" + body + (r"\w*" if ind.endswith("*") else "") + r"(?!\w)")
        out.append((frame["id"], [re.compile(p, re.I) for p in pats + list(frame.get("patterns", []))]))
    return out


def split(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        ls, pos, start = pos, pos + len(line) + 1, 0
        if not line.strip():
            continue
        for m in BOUND.finditer(line):
            w = re.search(r"(\S+)$", line[:m.start() + 1])
            word = w.group(1).rstrip(".!?").lstrip('"“(') if w else ""
            if line[m.start()] == "." and (word in ABBR or re.fullmatch(r"[A-Z]", word)
                                           or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word)):
                continue
            seg = line[start:m.end()]
            s, e = start + len(seg) - len(seg.lstrip()), start + len(seg.rstrip())
            if e > s:
                out.append((ls + s, ls + e))
            start = m.end()
        seg = line[start:]
        s, e = start + len(seg) - len(seg.lstrip()), start + len(seg.rstrip())
        if e > s:
            out.append((ls + s, ls + e))
    return out


def candidates(text: str, matchers) -> list[tuple[int, int, str, str]]:
    rows, n = [], 0
    for s, e in split(text):
        cues = []
        for fid, pats in matchers:
            hits = [m for p in pats if (m := p.search(text[s:e]))]
            if hits:
                best = min(hits, key=lambda m: (m.start(), -m.end()))
                cues.append((fid, best.group()))
        if not cues:
            continue
        n += 1
        if n > CAP:
            break
        rows += [(s, e, fid, cue) for fid, cue in cues]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=Path, default=SUBSET)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    matchers = frames()
    known = set()  # every article id in a gold file before round six (its own rows left out, so the draw repeats)
    for path in GOLD.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        if path.name == "voice.csv":
            text = "\n".join(line for line in text.splitlines() if not line.endswith(",6"))
        known |= set(re.findall(r"\b[A-Za-z0-9]{16}\b", text))
    pool = []
    with gzip.open(args.subset, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = r["content_original"] or ""
            if ((r.get("date_iso") or "")[:4] in ("2018", "2019", "2020") and 1200 <= len(text) <= 9000
                    and (POOL.search(r["title"] or "") or POOL.search(text[:3000])) and r["ID"] not in known
                    and candidates(text, matchers)):
                pool.append(r)
    pool.sort(key=lambda r: r["ID"])
    random.Random(SEED).shuffle(pool)
    per_outlet, drawn = collections.Counter(), []
    for r in pool:
        if per_outlet[r["source"]] < PER_OUTLET and len(drawn) < N_ARTICLES:
            per_outlet[r["source"]] += 1
            drawn.append(r)
    print(f"pool {len(pool)}; drawn {len(drawn)}")
    for r in drawn:
        print(r["ID"], r["source"], r["bias_text"], r["date_iso"][:10])
        if args.show:
            for s, e, fid, cue in candidates(r["content_original"], matchers):
                print(f"    [{s}] {fid}={cue!r}: {r['content_original'][s:e]}")


if __name__ == "__main__":
    main()
