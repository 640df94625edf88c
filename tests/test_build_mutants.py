"""kg/build.py in this process with a blank spaCy pipeline (a real pipeline without statistical
components: the curated-entity gazetteer still links names), so that `make mutate` can run the
builder's promises against every mutant of kg/build.py in a second or two instead of loading the
statistical model each time (docs/testing.md): the static graphs and their provenance, document
fingerprints that stay what they were, streaming batches, add / unchanged / replace / remove.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import Builder, BuildReport, merge_entities, open_store, read_documents
from kg.errors import InputError
from kg.ids import Iris
from kg.model import CuratedEntity, SourceDocument
from kg.rdf import Versions, curated_entities
from kg.settings import Settings
from kg.store import KGStore, StoreLockedError
from tests.conftest import EPOCH, PACK, ROOT, free_port

IRIS = Iris()
ONTOLOGY = ROOT / "ontology"
PACK_GRAPH = f"{IRIS.base}graph/pack/nagorno-karabakh-2020"


@pytest.fixture(scope="module")
def blank_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A blank English pipeline on disk, named and versioned (its meta is what provenance records)."""
    import spacy

    path = tmp_path_factory.mktemp("model") / "blank"
    nlp = spacy.blank("en")
    nlp.meta["name"], nlp.meta["version"] = "blank_test", "0.0.1"
    nlp.to_disk(path)
    return str(path)


def settings(model: str, tmp: Path, **kw: object) -> Settings:
    values: dict[str, object] = {"store": tmp / "store", "spacy_model": model, "packs": "",
                                 "links": tmp / "no-links.tsv", **kw}
    return Settings(**values)  # type: ignore[arg-type]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prov(store: KGStore, graph: str) -> set[tuple[str, str]]:
    """(predicate, object) of a graph in the provenance graph."""
    rows = store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{IRIS.provenance_graph}> {{ <{graph}> ?p ?o }} }}")
    return {(r["p"].value, r["o"].value) for r in rows}  # type: ignore[union-attr,index]


# -- the static graphs ---------------------------------------------------------------------------

def test_static_graphs_are_written_once_with_their_provenance(blank_model: str, tmp_path: Path) -> None:
    store = KGStore(None)
    builder = Builder(store, settings(blank_model, tmp_path), packs=[PACK])
    entities = builder.install_static_graphs()
    assert store.graphs() == sorted([IRIS.ontology_graph, IRIS.entities_graph, PACK_GRAPH, IRIS.provenance_graph])
    assert store.version == 1 and builder.packs == ["nagorno-karabakh-2020"]
    prov_type, derived, fp = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                              "http://www.w3.org/ns/prov#wasDerivedFrom", "https://w3id.org/conflict-kg/ontology#")

    def fingerprint(path: Path) -> str:
        return hashlib.sha256(f"{sha256(path)} {IRIS.base}".encode()).hexdigest()

    assert prov(store, IRIS.ontology_graph) == {
        (prov_type, "http://www.w3.org/ns/prov#Entity"), (prov_type, fp + "OntologyGraph"),
        (derived, "ontology/conflict-kg.ttl"), (fp + "fingerprint", fingerprint(ONTOLOGY / "conflict-kg.ttl"))}
    assert prov(store, PACK_GRAPH) == {
        (prov_type, "http://www.w3.org/ns/prov#Entity"), (prov_type, fp + "CuratedGraph"),
        (derived, "pack nagorno-karabakh-2020.ttl"), (fp + "fingerprint", fingerprint(PACK))}
    world = prov(store, IRIS.entities_graph)
    assert {p for p, _ in world} == {prov_type, derived, fp + "fingerprint"}
    assert (derived, "kg/geo (GeoNames, ISO 3166, ontology/world)") in world
    # the ontology graph is the file, whole
    assert store.quad_count() > 0 and len(store.graph_quads(IRIS.ontology_graph)) == len(
        {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(ONTOLOGY / "conflict-kg.ttl"),
                                                               format=ox.RdfFormat.TURTLE)})
    # one record per real-world entity: the pack's, with the world's names added
    pack_quads = store.graph_quads(PACK_GRAPH)
    world_quads = store.graph_quads(IRIS.entities_graph)
    assert entities == builder.entities == merge_entities(curated_entities([*world_quads, *pack_quads]),
                                                          {e.iri for e in curated_entities(pack_quads)})
    assert len(entities) < len(curated_entities([*world_quads, *pack_quads]))
    spec = builder.spec()
    assert spec.entities == tuple(entities) and spec.model == blank_model and spec.base_iri == IRIS.base
    assert spec.gazetteer and Path(spec.gazetteer).is_file() and spec.world_dir == str(ONTOLOGY / "world")

    # nothing changed: nothing written; a builder given no pack uses the one the store holds
    again = Builder(store, settings(blank_model, tmp_path))
    assert again.install_static_graphs() == entities and store.version == 1
    assert again.packs == ["nagorno-karabakh-2020"] and again.spec().entities == spec.entities
    # a store without the pack: other entities, another extractor key
    bare = Builder(KGStore(None), settings(blank_model, tmp_path))
    assert len(bare.install_static_graphs()) < len(entities) + 50 and bare.packs == []
    assert bare.store.graphs() == sorted([IRIS.ontology_graph, IRIS.entities_graph, IRIS.provenance_graph])
    assert bare.spec().key != spec.key and bare.entities != entities


