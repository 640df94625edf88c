"""The on-disk pyoxigraph store: one named graph per document, replaced atomically.

Called by :mod:`kg.build` (writes), the command line and the HTTP API (reads). A document is
written with a single SPARQL UPDATE (drop its graph and its provenance, insert the new
ones), which oxigraph applies as one transaction: a reader or a crash sees the document
either as it was or complete, never half-written.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg import faults
from kg.ids import Iris
from kg.vocab import CKG, PREFIXES, RDF, RDFS, dump_prefixes

__all__ = ["DUMP_FORMATS", "BaseStore", "GraphWrite", "KGStore", "StoreLockedError", "default_snapshot_root",
           "dump_quads", "nquads_payload", "open_for_reading", "update_text"]

DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
_QUAD_FORMATS = {"trig", "nq", "jsonld"}
FLUSH_BYTES = 8 * 1024 * 1024
BULK_BYTES = 256 * 1024  # below this a transactional load is as fast as the bulk loader
# oxigraph's bulk loader ingests at most this many quads at once (DEFAULT_BULK_LOAD_BATCH_SIZE);
# a bigger load would be several ingestions, not atomic: such a write is a transaction instead
BULK_MAX_QUADS = 1_000_000
COMPACTION_NICENESS = 19  # RocksDB's compaction threads, while a bulk writer builds (see _compaction_priority)
# ... unless the compactions fall this far behind: SST files smaller than SMALL_SST_BYTES (the
# ingested ones: compactions write 64 MB files) above the high mark, until back below the low one
SMALL_SST_BYTES = 16 * 1024 * 1024
COMPACTION_DEBT_FILES = (60, 160)


class StoreLockedError(OSError):
    """Another process (``kg serve``, another ``kg build``) has the store open for writing."""


def default_snapshot_root(store_path: Path) -> Path:
    """``<parent>/.<store name>-snapshots``: where a running server keeps the checkpoints of its store
    (:mod:`api.querypool`), beside the store (same filesystem, so checkpoints are hard links)."""
    store_path = store_path.resolve()
    return store_path.parent / f".{store_path.name}-snapshots"


def _nt(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | ox.Triple) -> str:
    return str(term)


@dataclass(frozen=True)
class GraphWrite:
    """Replace one named graph and its provenance description in one transaction."""

    graph: str
    quads: Sequence[ox.Quad] | bytes  # bytes: the graph as N-Quads (as extraction workers send it)
    provenance: Sequence[ox.Quad]
    provenance_subjects: Sequence[str]  # subjects whose provenance triples are replaced


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class BaseStore:
    """What conflict-kg needs of a quad store, on a few primitives that each backend provides:
    :class:`KGStore` (embedded pyoxigraph on disk) and :class:`kg.remote.RemoteStore` (a SPARQL
    1.1 endpoint). Everything else (documents, fingerprints, stats, dumps) is written once here."""

    iris: Iris
    version: int  # bumped by every write made through this object (caches key on it)
    path: Path | None  # the on-disk directory, None for in-memory and remote stores
    location: str  # for messages

    # -- primitives ----------------------------------------------------------------------

    def quads_for_pattern(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                          obj: Term | None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Quads matching the pattern (``None`` matches anything; any named graph when ``graph`` is None)."""
        raise NotImplementedError

    def named_graphs(self) -> list[str]:
        raise NotImplementedError

    def query(self, sparql: str, *, union: bool = True, base_iri: str | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        raise NotImplementedError

    def quad_count(self) -> int:
        raise NotImplementedError

    def _apply(self, writes: list[GraphWrite]) -> None:
        """Apply the writes in one transaction."""
        raise NotImplementedError

    def flush(self) -> None:
        """Make every write durable."""

    def close(self) -> None:
        """Release the store (the object is not used afterwards)."""

    def optimize(self) -> None:
        """Reorganize the store for reading after a batch of writes (where the backend can)."""

    def check(self) -> None:
        """Raise ``OSError`` when the store cannot serve conflict-kg (see :meth:`kg.remote.RemoteStore.check`)."""

    # -- writing -------------------------------------------------------------------------

    def write(self, writes: Iterable[GraphWrite]) -> None:
        """Apply graph replacements in one transaction (all of them, or none)."""
        writes = list(writes)
        if writes:
            self._apply(writes)
            self.version += 1

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document's graph and its provenance; False when it was not there."""
        graph = self.iris.document_graph(doc_id)
        if not self.has_graph(graph):
            return False
        self.write([GraphWrite(graph=graph, quads=(), provenance=(),
                               provenance_subjects=(graph, self.iris.activity(doc_id)))])
        return True

    # -- reading -------------------------------------------------------------------------

    def has_graph(self, graph: str) -> bool:
        return next(self.quads_for_pattern(None, None, None, ox.NamedNode(graph)), None) is not None

    def _is_new(self, write: GraphWrite) -> bool:
        """Neither the write's graph nor provenance for its subjects is stored yet."""
        if self.has_graph(write.graph):
            return False
        prov = ox.NamedNode(self.iris.provenance_graph)
        return all(next(self.quads_for_pattern(ox.NamedNode(s), None, None, prov), None) is None
                   for s in write.provenance_subjects)

    def fingerprint(self, graph: str) -> str | None:
        """The fingerprint recorded for a graph in the provenance graph."""
        for q in self.quads_for_pattern(ox.NamedNode(graph), ox.NamedNode(CKG.fingerprint), None,
                                        ox.NamedNode(self.iris.provenance_graph)):
            return str(getattr(q.object, "value", ""))
        return None

    def fingerprints(self) -> dict[str, str]:
        """Every graph's recorded fingerprint, by graph IRI (one read, however many documents)."""
        return {str(getattr(q.subject, "value", "")): str(getattr(q.object, "value", ""))
                for q in self.quads_for_pattern(None, ox.NamedNode(CKG.fingerprint), None,
                                                ox.NamedNode(self.iris.provenance_graph))}

    def document_ids(self) -> list[str]:
        """Ids of every document graph, sorted."""
        ids = []
        for q in self.quads_for_pattern(None, ox.NamedNode(RDF.type), ox.NamedNode(CKG.DocumentGraph),
                                        ox.NamedNode(self.iris.provenance_graph)):
            doc_id = self.iris.doc_id_of_graph(str(getattr(q.subject, "value", "")))
            if doc_id is not None:
                ids.append(doc_id)
        return sorted(ids)

    def graphs(self) -> list[str]:
        return sorted(self.named_graphs())

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one named graph, sorted."""
        return sorted(self.quads_for_pattern(None, None, None, ox.NamedNode(graph)), key=str)

    def count(self, sparql_where: str) -> int:
        """``SELECT (COUNT(*) AS ?n) WHERE {…}`` over the union graph."""
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {sparql_where} }}")
        for row in result:  # type: ignore[union-attr]
            return int(row["n"].value)
        return 0

    def stats(self) -> dict[str, object]:
        """Counts by kind of node and per document graph."""
        prov = self.iris.provenance_graph
        kinds = {
            "documents": f"GRAPH <{prov}> {{ ?g a <{CKG.DocumentGraph}> }}",
            "mentions": f"?m a <{CKG.Mention}> ; <{CKG.refersTo}> ?e",
            "entities": f"SELECT DISTINCT ?e WHERE {{ ?m <{CKG.refersTo}> ?e }}",
            "statements": f"?s a <{CKG.Statement}>",
            "events": f"SELECT DISTINCT ?e WHERE {{ ?e a ?c . ?c <{RDFS.subClassOf}>* <{CKG.Event}> }}",
            "casualty_claims": f"?c a <{CKG.CasualtyClaim}>",
        }
        out: dict[str, object] = {}
        for name, where in kinds.items():
            out[name] = self.count(where if not where.startswith("SELECT") else f"{{ {where} }}")
        out["quads"] = self.quad_count()
        per_graph: dict[str, int] = {}
        for row in self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                              union=False):  # type: ignore[union-attr]
            per_graph[row["g"].value] = int(row["n"].value)
        out["graphs"] = dict(sorted(per_graph.items()))
        by_class: dict[str, int] = {}
        for row in self.query(f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?c .
                FILTER(STRSTARTS(STR(?c), "{CKG.base}")) }} GROUP BY ?c ORDER BY ?c"""):  # type: ignore[union-attr]
            by_class[row["c"].value[len(CKG.base):]] = int(row["n"].value)
        out["by_class"] = by_class
        per_doc: dict[str, dict[str, int]] = {}
        for row in self.query(f"""SELECT ?g ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH ?g {{ ?x a ?c }}
                VALUES ?c {{ <{CKG.Mention}> <{CKG.Statement}> <{CKG.Event}> <{CKG.CasualtyClaim}> }} }}
                GROUP BY ?g ?c""", union=False):  # type: ignore[union-attr]
            doc_id = self.iris.doc_id_of_graph(row["g"].value)
            if doc_id is not None:
                per_doc.setdefault(doc_id, {})[row["c"].value[len(CKG.base):]] = int(row["n"].value)
        out["per_document"] = dict(sorted(per_doc.items()))
        return out

    # -- dumping -------------------------------------------------------------------------

    def iter_quads(self) -> Iterator[ox.Quad]:
        """Every quad, graph by graph in IRI order, each graph sorted (deterministic)."""
        for graph in self.graphs():
            yield from self.graph_quads(graph)

    def graph_bytes(self, graph: str) -> bytes:
        """One named graph as sorted N-Triples."""
        buf = io.BytesIO()
        ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in self.graph_quads(graph)], buf,
                     ox.RdfFormat.N_TRIPLES)
        return buf.getvalue()

    def iter_triples(self) -> list[ox.Triple]:
        """The union graph's triples, deduplicated and sorted."""
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.iter_quads()}
        return sorted(triples, key=str)

    def dump(self, fmt: str, output: BinaryIO) -> None:
        """Serialize the store deterministically. ``fmt`` is a key of :data:`DUMP_FORMATS`.

        Quad formats (trig, nq, jsonld) keep every named graph; triple formats (ttl, nt, rdf)
        write the union graph. The same store content always gives the same bytes.
        """
        if fmt not in DUMP_FORMATS:
            raise ValueError(f"unknown dump format {fmt!r}; use one of {', '.join(DUMP_FORMATS)}")
        dump_quads(self.iter_quads() if fmt in _QUAD_FORMATS else self.iter_triples(), fmt, output,
                   base=self.iris.base)

    def dump_bytes(self, fmt: str) -> bytes:
        buf = io.BytesIO()
        self.dump(fmt, buf)
        return buf.getvalue()


