"""Linked Data, search, dumps, VoID, canned queries and writes against a real uvicorn server."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from tests.conftest import TOKEN, run_kg

BASE = "https://w3id.org/conflict-kg/id/"


def _entities(server: str) -> list[str]:
    r = httpx.get(server + "/sparql", params={"query": "SELECT DISTINCT ?e WHERE { ?m ckg:refersTo ?e }"})
    return sorted(b["e"]["value"] for b in r.json()["results"]["bindings"])


def test_every_entity_page_answers_in_four_formats(server: str) -> None:
    entities = _entities(server)
    assert len(entities) > 50
    with httpx.Client(base_url=server, timeout=30) as client:
        for iri in entities:
            path = "/id/" + iri.removeprefix(BASE)
            html = client.get(path, headers={"Accept": "text/html"})
            assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), path
            assert "Accept" in html.headers["vary"]
            js = client.get(path, headers={"Accept": "application/json"})
            assert js.status_code == 200 and js.json()["@id"] == iri
            ld = client.get(path, headers={"Accept": "application/ld+json"})
            assert ld.status_code == 200 and any(t.subject.value == iri for t in
                                                 ox.parse(ld.content, format=ox.RdfFormat.JSON_LD))
            ttl = client.get(path, headers={"Accept": "text/turtle"})
            assert ttl.status_code == 200 and any(t.subject.value == iri for t in
                                                  ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))


def test_entity_page_shows_facts_with_their_sentences(server: str) -> None:
    page = httpx.get(server + "/id/entity/stepanakert", headers={"Accept": "text/html"}).text
    assert "Khankendi" in page                       # an alias
    assert 'class="minimap"' in page and "39.8177" in page  # the mini-map (drawn by map.js) and the point
    assert "<blockquote>" in page and "/id/doc/" in page  # a supporting sentence linking to its document
    person = httpx.get(server + "/id/entity/nikol-pashinyan", headers={"Accept": "text/html"}).text
    assert "https://www.wikidata.org/wiki/Q7035479" in person
    assert "Statements by Nikol Pashinyan" in person and "decisive moment" in person


def test_document_page_highlights_mentions_and_escapes_text(server: str) -> None:
    page = httpx.get(server + "/id/doc/000_8e1aa165a3142573", headers={"Accept": "text/html"}).text
    assert '<a class="mention" href="/id/entity/stepanakert"' in page
    assert "<mark>Shushan Stepanyan</mark>" in page


def test_unknown_and_unacceptable(server: str) -> None:
    assert httpx.get(server + "/id/entity/no-such-thing").status_code == 404
    r = httpx.get(server + "/id/entity/armenia", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "Accept" in r.headers["vary"]


@pytest.mark.parametrize(("q", "expected"), [("pashin", "nikol-pashinyan"), ("FIZ", "fuzuli"),
                                             ("kh", "stepanakert"), ("Erdog", None), ("terter", "tartar")])
def test_search_by_any_label_prefix(server: str, q: str, expected: str | None) -> None:
    """``expected`` None: Erdoğan is a curated entity that no seed article mentions, and search
    finds only entities the corpus mentions."""
    r = httpx.get(server + "/search", params={"q": q})
    assert r.status_code == 200
    pages = [h["page"] for h in r.json()["results"]]
    if expected:
        assert f"/id/entity/{expected}" in pages
    else:
        assert pages == []
    html = httpx.get(server + "/search", params={"q": q}, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    links = re.findall(r'<li><a href="([^"]+)">', html.text)
    assert links == pages  # the page lists the same entities, in the same order
    if not expected:
        assert "<li>No entity.</li>" in html.text


def test_search_is_accent_insensitive(server: str) -> None:
    # "Xankəndi" is an alias of Stepanakert; the query has no accents
    r = httpx.get(server + "/search", params={"q": "xankandi"})
    assert "/id/entity/stepanakert" not in [h["page"] for h in r.json()["results"]]  # ə is a letter, not an accent
    r = httpx.get(server + "/search", params={"q": "suqovusan"})
    assert "/id/entity/madagiz" in [h["page"] for h in r.json()["results"]]


@pytest.mark.parametrize(("path", "fmt", "rdflib_format"), [("/dump.ttl", "ttl", "turtle"),
                                                            ("/dump.trig", "trig", "trig"),
                                                            ("/dump.nq", "nq", "nquads")])
def test_dumps_equal_kg_dump_and_parse(server: str, seeds_store: Path, tmp_path: Path, path: str, fmt: str,
                                       rdflib_format: str) -> None:
    r = httpx.get(server + path)
    assert r.status_code == 200 and r.headers["etag"]
    expected = run_kg("dump", "--format", fmt, store=seeds_store).stdout.encode()
    assert r.content == expected
    graph = rdflib.Dataset() if fmt != "ttl" else rdflib.Graph()
    graph.parse(data=r.content, format=rdflib_format)
    assert len(graph) > 0 or sum(1 for _ in graph.quads()) > 0  # type: ignore[union-attr]
    again = httpx.get(server + path, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_dumps_parse_with_rapper_too(server: str, tmp_path: Path) -> None:
    body = httpx.get(server + "/dump.nq").content
    path = tmp_path / "dump.nq"
    path.write_bytes(body)
    proc = subprocess.run(["rapper", "-i", "nquads", "-c", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="nquads")
    rdflib_count = sum(1 for _ in dataset.quads((None, None, None, None)))
    assert rdflib_count == len(body.splitlines())
    assert f"returned {rdflib_count} statements" in proc.stderr or f"returned {rdflib_count} triples" in proc.stderr, \
        proc.stderr


def test_void_from_the_live_store(server: str) -> None:
    r = httpx.get(server + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    predicates = {t.predicate.value for t in triples}
    assert "http://rdfs.org/ns/void#sparqlEndpoint" in predicates
    assert "http://rdfs.org/ns/void#dataDump" in predicates
    # GeoNames (CC BY 4.0) is credited as a source, with its licence
    by = {(t.subject.value, t.predicate.value): t.object.value for t in triples}
    assert by[("https://www.geonames.org/", "http://purl.org/dc/terms/license")] == \
        "https://creativecommons.org/licenses/by/4.0/"


def test_ontology_served_as_turtle_and_html(server: str) -> None:
    ttl = httpx.get(server + "/ontology", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200
    terms = {t.subject.value for t in ox.parse(ttl.content, format=ox.RdfFormat.TURTLE)}
    assert "https://w3id.org/conflict-kg/ontology#Shelling" in terms
    html = httpx.get(server + "/ontology", headers={"Accept": "text/html"})
    assert "ckg:Shelling" in html.text and "194" in html.text
    assert 'class="diagram"' in html.text and html.text.count("<rect") > 20  # the class diagram
    assert html.text.count("<path") > 20  # with its subclass edges


def test_canned_queries_listed_and_run(server: str) -> None:
    listing = httpx.get(server + "/queries").json()["queries"]
    names = {q["name"] for q in listing}
    assert {"timeline", "statements-by", "statements-about", "events-at", "casualties", "mediation",
            "accusations", "evidence"} <= names
    openapi = httpx.get(server + "/openapi.json").json()
    assert "/queries/timeline" in openapi["paths"]
    params = {p["name"] for p in openapi["paths"]["/queries/timeline"]["get"]["parameters"]}
    assert {"actor", "place", "type", "from", "to"} <= params
    by = httpx.get(server + "/queries/statements-by", params={"actor": "ilham-aliyev"}).json()
    assert by["rows"] and all(r["statement"].startswith(BASE + "statement/") for r in by["rows"])
    timeline = httpx.get(server + "/queries/timeline",
                         params={"type": "Attack", "from": "2020-10-01", "to": "2020-10-31"}).json()["rows"]
    assert timeline and all("2020-10-01" <= r["date"] <= "2020-10-31" for r in timeline)
    claims = httpx.get(server + "/queries/casualties", params={"side": "armenia"}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(claims.text)))
    assert rows and all(r["sideLabel"] == "Armenia" for r in rows)


@pytest.mark.parametrize(("params", "status"), [({"actor": "x y"}, 400), ({"from": "soon"}, 400),
                                                ({"type": "shelling; DROP"}, 400)])
def test_canned_query_parameters_are_checked(server: str, params: dict[str, str], status: int) -> None:
    r = httpx.get(server + "/queries/timeline", params=params)
    assert r.status_code == status and "Traceback" not in r.text


def test_writes_need_the_token(writable_server: tuple[str, Path]) -> None:
    base, _ = writable_server
    body = "date 2020-10-20\nArtillery shelled Barda on Monday, Azerbaijan's defence ministry said."
    assert httpx.post(base + "/documents", params={"id": "w1"}, content=body).status_code == 401
    assert httpx.post(base + "/documents", params={"id": "w1"}, content=body,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
    before = httpx.get(base + "/queries/events-at", params={"place": "barda"}).json()["rows"]  # now cached
    r = httpx.post(base + "/documents", params={"id": "w1"}, content=body, headers=auth, timeout=120)
    assert r.status_code == 201, r.text
    after = httpx.get(base + "/queries/events-at", params={"place": "barda"}).json()["rows"]
    assert len(after) > len(before)  # a write invalidates cached query results
    assert r.json()["added"] == ["w1"]
    again = httpx.post(base + "/documents", params={"id": "w1"}, content=body, headers=auth, timeout=60)
    assert again.status_code == 200 and again.json()["unchanged"] == ["w1"]
    page = httpx.get(base + "/id/doc/w1", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<mark>Barda</mark>" in page.text
    bad = httpx.post(base + "/documents", json={"id": "w2"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 422 and "text" in bad.json()["error"]
    assert httpx.delete(base + "/documents/w1", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert httpx.get(base + "/id/doc/w1").status_code == 404
    assert httpx.delete(base + "/documents/w1", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    # structured logs: one JSON line per request with its id; the token never appears
    log = "".join(p.read_text() for p in writable_server[1].parent.glob("server-*.log"))
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(entry.get("path") == "/documents" and entry.get("status") == 201 and entry.get("request_id")
               for entry in lines)
    assert TOKEN not in log


def test_writes_disabled_without_a_configured_token(server: str) -> None:
    r = httpx.post(server + "/documents", params={"id": "x"}, content="Text.",
                   headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and "disabled" in r.json()["error"]


def test_article_html_is_escaped(writable_server: tuple[str, Path]) -> None:
    base, _ = writable_server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"id": "evil", "text": "Ganja was shelled. <script>alert('x')</script> said Azerbaijan.",
            "date": "2020-10-12"}
    assert httpx.post(base + "/documents", json=body, headers=auth, timeout=120).status_code == 201
    page = httpx.get(base + "/id/doc/evil", headers={"Accept": "text/html"}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_timeline_filters_and_links_to_evidence(server: str) -> None:
    all_items = httpx.get(server + "/timeline").text
    shelling = httpx.get(server + "/timeline", params={"type": "Shelling", "place": "stepanakert"}).text
    assert 0 < shelling.count('<tr id="ev-') < all_items.count('<tr id="ev-')
    assert "2020-10-02" in shelling and "/id/doc/" in shelling and "Armed clash at" not in shelling
    by_claimant = httpx.get(server + "/timeline", params={"claimant": "ministry-of-defence-of-azerbaijan"}).text
    assert "Ministry of Defence of Azerbaijan" in by_claimant
    assert httpx.get(server + "/timeline", params={"from": "x", "type": "no such"}).status_code == 400


def test_map_draws_markers_from_coordinates(server: str) -> None:
    page = httpx.get(server + "/map").text
    assert page.count('"lat":') > 5 and "Stepanakert" in page  # places with coordinates, for map.js
    assert 'src="http' not in page and 'href="http' not in page  # nothing loaded from elsewhere
    only = httpx.get(server + "/map", params={"type": "MissileStrike"}).text
    assert 0 < only.count('"lat":') < page.count('"lat":')
