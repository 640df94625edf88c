"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

GET (and HEAD) with ``query=``, POST as a form or as ``application/sparql-query``. The
dataset is ``default-graph-uri`` / ``named-graph-uri`` when given, else the query's ``FROM`` /
``FROM NAMED``, else the union of all graphs as the default graph; relative IRIs resolve
against this endpoint's URL (:mod:`kg.query`). A query nested too deeply to parse safely is
refused (400) before any engine sees it. Results are negotiated from ``Accept``, or from
``?format=`` (json, xml, csv, tsv, ttl, nt…) for those who cannot set it (406 when nothing fits).

With a local on-disk store the query runs in a worker process of :mod:`api.querypool`,
which is killed when the query runs past ``CKG_QUERY_TIMEOUT`` (503) and sends back the
serialized body. Otherwise (an in-memory or remote store, or ``CKG_QUERY_WORKERS=0``) it
runs in a worker thread, where its rows are also materialized (pyoxigraph iterators must be
consumed on their own thread), and the event loop only streams bytes; there a timed-out
query that sorts or groups cannot be stopped and runs to its end.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.conneg import choose
from api.deps import SettingsDep, StoreDep
from api.errors import APIError
from api.querypool import QueryPool
from api.render import render
from kg.query import QueryError, check_query, execute_query, serialize_graph
from kg.remote import RemoteStoreError
from kg.results import RESULT_MEDIA_TYPES, QueryTimeoutError, Rows, serialize_boolean, serialize_rows
from kg.sparqltext import uses_service
from kg.store import BaseStore
from kg.vocab import PREFIXES

__all__ = ["GRAPH_MEDIA_TYPES", "router"]

router = APIRouter(tags=["sparql"])

# Offered in this order: the first acceptable one wins ties, so */* gets JSON or Turtle.
RESULT_TYPES = [
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
]
GRAPH_MEDIA_TYPES = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("text/plain", ox.RdfFormat.N_TRIPLES),
    ("application/x-turtle", ox.RdfFormat.TURTLE),
]
_VARY = {"Vary": "Accept"}
# ?format= for those who cannot set Accept (links, browsers): it replaces the Accept header
FORMAT_PARAMETER = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples", "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json", "trig": "application/trig",
    "nq": "application/n-quads", "html": "text/html",
}


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    update: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    format: str | None = None  # the ?format= parameter, as a media type


