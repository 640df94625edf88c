"""Linked Data: every ``res:`` IRI dereferences at ``/id/...``, by content negotiation.

Browsers get an HTML page (entity pages with their events, statements, casualty claims and
the sentences that support each; document pages with the mentions highlighted; a property
table for anything else); machines get JSON, JSON-LD or Turtle (the resource's description,
as ``DESCRIBE`` gives it). Unknown IRIs are 404, unacceptable formats 406, and every
answer says ``Vary: Accept``. Also ``/search`` (entities by any label or alias) and
``/ontology`` (the T-box as Turtle or HTML).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.cache import SCANS, cached_response
from api.conneg import choose
from api.deps import StoreDep
from api.errors import APIError
from api.render import render
from kg.store import BaseStore, KGStore
from kg.vocab import CKG, GEO, OWL, PREFIXES, RDF, RDFS, SKOS, WD, XSD, dump_prefixes

__all__ = ["router"]

router = APIRouter(tags=["linked data"])

_VARY = {"Vary": "Accept"}
_FORMATS = ["text/html", "application/json", "application/ld+json", "text/turtle", "application/n-triples"]


def local_path(iri: str, base: str) -> str | None:
    """The path under which this server answers for ``iri`` (``/id/...``), or None."""
    return "/id/" + iri[len(base):] if iri.startswith(base) else None


@dataclass
class Row:
    """One fact on a page: a label, a link and the sentence that supports it."""

    kind: str
    text: str
    link: str | None = None
    date: str | None = None
    evidence: str | None = None
    document: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _term_label(store: BaseStore, term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        for row in _select(store, "SELECT ?l WHERE { ?x rdfs:label ?l } LIMIT 1", x=term):
            return str(row["l"].value)
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return term.value
    return str(getattr(term, "value", term))


def _select(store: BaseStore, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, Any]]:
    """Rows of a SELECT with some variables bound to terms.

    Bindings go in as a ``VALUES`` block of N-Triples-serialized terms (pyoxigraph escapes
    them and rejects invalid IRIs), not by formatting user text into the query; pyoxigraph's
    ``substitutions`` cannot be used here as it needs the variables in the projection.
    """
    if bindings:
        values = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in bindings.items())
        query = query.replace("WHERE {", "WHERE { " + values, 1)
    rows = []
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        rows.append({v.value: solution[v] for v in result.variables})
    return rows


def _v(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _exists(store: BaseStore, iri: str) -> bool:
    """Something is said about ``iri``, it is pointed at, or it names a graph of the store."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False  # not even an IRI: nothing of ours
    return (next(iter(store.quads_for_pattern(node, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, None, node)), None) is not None
            or store.has_graph(iri))


def _describe(store: BaseStore, iri: str) -> list[ox.Triple]:
    """What is said about ``iri`` (and, for a named graph of the store, its size)."""
    node = ox.NamedNode(iri)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(node, None, None)}
    return sorted(triples | set(_graph_description(store, iri)), key=str)


