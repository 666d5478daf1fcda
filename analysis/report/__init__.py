"""What a reader sees: figures, tables, the report page and its manifest.

Stage: ``report`` (notebooks executed headless, several at once and only those whose tables changed;
tables exported, ``index.html``, ``MANIFEST.csv``). Notebooks call ``notebook`` (load a study's tables,
publish figures and tables), which keeps the kernel's imports light.
Figures: ``figures`` (with the shared ``style``), ``framing_figures``, ``provenance_figures``,
``validation_figures``; ``methods`` writes the methods paragraphs; ``manifest`` checks a rebuild.
"""
