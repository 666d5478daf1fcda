"""The stage DAG: collect -> ingest -> clean -> prepare -> measure -> frame -> compare -> provenance -> validate -> report.

Each stage declares its input files and output files. Before running, a
stage's fingerprint is computed from the package source, the study
settings and the content hashes of its inputs; if it matches the record
left by the last successful run and every recorded output is still there
unchanged, the stage is skipped. The record is written last, so a run that
crashed half-way re-runs that stage next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis import (compare, config, datasets, engine, framing, ingest, instruments, io, partitions,
                      tables)
from analysis.config import StudyPaths
from analysis.study import Study

log = logging.getLogger("analysis")


@dataclass(frozen=True)
class Stage:
    name: str
    help: str
    inputs: Callable[[Study, StudyPaths], list[Path]]
    outputs: Callable[[Study, StudyPaths], list[Path]]
    run: Callable[[Study, StudyPaths], list[Path] | None]
    # The study settings this stage reads; changing any other setting leaves it current.
    settings: Callable[[Study], object] = lambda study: asdict(study)
    # Runs every time (collection is incremental inside; the web changes without our inputs changing).
    always: bool = False
    # Whether the stage has anything to do for this study.
    applies: Callable[[Study], bool] = lambda study: True


def _tables(*names: str) -> Callable[[Study, StudyPaths], list[Path]]:
    return lambda study, paths: [paths.table(n) for n in names]


# Packages whose upgrade can change a stage's output (lexicon, splitter, bytes).
VERSIONED_DEPENDENCIES = ("vaderSentiment", "nltk", "numpy", "pandas", "pyarrow", "scipy", "matplotlib", "seaborn",
                          "nbclient", "nbformat", "trafilatura", "charset-normalizer", "py3langid", "datasketch",
                          "feedparser")


def code_hash() -> str:
    from importlib import metadata

    h = hashlib.sha256()
    for dist in VERSIONED_DEPENDENCIES:
        h.update(f"{dist}=={metadata.version(dist)}".encode())
    for path in sorted(config.PACKAGE_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# --- stage bodies ----------------------------------------------------------

def _ingest_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    files = [paths.resolve(study.outlets)]
    for src in study.sources:
        files += ingest.source_files(src, paths)
    return files


def _run_collect(study: Study, paths: StudyPaths, *, refresh: bool = False) -> list[Path]:
    from analysis import pages

    if not any(s.kind in pages.URL_KINDS for s in study.sources):
        return []
    pages.collect_study(study, paths, refresh=refresh, progress=log.isEnabledFor(logging.INFO))
    # A stable digest of what has been collected (latest outcome and content hash per URL, no times):
    # ingest depends on this, not on the append-only log, so a re-run that fetched nothing new skips it.
    collected = pages.collected_pages(paths)
    io.write_csv(collected, paths.interim / "collected_pages.csv")
    return [paths.interim / "collected_pages.csv"]


def _run_ingest(study: Study, paths: StudyPaths) -> None:
    from analysis import pages

    articles = ingest.build_articles(study, paths)
    if any(s.kind in pages.URL_KINDS for s in study.sources):
        extracted = set(articles.loc[articles["source"] == "web", "source_id"])
        io.write_csv(pages.collection_status(study, paths, extracted=extracted), paths.interim / "collection_status.csv")
    io.write_table(articles, paths.table("articles_raw"))
    log.info("ingest: %d articles from %d outlets", len(articles), articles["outlet"].nunique())


def _run_clean(study: Study, paths: StudyPaths) -> None:
    from analysis import clean

    raw = io.read_table(paths.table("articles_raw"))
    cleaned, cleaning_log = clean.clean_articles(raw)
    # Non-English text is kept and flagged, never dropped silently.
    other = cleaned["language"] != "en"
    flag = cleaned["language"].map(lambda lang: "language_unknown" if lang == "und" else f"non_english:{lang}")
    cleaned.loc[other, "quality_flags"] = [";".join(x for x in (q, f) if x) for q, f in
                                           zip(cleaned.loc[other, "quality_flags"], flag[other])]
    # Sorted by doc_id in row groups of one partition each: prepare and measure read one at a time.
    cleaned = cleaned.sort_values("doc_id", kind="stable", ignore_index=True)
    io.write_table(tables.validate(cleaned, "articles"), paths.table("articles"),
                   row_group_size=partitions.PARTITION_ARTICLES)
    io.write_table(tables.validate(cleaning_log, "cleaning_log"), paths.table("cleaning_log"))
    cards = cleaning_log["action"] == "removed inline link card"
    removed = int(((cleaning_log["step"] == "boilerplate") & ~cards).sum())
    log.info("clean: %d boilerplate paragraphs and %d inline link cards removed, %d duplicates marked, "
             "%d articles flagged", removed, int(cards.sum()),
             int(cleaned["is_duplicate"].sum()), int((cleaned["quality_flags"] != "").sum()))


def _run_prepare(study: Study, paths: StudyPaths) -> None:
    n = partitions.prepare_sentences(paths, engine=engine.current())
    log.info("prepare: %d sentences", n)


def _measure_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    return [paths.table("articles"), paths.table("sentences"), *instruments.training_files(study, paths)]


def _run_measure(study: Study, paths: StudyPaths) -> None:
    scorers = instruments.sentence_instruments(study, paths)
    fitted = instruments.actor_instruments(study) if study.actors else []
    rows = partitions.measure_sentences(study, paths, engine=engine.current(), scorers=scorers,
                                        actor_instruments=fitted)
    log.info("measure: %d sentences scored by %s; %d actor mentions scored by %s",
             rows["sentence_sentiment"] // max(len(scorers), 1), ", ".join(study.sentiment.instruments),
             rows["actor_mentions"], ", ".join(i.name for i in fitted) or "none")


FRAMING_TABLES = ("frame_hits", "article_frames", "frame_profiles", "frame_evidence", "frame_predictions",
                  "frame_prediction_profiles",
                  "label_mentions", "label_shares", "label_contrasts", "label_candidates", "distinctive_terms",
                  "topic_terms", "topic_k_scores", "article_topics", "topic_prevalence", "topic_top_articles",
                  "marker_rates", "article_marker_rates", "markers_by_group")


def _framing_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    return [paths.table("articles"), paths.table("sentences"), *framing.framing_inputs(study, paths)]


def _framing_outputs(study: Study, paths: StudyPaths) -> list[Path]:
    return [paths.table(n) for n in FRAMING_TABLES]


def _run_frame(study: Study, paths: StudyPaths) -> list[Path]:
    articles = io.read_table(paths.table("articles"))
    sentences = io.read_table(paths.table("sentences"))
    produced = framing.run(study, paths, articles=articles, sentences=sentences)
    for name in FRAMING_TABLES:  # a table this study does not produce (no referents) is removed, not left stale
        if name in produced:
            io.write_table(produced[name], paths.table(name))
        else:
            io.remove_file(paths.table(name))
    hits = produced["frame_hits"]
    log.info("frame: %d frame hits in %d sentences (%s); %d topics; %d label mentions", len(hits),
             hits[["doc_id", "sent_id"]].drop_duplicates().shape[0], ", ".join(study.framing.codebooks),
             produced["topic_terms"]["topic"].nunique(), len(produced.get("label_mentions", ())))
    return [paths.table(n) for n in produced]


def _compare_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    names = ["articles", "sentences", "sentence_sentiment", "article_sentiment", "actor_mentions",
             "article_actor_sentiment", "article_frames"]
    optional = [paths.table("frame_predictions")] if paths.table("frame_predictions").exists() else []
    return [paths.table(n) for n in names] + optional


def _run_compare(study: Study, paths: StudyPaths) -> None:
    import pandas as pd

    c = study.compare
    articles = io.read_table(paths.table("articles"), columns=["doc_id", "outlet", "outlet_type", "leaning", "country",
                                                               "published"])  # not the text: memory
    scores = io.read_table(paths.table("article_sentiment")).merge(articles[["doc_id", "country"]], on="doc_id")
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    summaries = [compare.summarize_groups(scores, by=g, **opts) for g in study.groups]
    by_group = pd.concat(summaries, ignore_index=True) if summaries else tables.empty("sentiment_by_group")
    io.write_table(tables.validate(by_group, "sentiment_by_group"), paths.table("sentiment_by_group"))

    def contrasts_of(table, target):
        return [job for g in study.groups
                for job in compare.contrast_jobs(table, by=g, mode="vs_rest" if g == "outlet" else "pairs",
                                                 n_perm=c.n_perm, target=target, **opts)]

    contrasts = contrasts_of(scores, "article")
    actor_scores = io.read_table(paths.table("article_actor_sentiment")).merge(articles[["doc_id", "country"]],
                                                                               on="doc_id")
    actor_summaries = []
    for actor, sub in actor_scores.groupby("actor", sort=True):
        for g in study.groups:
            actor_summaries.append(compare.summarize_groups(sub, by=g, target=actor, **opts).assign(actor=actor))
        contrasts += contrasts_of(sub, actor)
    by_actor = pd.concat(actor_summaries, ignore_index=True) if actor_summaries else \
        tables.empty("actor_sentiment_by_group")
    io.write_table(tables.validate(by_actor, "actor_sentiment_by_group"), paths.table("actor_sentiment_by_group"))
    # Each job has its own seeded stream, so the engine's processes give the same rows as one process; only a
    # corpus with large contrasts is worth starting them for.
    if any(compare.is_large(job) for job in contrasts):
        results = engine.current().map(compare.run_contrast_job, contrasts, shared={})
    else:
        results = map(compare.run_contrast_job, contrasts)
    table = compare.contrast_rows([row for rows in results for row in rows])
    io.write_table(compare.adjust_fdr(table), paths.table("sentiment_contrasts"))
    evidence = partitions.sentiment_evidence(paths)
    io.write_table(evidence, paths.table("sentiment_evidence"))

    mentions = io.read_table(paths.table("actor_mentions"))
    coverage = compare.actor_coverage(articles, mentions, actors=[(a.name, a.type) for a in study.actors],
                                      confidence=c.confidence)
    io.write_table(coverage, paths.table("actor_coverage"))
    io.write_table(compare.articles_by_period(articles), paths.table("articles_by_period"))
    io.write_table(_instrument_agreement(study, paths), paths.table("instrument_agreement"))


def _instrument_agreement(study: Study, paths: StudyPaths):
    """Agreement of the study's two instruments for one construct: sentiment pairs, codebook vs classifier."""
    import pandas as pd

    from analysis import framing_validation, instrument_agreement

    c = study.compare
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, seed=study.seed, min_articles=c.min_articles)
    parts = [instrument_agreement.sentiment_agreement(io.read_table(paths.table("article_sentiment")), **opts)]
    predictions = paths.table("frame_predictions")
    if "generic_news_frames" in study.framing.codebooks and predictions.exists():
        parts.append(instrument_agreement.frame_agreement(
            io.read_table(paths.table("article_frames")), io.read_table(predictions),
            shared=framing_validation.CODEBOOK_TO_NARRATIVE, codebook="generic_news_frames", **opts))
    return pd.concat(parts, ignore_index=True)


