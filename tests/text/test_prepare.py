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


def test_articles_in_a_language_the_study_does_not_read_get_no_sentences(tiny_study, caplog):
    from conftest import write_jsonl

    from analysis.collect import ingest
    from analysis.core import storage
    from analysis.core.study import load_study
    from analysis.run import dag

    zh = "美国商务部将二十八家中国实体列入出口管制实体清单。中方对此坚决反对，敦促美方立即纠正错误做法。" * 3
    ingest.import_file(write_jsonl(tiny_study.imports.parent / "zh.jsonl",
                                   [{"outlet": "Xinhua", "text": zh, "published": "2019-10-09"}]), tiny_study)
    study = load_study(tiny_study)
    with caplog.at_level("WARNING", logger="analysis"):
        for stage in ("ingest", "clean", "prepare"):
            dag.run_stage(stage, study, tiny_study)
    articles = storage.read_table(tiny_study.table("articles"))
    chinese = set(articles.loc[articles["language"] == "zh", "doc_id"])
    assert len(chinese) == 1
    sentences = storage.read_table(tiny_study.table("sentences"))
    assert not set(sentences["doc_id"]) & chinese and len(set(sentences["doc_id"])) == 5
    assert "1 articles not in en (zh: 1) are kept but left out of the sentence measures" in caplog.text


def test_the_trained_splitter_is_cached_by_its_training_text(tmp_path, monkeypatch):
    from analysis.text.prepare import PunktSentenceSplitter, trained_splitter

    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cache"))
    texts = ["Mr. Smith went to Washington. He arrived at 5 p.m. on Tuesday.",
             "The U.S. Commerce Dept. said so. Sen. Jones agreed with Gov. Lee."] * 20
    probe = "Dr. Who met Mr. Smith in the U.S. yesterday. Then they left."
    first = trained_splitter(texts)
    assert [p.name for p in (tmp_path / "cache" / "model_punkt").iterdir()] != []
    again = trained_splitter(texts)  # read back from the cache
    assert again.spans(probe) == first.spans(probe) == PunktSentenceSplitter().fit(texts).spans(probe)
    trained_splitter(texts[:-1])  # other training text: another entry, never the first one's model
    assert len([p for p in (tmp_path / "cache" / "model_punkt").iterdir() if not p.name.endswith(".lock")]) == 2
