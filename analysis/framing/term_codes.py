"""Exact :class:`analysis.framing.term_tokens.NgramAnalyzer` counts of many documents, with the n-grams as integers.

``CountVectorizer(analyzer=NgramAnalyzer(...))`` builds every n-gram as a Python string and looks it up in a
dict: on the 37,554 AllSides articles one pass costs about a minute, most of it on phrases used once. Here each
text is tokenized once with :func:`analysis.framing.term_tokens.tokenize`, tokens become integer ids, and an n-gram
is the integer ``((id1 + 1) * B + (id2 + 1)) * B + (id3 + 1)`` (0 where the n-gram is shorter), formed with
numpy over a whole stream of tokens; only the terms that pass ``min_df`` are ever written out as strings. The
counts and the vocabulary (sorted, as CountVectorizer sorts it) are the same as CountVectorizer's
(tests/framing/test_term_codes.py).

A document can be made of *pieces*: texts tokenized apart and read as one stream of tokens without a clause
break between them, the tokens of ``" ".join(pieces)`` (the separator is a space). The provenance stage reads
each article with and without its copied sentences this way from one tokenization
(:mod:`analysis.provenance.term_readings`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.framing import term_tokens

# Characters that tokenize() reads as one word (letters without case) and that are candidates for the piece
# separator: the first one no text contains is used, so no token of a text can be taken for a separator.
_SEPARATORS = "ǂǁǀǃꙮᐁᐃᐅᐊ"


def separator(texts: Iterable[str]) -> str:
    """A one-character word that occurs in none of ``texts`` (to mark where one piece of a document ends)."""
    free = list(_SEPARATORS)
    for text in texts:
        if isinstance(text, str):
            free = [c for c in free if c not in text]
            if not free:
                break
    if not free:
        raise ValueError(f"every candidate separator {_SEPARATORS!r} occurs in the texts")
    return free[0]


class Tokens:
    """Integer ids of tokens, shared by every stream of a corpus, and whether each may start or end an n-gram."""

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 3), stop_words: frozenset[str] | None = None):
        low, high = ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"ngram_range={ngram_range}: need 1 <= low <= high")
        self.ngram_range = ngram_range
        self.stop_words = frozenset() if stop_words is None else frozenset(stop_words)
        self.base = min(int(2 ** (63 / high)), 2 ** 62)  # B ** high must fit in int64 (2 ** 63 does not)
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.edge: list[bool] = []  # NgramAnalyzer's rule for the first and last token of an n-gram

    def encode(self, tokens: Sequence[str | None]) -> np.ndarray:
        """Ids of ``tokens`` (-1 for a clause break: None, or a match of
        :func:`analysis.framing.term_tokens.token_matches` that starts with a break character)."""
        local, uniques = pd.factorize(np.asarray(tokens, dtype=object) if len(tokens) else np.empty(0, object))
        lut = np.empty(len(uniques) + 1, dtype=np.int64)
        lut[-1] = -1
        for i, t in enumerate(uniques):
            if t[0] in term_tokens.BREAK_CHARS:
                lut[i] = -1
                continue
            j = self.ids.get(t)
            if j is None:
                j = self.ids[t] = len(self.words)
                self.words.append(t)
                self.edge.append(len(t) > 1 and t not in self.stop_words and t.strip(term_tokens._NOT_LETTERS) != "")
            lut[i] = j
        if len(self.words) >= self.base - 1:
            raise ValueError(f"{len(self.words)} distinct tokens: n-grams of up to {self.ngram_range[1]} "
                             f"no longer fit in 64 bits")
        return lut[local]

    def lookup(self, tokens: Sequence[str]) -> np.ndarray:
        """Ids of ``tokens`` as :meth:`encode` gives them, without adding any: a token not yet known gets one shared
        id (``len(self.words)``) that never starts or ends an n-gram, so only n-grams of known tokens are formed.
        For finding given terms in a large corpus without growing the vocabulary by every word it holds."""
        local, uniques = pd.factorize(np.asarray(tokens, dtype=object) if len(tokens) else np.empty(0, object))
        unknown = len(self.words)
        lut = np.array([-1 if t[0] in term_tokens.BREAK_CHARS else self.ids.get(t, unknown) for t in uniques] + [-1],
                       dtype=np.int64)
        return lut[local]

    def codes(self, ids: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(doc, n-gram code) of every n-gram in the stream ``ids`` (-1: a break), never across two ``docs``."""
        # id -1 (a break) and the unknown id of lookup() are never an edge
        edge = np.r_[np.asarray(self.edge, dtype=bool), False, False]
        ok = edge[ids]
        breaks = np.r_[0, np.cumsum(ids < 0)]  # breaks before position i: breaks[i]
        low, high = self.ngram_range
        out_docs, out_codes = [], []
        for n in range(low, high + 1):
            start = np.arange(max(len(ids) - n + 1, 0))
            end = start + n - 1
            keep = ok[start] & ok[end] & (breaks[end + 1] == breaks[start]) & (docs[start] == docs[end])
            start = start[keep]
            code = np.zeros(len(start), dtype=np.int64)
            for k in range(high):
                code *= self.base
                if k < n:
                    code += ids[start + k] + 1
            out_docs.append(docs[start])
            out_codes.append(code)
        return np.concatenate(out_docs), np.concatenate(out_codes)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The n-gram strings of ``codes`` (object array)."""
        high = self.ngram_range[1]
        digits = np.empty((len(codes), high), dtype=np.int64)
        rest = codes.copy()
        for k in range(high - 1, -1, -1):
            digits[:, k] = rest % self.base
            rest //= self.base
        words = np.asarray(self.words + [""], dtype=object)  # digit 0 (no token) reads as "" and is dropped
        return np.array([" ".join(w for w in row if w) for row in words[digits - 1].tolist()], dtype=object)


def unique_pairs(docs: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc, code, count) of each distinct (doc, code) of one batch of documents, in document order."""
    if not len(codes):
        return np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int32)
    local, uniq = pd.factorize(codes)  # hashing, not sorting: a batch holds about a million n-grams
    first, span = int(docs.min()), int(docs.max() - docs.min()) + 1
    pair, pairs = pd.factorize(local.astype(np.int64) * span + (docs - first))
    counts = np.bincount(pair, minlength=len(pairs))
    doc = pairs % span
    # a batch's documents fit in 16 bits, and numpy sorts 16-bit integers stably by radix
    order = np.argsort(doc.astype(np.int16) if span < 2 ** 15 else doc, kind="stable")
    counts = counts[order]  # held until the whole corpus is read: 2 bytes where they fit
    return (doc[order] + first).astype(np.int32), uniq[pairs[order] // span], \
        counts.astype(np.uint16 if counts.max() < 2 ** 16 else np.int64)


def pairs_per_doc(docs: np.ndarray, codes: np.ndarray, counts: np.ndarray, *, first: int, n: int,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`unique_pairs`' output with the document of each pair stored as pairs per document (``n`` documents
    from ``first``): 4 bytes less per pair while the batches wait for :func:`count_matrix`."""
    return np.bincount(docs - first, minlength=n).astype(np.int32), codes, counts


def frequent_codes(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]], *, min_df: int) -> np.ndarray:
    """The codes (sorted) of the n-grams in >= ``min_df`` documents of ``batches`` (from :func:`pairs_per_doc`)."""
    codes = np.concatenate([b[1] for b in batches]) if batches else np.empty(0, np.int64)
    codes.sort()  # in place: a sort, not a hash table of every n-gram (most are used once)
    new = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.empty(0, bool)
    first = np.flatnonzero(new)
    df = np.diff(np.r_[first, len(codes)])  # (doc, code) pairs are distinct: a code's pairs are its documents
    return codes[first[df >= min_df]]


def vocabulary(tokens: Tokens, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the n-gram strings of sorted ``codes`` in CountVectorizer's order, each code's place in that order)."""
    names = tokens.decode(codes)
    order = np.argsort(names, kind="stable")
    place = np.empty(len(codes), dtype=np.int64)
    place[order] = np.arange(len(codes))
    return names[order], place


def count_matrix(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]], codes: np.ndarray, place: np.ndarray, *,
                 n_docs: int) -> sparse.csr_matrix:
    """Documents x terms counts of the batches of :func:`pairs_per_doc` (consecutive, ``n_docs`` documents in
    all; the list is emptied as it is read) for the terms of sorted ``codes``, the term of ``codes[i]`` in column
    ``place[i]``. As CountVectorizer's: int64 with sorted indices."""
    indptr, indices, data = [np.zeros(1, np.int64)], [], []
    # A hash lookup, not np.searchsorted: tens of millions of unsorted codes binary-searched in a vocabulary of a
    # million took 10 to 20 s on the full AllSides corpus, almost all of it cache misses (`codes` is unique).
    lookup = pd.Index(codes)
    while batches:
        per_doc, batch_codes, counts = batches.pop(0)
        at = lookup.get_indexer(batch_codes)
        hit = at >= 0
        doc = np.repeat(np.arange(len(per_doc)), per_doc)
        indptr.append(np.bincount(doc[hit], minlength=len(per_doc)))
        indices.append(place[at[hit]].astype(np.int32))
        data.append(counts[hit].astype(np.int64))
    ptr = np.cumsum(np.concatenate(indptr))
    if len(ptr) != n_docs + 1:
        raise ValueError(f"the batches cover {len(ptr) - 1} documents, not n_docs={n_docs}")
    X = sparse.csr_matrix((np.concatenate(data) if data else np.empty(0, np.int64),
                           np.concatenate(indices) if indices else np.empty(0, np.int32), ptr),
                          shape=(n_docs, len(codes)))
    X.sort_indices()
    return X


