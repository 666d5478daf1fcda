"""Text reuse: who copied whom, in which passages, and which articles are one syndicated story.

For every pair of articles that share text: the directional containment of
word n-gram shingles, the aligned passages, and the likely source (the
earlier article, when both are dated and the dates differ). Candidate pairs
come from datasketch's MinHash LSH Ensemble (Zhu et al. 2016), an index
built for containment rather than Jaccard: a 300-word rewrite inside a
1,500-word report has a Jaccard of at most 0.2 however much of it was
copied. The exact containment of the shingle sets then decides, so a pair
near the threshold does not hinge on LSH luck.

Outputs are tidy tables: ``reuse_pairs`` (one row per pair), ``reuse_passages``
(aligned spans), ``reuse_clusters`` (syndicated copies of one story),
``article_wire`` (the agency an article credits) and ``sentence_reuse`` (how
much of each sentence is shared, for reuse-aware comparisons).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSHEnsemble

from analysis.core import tables

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ReuseSettings:
    """Thresholds for :func:`find_reuse`; measured choices are explained where they are used."""

    shingle: int = 5
    min_containment: float = 0.15
    min_passage_words: int = 10
    syndication: float = 0.5
    num_perm: int = 128
    num_part: int = 8
    seed: int = 1


# --- shingles --------------------------------------------------------------

def word_spans(text: str) -> tuple[list[str], np.ndarray]:
    """Folded words of ``text`` and their (start, end) character offsets."""
    matches = list(_WORD.finditer(text))
    words = [m.group() for m in matches]
    # NFKC only where it can matter: it is most of the cost, and ASCII words are already normal.
    words = [(w if w.isascii() else unicodedata.normalize("NFKC", w)).casefold() for w in words]
    spans = np.fromiter((x for m in matches for x in m.span()), dtype=np.int64, count=2 * len(matches))
    return words, spans.reshape(-1, 2)


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """One 32-bit hash per position: the words ``i .. i+size-1`` (crc32, stable across runs and processes)."""
    if len(words) < size:
        return np.asarray([zlib.crc32(" ".join(words).encode())] if words else [], dtype=np.uint64)
    return np.fromiter((zlib.crc32(" ".join(words[i:i + size]).encode()) for i in range(len(words) - size + 1)),
                       dtype=np.uint64, count=len(words) - size + 1)


# --- candidate pairs -------------------------------------------------------

# LSH proposes pairs from a threshold this much below min_containment, so
# pairs just above it are not lost to banding; the exact containment decides.
CANDIDATE_MARGIN = 0.05


def _candidate_pairs(sets: list[np.ndarray], *, settings: ReuseSettings) -> Iterator[tuple[int, int]]:
    """(i, j), i < j, for every pair the LSH Ensemble says may reach the containment threshold either way."""
    usable = [i for i, s in enumerate(sets) if len(s)]
    hashes = MinHash.bulk([sets[i] for i in usable], num_perm=settings.num_perm, seed=settings.seed,
                          hashfunc=int)
    index = MinHashLSHEnsemble(threshold=max(0.05, settings.min_containment - CANDIDATE_MARGIN),
                               num_perm=settings.num_perm, num_part=min(settings.num_part, max(1, len(usable))))
    index.index([(i, h, len(sets[i])) for i, h in zip(usable, hashes)])
    seen: set[tuple[int, int]] = set()
    for i, h in zip(usable, hashes):
        for j in index.query(h, len(sets[i])):
            pair = (min(i, j), max(i, j))
            if i != j and pair not in seen:
                seen.add(pair)
                yield pair


# --- passages --------------------------------------------------------------

def _aligned_runs(b_of_a: list[int | None], *, max_gap: int) -> list[tuple[int, int, int, int]]:
    """(a_first, a_last, b_first, b_last) shingle positions of runs that advance together in a and b.

    A run continues while the next matched shingle of a is at most
    ``max_gap`` positions further on in a and lands just after the last one
    in b, so a shuffled rewrite gives one passage per moved sentence rather
    than one span across the whole article.
    """
    runs: list[list[int]] = []
    for i, j in enumerate(b_of_a):
        if j is None:
            continue
        if runs and i - runs[-1][1] <= max_gap + 1 and 0 < j - runs[-1][3] <= max_gap + 1:
            runs[-1][1], runs[-1][3] = i, j
        else:
            runs.append([i, i, j, j])
    return [tuple(r) for r in runs]


def align_passages(hashes_a: np.ndarray, spans_a: np.ndarray, hashes_b: np.ndarray, spans_b: np.ndarray, *,
                   size: int, min_words: int) -> list[tuple[int, int, int, int, int]]:
    """Aligned passages of a in b: (a_start, a_end, b_start, b_end, n_words), character offsets.

    One changed word breaks ``size`` shingles, so gaps of up to ``size``
    positions are bridged: a lightly edited sentence stays one passage.
    Shingles that occur twice in b are aligned to their first occurrence.
    """
    first_in_b: dict[int, int] = {}
    for pos, h in enumerate(hashes_b.tolist()):
        first_in_b.setdefault(h, pos)
    b_of_a = [first_in_b.get(h) for h in hashes_a.tolist()]
    out = []
    for a_lo, a_hi, b_lo, b_hi in _aligned_runs(b_of_a, max_gap=size):
        a_last = min(a_hi + size, len(spans_a)) - 1
        n_words = a_last - a_lo + 1
        if n_words < min_words:
            continue
        b_last = min(b_hi + size, len(spans_b)) - 1
        out.append((int(spans_a[a_lo, 0]), int(spans_a[a_last, 1]), int(spans_b[b_lo, 0]), int(spans_b[b_last, 1]),
                    int(n_words)))
    return out


# --- pairs -----------------------------------------------------------------

def _dated_table(rows: list, name: str) -> pd.DataFrame:
    """Table ``name`` (one with datetime columns) from row tuples in schema order, each column cast to its kind.

    Not :func:`analysis.core.tables.from_rows`: that casts datetimes to nanoseconds, while these keep the
    unit ``pd.to_datetime`` gives (microseconds for the articles' dates), as the stored tables always have.
    """
    columns = tables.schema(name).columns
    df = pd.DataFrame(rows, columns=[c.name for c in columns])
    for c in columns:
        if c.kind == "int":
            df[c.name] = df[c.name].astype("int64")
        elif c.kind == "float":
            df[c.name] = df[c.name].astype("float64")
        elif c.kind == "bool":
            df[c.name] = df[c.name].astype(bool)
        elif c.kind == "datetime":
            df[c.name] = pd.to_datetime(df[c.name], utc=True)
        else:
            df[c.name] = df[c.name].astype("str")
    return df


def _direction(a: pd.Timestamp, b: pd.Timestamp) -> str:
    if pd.isna(a) or pd.isna(b) or a == b:
        return "unknown"
    return "a->b" if a < b else "b->a"


def find_reuse(articles: pd.DataFrame, *, settings: ReuseSettings = ReuseSettings()) -> tuple[pd.DataFrame,
                                                                                              pd.DataFrame]:
    """Reuse pairs and their aligned passages for every pair of articles in ``articles``.

    ``articles`` needs ``doc_id``, ``outlet``, ``text`` and (optionally)
    ``published``. A pair is reported when either article has at least
    ``min_containment`` of its shingles in the other and they share a passage
    of at least ``min_passage_words`` words; a shared quote or stock phrase
    alone is not reuse. Returns (``reuse_pairs``, ``reuse_passages``).
    """
    ids = articles["doc_id"].astype(str).tolist()
    order = np.argsort(ids, kind="stable")
    ids = [ids[i] for i in order]
    texts = [t if isinstance(t, str) else "" for t in articles["text"].to_numpy()[order]]
    outlets = articles["outlet"].astype(str).to_numpy()[order]
    published = (pd.to_datetime(articles["published"], utc=True).to_numpy()[order] if "published" in articles
                 else np.full(len(ids), np.datetime64("NaT")))
    # Per article only compact arrays are kept (hashes, word offsets), never the words: on the
    # 37,554-article AllSides corpus the word lists alone would take gigabytes.
    positional, spans = [], []
    for text in texts:
        words, offsets = word_spans(text)
        positional.append(shingle_hashes(words, settings.shingle).astype(np.uint32))
        spans.append(offsets.astype(np.int32))
    sets = [np.unique(h) for h in positional]
    pair_rows, passage_rows = [], []
    for i, j in sorted(_candidate_pairs(sets, settings=settings)):
        shared = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
        c_ij, c_ji = shared / len(sets[i]), shared / len(sets[j])
        if max(c_ij, c_ji) < settings.min_containment:
            continue
        passages = align_passages(positional[i], spans[i], positional[j], spans[j],
                                  size=settings.shingle, min_words=settings.min_passage_words)
        if not passages:
            continue
        pa, pb = pd.Timestamp(published[i]), pd.Timestamp(published[j])
        direction = _direction(pa, pb)
        source = {"a->b": ids[i], "b->a": ids[j]}.get(direction, "")
        pair_rows.append((ids[i], ids[j], outlets[i], outlets[j], pa, pb, len(sets[i]), len(sets[j]), c_ij, c_ji,
                          shared / (len(sets[i]) + len(sets[j]) - shared), len(passages),
                          max(p[4] for p in passages), direction, source, outlets[i] == outlets[j],
                          max(c_ij, c_ji) >= settings.syndication))
        passage_rows += [(ids[i], ids[j], k, *p) for k, p in enumerate(passages)]
    return _dated_table(pair_rows, "reuse_pairs"), tables.from_rows(passage_rows, "reuse_passages")


# --- wire credits ----------------------------------------------------------

# Agencies credited in the text itself. A dateline "(Reuters) -" or a credit
# line means the article is the agency's copy; "contributed to this report"
# means it used some; "Reuters reported" is a citation, which the quotes
# module counts, not a credit.
_AGENCY = r"(?P<agency>Reuters|AP|Associated Press|AFP|Agence France-Presse|Bloomberg|Xinhua)"
WIRE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("dateline", re.compile(r"^[^\n]{0,80}?\(" + _AGENCY + r"\)\s*[-—–]")),
    ("credit line", re.compile(r"(?:Reporting by [^\n]{3,200}?(?:Editing|Writing) by)", re.IGNORECASE)),
    ("credit line", re.compile(r"(?:Copyright|©)\s*\d{4}\s+(?:The\s+)?" + _AGENCY)),
    ("credit line", re.compile(r"^[ \t]*[-—–]?\s*(?:The\s+)?" + _AGENCY + r"\s*$", re.MULTILINE)),
    ("contribution line", re.compile(r"(?:The\s+)?" + _AGENCY + r"\s+contributed to this (?:report|story)",
                                     re.IGNORECASE)),
)
_CANONICAL_AGENCY = {"associated press": "AP", "ap": "AP", "agence france-presse": "AFP", "afp": "AFP",
                     "reuters": "Reuters", "bloomberg": "Bloomberg", "xinhua": "Xinhua"}


# A byline naming an agency as one of its comma-separated authors ("Matthew Lee, Associated Press").
_BYLINE_AGENCY = re.compile(r"^(?:the\s+)?" + _AGENCY + r"(?:\s+news)?$", re.IGNORECASE)


def credited_agency(text: str, *, author: str | None = None) -> tuple[str, str, str]:
    """(agency, basis, evidence) for the strongest wire credit in ``text`` or its byline; empty strings if none.

    Datelines and credit lines come first; then the byline (AllSides keeps
    "Associated Press" there while the text has lost its dateline); then a
    "contributed to this report" line.
    """
    found = _text_credit(text, ("dateline", "credit line"))
    if found[0] or not author:
        return found if found[0] else _text_credit(text, ("contribution line",))
    for part in re.split(r"[,;]|\band\b", author):
        m = _BYLINE_AGENCY.match(part.strip())
        if m:
            return _CANONICAL_AGENCY[m["agency"].casefold()], "byline", " ".join(author.split())[:80]
    return _text_credit(text, ("contribution line",))


def _text_credit(text: str, bases: tuple[str, ...]) -> tuple[str, str, str]:
    for basis, pattern in WIRE_PATTERNS:
        if basis not in bases:
            continue
        m = pattern.search(text)
        if m is None:
            continue
        agency = m.groupdict().get("agency") or "Reuters"  # "Reporting by ...; Editing by" is Reuters' house style
        return _CANONICAL_AGENCY[agency.casefold()], basis, " ".join(m.group().split())[:80]
    return "", "", ""


def article_wire(articles: pd.DataFrame) -> pd.DataFrame:
    """The ``article_wire`` table: the agency each article's text (or byline, if ``author`` is given) credits."""
    authors = articles["author"] if "author" in articles else pd.Series(None, index=articles.index)
    rows = [(str(d), str(o), *credited_agency(t if isinstance(t, str) else "",
                                              author=a if isinstance(a, str) else None))
            for d, o, t, a in zip(articles["doc_id"], articles["outlet"], articles["text"], authors)]
    return tables.from_rows(rows, "article_wire")


# --- syndication clusters --------------------------------------------------

def reuse_clusters(pairs: pd.DataFrame, articles: pd.DataFrame, *, wire: pd.DataFrame | None = None) -> pd.DataFrame:
    """Syndicated stories: connected components of ``syndicated`` pairs, one row per member.

    The origin is the earliest dated member (ties: longest text, then doc_id);
    the cluster's agency is the one most of its members credit.
    """
    syndicated = pairs.loc[pairs["syndicated"]]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(syndicated["doc_a"], syndicated["doc_b"]):
        ra, rb = sorted((find(a), find(b)))
        parent[rb] = ra
    members: dict[str, list[str]] = defaultdict(list)
    for doc in sorted(parent):
        members[find(doc)].append(doc)
    info = articles.set_index(articles["doc_id"].astype(str))
    published = pd.to_datetime(info["published"], utc=True) if "published" in info else pd.Series(pd.NaT, info.index)
    length = info["text"].str.len()
    agency = (wire.set_index("doc_id") if wire is not None else article_wire(articles).set_index("doc_id"))
    containment = {}
    for r in syndicated.itertuples(index=False):
        containment[(r.doc_a, r.doc_b)] = r.containment_a_in_b
        containment[(r.doc_b, r.doc_a)] = r.containment_b_in_a
    rows, clusters = [], sorted(members.values(), key=lambda m: (published[m].min() if published[m].notna().any()
                                                                  else pd.Timestamp.max.tz_localize("UTC"), m[0]))
    for k, docs in enumerate(clusters):
        origin = sorted(docs, key=lambda d: (pd.isna(published[d]), published[d] if pd.notna(published[d]) else 0,
                                             -length[d], d))[0]
        credits = Counter(agency.loc[d, "wire_agency"] for d in docs
                          if agency.loc[d, "wire_basis"] in ("dateline", "credit line", "byline"))
        credits.pop("", None)
        name = credits.most_common(1)[0][0] if credits else ""
        n_outlets = info.loc[docs, "outlet"].nunique()
        for d in docs:
            rows.append((f"r{k + 1:04d}", d, info.loc[d, "outlet"], published[d], d == origin,
                         1.0 if d == origin else containment.get((d, origin), np.nan), name, len(docs), n_outlets))
    return _dated_table(rows, "reuse_clusters")


# --- sentence marks for reuse-aware comparisons ------------------------------

def sentence_reuse(sentences: pd.DataFrame, pairs: pd.DataFrame, passages: pd.DataFrame,
                   articles: pd.DataFrame) -> pd.DataFrame:
    """How much of each sentence is shared, with how many articles, and whether it is the copy.

    A sentence is a copy when at least half of it lies in passages shared
    with an article that is its likely source; when the direction is
    unknown, the article that comes first in canonical order (earliest dated,
    then doc_id, as in cleaning) keeps the text and the other holds the copy.
    """
    published = pd.to_datetime(articles.set_index("doc_id")["published"], utc=True) \
        if "published" in articles else pd.Series(pd.NaT, index=articles["doc_id"])

    def precedes(x: str, y: str) -> bool:
        px, py = published.get(x, pd.NaT), published.get(y, pd.NaT)
        return (pd.isna(px), px if pd.notna(px) else 0, x) < (pd.isna(py), py if pd.notna(py) else 0, y)

    sources = {}
    for r in pairs.itertuples(index=False):
        src = r.source_doc_id or (r.doc_a if precedes(r.doc_a, r.doc_b) else r.doc_b)
        sources[(r.doc_a, r.doc_b)] = src
    # (doc, partner) -> list of (start, end) spans in doc
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for r in passages.itertuples(index=False):
        spans[r.doc_a].append((r.doc_b, r.a_start, r.a_end))
        spans[r.doc_b].append((r.doc_a, r.b_start, r.b_end))
    rows = []
    for doc, sent, outlet, start, end in zip(sentences["doc_id"], sentences["sent_id"], sentences["outlet"],
                                             sentences["start"], sentences["end"]):
        length = max(1, end - start)
        covered = np.zeros(length, dtype=bool)
        by_partner: dict[str, np.ndarray] = {}
        for partner, s, e in spans.get(doc, ()):
            lo, hi = max(s, start) - start, min(e, end) - start
            if hi > lo:
                covered[lo:hi] = True
                by_partner.setdefault(partner, np.zeros(length, dtype=bool))[lo:hi] = True
        shared_with = [p for p, m in by_partner.items() if m.mean() >= 0.5]
        is_copy = any(sources[tuple(sorted((doc, p)))] == p for p in shared_with)
        rows.append((doc, sent, outlet, float(covered.mean()), len(shared_with), is_copy))
    return tables.from_rows(rows, "sentence_reuse")
