"""The store, the builder, the SPARQL endpoint and content negotiation, in this process: fast
(seconds, no subprocess, no server), so `make mutate` can run them against every mutant of
kg/store.py, kg/build.py, kg/rdf.py, api/sparql.py and api/conneg.py (docs/testing.md)."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.conneg import choose, parse_accept
from kg.build import Builder, check_documents, generation_time, read_documents
from kg.errors import InputError
from kg.ids import Iris
from kg.model import SourceDocument
from kg.settings import Settings
from kg.store import (
    BULK_BYTES,
    DUMP_FORMATS,
    GraphWrite,
    KGStore,
    StoreLockedError,
    default_snapshot_root,
    nquads_payload,
    open_for_reading,
    update_text,
)
from kg.vocab import CKG
from tests.conftest import PACK, SEEDS

IRIS = Iris()
EX = "https://example.org/"


def _quad(s: str, p: str, o: str | ox.Literal, g: str) -> ox.Quad:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(EX + o)
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj, ox.NamedNode(g))


def _doc_write(doc_id: str, *objects: str, fingerprint: str = "fp") -> GraphWrite:
    graph = IRIS.document_graph(doc_id)
    prov = IRIS.provenance_graph
    provenance = [ox.Quad(ox.NamedNode(graph), ox.NamedNode(CKG.fingerprint), ox.Literal(fingerprint),
                          ox.NamedNode(prov)),
                  ox.Quad(ox.NamedNode(graph), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode(CKG.DocumentGraph), ox.NamedNode(prov)),
                  ox.Quad(ox.NamedNode(IRIS.activity(doc_id)), ox.NamedNode(EX + "used"), ox.Literal(doc_id),
                          ox.NamedNode(prov))]
    return GraphWrite(graph=graph, quads=[_quad(doc_id, "says", o, graph) for o in objects], provenance=provenance,
                      provenance_subjects=(graph, IRIS.activity(doc_id)))


# -- the store -------------------------------------------------------------------------------

@pytest.mark.parametrize("on_disk", [False, True])
def test_write_replace_remove(tmp_path: Path, on_disk: bool) -> None:
    store = KGStore(tmp_path / "s" if on_disk else None)
    assert store.document_ids() == [] and store.fingerprints() == {} and store.version == 0
    store.write([_doc_write("a", "x", "y"), _doc_write("b", "z")])
    assert store.version == 1
    assert store.document_ids() == ["a", "b"]
    assert store.fingerprints() == {IRIS.document_graph("a"): "fp", IRIS.document_graph("b"): "fp"}
    assert store.fingerprint(IRIS.document_graph("a")) == "fp" and store.fingerprint(EX + "none") is None
    assert store.has_graph(IRIS.document_graph("a")) and not store.has_graph(IRIS.document_graph("c"))
    assert [str(q.object) for q in store.graph_quads(IRIS.document_graph("a"))] == [f"<{EX}x>", f"<{EX}y>"]
    assert store.quad_count() == 3 + 6
    store.write([_doc_write("a", "w", fingerprint="fp2")])  # a replace: old quads and provenance go
    assert [str(q.object) for q in store.graph_quads(IRIS.document_graph("a"))] == [f"<{EX}w>"]
    assert store.fingerprints()[IRIS.document_graph("a")] == "fp2"
    assert store.quad_count() == 2 + 6
    store.write([])
    assert store.version == 2
    assert store.remove_document("a") is True and store.version == 3
    assert store.remove_document("a") is False and store.version == 3
    assert store.document_ids() == ["b"] and store.quad_count() == 1 + 3
    assert store.graphs() == sorted([IRIS.document_graph("b"), IRIS.provenance_graph])


def test_bulk_and_transactional_loads_store_the_same(tmp_path: Path) -> None:
    big = [f"o{i}" for i in range(BULK_BYTES // 60)]
    writes = [_doc_write("big", *big), _doc_write("small", "x")]
    payload = nquads_payload([GraphWrite(w.graph, nquads_payload([GraphWrite(w.graph, w.quads, (), ())]),
                                         w.provenance, w.provenance_subjects) for w in writes])
    assert len(payload) >= BULK_BYTES
    dumps = []
    for name, bulk, as_bytes in (("bulk", True, True), ("load", False, True), ("extend", False, False)):
        store = KGStore(tmp_path / name, bulk=bulk)
        store.write([GraphWrite(w.graph, nquads_payload([GraphWrite(w.graph, w.quads, (), ())]) if as_bytes
                                else w.quads, w.provenance, w.provenance_subjects) for w in writes])
        store.flush()
        assert store.document_ids() == ["big", "small"]
        dumps.append(store.dump_bytes("nq"))
        store.close()
    assert dumps[0] == dumps[1] == dumps[2]
    assert dumps[0].count(b"\n") == len(big) + 1 + 6


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    first = KGStore(tmp_path / "s")
    with pytest.raises(StoreLockedError, match="in use by another process"):
        KGStore(tmp_path / "s")
    del first


def test_update_text_replaces_graph_and_provenance() -> None:
    store = KGStore(None)
    store.write([_doc_write("a", "x")])
    text = update_text([_doc_write("a", "y", fingerprint="new")], IRIS.provenance_graph)
    assert text.startswith(f"DROP SILENT GRAPH <{IRIS.document_graph('a')}> ;")
    store.store.update(text)
    assert [str(q.object) for q in store.graph_quads(IRIS.document_graph("a"))] == [f"<{EX}y>"]
    assert store.fingerprints() == {IRIS.document_graph("a"): "new"}
    assert update_text([GraphWrite("g:1", (), (), ())], IRIS.provenance_graph) == "DROP SILENT GRAPH <g:1>"


def test_dumps_are_deterministic_in_every_format() -> None:
    one, two = KGStore(None), KGStore(None)
    b = _doc_write("b", "x")
    b = GraphWrite(b.graph, [*b.quads, _quad("a", "says", "x", b.graph)], b.provenance, b.provenance_subjects)
    one.write([_doc_write("a", "x", "y")])
    one.write([b])
    two.write([b, _doc_write("a", "y", "x")])
    for fmt in DUMP_FORMATS:
        assert one.dump_bytes(fmt) == two.dump_bytes(fmt), fmt
    nq = one.dump_bytes("nq").decode().splitlines()
    assert len(nq) == 10
    graphs = [line.rsplit(" ", 2)[-2] for line in nq]
    assert graphs == sorted(graphs)  # graph by graph in IRI order, each sorted
    assert all(nq[i] < nq[i + 1] for i in range(len(nq) - 1) if graphs[i] == graphs[i + 1])
    nt = one.dump_bytes("nt").decode().splitlines()  # the union graph: the two "a says x" triples are one
    assert len(nt) == 9 and nt == sorted(nt)
    ttl = one.dump_bytes("ttl").decode()
    assert ttl.startswith("@prefix") and len(list(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE))) == 9
    assert len(list(ox.parse(one.dump_bytes("trig"), format=ox.RdfFormat.TRIG))) == 10
    assert len(list(ox.parse(one.dump_bytes("jsonld"), format=ox.RdfFormat.JSON_LD))) == 10
    assert len(list(ox.parse(one.dump_bytes("rdf"), format=ox.RdfFormat.RDF_XML))) == 9
    with pytest.raises(ValueError, match="unknown dump format 'csv'; use one of ttl, nt, trig, nq, jsonld, rdf"):
        one.dump_bytes("csv")


def test_big_line_based_dumps_are_whole_and_sorted() -> None:
    """N-Triples and N-Quads are written in batches of 50,000 lines: none may be lost or unsorted."""
    store = KGStore(None)
    graph = IRIS.document_graph("big")
    store.store.extend([_quad(f"s{i:06d}", "p", "o", graph) for i in range(50_001)])
    for fmt in ("nt", "nq"):
        lines = store.dump_bytes(fmt).decode().splitlines()
        assert len(lines) == 50_001 and lines == sorted(lines)
        assert lines[-1].startswith(f"<{EX}s050000>")


def test_stats_count_each_kind_of_node() -> None:
    store = KGStore(None)
    a, b = IRIS.document_graph("a"), IRIS.document_graph("b")
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    def quads(graph: str, *rows: tuple[str, str, str]) -> list[ox.Quad]:
        return [ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(p if ":" in p else EX + p),
                        ox.NamedNode(o if o.startswith("http") else EX + o), ox.NamedNode(graph)) for s, p, o in rows]

    base = _doc_write("a")
    store.write([GraphWrite(a, quads(a, ("m1", rdf_type, CKG.Mention), ("m1", CKG.refersTo, "e1"),
                                     ("m2", rdf_type, CKG.Mention), ("m2", CKG.refersTo, "e1"),
                                     ("m3", rdf_type, CKG.Mention), ("m3", CKG.refersTo, "e2"),
                                     ("s1", rdf_type, CKG.Statement), ("v1", rdf_type, CKG.Event),
                                     ("c1", rdf_type, CKG.CasualtyClaim)), base.provenance, base.provenance_subjects),
                 GraphWrite(b, quads(b, ("m4", rdf_type, CKG.Mention), ("m4", CKG.refersTo, "e1"),
                                     ("s2", rdf_type, CKG.Statement)), _doc_write("b").provenance,
                            _doc_write("b").provenance_subjects)])
    stats = store.stats()
    assert stats == {
        "documents": 2, "mentions": 4, "entities": 2, "statements": 2, "events": 1, "casualty_claims": 1,
        "quads": 12 + 6, "graphs": {a: 9, b: 3, IRIS.provenance_graph: 6},
        "by_class": {"CasualtyClaim": 1, "DocumentGraph": 2, "Event": 1, "Mention": 4, "Statement": 2},
        "per_document": {"a": {"Mention": 3, "Statement": 1, "Event": 1, "CasualtyClaim": 1},
                         "b": {"Mention": 1, "Statement": 1}},
    }
    assert list(stats["graphs"]) == sorted(stats["graphs"])  # type: ignore[call-overload]


def test_queries_see_the_union_unless_told() -> None:
    store = KGStore(None)
    store.write([_doc_write("a", "x"), _doc_write("b", "y")])
    assert store.count(f"?s <{EX}says> ?o") == 2
    assert list(store.query(f"SELECT * WHERE {{ ?s <{EX}says> ?o }}", union=False)) == []  # type: ignore[arg-type]
    rows = store.query(f"SELECT ?o WHERE {{ ?s <{EX}says> ?o }}", default_graph=[IRIS.document_graph("b")])
    assert [r["o"].value for r in rows] == [EX + "y"]  # type: ignore[union-attr,index]
    rows = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[IRIS.document_graph("a")])
    assert {r["g"].value for r in rows} == {IRIS.document_graph("a")}  # type: ignore[union-attr,index]
    rows = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"s": ox.NamedNode(EX + "a")})
    assert [r["o"].value for r in rows] == [EX + "x"]  # type: ignore[union-attr,index]
    assert bool(store.query("ASK { ?g a ckg:DocumentGraph }"))  # ckg: is predeclared
    rows = store.query("SELECT ?s WHERE { ?s <says> ?o }", base_iri=EX)
    assert sorted(r["s"].value for r in rows) == [EX + "a", EX + "b"]  # type: ignore[union-attr,index]
    with pytest.raises(SyntaxError):
        store.query("SELECT WHERE {")


def test_a_store_a_server_holds_is_read_from_its_newest_snapshot(tmp_path: Path) -> None:
    """``kg query``/``dump`` while ``kg serve`` holds the store: the newest checkpoint, hard-linked
    into a private copy that goes when the reader closes; other files in the folder are ignored."""
    path = tmp_path / "s"
    writer = KGStore(path, iris=IRIS)
    writer.write([_doc_write("old")])
    root = default_snapshot_root(path)
    assert root == tmp_path / ".s-snapshots"
    root.mkdir()
    writer.store.backup(str(root / "9"))
    writer.write([_doc_write("new", "x")])
    writer.store.backup(str(root / "12"))  # newer, though "12" < "9" as text
    (root / "reader-1-9").mkdir()  # another reader's copy: not a checkpoint
    reader = open_for_reading(path, iris=IRIS)
    assert reader.document_ids() == ["new", "old"] and reader.iris is IRIS
    assert reader.location == f"{path} (the running server's snapshot 12)"
    private = root / f"reader-{os.getpid()}-12"
    assert private.is_dir()
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        reader.store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    reader.close()
    assert not private.exists() and sorted(p.name for p in root.iterdir()) == ["12", "9", "reader-1-9"]
    assert writer.document_ids() == ["new", "old"]


# -- the builder (the real spaCy model, in this process) -------------------------------------

@pytest.fixture(scope="module")
def seeds() -> list[SourceDocument]:
    return read_documents([SEEDS])[:2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds: list[SourceDocument]) -> Iterator[tuple[Builder, Path]]:
    path = tmp_path_factory.mktemp("core") / "store"
    store = KGStore(path, iris=IRIS)
    builder = Builder(store, Settings(store=path, packs=str(PACK)))
    yield builder, path
    store.close()


def test_builder_adds_skips_replaces_and_removes(built: tuple[Builder, Path], seeds: list[SourceDocument],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    builder, _ = built
    seen: list[tuple[str, str]] = []
    report = builder.add(seeds, progress=lambda d, status: seen.append((d.doc_id, status)))
    ids = [d.doc_id for d in seeds]
    assert report.added == ids and report.replaced == [] and report.unchanged == [] and report.written == 2
    assert seen == [(i, "added") for i in ids]
    store = builder.store
    assert store.document_ids() == ids
    assert set(store.graphs()) >= {IRIS.ontology_graph, IRIS.entities_graph, IRIS.provenance_graph}
    stats = store.stats()
    assert stats["documents"] == 2 and stats["mentions"] > 20 and stats["statements"] > 0
    assert set(stats["per_document"]) == set(ids)  # type: ignore[arg-type]
    when = store.query(f"SELECT ?t WHERE {{ GRAPH <{IRIS.provenance_graph}> {{ <{IRIS.document_graph(ids[0])}> "
                       "prov:generatedAtTime ?t } }")
    assert [r["t"].value for r in when] == ["2023-11-14T22:13:20Z"]  # type: ignore[union-attr,index]
    version = store.version
    again = builder.add(seeds)
    assert again.unchanged == ids and again.written == 0 and store.version == version
    changed = SourceDocument(doc_id=ids[0], text=seeds[0].text + "\n\nArmenia shelled Ganja on Sunday.",
                             path="<changed>", date=seeds[0].date)
    before = store.fingerprint(IRIS.document_graph(ids[0]))
    replaced = builder.add([changed], workers=1)
    assert replaced.replaced == [ids[0]] and replaced.added == []
    assert store.fingerprint(IRIS.document_graph(ids[0])) not in (None, before)
    assert "Ganja" in store.graph_bytes(IRIS.document_graph(ids[0])).decode()
    assert builder.remove(ids[1]) is True and builder.remove(ids[1]) is False
    assert store.document_ids() == [ids[0]]
    assert builder.install_static_graphs() == builder.entities and store.version == version + 2


def test_fingerprint_covers_text_and_metadata(built: tuple[Builder, Path], seeds: list[SourceDocument]) -> None:
    builder, _ = built
    versions = builder.versions()
    doc = seeds[0]
    base = builder.fingerprint(doc, versions)
    assert base == builder.fingerprint(doc, versions) and len(base) == 64
    variants = [SourceDocument(doc_id=doc.doc_id, text=doc.text + " ", path=doc.path, date=doc.date),
                SourceDocument(doc_id=doc.doc_id, text=doc.text, path=doc.path, date=dt.date(1999, 1, 1)),
                SourceDocument(doc_id=doc.doc_id, text=doc.text, path=doc.path, date=doc.date, title="Other"),
                SourceDocument(doc_id=doc.doc_id, text=doc.text, path=doc.path, date=doc.date, url="https://x.org"),
                SourceDocument(doc_id=doc.doc_id, text=doc.text, path=doc.path, date=doc.date, outlet="Other")]
    assert len({builder.fingerprint(v, versions) for v in variants} | {base}) == 6
    assert builder.fingerprint(SourceDocument(doc_id=doc.doc_id, text=doc.text, path="elsewhere", date=doc.date,
                                              title=doc.title), versions) == base


def test_generation_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert generation_time() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        generation_time()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = generation_time()
    assert now.microsecond == 0 and now.tzinfo is dt.UTC


def test_documents_are_checked_before_anything_is_written(tmp_path: Path) -> None:
    assert check_documents([SEEDS]) == 5
    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "a", "text": "Another."}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="also used by"):
        read_documents([tmp_path])


# -- the SPARQL endpoint and content negotiation, in this process ------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("served") / "store"
    store = KGStore(path, iris=IRIS)
    store.write([_doc_write("a", "x", "y"), _doc_write("b", "x")])
    store.flush()
    del store
    gc.collect()  # the RocksDB lock goes with the last reference
    with TestClient(create_app(Settings(store=path, query_workers=0))) as c:
        yield c


SELECT = f"SELECT ?s ?o WHERE {{ ?s <{EX}says> ?o }} ORDER BY ?s ?o"


def test_select_in_each_results_format(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert [(b["s"]["value"], b["o"]["value"]) for b in r.json()["results"]["bindings"]] == \
        [(EX + "a", EX + "x"), (EX + "a", EX + "y"), (EX + "b", EX + "x")]
    assert r.headers["vary"].startswith("Accept")
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(r.text)))[:2] == [["s", "o"], [EX + "a", EX + "x"]]
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"})
    assert r.text.splitlines()[:2] == ["?s\t?o", f"<{EX}a>\t<{EX}x>"]
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml") and "<sparql" in r.text
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/json"})
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.post("/sparql", content=f"ASK {{ <{EX}zz> ?p ?o }}",
                    headers={"Content-Type": "application/sparql-query"})
    assert r.json()["boolean"] is False


def test_graph_results(client: TestClient) -> None:
    construct = f"CONSTRUCT {{ ?s <{EX}says> ?o }} WHERE {{ ?s <{EX}says> ?o }}"
    r = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    assert len(r.text.splitlines()) == 3
    r = client.get("/sparql", params={"query": construct})
    assert r.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 3
    r = client.get("/sparql", params={"query": construct}, headers={"Accept": "text/csv"})
    assert r.status_code == 406
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406


def test_dataset_parameters(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT, "default-graph-uri": IRIS.document_graph("b")})
    assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == [EX + "b"]
    r = client.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                      "named-graph-uri": IRIS.document_graph("a")})
    assert {b["g"]["value"] for b in r.json()["results"]["bindings"]} == {IRIS.document_graph("a")}


@pytest.mark.parametrize(("kwargs", "status", "words"), [
    ({"params": {"query": "SELECT * WHERE {"}}, 400, "syntax"),
    ({"params": {"query": "  "}}, 400, "empty query"),
    ({"params": {"query": ""}}, 400, "empty query"),
    ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than one query parameter"),
    ({"params": {"update": "DROP ALL"}}, 403, "read-only"),
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://x.org/> { ?s ?p ?o } }"}}, 400, "SERVICE"),
    ({"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406, "no acceptable format"),
])
def test_refusals(client: TestClient, kwargs: dict[str, object], status: int, words: str) -> None:
    r = client.get("/sparql", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert words.lower() in r.text.lower()


def test_post_refusals(client: TestClient) -> None:
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert "POST a form (application/x-www-form-urlencoded) or a query (application/sparql-query)" in r.text
    assert client.post("/sparql", content=b"ASK {}").status_code == 415  # no Content-Type at all
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = client.post("/sparql", data={"query": ""})
    assert r.status_code == 400 and "empty query" in r.text
    r = client.post("/sparql", content=b"update=DROP+ALL",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    r = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    r = client.post("/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "request body is not UTF-8" in r.text
    r = client.post("/sparql", content=b"q" * (256 * 1024 + 1), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and f"request body larger than {256 * 1024} bytes" in r.text


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An endpoint that takes queries of at most 100 bytes."""
    path = tmp_path_factory.mktemp("small") / "store"
    KGStore(path).flush()
    gc.collect()
    with TestClient(create_app(Settings(store=path, query_workers=0, max_query_bytes=100))) as c:
        yield c


