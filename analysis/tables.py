"""The documented tidy tables every stage reads and writes.

Each schema lists its columns with a dtype *kind* (pandas 3 infers a
``str`` dtype and microsecond datetimes, so exact dtype names are not a
stable contract) and the columns that form a unique key. ``validate`` is
called before every write, and the tests call it on every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from analysis.errors import SchemaError

Kind = Literal["str", "int", "float", "datetime", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    doc: str
    nullable: bool = False


@dataclass(frozen=True)
class Schema:
    name: str
    layer: Literal["interim", "processed"]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_OUTLET_ATTRS = (
    Column("outlet_type", "str", "wire, mainstream, tech press, advocacy, ... (data/outlets.csv)"),
    Column("leaning", "str", "left, lean left, center, lean right, right, or unrated"),
)

_ARTICLE_COLUMNS = (
    Column("doc_id", "str", "stable id: hash of source and source_id"),
    Column("outlet", "str", "canonical outlet name from the registry"),
    Column("url", "str", "article URL", nullable=True),
    Column("title", "str", "headline"),
    Column("published", "datetime", "publication date (UTC)", nullable=True),
    Column("text", "str", "article body"),
    Column("source", "str", "where the row came from: dataset:<name>, file:<path>, import:<file>"),
    Column("source_id", "str", "id inside that source"),
    Column("source_outlet", "str", "outlet name as the source spelled it"),
    *_OUTLET_ATTRS,
    Column("leaning_source", "str", "who rated the leaning"),
    Column("country", "str", "outlet country (ISO 3166 alpha-2) or unknown"),
    Column("dataset_label", "str", "label the source dataset attached, if any", nullable=True),
    Column("author", "str", "byline as the source gave it (empty bylines are missing)", nullable=True),
    Column("event_id", "str", "same-event cluster the source attached (an AllSides story in NeuS), if any",
           nullable=True),
    Column("language", "str", "ISO 639-1 code from py3langid ('und' if too short); non-English is flagged, not dropped"),
    Column("original_outlet", "str", "for reposts, the outlet that first published the article", nullable=True),
    Column("extractor", "str", "how the text was obtained: dataset, text file, or trafilatura <version>"),
)

_INSTRUMENT = (
    Column("instrument", "str", "instrument name (vader, a dictionary's name, a model's name)"),
    Column("instrument_version", "str", "exact version: package, lexicon hash or training-data hash"),
)

_GROUP_STATS = (
    Column("n_articles", "int", "articles in the group (the resampling unit)"),
    Column("n_sentences", "int", "sentences behind those articles"),
    Column("mean", "float", "mean of article-level scores"),
    Column("sd", "float", "standard deviation of article-level scores", nullable=True),
    Column("ci_low", "float", "lower bound of the article-level bootstrap CI (level in ci_method)", nullable=True),
    Column("ci_high", "float", "upper bound of the article-level bootstrap CI (level in ci_method)", nullable=True),
    Column("ci_method", "str", "how the interval was computed"),
)

SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in [
        Schema("articles_raw", "interim", ("doc_id",), _ARTICLE_COLUMNS,
               "One row per article as ingested, before cleaning."),
        Schema(
            "articles", "interim", ("doc_id",),
            (
                *_ARTICLE_COLUMNS,
                Column("n_chars_removed", "int", "characters removed by cleaning (boilerplate, invisible chars)"),
                Column("canonical_doc_id", "str", "the cluster's canonical article (itself if not a duplicate)"),
                Column("is_duplicate", "bool", "an exact or near duplicate of canonical_doc_id"),
                Column("quality_flags", "str", "';'-joined flags: empty, too_short, cookie_or_paywall, ..."),
            ),
            "One row per article after cleaning; nothing is dropped, duplicates and flags are marked.",
        ),
        Schema(
            "cleaning_log", "processed", ("doc_id", "seq"),
            (
                Column("doc_id", "str", "article id"),
                Column("seq", "int", "order of the action within the article"),
                Column("step", "str", "characters, boilerplate, quality or duplicates"),
                Column("action", "str", "what was done"),
                Column("reason", "str", "why"),
                Column("detail", "str", "the text removed (first 80 characters) or the canonical id"),
            ),
            "Every cleaning action, per article, with its reason.",
        ),
        Schema(
            "sentences", "interim", ("doc_id", "sent_id"),
            (
                Column("doc_id", "str", "article id"),
                Column("sent_id", "int", "0-based position of the sentence in the article"),
                Column("outlet", "str", "outlet of the article"),
                Column("start", "int", "character offset of the sentence start in articles.text"),
                Column("end", "int", "character offset one past the sentence end"),
                Column("text", "str", "sentence text (articles.text[start:end])"),
            ),
            "One row per sentence; offsets point into the article text.",
        ),
        Schema(
            "sentence_sentiment", "interim", ("doc_id", "sent_id", "instrument"),
            (
                Column("doc_id", "str", "article id"),
                Column("sent_id", "int", "sentence id"),
                Column("outlet", "str", "outlet"),
                *_INSTRUMENT,
                Column("score", "float", "polarity in [-1, 1] (VADER compound, dictionary (P-N)/(P+N), model output)"),
            ),
            "Sentence-level sentiment, one row per sentence and instrument.",
        ),
        Schema(
            "actor_mentions", "interim", ("doc_id", "sent_id", "actor"),
            (
                Column("doc_id", "str", "article id"),
                Column("sent_id", "int", "sentence id"),
                Column("outlet", "str", "outlet"),
                Column("actor", "str", "actor name from study.toml"),
                Column("actor_type", "str", "actor type from study.toml"),
                Column("n_matches", "int", "alias or pattern matches in the sentence"),
                Column("matched", "str", "first matched surface form"),
                Column("start", "int", "character offset of the first match in the sentence text"),
                Column("end", "int", "character offset one past the first match"),
            ),
            "One row per sentence that mentions an actor.",
        ),
        Schema(
            "article_sentiment", "processed", ("doc_id", "instrument"),
            (
                Column("doc_id", "str", "article id"),
                Column("outlet", "str", "outlet"),
                *_OUTLET_ATTRS,
                *_INSTRUMENT,
                Column("n_sentences", "int", "sentences scored"),
                Column("sentiment", "float", "mean sentence score"),
                Column("share_negative", "float", "share of sentences with score <= -0.05"),
            ),
            "Article-level sentiment aggregated from sentences.",
        ),
        Schema(
            "sentiment_by_group", "processed", ("group_var", "group", "instrument"),
            (
                Column("group_var", "str", "grouping variable: outlet, leaning or outlet_type"),
                Column("group", "str", "value of the grouping variable"),
                *_INSTRUMENT,
                *_GROUP_STATS,
            ),
            "Article-level sentiment summarised per group with bootstrap CIs.",
        ),
        Schema(
            "sentiment_contrasts", "processed", ("target", "group_var", "group_a", "group_b", "instrument"),
            (
                Column("target", "str", "what the sentiment is about: 'article' (overall tone) or an actor"),
                Column("group_var", "str", "grouping variable"),
                Column("group_a", "str", "first group"),
                Column("group_b", "str", "second group (or 'all others')"),
                *_INSTRUMENT,
                Column("n_a", "int", "articles in group a"),
                Column("n_b", "int", "articles in group b"),
                Column("diff", "float", "mean(a) - mean(b)"),
                Column("ci_low", "float", "95% bootstrap CI of the difference, low", nullable=True),
                Column("ci_high", "float", "95% bootstrap CI of the difference, high", nullable=True),
                Column("effect_size", "float", "Hedges' g", nullable=True),
                Column("p_perm", "float", "two-sided permutation p-value (articles permuted)"),
                Column("p_fdr", "float", "Benjamini-Hochberg adjusted p across the whole table"),
            ),
            "Pairwise group contrasts of article-level sentiment.",
        ),
        Schema(
            "actor_sentiment", "interim", ("doc_id", "sent_id", "actor", "instrument"),
            (
                Column("doc_id", "str", "article id"),
                Column("sent_id", "int", "sentence id"),
                Column("outlet", "str", "outlet"),
                Column("actor", "str", "actor name from study.toml"),
                *_INSTRUMENT,
                Column("label", "str", "negative, neutral or positive toward the actor"),
                Column("score", "float", "polarity toward the actor in [-1, 1]: P(positive) - P(negative), or "
                                         "the sentence's VADER compound for the baseline"),
            ),
            "Sentiment toward each actor in each sentence that mentions it, one row per instrument.",
        ),
        Schema(
            "article_actor_sentiment", "processed", ("doc_id", "actor", "instrument"),
            (
                Column("doc_id", "str", "article id"),
                Column("outlet", "str", "outlet"),
                *_OUTLET_ATTRS,
                Column("actor", "str", "actor"),
                *_INSTRUMENT,
                Column("n_sentences", "int", "sentences of the article that mention the actor"),
                Column("sentiment", "float", "mean score toward the actor over those sentences"),
                Column("share_negative", "float", "share of those sentences labelled negative"),
            ),
            "Article-level sentiment toward each actor the article mentions.",
        ),
        Schema(
            "actor_sentiment_by_group", "processed", ("actor", "group_var", "group", "instrument"),
            (
                Column("actor", "str", "actor"),
                Column("group_var", "str", "grouping variable: outlet, leaning or outlet_type"),
                Column("group", "str", "value of the grouping variable"),
                *_INSTRUMENT,
                *_GROUP_STATS,
            ),
            "Sentiment toward each actor per group, articles resampled.",
        ),
        Schema(
            "sentiment_evidence", "processed", ("outlet", "instrument", "rank"),
            (
                Column("outlet", "str", "outlet"),
                *_INSTRUMENT,
                Column("rank", "int", "1 = pulls the outlet's mean furthest from the corpus mean"),
                Column("doc_id", "str", "article id"),
                Column("sent_id", "int", "sentence id"),
                Column("score", "float", "the sentence's score"),
                Column("pull", "float", "the sentence's contribution to (outlet mean - corpus mean)"),
                Column("text", "str", "the sentence (publisher text: shown in the local report, never committed)"),
            ),
            "The sentences that move each outlet's mean most, so a reader can check the score.",
        ),
        Schema(
            "actor_coverage", "processed", ("outlet", "actor"),
            (
                Column("outlet", "str", "outlet"),
                Column("actor", "str", "actor"),
                Column("actor_type", "str", "actor type"),
                Column("n_articles", "int", "articles from the outlet"),
                Column("n_mentioning", "int", "articles mentioning the actor at least once"),
                Column("n_mentions", "int", "sentences mentioning the actor"),
                Column("share", "float", "n_mentioning / n_articles"),
                Column("ci_low", "float", "Wilson score interval of share (articles), low", nullable=True),
                Column("ci_high", "float", "Wilson score interval of share (articles), high", nullable=True),
            ),
            "How often each outlet's articles mention each actor.",
        ),
        Schema(
            "articles_by_period", "processed", ("period", "outlet"),
            (
                Column("period", "str", "calendar quarter, e.g. 2019Q4, or 'undated'"),
                Column("outlet", "str", "outlet"),
                *_OUTLET_ATTRS,
                Column("n_articles", "int", "articles"),
            ),
            "Article counts per outlet and quarter.",
        ),
        Schema(
            "validation_scores", "processed", ("snippet_id", "instrument"),
            (
                Column("snippet_id", "str", "gold-standard unit id (VADER NYT: <article>_<sentence>)"),
                Column("article_id", "str", "article the snippet comes from (the resampling cluster)"),
                Column("human_mean", "float", "mean human rating (-4..+4)"),
                Column("instrument", "str", "scorer name"),
                Column("score", "float", "instrument score (VADER compound)"),
            ),
            "Instrument scores on the human-labelled gold standard (no gold text kept).",
        ),
        Schema(
            "target_sentiment_validation", "processed", ("dataset", "split", "instrument", "metric"),
            (
                Column("dataset", "str", "human-labelled dataset (newsmtsc)"),
                Column("split", "str", "split scored (devtest_rw; never used for training)"),
                Column("instrument", "str", "actor instrument"),
                Column("metric", "str", "macro_f1, accuracy, f1_negative, f1_neutral, f1_positive"),
                Column("value", "float", "metric value"),
                Column("n", "int", "targets scored (class support for per-class F1)"),
            ),
            "Validity of actor-directed sentiment against NewsMTSC's human labels.",
        ),
        Schema(
            "framing_validation", "processed", ("dataset", "split", "instrument", "metric"),
            (
                Column("dataset", "str", "human-labelled dataset (narrative_frames, babe)"),
                Column("split", "str", "how it was scored (cross-validation folds, BABE split)"),
                Column("instrument", "str", "codebook, classifier, baseline or marker score"),
                Column("metric", "str", "f1_<frame>, macro_f1, roc_auc, ..."),
                Column("value", "float", "metric value", nullable=True),
                Column("n", "int", "units scored (positives for per-frame metrics)"),
            ),
            "Validity of the framing measures against human coders.",
        ),
        Schema(
            "sentiment_validation", "processed", ("instrument", "level", "comparison"),
            (
                Column("instrument", "str", "scorer name, or 'one human rater' for the ceiling"),
                Column("level", "str", "sentence or article"),
                Column("comparison", "str", "what is correlated with what"),
                Column("n_units", "int", "sentences or articles (rating pairs for the ceiling)"),
                Column("n_articles", "int", "articles (bootstrap clusters)"),
                Column("pearson_r", "float", "Pearson correlation"),
                Column("ci_low", "float", "95% cluster-bootstrap CI, low"),
                Column("ci_high", "float", "95% cluster-bootstrap CI, high"),
                Column("spearman_rho", "float", "Spearman rank correlation"),
                Column("ci_method", "str", "how the interval was computed"),
            ),
            "Validity of sentence sentiment against VADER's NYT human ratings.",
        ),
    ]
}

_KIND_CHECKS = {
    "str": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s),
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "datetime": pd.api.types.is_datetime64_any_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


def schema(name: str) -> Schema:
    """The schema of table ``name``; the framing and provenance tables are registered on first use."""
    if name not in SCHEMAS:
        # The framing and provenance modules import this one, so they cannot be imported at its top.
        from analysis import framing, instrument_agreement, provenance  # noqa: F401
    if name not in SCHEMAS:
        raise SchemaError(f"no table is called {name!r}")
    return SCHEMAS[name]


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``df`` against its schema; return it with columns in schema order."""
    contract = schema(name)
    missing = [c for c in contract.names if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r} lacks columns {missing}")
    for col in contract.columns:
        series = df[col.name]
        if not _KIND_CHECKS[col.kind](series.dtype):
            raise SchemaError(f"table {name!r} column {col.name!r} has dtype {series.dtype}, expected {col.kind}")
        if not col.nullable and series.isna().any():
            raise SchemaError(f"table {name!r} column {col.name!r} has {int(series.isna().sum())} missing values")
    dupes = df.duplicated(list(contract.key)).sum()
    if dupes:
        raise SchemaError(f"table {name!r} has {dupes} duplicate keys {contract.key}")
    return df[contract.names].reset_index(drop=True)


_DTYPES = {"str": "str", "int": "int64", "float": "float64", "datetime": "datetime64[ns, UTC]", "bool": "bool"}


def empty(name: str) -> pd.DataFrame:
    """An empty table with the schema's columns and dtype kinds."""
    return pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in schema(name).columns})


def from_rows(rows: list[tuple], columns: Mapping[str, tuple]) -> pd.DataFrame:
    """A table from row tuples in column order, each column cast to its kind, typed even with no rows.

    ``columns`` maps each name to a tuple that starts with its kind: the ``(kind, doc)`` column
    dictionaries that modules keep beside their code.
    """
    data = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame({name: pd.Series(list(values), dtype=_DTYPES[spec[0]])
                         for (name, spec), values in zip(columns.items(), data)})


def register(schemas: dict[str, Schema]) -> None:
    """Add a measure module's table contracts to ``SCHEMAS`` (called when the module is imported).

    The framing measures keep their schemas next to their code; registering
    here makes them part of the one contract that ``validate`` and the tests use.
    """
    for name, schema in schemas.items():
        existing = SCHEMAS.get(name)
        if existing is not None and existing != schema:
            raise SchemaError(f"table {name!r} is defined twice with different columns")
        SCHEMAS[name] = schema