def _entity_page(store: BaseStore, iri: str) -> dict[str, Any]:
    node = ox.NamedNode(iri)
    base = store.iris.base
    facts = _select(store, """SELECT ?p ?o WHERE { ?s ?p ?o }""", s=node)
    labels = sorted({_v(f["o"]) for f in facts if _v(f["p"]) == RDFS.label} - {None})  # type: ignore[type-var]
    aliases = sorted({_v(f["o"]) for f in facts if _v(f["p"]) in (SKOS.altLabel, CKG.roleLabel)} - {None})  # type: ignore[type-var]
    types = sorted({_term_label(store, f["o"]) for f in facts if _v(f["p"]) == RDF.type})
    same = [str(f["o"].value) for f in facts if _v(f["p"]) == OWL.sameAs]
    lat = next((float(f["o"].value) for f in facts if _v(f["p"]) == GEO.lat), None)
    long = next((float(f["o"].value) for f in facts if _v(f["p"]) == GEO.long), None)

    def evidence_rows(query: str, kind: str) -> list[Row]:
        out = []
        for r in _select(store, query, x=node):
            doc = _v(r.get("doc"))
            out.append(Row(kind=kind, text=_v(r.get("text")) or "", link=local_path(_v(r["node"]) or "", base),
                           date=_v(r.get("date")), evidence=_v(r.get("ev")),
                           document=local_path(doc, base) if doc else None,
                           extra={k: _term_label(store, v) for k, v in r.items()
                                  if k in ("speaker", "type", "claimant", "place", "side") and v is not None}))
        return out

    events = evidence_rows("""
        SELECT ?node (SAMPLE(?t) AS ?type) (SAMPLE(?d) AS ?date) (SAMPLE(?pl) AS ?place) (SAMPLE(?c) AS ?claimant)
               (SAMPLE(?evs) AS ?ev) (SAMPLE(?dc) AS ?doc) (SAMPLE(?tl) AS ?text) WHERE {
          ?node a ckg:Event . { ?node ckg:agent ?x } UNION { ?node ckg:target ?x } UNION { ?node ckg:place ?x }
          UNION { ?node ckg:claimedBy ?x } UNION { ?node ckg:deniedBy ?x }
          ?node a ?t . FILTER(?t != ckg:Event && STRSTARTS(STR(?t), STR(ckg:)))
          ?t rdfs:label ?tl .
          OPTIONAL { ?node ckg:date ?d } OPTIONAL { ?node ckg:place ?pl } OPTIONAL { ?node ckg:claimedBy ?c }
          OPTIONAL { ?node ckg:evidence ?m . ?m nif:anchorOf ?evs ; ckg:inDocument ?dc }
        } GROUP BY ?node ORDER BY ?date ?node LIMIT 500""", "event")
    said = evidence_rows("""
        SELECT ?node ?text ?date ?ev ?doc WHERE {
          ?node ckg:speaker ?x . OPTIONAL { ?node ckg:quote ?q } OPTIONAL { ?node ckg:content ?c }
          BIND(COALESCE(?q, ?c) AS ?text)
          OPTIONAL { ?node ckg:date ?date }
          OPTIONAL { ?node ckg:evidence ?m . ?m nif:anchorOf ?ev ; ckg:inDocument ?doc }
        } ORDER BY ?doc ?node LIMIT 500""", "statement")
    about = evidence_rows("""
        SELECT ?node ?text ?date ?ev ?doc ?speaker WHERE {
          ?node a ckg:Statement ; ckg:about ?x . OPTIONAL { ?node ckg:speaker ?speaker }
          OPTIONAL { ?node ckg:quote ?q } OPTIONAL { ?node ckg:content ?c } BIND(COALESCE(?q, ?c) AS ?text)
          OPTIONAL { ?node ckg:date ?date }
          OPTIONAL { ?node ckg:evidence ?m . ?m nif:anchorOf ?ev ; ckg:inDocument ?doc }
        } ORDER BY ?doc ?node LIMIT 500""", "statement")
    claims = evidence_rows("""
        SELECT ?node ?text ?date ?ev ?doc ?side ?claimant WHERE {
          ?node a ckg:CasualtyClaim . { ?node ckg:side ?x } UNION { ?node ckg:claimedBy ?x }
          ?node ckg:count ?n ; ckg:casualtyKind ?k . ?k rdfs:label ?kl .
          BIND(CONCAT(STR(?n), " ", STR(?kl)) AS ?text)
          OPTIONAL { ?node ckg:side ?side } OPTIONAL { ?node ckg:claimedBy ?claimant } OPTIONAL { ?node ckg:date ?date }
          OPTIONAL { ?node ckg:evidence ?m . ?m nif:anchorOf ?ev ; ckg:inDocument ?doc }
        } ORDER BY ?doc ?node LIMIT 500""", "claim")
    mentions = _select(store, """
        SELECT ?doc ?title (COUNT(?m) AS ?n) WHERE { ?m ckg:refersTo ?x ; ckg:inDocument ?doc .
          OPTIONAL { ?doc dcterms:title ?title } } GROUP BY ?doc ?title ORDER BY ?doc""", x=node)
    return {
        "iri": iri, "label": labels[0] if labels else iri.rsplit("/", 1)[-1], "labels": labels, "aliases": aliases,
        "types": types, "same_as": same, "lat": lat, "long": long, "events": events, "said": said, "about": about,
        "claims": claims,
        "documents": [{"link": local_path(_v(r["doc"]) or "", base), "title": _v(r.get("title")) or _v(r["doc"]),
                       "mentions": int(r["n"].value)} for r in mentions],
    }