def test_links_and_the_base_change_the_extractor_key(blank_model: str, tmp_path: Path) -> None:
    plain = Builder(KGStore(None), settings(blank_model, tmp_path))
    plain.install_static_graphs()
    links = tmp_path / "links.tsv"
    links.write_text("name\tqid\nSome Militia\tQ999999\n", encoding="utf-8")
    linked = Builder(KGStore(None), settings(blank_model, tmp_path, links=links))
    linked.install_static_graphs()
    assert linked.links == {"some militia": "Q999999"} and plain.links == {}
    assert linked.spec().links == (("some militia", "Q999999"),) and linked.spec().key != plain.spec().key
    other = Iris("https://kg.example/id/")
    moved = Builder(KGStore(None, iris=other), settings(blank_model, tmp_path, base_iri=other.base))
    moved.install_static_graphs()
    assert moved.store.graphs() == sorted([other.ontology_graph, other.entities_graph, other.provenance_graph])
    assert moved.spec().key != plain.spec().key
    versions = Versions("1", "m", "1", "3")
    doc = SourceDocument(doc_id="a", text="Text.", path="a.txt")
    assert len({b.fingerprint(doc, versions) for b in (plain, linked, moved)}) == 3


def test_a_missing_or_broken_ontology_is_named(blank_model: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="missing: the ontology folder must hold conflict-kg.ttl") as missing:
        Builder(KGStore(None), settings(blank_model, tmp_path, ontology_dir=empty)).install_static_graphs()
    assert str(empty / "conflict-kg.ttl") in str(missing.value)
    broken = tmp_path / "broken"
    shutil.copytree(ONTOLOGY, broken)
    (broken / "conflict-kg.ttl").write_text("@prefix : <x#> .\n:a :b .\n", encoding="utf-8")
    store = KGStore(None)
    with pytest.raises(InputError, match="invalid Turtle") as bad:
        Builder(store, settings(blank_model, tmp_path, ontology_dir=broken)).install_static_graphs()
    assert str(broken / "conflict-kg.ttl") in str(bad.value) and store.graphs() == []


# -- documents -----------------------------------------------------------------------------------

