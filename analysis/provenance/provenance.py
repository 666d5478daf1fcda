"""The provenance stage: who copied whom, who is quoted, and which facts each outlet left out.

Runs the three provenance measures on a study's ``articles`` and
``sentences`` and returns their tables by name, for the pipeline to write:

- text reuse (:mod:`analysis.provenance.reuse`): pairs, aligned passages, syndicated
  clusters, and per-sentence reuse marks; wire credits (:mod:`analysis.provenance.wire`);
- reuse-aware comparisons (:mod:`analysis.provenance.reuse_sensitivity`): every sentiment
  and frame contrast with reused text kept, down-weighted and removed;
- quotes and sources (:mod:`analysis.provenance.quotes`, :mod:`analysis.provenance.quote_matching`);
- fact coverage and omission (:mod:`analysis.provenance.facts`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis.core import memory, progress, storage, tables, tasks
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.provenance import facts, group_contrasts, quote_matching, quotes, reuse, reuse_sensitivity, wire
from analysis.text.texts import article_chunks

log = logging.getLogger("analysis")


# The tables this stage writes, as the provenance room declares them (analysis/provenance/tables.toml).
TABLES = tuple(name for name, s in tables.SCHEMAS.items() if s.room == "provenance")


def _typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    return tables.validate(df, name)


def coverage_events(articles: pd.DataFrame, *, gap_days: int, max_days: int = 0) -> pd.DataFrame:
    """``articles`` with ``event_id`` filled where the source gave none: bursts of coverage of bounded length.

    Sorted by date, an article starts a new event ("burst:<its UTC day>")
    when it comes more than ``gap_days`` days after the previous article, or
    more than ``max_days`` days after the current event's first article
    (``max_days=0``: no bound). The gap splits coverage at silences; the
    bound cuts continuous coverage into consecutive windows, as time windows
    do in topic detection and tracking, since a corpus covered every day
    otherwise chains into one event and an outlet would be said to omit a
    fact from an article two years earlier. Given ``event_id`` values are
    kept (a source's own stories). An undated article is its own event, so
    it is never said to omit a fact. ``gap_days=0`` puts every article
    without an event_id into one event ("study"), whatever ``max_days``: it
    declares a single-event study.
    """
    if gap_days < 0 or max_days < 0:
        raise ValueError(f"gap_days and max_days: must be >= 0 days, got gap_days={gap_days}, max_days={max_days}")
    out = articles.copy()
    given = out["event_id"].notna() & (out["event_id"].astype(str) != "") if "event_id" in out \
        else pd.Series(False, index=out.index)
    if "event_id" not in out:
        out["event_id"] = None
    todo = out.loc[~given]
    if gap_days == 0:
        out.loc[~given, "event_id"] = "study"
        return out
    published = pd.to_datetime(todo["published"], utc=True)
    dated = published.dropna().sort_values(kind="stable")
    ns = dated.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view("int64")
    starts = _burst_starts(ns, gap_days=gap_days, max_days=max_days)
    first_day = dated.where(starts).ffill()
    out.loc[dated.index, "event_id"] = "burst:" + first_day.dt.strftime("%Y-%m-%d")
    undated = published.index[published.isna()]
    out.loc[undated, "event_id"] = "undated:" + out.loc[undated, "doc_id"].astype(str)
    return out


def _burst_starts(ns: np.ndarray, *, gap_days: int, max_days: int) -> np.ndarray:
    """For sorted times ``ns`` (nanoseconds), whether each starts an event (see :func:`coverage_events`)."""
    day = 86_400 * 10**9
    starts = np.zeros(len(ns), dtype=bool)
    if not len(ns):
        return starts
    starts[0] = True
    starts[1:] = np.diff(ns) > gap_days * day
    if max_days:  # the bound depends on where the previous event began: one pass, O(n)
        bound, first = max_days * day, ns[0]
        for i in range(1, len(ns)):
            if starts[i] or ns[i] - first > bound:
                starts[i], first = True, ns[i]
    return starts


# Articles per task on the engine: each article's quotes and wire credit are read on their own (the matching of
# quotes across articles runs after, on all of them).
CHUNK_ARTICLES = 250


def _article_chunk(chunk: tuple[pd.DataFrame, pd.DataFrame], shared: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    with progress.quiet():  # the engine's bar counts the chunks
        return (quotes.article_quotes(*chunk, actors=shared["actors"]),
                wire.article_wire(chunk[0], agencies=shared["agencies"]))


def per_article(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame, engine=None,
                parts: dict[str, tasks.Part] | None = None, beside_matching: dict[str, tasks.Part] | None = None,
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(quotes, article_wire, the parts' results): :func:`analysis.provenance.quotes.extract_quotes` and
    :func:`analysis.provenance.wire.article_wire`, with the per-article reading spread over ``engine``'s
    processes in chunks of :data:`CHUNK_ARTICLES` articles (the same tables whatever the chunks), the
    whole-corpus ``parts`` beside them and the ``beside_matching`` parts beside the matching of quotes across
    articles (:func:`analysis.core.tasks.map_with_parts`)."""
    chunks = list(article_chunks(articles, sentences, CHUNK_ARTICLES))
    shared = {"actors": study.actors, "agencies": study.provenance.wire_agencies}
    parts_read, done = tasks.map_with_parts(engine, _article_chunk, chunks, shared=shared, parts=parts or {},
                                            desc="quotes and wire credits")
    found = pd.concat([q for q, _ in parts_read], ignore_index=True) if parts_read else tables.empty("quotes")
    credits = pd.concat([w for _, w in parts_read], ignore_index=True) if parts_read else tables.empty("article_wire")
    matched = tasks.run_parts(engine, {"quotes": (quote_matching.match_quotes, dict(quotes=found)),
                                       **(beside_matching or {})}, desc="quote matching")
    return matched.pop("quotes"), credits, done | matched


def reuse_part(*, study: Study, articles: pd.DataFrame, sentences: pd.DataFrame, sentence_scores: pd.DataFrame,
               frame_hits: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Text reuse (pairs, passages, per-sentence marks) and every comparison read with reused text kept,
    down-weighted and removed: nothing here needs the quotes."""
    p, c = study.provenance, study.compare
    settings = reuse.ReuseSettings(min_containment=p.min_containment, syndication=p.syndication)
    pairs, passages = reuse.find_reuse(articles, settings=settings)
    # each step's working memory back to the system before the next: Arrow's allocator keeps it otherwise, and
    # on a 12,000-article study this part's process grew to 1,285 MiB, most of it freed memory (704 after a
    # release at its end)
    memory.release_unused()
    marks = reuse.sentence_reuse(sentences, pairs, passages, articles)
    memory.release_unused()
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    sensitivity = reuse_sensitivity.reuse_sensitivity(
        articles, sentences, marks, sentence_scores=sentence_scores, frame_hits=frame_hits,
        groups=study.groups, n_perm=c.n_perm, **opts)
    memory.release_unused()
    term_tables = []
    for g in study.framing.terms_by:
        term_tables.append(reuse_sensitivity.term_sensitivity(articles, sentences, marks, by=g, seed=study.seed,
                                                              min_articles=c.min_articles))
        memory.release_unused()
    return {"reuse_pairs": pairs, "reuse_passages": passages, "sentence_reuse": marks,
            "reuse_sensitivity": sensitivity,
            "term_sensitivity": pd.concat(term_tables, ignore_index=True) if term_tables else
            tables.empty("term_sensitivity")}


def facts_part(*, study: Study, articles: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Facts (sentences stated alike by several articles of one event), each group's coverage of them, and
    what each group left out, with intervals and contrasts."""
    p, c = study.provenance, study.compare
    threshold = {} if p.fact_threshold is None else {"threshold": p.fact_threshold}
    articles = coverage_events(articles, gap_days=p.event_gap_days, max_days=p.event_max_days)
    grouped = facts.group_facts(sentences, articles, **threshold)
    fact_table = facts.facts_table(grouped, sentences, articles)
    coverage = pd.concat([facts.fact_coverage(grouped, articles, by=g, min_articles=p.fact_min_articles)
                          for g in study.groups], ignore_index=True)
    by_leaning = coverage.loc[coverage["group_var"] == "leaning"]
    one_sided = facts.one_sided_facts(
        by_leaning if len(by_leaning) else facts.fact_coverage(grouped, articles, by="leaning",
                                                               min_articles=p.fact_min_articles),
        facts=fact_table)
    omission = facts.omission_summary(coverage, n_boot=c.n_boot, seed=study.seed, confidence=c.confidence)
    contrasts = pd.concat(
        [group_contrasts.omission_contrasts(coverage, by=g, n_boot=c.n_boot, n_perm=c.n_perm,
                                            confidence=c.confidence, seed=study.seed)
         for g in study.groups if g != "outlet"] or [tables.empty("omission_contrasts")], ignore_index=True)
    return {"fact_sentences": grouped, "facts": fact_table, "fact_coverage": coverage, "one_sided_facts": one_sided,
            "fact_omission": omission, "omission_contrasts": contrasts}


def provenance_tables(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame,
                      sentence_scores: pd.DataFrame, frame_hits: pd.DataFrame | None,
                      engine=None) -> dict[str, pd.DataFrame]:
    """Every provenance table of ``study``, by name; ``engine`` runs the per-article reading of quotes and wire
    credits in chunks and, on a local engine, text reuse beside them and fact coverage beside quote matching."""
    c = study.compare
    # Text reuse (the longest part) beside the quote chunks; fact coverage beside the matching of quotes, which
    # needs every chunk and would otherwise leave a core idle.
    reuse_read = {"reuse": (reuse_part, dict(study=study, articles=articles, sentences=sentences,
                                             sentence_scores=sentence_scores, frame_hits=frame_hits))}
    facts_read = {"facts": (facts_part, dict(study=study, articles=articles, sentences=sentences))}
    found, credits, done = per_article(study, articles=articles, sentences=sentences, engine=engine,
                                       parts=reuse_read, beside_matching=facts_read)
    out = {**done["reuse"], "article_wire": credits}
    pairs, marks = out["reuse_pairs"], out["sentence_reuse"]
    out["reuse_clusters"] = reuse.reuse_clusters(pairs, articles, wire=credits)
    copies = pairs["relation"] == "copy"
    log.info("provenance: %d reuse pairs: %d copies (%d syndicated, %d with a direction), %d shared quotations "
             "(not counted as copying); %d sentences marked as copies", len(pairs), int(copies.sum()),
             int(pairs["syndicated"].sum()), int((copies & (pairs["direction"] != "unknown")).sum()),
             int((~copies).sum()), int(marks["is_copy"].sum()))

    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    out["quotes"] = found
    # Who is quoted counts speech between quote marks only: reported speech is listed and matched to the
    # quotes it paraphrases, but its detection is less precise (reports/validation/provenance.csv).
    marked = found.loc[found["kind"] != "reported"]
    # each a pass over all quotes with its own resamples: side by side on a local engine
    summaries = tasks.run_parts(engine, {
        "quote_spread": (quote_matching.quote_spread, dict(quotes=found, articles=articles)),
        **{f"quote_sources {g}": (quote_matching.source_shares, dict(quotes=marked, articles=articles, by=g, **opts))
           for g in study.groups},
        "quote_source_contrasts": (group_contrasts.source_contrasts, dict(quotes=marked, articles=articles,
                                                                          by=study.groups, n_perm=c.n_perm, **opts)),
    }, desc="quote summaries")
    out["quote_spread"] = summaries["quote_spread"]
    out["quote_sources"] = pd.concat([summaries[f"quote_sources {g}"] for g in study.groups], ignore_index=True)
    out["quote_source_contrasts"] = summaries["quote_source_contrasts"]
    log.info("provenance: %d quotes and %d reports of speech (%d distinct), %.0f%% with a speaker", len(marked),
             len(found) - len(marked), found["quote_id"].nunique(),
             100 * (found["speaker"] != "").mean() if len(found) else 0)

    out.update(done["facts"])
    coverage = out["fact_coverage"]
    log.info("provenance: %d facts stated by >= %d articles, in %d events", coverage["fact_id"].nunique(),
             study.provenance.fact_min_articles, coverage["event_id"].nunique())
    return {name: _typed(df, name) for name, df in out.items()}


def run(study: Study, paths: StudyPaths, *, engine=None) -> None:
    """The provenance stage: read the study's tables, write every provenance table."""
    hits = paths.table("frame_hits")
    produced = provenance_tables(study, articles=storage.read_table(paths.table("articles")),
                                 sentences=storage.read_table(paths.table("sentences")),
                                 sentence_scores=storage.read_table(paths.table("sentence_sentiment")),
                                 frame_hits=storage.read_table(hits) if hits.exists() else None, engine=engine)
    for name, table in produced.items():
        storage.write_table(table, paths.table(name))
