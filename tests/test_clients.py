"""Real SPARQL clients against the real server: rdflib's SPARQLStore and Comunica (node)."""

from __future__ import annotations

import json
import shutil
import subprocess

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.conftest import ROOT

STATES = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?label WHERE { ?e a ckg:State ; rdfs:label ?label } ORDER BY ?label")


def test_rdflib_sparqlstore_select_ask_construct(server: str) -> None:
    store = SPARQLStore(server + "/sparql")
    labels = {str(row[0]) for row in store.query(STATES)}  # type: ignore[union-attr,index]
    assert {"Armenia", "Azerbaijan"} <= labels
    assert store.query("ASK { ?d a <https://w3id.org/conflict-kg/ontology#Document> }").askAnswer  # type: ignore[union-attr]
    # SPARQLStore asks CONSTRUCT results as RDF/XML
    graph = store.query("CONSTRUCT { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
                        "?e a <https://w3id.org/conflict-kg/ontology#Settlement> ; "
                        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }").graph  # type: ignore[union-attr]
    assert isinstance(graph, rdflib.Graph)
    assert rdflib.Literal("Stepanakert", lang="en") in set(graph.objects())
    described = store.query("DESCRIBE <https://w3id.org/conflict-kg/id/entity/ganja>").graph  # type: ignore[union-attr]
    assert len(described) > 3


def test_comunica(server: str) -> None:
    cli = ROOT / "tools" / "node_modules" / ".bin" / "comunica-sparql"
    assert shutil.which("node") and cli.exists(), "run make install (npm tools)"
    proc = subprocess.run([str(cli), f"sparql@{server}/sparql", STATES, "-t", "application/sparql-results+json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    bindings = json.loads(proc.stdout)["results"]["bindings"]
    assert {"Armenia", "Azerbaijan"} <= {b["label"]["value"] for b in bindings}
    ask = subprocess.run([str(cli), f"sparql@{server}/sparql",
                          "ASK { ?d a <https://w3id.org/conflict-kg/ontology#Document> }"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert ask.returncode == 0 and "true" in ask.stdout, ask.stderr[-2000:]
