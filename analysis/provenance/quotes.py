"""Direct quotes: who is quoted, and as what kind of source.

``extract_quotes`` finds double-quoted spans in the article text and attributes them with
rules written for English wire-style news, then gives the same quote in different outlets one
``quote_id`` (:func:`analysis.provenance.quote_matching.match_quotes`, where how quotes travel between outlets
is summarised). The source-type rules (:data:`analysis.text.source_types.SOURCE_RULES`) are a starting
point for US-China tech coverage: a study overrides them by giving its actors a ``source_type`` in
study.toml.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core import progress, tables
from analysis.core.study import Actor
from analysis.provenance.quote_matching import match_quotes
from analysis.text.attribution import WORD
from analysis.text.quote_marks import all_quote_spans
from analysis.text.reported import reported_speech
from analysis.text.speakers import read_articles


def extract_quotes(articles: pd.DataFrame, sentences: pd.DataFrame, *, actors: Sequence[Actor] = (),
                   min_words: int = 3, reported: bool = True) -> pd.DataFrame:
    """Quotes with speaker, cue, actor and source type (the ``quotes`` table).

    Quotes are double-quoted spans of the full article text, so they may span sentences and, by the
    journalistic convention (each paragraph reopens the quote, only the last closes it), paragraphs;
    nested single quotes belong to the quote. Each maps to the sentence it starts in (``sent_id`` -1
    for an article without sentences). Quotes under ``min_words`` words (scare quotes, titles) are
    dropped. The speaker is looked for, in order:

    1. in the quote's own sentence: '"...," X said', '"...," said X', 'X said: "..."', 'X said that
       "..."', 'according to X', 'a statement from X said', 'X called it "..."' (partial quotes);
    2. in a following sentence that only attributes ('"... ." Geng said on Tuesday.');
    3. for a quote that opens its sentence: the previous quote's speaker if that quote closed in the
       previous sentence ('"A," he said. "B."'), else a speech verb's subject in that sentence;
    4. in an aggregator's byline line after the quote ("Editorial Board, New York Times").

    Then "he"/"she" resolve to the latest earlier person-like name in the article (a speaker, the
    subject of a speech verb, or a sentence's leading name), "it"/"they" to the latest name or, for
    "it", study-actor mention; "the company", "the ministry", ... to the latest earlier name, then
    study-actor mention, whose source type fits the noun; a bare surname to an earlier full name.
    Unresolved phrases are kept as written.

    ``reported``: also list speech reported without quote marks ("X said (that) ...", "..., X said",
    "according to X, ..."; found by :func:`analysis.text.reported.reported_speech`) with ``kind``
    "reported", so a statement one outlet quotes and another paraphrases is one source in both. A
    reported clause that contains a quote is represented by the quote alone.

    ``quote_id`` is filled by :func:`match_quotes` with its defaults; call it again to match with other
    settings.
    """
    return match_quotes(article_quotes(articles, sentences, actors=actors, min_words=min_words, reported=reported))


def article_quotes(articles: pd.DataFrame, sentences: pd.DataFrame, *, actors: Sequence[Actor] = (),
                   min_words: int = 3, reported: bool = True) -> pd.DataFrame:
    """:func:`extract_quotes` before matching (``quote_id`` empty): each article on its own, so any split of
    the articles gives the same rows in order."""
    if min_words < 1:
        raise ValueError(f"min_words must be at least 1, got {min_words}")
    rows = []
    for doc, outlet, text, reader in progress.bar(read_articles(articles, sentences, actors=actors),
                                                  total=len(articles), desc="quotes", unit="article"):
        spans, quoted = [], all_quote_spans(text)
        for o, c, conts in quoted:
            s, e = o + 1, c
            while s < e and text[s].isspace():
                s += 1
            while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
                e -= 1
            body = " ".join("".join(ch for i, ch in enumerate(text[s:e], s) if i not in conts).split())
            if len(WORD.findall(body)) >= min_words:
                spans.append((o, c, s, e, body, conts))
        found = [(r[1], r[2], r[3], r[4], r[5], "partial" if r[5] else "direct", *r[6:]) for r in reader.quotes(spans)]
        if reported:
            sent_starts = reader.sents[:, 1] if len(reader.sents) else None
            marked = [(o + 1, c) for o, c, _ in quoted]  # short ones too: "it 'immediately' hit back"
            for s, e, _, speaker, source_type, cue in reported_speech(reader, marked):
                sent = int(reader.sents[max(int(np.searchsorted(sent_starts, s, "right")) - 1, 0), 0]) \
                    if sent_starts is not None else -1
                body = " ".join(text[s:e].split())
                found.append((sent, s, e, body, False, "reported", speaker, cue, "", source_type))
        for seq, (sent, s, e, body, partial, kind, speaker, cue, actor, source_type) in enumerate(
                sorted(found, key=lambda r: r[1])):
            rows.append((doc, outlet, seq, sent, s, e, body, len(WORD.findall(body)), partial, kind, speaker, cue,
                         actor, source_type, ""))
    return tables.from_rows(rows, "quotes")
