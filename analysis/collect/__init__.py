"""Getting coverage in: URL lists, feeds, saved pages, local files, imports and public datasets.

The only room that opens network connections (``fetch``). Stages: ``collect`` (the web, incremental,
into the raw store) and ``ingest`` (every source into ``articles_raw``). Also ``extract`` (page bytes to
article text), ``sources``, ``web``, ``rawstore``, ``outlets``, ``rows`` and the dataset loaders
(``datasets``, ``framing_datasets``, ``provenance_datasets``).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "IMPORT_OPTIONAL": "analysis.collect.ingest",
    "IMPORT_OUTLET_COLUMNS": "analysis.collect.ingest",
    "IMPORT_REQUIRED": "analysis.collect.ingest",
    "build_articles": "analysis.collect.ingest",
    "import_file": "analysis.collect.ingest",
    "locate": "analysis.collect.datasets",
})
