"""What a reader sees: figures, tables, the report page and its manifest.

Stage: ``report`` (notebooks executed headless, tables exported, ``index.html``, ``MANIFEST.csv``).
Figures: ``figures`` (with the shared ``style``), ``framing_figures``, ``provenance_figures``,
``validation_figures``; ``methods`` writes the methods paragraphs; ``manifest`` checks a rebuild.
"""
