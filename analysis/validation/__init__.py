"""Every automatic measure checked against people: public gold standards and the study's own coders.

Stage: ``validate``. Against public gold: ``sentiment_gold`` (VADER NYT), ``framing_gold`` (Narrative
Frames, BABE), ``provenance_gold`` (NeuS), ``extraction_gold`` (Zyte benchmark),
``training_designs`` (a research script). Against the study's coders: ``codesheets``, ``agreement``,
``coders``.
"""
