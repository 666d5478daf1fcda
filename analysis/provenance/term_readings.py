"""Term counts of every article as published and without its copied sentences, from one tokenization.

The reuse-aware term comparison (:func:`analysis.provenance.reuse_sensitivity.term_sensitivity`) counts terms
in two texts per article: its ``text`` (``keep``; ``downweight`` scales these counts) and its sentences that
are not copies joined by spaces (``remove``). Vectorizing both, and the article text once more for
``downweight``, took three passes over the corpus (over 5 minutes and 8.6 GB on the 37,554 AllSides articles).

Here each article is tokenized once, as pieces: the text between sentences and each sentence. A sentence's
tokens do not depend on the text around it when it is an exact slice of the article with white space (or the
text's edge) on both sides: every token rule of :func:`analysis.framing.terms.tokenize` looks at most one
character across, and a space and the text's edge read alike. Then the article's tokens are its pieces'
tokens in order, and the text without copies is its kept sentences' tokens in order, as
``" ".join(sentences)`` reads them (a space is no clause break). An article where that does not hold (a
sentence that starts right after the previous one's full stop, or that differs from its slice) is read as
its whole text plus each sentence apart. Counting is :mod:`analysis.framing.term_codes`'s: the same counts as
``CountVectorizer`` (tests/provenance/test_term_readings.py compares with the three separate passes).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.framing import term_codes, terms
from analysis.framing.terms import TermCounts

CHUNK_ARTICLES = 1000  # articles tokenized per batch: bounds the Python token lists (~1.5 million tokens)


def _sentences(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame) -> pd.DataFrame:
    """The sentences of ``articles`` in (article, sent_id) order, with ``row`` (the article's position), ``kept``
    (not a copy: it has a reuse mark and is_copy is false, as the old join required) and ``clean`` (an exact
    slice of its article with white space or the text's edge on both sides, after the previous sentence)."""
    row = pd.Series(np.arange(len(articles)), index=articles["doc_id"].astype(str).to_numpy())
    s = sentences[["doc_id", "sent_id", "start", "end", "text"]].assign(doc_id=lambda d: d["doc_id"].astype(str))
    s = s.loc[s["doc_id"].isin(row.index)]
    s = s.assign(row=row.loc[s["doc_id"]].to_numpy()).sort_values(["row", "sent_id"], kind="stable")
    marks = sentence_reuse.loc[~sentence_reuse["is_copy"].astype(bool), ["doc_id", "sent_id"]]
    s["kept"] = pd.MultiIndex.from_frame(s[["doc_id", "sent_id"]]).isin(
        pd.MultiIndex.from_arrays([marks["doc_id"].astype(str), marks["sent_id"]]))
    text = articles["text"].to_numpy(object)[s["row"].to_numpy()]
    start, end = s["start"].to_numpy(), s["end"].to_numpy()
    same_doc = np.r_[False, s["row"].to_numpy()[1:] == s["row"].to_numpy()[:-1]]
    after_previous = np.where(same_doc, start >= np.r_[0, end[:-1]], start >= 0)
    s["clean"] = after_previous & np.fromiter(
        (isinstance(t, str) and 0 <= a <= b <= len(t) and t[a:b] == x and (a == 0 or t[a - 1].isspace())
         and (b == len(t) or t[b].isspace()) for t, a, b, x in zip(text, start, end, s["text"])),
        dtype=bool, count=len(s))
    return s.reset_index(drop=True)


def _pieces(text, start: list[int], end: list[int], sents: list[str], kept: list[bool], clean: bool,
            ) -> tuple[list[str], list[bool], list[bool]]:
    """(pieces, counted in the text as published, counted in the text without copies) of one article."""
    text = text if isinstance(text, str) else ""
    if not kept:
        return [text], [True], [False]
    if clean:
        bounds = [0] + [x for ab in zip(start, end) for x in ab] + [len(text)]
        pieces = [text[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        removed = [False] + [x for k in kept for x in (k, False)]
        return pieces, [True] * len(pieces), removed
    return [text] + sents, [True] + [False] * len(kept), [False] + kept


def _batches(articles: pd.DataFrame, s: pd.DataFrame) -> Iterator[tuple[int, list]]:
    """(first article, pieces of each article) for batches of CHUNK_ARTICLES articles."""
    texts = articles["text"].tolist()
    bounds = np.searchsorted(s["row"].to_numpy(), np.arange(len(texts) + 1)).tolist()
    start, end, kept = s["start"].tolist(), s["end"].tolist(), s["kept"].tolist()
    unclean = np.zeros(len(texts), dtype=bool)
    unclean[s["row"].to_numpy()[~s["clean"].to_numpy(bool)]] = True
    for first in range(0, len(texts), CHUNK_ARTICLES):
        batch = []
        for r in range(first, min(first + CHUNK_ARTICLES, len(texts))):
            a, b = bounds[r], bounds[r + 1]
            ok = not unclean[r]
            batch.append(_pieces(texts[r], start[a:b], end[a:b], [] if ok else s["text"].iloc[a:b].tolist(),
                                 kept[a:b], ok))
        yield first, batch


def reading_counts(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame, *,
                   ngram_range: tuple[int, int] = (1, 3), stop_words: frozenset[str] | None = ENGLISH_STOP_WORDS,
                   min_df: int = 2) -> dict[str, TermCounts]:
    """``{"keep": counts of each article's text, "remove": counts of its sentences that are not copies}``.

    Each is (X, vocab, doc_ids) for :func:`analysis.framing.terms.term_counts`' ``counts=``: one row per article
    (an article without a kept sentence has an empty ``remove`` row), the terms in at least ``min_df`` rows.
    """
    s = _sentences(articles, sentences, sentence_reuse)
    sep = term_codes.separator([articles["text"], s["text"]])
    tok = term_codes.Tokens(ngram_range=ngram_range, stop_words=stop_words)
    parts: dict[str, list] = {"keep": [], "remove": []}
    for first, batch in _batches(articles, s):
        stream, piece_row, in_keep, in_remove = [], [], [], []
        for k, (pieces, keep, remove) in enumerate(batch):
            stream += terms.token_matches(f" {sep} ".join(pieces) + f" {sep}")  # each piece ends with the separator
            piece_row += [first + k] * len(pieces)
            in_keep += keep
            in_remove += remove
        ids = tok.encode(stream)
        is_sep = ids == tok.ids[sep]
        piece = np.cumsum(is_sep) - is_sep
        rows = np.asarray(piece_row)[piece]
        for name, role in (("keep", in_keep), ("remove", in_remove)):
            mask = ~is_sep & np.asarray(role, dtype=bool)[piece]
            parts[name].append(term_codes.unique_pairs(*tok.codes(ids[mask], rows[mask])))
    doc_ids = articles["doc_id"].astype(str).to_numpy()
    out = {}
    for name in ("keep", "remove"):
        triples = [np.concatenate(col) for col in zip(*parts.pop(name))] if len(articles) else \
            [np.empty(0, np.int64)] * 3
        X, vocab = term_codes.count_matrix(tok, *triples, n_docs=len(articles), min_df=min_df)
        out[name] = (X, vocab, doc_ids)
    return out
