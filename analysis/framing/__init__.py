"""How outlets frame a story: codebook frames, a supervised frame classifier, labels, terms, topics, loaded language.

Stage: ``frame``. Measures: ``dictionary`` (codebook frames per sentence, with ``codebook``),
``frame_classifier``, ``labels`` (word choice per referent), ``terms`` (distinctive terms),
``topics``, ``loaded_language`` (word lists) and ``bias_classifier`` (biased sentences, trained on BABE).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "BiasClassifier": "analysis.framing.bias_classifier",
    "FrameClassifier": "analysis.framing.frame_classifier",
    "FrameMatcher": "analysis.framing.dictionary",
    "frame_texts": "analysis.framing.dictionary",
})
