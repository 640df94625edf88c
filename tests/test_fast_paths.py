"""The endpoint's fast paths keep their promises: SELECT results serialized by the engine hold
exactly the row cap (the cap is a LIMIT added to the query), say the same as rows serialized in
Python, the query pool stays small under a steady load of quick queries, and the caches of pages
and /search are dropped when a document is written."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.querypool import Job, _answer
from kg.ids import Iris
from kg.sparqltext import limit_select
from kg.store import KGStore
from tests.conftest import TOKEN, start_server, stop_server
from tests.test_querypool import workers

CAP = 1000
FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
           "tsv": "text/tab-separated-values"}


def _values(n: int) -> str:
    return "SELECT ?x WHERE { VALUES ?x { " + " ".join(str(i) for i in range(n)) + " } }"


def _rows(body: bytes, fmt: str) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return len(ET.fromstring(body).findall("{http://www.w3.org/2005/sparql-results#}results/"
                                               "{http://www.w3.org/2005/sparql-results#}result"))
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1
    return body.decode().count("\n") - 1


@pytest.fixture(scope="module")
def capped_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    store = tmp_path_factory.mktemp("capped") / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store, {"CKG_RESULT_LIMIT": str(CAP), "CKG_QUERY_WORKERS": "12",
                                      "CKG_QUERY_WARM_WORKERS": "2", "CKG_QUERY_ACTIVE_WORKERS": "2"})
    yield base, proc.pid
    stop_server(proc)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(("query", "status", "rows"), [
    (_values(CAP), 200, CAP),  # exactly the cap, no LIMIT in the query
    (_values(CAP + 1), 413, None),  # one more
    (_values(CAP + 1) + " LIMIT 5000", 413, None),  # a LIMIT above the cap
    (_values(CAP + 1) + " LIMIT 1000", 200, CAP),  # a LIMIT at the cap
    (_values(CAP + 50) + " ORDER BY DESC(?x) OFFSET 50", 200, CAP),  # OFFSET after ORDER BY: exactly the cap
    (_values(CAP + 50) + " ORDER BY DESC(?x) OFFSET 49", 413, None),
    ("SELECT * WHERE { { " + _values(CAP + 1) + " LIMIT 3 } }", 200, 3),  # a LIMIT in a subquery
])
def test_the_row_cap_is_exact(capped_server: tuple[str, int], fmt: str, query: str, status: int,
                              rows: int | None) -> None:
    base, _ = capped_server
    r = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": FORMATS[fmt]}, timeout=60)
    assert r.status_code == status, r.text[:300]
    if rows is not None:
        assert _rows(r.content, fmt) == rows
    else:
        assert f"more than {CAP} rows" in r.text


QUERIES = [
    "SELECT ?e ?label WHERE { ?e a ckg:State ; rdfs:label ?label } ORDER BY ?label",
    "SELECT ?m ?text ?begin WHERE { ?m nif:anchorOf ?text ; nif:beginIndex ?begin } ORDER BY ?m LIMIT 300",
    "SELECT ?who (COUNT(?s) AS ?n) WHERE { ?s a ckg:Statement ; ckg:speaker ?who } "
    "GROUP BY ?who ORDER BY DESC(?n) ?who",
    "SELECT ?doc ?title ?date WHERE { ?doc a ckg:Document OPTIONAL { ?doc dcterms:title ?title } "
    "OPTIONAL { ?doc dcterms:date ?date } } ORDER BY ?doc",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isBlank(?s) || lang(?o) != '') } ORDER BY ?s ?p ?o LIMIT 200",
    "SELECT ?x WHERE { ?x ?y ?z } VALUES ?z { ckg:State }",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_engine_results_say_what_python_rows_said(seeds_store: Path, tmp_path: Path, query: str, fmt: str) -> None:
    """The same query answered both ways, in a worker's own code (``_answer``) on the store."""
    assert limit_select(query, 100_000) is not None  # the fast path is taken
    copy = tmp_path / "store"
    shutil.copytree(seeds_store, copy)
    store = KGStore(copy, iris=Iris(), read_only=True)
    job = Job(generation=1, snapshot=str(copy), base_iri=store.iris.base, query=query, limit=100_000, timeout=60,
              results_format=fmt)
    engine = _answer(store, job, lambda: None)
    python = _answer(store, dataclasses.replace(job, engine=False), lambda: None)
    assert engine.kind == python.kind == "rows"
    assert engine.body is not None and python.body is not None
    assert _parsed(engine.body, fmt) == _parsed(python.body, fmt)


