"""Text as the measures need it: cleaned articles, sentences with offsets, actor mentions.

Stages: ``clean`` (boilerplate, quality flags, duplicates, every action logged) and ``prepare``
(sentences). Also ``punkt_fast`` (the sentence splitter), ``actors`` (which sentences mention which
actor) and ``texts`` (the one "input into texts" conversion and the word tokenizer).
"""

from analysis.text.clean import clean_articles
from analysis.text.prepare import PunktSentenceSplitter, split_sentences

__all__ = ["PunktSentenceSplitter", "clean_articles", "split_sentences"]