def test_fingerprints_stay_what_they_were() -> None:
    """A document's fingerprint decides whether a rerun extracts it again: it must not change from
    one release to the next for the same inputs (these digests were computed once and pinned)."""
    builder = Builder(KGStore(None), Settings(packs=""))
    versions = Versions(extractor="0.1.0", model_name="en_test", model_version="3.8.0", spacy_version="3.8.7")
    doc = SourceDocument(doc_id="a", text="Text of a.", path="a.txt", title="A", url="https://news.example/a",
                         outlet="Example")
    pinned = "03fefc4695798ce1ccd87bed5fe0dcb90e8093d3372c8804b6e70b8c693733e7"
    assert builder.fingerprint(doc, versions) == pinned
    # page metadata counts only when present: documents read before it existed keep their fingerprints
    for extra in ({"author": "W"}, {"language": "en"}, {"canonical_url": "https://news.example/a"}):
        assert builder.fingerprint(SourceDocument(**{**doc.__dict__, **extra}), versions) != pinned, extra
    other = Versions(extractor="0.1.0", model_name="en_test", model_version="3.8.1", spacy_version="3.8.7")
    assert builder.fingerprint(doc, other) != pinned
    newer = Versions(extractor="0.1.0", model_name="en_test", model_version="3.8.0", spacy_version="3.9.0")
    assert builder.fingerprint(doc, newer) == pinned  # spaCy's own version is not part of it
    renamed = Versions(extractor="0.1.0", model_name="en_other", model_version="3.8.0", spacy_version="3.8.7")
    assert builder.fingerprint(doc, renamed) != pinned
    assert builder.fingerprint(SourceDocument(**{**doc.__dict__, "path": "elsewhere"}), versions) == pinned


@pytest.fixture
def blank_builder(blank_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Builder]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    store = KGStore(tmp_path / "store", iris=IRIS)
    yield Builder(store, settings(blank_model, tmp_path), packs=[PACK])
    store.close()


DOCS = [SourceDocument(doc_id=f"d{i}", text=f"Armenia and Azerbaijan met in Moscow, report {i} said.", path=f"d{i}.txt")
        for i in range(5)]


def test_documents_are_added_in_batches_then_skipped_replaced_removed(blank_builder: Builder) -> None:
    builder, store = blank_builder, blank_builder.store
    seen: list[tuple[str, str]] = []
    report = builder.add(DOCS, batch_size=2, progress=lambda d, s: seen.append((d.doc_id, s)))
    ids = [d.doc_id for d in DOCS]
    assert report == BuildReport(added=ids) and report.written == 5
    assert seen == [(i, "added") for i in ids]
    assert store.document_ids() == ids
    versions = builder.versions()
    assert (versions.model_name, versions.model_version) == ("en_blank_test", "0.0.1")
    model = IRIS.agent("model", "en_blank_test", "0.0.1")
    for doc in DOCS:
        graph = IRIS.document_graph(doc.doc_id)
        facts = prov(store, graph)
        assert ("https://w3id.org/conflict-kg/ontology#fingerprint", builder.fingerprint(doc, versions)) in facts
        assert ("http://www.w3.org/ns/prov#generatedAtTime", "2023-11-14T22:13:20Z") in facts
        assert ("http://www.w3.org/ns/prov#wasGeneratedBy", IRIS.activity(doc.doc_id)) in facts
        rows = store.query(f"SELECT ?a WHERE {{ GRAPH <{IRIS.provenance_graph}> {{ <{IRIS.activity(doc.doc_id)}> "
                           "prov:wasAssociatedWith ?a } }")
        assert {r["a"].value for r in rows} == {model, IRIS.agent("conflict-kg", versions.extractor)}  # type: ignore
        text = store.graph_bytes(graph).decode()
        assert f'"{doc.text}"' in text and IRIS.entity("armenia") in text  # the gazetteer linked a name
    assert store.stats()["per_document"] == {i: {"Mention": 3} for i in ids}

    version = store.version
    seen.clear()
    again = builder.add(DOCS, progress=lambda d, s: seen.append((d.doc_id, s)))
    assert again == BuildReport(unchanged=ids) and again.written == 0 and store.version == version
    assert seen == [(i, "unchanged") for i in ids]

    changed = SourceDocument(doc_id="d1", text="Moscow hosted the talks.", path="d1.txt")
    seen.clear()
    replaced = builder.add([DOCS[0], changed, SourceDocument(doc_id="new", text="Nothing here.", path="n")],
                           progress=lambda d, s: seen.append((d.doc_id, s)))
    assert replaced == BuildReport(added=["new"], replaced=["d1"], unchanged=["d0"]) and replaced.written == 2
    assert seen == [("d0", "unchanged"), ("d1", "replaced"), ("new", "added")]
    assert "report 1" not in store.graph_bytes(IRIS.document_graph("d1")).decode()
    assert prov(store, IRIS.document_graph("d1")) >= {("https://w3id.org/conflict-kg/ontology#fingerprint",
                                                       builder.fingerprint(changed, versions))}
    assert builder.remove("d2") is True and builder.remove("d2") is False
    assert store.document_ids() == ["d0", "d1", "d3", "d4", "new"]
    assert prov(store, IRIS.document_graph("d2")) == set()


