"""The framing stage: voices, frames, word choice, distinctive terms, topics and loaded language for one study.

Each measure lives in its own module; this one runs them in order on the
study's ``articles`` and ``sentences`` and returns the tables by name, so the
pipeline writes them like any other stage's. Duplicates (syndicated copies,
marked by ``clean``) are left out of every comparison here: a wire story run
by three outlets would otherwise count three times toward its frames and terms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from analysis.collect import datasets
from analysis.core import cache, progress, storage, tables, tasks
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.framing import (
    bias_classifier,
    dictionary,
    frame_classifier,
    frame_tables,
    labels,
    loaded_language,
    substitutes,
    term_codes,
    terms,
    topics,
)
from analysis.stats import contrasts
from analysis.text import voice
from analysis.text.prepare import readable
from analysis.text.texts import article_chunks

GROUPS = ("outlet", "leaning", "outlet_type")
TOPIC_TABLES = ("topic_terms", "topic_k_scores", "article_topics", "topic_prevalence", "topic_top_articles")
log = logging.getLogger("analysis")


def framing_inputs(study: Study, paths: StudyPaths) -> list:
    """Files the stage reads besides the study tables: codebooks, lexicons, coded training data."""

    files = [paths.codebook(c) for c in study.framing.codebooks]
    files += [datasets.locate(dataset, f, download=False) for dataset, f in loaded_language.LISTS.values()]
    files.append(datasets.locate("babe", "sg2", download=False))  # the bias classifier's training data
    if study.framing.classifier:
        files.append(datasets.locate(study.framing.classifier, "articles", download=False))
    return files


def _groups(study: Study) -> list[str]:
    return [g for g in GROUPS if g in study.groups]


def voices(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Whose voice each stretch of each article is in (the outlet's, or quoted, reported, attributed speech)."""
    spans = voice.voice_spans(articles, sentences, actors=tuple(study.actors))
    return {"voice_spans": spans, "sentence_voice": voice.sentence_voice(spans, sentences)}


def frame_matchers(study: Study, paths: StudyPaths) -> list[dictionary.FrameMatcher]:
    return [dictionary.FrameMatcher(codebook=str(paths.codebook(name))).fit() for name in study.framing.codebooks]


