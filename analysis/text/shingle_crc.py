"""The CRC-32 of every word shingle of many texts at once, without building a shingle, or a word in Python.

Near-duplicate detection (:mod:`analysis.text.duplicates`) hashes every shingle (``size`` consecutive ``\\w+``
words of the folded text, joined by single spaces, UTF-8) with ``zlib.crc32``. Here the words are found in a
numpy array of code points, each word's CRC is computed for all words together, two characters a step, and a
shingle's CRC is built from its words' CRCs: CRC-32 is linear, so
``crc(A + B) = shift(crc(A), len(B)) ^ crc(B)`` (zlib's ``crc32_combine``), where ``shift`` multiplies by
x^(8 len(B)) and is applied as four byte-table lookups. The values are ``zlib.crc32`` of each shingle's bytes
(``tests/text/test_duplicates.py``); a ``re.findall``, a dictionary look-up per word and a zlib call per
shingle were most of the clean stage's time on AllSides.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

_WORD = re.compile(r"\w+")
# Texts hashed together, at most about this many characters: a batch's arrays stay a few tens of MB.
BATCH_CHARS = 1 << 22
# Words longer than this (and words with a character outside ASCII) get zlib's CRC one by one: the vectorised
# CRC takes a numpy step per character of the longest word.
_LONG_WORD = 48


def _crc_table() -> np.ndarray:
    """zlib's byte table (reflected polynomial 0xEDB88320): state -> T[(state ^ byte) & 0xFF] ^ (state >> 8)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table


_TABLE = _crc_table()
# Two bytes a step (slicing by two): state -> _PAIR[(state ^ (b0 | b1 << 8)) & 0xFFFF] ^ (state >> 16)
_PAIR = ((_TABLE >> 8) ^ _TABLE[_TABLE & 0xFF])[np.arange(1 << 16) & 0xFF] ^ _TABLE[np.arange(1 << 16) >> 8]
_ASCII_WORD = np.array([bool(_WORD.match(chr(c))) for c in range(128)])
_ONES = np.uint32(0xFFFFFFFF)