def _provenance_tables(study: Study, paths: StudyPaths) -> list[Path]:
    from analysis import provenance

    return [paths.table(n) for n in provenance.TABLES]


def _run_provenance(study: Study, paths: StudyPaths) -> None:
    from analysis import provenance

    hits = paths.table("frame_hits")
    produced = provenance.run(study, articles=io.read_table(paths.table("articles")),
                              sentences=io.read_table(paths.table("sentences")),
                              sentence_scores=io.read_table(paths.table("sentence_sentiment")),
                              frame_hits=io.read_table(hits) if hits.exists() else None)
    for name, table in produced.items():
        io.write_table(table, paths.table(name))


def _validate_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    files = [datasets.locate("vader_nyt", f, download=False) for f in ("ground_truth", "ratings")]
    if study.actors and study.sentiment.actor_instruments:
        files += [datasets.locate("newsmtsc", f, download=False) for f in ("train", "devtest_rw")]
    files += [datasets.locate("narrative_frames", "articles", download=False)]
    files += [datasets.locate("babe", f, download=False) for f in ("sg1", "sg2", "mbic")]
    files += [datasets.locate("neus", f"probe_{split}", download=False) for split in ("test", "val")]
    return files + instruments.training_files(study, paths)


def validate_sentiment(study: Study, paths: StudyPaths) -> tuple:
    """Each of the study's instruments against human labels: (scores, NYT validity, NewsMTSC metrics)."""
    import pandas as pd

    from analysis import target_sentiment, validation

    gold = datasets.load_vader_nyt(download=False)
    scores = pd.concat([validation.score_gold(gold, scorer=s) for s in instruments.sentence_instruments(study, paths)],
                       ignore_index=True)
    nyt = validation.sentiment_validity(gold, scores, n_boot=study.compare.n_boot,
                                        confidence=study.compare.confidence, seed=study.seed)
    news = tables.empty("target_sentiment_validation")
    if study.actors and study.sentiment.actor_instruments:
        news = target_sentiment.evaluate_on_newsmtsc(instruments=study.sentiment.actor_instruments)
    return scores, nyt, tables.validate(news, "target_sentiment_validation")