# Texts tokenized per batch: their tokens, as Python strings, are held only until the batch is encoded (one batch
# for the whole corpus held about 150 bytes a token: 1.8 GB over 12,000 AllSides articles).
BATCH_DOCS = 1000


def count_texts(texts: Iterable[str], *, ngram_range: tuple[int, int] = (1, 3),
                stop_words: frozenset[str] | None = ENGLISH_STOP_WORDS,
                min_df: int = 1) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``CountVectorizer(analyzer=NgramAnalyzer(ngram_range, stop_words), min_df=min_df).fit_transform(texts)``
    and its vocabulary, the same counts computed on integer n-grams, :data:`BATCH_DOCS` texts at a time (token ids
    are given in order of first appearance and an n-gram's code does not depend on the vocabulary's size, so the
    batches give the ids and codes one pass would)."""
    tok = Tokens(ngram_range=ngram_range, stop_words=stop_words)
    batches = []
    n = 0
    texts = iter(texts)
    while chunk := list(itertools.islice(texts, BATCH_DOCS)):
        stream: list[str] = []
        lengths = []
        for text in chunk:
            t = term_tokens.token_matches(text) + ["."]  # a break between documents
            stream += t
            lengths.append(len(t))
        docs = np.repeat(np.arange(n, n + len(chunk), dtype=np.int64), lengths)
        d, c = tok.codes(tok.encode(stream), docs)
        batches.append(pairs_per_doc(*unique_pairs(d, c), first=n, n=len(chunk)))
        n += len(chunk)
    codes = frequent_codes(batches, min_df=min_df)
    vocab, place = vocabulary(tok, codes)
    return count_matrix(batches, codes, place, n_docs=n), vocab