def test_the_size_limit_is_exact(small: TestClient) -> None:
    exact = "ASK {}" + " " * 94
    assert small.get("/sparql", params={"query": exact}).status_code == 200
    r = small.get("/sparql", params={"query": exact + " "})
    assert r.status_code == 413 and "query longer than 100 bytes" in r.text
    form = "query=" + "ASK%7B%7D" + "+" * 85  # 100 bytes of body
    r = small.post("/sparql", content=form.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    r = small.post("/sparql", content=exact.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200
    r = small.post("/sparql", content=(exact + " ").encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "request body larger than 100 bytes" in r.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while the body streams in
        yield b"ASK {}"
        yield b" " * 95

    r = small.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "request body larger than 100 bytes" in r.text


def test_without_a_query_the_page_or_the_service_description(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "yasgui" in r.text.lower()
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate.value == sd + "endpoint" and t.object.value == "http://testserver/sparql"
               for t in triples)
    assert not any(t.object.value == sd + "BasicFederatedQuery" for t in triples)
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"


def _description(client: TestClient) -> set[tuple[str, str, str]]:
    r = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    assert r.headers["vary"].startswith("Accept")
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(r.content,
                                                                                 format=ox.RdfFormat.N_TRIPLES)}


def test_the_service_description(client: TestClient) -> None:
    endpoint = "http://testserver/sparql"
    triples = _description(client)
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    service, dataset, default = (f"<{endpoint}#service>", f"<{endpoint}#dataset>", f"<{endpoint}#default-graph>")
    assert {(service, rdf_type, f"<{SD}Service>"), (service, f"<{SD}endpoint>", f"<{endpoint}>"),
            (service, f"<{SD}supportedLanguage>", f"<{SD}SPARQL11Query>"),
            (service, f"<{SD}feature>", f"<{SD}UnionDefaultGraph>"), (service, f"<{SD}defaultDataset>", dataset),
            (dataset, rdf_type, f"<{SD}Dataset>"), (dataset, f"<{SD}defaultGraph>", default),
            (default, rdf_type, f"<{SD}Graph>")} <= triples
    assert {o for _, p, o in triples if p == f"<{SD}resultFormat>"} == {
        f"<{FORMATS}{name}>" for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                          "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD",
                                          "TriG", "N-Quads")}
    named = sorted(s for s, p, o in triples if p == rdf_type and o == f"<{SD}NamedGraph>")
    assert named == [f"<{endpoint}#named-graph-{i}>" for i in range(3)]
    assert {(s, o) for s, p, o in triples if p == f"<{SD}namedGraph>"} == {(dataset, n) for n in named}
    assert sorted(o for s, p, o in triples if p == f"<{SD}name>") == sorted(
        f"<{g}>" for g in (IRIS.document_graph("a"), IRIS.document_graph("b"), IRIS.provenance_graph))
    assert (service, f"<{SD}feature>", f"<{SD}BasicFederatedQuery>") not in triples
    assert len(triples) == 8 + 10 + 3 * 3
    r = client.get("/sparql", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["vary"].startswith("Accept")
    assert "the service description is available as HTML or RDF" in r.text


def test_a_federated_endpoint_says_so(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "store"
    KGStore(path).flush()
    gc.collect()
    with TestClient(create_app(Settings(store=path, query_workers=0, allow_service=True))) as federated:
        triples = _description(federated)
    assert ("<http://testserver/sparql#service>", f"<{SD}feature>", f"<{SD}BasicFederatedQuery>") in triples


def test_the_editor_page_holds_every_example_with_its_prefixes(client: TestClient) -> None:
    from api.queries import QUERIES
    from api.sparql import examples
    from kg.vocab import PREFIXES

    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.headers["vary"].startswith("Accept")
    assert '<script src="/static/vendor/yasgui.min.js"></script>' in r.text
    payload = r.text.split('<script id="editor-config" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in payload
    config = json.loads(payload)
    assert config["endpoint"] == "http://testserver/sparql" and config["base"] == IRIS.base
    assert config["prefixes"] == {**PREFIXES, "res": IRIS.base}
    wanted = [*examples(IRIS.base), *((q.title, q.text) for q in QUERIES.values()
                                      if not any(p.required for p in q.params))]
    assert [tuple(t) for t in config["tabs"]] == wanted and len(wanted) > len(examples(IRIS.base))
    for title, _ in examples(IRIS.base):
        assert f"<h3>{title}</h3>" in r.text
    other = examples("https://example.org/id/")
    assert not any("<res:" in q for _, q in other) and any("<https://example.org/id/" in q for _, q in other)


def test_accept_parsing() -> None:
    assert parse_accept(None) == parse_accept("  ") == [parse_accept("*/*")[0]]
    r = parse_accept('text/html;level=1;q=0.5, */*;q=0.1, *, bad, text/, ;q=1, application/json;q=x')
    assert [(m.type, m.subtype, m.q) for m in r] == [("text", "html", 0.5), ("*", "*", 0.1), ("*", "*", 1.0),
                                                    ("application", "json", 0.0)]
    assert r[0].params == (("level", "1"),) and [m.order for m in r] == [0, 1, 2, 6]
    assert parse_accept("text/html;q=7")[0].q == 1.0 and parse_accept("text/html;q=-1")[0].q == 0.0
    assert parse_accept('TEXT/HTML;Q="0.3"')[0].q == 0.3
    assert parse_accept("/html, text/html") == [parse_accept("text/html")[0].__class__("text", "html", 1.0, 1)]
    assert parse_accept('text/html;x=a=b;v="X";w=X"')[0].params == (("x", "a=b"), ("v", "X"), ("w", "X"))
    html = parse_accept("text/html")[0]
    assert (html.matches("text/html"), parse_accept("text/*")[0].matches("text/html"),
            parse_accept("*/*")[0].matches("text/html"), html.matches("text/plain"),
            parse_accept("text/*")[0].matches("image/png")) == (3, 2, 1, 0, 0)


@pytest.mark.parametrize(("accept", "offered", "chosen"), [
    (None, ["text/turtle", "text/html"], "text/turtle"),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", ["text/turtle", "text/html"], "text/html"),
    ("text/turtle;q=0.5, text/html;q=0.9", ["text/turtle", "text/html"], "text/html"),
    ("text/*;q=0.5, text/html;q=0", ["text/html", "text/turtle"], "text/turtle"),
    ("text/html;q=0", ["text/html"], None),
    ("*/*;q=0.1, text/html;q=0.2", ["text/turtle", "text/html"], "text/html"),
    ("*/*;q=0.3, text/html;q=0.2", ["text/turtle", "text/html"], "text/turtle"),
    ("application/json", ["text/turtle"], None),
    ("text/turtle, text/html", ["text/html", "text/turtle"], "text/html"),
    ("image/*", ["text/html", "image/png"], "image/png"),
    ("text/html;q=0, text/html", ["text/html"], None),  # of two equally specific ranges, the first counts
])
def test_choose(accept: str | None, offered: list[str], chosen: str | None) -> None:
    assert choose(accept, offered) == chosen