def shingle_crcs(folds: list[str], *, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(each text's number of words, the CRC-32 of every shingle of every text in order) for folded texts.

    A text of ``size`` words or more has one shingle per word but the last ``size - 1``; a text of fewer
    (but some) words has one, all its words.
    """
    parts, batch, n_chars = [], [], 0
    for fold in folds:
        batch.append(fold)
        n_chars += len(fold) + 1
        if n_chars >= BATCH_CHARS:
            parts.append(_batch(batch, size=size))
            batch, n_chars = [], 0
    parts.append(_batch(batch, size=size))
    return (np.concatenate([n for n, _ in parts]).astype(np.intp),
            np.concatenate([crc for _, crc in parts]).astype(np.uint32))


def _batch(folds: list[str], *, size: int) -> tuple[np.ndarray, np.ndarray]:
    if not folds:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.uint32)
    joined = "\n".join(folds)  # a newline is no word character: no word runs from one text into the next
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    wordy = np.zeros(len(points) + 2, dtype=np.int8)
    wordy[1:-1] = _is_word(points)
    edges = np.flatnonzero(np.diff(wordy))
    starts, ends = edges[::2], edges[1::2]
    text_ends = np.cumsum(np.fromiter(map(len, folds), dtype=np.intp, count=len(folds)) + 1) - 1
    n_words = np.diff(np.searchsorted(starts, text_ends), prepend=0)
    word_crc, spaced_crc, n_bytes = _word_crcs(joined, points, starts, ends)
    # A text of fewer words than a shingle (but some) is one shingle of all its words, hashed directly: few are.
    few = {}
    for i in np.flatnonzero((n_words > 0) & (n_words < size)).tolist():
        first = int(n_words[:i].sum())
        words = (joined[s:e] for s, e in zip(starts[first:first + n_words[i]], ends[first:first + n_words[i]]))
        few[i] = zlib.crc32(" ".join(words).encode())
    return n_words, _shingles(word_crc, spaced_crc, n_bytes, n_words, size=size, few=few)


def _is_word(points: np.ndarray) -> np.ndarray:
    """Whether each code point is a ``\\w`` character, as ``re`` has it (asked of ``re`` once per distinct one)."""
    wide = points >= 128
    out = _ASCII_WORD[np.where(wide, 0, points)]
    if wide.any():
        distinct = np.unique(points[wide])
        word = distinct[[bool(_WORD.match(chr(c))) for c in distinct.tolist()]]
        out[wide] = np.isin(points[wide], word)
    return out


def _word_crcs(joined: str, points: np.ndarray, starts: np.ndarray,
               ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each word's CRC, the CRC of the word and a space, and its length in UTF-8 bytes."""
    lengths = ends - starts
    alone = lengths > _LONG_WORD  # zlib's, one by one, as are words with a character beyond ASCII (few):
    wide = np.flatnonzero(points >= 128)
    holder = np.searchsorted(starts, wide, side="right") - 1
    alone[holder[(holder >= 0) & (wide < ends[np.maximum(holder, 0)])]] = True
    state = np.full(len(starts), _ONES, dtype=np.uint32)  # zlib's running value before its final inversion
    fast = np.flatnonzero(~alone)
    if len(fast):
        # An odd word's first character alone, then two characters a step; the words with the most pairs first,
        # so that the words still running at pair k are a prefix of the order (lengths fit a byte: radix sort).
        pairs = (lengths[fast] >> 1).astype(np.uint8)
        order = fast[np.argsort(np.uint8(_LONG_WORD) - pairs, kind="stable")]
        odd = order[lengths[order] & 1 == 1]
        state[odd] = _TABLE[(state[odd] ^ points[starts[odd]]) & 0xFF] ^ (state[odd] >> 8)
        first, running = starts[order] + (lengths[order] & 1), state[order]
        ascending = (lengths[order] >> 1)[::-1]
        for k, n in enumerate(len(order) - np.searchsorted(ascending, np.arange(ascending[-1]), side="right")):
            value = running[:n]
            at = first[:n] + 2 * k
            running[:n] = _PAIR[(value ^ (points[at] | (points[at + 1] << 8))) & 0xFFFF] ^ (value >> 16)
        state[order] = running
    word_crc = state ^ _ONES
    spaced_crc = (_TABLE[(state ^ 0x20) & 0xFF] ^ (state >> 8)) ^ _ONES
    n_bytes = lengths.astype(np.intp)
    for i in np.flatnonzero(alone).tolist():
        encoded = joined[starts[i]:ends[i]].encode()
        value = zlib.crc32(encoded)
        word_crc[i], spaced_crc[i], n_bytes[i] = value, zlib.crc32(b" ", value), len(encoded)
    return word_crc, spaced_crc, n_bytes


def _shingles(word_crc: np.ndarray, spaced_crc: np.ndarray, n_bytes: np.ndarray, n_words: np.ndarray, *,
              size: int, few: dict[int, int]) -> np.ndarray:
    """Every shingle's CRC, text by text, from its words' (``few``: the one shingle of each text of fewer than
    ``size`` words)."""
    # The shingle at every word of the batch: its first size - 1 words, each with its space, then the last word.
    # Shingles that run into the next text are dropped below.
    m = max(len(word_crc) - size + 1, 0)
    head = _runs(spaced_crc, n_bytes + 1, size - 1)
    last = slice(size - 1, size - 1 + m)
    crc = word_crc[last] if head is None else _shift(head[0][:m], n_bytes[last]) ^ word_crc[last]
    # Texts of at least ``size`` words: shingle i of a text starts at its word i, for i <= n - size.
    long = n_words >= size
    offsets = np.cumsum(n_words) - n_words
    n_shingles = np.where(long, n_words - size + 1, 0)
    crc = crc[np.repeat(offsets - np.cumsum(n_shingles) + n_shingles, n_shingles) + np.arange(n_shingles.sum())]
    if not few:
        return crc
    bounds = np.cumsum(n_shingles)
    pieces, start = [], 0
    for i, value in sorted(few.items()):
        pieces += [crc[start:bounds[i]], np.array([value], dtype=np.uint32)]
        start = bounds[i]
    return np.concatenate(pieces + [crc[start:]])


def _runs(crc: np.ndarray, n_bytes: np.ndarray, words: int) -> tuple[np.ndarray, np.ndarray] | None:
    """CRC and byte length of the concatenation of pieces j .. j + words - 1, for every j where they exist,
    from each piece's CRC and length (``None`` for no words). Runs double in length (two, four, ... pieces)
    and join as ``words`` is written in binary: two shifts for the four heads of 5-word shingles, not three."""
    result, result_words = None, 0
    block, block_words = (crc, n_bytes), 1
    while words:
        if words & 1:
            result = block if result is None else _concat(result, block, result_words)
            result_words += block_words
        words >>= 1
        if words:
            block = _concat(block, block, block_words)
            block_words *= 2
    return result


def _concat(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray],
            offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs ``a`` (CRC, length) at j followed by runs ``b`` at j + offset: crc(A + B) = shift(crc(A), len(B))
    ^ crc(B)."""
    m = max(min(len(a[0]), len(b[0]) - offset), 0)
    b_crc, b_len = b[0][offset:offset + m], b[1][offset:offset + m]
    return _shift(a[0][:m], b_len) ^ b_crc, a[1][:m] + b_len


_SHIFT_TABLES: dict[int, np.ndarray] = {}


def _shift_table(n: int) -> np.ndarray:
    """shift(v, n) = crc32(n zero bytes, start v) ^ crc32(n zero bytes), linear in v: a table for each of v's
    four bytes, built from the images of its 32 bits (memoised: ``n`` is the length in bytes of a word or of a
    few words)."""
    if n not in _SHIFT_TABLES:
        zeros = bytes(n)
        base = zlib.crc32(zeros)
        bits = np.array([zlib.crc32(zeros, 1 << j) ^ base for j in range(32)], dtype=np.uint32).reshape(4, 8)
        byte = np.arange(256)
        chosen = (byte[:, None] >> np.arange(8)) & 1  # 256 x 8: which bits of each byte value are set
        table = np.zeros((4, 256), dtype=np.uint32)
        for j in range(8):
            table ^= np.where(chosen[:, j].astype(bool), bits[:, j, None], np.uint32(0))
        _SHIFT_TABLES[n] = table.reshape(-1)
    return _SHIFT_TABLES[n]


def _shift(crc: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``shift(crc[i], n[i])`` for every i (see :func:`_shift_table`): four lookups in the table for ``n[i]``."""
    if not len(crc):
        return crc
    if n.max() <= 1 << 16:  # the usual case: a count per length, cheaper than sorting
        distinct = np.flatnonzero(np.bincount(n))
        row = np.zeros(distinct[-1] + 1, dtype=np.intp)
        row[distinct] = np.arange(0, 1024 * len(distinct), 1024)
        row = row[n]
    else:
        distinct, which = np.unique(n, return_inverse=True)
        row = which * 1024
    tables = np.concatenate([_shift_table(int(d)) for d in distinct])
    out = tables[row + (crc & 0xFF)]
    out ^= tables[row + 256 + ((crc >> 8) & 0xFF)]
    out ^= tables[row + 512 + ((crc >> 16) & 0xFF)]
    out ^= tables[row + 768 + (crc >> 24)]
    return out


