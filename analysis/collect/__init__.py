"""Getting coverage in: URL lists, feeds, saved pages, local files, imports and public datasets.

The only room that opens network connections (``fetch``). Stages: ``collect`` (the web, incremental,
into the raw store) and ``ingest`` (every source into ``articles_raw``). Also ``extract`` (page bytes to
article text), ``sources``, ``web``, ``rawstore``, ``outlets``, ``rows`` and the dataset loaders
(``datasets``, ``framing_datasets``, ``provenance_datasets``).
"""

from analysis.collect.datasets import locate
from analysis.collect.ingest import build_articles, import_file

__all__ = ["build_articles", "import_file", "locate"]