def _run_validate(study: Study, paths: StudyPaths) -> None:
    from analysis import framing_validation

    scores, nyt, news = validate_sentiment(study, paths)
    io.write_table(scores, paths.table("validation_scores"))
    io.write_table(nyt, paths.table("sentiment_validation"))
    io.write_table(news, paths.table("target_sentiment_validation"))
    framing_table = framing_validation.framing_validity(seed=study.seed, n_boot=study.compare.n_boot)
    io.write_table(tables.validate(framing_table, "framing_validation"), paths.table("framing_validation"))
    from analysis import provenance

    io.write_table(provenance.fact_matching_validity(threshold=study.provenance.fact_threshold),
                   paths.table("fact_matching_validation"))
    for r in nyt.loc[(nyt["level"] == "sentence") & (nyt["instrument"] != "one human rater")].itertuples():
        log.info("validate: %s vs human mean r = %.3f on %d NYT sentences", r.instrument, r.pearson_r, r.n_units)


def _report_inputs(study: Study, paths: StudyPaths) -> list[Path]:
    from analysis import coder_validation, report

    status = paths.interim / "collection_status.csv"
    coded = coder_validation.agreement_file(paths)  # written by `codesheet import`
    return ([paths.table(n) for n in report.REPORT_TABLES] + report.notebook_files(paths)
            + [p for p in (status, coded) if p.exists()])


