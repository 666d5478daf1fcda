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

import itertools
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.framing import term_codes, term_tokens
from analysis.framing.terms import TermCounts

CHUNK_ARTICLES = 1000  # articles tokenized per batch: bounds the Python token lists (~1.5 million tokens)


def _sentences(articles: pd.DataFrame, texts: list, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame,
               ) -> pd.DataFrame:
    """The sentences of ``articles`` in (article, sent_id) order, with ``row`` (the article's position), ``kept``
    (not a copy: it has a reuse mark and is_copy is false, as the old join required), ``clean`` (an exact
    slice of its article with white space or the text's edge on both sides, after the previous sentence) and
    ``at`` (its position in ``sentences``, whose text is read only where it is needed)."""
    row = pd.Series(np.arange(len(articles)), index=articles["doc_id"].astype(str).to_numpy())
    s = sentences[["doc_id", "sent_id", "start", "end"]].assign(doc_id=lambda d: d["doc_id"].astype(str),
                                                                 at=np.arange(len(sentences)))
    text_of = dict(zip(row.index, texts))
    slice_ok = np.fromiter(
        (isinstance(x, str) and _is_slice(text_of.get(d), a, b, x)
         for d, a, b, x in zip(s["doc_id"], s["start"], s["end"], sentences["text"])), dtype=bool, count=len(s))
    s = s.loc[s["doc_id"].isin(row.index)]
    s = s.assign(row=row.loc[s["doc_id"]].to_numpy(), slice_ok=slice_ok[s["at"].to_numpy()])
    s = s.sort_values(["row", "sent_id"], kind="stable")
    marks = sentence_reuse.loc[~sentence_reuse["is_copy"].astype(bool), ["doc_id", "sent_id"]]
    s["kept"] = pd.MultiIndex.from_frame(s[["doc_id", "sent_id"]]).isin(
        pd.MultiIndex.from_arrays([marks["doc_id"].astype(str), marks["sent_id"]]))
    start, end, rows = s["start"].to_numpy(), s["end"].to_numpy(), s["row"].to_numpy()
    same_doc = np.r_[False, rows[1:] == rows[:-1]]
    s["clean"] = s["slice_ok"].to_numpy() & np.where(same_doc, start >= np.r_[0, end[:-1]], start >= 0)
    return s.drop(columns="slice_ok").reset_index(drop=True)


def _is_slice(text, a: int, b: int, sentence: str) -> bool:
    """``sentence`` is ``text[a:b]`` with white space or the text's edge on both sides."""
    return (isinstance(text, str) and 0 <= a <= b <= len(text) and text[a:b] == sentence
            and (a == 0 or text[a - 1].isspace()) and (b == len(text) or text[b].isspace()))


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


def _apart(s: pd.DataFrame, n_articles: int, sentence_text: pd.Series) -> tuple[np.ndarray, dict[int, str]]:
    """(articles read whole and sentence by sentence, the texts of their sentences by position in ``sentences``)."""
    unclean = np.zeros(n_articles, dtype=bool)
    unclean[s["row"].to_numpy()[~s["clean"].to_numpy(bool)]] = True
    apart = s["at"].to_numpy()[unclean[s["row"].to_numpy()]]
    # taken at once: one take from a long Arrow column costs milliseconds
    return unclean, dict(zip(apart.tolist(), sentence_text.iloc[apart].tolist()))


def _batches(texts: list, s: pd.DataFrame, unclean: np.ndarray, text_at: dict[int, str],
             ) -> Iterator[tuple[int, list]]:
    """(first article, pieces of each article) for batches of CHUNK_ARTICLES articles."""
    bounds = np.searchsorted(s["row"].to_numpy(), np.arange(len(texts) + 1)).tolist()
    start, end, kept, at = s["start"].tolist(), s["end"].tolist(), s["kept"].tolist(), s["at"].to_numpy()
    for first in range(0, len(texts), CHUNK_ARTICLES):
        batch = []
        for r in range(first, min(first + CHUNK_ARTICLES, len(texts))):
            a, b = bounds[r], bounds[r + 1]
            apart = [text_at[i] for i in at[a:b].tolist()] if unclean[r] else []
            batch.append(_pieces(texts[r], start[a:b], end[a:b], apart, kept[a:b], not unclean[r]))
        yield first, batch


def reading_counts(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_reuse: pd.DataFrame, *,
                   ngram_range: tuple[int, int] = (1, 3), stop_words: frozenset[str] | None = ENGLISH_STOP_WORDS,
                   min_df: int = 2) -> dict[str, TermCounts]:
    """``{"keep": counts of each article's text, "remove": counts of its sentences that are not copies}``.

    Each is (X, vocab, doc_ids) for :func:`analysis.framing.terms.term_counts`' ``counts=``: one row per article
    (an article without a kept sentence has an empty ``remove`` row), the terms in at least ``min_df`` rows.
    """
    texts = articles["text"].tolist()
    s = _sentences(articles, texts, sentences, sentence_reuse)
    unclean, text_at = _apart(s, len(texts), sentences["text"])
    # every other sentence is a slice of its article's text
    sep = term_codes.separator(itertools.chain(texts, text_at.values()))
    tok = term_codes.Tokens(ngram_range=ngram_range, stop_words=stop_words)
    parts: dict[str, list] = {"keep": [], "remove": []}
    for first, batch in _batches(texts, s, unclean, text_at):
        stream, piece_row, in_keep, in_remove = [], [], [], []
        for k, (pieces, keep, remove) in enumerate(batch):
            stream += term_tokens.token_matches(f" {sep} ".join(pieces) + f" {sep}")  # each piece ends with the separator
            piece_row += [first + k] * len(pieces)
            in_keep += keep
            in_remove += remove
        ids = tok.encode(stream)
        is_sep = ids == tok.ids[sep]
        piece = np.cumsum(is_sep) - is_sep
        rows = np.asarray(piece_row)[piece]
        for name, role in (("keep", in_keep), ("remove", in_remove)):
            mask = ~is_sep & np.asarray(role, dtype=bool)[piece]
            parts[name].append(term_codes.pairs_per_doc(*term_codes.unique_pairs(*tok.codes(ids[mask], rows[mask])),
                                                        first=first, n=len(batch)))
    del texts, s, text_at  # the counts need memory more
    doc_ids = articles["doc_id"].astype(str).to_numpy()
    frequent = {name: term_codes.frequent_codes(batches, min_df=min_df) for name, batches in parts.items()}
    # one vocabulary for both readings (they share most terms): written out and sorted once
    codes = np.union1d(frequent["keep"], frequent["remove"])
    vocab, place = term_codes.vocabulary(tok, codes)
    out = {}
    for name, batches in parts.items():
        mine = np.searchsorted(codes, frequent[name])
        X = term_codes.count_matrix(batches, frequent[name], np.argsort(np.argsort(place[mine])), n_docs=len(articles))
        out[name] = (X, vocab[np.sort(place[mine])], doc_ids)
    return out
