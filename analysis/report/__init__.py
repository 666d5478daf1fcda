"""What a reader sees: figures, tables, the report page and its manifest.

Stage: ``report`` (notebooks executed headless, several at once and only those whose tables changed;
tables exported, ``index.html``, ``MANIFEST.csv``). Notebooks call ``notebook`` (load a study's tables,
publish figures and tables), which keeps the kernel's imports light.
Figures: ``figures`` (with the shared ``style``), ``framing_figures``, ``provenance_figures``,
``validation_figures``; ``methods`` writes the methods paragraphs; ``manifest`` checks a rebuild.
"""

import sys

# jsonschema (under nbformat, which the report stage imports) compiles rfc3987_syntax's 38 Lark grammars on import
# when that package is installed, as jupyter's extras install it: 3 to 6 s of every process that imports nbformat,
# measured, against 0.7 s without. The package only checks "iri" string formats, which nbformat's notebook schema
# never asks for, so unless something imported it already, jsonschema is told it is absent.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
