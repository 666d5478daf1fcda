"""Sentiment per sentence, article and actor, and the comparison of outlets on it.

Stages: ``measure`` (every sentence instrument, actor mentions and actor sentiment, partition by partition)
and ``compare`` (group summaries, contrasts, evidence sentences, actor coverage). Instruments:
``scoring`` (VADER, with ``vader_fast``), ``lexicon`` (user dictionaries), ``sentence_model``
(``news_ridge``), ``target_sentiment`` and ``actor_sentiment``; ``instruments`` builds what a study asks for;
``sentence_cache`` keeps scores by content hash.
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "VaderScorer": "analysis.sentiment.scoring",
    "score_texts": "analysis.sentiment.instruments",
    "sentence_instrument": "analysis.sentiment.instruments",
})
