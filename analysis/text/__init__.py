"""Text as the measures need it: cleaned articles, sentences with offsets, actor mentions.

Stages: ``clean`` (boilerplate, quality flags, duplicates, every action logged) and ``prepare``
(sentences). Also ``punkt_fast`` (the sentence splitter), ``actors`` (which sentences mention which
actor), ``texts`` (the one "input into texts" conversion and the word tokenizer), and who speaks:
``quote_marks``, ``attribution``, ``source_types`` and ``voice`` (whose voice each stretch of text is in).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "PunktSentenceSplitter": "analysis.text.prepare",
    "clean_articles": "analysis.text.clean",
    "split_sentences": "analysis.text.prepare",
})