def _document_page(store: BaseStore, iri: str) -> dict[str, Any] | None:
    node = ox.NamedNode(iri)
    rows = _select(store, """SELECT ?text ?title ?date ?source ?id WHERE { ?d nif:isString ?text .
        OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
        OPTIONAL { ?d dcterms:source ?source FILTER(isLiteral(?source)) }
        OPTIONAL { ?d dcterms:identifier ?id } } LIMIT 1""", d=node)
    if not rows:
        return None
    text = _v(rows[0]["text"]) or ""
    mentions = _select(store, """SELECT ?b ?e ?x ?l WHERE { ?m ckg:inDocument ?d ; ckg:refersTo ?x ;
        nif:beginIndex ?b ; nif:endIndex ?e . OPTIONAL { ?x rdfs:label ?l } } ORDER BY ?b DESC(?e)""", d=node)
    segments: list[dict[str, Any]] = []
    cursor = 0
    for m in mentions:
        b, e = int(m["b"].value), int(m["e"].value)
        if b < cursor or e > len(text):
            continue
        if b > cursor:
            segments.append({"text": text[cursor:b]})
        segments.append({"text": text[b:e], "link": local_path(_v(m["x"]) or "", store.iris.base),
                         "title": _v(m.get("l")) or ""})
        cursor = e
    segments.append({"text": text[cursor:]})
    return {"iri": iri, "title": _v(rows[0].get("title")) or iri, "date": _v(rows[0].get("date")),
            "source": _v(rows[0].get("source")), "identifier": _v(rows[0].get("id")), "segments": segments,
            "mentions": len(mentions)}


def _property_rows(store: BaseStore, iri: str) -> list[tuple[str, str, str | None]]:
    out = []
    for t in _describe(store, iri):
        value = t.object
        link = local_path(value.value, store.iris.base) if isinstance(value, ox.NamedNode) else None
        if isinstance(value, ox.NamedNode) and link is None:
            link = value.value
        out.append((_term_label(store, t.predicate), _term_label(store, value), link))
    return out


def _serialize(triples: list[ox.Triple], fmt: ox.RdfFormat, base: str) -> bytes:
    prefixes = dump_prefixes(base) if fmt == ox.RdfFormat.TURTLE else None
    data = ox.serialize(triples, None, fmt, prefixes=prefixes)
    return data if isinstance(data, bytes) else b""


def _graph_description(store: BaseStore, iri: str) -> list[ox.Triple]:
    """A named graph of the store, described: its size (void:triples) and where it is dumped."""
    if not store.has_graph(iri):
        return []
    node = ox.NamedNode(iri)
    size = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
    return [ox.Triple(node, ox.NamedNode(RDF.type), ox.NamedNode("http://www.w3.org/ns/sparql-service-description#Graph")),
            ox.Triple(node, ox.NamedNode("http://rdfs.org/ns/void#triples"),
                      ox.Literal(str(size), datatype=ox.NamedNode(XSD.integer)))]


def _context_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/context.jsonld"


@router.get("/context.jsonld", summary="The JSON-LD @context of every JSON-LD and JSON representation")
async def context(store: StoreDep) -> Response:
    """Prefixes, ``type``, and one term per property: what the keys of ``/id/…`` JSON mean."""
    ctx = await run_in_threadpool(lambda: terms(store).context())
    return Response(json.dumps(ctx, indent=1, ensure_ascii=False).encode() + b"\n", media_type="application/ld+json",
                    headers={"Access-Control-Allow-Origin": "*"})


