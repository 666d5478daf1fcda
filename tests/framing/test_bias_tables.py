"""The study-side bias tables: per-sentence probabilities with their voice, and group means by voice."""

from __future__ import annotations

import pandas as pd

from analysis.core import tables
from analysis.framing import bias_classifier

TRAIN = pd.DataFrame({
    "text": ["The shameful, disgraceful attack was a vile outrage.", "The committee met on Tuesday to vote.",
             "A stupid, reckless and dangerous scheme by radicals.", "The report was published in March.",
             "Their absurd, hysterical lies are appalling.", "The agency released the figures on Monday."] * 4,
    "label": [1, 0, 1, 0, 1, 0] * 4, "outlet": ["A", "A", "B", "B", "C", "C"] * 4})


def test_sentence_bias_and_group_means_by_voice():
    model = bias_classifier.BiasClassifier(min_df=1, calibration_cv=2).fit(TRAIN["text"], TRAIN["label"])
    sentences = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "sent_id": [0, 1, 0, 1],
                              "outlet": ["X", "X", "Y", "Y"],
                              "text": ["A shameful, vile and disgraceful outrage.", "The committee met on Monday.",
                                       "The figures were published on Tuesday.", "An absurd, hysterical scheme."]})
    voices = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "sent_id": [0, 1, 0, 1],
                           "voice": ["quoted", "outlet", "outlet", "outlet"]})
    scores = bias_classifier.sentence_bias(sentences, model=model, sentence_voice=voices)
    assert list(scores.columns) == tables.schema("sentence_bias").names
    assert scores["voice"].tolist() == ["others", "outlet", "outlet", "outlet"]
    p = scores.set_index(["doc_id", "sent_id"])["bias_probability"]
    assert p[("d1", 0)] > p[("d1", 1)] and p[("d2", 1)] > p[("d2", 0)]
    articles = pd.DataFrame({"doc_id": ["d1", "d2"], "leaning": ["left", "right"]})
    out = bias_classifier.bias_by_group(scores, articles, by="leaning", n_boot=50, min_articles=1)
    pd.testing.assert_frame_equal(tables.validate(out, "bias_by_group"), out)
    means = out.set_index(["group", "voice"])["mean"]
    assert means[("left", "all")] == (p[("d1", 0)] + p[("d1", 1)]) / 2 and means[("left", "others")] == p[("d1", 0)]
    assert ("right", "others") not in means.index  # d2 has no sentence in others' words
