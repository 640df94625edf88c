"""conflict-kg: turn news about armed conflict into a knowledge graph.

The package is the data path: :mod:`kg.reader` reads documents, :mod:`kg.nlp` finds
entities (and, later, statements, events and casualty claims) with spaCy, :mod:`kg.rdf`
turns the plain extractions into quads and :mod:`kg.store` keeps them in pyoxigraph.
The command line (:mod:`kg.cli`) and the HTTP API (package ``api``) call into it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conflict-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