@router.get("/id/{path:path}", summary="Dereference a resource IRI (HTML, JSON, JSON-LD, Turtle, N-Triples)",
            response_class=Response)
async def resource(path: str, request: Request, store: StoreDep) -> Response:
    """The resource ``res:{path}``: HTML for browsers, JSON, JSON-LD, Turtle or N-Triples for machines
    (``?format=html|json|jsonld|ttl|nt`` where Accept cannot be set). Machine formats hold what is
    said about the resource and the links that point at it; every answer links to the others."""
    iri = store.iris.base + quote(path, safe="/-._~")  # the IRIs we mint percent-encode what is not safe
    wanted = wanted_format(request, _FORMATS)
    if wanted is None:
        raise APIError(406, "available as text/html, application/json, application/ld+json, text/turtle or "
                            "application/n-triples", headers=_VARY)
    here = request.url.path
    headers = {**_VARY, **link_header(here, wanted, context_url=_context_url(request) if wanted == "application/json"
                                      else None)}

    def work() -> Response:
        if not _exists(store, iri):
            raise APIError(404, f"no resource {iri}", headers=_VARY)
        if wanted == "text/html":
            return HTMLResponse(_html(store, iri, request, alternates(here, wanted)), headers=headers)
        if wanted == "application/json":
            return JSONResponse(json_summary(store, iri), headers=headers)
        if wanted == "application/ld+json":
            body = json.dumps(jsonld_document(store, iri, _context_url(request)), ensure_ascii=False, indent=1)
            return Response(body.encode("utf-8") + b"\n", media_type="application/ld+json", headers=headers)
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}[wanted]
        triples = sorted({*_describe(store, iri), *_incoming(store, iri)}, key=str)
        return Response(_serialize(triples, fmt, store.iris.base), media_type=fmt.media_type, headers=headers)

    return await cached_response(request, store, work, variant=wanted, headers=headers)


def _html(store: BaseStore, iri: str, request: Request, formats: list[tuple[str, str, str]]) -> str:
    from api import views  # the pages' data (views imports this module)

    base = store.iris.base
    if iri.startswith(base + "entity/"):
        return render("entity.html", request=request, page=_entity_page(store, iri), wikidata=WD.base,
                      props=_property_rows(store, iri), alternates=formats, **views.entity_extras(store, iri))
    if iri.startswith(base + "doc/"):
        page = _document_page(store, iri)
        if page is not None:
            return render("document.html", request=request, page=page, alternates=formats,
                          extracted=views.extracted_from(store, iri))
    if iri.startswith(base + "event/"):
        event = views.event_page(store, iri)
        if event is not None:
            return render("event.html", request=request, **event,
                          props=views.sentences_for_mentions(store, _property_rows(store, iri)),
                          alternates=formats)
    return render("resource.html", request=request, iri=iri, label=_term_label(store, ox.NamedNode(iri)),
                  rows=_property_rows(store, iri), alternates=formats)