def measure_frames(study: Study, paths: StudyPaths, *, articles: pd.DataFrame, sentences: pd.DataFrame,
                   voice_spans: pd.DataFrame, sentence_voice: pd.DataFrame,
                   frame_hits: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Dictionary frames per sentence, article and group, by voice, with keyword-in-context evidence.

    Profiles cover every measure of ``article_frames``: the frame's prominence in the outlet's own
    voice (``own_share``) and in the words of those it quotes (``others_share``), the share of
    articles it dominates, and its mere presence (``present``) and share of all sentences.
    ``frame_hits``: the sentences' hits when already found (:func:`sentence_tables`).
    """
    c = study.compare
    matchers = frame_matchers(study, paths)
    hits = frame_hits if frame_hits is not None else pd.concat(
        [dictionary.frame_hits(sentences, matcher=m, voices=voice_spans) for m in matchers], ignore_index=True)
    per_article = frame_tables.article_frames(hits, sentences=sentences, articles=articles, matchers=matchers,
                                            sentence_voices=sentence_voice)
    profiles = pd.concat([frame_tables.frame_profiles(per_article, by=g, value=measure, n_boot=c.n_boot,
                                                    confidence=c.confidence, min_articles=c.min_articles,
                                                    seed=study.seed)
                          for measure in frame_tables.PROFILE_MEASURES for g in _groups(study)], ignore_index=True)
    by_voice = pd.concat([frame_tables.frame_voices(hits, articles, by=g) for g in _groups(study)], ignore_index=True)
    return {"frame_hits": hits, "article_frames": per_article, "frame_profiles": profiles, "frame_voices": by_voice,
            "frame_evidence": frame_tables.frame_evidence(hits.loc[~hits["rebuttal"]], sentences)}


def classify_frames(study: Study, *, articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The supervised frame classifier, trained on coded data, applied to the study's articles."""
    if not study.framing.classifier:
        return {}

    # fitted once per toolkit version and coded data, like the bias classifier below, then read from the cache
    coded = datasets.locate("narrative_frames", "articles", download=False)
    model = cache.cached_object("model_frame_classifier", cache.key(files=[coded], packages=("scikit-learn",)),
                                frame_classifier.fit_default)
    predictions = frame_classifier.apply_to_articles(model, articles)
    # Groups are compared by mean probability: the F1-tuned labels overstate how common a frame is.
    scores = predictions.merge(articles[["doc_id", "outlet_type", "leaning"]], on="doc_id").assign(n_sentences=1)
    c = study.compare
    profiles = [contrasts.summarize_groups(sub.assign(instrument=frame), by=g, value="probability", n_boot=c.n_boot,
                                         confidence=c.confidence, min_articles=c.min_articles, seed=study.seed,
                                         target="frame_logreg").rename(columns={"instrument": "frame"})
                for frame, sub in scores.groupby("frame", sort=False) for g in _groups(study)]
    return {"frame_predictions": predictions, "frame_prediction_profiles": pd.concat(profiles, ignore_index=True)}


def _referents(study: Study) -> list[labels.Referent]:
    return [labels.Referent(r.name, {label: forms for label, forms in r.labels}) for r in study.referents]


def word_choice(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame,
                voice_spans: pd.DataFrame | None = None,
                label_mentions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Which label each outlet uses for each referent, with Wilson intervals, contrasts and candidates;
    with ``voice_spans``, also in the outlet's own words apart from its sources' (``label_voices``).
    ``label_mentions``: the mentions when already found (:func:`sentence_tables`)."""
    if not study.referents:
        return {}
    referents = _referents(study)
    mentions = label_mentions if label_mentions is not None else labels.label_mentions(
        sentences, matcher=labels.LabelMatcher(referents=referents).fit(), voices=voice_spans)
    by = tuple(g for g in ("outlet", "leaning") if g in study.groups)
    shares = labels.labels_by_outlet(mentions, articles, referents=referents, confidence=study.compare.confidence,
                                     by=by)
    by_voice = labels.label_voices(mentions, articles, referents=referents, confidence=study.compare.confidence,
                                   by=by)
    contrasts = labels.label_contrasts(shares, group_var="leaning", min_articles=study.compare.min_articles)
    # substitute (context similarity times naming, kinship and group-separation evidence) where articles carry a
    # leaning: on the AllSides China subset it ranks each of the seven held-out labels of the study's referents
    # in the top 7 ("CCP", "regime", "vocational training centers" included, all three outside context's top
    # 50; issue 21, benchmarks/label_discovery_allsides.py)
    if "leaning" in articles:
        candidates = [substitutes.discover_substitutes(sentences, mentions, referent=r, articles=articles,
                                                       by="leaning", seed=study.seed) for r in referents]
    else:
        candidates = [labels.discover_labels(sentences, mentions, referent=r, method="context") for r in referents]
    candidates = pd.concat(candidates, ignore_index=True)
    return {"label_mentions": mentions, "label_shares": shares, "label_voices": by_voice, "label_contrasts": contrasts,
            "label_candidates": candidates}


def article_term_counts(articles: pd.DataFrame) -> terms.TermCounts:
    """The n-gram counts :func:`analysis.framing.terms.distinctive_terms` reads (its defaults: words to trigrams,
    English stop words at the edges, terms in 2 or more of the articles that are not duplicates), counted once
    for every grouping, with integer n-grams (:mod:`analysis.framing.term_codes`: the same matrix and
    vocabulary as its CountVectorizer, which built a Python string per n-gram, about a minute a pass on the
    full AllSides corpus)."""
    kept = terms.kept_articles(articles, drop_duplicates=True)
    X, vocab = term_codes.count_texts(kept["text"], ngram_range=(1, 3), min_df=2)
    if not len(vocab):  # as CountVectorizer says it, for the caller's one handler of a tiny corpus
        raise ValueError("After pruning, no terms remain: no term is in 2 or more articles")
    return X, vocab, kept["doc_id"].astype(str).to_numpy()


def distinctive(study: Study, *, articles: pd.DataFrame) -> pd.DataFrame:
    """Distinctive terms per grouping of ``study.framing.terms_by`` (one-vs-rest, bootstrap stability)."""
    try:
        counts = article_term_counts(articles)
        return pd.concat([terms.distinctive_terms(articles, by=g, mode="one_vs_rest", seed=study.seed,
                                                  min_articles=study.compare.min_articles, counts=counts)
                          for g in study.framing.terms_by], ignore_index=True)
    except ValueError as exc:  # scikit-learn's vectorizer finds no term in 2+ articles of a tiny corpus
        log.warning("frame: no distinctive terms for %d articles (%s)", len(articles), exc)
        return tables.empty("distinctive_terms")


def topic_tables(study: Study, *, articles: pd.DataFrame, n_jobs: int | None = None) -> dict[str, pd.DataFrame]:
    """NMF topics (:class:`analysis.framing.topics.TopicModel`, k by stability) with their prevalence per group;
    empty tables, with a warning, for a corpus too small to have topics."""
    c = study.compare
    try:
        model = topics.TopicModel(n_topics=study.framing.topics, random_state=study.seed, n_jobs=n_jobs).fit(articles)
    except ValueError as exc:
        # A corpus of a handful of articles has no topic structure to find; say so instead of failing the study.
        log.warning("frame: no topics for %d articles (%s); topic tables left empty", len(articles), exc)
        return {name: tables.empty(name) for name in TOPIC_TABLES}
    per_article = topics.article_topics(model, articles)
    prevalence = pd.concat([topics.topic_prevalence(per_article, by=g, n_boot=c.n_boot, confidence=c.confidence,
                                                    min_articles=c.min_articles, seed=study.seed)
                            for g in _groups(study)], ignore_index=True)
    return {"topic_terms": topics.topic_terms(model), "topic_k_scores": model.k_scores_,
            "article_topics": per_article, "topic_prevalence": prevalence,
            "topic_top_articles": topics.top_articles(per_article, articles)}


def marker_scorer() -> loaded_language.MarkerScorer:
    # pruned: names and topic nouns ("china", "government") are not loaded language (loaded_pruned.csv)
    return loaded_language.MarkerScorer(prune=True).fit()


def bias_model() -> bias_classifier.BiasClassifier:
    # the supervised measure (validated on BABE, leave-one-outlet-out), fitted once per toolkit version
    babe = datasets.locate("babe", "sg2", download=False)
    return cache.cached_object("model_bias_classifier", cache.key(files=[babe], packages=("scikit-learn",)),
                               bias_classifier.fit_default)


def markers(study: Study, *, articles: pd.DataFrame, sentences: pd.DataFrame,
            sentence_voice: pd.DataFrame | None = None, marker_rates: pd.DataFrame | None = None,
            sentence_bias: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Hedges, factive and assertive verbs, report verbs and bias words per article and group, and with
    ``sentence_voice`` per voice (the outlet's own sentences apart from those in others' words); the bias
    classifier's probability per sentence and its article means per group, by voice. ``marker_rates`` and
    ``sentence_bias``: the sentences' scores when already computed (:func:`sentence_tables`)."""
    c = study.compare
    opts = dict(n_boot=c.n_boot, confidence=c.confidence, min_articles=c.min_articles, seed=study.seed)
    rates = marker_rates if marker_rates is not None else loaded_language.marker_rates(sentences,
                                                                                       scorer=marker_scorer())
    per_article = loaded_language.article_marker_rates(rates, articles)
    by_group = pd.concat([loaded_language.markers_by_group(per_article, by=g, **opts) for g in _groups(study)],
                         ignore_index=True)
    out = {"marker_rates": rates, "article_marker_rates": per_article, "markers_by_group": by_group}
    if sentence_voice is not None:
        out["markers_by_voice"] = pd.concat([loaded_language.markers_by_voice(rates, sentence_voice, articles, by=g,
                                                                              **opts) for g in _groups(study)],
                                            ignore_index=True)
    scores = sentence_bias if sentence_bias is not None else bias_classifier.sentence_bias(
        sentences, model=bias_model(), sentence_voice=sentence_voice)
    out["sentence_bias"] = scores
    out["bias_by_group"] = pd.concat([bias_classifier.bias_by_group(scores, articles, by=g, **opts)
                                      for g in _groups(study)], ignore_index=True)
    return out


# Articles per task of the per-sentence measures: small enough that two workers share a 3,000-article study
# evenly, large enough that sending a chunk costs little next to measuring it (about 30 ms an article).
CHUNK_ARTICLES = 250
# The per-sentence tables, in the order sentence_tables returns them; frame hits come one list per codebook.
SENTENCE_TABLES = ("voice_spans", "sentence_voice", "label_mentions", "marker_rates", "sentence_bias")


def sentence_tables(chunk: tuple[pd.DataFrame, pd.DataFrame], shared: dict) -> dict:
    """The measures each article's sentences get on their own (voices, frame cues, labels, markers, bias),
    for one chunk of articles: the unit of parallel work, so any chunking gives the same rows in order."""
    with progress.quiet():  # the engine's bar counts the chunks
        return _sentence_tables(*chunk, shared)


def _sentence_tables(articles: pd.DataFrame, sentences: pd.DataFrame, shared: dict) -> dict:
    study = shared["study"]
    out = voices(study, articles=articles, sentences=sentences)
    out["frame_hits"] = [dictionary.frame_hits(sentences, matcher=m, voices=out["voice_spans"])
                         for m in shared["matchers"]]
    if shared["label_matcher"] is not None:
        out["label_mentions"] = labels.label_mentions(sentences, matcher=shared["label_matcher"],
                                                      voices=out["voice_spans"])
    out["marker_rates"] = loaded_language.marker_rates(sentences, scorer=shared["scorer"])
    out["sentence_bias"] = bias_classifier.sentence_bias(sentences, model=shared["bias_model"],
                                                         sentence_voice=out["sentence_voice"])
    return out


def per_sentence(study: Study, paths: StudyPaths, *, articles: pd.DataFrame, sentences: pd.DataFrame,
                 engine=None, parts: dict[str, tasks.Part] | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """(:func:`sentence_tables` over chunks of :data:`CHUNK_ARTICLES` articles on ``engine``, joined in article
    order; the whole-corpus ``parts``' results): without an engine all run in this process, on a local engine the
    parts run beside the chunks (:func:`analysis.core.tasks.map_with_parts`)."""
    shared = {"study": study, "matchers": frame_matchers(study, paths), "scorer": marker_scorer(),
              "bias_model": bias_model(),
              "label_matcher": labels.LabelMatcher(referents=_referents(study)).fit() if study.referents else None}
    chunks = list(article_chunks(articles, sentences, CHUNK_ARTICLES))
    parts_read, done = tasks.map_with_parts(engine, sentence_tables, chunks, shared=shared, parts=parts or {},
                                            desc="frame")
    collected: dict[str, list] = {}
    for part in parts_read:
        for name, table in part.items():
            collected.setdefault(name, []).append(table)
    out = {name: pd.concat(collected[name], ignore_index=True) for name in SENTENCE_TABLES if name in collected}
    by_codebook = zip(*collected["frame_hits"]) if chunks else [[] for _ in shared["matchers"]]
    out["frame_hits"] = pd.concat([pd.concat(list(hits), ignore_index=True) for hits in by_codebook],
                                  ignore_index=True)
    return out, done


def _distinctive_table(*, study: Study, articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"distinctive_terms": distinctive(study, articles=articles)}


def _summaries(*, measure: Callable[..., dict], **kwargs) -> dict[str, pd.DataFrame | str]:
    """``measure(**kwargs)``, with the keyword's name in place of each table it was given and returned as it was
    (a worker process need not send the sentence tables back)."""
    given = {id(v): name for name, v in kwargs.items() if isinstance(v, pd.DataFrame)}
    return {table: given.get(id(df), df) for table, df in measure(**kwargs).items()}


def measured_articles(study: Study, articles: pd.DataFrame) -> pd.DataFrame:
    """The articles this stage measures: not duplicates (module docstring), in one of the study's languages."""
    return articles.loc[~articles["is_duplicate"] & readable(articles["language"], study.languages)]


def framing_tables(study: Study, paths: StudyPaths, *, articles: pd.DataFrame, sentences: pd.DataFrame,
                   engine=None) -> dict[str, pd.DataFrame]:
    """Every framing table of the study, by name, each checked against its schema."""
    kept = measured_articles(study, articles)
    kept_sentences = sentences.loc[sentences["doc_id"].isin(set(kept["doc_id"]))]
    # The parts that read whole articles and need no sentence measure run beside the sentence chunks; the topic
    # models' choice of k then runs in one process (n_jobs=None), as nested process pools in a worker ran ten
    # times slower.
    parts = {"topics": (topic_tables, dict(study=study, articles=kept)),
             "distinctive": (_distinctive_table, dict(study=study, articles=kept)),
             "classifier": (classify_frames, dict(study=study, articles=kept))}
    found, done = per_sentence(study, paths, articles=kept, sentences=kept_sentences, engine=engine, parts=parts)
    out = {"voice_spans": found["voice_spans"], "sentence_voice": found["sentence_voice"]}
    given = {name: found[name] for name in ("frame_hits", "label_mentions", "marker_rates", "sentence_bias")
             if name in found}
    # Frames, word choice and markers from article to group (bootstrap intervals, contrasts, candidates) need
    # the sentence tables and not one another: side by side on a local engine's processes.
    summary_parts = {
        "frames": (_summaries, dict(measure=measure_frames, study=study, paths=paths, articles=kept,
                                    sentences=kept_sentences, frame_hits=given["frame_hits"], **out)),
        "labels": (_summaries, dict(measure=word_choice, study=study, articles=kept, sentences=kept_sentences,
                                    voice_spans=out["voice_spans"], label_mentions=given.get("label_mentions"))),
        "markers": (_summaries, dict(measure=markers, study=study, articles=kept, sentences=kept_sentences,
                                     sentence_voice=out["sentence_voice"], marker_rates=given["marker_rates"],
                                     sentence_bias=given["sentence_bias"])),
    }
    summaries = tasks.run_parts(engine, summary_parts, desc="frame summaries")
    for name in ("frames", "classifier", "labels", "distinctive", "topics", "markers"):
        if name in summaries:  # a table given back as it was comes as the name of the keyword it was given by
            kwargs = summary_parts[name][1]
            out.update({table: kwargs[df] if isinstance(df, str) else df for table, df in summaries[name].items()})
        else:
            out.update(done[name])
    return {name: tables.validate(df, name) for name, df in out.items()}


# The tables this stage writes, as the framing room declares them (analysis/framing/tables.toml).
TABLES = tuple(name for name, s in tables.SCHEMAS.items() if s.room == "framing")


def run(study: Study, paths: StudyPaths, *, engine=None) -> list:
    """The frame stage: compute every framing table; a table this study does not produce is removed, not left stale.

    ``engine`` spreads the per-sentence measures over processes or a Dask cluster (:func:`per_sentence`)."""
    articles = storage.read_table(paths.table("articles"))
    # The frame stage bootstraps over articles with [compare] n_boot too: refuse before the first resample.
    contrasts.check_resample_memory(n_boot=study.compare.n_boot, n_perm=study.compare.n_perm,
                                    n_articles=len(articles), study_file=paths.study_file)
    sentences = storage.read_table(paths.table("sentences"))
    produced = framing_tables(study, paths, articles=articles, sentences=sentences, engine=engine)
    for name in TABLES:
        if name in produced:
            storage.write_table(produced[name], paths.table(name))
        else:
            storage.remove_file(paths.table(name))
    hits = produced["frame_hits"]
    used = hits.loc[~hits["rebuttal"]]
    log.info("frame: %d frame hits in %d sentences (%s), %d rebuttals; %d topics; %d label mentions", len(used),
             used[["doc_id", "sent_id"]].drop_duplicates().shape[0], ", ".join(study.framing.codebooks),
             int(hits["n_rebuttals"].sum()),
             produced["topic_terms"]["topic"].nunique(), len(produced.get("label_mentions", ())))
    return [paths.table(n) for n in produced]
