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

from kg import __version__, faults
from kg.executors import Executor, ExtractedDocument, ExtractorSpec, executor_for
from kg.ids import Iris
from kg.model import CuratedEntity, SourceDocument
from kg.rdf import (
    Versions,
    curated_entities,
    load_static_graph,
    provenance_quads,
    static_provenance_quads,
)
from kg.reader import InputError, discover, iter_path
from kg.settings import Settings
from kg.store import BaseStore, GraphWrite, KGStore

__all__ = [
    "BuildReport",
    "Builder",
    "check_documents",
    "generation_time",
    "iter_documents",
    "open_store",
    "read_documents",
]

ONTOLOGY_FILE = "conflict-kg.ttl"
WRITE_BYTES = 4 * 1024 * 1024  # N-Quads per store write (well under oxigraph's bulk-load batch)
ENTITIES_FILE = "entities.ttl"


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
                            timeout=max(60.0, settings.query_timeout + 5))
        store.check()
        return store
    return KGStore(settings.store, iris=iris, read_only=read_only, bulk=bulk)


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

    def __init__(self, store: BaseStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.iris = store.iris
        self._versions: Versions | None = None
        self.entities: list[CuratedEntity] = []
        self._entities_fingerprint = ""

    # -- static graphs ---------------------------------------------------------------------

    def install_static_graphs(self) -> list[CuratedEntity]:
        """Load the ontology and curated entities into their graphs when they changed."""
        onto_dir = self.settings.ontology_dir
        writes = []
        entity_quads = None
        for name, graph, kind in ((ONTOLOGY_FILE, self.iris.ontology_graph, "OntologyGraph"),
                                  (ENTITIES_FILE, self.iris.entities_graph, "CuratedGraph")):
            path = onto_dir / name
            if not path.is_file():
                raise InputError(path, "missing: the ontology folder must hold conflict-kg.ttl and entities.ttl "
                                       "(set CKG_ONTOLOGY_DIR)")
            fingerprint = hashlib.sha256(f"{_sha256_file(path)} {self.iris.base}".encode()).hexdigest()
            try:
                quads = load_static_graph(path, graph, base=self.iris.base)
            except SyntaxError as exc:
                raise InputError(path, f"invalid Turtle: {exc}") from exc
            if graph == self.iris.entities_graph:
                entity_quads = quads
                self._entities_fingerprint = fingerprint
            if self.store.fingerprint(graph) != fingerprint:
                prov = static_provenance_quads(graph, kind, iris=self.iris, source=f"ontology/{name}",
                                               fingerprint=fingerprint)
                writes.append(GraphWrite(graph=graph, quads=quads, provenance=prov, provenance_subjects=(graph,)))
        if writes:
            self.store.write(writes)
            self.store.check()
            faults.point("build.static")
        self.entities = curated_entities(entity_quads or [])
        return self.entities

    # -- documents -------------------------------------------------------------------------

    def spec(self) -> ExtractorSpec:
        """What an extraction worker needs to build this builder's extractor."""
        key = hashlib.sha256(json.dumps([self.settings.spacy_model, self._entities_fingerprint,
                                         self.iris.base]).encode()).hexdigest()
        return ExtractorSpec(model=self.settings.spacy_model, entities=tuple(self.entities),
                             base_iri=self.iris.base, key=key)

    def fingerprint(self, doc: SourceDocument, versions: Versions) -> str:
        meta = {
            "id": doc.doc_id, "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
            "url": doc.url, "outlet": doc.outlet, "extractor": versions.extractor,
            "model": [versions.model_name, versions.model_version], "entities": self._entities_fingerprint,
            "base": self.iris.base,
        }
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
                done_bytes += sum(len(r.nquads) for r in results)
                # Writes are cheaper in bigger pieces (fewer SST ingestions to compact): a few MB at
                # a time, or whatever came back in the last two seconds.
                if done_bytes >= WRITE_BYTES or time.monotonic() - since > 2.0:
                    commit()
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