def _report_outputs(study: Study, paths: StudyPaths) -> list[Path]:
    return [paths.reports / "index.html"]


def _run_report(study: Study, paths: StudyPaths) -> list[Path]:
    from analysis import report

    return report.build_report(study, paths)


STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        Stage("collect", "fetch the study's URL lists and feeds politely into data/raw/<study>/web (incremental)",
              lambda s, p: [], lambda s, p: [], _run_collect, always=True,
              applies=lambda s: any(src.kind in ("urls", "feed") for src in s.sources)),
        Stage("ingest", "read every source of the study into the articles_raw table",
              _ingest_inputs, _tables("articles_raw"), _run_ingest,
              lambda s: (s.sources, s.start, s.end, s.keep_undated, s.outlets)),
        Stage("clean", "remove boilerplate, mark duplicates and flag quality problems, logging every action",
              _tables("articles_raw"), _tables("articles", "cleaning_log"), _run_clean, lambda s: None),
        Stage("prepare", "split articles into sentences with character offsets",
              _tables("articles"), _tables("sentences"), _run_prepare, lambda s: None),
        Stage("measure", "score sentence sentiment with each instrument, find actor mentions and the sentiment "
              "toward each actor",
              _measure_inputs,
              _tables("sentence_sentiment", "article_sentiment", "actor_mentions", "actor_sentiment",
                      "article_actor_sentiment"), _run_measure,
              lambda s: (s.actors, s.sentiment)),
        Stage("frame", "frames (codebooks and a supervised classifier), word choice per referent, distinctive "
              "terms, topics and loaded language, per article and group",
              _framing_inputs, _framing_outputs, _run_frame,
              lambda s: (s.framing, s.referents, s.compare, s.seed, s.groups)),
        Stage("compare", "summarise and contrast groups with article-level bootstrap CIs",
              _compare_inputs,
              _tables("sentiment_by_group", "actor_sentiment_by_group", "sentiment_contrasts", "sentiment_evidence",
                      "actor_coverage", "articles_by_period", "instrument_agreement"),
              _run_compare, lambda s: (s.groups, s.compare, s.seed, s.actors, s.framing.codebooks)),
        Stage("provenance", "text reuse (who copied whom), reuse-aware contrasts, quotes and their sources, and "
              "which facts each outlet reported or left out",
              _tables("articles", "sentences", "sentence_sentiment", "frame_hits"), _provenance_tables,
              _run_provenance,
              lambda s: (s.provenance, s.actors, s.groups, s.compare, s.seed, s.framing.terms_by)),
        Stage("validate", "check every instrument against human labels (VADER NYT, NewsMTSC, Narrative Frames, BABE, "
              "NeuS same-event clusters)",
              _validate_inputs, _tables("validation_scores", "sentiment_validation", "target_sentiment_validation",
                                        "framing_validation", "fact_matching_validation"),
              _run_validate, lambda s: (s.compare, s.seed, s.sentiment, bool(s.actors), s.provenance.fact_threshold)),
        Stage("report", "execute the notebooks into figures, tables and reports/<study>/index.html",
              _report_inputs, _report_outputs, _run_report),
    ]
}


