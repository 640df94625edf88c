"""The SPARQL endpoint as its clients find it, against real servers in both query modes (worker
processes, the default; threads of the server, CKG_QUERY_WORKERS=0): hostile nesting, the
dataset named in the query, relative IRIs, HEAD, error messages that name the fix."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import start_server, stop_server

BASE = "https://w3id.org/conflict-kg/id/"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def threads_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("threads") / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store, {"CKG_QUERY_WORKERS": "0"})
    yield base
    stop_server(proc)


@pytest.fixture(params=["workers", "threads"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """Each test runs against a server in each query mode."""
    return str(request.getfixturevalue("server" if request.param == "workers" else "threads_server"))


def count(endpoint: str, query: str, **params: str) -> int:
    r = httpx.get(endpoint + "/sparql", params={"query": query, **params}, headers=JSON, timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


DEEP = [
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",  # 10 kB
    "SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }",
    "SELECT * WHERE { FILTER(1" + " + 1" * 20000 + " > 0) }",
    "SELECT * WHERE { {?s ?p ?o}" + " UNION {?s ?p ?o}" * 5000 + " }",
    "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(5000)) + " }",
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 200 + "1" + " ]" * 200 + " }",
]


@pytest.mark.parametrize("query", DEEP, ids=["parentheses", "negations", "sum", "unions", "binds", "blank-nodes"])
def test_a_query_nested_too_deep_is_refused_and_the_server_answers_the_next(endpoint: str, query: str) -> None:
    r = httpx.post(endpoint + "/sparql", content=query, headers={"Content-Type": "application/sparql-query",
                                                                  **JSON}, timeout=60)
    assert r.status_code == 400, r.text[:300]
    assert "at most" in r.text and "out of memory" not in r.text
    after = httpx.get(endpoint + "/sparql", params={"query": "ASK { ?s a ?c }"}, headers=JSON, timeout=30)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_from_in_the_query_replaces_the_union_default_graph(endpoint: str) -> None:
    union = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    ontology = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/ontology> WHERE {{ ?s ?p ?o }}")
    assert 0 < ontology < union
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/ontology> {{ ?s ?p ?o }} }}"
    assert ontology == count(endpoint, in_graph)
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/no-such-graph> WHERE { ?s ?p ?o }") == 0
    # FROM NAMED alone: the default graph is empty, the named graph is there
    named = f"FROM NAMED <{BASE}graph/ontology>"
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) {named} WHERE {{ ?s ?p ?o }}") == 0
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) {named} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == ontology
    # the protocol's default-graph-uri wins over FROM
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/no-such-graph> WHERE { ?s ?p ?o }",
                 **{"default-graph-uri": f"{BASE}graph/ontology"}) == ontology


def test_relative_iris_resolve_against_the_endpoint(endpoint: str) -> None:
    r = httpx.post(endpoint + "/sparql", content="CONSTRUCT { <s> <p> 1 } WHERE {}",
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.text.strip() == f'<{endpoint}/s> <{endpoint}/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    r = httpx.get(endpoint + "/sparql", params={"query": "BASE <http://example.org/a/> SELECT (<b> AS ?x) {}"},
                  headers=JSON, timeout=30)
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/a/b"


@pytest.mark.parametrize(("query", "expected"), [
    ("SELEC * WHERE { ?s ?p ?o }", "did you mean SELECT?"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 1", "did you mean LIMIT?"),
    ("SELECT * WHERE { ?s ex:p ?o }", "the prefix ex: (in ex:p) is not declared"),
    ("SELECT * WHERE { ?s foaf:name ?o }", "use one of the declared prefixes: ckg:, dcterms:"),
    ("DELETE WHERE { ?s ?p ?o }", "this endpoint is read-only"),
])
def test_syntax_errors_name_the_problem_and_the_fix(endpoint: str, query: str, expected: str) -> None:
    r = httpx.get(endpoint + "/sparql", params={"query": query}, headers=JSON, timeout=30)
    assert r.status_code == 400
    assert expected in r.text
    assert "ENCODE_FOR_URI" not in r.text and "\\u{" not in r.text
