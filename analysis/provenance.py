"""The provenance stage: who copied whom, who is quoted, and which facts each outlet left out.

Runs the three provenance measures on a study's ``articles`` and
``sentences`` and returns their tables by name, for the pipeline to write:

- text reuse (:mod:`analysis.reuse`): pairs, aligned passages, syndicated
  clusters, wire credits, and per-sentence reuse marks;
- reuse-aware comparisons (:mod:`analysis.reuse_sensitivity`): every sentiment
  and frame contrast with reused text kept, down-weighted and removed;
- quotes and sources (:mod:`analysis.quotes`, :mod:`analysis.quote_matching`);
- fact coverage and omission (:mod:`analysis.facts`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import facts, provenance_contrasts, quote_matching, quotes, reuse, reuse_sensitivity, tables
from analysis.study import Study

log = logging.getLogger("analysis")


def _schema(name: str, layer: str, key: tuple[str, ...], doc: str, columns: dict[str, tuple]) -> tables.Schema:
    """A schema from {column: (kind, doc[, nullable])}; floats may be NaN (an interval too few units allow)."""
    return tables.Schema(name, layer, key, tuple(
        tables.Column(c, spec[0], spec[1], spec[2] if len(spec) > 2 else spec[0] == "float")
        for c, spec in columns.items()), doc)


SCHEMAS = [
    _schema("reuse_pairs", "processed", ("doc_a", "doc_b"),
            "Pairs of articles that share text: directional containment, passages, likely source.",
            reuse.PAIR_COLUMNS),
    _schema("reuse_passages", "interim", ("doc_a", "doc_b", "passage"),
            "Aligned passages of each reuse pair, as character offsets into both texts.", reuse.PASSAGE_COLUMNS),
    _schema("reuse_clusters", "processed", ("cluster_id", "doc_id"),
            "Syndicated stories: articles linked by near-complete containment, with origin and agency.",
            reuse.CLUSTER_COLUMNS),
    _schema("article_wire", "processed", ("doc_id",), "The wire agency each article's text credits.",
            reuse.WIRE_COLUMNS),
    _schema("sentence_reuse", "interim", ("doc_id", "sent_id"),
            "How much of each sentence is shared with other articles, and whether it is the copy.",
            reuse.SENTENCE_COLUMNS),
    _schema("reuse_sensitivity", "processed", ("measure", "group_var", "group_a", "group_b", "mode"),
            "Every sentiment and frame contrast with reused text kept, down-weighted and removed.",
            reuse_sensitivity.SENSITIVITY_COLUMNS),
    _schema("term_sensitivity", "processed", ("group_var", "group_a", "group_b", "term", "mode"),
            "Distinctive terms found stable with reuse kept: are they with reuse down-weighted or removed?",
            reuse_sensitivity.TERM_COLUMNS),
    _schema("quotes", "processed", ("doc_id", "quote_seq"),
            "One row per direct quote occurrence, with speaker, source type and cross-outlet quote id.",
            quotes.QUOTE_COLUMNS),
    _schema("quote_spread", "processed", ("quote_id",), "Each distinct quote: how many articles and outlets ran it.",
            quote_matching.SPREAD_COLUMNS),
    _schema("quote_sources", "processed", ("group_var", "group", "source_type"),
            "Share of each group's quotes by source type, with article-bootstrap CIs.",
            quote_matching.SOURCE_SHARE_COLUMNS),
    _schema("quote_source_contrasts", "processed", ("group_var", "group_a", "group_b", "source_type"),
            "Differences in quote-source shares between groups, article-bootstrap CIs, permutation p, BH.",
            provenance_contrasts.CONTRAST_COLUMNS),
    _schema("fact_sentences", "interim", ("doc_id", "sent_id"),
            "Sentences grouped into statements of the same fact or claim.", facts.FACT_SENTENCE_COLUMNS),
    _schema("facts", "processed", ("fact_id",), "Each fact: its medoid sentence and who stated it.",
            facts.FACT_COLUMNS),
    _schema("fact_coverage", "processed", ("group_var", "group", "fact_id"),
            "Who reported each fact and who, covering the same event, left it out.", facts.COVERAGE_COLUMNS),
    _schema("one_sided_facts", "processed", ("fact_id",), "Facts only one side of the spectrum carried.",
            facts.ONE_SIDED_COLUMNS),
    _schema("fact_omission", "processed", ("group_var", "group"),
            "Share of shared facts each group left out, with a bootstrap CI over events.",
            facts.OMISSION_COLUMNS),
    _schema("omission_contrasts", "processed", ("group_var", "group_a", "group_b"),
            "Pairs of groups compared on the facts they left out, over the events both covered.",
            provenance_contrasts.OMISSION_CONTRAST_COLUMNS),
    _schema("fact_matching_validation", "processed", ("split", "threshold"),
            "Fact matching against human same-event clusters (NeuS): pair precision and event recall.",
            {"split": ("str", "NeuS probe split"), **facts.VALIDATION_COLUMNS}),
]
tables.register({s.name: s for s in SCHEMAS})
TABLES = tuple(s.name for s in SCHEMAS if s.name != "fact_matching_validation")


def _typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    return tables.validate(df, name)


def coverage_events(articles: pd.DataFrame, *, gap_days: int) -> pd.DataFrame:
    """``articles`` with ``event_id`` filled where the source gave none: bursts of coverage.

    Sorted by date, a gap of more than ``gap_days`` days without an article
    starts a new event ("burst:<first day>"). An undated article is its own
    event, so it is never said to omit a fact. ``gap_days=0`` puts every
    article without an event_id into one event ("study").
    """
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
    new_burst = dated.diff() > pd.Timedelta(days=gap_days)
    first_day = dated.where(new_burst | (np.arange(len(dated)) == 0)).ffill()
    out.loc[dated.index, "event_id"] = "burst:" + first_day.dt.strftime("%Y-%m-%d")
    undated = published.index[published.isna()]
    out.loc[undated, "event_id"] = "undated:" + out.loc[undated, "doc_id"].astype(str)
    return out


def run(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame, sentence_scores: pd.DataFrame,
        frame_hits: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Every provenance table of ``study``, by name."""
    p, c = study.provenance, study.compare
    settings = reuse.ReuseSettings(min_containment=p.min_containment, syndication=p.syndication, seed=study.seed)
    pairs, passages = reuse.find_reuse(articles, settings=settings)
    wire = reuse.article_wire(articles)
    marks = reuse.sentence_reuse(sentences, pairs, passages, articles)
    out = {"reuse_pairs": pairs, "reuse_passages": passages, "article_wire": wire, "sentence_reuse": marks,
           "reuse_clusters": reuse.reuse_clusters(pairs, articles, wire=wire)}
    log.info("provenance: %d reuse pairs (%d syndicated), %d sentences marked as copies", len(pairs),
             int(pairs["syndicated"].sum()), int(marks["is_copy"].sum()))

    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    out["reuse_sensitivity"] = reuse_sensitivity.reuse_sensitivity(
        articles, sentences, marks, sentence_scores=sentence_scores, frame_hits=frame_hits, groups=study.groups,
        n_perm=c.n_perm, **opts)
    term_tables = [reuse_sensitivity.term_sensitivity(articles, sentences, marks, by=g, seed=study.seed,
                                                      min_articles=c.min_articles)
                   for g in study.framing.terms_by]
    out["term_sensitivity"] = pd.concat(term_tables, ignore_index=True) if term_tables else \
        tables.empty("term_sensitivity")

    found = quotes.extract_quotes(articles, sentences, actors=study.actors)  # quote ids already matched
    out["quotes"] = found
    out["quote_spread"] = quote_matching.quote_spread(found, articles=articles)
    out["quote_sources"] = pd.concat(
        [quote_matching.source_shares(found, articles, by=g, **opts) for g in study.groups], ignore_index=True)
    out["quote_source_contrasts"] = provenance_contrasts.source_contrasts(found, articles, by=study.groups,
                                                                     n_perm=c.n_perm, **opts)
    log.info("provenance: %d quotes (%d distinct), %.0f%% with a speaker", len(found),
             found["quote_id"].nunique(), 100 * (found["speaker"] != "").mean() if len(found) else 0)

    threshold = {} if p.fact_threshold is None else {"threshold": p.fact_threshold}
    articles = coverage_events(articles, gap_days=p.event_gap_days)
    grouped = facts.group_facts(sentences, articles, **threshold)
    fact_table = facts.facts_table(grouped, sentences, articles)
    coverage = pd.concat([facts.fact_coverage(grouped, articles, by=g, min_articles=p.fact_min_articles)
                          for g in study.groups], ignore_index=True)
    out.update(fact_sentences=grouped, facts=fact_table, fact_coverage=coverage)
    by_leaning = coverage.loc[coverage["group_var"] == "leaning"]
    out["one_sided_facts"] = facts.one_sided_facts(
        by_leaning if len(by_leaning) else facts.fact_coverage(grouped, articles, by="leaning",
                                                               min_articles=p.fact_min_articles), facts=fact_table)
    out["fact_omission"] = facts.omission_summary(coverage, n_boot=c.n_boot, seed=study.seed,
                                                  confidence=c.confidence)
    out["omission_contrasts"] = pd.concat(
        [provenance_contrasts.omission_contrasts(coverage, by=g, n_boot=c.n_boot, n_perm=c.n_perm,
                                                 confidence=c.confidence, seed=study.seed)
         for g in study.groups if g != "outlet"] or [tables.empty("omission_contrasts")], ignore_index=True)
    log.info("provenance: %d facts stated by >= %d articles, in %d events", coverage["fact_id"].nunique(),
             p.fact_min_articles, coverage["event_id"].nunique())
    return {name: _typed(df, name) for name, df in out.items()}


def fact_matching_validity(*, splits: tuple[str, ...] = ("test", "val"), threshold: float | None = None,
                           ) -> pd.DataFrame:
    """The fact grouper against NeuS's human same-event clusters (Lee et al. 2022), per split.

    Events are pooled, so a fact that joins leads of two different events is
    a measured false match (pair precision); event recall is the share of
    events whose leads share at least one fact. A wrong merge of two facts
    *within* one event is invisible here: the figure bounds, not measures,
    fact-level precision.
    """
    from analysis import provenance_datasets

    rows = []
    for split in splits:
        probe = provenance_datasets.load_neus_probe(split)
        clusters = probe.assign(side=probe["position"].astype(str))[["event_id", "doc_id", "side", "text"]]
        table = facts.validate_on_events(clusters, threshold=threshold or facts.DEFAULT_THRESHOLD)
        rows.append(table.assign(split=split))
    return tables.validate(pd.concat(rows, ignore_index=True), "fact_matching_validation")