def fingerprint(stage: Stage, study: Study, paths: StudyPaths) -> str:
    h = hashlib.sha256()
    h.update(stage.name.encode())
    h.update(code_hash().encode())
    h.update(json.dumps(stage.settings(study), sort_keys=True, default=str).encode())
    for path in stage.inputs(study, paths):
        h.update(str(path.name).encode())
        h.update(io.sha256_file(path).encode() if path.exists() else b"missing")
    return h.hexdigest()


def _record_path(stage: Stage, paths: StudyPaths) -> Path:
    return paths.stage_records / f"{stage.name}.json"


def is_current(stage: Stage, study: Study, paths: StudyPaths, fp: str) -> bool:
    record = _record_path(stage, paths)
    if not record.exists():
        return False
    saved = io.read_json(record)
    if saved.get("fingerprint") != fp:
        return False
    for rel, digest in saved.get("outputs", {}).items():
        out = paths.root / rel
        if not out.exists() or io.sha256_file(out) != digest:
            return False
    return True


def run_stage(name: str, study: Study, paths: StudyPaths, *, force: bool = False) -> str:
    """Run one stage unless it is current; return ``'ran'`` or ``'skipped'``."""
    stage = STAGES[name]
    if not stage.applies(study):
        log.info("%s: nothing to do for this study, skipped", name)
        return "skipped"
    fp = fingerprint(stage, study, paths)
    if not force and not stage.always and is_current(stage, study, paths, fp):
        log.info("%s: up to date, skipped", name)
        return "skipped"
    produced = stage.run(study, paths) or stage.outputs(study, paths)
    outputs = {str(p.relative_to(paths.root)): io.sha256_file(p) for p in sorted(set(produced)) if p.exists()}
    io.write_json(_record_path(stage, paths), {"stage": name, "fingerprint": fp, "outputs": outputs})
    return "ran"


def run_all(study: Study, paths: StudyPaths, *, force: bool = False, until: str | None = None) -> dict[str, str]:
    results = {}
    for name in STAGES:
        results[name] = run_stage(name, study, paths, force=force)
        if name == until:
            break
    return results


def describe_datasets() -> list[tuple[str, str]]:
    return [(d.name, d.citation) for d in datasets.DATASETS.values()]


def collect(study: Study, paths: StudyPaths, *, refresh: bool = False) -> None:
    """The collect stage on its own, optionally re-fetching collected URLs (``--refresh``)."""
    _run_collect(study, paths, refresh=refresh)
