"""The SPARQL endpoint as its clients find it, against real servers in both query modes (worker
processes, the default; threads of the server, CKG_QUERY_WORKERS=0): hostile nesting, the
dataset named in the query, relative IRIs, HEAD, error messages that name the fix."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import served_copy

BASE = "https://w3id.org/conflict-kg/id/"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def threads_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_copy(seeds_store, tmp_path_factory.mktemp("threads"), {"CKG_QUERY_WORKERS": "0"}) as (base, _):
        yield base


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


@pytest.mark.parametrize("path", ["/", "/sparql", "/id/graph/provenance", "/ontology", "/dump.ttl",
                                  "/.well-known/void", "/context.jsonld", "/static/style.css", "/docs"])
def test_head_answers_wherever_get_does(server: str, path: str) -> None:
    get = httpx.get(server + path, timeout=30)
    head = httpx.head(server + path, timeout=30)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_the_format_parameter_replaces_accept_on_the_endpoint(server: str) -> None:
    query = "SELECT ?s WHERE { ?s a ckg:Document } LIMIT 2"
    r = httpx.get(server + "/sparql", params={"query": query, "format": "json"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    r = httpx.get(server + "/sparql", params={"query": query, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and r.text.startswith("s\r\n")
    landing = httpx.get(server + "/").text
    assert "format=json\">Run (JSON)" in landing


def entity(server: str) -> str:
    r = httpx.get(server + "/sparql", params={"query": "SELECT ?e WHERE { ?m ckg:refersTo ?e . ?ev ckg:agent ?e } "
                                                        "ORDER BY ?e LIMIT 1"}, headers=JSON)
    return str(r.json()["results"]["bindings"][0]["e"]["value"])


def test_json_ld_is_compact_with_a_published_context_and_says_what_turtle_says(server: str) -> None:
    import rdflib

    iri = entity(server)
    path = "/id/" + iri[len(BASE):]
    r = httpx.get(server + path, headers={"Accept": "application/ld+json"})
    doc = r.json()
    context = httpx.get(server + "/context.jsonld").json()["@context"]
    assert doc["@context"] == context  # the published context, inline: offline parsers read it as it is
    assert context["ckg"].startswith("https://w3id.org/conflict-kg/ontology") and context["type"] == "@type"
    assert doc["@id"] == iri and "label" in doc and "type" in doc and "@reverse" in doc
    assert all(not k.startswith("http") for k in doc if k != "@reverse")
    parsed = {t.subject.value for t in ox.parse(r.content, format=ox.RdfFormat.JSON_LD)}
    assert iri in parsed
    from_jsonld = rdflib.Graph().parse(data=r.text, format="json-ld", publicID=server + path)
    nt = httpx.get(server + path, params={"format": "nt"}).text
    from_nt = rdflib.Graph().parse(data=nt, format="nt")
    assert len(from_nt) > 0 and set(from_jsonld) == set(from_nt)


def test_every_format_of_an_entity_holds_its_incoming_links(server: str) -> None:
    iri = entity(server)
    path = "/id/" + iri[len(BASE):]
    turtle = httpx.get(server + path, headers={"Accept": "text/turtle"}).text
    assert "ckg:agent" in turtle  # an event points at it
    plain = httpx.get(server + path, headers={"Accept": "application/json"}).json()
    assert "agent" in plain["incoming"] and "refersTo" in plain["incoming"]
    assert "rdf:type" not in plain and "type" in plain
    assert all(" " not in key for key in plain)  # keys are terms, not labels


def test_every_representation_links_to_the_others(server: str) -> None:
    iri = entity(server)
    path = "/id/" + iri[len(BASE):]
    r = httpx.get(server + path, headers={"Accept": "text/turtle"})
    link = r.headers["link"]
    for media in ("text/html", "application/json", "application/ld+json", "application/n-triples"):
        assert f'type="{media}"' in link
    assert 'type="text/turtle"' not in link
    html = httpx.get(server + path, headers={"Accept": "text/html"}).text
    assert f'href="{path}?format=ttl"' in html
    assert httpx.get(server + path, params={"format": "ttl"}).headers["content-type"].startswith("text/turtle")


def test_the_provenance_graph_dereferences(server: str) -> None:
    r = httpx.get(server + "/id/graph/provenance", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "void:triples" in r.text or "rdfs.org/ns/void#triples" in r.text


def test_a_browser_gets_an_html_error_page(server: str) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    r = httpx.get(server + "/id/entity/no-such-thing", headers=browser)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "no resource" in r.text and "<h1>404 Not Found</h1>" in r.text
    machine = httpx.get(server + "/id/entity/no-such-thing")
    assert machine.status_code == 404 and machine.json()["status"] == 404


def test_api_docs_and_query_editor_in_chromium(server: str) -> None:
    import json
    import subprocess

    from tests.conftest import ROOT

    assert shutil.which("node") and (ROOT / "tools" / "node_modules" / "playwright-core").is_dir()
    proc = subprocess.run(["node", str(ROOT / "tests" / "browser" / "endpoint.mjs"), server],
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["offsite"] == []  # Swagger UI and YASGUI come from this server
    assert seen["operations"] > 10 and seen["docsErrors"] == []  # Swagger UI rendered, no CSP refusal
    assert seen["prefixed"]["flagged"] == 0  # ckg: and dcterms: are known to the editor
    assert seen["prefixed"]["links"][0].startswith("/id/doc/")  # our IRIs open our pages
    assert "did you mean SELECT?" in seen["syntax"]["pane"]  # the server's error, in the result pane
