"""Prepare: split articles into sentences with character offsets.

nltk's pre-trained Punkt model needs ``nltk.download``, which cannot run
offline, so the splitter trains Punkt's unsupervised model on the study's own
articles (that is what Punkt was designed for) and seeds it with the
abbreviations news copy uses most ("U.S.", "Sen.", "Corp."). Punkt's patterns
are called without nltk's per-call timeout guard (``analysis.text.punkt_fast``,
same splits), and a title before a capitalised word ("said Mr. Trump") never
ends a sentence there, where nltk's heuristics often ended one after "Mr."
(``benchmarks/punkt_titles.py`` counts how often). Paragraph
breaks always end a sentence: headlines, datelines and subscription blocks
carry no final period.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from tqdm.auto import tqdm

from analysis.core import cache, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.text.punkt_fast import FastPunktSentenceTokenizer, train_parameters

NEWS_ABBREVIATIONS = (
    "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "mr", "mrs", "ms", "dr", "prof", "gov", "sen", "rep",
    "gen", "lt", "col", "sgt", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb",
    "mar", "apr", "aug", "sept", "oct", "nov", "dec", "approx", "dept", "est", "calif", "fla", "mass",
)
_PARAGRAPH = re.compile(r"[^\n]+")


class PunktSentenceSplitter(BaseEstimator):
    """Punkt trained on the texts given to ``fit``.

    Parameters
    ----------
    extra_abbreviations : iterable of str, default NEWS_ABBREVIATIONS
        Lower-case abbreviations without the final period, added to the ones
        Punkt learns.
    """

    def __init__(self, *, extra_abbreviations: Iterable[str] = NEWS_ABBREVIATIONS):
        self.extra_abbreviations = extra_abbreviations

    def fit(self, X: Iterable[str], y=None) -> PunktSentenceSplitter:
        params = train_parameters(X, extra_abbreviations=self.extra_abbreviations)
        self.tokenizer_ = FastPunktSentenceTokenizer(params)
        self.abbreviations_ = frozenset(params.abbrev_types)
        return self

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets of each sentence, whitespace trimmed."""
        check_is_fitted(self, "tokenizer_")
        out = []
        span_tokenize = self.tokenizer_.span_tokenize
        for para in _PARAGRAPH.finditer(text):
            base, paragraph = para.start(), para.group()
            for s, e in span_tokenize(paragraph):
                chunk = paragraph[s:e]
                lead = len(chunk) - len(chunk.lstrip())
                trail = len(chunk) - len(chunk.rstrip())
                if e - trail > s + lead:
                    out.append((base + s + lead, base + e - trail))
        return out


def split_sentences(articles: pd.DataFrame, *, splitter: PunktSentenceSplitter | None = None,
                    progress: bool = False) -> pd.DataFrame:
    """The ``sentences`` table for ``articles`` (columns ``doc_id``, ``outlet``, ``text``).

    With no ``splitter``, one is trained on the articles themselves, in
    ``doc_id`` order so the result does not depend on row order.
    """
    ordered = articles.sort_values("doc_id")
    if splitter is None:
        splitter = PunktSentenceSplitter().fit(ordered["text"])
    # Built column by column: from a list of row tuples pandas inferred each column's type from Python objects,
    # 5% of a partition's time.
    docs, outlets, sent_ids, starts, ends, texts = [], [], [], [], [], []
    it = zip(ordered["doc_id"].tolist(), ordered["outlet"].tolist(), ordered["text"].tolist())
    for doc, outlet, text in tqdm(it, total=len(ordered), desc="sentences", disable=not progress):
        spans = splitter.spans(text)
        docs += [doc] * len(spans)
        outlets += [outlet] * len(spans)
        sent_ids += range(len(spans))
        for start, end in spans:
            starts.append(start)
            ends.append(end)
            texts.append(text[start:end])
    if not docs:
        return tables.empty("sentences")
    df = pd.DataFrame({"doc_id": pd.array(docs, dtype="str"), "sent_id": np.array(sent_ids, dtype="int64"),
                       "outlet": pd.array(outlets, dtype="str"), "start": np.array(starts, dtype="int64"),
                       "end": np.array(ends, dtype="int64"), "text": pd.array(texts, dtype="str")})
    return tables.validate(df, "sentences")


