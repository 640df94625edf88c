"""Dumps of the whole graph (``/dump.ttl``, ``/dump.trig``, ``/dump.nq``) and the VoID
description (``/.well-known/void``).

Dumps are the bytes ``kg dump`` writes (:meth:`kg.store.BaseStore.dump` is deterministic),
serialized in a worker thread and streamed, with an ``ETag`` derived from the provenance
fingerprints of every graph: a client revalidates with ``If-None-Match`` and gets 304 while
nothing changed.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.conneg import choose
from api.deps import StoreDep
from api.errors import APIError
from kg.store import BaseStore
from kg.vocab import CKG, DCTERMS, RDF, dump_prefixes

__all__ = ["router", "store_etag"]

router = APIRouter(tags=["dumps"])

_MEDIA = {"ttl": "text/turtle", "trig": "application/trig", "nq": "application/n-quads", "nt": "application/n-triples"}


def store_etag(store: BaseStore) -> str:
    """A strong validator of the store's content: the fingerprints of all graphs."""
    digest = hashlib.sha256(store.iris.base.encode())
    prov = ox.NamedNode(store.iris.provenance_graph)
    fingerprints = sorted(f"{q.subject}{q.object}" for q in store.quads_for_pattern(
        None, ox.NamedNode(CKG.fingerprint), None, prov))
    for fp in fingerprints:
        digest.update(fp.encode())
    return '"' + digest.hexdigest()[:32] + '"'


def _spooled(store: BaseStore, fmt: str) -> tempfile.SpooledTemporaryFile[bytes]:
    buffer: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    store.dump(fmt, buffer)  # type: ignore[arg-type]
    buffer.seek(0)
    return buffer


async def _dump(fmt: str, request: Request, store: BaseStore) -> Response:
    etag = await run_in_threadpool(store_etag, store)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding",
               "Content-Disposition": f'inline; filename="conflict-kg.{fmt}"'}
    if request.headers.get("if-none-match") in (etag, "*"):
        return Response(status_code=304, headers=headers)
    buffer = await run_in_threadpool(_spooled, store, fmt)

    def stream() -> Iterator[bytes]:
        try:
            while chunk := buffer.read(64 * 1024):
                yield chunk
        finally:
            buffer.close()

    return StreamingResponse(stream(), media_type=_MEDIA[fmt], headers=headers)


@router.get("/dump.ttl", summary="The union graph as Turtle (same bytes as `kg dump --format ttl`)")
async def dump_ttl(request: Request, store: StoreDep) -> Response:
    return await _dump("ttl", request, store)


@router.get("/dump.trig", summary="Every named graph as TriG, provenance included")
async def dump_trig(request: Request, store: StoreDep) -> Response:
    return await _dump("trig", request, store)


@router.get("/dump.nq", summary="Every named graph as N-Quads, provenance included")
async def dump_nq(request: Request, store: StoreDep) -> Response:
    return await _dump("nq", request, store)


@router.get("/export.csv", summary="Events as rows (CAMEO, PLOVER, actors, place, date, claimant, sentence)")
async def export_csv(store: StoreDep) -> Response:
    """The event table of ``kg export --format csv``."""
    from kg.export import export

    body = await run_in_threadpool(lambda: "".join(export(store, "csv")).encode("utf-8"))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="conflict-kg-events.csv"'})


def void_description(store: BaseStore, site: str) -> list[ox.Triple]:
    """A VoID description of the dataset, with counts from the live store."""
    void = "http://rdfs.org/ns/void#"
    xsd = "http://www.w3.org/2001/XMLSchema#integer"
    dataset = ox.NamedNode(site + "/.well-known/void#dataset")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(void + local)

    def count(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(xsd))

    stats = store.stats()
    triples = [
        ox.Triple(dataset, ox.NamedNode(RDF.type), n("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS.title), ox.Literal("conflict-kg")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS.description),
                  ox.Literal("News about armed conflict as a knowledge graph, each fact traceable to its sentence.")),
        ox.Triple(dataset, n("sparqlEndpoint"), ox.NamedNode(site + "/sparql")),
        ox.Triple(dataset, n("uriSpace"), ox.Literal(store.iris.base)),
        ox.Triple(dataset, n("vocabulary"), ox.NamedNode(CKG.base.rstrip("#"))),
        ox.Triple(dataset, n("triples"), count(int(stats["quads"]))),  # type: ignore[call-overload]
        ox.Triple(dataset, n("entities"), count(int(stats["entities"]))),  # type: ignore[call-overload]
    ]
    for fmt in ("ttl", "trig", "nq"):
        triples.append(ox.Triple(dataset, n("dataDump"), ox.NamedNode(f"{site}/dump.{fmt}")))
    # the world's places come from GeoNames (CC BY 4.0), which asks to be credited
    geonames = ox.NamedNode("https://www.geonames.org/")
    triples += [
        ox.Triple(dataset, ox.NamedNode(DCTERMS.source), geonames),
        ox.Triple(geonames, ox.NamedNode(DCTERMS.title), ox.Literal("GeoNames geographical database")),
        ox.Triple(geonames, ox.NamedNode(DCTERMS.license), ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS.source), ox.NamedNode("https://www.iso.org/iso-3166-country-codes.html")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS.rights), ox.Literal(
            "Places, coordinates and GeoNames ids: GeoNames (geonames.org), CC BY 4.0. Country and region codes: "
            "ISO 3166 through Debian iso-codes (pycountry).")),
    ]
    for i, (graph, size) in enumerate(sorted(stats["graphs"].items())):  # type: ignore[attr-defined]
        part = ox.NamedNode(f"{site}/.well-known/void#graph-{i}")
        triples += [ox.Triple(dataset, n("subset"), part), ox.Triple(part, ox.NamedNode(RDF.type), n("Dataset")),
                    ox.Triple(part, ox.NamedNode("http://www.w3.org/ns/sparql-service-description#name"),
                              ox.NamedNode(graph)),
                    ox.Triple(part, n("triples"), count(size))]
    return sorted(set(triples), key=str)


@router.get("/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request, store: StoreDep) -> Response:
    wanted = choose(request.headers.get("accept"), ["text/turtle", "application/n-triples", "application/ld+json"])
    if wanted is None:
        raise APIError(406, "VoID is available as Turtle, N-Triples or JSON-LD", headers={"Vary": "Accept"})
    site = str(request.base_url).rstrip("/")
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}[wanted]

    def work() -> bytes:
        prefixes = {**dump_prefixes(store.iris.base), "void": "http://rdfs.org/ns/void#"}
        data = ox.serialize(void_description(store, site), None, fmt,
                            prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
        return data if isinstance(data, bytes) else b""

    return Response(await run_in_threadpool(work), media_type=fmt.media_type, headers={"Vary": "Accept"})


