"""SHACL validation of the whole graph with pySHACL (``kg validate`` and the test suite).

The data graph is the union of every graph in the store (ontology, curated entities,
documents); ``ontology/shapes.ttl`` holds the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.store import KGStore

__all__ = ["ValidationResult", "validate_store"]


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    violations: int
    report: str


def validate_store(store: KGStore, shapes: Path) -> ValidationResult:
    """Validate the union graph of ``store`` against the shapes file."""
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph()
    data.parse(data=store.dump_bytes("nt"), format="nt")
    shacl = rdflib.Graph().parse(str(shapes), format="turtle")
    conforms, report_graph, text = validate(
        data, shacl_graph=shacl, inference="none", advanced=True, allow_warnings=True,
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationResult(conforms=bool(conforms), violations=violations, report=str(text))
