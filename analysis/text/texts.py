"""Texts in: the one conversion every text estimator applies to its ``X``, and the word tokenizer of the
dictionary instruments.

Estimators in :mod:`analysis.sentiment` and :mod:`analysis.framing` take sentences or articles in
several shapes (a list, a pandas Series, a DataFrame with a ``text`` column, a NumPy array);
:func:`as_texts` turns each into the same thing, so that they all accept and refuse the same inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

TOKEN = re.compile(r"\w+(?:'\w+)*")


def as_texts(X, *, title: bool = False) -> pd.Series:
    """The texts in ``X``, one str per row, as a Series.

    Accepts:

    * a pandas DataFrame with a ``text`` column: that column (its index kept). With ``title=True`` and
      a ``title`` column too, each text is ``title + "\\n\\n" + text`` (a missing title counts as "");
    * a pandas Series: its values, index kept;
    * any other iterable of texts (list, tuple, 1-d NumPy array, generator): its items, index 0..n-1.

    Missing values (None, NaN, ``pd.NA``) become ``""``; anything else that is not a str becomes
    ``str(value)``. Returns a Series of dtype ``str`` (callers that want a list call ``.tolist()``).

    Raises TypeError for a single str (an iterable of characters, almost always a mistake) and
    ValueError for a DataFrame without a ``text`` column.
    """
    if isinstance(X, str):
        raise TypeError("X must be an iterable of texts, not one string; wrap a single string in a list")
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError(f"X is a DataFrame without a 'text' column (columns: {list(X.columns)})")
        texts = X["text"].fillna("").astype(str)
        if title and "title" in X.columns:  # headlines say what an article is about in few words
            texts = X["title"].fillna("").astype(str) + "\n\n" + texts
        return texts
    texts = X if isinstance(X, pd.Series) else pd.Series(list(X), dtype=object)
    return texts.fillna("").astype(str)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, ``_``; inner apostrophes kept: "don't"), as the
    dictionary instruments match them."""
    # Curly apostrophes are folded so "don’t" in news text meets "don't" in a word list.
    return TOKEN.findall(text.lower().replace("\u2019", "'"))


def article_chunks(articles: pd.DataFrame, sentences: pd.DataFrame, size: int
                   ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """``articles`` in runs of ``size`` rows, each with its own sentences (in their table order): the unit a
    stage hands to its engine's processes when each article is measured on its own."""
    position = pd.Series(np.arange(len(articles)), index=articles["doc_id"].to_numpy())
    chunk_of = position.reindex(sentences["doc_id"].to_numpy()).to_numpy() // size  # NaN: no such article
    for k, first in enumerate(range(0, len(articles), size)):
        yield articles.iloc[first:first + size], sentences.loc[chunk_of == k]