log = logging.getLogger("analysis")
# Punkt learns abbreviations and collocations from raw text; past ~1M characters (about 200 news articles)
# more text changes little, and training costs about 1 s per million characters.
PUNKT_TRAINING_CHARS = 1_000_000


def training_texts(articles_path: Path, *, max_chars: int = PUNKT_TRAINING_CHARS) -> list[str]:
    """The first articles in ``doc_id`` order up to ``max_chars`` characters (all of a small corpus)."""
    texts, total = [], 0
    for i in range(storage.row_groups(articles_path)):
        for text in storage.read_row_group(articles_path, i, columns=["text"])["text"]:
            if total >= max_chars:
                return texts
            texts.append(text)
            total += len(text)
    return texts


def trained_splitter(texts: list[str]) -> PunktSentenceSplitter:
    """A splitter trained on ``texts``: trained once per toolkit version and training text, then read from the
    machine's cache (training takes about 1 s per million characters; a re-run of a study, or another study
    of the same articles, trains on the same text)."""
    digest = hashlib.sha256()
    for text in texts:  # length-prefixed, so two lists of texts never hash alike by joining differently
        digest.update(f"{len(text)}:".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
    key = cache.key(settings={"training_texts": digest.hexdigest(), "extra": sorted(NEWS_ABBREVIATIONS)},
                    packages=("nltk",))
    return cache.cached_object("model_punkt", key, lambda: PunktSentenceSplitter().fit(texts))


def readable(languages: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    """Which articles the sentence measures read: a language of the study's, or too short to tell ('und')."""
    return languages.isin([*allowed, "und"])


def _split_partition(index: int, shared: dict) -> pd.DataFrame:
    part = storage.read_row_group(shared["articles"], index, columns=["doc_id", "outlet", "text", "language"])
    part = part.loc[readable(part["language"], shared["languages"])]
    return split_sentences(part.drop(columns="language"), splitter=shared["splitter"])


def prepare_sentences(paths: StudyPaths, *, engine, languages: tuple[str, ...] = ("en",)) -> int:
    """Split every partition of ``articles`` into sentences; write ``sentences``; return the number of sentences.

    Partition *i* of ``articles`` becomes row group *i* of ``sentences``, so every later partition holds
    whole articles. Results are written in partition order whatever the engine. Articles in a language not in
    ``languages`` get no sentences (see :func:`readable`).
    """
    articles = paths.table("articles")
    splitter = trained_splitter(training_texts(articles))
    shared = {"articles": articles, "splitter": splitter, "languages": tuple(languages)}
    with storage.PartitionWriter(paths.table("sentences"), empty=tables.empty("sentences")) as out:
        for sentences in engine.map(_split_partition, range(storage.row_groups(articles)), shared=shared,
                                    desc="prepare"):
            out.write(sentences)
    return out.rows


def run(study: Study, paths: StudyPaths, *, engine) -> None:
    """The prepare stage: ``articles`` into ``sentences`` with character offsets, partition by partition."""
    n = prepare_sentences(paths, engine=engine, languages=study.languages)
    log.info("prepare: %d sentences", n)
    languages = storage.read_table(paths.table("articles"), columns=["language"])["language"]
    unread = languages.loc[~readable(languages, study.languages)].value_counts()
    if len(unread):
        log.warning("prepare: %d articles not in %s (%s) are kept but left out of the sentence measures; add their "
                    "language to [study] languages once an instrument reads it", int(unread.sum()),
                    ", ".join(study.languages), ", ".join(f"{lang}: {k}" for lang, k in unread.items()))
