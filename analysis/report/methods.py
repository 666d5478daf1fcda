"""Methods paragraphs for the report, written from the study's settings and the tables the run produced.

Nothing here is typed by hand about a particular study: every number (dates,
resamples, thresholds, the chosen number of topics) comes from the parsed
``study.toml`` or from a table, so the methods cannot drift from what ran.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.study import Study


def _list(items) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _interval_method(by_group: pd.DataFrame) -> str:
    methods = by_group.loc[by_group["ci_low"].notna(), "ci_method"].drop_duplicates()
    return methods.iloc[0] if len(methods) else "no interval (every group below the minimum size)"


def corpus_paragraph(study: Study) -> str:
    describe = {
        "dataset": lambda s: f"the {s.dataset} dataset ({s.file})"
                             + (f", kept when they match {len(s.match)} keyword rule set(s)" if s.match else "")
                             + (f", a fixed hash sample of {s.sample:,} records" if s.sample else ""),
        "files": lambda s: f"local text files ({s.path or s.dataset}{f'; outlet {s.outlet}' if s.outlet else ''})",
        "html": lambda s: f"saved web pages ({s.path or s.dataset}) extracted with trafilatura",
        "urls": lambda s: f"web pages collected from the URL list {s.path or s.url}",
        "feed": lambda s: f"articles linked from the feed {s.url or s.path}",
        "imports": lambda s: "articles imported with `python -m analysis ingest`",
    }
    sources = [describe[s.kind](s) for s in study.sources]
    window = (f"published from {study.start or 'any date'} to {study.end or 'any date'}"
              + ("; articles without a date are kept and flagged" if study.keep_undated
                 else "; articles without a date are left out"))
    return (f"Corpus. Articles come from {_list(sources)}, {window}. Outlet type and leaning are read from "
            f"{study.outlets} (AllSides ratings where available). Cleaning strips boilerplate, marks exact and near "
            f"duplicates and reposts (kept in the tables, left out of comparisons) and logs every action. "
            f"Groups compared: {_list(study.groups)}.")


def sentiment_paragraph(study: Study, *, instrument_label) -> str:
    instruments = [instrument_label(i) for i in study.sentiment.instruments]
    actor = (f" Sentiment toward each of the {len(study.actors)} actors is measured on the sentences that name them "
             f"by {_list(study.sentiment.actor_instruments)}." if study.actors else "")
    return (f"Sentiment. Every sentence is scored by {_list(instruments)}; the first is the one the main figures "
            f"use. An article's score is the mean of its sentence scores, so long articles do not weigh more."
            + actor)


def comparison_paragraph(study: Study, *, by_group: pd.DataFrame) -> str:
    c = study.compare
    return (f"Comparisons. The article is the unit of analysis and of resampling. Group means carry "
            f"{c.confidence:.0%} intervals by {_interval_method(by_group).removeprefix(f'{c.confidence:.0%} ')}; "
            f"groups with fewer than {c.min_articles} articles get no interval. Each difference of group means is "
            f"tested with a "
            f"permutation test of the difference in means ({c.n_perm:,} permutations of group labels over articles) "
            f"and its p-values are adjusted with the Benjamini-Hochberg procedure within each table. Seed "
            f"{study.seed}; every resampling stream derives from it.")


def framing_paragraph(study: Study, *, topic_k: pd.DataFrame) -> str:
    f = study.framing
    classifier = (f" A supervised classifier (TF-IDF logistic regression per frame, calibrated) trained on "
                  f"{f.classifier} predicts generic frames per article." if f.classifier else "")
    chosen = topic_k.loc[topic_k["selected"], "k"] if "selected" in topic_k else pd.Series(dtype=int)
    topics = (f"NMF topics on TF-IDF (k = {int(chosen.iloc[0])}, chosen by stability over resamples"
              f"{'' if f.topics == 'auto' else ' as set in study.toml'})" if len(chosen)
              else "no topic model (corpus too small)")
    return (f"Framing. Sentences are matched against the frame codebook(s) {_list(f.codebooks)} (indicator words "
            f"and patterns, with negation); a frame's share per article is its share of sentences.{classifier} "
            f"Distinctive terms per {_list(f.terms_by)} are log-odds ratios with an informative Dirichlet prior "
            f"(Monroe et al. 2008), kept as stable only when they hold on bootstrap resamples of articles. "
            f"Agenda: {topics}. Loaded language is the rate of bias-lexicon words (Recasens et al. 2013; BABE).")


def provenance_paragraph(study: Study, *, default_fact_threshold: float) -> str:
    p = study.provenance
    threshold = p.fact_threshold if p.fact_threshold is not None else default_fact_threshold
    bound = (f" and cut {p.event_max_days} days after their first article, so continuous coverage becomes "
             "consecutive windows" if p.event_max_days else ", however long")
    events = ("events (an article's event_id where the source gives one, otherwise bursts of coverage split at "
              f"gaps of more than {p.event_gap_days} days{bound})" if p.event_gap_days else "one event, the whole study")
    return (f"Provenance. Two articles share text when at least {p.min_containment:.0%} of one's word 5-gram "
            f"shingles occur in the other (candidates: every pair whose shared shingles may reach it, counted "
            f"exactly; exact containment decides); at {p.syndication:.0%} they are one syndicated story. "
            f"Reuse-sensitive contrasts are recomputed with reused sentences kept, down-weighted and removed. "
            f"Quotes are attributed by speech-verb rules and typed by the study's actors and a rule table. "
            f"Sentences are grouped into facts within {events}, by average-linkage clustering of TF-IDF vectors "
            f"cut at cosine distance {threshold:.2f}; a fact stated by at least {p.fact_min_articles} articles "
            f"enters the coverage matrix, and an outlet omits it when it covered the event without stating it.")


def methods_paragraphs(study: Study, *, by_group: pd.DataFrame, topic_k: pd.DataFrame,
                       default_fact_threshold: float, instrument_label) -> list[str]:
    """The report's methods section, one plain-text paragraph per pipeline family."""
    return [corpus_paragraph(study),
            sentiment_paragraph(study, instrument_label=instrument_label),
            comparison_paragraph(study, by_group=by_group),
            framing_paragraph(study, topic_k=topic_k),
            provenance_paragraph(study, default_fact_threshold=default_fact_threshold)]