def _parsed(body: bytes, fmt: str) -> object:
    """What the results say (the order of the rows included), whatever the bytes' layout."""
    if fmt == "json":
        data = json.loads(body)
        return data["head"]["vars"], data["results"]["bindings"]
    if fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(body)
        return ([v.get("name") for v in root.iter(ns + "variable")],
                [sorted((b.get("name"), b[0].tag, b[0].text, tuple(sorted(b[0].attrib.items())))
                        for b in result) for result in root.iter(ns + "result")])
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode(), newline="")))
    # TSV: a literal may be written in full ("1"^^xsd:integer) or short (1): compare the terms' meaning
    lines = body.decode().split("\n")
    return [[_tsv_term(cell) for cell in line.split("\t")] for line in lines]


def _tsv_term(cell: str) -> str:
    integer = re.fullmatch(r'"(-?\d+)"\^\^<http://www.w3.org/2001/XMLSchema#integer>', cell)
    return integer.group(1) if integer else cell


def test_quick_queries_from_many_clients_keep_the_pool_small(capped_server: tuple[str, int]) -> None:
    base, pid = capped_server
    seen: list[int] = []
    failures: list[str] = []

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            for _ in range(15):
                r = http.get(base + "/sparql", params={"query": "ASK { ?s a ckg:State }"})
                if r.status_code != 200:
                    failures.append(r.text)
                seen.append(len(workers(pid)))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert max(seen) <= 3, seen  # 2 evaluate at once (CKG_QUERY_ACTIVE_WORKERS), not one per client


def _documents_count(html: str) -> int:
    m = re.search(r"<th>Documents</th><td>(\d+)</td>", html)
    assert m, html[:500]
    return int(m.group(1))


def test_cached_pages_change_when_a_document_is_written(writable_server: tuple[str, Path]) -> None:
    base, _ = writable_server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    html = {"Accept": "text/html"}
    before = _documents_count(httpx.get(base + "/", headers=html, timeout=60).text)
    first = httpx.get(base + "/id/entity/stepanakert", headers={"Accept": "application/ld+json"}, timeout=60)
    assert first.status_code == 200
    assert _documents_count(httpx.get(base + "/", headers=html, timeout=60).text) == before  # from the cache
    search = httpx.get(base + "/search", params={"q": "Zorvanik"}, headers={"Accept": "application/json"}, timeout=60)
    assert search.status_code == 200 and search.json()["results"] == []
    text = ("date 2020-10-07\nArmenia said Azerbaijan shelled Stepanakert on Monday, and the defence ministry of "
            "Azerbaijan denied it.")
    r = httpx.post(base + "/documents", params={"id": "cache-write-test"}, content=text.encode(),
                   headers={**auth, "Content-Type": "text/plain"}, timeout=300)
    assert r.status_code == 201, r.text
    try:
        assert _documents_count(httpx.get(base + "/", headers=html, timeout=60).text) == before + 1
        page = httpx.get(base + "/id/entity/stepanakert", headers={"Accept": "application/ld+json"}, timeout=60)
        assert page.status_code == 200 and page.text != first.text  # the new mention links to it
    finally:
        assert httpx.delete(base + "/documents/cache-write-test", headers=auth, timeout=60).status_code == 200
    assert _documents_count(httpx.get(base + "/", headers=html, timeout=60).text) == before
    again = httpx.get(base + "/id/entity/stepanakert", headers={"Accept": "application/ld+json"}, timeout=60)
    assert again.status_code == 200 and again.text == first.text
