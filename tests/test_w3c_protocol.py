"""The W3C SPARQL 1.1 Protocol manifest, run literally against a real server.

``tests/data/w3c-protocol/`` is w3c/rdf-tests ``sparql/sparql11/protocol/`` as it is (manifest
and dataset files, commit ad541a5; W3C test suite licence). Every request is sent as the
manifest writes it (method, headers, body in its character encoding; ``/sparql/`` becomes our
``/sparql``) and every response is checked against ``mf:expectedStatus``, ``mf:expectedFormat``
and ``mf:expectedBoolean``. The dataset files (``ut:graphData``) are served by a local HTTP
server and loaded with SPARQL ``LOAD … INTO GRAPH <label>`` into the store before the endpoint
starts, so the dataset tests' queries run unchanged against the graph names they use.

The pass/fail table is compared with ``docs/protocol-tests.md``, which cannot go stale.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from tests.conftest import ROOT, start_server, stop_server

DATA = ROOT / "tests" / "data" / "w3c-protocol"
DOC = ROOT / "docs" / "protocol-tests.md"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
RESULTS = ("application/sparql-results+json", "application/sparql-results+xml", "application/json",
           "application/xml", "text/xml", "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "text/plain",
             "application/trig", "application/n-quads")
READ_ONLY = "the endpoint is read-only by design (docs/SECURITY.md): updates are answered 403"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2", "3", "4"…
    format: str | None
    boolean: bool | None


@dataclass
class Case:
    name: str
    title: str
    requests: list[Request]
    graphs: list[tuple[str, str]]  # (file, graph name)


def load_manifest() -> list[Case]:
    g = rdflib.Graph().parse(DATA / "manifest.ttl", format="turtle", publicID=DATA.as_uri() + "/manifest.ttl")
    manifest = next(g.subjects(rdflib.RDF.type, MF.Manifest))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        requests = []
        action = g.value(test, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            if (b := g.value(req, HT.body)) is not None:
                encoding = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(encoding.lower())
            resp = g.value(req, HT.resp)
            statuses = {str(s)[len(HTS):][0] for s in g.objects(resp, MF.expectedStatus)}
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            requests.append(Request(str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)), headers,
                                    body, statuses, str(fmt) if fmt is not None else None,
                                    boolean.toPython() if boolean is not None else None))
        graphs = [(Path(unquote(str(g.value(d, UT.graph)))).name, str(g.value(d, rdflib.RDFS.label)))
                  for d in g.objects(test, UT.graphData)]
        cases.append(Case(str(test).rsplit("#", 1)[-1], str(g.value(test, MF.name)), requests, graphs))
    return cases


CASES = load_manifest()


@pytest.fixture(scope="module")
def w3c_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the seeds store plus the manifest's dataset graphs, loaded from a local HTTP server."""
    store = tmp_path_factory.mktemp("w3c") / "store"
    shutil.copytree(seeds_store, store)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DATA))
    files = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=files.serve_forever, daemon=True).start()
    try:
        handle = ox.Store(str(store))
        for file, graph in sorted({pair for case in CASES for pair in case.graphs}):
            handle.update(f"LOAD <http://127.0.0.1:{files.server_address[1]}/{file}> INTO GRAPH <{graph}>")
        handle.flush()
        del handle
    finally:
        files.shutdown()
    proc, base = start_server(store)
    yield base
    stop_server(proc)


def check(base: str, req: Request) -> str | None:
    """Why the response fails the manifest's expectations, or None."""
    path = req.path.replace("/sparql/", "/sparql", 1)
    r = httpx.request(req.method, base + path, headers=req.headers, content=req.body, timeout=30)
    if str(r.status_code)[0] not in req.statuses:
        return f"status {r.status_code}, expected {'/'.join(s + 'xx' for s in sorted(req.statuses))}: {r.text[:120]}"
    media = r.headers.get("content-type", "").split(";")[0].strip()
    if req.format == "tabular" and media not in RESULTS:
        return f"tabular results expected, got {media}"
    if req.format == "RDF" and media not in RDF_TYPES:
        return f"RDF expected, got {media}"
    if req.format == "boolean" or req.boolean is not None:
        if media in ("application/sparql-results+json", "application/json"):
            value = json.loads(r.text).get("boolean")
        elif media in ("application/sparql-results+xml", "application/xml", "text/xml"):
            value = {"<boolean>true</boolean>": True, "<boolean>false</boolean>": False}.get(
                next((t for t in ("<boolean>true</boolean>", "<boolean>false</boolean>") if t in r.text), ""))
        else:
            return f"a boolean result expected, got {media}"
        if req.boolean is not None and value is not req.boolean:
            return f"boolean {value}, expected {req.boolean}"
    return None


def run_case(base: str, case: Case) -> str | None:
    for req in case.requests:
        problem = check(base, req)
        if problem is not None:
            return problem
    return None


def table(results: dict[str, str | None]) -> str:
    rows = []
    for case in CASES:
        problem = results[case.name]
        if problem is None:
            verdict, note = "pass", ""
        elif case.name.startswith("update_"):
            verdict, note = "fail (by design)", READ_ONLY
        else:
            verdict, note = "fail", problem
        rows.append(f"| `{case.name}` | {case.title} | {verdict} | {note} |")
    return "\n".join(["| W3C test | what it checks | result | note |", "| --- | --- | --- | --- |", *rows])


def test_the_w3c_protocol_manifest_as_written(w3c_server: str) -> None:
    results = {case.name: run_case(w3c_server, case) for case in CASES}
    failing = {name: p for name, p in results.items() if p is not None and not name.startswith("update_")}
    assert failing == {}  # every query test and every bad_* test passes as written
    assert len(CASES) == 34 and sum(p is None for p in results.values()) >= 27
    generated = table(results)
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    (ROOT / "tests" / "artifacts" / "protocol-tests-table.md").write_text(generated + "\n", encoding="utf-8")
    assert generated in DOC.read_text(encoding="utf-8"), "docs/protocol-tests.md is stale: see tests/artifacts/"