def test_nothing_to_extract_writes_nothing(blank_builder: Builder) -> None:
    builder = blank_builder
    report = builder.add([])
    assert report == BuildReport() and report.written == 0
    assert builder.store.document_ids() == [] and builder.store.version == 1  # the static graphs only


# -- plain functions -----------------------------------------------------------------------------

def _e(iri: str, label: str, *types: str, **kw: object) -> CuratedEntity:
    return CuratedEntity(iri=IRIS.entity(iri), slug=iri, label=label, types=types, **kw)  # type: ignore[arg-type]


def test_a_pack_entity_absorbs_its_world_twin() -> None:
    pack = [_e("p-state", "Ruritania", "Country", "State", wikidata="Q1", alt_labels=("Ruritanian Republic",)),
            _e("p-town", "Kessel", "Settlement")]
    world = [_e("w-state", "Republic of Ruritania", "Country", wikidata="Q1", alt_labels=("Ruritania", "RR")),
             _e("w-town", "Kessel ", "Settlement", alt_labels=("Kesel",)),  # the same name (normalised), a type shared
             _e("w-region", "Kessel", "Region"),  # the same name, another type: another entity
             _e("w-other", "Borduria", "Country", wikidata="Q2")]
    merged = merge_entities([*world, *pack], {e.iri for e in pack})
    assert merged == [
        _e("p-state", "Ruritania", "Country", "State", wikidata="Q1",
           alt_labels=("RR", "Republic of Ruritania", "Ruritanian Republic")),
        _e("p-town", "Kessel", "Settlement", alt_labels=("Kesel", "Kessel ")),
        _e("w-other", "Borduria", "Country", wikidata="Q2"),
        _e("w-region", "Kessel", "Region")]
    assert merge_entities(world, set()) == sorted(world, key=lambda e: e.iri)


def test_duplicate_document_ids_name_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    docs = read_documents([tmp_path / "a.txt"])
    assert [(d.doc_id, d.text) for d in docs] == [("a", "One article.")]
    (tmp_path / "b.jsonl").write_text('{"id": "a", "text": "Another."}\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"document id 'a' is also used by {tmp_path / 'a.txt'}") as twice:
        read_documents([tmp_path / "a.txt", tmp_path / "b.jsonl"])
    assert str(twice.value).startswith(str(tmp_path / "b.jsonl"))  # the file that repeats the id comes first


def test_open_store_for_writing_reading_and_bulk(tmp_path: Path) -> None:
    s = Settings(store=tmp_path / "s", query_snapshots=tmp_path / "snaps")
    writer = open_store(s, bulk=True)
    assert isinstance(writer, KGStore) and writer.bulk and writer.iris.base == s.base_iri
    with pytest.raises(StoreLockedError, match="keeps no snapshot"):
        open_store(s, read_only=True)
    del writer
    gc.collect()  # the RocksDB lock goes with the last reference
    reader = open_store(s, read_only=True)
    assert isinstance(reader, KGStore) and not reader.bulk
    reader.close()
    plain = open_store(Settings(store=tmp_path / "t", base_iri="https://kg.example/id/"))
    assert isinstance(plain, KGStore) and not plain.bulk and plain.iris.base == "https://kg.example/id/"
    # an http(s) store is a remote endpoint, checked before it is used
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(OSError, match=f"cannot reach the remote store {url}"):
        open_store(Settings(store=url))
