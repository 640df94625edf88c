"""The first endpoint, against a real uvicorn server, with real clients (httpx, SPARQLWrapper)."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

STATES = "SELECT ?label WHERE { ?e a ckg:State ; rdfs:label ?label } ORDER BY ?label"
PREFIXED = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + STATES)


def test_get_select_json_has_real_results(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": STATES})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert "accept" in r.headers["vary"].lower()
    labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
    assert {"Armenia", "Azerbaijan", "Russia", "Turkey"} <= set(labels)


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
])
def test_select_formats_by_accept(server: str, accept: str, media: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": STATES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert "Azerbaijan" in r.text


def test_csv_parses_as_csv(server: str) -> None:
    r = httpx.post(server + "/sparql", data={"query": STATES}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["label"] and ["Azerbaijan"] in rows


def test_post_form_and_direct(server: str) -> None:
    form = httpx.post(server + "/sparql", data={"query": PREFIXED})
    direct = httpx.post(server + "/sparql", content=PREFIXED.encode(),
                        headers={"Content-Type": "application/sparql-query; charset=UTF-8"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                             ("*/*", ox.RdfFormat.TURTLE)])
def test_construct_as_rdf(server: str, accept: str, fmt: ox.RdfFormat) -> None:
    q = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a ckg:Settlement ; rdfs:label ?l }"
    r = httpx.get(server + "/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(fmt.media_type)
    labels = {t.object.value for t in ox.parse(r.content, format=fmt)}
    assert {"Stepanakert", "Ganja"} <= labels


def test_ask(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": "ASK { ?d a ckg:Document }"})
    assert r.json()["boolean"] is True


def test_errors_are_clear(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400 and "syntax error" in r.text.lower() and "Traceback" not in r.text
    r = httpx.get(server + "/sparql", params={"query": STATES}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    r = httpx.post(server + "/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert r.status_code == 403
    r = httpx.post(server + "/sparql", content=b"INSERT DATA { <a:b> <a:c> <a:d> }",
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    r = httpx.post(server + "/sparql", content=b"x", headers={"Content-Type": "image/png"})
    assert r.status_code == 415
    count = httpx.get(server + "/sparql", params={"query": "ASK { <a:b> <a:c> <a:d> }"}).json()
    assert count["boolean"] is False


def test_sparqlwrapper_json_xml_csv_turtle(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(PREFIXED)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert "Armenia" in {b["label"]["value"] for b in result["results"]["bindings"]}  # type: ignore[index]
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert "Armenia" in xml.toxml()  # type: ignore[union-attr]
    client.setReturnFormat(CSV)
    assert b"Armenia" in client.query().convert()  # type: ignore[operator]
    client.setQuery("CONSTRUCT { ?e a ckg:State } WHERE { ?e a ckg:State }")
    client.setReturnFormat(TURTLE)
    assert b"ckg:State" in client.query().convert() or b"ontology#State" in client.query().convert()  # type: ignore[operator]


def test_service_description_without_query(server: str) -> None:
    r = httpx.get(server + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    objects = {t.object.value for t in triples}
    assert "http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph" in objects
    html = httpx.get(server + "/sparql", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'id="yasgui"' in html.text and "/static/vendor/yasgui.min.js" in html.text


def test_landing_page_counts_and_examples(server: str) -> None:
    r = httpx.get(server + "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<th>Documents</th><td>5</td>" in r.text
    assert "Example queries" in r.text
    assert r.text.index('class="ledger"') < r.text.index("What is in the store")  # the claims ledger first
    # every example query on the page runs
    from api.sparql import examples

    for _, query in examples("https://w3id.org/conflict-kg/id/"):
        res = httpx.get(server + "/sparql", params={"query": query})
        assert res.status_code == 200, query
        assert json.loads(res.text)["results"]["bindings"], query


def test_cors(server: str) -> None:
    r = httpx.options(server + "/sparql", headers={"Origin": "https://yasgui.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] in ("*", "https://yasgui.example")
    # and on the real answers, which a browser on another origin may only read with the header
    origin = {"Origin": "https://yasgui.example"}
    answers = [httpx.get(server + "/sparql", params={"query": "ASK {}"}, headers=origin),
               httpx.post(server + "/sparql", data={"query": "ASK {}"}, headers=origin),
               httpx.post(server + "/sparql", content=b"ASK {}",
                          headers={**origin, "Content-Type": "application/sparql-query"})]
    for answer in answers:
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert answer.headers["access-control-allow-origin"] in ("*", "https://yasgui.example")
        assert "Content-Type" in answer.headers["access-control-expose-headers"]


def test_request_ids(server: str) -> None:
    r = httpx.get(server + "/sparql", params={"query": "ASK {}"}, headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = httpx.get(server + "/sparql", params={"query": "ASK {}"}, headers={"X-Request-ID": "bad id <script>"})
    assert r.headers["x-request-id"] != "bad id <script>" and len(r.headers["x-request-id"]) == 16


def test_security_headers_on_pages(server: str) -> None:
    r = httpx.get(server + "/id/entity/armenia", headers={"Accept": "text/html"})
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
