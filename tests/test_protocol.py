"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint (our own runner).

Cases follow w3c/rdf-tests ``sparql/sparql11/protocol/manifest.ttl``; the dataset tests there
load remote RDF files into the request's dataset, which a store-backed endpoint does not do,
so they are run here with the store's own named graphs instead. Skipped, with reasons, in
``docs/protocol-tests.md``: every ``update_*`` and ``bad_update_*`` test (the endpoint is
read-only: updates get 403) and the remote-data loading of the dataset tests.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

G_ENT = "https://w3id.org/conflict-kg/id/graph/entities"
G_ONT = "https://w3id.org/conflict-kg/id/graph/ontology"
G_DOC = "https://w3id.org/conflict-kg/id/graph/doc/000_8e1aa165a3142573"
ASK_STATE = "ASK { ?s a <https://w3id.org/conflict-kg/ontology#State> }"
ASK_CLASS = "ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }"
BOTH = ("ASK { ?s a <https://w3id.org/conflict-kg/ontology#State> . "
        "?c a <http://www.w3.org/2002/07/owl#Class> }")
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig", "application/n-quads")


def _ask(r: httpx.Response) -> bool:
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


def test_query_get(server: str) -> None:
    assert _ask(httpx.get(server + "/sparql", params={"query": ASK_STATE}))


def test_query_post_form(server: str) -> None:
    assert _ask(httpx.post(server + "/sparql", data={"query": ASK_STATE}))


def test_query_post_direct(server: str) -> None:
    assert _ask(httpx.post(server + "/sparql", content=ASK_STATE,
                           headers={"Content-Type": "application/sparql-query"}))


def test_query_dataset_default_graph(server: str) -> None:
    assert _ask(httpx.get(server + "/sparql", params={"query": ASK_STATE, "default-graph-uri": G_ENT}))
    assert not _ask(httpx.get(server + "/sparql", params={"query": ASK_STATE, "default-graph-uri": G_ONT}))


def test_query_dataset_default_graphs_get(server: str) -> None:
    params = [("query", BOTH), ("default-graph-uri", G_ENT),
              ("default-graph-uri", G_ONT)]
    assert _ask(httpx.get(server + "/sparql", params=params))


def test_query_dataset_default_graphs_post(server: str) -> None:
    data = [("query", BOTH), ("default-graph-uri", G_ENT),
            ("default-graph-uri", G_ONT)]
    body = httpx.QueryParams(data)
    assert _ask(httpx.post(server + "/sparql", content=str(body),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}))


@pytest.mark.parametrize("method", ["get", "post"])
def test_query_dataset_named_graphs(server: str, method: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = [("query", query), ("named-graph-uri", G_ENT), ("named-graph-uri", G_DOC)]
    if method == "get":
        r = httpx.get(server + "/sparql", params=params)
    else:
        r = httpx.post(server + "/sparql", content=str(httpx.QueryParams(params)),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == sorted([G_DOC, G_ENT])


def test_query_dataset_full(server: str) -> None:
    query = (f"ASK {{ ?c a <http://www.w3.org/2002/07/owl#Class> . GRAPH <{G_ENT}> "
             "{ ?s a <https://w3id.org/conflict-kg/ontology#State> } }")
    params = [("query", query), ("default-graph-uri", G_ONT), ("named-graph-uri", G_ENT)]
    assert _ask(httpx.get(server + "/sparql", params=params))


def test_query_multiple_dataset(server: str) -> None:
    # the protocol's dataset wins over the query's FROM
    query = f"ASK FROM <{G_ONT}> {ASK_STATE[4:]}"
    assert _ask(httpx.get(server + "/sparql", params={"query": query, "default-graph-uri": G_ENT}))


@pytest.mark.parametrize("accept", RESULT_TYPES)
def test_query_content_type_select(server: str, accept: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3"},
                  headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept


@pytest.mark.parametrize("accept", RESULT_TYPES[:2])
def test_query_content_type_ask(server: str, accept: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": ASK_STATE}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept


@pytest.mark.parametrize("accept", RDF_TYPES)
@pytest.mark.parametrize("query", ["DESCRIBE <https://w3id.org/conflict-kg/id/entity/ganja>",
                                   "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5"])
def test_query_content_type_describe_construct(server: str, accept: str, query: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
    fmt = ox.RdfFormat.from_media_type(accept)
    assert fmt is not None and list(ox.parse(r.content, format=fmt))


def test_bad_query_method(server: str) -> None:
    assert 400 <= httpx.put(server + "/sparql", params={"query": ASK_STATE}).status_code < 500


def test_bad_multiple_queries(server: str) -> None:
    r = httpx.get(server + "/sparql", params=[("query", ASK_STATE), ("query", ASK_CLASS)])
    assert r.status_code == 400


def test_bad_query_wrong_media_type(server: str) -> None:
    r = httpx.post(server + "/sparql", content=ASK_STATE, headers={"Content-Type": "text/plain"})
    assert 400 <= r.status_code < 500


def test_bad_query_missing_form_type(server: str) -> None:
    r = httpx.post(server + "/sparql", content="query=" + ASK_STATE, headers={"Content-Type": ""})
    assert 400 <= r.status_code < 500


def test_bad_query_missing_direct_type(server: str) -> None:
    r = httpx.post(server + "/sparql", content=ASK_STATE, headers={"Content-Type": ""})
    assert 400 <= r.status_code < 500


def test_bad_query_non_utf8(server: str) -> None:
    r = httpx.post(server + "/sparql", content=ASK_STATE.encode("utf-16"),
                   headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert 400 <= r.status_code < 500


def test_bad_query_syntax(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": "ASK { ?s ?p }"})
    assert r.status_code == 400 and "1:" in r.text  # line and column of the error


def test_unknown_parameters_are_ignored(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": ASK_STATE, "format": "json", "output": "json",
                                              "results": "json"})
    assert _ask(r)
