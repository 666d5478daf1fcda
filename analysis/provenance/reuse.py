"""Text reuse: who copied whom, in which passages, and which articles are one syndicated story.

For every pair of articles that share text: the directional containment of
word n-gram shingles, the aligned passages, and the likely source (the
earlier article, when both are dated and the dates differ). Containment, not
Jaccard: a 300-word rewrite inside a 1,500-word report has a Jaccard of at
most 0.2 however much of it was copied. Candidate pairs are every pair whose
shared shingles may reach the threshold (:mod:`analysis.provenance.shared_shingles`:
counted exactly, no pair is missed); the exact containment of the shingle sets
then decides.

Outputs are tidy tables: ``reuse_pairs`` (one row per pair), ``reuse_passages``
(aligned spans), ``reuse_clusters`` (syndicated copies of one story, named after the agency
:mod:`analysis.provenance.wire` finds credited) and ``sentence_reuse`` (how
much of each sentence is shared, for reuse-aware comparisons).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import progress, tables
from analysis.provenance import shared_shingles
from analysis.provenance.wire import article_wire
from analysis.stats.graphs import components
from analysis.text.quote_marks import quotation_regions


@dataclass(frozen=True)
class ReuseSettings:
    """Thresholds for :func:`find_reuse`; measured choices are explained where they are used."""

    shingle: int = 5
    min_containment: float = 0.15
    min_passage_words: int = 10
    syndication: float = 0.5
    # A pair below min_containment is still reuse when it shares a passage of this many words outside quotation
    # marks: a copied paragraph inside a long article is copying however little of the article it is.
    min_copied_words: int = 20
    # Shingles found in more articles than this are stock phrases and page furniture, not evidence of copying
    # (they still count in containment); the passage index skips them.
    max_shingle_articles: int = 10


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


# Dates precise enough to say which of two articles came first.
DIRECTED_PRECISIONS = ("day", "time")


def _direction(a: pd.Timestamp, b: pd.Timestamp, precision_a: str = "day", precision_b: str = "day") -> str:
    """a->b when a was published first, at the precision both dates share; unknown otherwise.

    A date known only to the month or year ("2019-10") says nothing about order within it, so it gives
    no direction, nor does an undated article or a same-day pair unless both carry a time of day.
    """
    if pd.isna(a) or pd.isna(b) or precision_a not in DIRECTED_PRECISIONS or precision_b not in DIRECTED_PRECISIONS:
        return "unknown"
    if not (precision_a == precision_b == "time"):
        a, b = a.normalize(), b.normalize()
    if a == b:
        return "unknown"
    return "a->b" if a < b else "b->a"


def _ordering_dates(info: pd.DataFrame) -> pd.Series:
    """Publication dates that may order articles: those precise to the day or time (others count as undated)."""
    if "published" not in info:
        return pd.Series(pd.NaT, index=info.index, dtype="datetime64[ns, UTC]")
    published = pd.to_datetime(info["published"], utc=True)
    if "date_precision" in info:
        published = published.where(info["date_precision"].isin(DIRECTED_PRECISIONS))
    return published


def _unquoted_words(start: int, end: int, words: np.ndarray, regions: list[tuple[int, int]]) -> int:
    """Words of the passage ``start``-``end`` (offsets ``words``) that lie outside every quotation region."""
    inside = words[(words[:, 0] >= start) & (words[:, 1] <= end)]
    if not regions or not len(inside):
        return len(inside)
    bounds = np.asarray(regions, dtype=np.int64)
    k = np.searchsorted(bounds[:, 0], inside[:, 0], side="right") - 1
    quoted = (k >= 0) & (inside[:, 1] <= bounds[np.maximum(k, 0), 1])
    return int((~quoted).sum())


def find_reuse(articles: pd.DataFrame, *, settings: ReuseSettings = ReuseSettings()) -> tuple[pd.DataFrame,
                                                                                              pd.DataFrame]:
    """Reuse pairs and their aligned passages for every pair of articles in ``articles``.

    ``articles`` needs ``doc_id``, ``outlet``, ``text`` and (optionally)
    ``published`` with ``date_precision``. A pair is reported when either article has at least
    ``min_containment`` of its shingles in the other and they share a passage
    of at least ``min_passage_words`` words, or, whatever the containment, when they share a passage of at
    least ``min_copied_words`` words outside quotation marks; a stock phrase alone is not reuse.
    A pair whose every shared passage lies within quotation marks (an official statement or a quote
    several outlets carried) has ``relation`` shared_quote: it is listed, but it is not copying, so it
    gets no direction and no cluster and marks no sentence as a copy. Returns (``reuse_pairs``,
    ``reuse_passages``).
    """
    ids = articles["doc_id"].astype(str).tolist()
    order = np.argsort(ids, kind="stable")
    ids = [ids[i] for i in order]
    texts = [t if isinstance(t, str) else "" for t in articles["text"].to_numpy()[order]]
    outlets = articles["outlet"].astype(str).to_numpy()[order]
    published = (pd.to_datetime(articles["published"], utc=True).to_numpy()[order] if "published" in articles
                 else np.full(len(ids), np.datetime64("NaT")))
    precision = (articles["date_precision"].astype(str).to_numpy()[order] if "date_precision" in articles
                 else np.full(len(ids), "day"))
    # Per article only compact arrays are kept (hashes, word offsets), never the words: on the
    # 37,554-article AllSides corpus the word lists alone would take gigabytes.
    positional, spans = shared_shingles.article_shingles(texts, size=settings.shingle)
    sets = [np.unique(h) for h in progress.bar(positional, desc="reuse: shingles", unit="article")]
    regions: dict[int, list[tuple[int, int]]] = {}

    def quotation_regions_of(k: int) -> list[tuple[int, int]]:  # only for articles in some pair
        if k not in regions:
            regions[k] = quotation_regions(texts[k])
        return regions[k]

    pair_rows, passage_rows = [], []
    counts = shared_shingles.shared_counts(sets, max_df=settings.max_shingle_articles)
    candidates = shared_shingles.containment_candidates(counts, threshold=settings.min_containment)
    by_length = shared_shingles.passage_candidates(counts, min_shared=settings.min_copied_words - settings.shingle + 1)
    candidates |= by_length
    del counts
    for i, j in progress.bar(sorted(candidates), desc="reuse: candidate pairs", unit="pair"):
        shared = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
        c_ij, c_ji = shared / len(sets[i]), shared / len(sets[j])
        if max(c_ij, c_ji) < settings.min_containment and (i, j) not in by_length:
            continue
        passages = align_passages(positional[i], spans[i], positional[j], spans[j],
                                  size=settings.shingle, min_words=settings.min_passage_words)
        if not passages:
            continue
        # A passage is a shared quotation when, in either article, fewer than min_passage_words of its words
        # lie outside quotation marks: the quote and its attribution tail, not the reporting around it.
        quoted = [min(_unquoted_words(p[0], p[1], spans[i], quotation_regions_of(i)),
                      _unquoted_words(p[2], p[3], spans[j], quotation_regions_of(j))) < settings.min_passage_words
                  for p in passages]
        # by_length holds the pairs that share enough shingles rarer than stock phrases. The copied words may
        # come as one paragraph or as several sentences of one wire story, each rewritten around ("steel,
        # aluminum and autos from Europe, Canada, Mexico and Japan" + "hand over technology in exchange for
        # access to China's market"): unquoted passages of min_passage_words or more are summed.
        long_copy = (i, j) in by_length and sum(p[4] for p, q in zip(passages, quoted)
                                                if not q) >= settings.min_copied_words
        if max(c_ij, c_ji) < settings.min_containment and not long_copy:
            continue
        relation = "shared_quote" if all(quoted) else "copy"
        pa, pb = pd.Timestamp(published[i]), pd.Timestamp(published[j])
        direction = _direction(pa, pb, precision[i], precision[j]) if relation == "copy" else "unknown"
        source = {"a->b": ids[i], "b->a": ids[j]}.get(direction, "")
        n_words = sum(p[4] for p in passages)
        quoted_words = sum(p[4] for p, q in zip(passages, quoted) if q)
        pair_rows.append((ids[i], ids[j], outlets[i], outlets[j], pa, pb, len(sets[i]), len(sets[j]), c_ij, c_ji,
                          shared / (len(sets[i]) + len(sets[j]) - shared), len(passages),
                          max(p[4] for p in passages), direction, source, outlets[i] == outlets[j],
                          relation == "copy" and max(c_ij, c_ji) >= settings.syndication, relation,
                          quoted_words / max(1, n_words)))
        passage_rows += [(ids[i], ids[j], k, *p, q) for k, (p, q) in enumerate(zip(passages, quoted))]
    return _dated_table(pair_rows, "reuse_pairs"), tables.from_rows(passage_rows, "reuse_passages")


# --- syndication clusters --------------------------------------------------

def reuse_clusters(pairs: pd.DataFrame, articles: pd.DataFrame, *, wire: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stories whose text travelled: connected components of the copy pairs, one row per member.

    Every pair above the reuse threshold that shares more than quotations links its articles, so a wire
    story and its three reposts are one cluster even where a repost cut most of it. The origin is the
    earliest dated member (on the first day, the earliest time if every member of that day has one; else
    one carrying an agency's dateline or credit line, then the longest text, then doc_id); the cluster's
    agency is the one most of its members credit.
    """
    syndicated = pairs.loc[pairs["relation"] == "copy"]
    linked = sorted(set(syndicated["doc_a"]) | set(syndicated["doc_b"]))
    node = {d: i for i, d in enumerate(linked)}
    component = components(len(linked), [(node[a], node[b]) for a, b in zip(syndicated["doc_a"], syndicated["doc_b"])])
    members: dict[int, list[str]] = defaultdict(list)
    for doc, c in zip(linked, component.tolist()):
        members[c].append(doc)
    info = articles.set_index(articles["doc_id"].astype(str))
    published = _ordering_dates(info)
    length = info["text"].str.len()
    agency = (wire.set_index("doc_id") if wire is not None else article_wire(articles).set_index("doc_id"))
    containment = {}
    for r in syndicated.itertuples(index=False):
        containment[(r.doc_a, r.doc_b)] = r.containment_a_in_b
        containment[(r.doc_b, r.doc_a)] = r.containment_b_in_a
    rows, clusters = [], sorted(members.values(), key=lambda m: (published[m].min() if published[m].notna().any()
                                                                  else pd.Timestamp.max.tz_localize("UTC"), m[0]))
    # An article carrying an agency's dateline or credit line is the agency's copy, so among the earliest
    # members it is the likelier origin than a longer rewrite published the same day.
    carries = {d for d in info.index if agency.loc[d, "wire_basis"] in ("dateline", "credit line")}
    timed = set(info.index[info["date_precision"] == "time"]) if "date_precision" in info else set()
    for k, docs in enumerate(clusters):
        first_day = min((published[d].normalize() for d in docs if pd.notna(published[d])), default=None)
        same_day = [d for d in docs if first_day is not None and pd.notna(published[d])
                    and published[d].normalize() == first_day]
        # Within the first day, times order the members only when every one of them carries a time.
        by_time = len(same_day) > 1 and all(d in timed for d in same_day)
        origin = sorted(docs, key=lambda d: (pd.isna(published[d]), published[d].normalize()
                                             if pd.notna(published[d]) else 0,
                                             published[d] if by_time and d in same_day else 0,
                                             d not in carries, -length[d], d))[0]
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
    published = _ordering_dates(articles.set_index("doc_id"))

    def precedes(x: str, y: str) -> bool:
        px, py = published.get(x, pd.NaT), published.get(y, pd.NaT)
        return (pd.isna(px), px if pd.notna(px) else 0, x) < (pd.isna(py), py if pd.notna(py) else 0, y)

    sources = {}
    for r in pairs.loc[pairs["relation"] == "copy"].itertuples(index=False):
        src = r.source_doc_id or (r.doc_a if precedes(r.doc_a, r.doc_b) else r.doc_b)
        sources[(r.doc_a, r.doc_b)] = src
    # (doc, partner) -> list of (start, end) spans in doc; a shared quotation is nobody's copy
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for r in passages.loc[~passages["quoted"]].itertuples(index=False):
        if (r.doc_a, r.doc_b) not in sources:
            continue
        spans[r.doc_a].append((r.doc_b, r.a_start, r.a_end))
        spans[r.doc_b].append((r.doc_a, r.b_start, r.b_end))
    rows = []
    for doc, sent, outlet, start, end in progress.bar(
            zip(sentences["doc_id"], sentences["sent_id"], sentences["outlet"], sentences["start"], sentences["end"]),
            total=len(sentences), desc="reuse: sentence marks", unit="sentence"):
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