class KGStore(BaseStore):
    """The embedded pyoxigraph store on disk (or in memory when ``path`` is None).

    >>> store = KGStore(None)
    >>> store.document_ids()
    []
    """

    def __init__(self, path: str | Path | None, *, iris: Iris | None = None, read_only: bool = False,
                 bulk: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        # bulk: batches of new graphs go in with Store.bulk_load (SST files ingested in one RocksDB
        # IngestExternalFiles call, atomic across column families) instead of a transaction;
        # for the command line, which holds the store alone (decision 0005)
        self.bulk = bulk and self.path is not None
        self.location = str(self.path) if self.path is not None else "(in memory)"
        self.iris = iris or Iris()
        self.version = 0
        self._unflushed = 0  # bytes written since the last flush
        self._cleanup: Path | None = None  # a private snapshot copy deleted on close
        self._yielding = False  # RocksDB's background threads run at COMPACTION_NICENESS
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = faults.guard(ox.Store(str(self.path)))
                if self.bulk:
                    _compaction_priority(COMPACTION_NICENESS)
                    self._yielding = True
        except OSError as exc:
            text = str(exc).lower()
            if "lock" in text or "resource temporarily unavailable" in text:
                raise StoreLockedError(
                    f"store {self.path} is in use by another process (a running 'kg serve'?); "
                    "add or remove documents through it (kg add --server URL, kg remove --server URL), "
                    "or stop it"
                ) from exc
            raise

    def close(self) -> None:
        cleanup = getattr(self, "_cleanup", None)
        if cleanup is not None:
            del self.store  # RocksDB closes its files before the private copy goes
            shutil.rmtree(cleanup, ignore_errors=True)
            self._cleanup = None

    def __del__(self) -> None:
        self.close()

    def _apply(self, writes: list[GraphWrite]) -> None:
        """When none of the graphs exists yet (a fresh build), one transactional ``Store.load``
        (or ``Store.extend``) of the quads; otherwise one SPARQL UPDATE drops the old graphs and
        provenance and inserts the new ones. Either is all or nothing."""
        if all(self._is_new(w) for w in writes):
            if not self.bulk and all(not isinstance(w.quads, bytes) for w in writes):
                quads = [q for w in writes for q in (*w.quads, *w.provenance)]
                self.store.extend(quads)
                written = 150 * len(quads)
            else:
                payload = nquads_payload(writes)
                if self.bulk and BULK_BYTES <= len(payload) and payload.count(b"\n") < BULK_MAX_QUADS:
                    self.store.bulk_load(payload, format=ox.RdfFormat.N_QUADS)
                else:
                    self.store.load(payload, format=ox.RdfFormat.N_QUADS)
                written = len(payload)
        else:
            text = update_text(writes, self.iris.provenance_graph)
            self.store.update(text)
            written = len(text)
        # RocksDB keeps what was written in memory until a flush: flush every few MB written, so a
        # long build's memory stays flat (measured: 1.2 GB after 1.7M quads without, 130 MB with)
        if self.bulk:
            self._pace_compactions()
        self._unflushed += written
        if self._unflushed >= FLUSH_BYTES:
            self.flush()

    def _pace_compactions(self) -> None:
        """Compactions put off (at low priority) leave ingested files behind; should too many pile
        up (reads look at each), they get the process's priority until they have caught up."""
        if self.path is None:
            return
        try:
            small = sum(1 for e in os.scandir(self.path)
                        if e.name.endswith(".sst") and e.stat().st_size < SMALL_SST_BYTES)
        except OSError:
            return
        low, high = COMPACTION_DEBT_FILES
        if self._yielding and small > high:
            _compaction_priority(None)
            self._yielding = False
        elif not self._yielding and small < low:
            _compaction_priority(COMPACTION_NICENESS)
            self._yielding = True

    def flush(self) -> None:
        self.store.flush()
        self._unflushed = 0

    def optimize(self) -> None:
        """Compact the store (RocksDB): a build's many ingested files become few, and queries on
        it run as fast as on a store bulk-loaded at once (measured: the slowest bench query
        165 -> 135 ms on 2,000 documents; the compaction took 0.6 s)."""
        if self.path is not None:
            if self.bulk:  # the writing is done: the compaction may have the cores
                _compaction_priority(None)
                self._yielding = False
            self.store.optimize()

    def quads_for_pattern(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                          obj: Term | None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return iter(self.store.quads_for_pattern(subject, predicate, obj, graph))

    def named_graphs(self) -> list[str]:
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    def quad_count(self) -> int:
        return len(self.store)

    def query(self, sparql: str, *, union: bool = True, base_iri: str | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless given.

        Common prefixes (ckg:, res:, prov:…) are predeclared. Raises ``SyntaxError`` for a
        malformed query (updates are rejected as syntax errors) and ``OSError`` on storage errors.
        """
        kwargs: dict[str, object] = {"prefixes": {**PREFIXES, "res": self.iris.base}}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = union
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if base_iri:
            kwargs["base_iri"] = base_iri
        return self.store.query(sparql, **kwargs)  # type: ignore[arg-type]

    def iter_triples(self) -> list[ox.Triple]:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.store}
        return sorted(triples, key=str)


def _compaction_priority(niceness: int | None) -> None:
    """Set the nice value of RocksDB's compaction threads (its low-priority pool, ``rocksdb:low``)
    in this process (``None``: back to the process's own, where allowed). Not the flush thread
    (``rocksdb:high``): the writer waits for flushes (a niced flush thread delayed the first
    document reported done by seconds on a loaded machine).

    A build's writer ingests one SST file per column family and write; RocksDB merges them into
    the store in its background threads, at a cost that grows with the store, on the cores the
    extraction workers need. At the lowest priority those merges run when a core is idle; put
    off, they merge more files at a time, which costs less in total (and ``kg build`` compacts
    the store once at the end anyway). Linux only (threads have their own nice value there);
    elsewhere, or when the threads cannot be found, nothing changes."""
    tasks = Path("/proc/self/task")
    try:
        value = os.getpriority(os.PRIO_PROCESS, 0) if niceness is None else niceness
        for task in tasks.iterdir():
            try:
                if (task / "comm").read_text().startswith("rocksdb:low"):
                    os.setpriority(os.PRIO_PROCESS, int(task.name), value)
            except (OSError, ValueError):
                continue
    except OSError:
        pass


def open_for_reading(path: str | Path, *, iris: Iris | None = None, snapshot_root: Path | None = None) -> KGStore:
    """The store at ``path`` for a command that only reads (``kg query``, ``stats``, ``dump``…).

    A store nobody else holds is opened as usual. One that a running ``kg serve`` holds (RocksDB
    allows one writer, and reading a store another process writes is undefined behaviour in
    pyoxigraph) is read from the newest checkpoint the server keeps for its query workers
    (taken at startup and within half a second of every write): its files are hard-linked into a
    private directory (so the server may delete the checkpoint meanwhile), opened read-only and
    deleted on :meth:`KGStore.close`."""
    try:
        return KGStore(path, iris=iris)
    except StoreLockedError as locked:
        root = snapshot_root or default_snapshot_root(Path(path))
        for _ in range(5):  # a checkpoint deleted while it is being linked: take the newer one
            try:
                generations = sorted((int(p.name) for p in root.iterdir() if p.name.isdigit()), reverse=True)
            except OSError:
                generations = []
            if not generations:
                raise StoreLockedError(
                    f"{locked}; the server keeps no snapshot to read from (CKG_QUERY_WORKERS=0?): "
                    "query it over HTTP instead (--store http://HOST:PORT/sparql)") from locked
            private = root / f"reader-{os.getpid()}-{generations[0]}"
            try:
                shutil.rmtree(private, ignore_errors=True)
                shutil.copytree(root / str(generations[0]), private, copy_function=os.link)
            except OSError:
                shutil.rmtree(private, ignore_errors=True)
                continue
            store = KGStore(private, iris=iris, read_only=True)
            store._cleanup = private
            atexit.register(shutil.rmtree, private, True)  # also when the command ends without close()
            store.location = f"{path} (the running server's snapshot {generations[0]})"
            return store
        raise locked


def dump_quads(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: str, output: BinaryIO, *,
               base: str) -> None:
    """Serialize sorted quads or triples in one of :data:`DUMP_FORMATS`."""
    rdf_format = DUMP_FORMATS[fmt]
    prefixes = dump_prefixes(base) if fmt in ("ttl", "trig") else None
    if fmt in ("nt", "nq"):
        # Line-based: serialize in bounded batches so memory stays flat on big stores.
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= 50_000:
                ox.serialize(batch, output, rdf_format)
                batch = []
        if batch:
            ox.serialize(batch, output, rdf_format)
        return
    kwargs: dict[str, object] = {}
    if prefixes:
        kwargs["prefixes"] = prefixes
    ox.serialize(list(items), output, rdf_format, **kwargs)  # type: ignore[arg-type]




def graph_quads(write: GraphWrite) -> Sequence[ox.Quad]:
    """The quads of a write's graph (parsing them when they came as N-Quads bytes)."""
    if isinstance(write.quads, bytes):
        return list(ox.parse(write.quads, format=ox.RdfFormat.N_QUADS))
    return write.quads


def nquads_payload(writes: Sequence[GraphWrite]) -> bytes:
    """Every quad of ``writes`` (graphs and provenance) as one N-Quads document."""
    parts: list[bytes] = []
    for w in writes:
        parts.append(w.quads if isinstance(w.quads, bytes) else
                     ox.serialize(list(w.quads), None, ox.RdfFormat.N_QUADS) or b"")
        if w.provenance:
            parts.append(ox.serialize(list(w.provenance), None, ox.RdfFormat.N_QUADS) or b"")
    return b"".join(p if not p or p.endswith(b"\n") else p + b"\n" for p in parts)


def update_text(writes: Iterable[GraphWrite], provenance_graph: str) -> str:
    """One SPARQL UPDATE that replaces each write's graph and its provenance description."""
    parts: list[str] = []
    inserts: dict[str, list[str]] = {}
    for w in writes:
        parts.append(f"DROP SILENT GRAPH <{w.graph}>")
        for subject in w.provenance_subjects:
            parts.append(f"DELETE WHERE {{ GRAPH <{provenance_graph}> {{ <{subject}> ?p ?o }} }}")
        for q in (*graph_quads(w), *w.provenance):
            inserts.setdefault(q.graph_name.value, []).append(  # type: ignore[union-attr]
                f"{_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} .")
    if inserts:
        body = "\n".join(f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" for g, lines in inserts.items())
        parts.append("INSERT DATA {\n" + body + "\n}")
    return " ;\n".join(parts)
