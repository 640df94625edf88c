"""Build and update the knowledge graph: read files, extract, write each document atomically.

The command line and the HTTP API call :func:`open_store`, :func:`install_static_graphs`,
:func:`add_documents` and :func:`remove_document`. A document whose fingerprint (its text and
metadata, the extractor and model versions and the curated entities) is unchanged is
skipped; a changed one replaces its graph in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import __version__, faults
from kg.executors import Executor, ExtractedDocument, ExtractorSpec, executor_for
from kg.ids import Iris, normalise_name
from kg.model import CuratedEntity, SourceDocument
from kg.rdf import (
    Versions,
    curated_entities,
    entity_quads,
    load_static_graph,
    provenance_quads,
    static_provenance_quads,
)
from kg.reader import InputError, discover, iter_path
from kg.settings import Settings
from kg.store import BaseStore, GraphWrite, KGStore, open_for_reading

__all__ = [
    "BuildReport",
    "Builder",
    "check_documents",
    "generation_time",
    "iter_documents",
    "make_extractor",
    "open_store",
    "read_documents",
]

ONTOLOGY_FILE = "conflict-kg.ttl"
WRITE_BYTES = 4 * 1024 * 1024  # N-Quads per store write at the start of a build
# As the store grows, each write (one RocksDB ingestion) costs a compaction that rewrites more of
# it: writes grow with what the build wrote (an eighth of it), up to this (about 150k quads, well
# under the million quads that oxigraph's bulk loader ingests at once; docs/performance.md).
# The writer's memory grows with the size of a write (its N-Quads, their copy and the bulk
# loader's buffers: 439 MB peak at 32 MB, 230 MB at 8 MB, 10,000 documents), and at 8 MB the
# writer spent no more CPU than at 32 MB (60.8 against 66.6 s): 8 MB it is.
MAX_WRITE_BYTES = 8 * 1024 * 1024
WRITE_SECONDS = 2.0  # ... or whatever came back in this time, scaled like the size, at most MAX_WRITE_SECONDS
MAX_WRITE_SECONDS = 30.0
WORLD_DIR = "world"  # ontology/world: checked data on states and international bodies
PACK_SHAPES = "pack-shapes.ttl"


def merge_entities(entities: list[CuratedEntity], pack_iris: set[str]) -> list[CuratedEntity]:
    """One record per real-world entity: a pack's entity with the Wikidata id, or the label and a
    type, of a world entity stands for it (the pack's IRI is kept and the world's names are added)."""
    from dataclasses import replace

    merged = {e.iri: e for e in entities}
    by_qid = {e.wikidata: e.iri for e in entities if e.wikidata and e.iri in pack_iris}
    by_name = {(normalise_name(e.label), t): e.iri for e in entities if e.iri in pack_iris for t in e.types}
    for e in entities:
        twin = None
        if e.iri not in pack_iris:
            name = normalise_name(e.label)
            twin = by_qid.get(e.wikidata or "") or next((by_name[(name, t)] for t in e.types if (name, t) in by_name),
                                                        None)
        if twin is not None:
            t = merged[twin]
            merged[twin] = replace(t, alt_labels=tuple(sorted({*t.alt_labels, e.label, *e.alt_labels} - {t.label})))
            del merged[e.iri]
    return sorted(merged.values(), key=lambda e: e.iri)


def make_extractor(settings: Settings, *, packs: Iterable[Path] = ()) -> Any:
    """An :class:`~kg.nlp.extract.Extractor` with the world's entities and ``packs``, without a
    store (for ``kg suggest-pack``, tests and benchmarks)."""
    from kg.nlp.extract import Extractor

    builder = Builder(KGStore(None), settings, packs=packs)
    builder.install_static_graphs()
    return Extractor.from_spec(builder.spec())


def generation_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds: byte-identical dumps)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except ValueError as exc:
            raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not an integer number of seconds") from exc
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def open_store(settings: Settings, *, read_only: bool = False, bulk: bool = False) -> BaseStore:
    """The configured store: the embedded one on disk, or a remote SPARQL endpoint (``http(s)://``)."""
    iris = Iris(settings.base_iri)
    if isinstance(settings.store, str):
        from kg.remote import RemoteStore

        store = RemoteStore(settings.store, iris=iris, update_url=settings.store_update_url,
                            graph_store_url=settings.store_graph_store_url,
                            user=settings.store_user,
                            password=settings.store_password.get_secret_value() if settings.store_password else None,
                            timeout=max(60.0, settings.query_timeout + 5))
        store.check()
        return store
    if read_only:  # while a server holds the store: its newest snapshot
        return open_for_reading(settings.store, iris=iris, snapshot_root=settings.query_snapshots)
    return KGStore(settings.store, iris=iris, bulk=bulk)


def read_documents(paths: Iterable[str | Path]) -> list[SourceDocument]:
    """Every document under ``paths``; any unreadable file or duplicate id raises :class:`InputError`."""
    return list(iter_documents(paths))


def iter_documents(paths: Iterable[str | Path]) -> Iterator[SourceDocument]:
    """The documents under ``paths``, one at a time (memory holds their ids, not their texts).
    An unreadable file or a duplicate id raises :class:`InputError` when it is reached."""
    seen: dict[str, str] = {}
    for path in discover(paths):
        for doc in iter_path(path):
            if doc.doc_id in seen:
                raise InputError(doc.path, f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}")
            seen[doc.doc_id] = doc.path
            yield doc


def check_documents(paths: Iterable[str | Path]) -> int:
    """Read and check every document under ``paths`` without keeping them; their number.

    ``kg build`` calls this before it touches the store, so a bad file anywhere fails the build
    before anything is written, and then streams the documents a second time."""
    return sum(1 for _ in iter_documents(paths))


@dataclass
class BuildReport:
    """What a build or add did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return len(self.added) + len(self.replaced)


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Builder:
    """Writes documents into a store; loads the spaCy pipeline only when something must be extracted."""

    def __init__(self, store: BaseStore, settings: Settings, *, packs: Iterable[Path] = ()) -> None:
        self.store = store
        self.settings = settings
        self.iris = store.iris
        self._versions: Versions | None = None
        self.entities: list[CuratedEntity] = []
        self._entities_fingerprint = ""
        self.pack_paths = [*settings.pack_paths(), *packs]
        self.packs: list[str] = []  # names of the packs in use
        self._gazetteer: str | None = None
        self.links: dict[str, str] = {}
        self._world_dir: str | None = None
        self._classifier_cache: tuple[tuple[str, float, bool, bool], str] | None = None

    # -- static graphs ---------------------------------------------------------------------

    def install_static_graphs(self) -> list[CuratedEntity]:
        """Load the ontology, the world's entities and the conflict packs into their graphs when they
        changed. Packs given now replace the stored pack of the same name; packs the store already
        holds stay in use. Raises :class:`InputError` naming the file for a missing ontology or a
        bad pack (one line per problem)."""
        from kg.geo.index import WorldGazetteer
        from kg.geo.world import WorldEntities
        from kg.packs import load_pack

        onto_dir = self.settings.ontology_dir
        path = onto_dir / ONTOLOGY_FILE
        if not path.is_file():
            raise InputError(path, "missing: the ontology folder must hold conflict-kg.ttl (set CKG_ONTOLOGY_DIR)")
        try:
            ontology = load_static_graph(path, self.iris.ontology_graph, base=self.iris.base)
        except SyntaxError as exc:
            raise InputError(path, f"invalid Turtle: {exc}") from exc
        statics: list[tuple[str, str, str, list[Any], str]] = [
            (self.iris.ontology_graph, "OntologyGraph", f"ontology/{ONTOLOGY_FILE}", ontology,
             _sha256_file(path))]
        # the world: states, capitals, international bodies (kg/geo)
        gazetteer = WorldGazetteer.open(self.settings.gazetteer)
        world = WorldEntities.load(gazetteer, self.iris, onto_dir / WORLD_DIR)
        world_quads = entity_quads(world.entities, self.iris.entities_graph)
        world_files = sorted((onto_dir / WORLD_DIR).glob("*.tsv"))
        world_key = json.dumps([gazetteer.meta(), [_sha256_file(p) for p in world_files]])
        statics.append((self.iris.entities_graph, "CuratedGraph", "kg/geo (GeoNames, ISO 3166, ontology/world)",
                        world_quads, hashlib.sha256(world_key.encode()).hexdigest()))
        # conflict packs: those given now, then those the store holds
        given = {}
        for pack_path in self.pack_paths:
            pack = load_pack(pack_path, self.iris, onto_dir / PACK_SHAPES)
            given[pack.graph] = pack
            statics.append((pack.graph, "CuratedGraph", f"pack {pack.path.name}", list(pack.quads),
                            _sha256_file(pack.path)))
        pack_quads: list[Any] = [q for pack in given.values() for q in pack.quads]
        prefix = f"{self.iris.base}graph/pack/"
        stored_packs = []  # fingerprints of the packs the store holds and this run was not given
        for graph in sorted(g for g in self.store.graphs() if g.startswith(prefix) and g not in given):
            pack_quads.extend(self.store.graph_quads(graph))
            stored_packs.append(self.store.fingerprint(graph) or "")
        self.packs = sorted({g[len(prefix):] for g in given} | {g[len(prefix):] for g in self.store.graphs()
                                                                 if g.startswith(prefix)})
        writes = []
        fingerprints = []
        for graph, kind, source, quads, digest in statics:
            fingerprint = hashlib.sha256(f"{digest} {self.iris.base}".encode()).hexdigest()
            fingerprints.append(fingerprint)
            if self.store.fingerprint(graph) != fingerprint:
                prov = static_provenance_quads(graph, kind, iris=self.iris, source=source, fingerprint=fingerprint)
                writes.append(GraphWrite(graph=graph, quads=quads, provenance=prov, provenance_subjects=(graph,)))
        if writes:
            self.store.write(writes)
            self.store.check()
            faults.point("build.static")
        pack_iris = {e.iri for e in curated_entities(pack_quads)}
        self.entities = merge_entities(curated_entities([*world_quads, *pack_quads]), pack_iris)
        from kg.links import read_links

        self.links = read_links(self.settings.links)
        # the world and every pack in use, given now or held by the store (a later build without
        # --pack uses the same entities, so its documents are unchanged)
        in_use = [fingerprints[1], *sorted([*fingerprints[2:], *stored_packs])]
        self._entities_fingerprint = hashlib.sha256(
            json.dumps([in_use, self.packs, sorted(self.links.items())]).encode()).hexdigest()
        self._gazetteer = str(gazetteer.path)
        self._world_dir = str(onto_dir / WORLD_DIR)
        return self.entities

    # -- documents -------------------------------------------------------------------------

    def spec(self) -> ExtractorSpec:
        """What an extraction worker needs to build this builder's extractor."""
        classifier = self._classifier()
        key = hashlib.sha256(json.dumps([self.settings.spacy_model, self._entities_fingerprint,
                                         self.iris.base, classifier and classifier[1]]).encode()).hexdigest()
        return ExtractorSpec(model=self.settings.spacy_model, entities=tuple(self.entities),
                             base_iri=self.iris.base, key=key, gazetteer=self._gazetteer, world_dir=self._world_dir,
                             links=tuple(sorted(self.links.items())), event_classifier=classifier and classifier[0])

    def _classifier(self) -> tuple[tuple[str, float, bool, bool], str] | None:
        """The event classifier's settings for the workers, and their fingerprint (the model's files
        and the decision settings), read once; None when CKG_EVENT_CLASSIFIER is unset."""
        if self._classifier_cache is None and self.settings.event_classifier is not None:
            path = Path(self.settings.event_classifier)  # a model directory (checked by Settings)
            digest = hashlib.sha256()
            for file in sorted(f for f in path.rglob("*") if f.is_file()):
                digest.update(f"{file.relative_to(path).as_posix()}\0".encode())
                digest.update(file.read_bytes())
            config = (str(path.resolve()), self.settings.event_classifier_threshold,
                      self.settings.event_classifier_gate, self.settings.event_classifier_scope == "generic")
            self._classifier_cache = (config, hashlib.sha256(json.dumps(
                [digest.hexdigest(), *config[1:]]).encode()).hexdigest())
        return self._classifier_cache

    def fingerprint(self, doc: SourceDocument, versions: Versions) -> str:
        meta = {
            "id": doc.doc_id, "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
            "url": doc.url, "outlet": doc.outlet, "extractor": versions.extractor,
            "model": [versions.model_name, versions.model_version], "entities": self._entities_fingerprint,
            "base": self.iris.base,
        }
        classifier = self._classifier()
        if classifier is not None:  # only when set: documents built without it keep their fingerprints
            meta["event_classifier"] = classifier[1]
        # Page metadata (kg add URL, WARC): in the fingerprint only when present, so documents read
        # before it existed keep their fingerprints and are not extracted again.
        meta.update({k: v for k, v in (("author", doc.author), ("language", doc.language),
                                      ("canonical_url", doc.canonical_url)) if v is not None})
        digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode("utf-8"))
        digest.update(b"\x00")
        digest.update(doc.text.encode("utf-8"))
        return digest.hexdigest()

    def versions(self) -> Versions:
        """The extractor and model versions, from the model's meta (the model is not loaded here)."""
        if self._versions is None:
            from kg.nlp.pipeline import installed_model_info

            info = installed_model_info(self.settings.spacy_model)
            self._versions = Versions(extractor=__version__, model_name=info.name, model_version=info.version,
                                      spacy_version=info.spacy_version)
        return self._versions

    def add(self, docs: Iterable[SourceDocument], *, progress: Callable[[SourceDocument, str], None] | None = None,
            batch_size: int = 16, workers: int = 1, executor: str | Executor | None = None) -> BuildReport:
        """Extract and write documents, streaming: each batch is written in its own transaction as
        soon as it is extracted, and reported done after that. ``workers`` > 1 extracts in that many
        local processes (0: one per core); ``executor`` may instead name a Dask scheduler
        (``dask://HOST:PORT``). The graph is the same whichever runs the extraction."""
        if not self.entities:
            self.install_static_graphs()
        report = BuildReport()
        versions = self.versions()
        known = self.store.fingerprints()
        when = generation_time()
        plan: dict[str, tuple[str, bool]] = {}

        def batches() -> Iterator[list[SourceDocument]]:
            batch: list[SourceDocument] = []
            for doc in docs:
                fp = self.fingerprint(doc, versions)
                old = known.get(self.iris.document_graph(doc.doc_id))
                if old == fp:
                    report.unchanged.append(doc.doc_id)
                    if progress:
                        progress(doc, "unchanged")
                    continue
                plan[doc.doc_id] = (fp, old is not None)
                batch.append(doc)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        runner = executor if executor is not None and not isinstance(executor, str) \
            else executor_for(executor, workers)
        done_docs: list[SourceDocument] = []
        done_results: list[ExtractedDocument] = []
        done_bytes = 0
        written = 0  # N-Quads bytes this build has written
        grow = bool(getattr(self.store, "bulk", False))
        stored = len(known)  # documents in the store already (a resumed or incremental build)
        seen_bytes = seen_docs = 0
        since = time.monotonic()

        def commit() -> None:
            """Write what has come back in one all-or-nothing write, then report it done."""
            if done_docs:
                self._write(done_docs, done_results, plan, versions, when)
                faults.point("build.batch")
                for doc in done_docs:
                    existed = plan.pop(doc.doc_id)[1]
                    (report.replaced if existed else report.added).append(doc.doc_id)
                    if progress:
                        progress(doc, "replaced" if existed else "added")
                done_docs.clear()
                done_results.clear()

        try:
            for batch, results in runner.map(self.spec(), batches()):
                done_docs.extend(batch)
                done_results.extend(results)
                new_bytes = sum(len(r.nquads) for r in results)
                done_bytes += new_bytes
                seen_bytes, seen_docs = seen_bytes + new_bytes, seen_docs + len(results)
                # Writes are cheaper in bigger pieces (fewer SST ingestions to compact), the more so
                # the bigger the store: a few MB at first, then (bulk writes of the command line;
                # not the server's transactions, nor a remote store's requests) an eighth of what
                # was written (the store's documents counted at this build's mean size), or whatever
                # came back in a time that grows alike with what this build wrote (so a resumed
                # build reports its first documents as soon as a fresh one).
                size = written + stored * seen_bytes // max(1, seen_docs)
                limit = min(MAX_WRITE_BYTES, max(WRITE_BYTES, size // 8)) if grow else WRITE_BYTES
                patience = min(MAX_WRITE_SECONDS, WRITE_SECONDS * max(WRITE_BYTES, written // 8) / WRITE_BYTES) \
                    if grow else WRITE_SECONDS
                if done_bytes >= limit or time.monotonic() - since > patience:
                    commit()
                    written += done_bytes
                    done_bytes, since = 0, time.monotonic()
            commit()
        finally:
            if runner is not executor:
                runner.close()
        faults.point("build.flush")
        self.store.flush()
        return report

    def _write(self, batch: list[SourceDocument], results: list[ExtractedDocument],
               plan: dict[str, tuple[str, bool]], versions: Versions, when: dt.datetime) -> None:
        """One all-or-nothing write: every document given is stored whole, or none is."""
        writes = []
        for doc, result in zip(batch, results, strict=True):
            if result.doc_id != doc.doc_id:  # executors return each batch's results in its order
                raise RuntimeError(f"extraction results out of order: {result.doc_id!r} for {doc.doc_id!r}")
            made_by = (result.model_name, result.model_version)
            if made_by != (versions.model_name, versions.model_version):
                raise ValueError(f"an extraction worker used model {made_by[0]} {made_by[1]}, but this build "
                                 f"expects {versions.model_name} {versions.model_version}: install the same "
                                 "model everywhere")
            graph = self.iris.document_graph(doc.doc_id)
            writes.append(GraphWrite(
                graph=graph,
                quads=result.nquads,
                provenance=provenance_quads(doc.doc_id, iris=self.iris, fingerprint=plan[doc.doc_id][0],
                                            generated=when, versions=versions),
                provenance_subjects=(graph, self.iris.activity(doc.doc_id)),
            ))
        self.store.write(writes)

    def remove(self, doc_id: str) -> bool:
        removed = self.store.remove_document(doc_id)
        self.store.flush()
        return removed

