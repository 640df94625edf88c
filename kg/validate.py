"""SHACL validation of the whole graph with pySHACL (``kg validate`` and the test suite).

Each document graph is checked with the ontology, the world's entities and the conflict packs
the store holds; ``ontology/shapes.ttl`` holds the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.store import BaseStore

__all__ = ["ValidationResult", "validate_store"]


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    violations: int
    report: str


def validate_store(store: BaseStore, shapes: Path) -> ValidationResult:
    """Validate each document graph of ``store`` against the shapes file.

    Each document graph is checked together with the ontology, the curated entities and the
    provenance graph, not the union of all documents: two documents may report the same event
    with their own confidence, which is right per document and would look like two values on
    the union.
    """
    import rdflib
    from pyshacl import validate

    shacl = rdflib.Graph().parse(str(shapes), format="turtle")
    iris = store.iris
    shared = rdflib.Graph()
    packs = [g for g in store.graphs() if g.startswith(f"{iris.base}graph/pack/")]
    for graph in (iris.ontology_graph, iris.entities_graph, *packs):
        shared.parse(data=store.graph_bytes(graph), format="nt")
    provenance = rdflib.Graph().parse(data=store.graph_bytes(iris.provenance_graph), format="nt")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    conforms, violations, reports = True, 0, []
    for doc_id in store.document_ids():
        data = rdflib.Graph()
        for triple in shared:
            data.add(triple)
        data.parse(data=store.graph_bytes(iris.document_graph(doc_id)), format="nt")
        for subject in (iris.document_graph(doc_id), iris.activity(doc_id)):
            for triple in provenance.triples((rdflib.URIRef(subject), None, None)):
                data.add(triple)
        ok, report_graph, text = validate(data, shacl_graph=shacl, inference="none", advanced=True,
                                          allow_warnings=True)
        if not ok:
            conforms = False
            violations += sum(1 for _ in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
            reports.append(f"## document {doc_id}\n{text}")
    return ValidationResult(conforms=conforms, violations=violations, report="\n".join(reports))
