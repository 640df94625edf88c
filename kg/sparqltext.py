"""Reading SPARQL text without evaluating it: does a query federate (``SERVICE``)?

pyoxigraph evaluates ``SERVICE <http://…>`` with its own HTTP client and offers no switch to
turn that off, so a public endpoint would fetch any URL a client names, internal ones
included. The HTTP API refuses such queries unless the operator enables federation
(``CKG_ALLOW_SERVICE``). The keyword is found by a small lexer that skips what cannot hold
it: comments, string literals (all four quote styles) and IRIs, and it only counts the bare
word, not a prefixed name (``ex:service``, ``service:x``) or a variable (``?service``).
"""

from __future__ import annotations

import re

__all__ = ["uses_service"]

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs (a '<' operator is followed by a space or a term, not an IRI)
    r"|#[^\n]*",  # comments
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.-])service(?![\w:.-])", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """True when ``query`` contains a ``SERVICE`` clause.

    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service ex:service "SERVICE" } # SERVICE')
    False
    """
    return _SERVICE.search(_SKIP.sub(" ", query)) is not None
