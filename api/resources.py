"""Linked Data: every ``res:`` IRI dereferences at ``/id/...``, by content negotiation.

Browsers get an HTML page (entity pages with their events, statements, casualty claims and
the sentences that support each; document pages with the mentions highlighted; a property
table for anything else); machines get JSON, JSON-LD or Turtle (the resource's description,
as ``DESCRIBE`` gives it). Unknown IRIs are 404, unacceptable formats 406, and every
answer says ``Vary: Accept``. Also ``/search`` (entities by any label or alias) and
``/ontology`` (the T-box as Turtle or HTML).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.conneg import choose
from api.deps import StoreDep
from api.errors import APIError
from api.render import render
from kg.store import BaseStore
from kg.vocab import CKG, GEO, OWL, PREFIXES, RDF, RDFS, SKOS, WD, dump_prefixes

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
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False  # not even an IRI: nothing of ours
    return next(iter(store.quads_for_pattern(node, None, None)), None) is not None


def _describe(store: BaseStore, iri: str) -> list[ox.Triple]:
    node = ox.NamedNode(iri)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(node, None, None)}
    return sorted(triples, key=str)


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


def _json_summary(store: BaseStore, iri: str) -> dict[str, Any]:
    summary: dict[str, Any] = {"@id": iri}
    for t in _describe(store, iri):
        key = _term_label(store, t.predicate)
        value: Any = t.object.value if not isinstance(t.object, ox.Triple) else str(t.object)
        summary.setdefault(key, [])
        if value not in summary[key]:
            summary[key].append(value)
    return summary


def _serialize(triples: list[ox.Triple], fmt: ox.RdfFormat, base: str) -> bytes:
    prefixes = dump_prefixes(base) if fmt == ox.RdfFormat.TURTLE else None
    data = ox.serialize(triples, None, fmt, prefixes=prefixes)
    return data if isinstance(data, bytes) else b""


@router.get("/id/{path:path}", summary="Dereference a resource IRI (HTML, JSON, JSON-LD, Turtle)",
            response_class=Response)
async def resource(path: str, request: Request, store: StoreDep) -> Response:
    """The resource ``res:{path}``: HTML for browsers, JSON, JSON-LD, Turtle or N-Triples for machines."""
    iri = store.iris.base + quote(path, safe="/-._~")  # the IRIs we mint percent-encode what is not safe
    wanted = choose(request.headers.get("accept"), _FORMATS)
    if wanted is None:
        raise APIError(406, "available as text/html, application/json, application/ld+json, text/turtle or "
                            "application/n-triples", headers=_VARY)

    def work() -> Response:
        if not _exists(store, iri):
            raise APIError(404, f"no resource {iri}", headers=_VARY)
        if wanted == "text/html":
            return HTMLResponse(_html(store, iri, request), headers=_VARY)
        if wanted == "application/json":
            return JSONResponse(_json_summary(store, iri), headers=_VARY)
        fmt = {"application/ld+json": ox.RdfFormat.JSON_LD, "text/turtle": ox.RdfFormat.TURTLE,
               "application/n-triples": ox.RdfFormat.N_TRIPLES}[wanted]
        return Response(_serialize(_describe(store, iri), fmt, store.iris.base), media_type=fmt.media_type,
                        headers=_VARY)

    return await run_in_threadpool(work)


def _html(store: BaseStore, iri: str, request: Request) -> str:
    base = store.iris.base
    if iri.startswith(base + "entity/"):
        return render("entity.html", request=request, page=_entity_page(store, iri), wikidata=WD.base)
    if iri.startswith(base + "doc/"):
        page = _document_page(store, iri)
        if page is not None:
            return render("document.html", request=request, page=page)
    return render("resource.html", request=request, iri=iri, label=_term_label(store, ox.NamedNode(iri)),
                  rows=_property_rows(store, iri))


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

    def work() -> list[dict[str, Any]]:
        hits: dict[str, dict[str, Any]] = {}
        rows = _select(store, """SELECT ?e ?name ?label WHERE {
            { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } UNION { ?e ckg:roleLabel ?name }
            ?m ckg:refersTo ?e . OPTIONAL { ?e rdfs:label ?label } }""")
        for row in rows:
            name = _v(row["name"]) or ""
            folded = _fold(name)
            if folded.startswith(needle) or any(w.startswith(needle) for w in folded.split()):
                iri = _v(row["e"]) or ""
                hit = hits.setdefault(iri, {"iri": iri, "label": _v(row.get("label")) or name, "matched": name,
                                            "page": local_path(iri, store.iris.base)})
                if folded.startswith(needle) and not _fold(hit["matched"]).startswith(needle):
                    hit["matched"] = name
        ranked = sorted(hits.values(), key=lambda h: (not _fold(h["matched"]).startswith(needle), h["label"]))
        return ranked[:limit]

    hits = await run_in_threadpool(work)
    if wanted == "text/html":
        return HTMLResponse(render("search.html", request=request, q=q, hits=hits), headers=_VARY)
    return JSONResponse({"query": q, "results": hits}, headers=_VARY)


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


