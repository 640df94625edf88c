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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.ids import Iris
from kg.model import CuratedEntity, SourceDocument
from kg.rdf import (
    Versions,
    curated_entities,
    document_quads,
    load_static_graph,
    provenance_quads,
    static_provenance_quads,
)
from kg.reader import InputError, discover, read_path
from kg.settings import Settings
from kg.store import GraphWrite, KGStore

if TYPE_CHECKING:
    from kg.nlp.extract import Extractor

__all__ = [
    "BuildReport",
    "Builder",
    "generation_time",
    "open_store",
    "read_documents",
]

ONTOLOGY_FILE = "conflict-kg.ttl"
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


def open_store(settings: Settings, *, read_only: bool = False) -> KGStore:
    """The configured on-disk store."""
    return KGStore(settings.store, iris=Iris(settings.base_iri), read_only=read_only)


def read_documents(paths: Iterable[str | Path]) -> list[SourceDocument]:
    """Every document under ``paths``; any unreadable file or duplicate id raises :class:`InputError`."""
    docs: list[SourceDocument] = []
    seen: dict[str, str] = {}
    for path in discover(paths):
        for doc in read_path(path):
            if doc.doc_id in seen:
                raise InputError(doc.path, f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}")
            seen[doc.doc_id] = doc.path
            docs.append(doc)
    return docs


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

    def __init__(self, store: KGStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.iris = store.iris
        self._extractor: Extractor | None = None
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
        self.entities = curated_entities(entity_quads or [])
        return self.entities

    # -- documents -------------------------------------------------------------------------

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            from kg.nlp.extract import Extractor

            self._extractor = Extractor(model=self.settings.spacy_model, entities=self.entities, iris=self.iris)
        return self._extractor

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
        info = self.extractor.info
        return Versions(extractor=__version__, model_name=info.name, model_version=info.version,
                        spacy_version=info.spacy_version)

    def add(self, docs: Sequence[SourceDocument], *, progress: Callable[[SourceDocument, str], None] | None = None,
            batch_size: int = 16, workers: int = 1) -> BuildReport:
        """Extract and write documents; each is written in its own transaction as soon as it is done."""
        if not self.entities:
            self.install_static_graphs()
        report = BuildReport()
        versions = self.versions()
        todo: list[tuple[SourceDocument, str, bool]] = []
        for doc in docs:
            fp = self.fingerprint(doc, versions)
            old = self.store.fingerprint(self.iris.document_graph(doc.doc_id))
            if old == fp:
                report.unchanged.append(doc.doc_id)
                if progress:
                    progress(doc, "unchanged")
            else:
                todo.append((doc, fp, old is not None))
        when = generation_time()
        extractions = self.extractor.extract_many((d for d, _, _ in todo), batch_size=batch_size,
                                                  n_process=max(1, workers))
        for (doc, fp, existed), extraction in zip(todo, extractions, strict=True):
            graph = self.iris.document_graph(doc.doc_id)
            write = GraphWrite(
                graph=graph,
                quads=document_quads(extraction, self.iris),
                provenance=provenance_quads(doc.doc_id, iris=self.iris, fingerprint=fp, generated=when,
                                            versions=versions),
                provenance_subjects=(graph, self.iris.activity(doc.doc_id)),
            )
            self.store.write([write])
            (report.replaced if existed else report.added).append(doc.doc_id)
            if progress:
                progress(doc, "replaced" if existed else "added")
        self.store.flush()
        return report

    def remove(self, doc_id: str) -> bool:
        removed = self.store.remove_document(doc_id)
        self.store.flush()
        return removed

