"""Sentence splitting: offsets, abbreviations, paragraphs."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import tables
from analysis.text.prepare import PunktSentenceSplitter, split_sentences

TEXT = ("The U.S. Commerce Department added 28 entities on Monday. Sen. Marco Rubio praised it.\n\n"
        "Subscribe to our newsletter\n"
        "Hikvision Inc. said it \"strongly opposes\" the decision. Beijing vowed to respond.")


@pytest.fixture(scope="module")
def splitter():
    return PunktSentenceSplitter().fit([TEXT])


def test_sentences_respect_news_abbreviations_and_paragraphs(splitter):
    sents = [TEXT[s:e] for s, e in splitter.spans(TEXT)]
    assert sents == [
        "The U.S. Commerce Department added 28 entities on Monday.",
        "Sen. Marco Rubio praised it.",
        "Subscribe to our newsletter",
        "Hikvision Inc. said it \"strongly opposes\" the decision.",
        "Beijing vowed to respond.",
    ]


def test_split_sentences_table_offsets_point_into_text(splitter):
    articles = pd.DataFrame({"doc_id": ["d2", "d1"], "outlet": ["A", "B"], "text": [TEXT, "One. Two."]})
    sents = split_sentences(articles, splitter=splitter)
    tables.validate(sents, "sentences")
    for row in sents.itertuples():
        full = articles.set_index("doc_id").loc[row.doc_id, "text"]
        assert full[row.start:row.end] == row.text
    assert sents["doc_id"].tolist()[:2] == ["d1", "d1"]  # doc_id order, sent_id from 0
    assert sents.groupby("doc_id")["sent_id"].apply(list).to_dict()["d2"] == [0, 1, 2, 3, 4]


def test_empty_corpus_gives_empty_typed_table():
    out = split_sentences(pd.DataFrame({"doc_id": ["d"], "outlet": ["A"], "text": ["   "]}))
    assert out.empty and list(out.columns) == tables.SCHEMAS["sentences"].names


def test_unfitted_splitter_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PunktSentenceSplitter().spans("A. B.")