def _class_diagram(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Boxes and edges of the class hierarchy (ckg: classes only), laid out as an indented tree."""
    classes = {r["name"]: [p for p in r["parents"] if p] for r in rows if r["kind"] == "Class"}
    children: dict[str, list[str]] = {}
    roots = []
    for name in sorted(classes):
        parents = [p for p in classes[name] if p in classes]
        if parents:
            for p in parents[:1]:
                children.setdefault(p, []).append(name)
        else:
            roots.append(name)
    boxes: list[dict[str, Any]] = []
    edges: list[tuple[float, float, float, float]] = []

    def place(name: str, depth: int, parent: dict[str, Any] | None) -> None:
        box: dict[str, Any] = {"name": name, "x": 10 + depth * 190, "y": 10 + len(boxes) * 28}
        boxes.append(box)
        if parent is not None:
            edges.append((parent["x"] + 12, parent["y"] + 20, box["x"], box["y"] + 10))
        for child in children.get(name, []):
            place(child, depth + 1, box)

    order = ["Actor", "Location", "Event", "Statement", "CasualtyClaim", "Document", "Mention"]
    for root in sorted(roots, key=lambda r: (order.index(r) if r in order else len(order), r)):
        place(root, 0, None)
    return {"boxes": boxes, "edges": edges, "height": 20 + 28 * len(boxes),
            "width": 40 + 190 * (1 + max((b["x"] - 10) // 190 for b in boxes)) if boxes else 200}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@router.get("/search", summary="Find entities by any label or alias (prefix, accent- and case-insensitive)")
async def search(request: Request, store: StoreDep,
                 q: str = Query(..., min_length=1, max_length=200, description="the start of a name"),
                 limit: int = Query(20, ge=1, le=200)) -> Response:
    """Entities whose label, alternative label or role label starts with ``q`` (or a word of it does)."""
    wanted = choose(request.headers.get("accept"), ["application/json", "text/html"])
    if wanted is None:
        raise APIError(406, "search results are JSON or HTML", headers=_VARY)
    needle = _fold(q.strip())

    def work() -> Response:
        hits: dict[str, dict[str, Any]] = {}
        labels = SCANS.get_or_compute(store, "search-labels", lambda: _search_labels(store)) \
            if isinstance(store, KGStore) else _search_labels(store)  # a remote store may be written by others
        for iri, name, label, folded in labels:
            if folded.startswith(needle) or any(w.startswith(needle) for w in folded.split()):
                hit = hits.setdefault(iri, {"iri": iri, "label": label or name, "matched": name,
                                            "page": local_path(iri, store.iris.base)})
                if folded.startswith(needle) and not _fold(hit["matched"]).startswith(needle):
                    hit["matched"] = name
        ranked = sorted(hits.values(), key=lambda h: (not _fold(h["matched"]).startswith(needle), h["label"]))
        if wanted == "text/html":
            return HTMLResponse(render("search.html", request=request, q=q, hits=ranked[:limit]), headers=_VARY)
        return JSONResponse({"query": q, "results": ranked[:limit]}, headers=_VARY)

    return await cached_response(request, store, work, variant=wanted, headers=_VARY)


def _search_labels(store: BaseStore) -> list[tuple[str, str, str | None, str]]:
    """Every (entity, name, label, folded name) that /search looks through: one scan of the store per
    store version (:data:`api.cache.SCANS`)."""
    rows = _select(store, """SELECT ?e ?name ?label WHERE {
        { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } UNION { ?e ckg:roleLabel ?name }
        ?m ckg:refersTo ?e . OPTIONAL { ?e rdfs:label ?label } }""")
    out = []
    for row in rows:
        name = _v(row["name"]) or ""
        out.append((_v(row["e"]) or "", name, _v(row.get("label")), _fold(name)))
    return out


@router.get("/ontology", summary="The conflict-kg ontology (Turtle or HTML)", response_class=Response)
async def ontology(request: Request, store: StoreDep) -> Response:
    """The T-box from the ontology graph."""
    wanted = choose(request.headers.get("accept"), ["text/html", "text/turtle", "application/ld+json",
                                                    "application/n-triples"])
    if wanted is None:
        raise APIError(406, "the ontology is available as text/html, text/turtle, JSON-LD or N-Triples",
                       headers=_VARY)

    def work() -> Response:
        graph = ox.NamedNode(store.iris.ontology_graph)
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object)
                          for q in store.quads_for_pattern(None, None, None, graph)}, key=str)
        if wanted != "text/html":
            fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
                   "application/n-triples": ox.RdfFormat.N_TRIPLES}[wanted]
            return Response(_serialize(triples, fmt, store.iris.base), media_type=fmt.media_type, headers=_VARY)
        terms = _select(store, """SELECT ?t ?kind ?label ?comment
            (GROUP_CONCAT(DISTINCT STR(?sup); separator=" ") AS ?parents)
            (GROUP_CONCAT(DISTINCT ?code; separator=", ") AS ?cameo) (SAMPLE(?pl) AS ?plover) WHERE {
            GRAPH ?g { ?t a ?kind ; rdfs:label ?label . OPTIONAL { ?t rdfs:comment ?comment }
            OPTIONAL { ?t rdfs:subClassOf ?sup . FILTER(isIRI(?sup)) } OPTIONAL { ?t ckg:cameoCode ?code }
            OPTIONAL { ?t ckg:ploverCategory ?pl }
            FILTER(STRSTARTS(STR(?t), STR(ckg:)) && ?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                   owl:AnnotationProperty)) } } GROUP BY ?t ?kind ?label ?comment ORDER BY ?kind ?t""", g=graph)
        rows = [{"name": (_v(r["t"]) or "")[len(CKG.base):], "kind": (_v(r["kind"]) or "").rsplit("#", 1)[-1],
                 "label": _v(r["label"]), "comment": _v(r.get("comment")),
                 "parents": [p.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for p in (_v(r.get("parents")) or "").split()],
                 "cameo": _v(r.get("cameo")), "plover": _v(r.get("plover"))} for r in terms]
        return HTMLResponse(render("ontology.html", request=request, terms=rows, namespace=CKG.base,
                                   diagram=_class_diagram(rows)), headers=_VARY)

    return await run_in_threadpool(work)




# -- Linked Data representations: compact JSON-LD, readable JSON, alternates --------------------

LD_FORMATS = {  # ?format= value -> media type, in the order the Link header lists them
    "html": "text/html", "json": "application/json", "jsonld": "application/ld+json", "ttl": "text/turtle",
    "nt": "application/n-triples",
}
_FORMAT_ALIASES = {"turtle": "ttl", "ntriples": "nt", "json-ld": "jsonld"}
INCOMING_LIMIT = 10_000  # incoming links listed per resource (sorted, so always the same ones)
_CORE_TERMS = {RDFS.label: "label", RDFS.comment: "comment", SKOS.altLabel: "altLabel", OWL.sameAs: "sameAs"}
_ID_TERMS = {OWL.sameAs}


@dataclass(frozen=True)
class Terms:
    """The JSON keys of our predicates: a ckg: property by its local name, a few common ones by
    theirs, anything else as a compact IRI (``dcterms:date``); the same in JSON and JSON-LD."""

    names: dict[str, str]  # predicate IRI -> term
    object_properties: frozenset[str]  # predicates whose values are IRIs (@type: @id)
    prefixes: dict[str, str]

    def key(self, predicate: str) -> str:
        if predicate in self.names:
            return self.names[predicate]
        for prefix, ns in sorted(self.prefixes.items(), key=lambda p: -len(p[1])):
            if predicate.startswith(ns) and predicate[len(ns):].replace("_", "a").replace("-", "a").isalnum():
                return f"{prefix}:{predicate[len(ns):]}"
        return predicate

    def compact(self, iri: str) -> str:
        key = self.key(iri)
        return key if ":" in key else iri

    def context(self) -> dict[str, Any]:
        ctx: dict[str, Any] = dict(sorted(self.prefixes.items()))
        ctx["type"] = "@type"
        ctx["id"] = "@id"
        for iri, term in sorted(self.names.items(), key=lambda t: t[1]):
            ctx[term] = {"@id": iri, "@type": "@id"} if iri in self.object_properties else {"@id": iri}
        return {"@context": ctx}


_TERMS_CACHE: dict[tuple[int, int], Terms] = {}


def terms(store: BaseStore) -> Terms:
    """The terms, from the ontology graph (every ckg: property it declares), cached per store version."""
    key = (id(store), store.version)
    cached = _TERMS_CACHE.get(key)
    if cached is not None:
        return cached
    names = dict(_CORE_TERMS)
    objects = set(_ID_TERMS)
    graph = ox.NamedNode(store.iris.ontology_graph)
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type), ox.NamedNode(kind), graph):
            iri = str(getattr(q.subject, "value", ""))
            if iri.startswith(CKG.base) and iri[len(CKG.base):] not in ("type", "id", *_CORE_TERMS.values()):
                names[iri] = iri[len(CKG.base):]
                if kind == OWL.ObjectProperty:
                    objects.add(iri)
    result = Terms(names, frozenset(objects), dump_prefixes(store.iris.base))
    _TERMS_CACHE.clear()
    _TERMS_CACHE[key] = result
    return result


def _incoming(store: BaseStore, iri: str) -> list[ox.Triple]:
    node = ox.NamedNode(iri)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, node)
               if q.subject != node}
    return sorted(triples, key=str)[:INCOMING_LIMIT]


def _jsonld_value(term: Any, coerced: bool, t: Terms) -> Any:
    if isinstance(term, ox.NamedNode):
        return term.value if coerced else {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}" if coerced else {"@id": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD.string:
            return term.value
        return {"@value": term.value, "@type": t.compact(term.datatype.value)}
    return {"@value": str(term)}


def jsonld_document(store: BaseStore, iri: str, context_url: str) -> dict[str, Any]:
    """The resource as compact JSON-LD: the ``@context`` published at ``context_url``, its statements
    under their terms, the statements that point at it under ``@reverse``."""
    t = terms(store)
    # the context inline (the same object as at ``context_url``): parsers that load no remote
    # context (pyoxigraph, most offline clients) read the document as it is
    doc: dict[str, Any] = {**t.context(), "@id": iri}
    for triple in _describe(store, iri):
        p = triple.predicate.value
        if p == RDF.type and isinstance(triple.object, ox.NamedNode):
            doc.setdefault("type", []).append(t.compact(triple.object.value))
            continue
        coerced = p in t.object_properties and p in t.names
        if coerced and not isinstance(triple.object, ox.NamedNode):
            key, coerced = p, False  # a literal where the term expects an IRI: the full IRI as key
        else:
            key = t.key(p)
        doc.setdefault(key, []).append(_jsonld_value(triple.object, coerced, t))
    reverse: dict[str, list[Any]] = {}
    for triple in _incoming(store, iri):
        reverse.setdefault(t.key(triple.predicate.value), []).append(
            {"@id": triple.subject.value if isinstance(triple.subject, ox.NamedNode) else f"_:{triple.subject}"})
    if reverse:
        doc["@reverse"] = reverse
    return doc


def json_summary(store: BaseStore, iri: str) -> dict[str, Any]:
    """The resource as plain JSON with the JSON-LD terms as keys: values as strings (IRIs in full),
    incoming links by predicate under ``incoming``."""
    t = terms(store)
    out: dict[str, Any] = {"@id": iri}
    for triple in _describe(store, iri):
        p = triple.predicate.value
        key = "type" if p == RDF.type else t.key(p)
        value = t.compact(triple.object.value) if p == RDF.type and isinstance(triple.object, ox.NamedNode) \
            else (triple.object.value if not isinstance(triple.object, ox.Triple) else str(triple.object))
        values = out.setdefault(key, [])
        if value not in values:
            values.append(value)
    incoming: dict[str, list[str]] = {}
    for triple in _incoming(store, iri):
        incoming.setdefault(t.key(triple.predicate.value), []).append(str(getattr(triple.subject, "value", "")))
    if incoming:
        out["incoming"] = incoming
    return out


def alternates(path: str, current: str | None = None) -> list[tuple[str, str, str]]:
    """(format name, media type, URL) of every representation of ``path``."""
    return [(name, media, f"{path}?format={name}") for name, media in LD_FORMATS.items() if media != current]


def link_header(path: str, current: str | None, *, context_url: str | None = None) -> dict[str, str]:
    links = [f'<{url}>; rel="alternate"; type="{media}"' for _, media, url in alternates(path, current)]
    if context_url is not None:
        links.append(f'<{context_url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"')
    return {"Link": ", ".join(links)}


def wanted_format(request: Request, offered: list[str]) -> str | None:
    """The media type asked for by ``?format=`` (which wins over Accept), else by Accept."""
    given = request.query_params.get("format")
    if given is not None:
        name = _FORMAT_ALIASES.get(given.lower(), given.lower())
        media = LD_FORMATS.get(name, given if "/" in given else None)
        if media is None or media not in offered:
            raise APIError(400, f"unknown format {given!r}; use one of {', '.join(LD_FORMATS)}", headers=_VARY)
        return media
    return choose(request.headers.get("accept"), offered)
