"""Term counts with and without copied sentences from one tokenization, against vectorizing each text apart."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from analysis.framing import terms
from analysis.provenance import term_readings


def build(docs: dict[str, list[tuple[str, str]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and their sentences from (text before the sentence, sentence) pairs, with exact offsets."""
    arts, sents = [], []
    for doc, parts in docs.items():
        text = ""
        for i, (gap, sentence) in enumerate(parts):
            text += gap
            sents.append(dict(doc_id=doc, sent_id=i, start=len(text), end=len(text) + len(sentence), text=sentence))
            text += sentence
        arts.append(dict(doc_id=doc, text=text + "\n"))
    return pd.DataFrame(arts), pd.DataFrame(sents, columns=["doc_id", "sent_id", "start", "end", "text"])


def marks(sentences: pd.DataFrame, copies: set[tuple[str, int]]) -> pd.DataFrame:
    is_copy = [(d, s) in copies for d, s in zip(sentences["doc_id"], sentences["sent_id"])]
    return sentences[["doc_id", "sent_id"]].assign(n_copies=[int(c) for c in is_copy], is_copy=is_copy)


DOCS = {
    # paragraphs: a headline without a full stop, then a newline (a clause break in the text, not once joined)
    "plain": [("", "Trade talks stalled"), ("\n\n", "The U.S. trade talks resumed."), (" ", "Officials said so")],
    "all_copied": [("Wire: ", "Trade talks stalled again."), ("\n", "Border security funding grew")],
    "partly": [("", "Border security funding"), ("\n", "Trade talks stalled in the U.S."), ("\n", "China's talks")],
    # a sentence right after the previous one's full stop: not a clean slice, read whole and sentence by sentence
    "adjacent": [("", "Trade talks stalled."), ("", "Border security funding"), (" ", "grew fast")],
    "one_word": [("", "Trade"), (" ", "talks"), ("\n", "stalled")],
}
COPIES = {("all_copied", 0), ("all_copied", 1), ("partly", 1), ("one_word", 1)}


def _vectorize(texts: list[str]):
    vec = CountVectorizer(analyzer=terms.NgramAnalyzer(stop_words=terms.ENGLISH_STOP_WORDS), min_df=1)
    X = vec.fit_transform(texts)
    return pd.DataFrame(X.toarray(), columns=vec.get_feature_names_out())


def _as_frame(counts) -> pd.DataFrame:
    X, vocab, _ = counts
    frame = pd.DataFrame(X.toarray(), columns=vocab)
    return frame.loc[:, frame.sum() > 0]


@pytest.mark.parametrize("unmarked", [False, True])
def test_both_readings_equal_vectorizing_each_text(unmarked):
    articles, sentences = build(DOCS)
    articles.loc[len(articles)] = {"doc_id": "no_sentences", "text": "Trade talks without sentences."}
    reuse = marks(sentences, COPIES)
    if unmarked:  # a sentence without a reuse mark is not counted without copies, as the joined text left it out
        reuse = reuse.iloc[1:]
    counts = term_readings.reading_counts(articles, sentences, reuse, min_df=1)
    pd.testing.assert_frame_equal(_as_frame(counts["keep"]), _vectorize(articles["text"].tolist()))
    kept = sentences.merge(reuse.loc[~reuse["is_copy"], ["doc_id", "sent_id"]])
    joined = kept.groupby("doc_id")["text"].agg(" ".join).reindex(articles["doc_id"], fill_value="")
    expected = _vectorize(joined.tolist())
    pd.testing.assert_frame_equal(_as_frame(counts["remove"]), expected.loc[:, expected.sum() > 0])
    # the readings do differ where they should: a phrase across the headline's newline only once joined
    assert ("stalled the u.s." in expected.columns) != unmarked
    assert "stalled the u.s." not in _as_frame(counts["keep"])
    assert (counts["remove"][0][articles.index[articles["doc_id"] == "all_copied"][0]].nnz == 0)
    assert counts["keep"][2].tolist() == articles["doc_id"].tolist()


def test_min_df_keeps_terms_of_at_least_that_many_articles():
    articles, sentences = build(DOCS)
    counts = term_readings.reading_counts(articles, sentences, marks(sentences, set()), min_df=2)
    X, vocab, _ = counts["keep"]
    assert ((X > 0).sum(axis=0) >= 2).all() and "trade talks" in vocab and "officials" not in vocab