async def _read_request(request: Request, max_bytes: int) -> SparqlRequest:
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise APIError(413, f"request body larger than {max_bytes} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise APIError(413, f"request body larger than {max_bytes} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise APIError(400, "request body is not UTF-8") from exc
        if content_type == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [text]
        elif content_type == "application/sparql-update":
            params["update"] = [text]
        else:
            raise APIError(415, "POST a form (application/x-www-form-urlencoded) or a query "
                                "(application/sparql-query)")
    queries = params.get("query", [])
    updates = params.get("update", [])
    if len(queries) > 1:
        raise APIError(400, "more than one query parameter")
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > max_bytes:
        raise APIError(413, f"query longer than {max_bytes} bytes")
    formats = params.get("format", [])
    # a name we do not know is ignored, not refused: clients such as SPARQLWrapper send format=n3 and the like
    # along with an Accept header that says the same
    media = None
    if formats:
        media = FORMAT_PARAMETER.get(formats[0].strip().lower()) or (formats[0] if "/" in formats[0] else None)
    return SparqlRequest(query=query, update=updates[0] if updates else None,
                         default_graphs=params.get("default-graph-uri", []),
                         named_graphs=params.get("named-graph-uri", []), format=media)


def _execute(store: BaseStore, req: SparqlRequest, limit: int, timeout: float, base_iri: str) -> tuple[str, object]:
    """In-thread execution (no query pool): run the query and materialize its result on this
    (worker) thread, within ``timeout`` seconds where the evaluation streams."""
    assert req.query is not None
    try:
        # a remote store that fails or times out is not the query's fault: 502 / 503 (api.errors)
        return execute_query(store, req.query, req.default_graphs, req.named_graphs, limit, timeout,
                             base_iri=base_iri, store_errors=(RemoteStoreError, QueryTimeoutError))
    except QueryError as exc:
        raise APIError(exc.status, exc.message) from exc


@router.api_route("/sparql", methods=["GET", "POST"], summary="SPARQL 1.1 query endpoint",
                  response_class=Response)
async def sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Answer a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union graph."""
    req = await _read_request(request, settings.max_query_bytes)
    accept = req.format or request.headers.get("accept")
    if req.update is not None:
        raise APIError(403, "this endpoint is read-only: SPARQL updates are not accepted")
    if req.query is None:
        return _no_query(request, accept, store)
    if not req.query.strip():
        raise APIError(400, "empty query")
    try:
        check_query(req.query)  # before any engine parses it, in every mode: too deep a query kills the parser
    except QueryError as exc:
        raise APIError(exc.status, exc.message) from exc
    base_iri = endpoint_url(request)
    if not settings.allow_service and uses_service(req.query):
        raise APIError(400, "SERVICE (federated query) is disabled on this endpoint: it would make the server "
                            "fetch the URL you name; the operator can enable it with CKG_ALLOW_SERVICE=true")
    result_type = choose(accept, [t for t, _ in RESULT_TYPES])
    graph_type = choose(accept, [t for t, _ in GRAPH_MEDIA_TYPES])
    if result_type is None and graph_type is None:
        raise APIError(406, "no acceptable format: results are JSON, XML, CSV or TSV; graphs Turtle, "
                            "N-Triples, RDF/XML, JSON-LD, TriG or N-Quads", headers=_VARY)
    fmt_name = dict(RESULT_TYPES)[result_type] if result_type is not None else None
    graph_fmt = dict(GRAPH_MEDIA_TYPES)[graph_type] if graph_type is not None else None
    pool: QueryPool | None = getattr(request.app.state, "query_pool", None)
    kind: str
    value: object
    if pool is not None:  # a worker process, killed at the deadline
        answer = await pool.run(req.query, default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                                limit=settings.result_limit, timeout=settings.query_timeout,
                                results_format=fmt_name, graph_media_type=graph_fmt.media_type if graph_fmt else None,
                                base_iri=base_iri)
        if answer.kind == "error":
            raise APIError(answer.status, answer.message, headers=answer.headers or None)
        kind, value = answer.kind, answer.body
    else:  # a thread of this process: a timed-out query that sorts or groups runs to its end
        try:
            kind, value = await asyncio.wait_for(
                run_in_threadpool(_execute, store, req, settings.result_limit, settings.query_timeout, base_iri),
                timeout=settings.query_timeout + 1)
        except TimeoutError as exc:
            raise APIError(503, f"query timed out after {settings.query_timeout:g} s") from exc
    if kind == "graph":
        if graph_fmt is None:
            raise APIError(406, "a graph result needs an RDF format in Accept", headers=_VARY)
        if not isinstance(value, bytes):
            value = await run_in_threadpool(serialize_graph, value, graph_fmt)  # type: ignore[arg-type]
        return Response(value, media_type=graph_fmt.media_type, headers=_VARY)
    if result_type is None or fmt_name is None:
        raise APIError(406, "SELECT and ASK results need JSON, XML, CSV or TSV in Accept", headers=_VARY)
    media = RESULT_MEDIA_TYPES[fmt_name] if result_type not in ("application/json", "application/xml", "text/xml") \
        else result_type
    if fmt_name in ("csv", "tsv", "xml", "json"):
        media += "; charset=utf-8"
    if isinstance(value, bytes):  # serialized by the worker
        return Response(value, media_type=media, headers=_VARY)
    if kind == "boolean":
        return Response(serialize_boolean(bool(value), fmt_name), media_type=media, headers=_VARY)
    assert isinstance(value, Rows)
    return StreamingResponse(serialize_rows(value, fmt_name), media_type=media, headers=_VARY)


def endpoint_url(request: Request) -> str:
    """This endpoint's own URL: the base IRI of the queries sent to it."""
    return str(request.url.replace(query=None, fragment=None))


def _no_query(request: Request, accept: str | None, store: BaseStore) -> Response:
    """Without a query: the query page for browsers, the service description for machines."""
    wanted = choose(accept, ["text/html", *[t for t, _ in GRAPH_MEDIA_TYPES]])
    if wanted == "text/html":
        return HTMLResponse(editor_page(request, store), headers=_VARY)
    if wanted is None:
        raise APIError(406, "the service description is available as HTML or RDF", headers=_VARY)
    endpoint = endpoint_url(request)
    fmt = dict(GRAPH_MEDIA_TYPES)[wanted]
    federated = bool(getattr(getattr(request.app.state, "settings", None), "allow_service", False))
    return Response(serialize_graph(service_description(endpoint, store, federated=federated), fmt),
                    media_type=fmt.media_type,
                    headers=_VARY)


_VENDOR = Path(__file__).parent / "static" / "vendor"


def editor_page(request: Request, store: BaseStore) -> str:
    """The query editor: YASGUI (from our own static files) with every example and canned query as a tab."""
    from api.queries import QUERIES

    base = store.iris.base
    tabs = [*examples(base)]
    for q in QUERIES.values():
        if not any(p.required for p in q.params):
            tabs.append((q.title, q.text))
    prefixes = {**PREFIXES, "res": base}
    # the editor knows the predeclared prefixes (editor.js), so the tabs show the queries as written
    payload = json.dumps({"endpoint": endpoint_url(request), "base": base, "prefixes": prefixes,
                          "tabs": tabs}).replace("</", "<\\/")
    return render("sparql.html", request=request, examples=examples(base), editor_json=payload,
                  yasgui=(_VENDOR / "yasgui.min.js").is_file())


def service_description(endpoint: str, store: BaseStore, *, federated: bool = False) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint, from the live store."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.NamedNode(endpoint + "#service")
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(sd + local)

    triples = [
        ox.Triple(service, rdf_type, n("Service")),
        ox.Triple(service, n("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, n("supportedLanguage"), n("SPARQL11Query")),
        ox.Triple(service, n("feature"), n("UnionDefaultGraph")),
        ox.Triple(service, n("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n("Dataset")),
        ox.Triple(dataset, n("defaultGraph"), default),
        ox.Triple(default, rdf_type, n("Graph")),
    ]
    if federated:
        triples.append(ox.Triple(service, n("feature"), n("BasicFederatedQuery")))
    for media, _ in RESULT_TYPES[:1] + RESULT_TYPES[2:3] + RESULT_TYPES[5:] + GRAPH_MEDIA_TYPES[:6]:
        triples.append(ox.Triple(service, n("resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{_FORMAT_NAMES[media]}")))
    for i, graph in enumerate(store.graphs()):
        node = ox.NamedNode(f"{endpoint}#named-graph-{i}")
        triples += [ox.Triple(dataset, n("namedGraph"), node), ox.Triple(node, rdf_type, n("NamedGraph")),
                    ox.Triple(node, n("name"), ox.NamedNode(graph))]
    return sorted(set(triples), key=str)


_FORMAT_NAMES = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}

def examples(base: str) -> list[tuple[str, str]]:
    """Example queries shown on the landing and query pages (prefixes are predeclared)."""
    return [(title, query.replace("<res:", f"<{base}")) for title, query in _EXAMPLES]


_EXAMPLES = [
    ("Entities most often mentioned",
     "SELECT ?entity ?label (COUNT(DISTINCT ?m) AS ?mentions) WHERE {\n  ?m a ckg:Mention ; ckg:refersTo ?entity .\n"
     "  ?entity rdfs:label ?label .\n} GROUP BY ?entity ?label ORDER BY DESC(?mentions) LIMIT 20"),
    ("Documents and their dates",
     "SELECT ?doc ?id ?date ?title WHERE {\n  ?doc a ckg:Document ; dcterms:identifier ?id .\n"
     "  OPTIONAL { ?doc dcterms:date ?date } OPTIONAL { ?doc dcterms:title ?title }\n} ORDER BY ?date ?id"),
    ("Places with coordinates and Wikidata ids",
     "SELECT ?place ?label ?lat ?long ?wikidata WHERE {\n  ?place a ckg:Settlement ; rdfs:label ?label ;\n"
     "         geo:lat ?lat ; geo:long ?long .\n  OPTIONAL { ?place owl:sameAs ?wikidata }\n} ORDER BY ?label"),
    ("Where persons are mentioned, with the exact text",
     "SELECT ?person ?doc ?begin ?end ?text WHERE {\n  ?m ckg:refersTo ?e ; ckg:inDocument ?doc ;\n"
     "     nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?text .\n"
     "  ?e a ckg:Person ; rdfs:label ?person .\n} ORDER BY ?person ?doc ?begin LIMIT 100"),
    ("Provenance of each document graph",
     "SELECT ?graph ?time ?agent WHERE {\n  GRAPH <res:graph/provenance> {\n"
     "    ?graph a ckg:DocumentGraph ; prov:generatedAtTime ?time ; prov:wasGeneratedBy ?act .\n"
     "    ?act prov:wasAssociatedWith ?agent .\n  }\n} ORDER BY ?graph ?agent"),
]
