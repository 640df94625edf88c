"""conflict-kg: turn news about armed conflict into a knowledge graph.

The package is the data path: :mod:`kg.reader` reads documents, :mod:`kg.nlp` finds
entities, statements, events and casualty claims with spaCy, :mod:`kg.rdf` turns the plain
extractions into quads, :mod:`kg.build` drives it (in worker processes or on a Dask cluster,
:mod:`kg.executors`) and :mod:`kg.store` keeps the quads in pyoxigraph on disk, or in a remote
SPARQL store (:mod:`kg.remote`). :mod:`kg.query` is what an ad-hoc SPARQL query means (shared
by ``kg query`` and the endpoint); :mod:`kg.export`, :mod:`kg.validate` and :mod:`kg.results`
write tables, SHACL reports and SPARQL results. The command line (:mod:`kg.cli`) and the HTTP
API (package ``api``) call into it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conflict-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
