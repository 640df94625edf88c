"""Where extraction runs: in this process, in a pool of local processes, or on a Dask cluster.

:class:`kg.build.Builder` hands batches of documents to an executor and writes what comes
back. A batch is extracted by :func:`extract_batch` wherever it runs: spaCy, the rule layers
and the RDF conversion all happen in the worker, which returns each document's graph as
N-Quads bytes (compact to ship, and loaded by the store without building Python objects).
The writer stays in the calling process: it alone holds the store.

At most a few batches per worker are in flight, so a build of 100,000 documents streams with
flat memory. Results come back as they finish; the graph does not depend on their order,
since every document has its own named graph and every IRI is a content hash or a slug.

Dask (``dask://HOST:PORT``) was chosen over Ray for the distributed executor: it is a small
pure-Python dependency, its scheduler and workers start with one command each
(``dask scheduler``, ``dask worker tcp://HOST:8786``), and it ships plain pickled functions
to workers without an object store or a runtime environment of its own.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kg import faults
from kg.lifeline import Lifeline, die_with_parent
from kg.model import CuratedEntity, SourceDocument

__all__ = [
    "DaskExecutor",
    "ExtractedDocument",
    "Executor",
    "ExtractorSpec",
    "LocalExecutor",
    "ProcessExecutor",
    "executor_for",
    "extract_batch",
]


@dataclass(frozen=True)
class ExtractorSpec:
    """What a worker needs to build the same extractor as the caller (picklable)."""

    model: str
    entities: tuple[CuratedEntity, ...]
    base_iri: str
    key: str  # identifies model + entities + base: workers cache one extractor per key
    gazetteer: str | None = None  # the world gazetteer file; None: no geoparsing
    world_dir: str | None = None  # ontology/world
    links: tuple[tuple[str, str], ...] = ()  # normalised name -> Wikidata id (kg link)
    # the trained event classifier: (model directory, threshold, gate, generic only); None: rules only
    event_classifier: tuple[str, float, bool, bool] | None = None


@dataclass(frozen=True)
class ExtractedDocument:
    """One document's graph as N-Quads, and the model that made it."""

    doc_id: str
    nquads: bytes
    model_name: str
    model_version: str
    spacy_version: str


_EXTRACTORS: dict[str, Any] = {}
_EXTRACTORS_LOCK = threading.Lock()


def _extractor(spec: ExtractorSpec) -> Any:
    with _EXTRACTORS_LOCK:
        extractor = _EXTRACTORS.get(spec.key)
        if extractor is None:
            from kg.nlp.extract import Extractor

            extractor = Extractor.from_spec(spec)
            _EXTRACTORS.clear()  # one at a time: a worker serves one build
            _EXTRACTORS[spec.key] = extractor
        return extractor


def extract_batch(spec: ExtractorSpec, docs: Sequence[SourceDocument]) -> list[ExtractedDocument]:
    """Extract ``docs`` and serialize each document's graph (runs in the worker)."""
    import pyoxigraph as ox

    from kg.rdf import document_quads

    extractor = _extractor(spec)
    info = extractor.info
    out = []
    for doc, extraction in zip(docs, extractor.extract_many(docs, batch_size=len(docs) or 1), strict=True):
        data = ox.serialize(document_quads(extraction, extractor.iris), None, ox.RdfFormat.N_QUADS)
        out.append(ExtractedDocument(doc.doc_id, data or b"", info.name, info.version, info.spacy_version))
    return out


Batch = list[SourceDocument]


class Executor(Protocol):
    """Runs :func:`extract_batch` over batches, yielding ``(batch, results)`` as they finish."""

    def map(self, spec: ExtractorSpec, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[ExtractedDocument]]]:
        ...

    def close(self) -> None:
        ...


class LocalExecutor:
    """In this process, one batch after another."""

    def map(self, spec: ExtractorSpec, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[ExtractedDocument]]]:
        for batch in batches:
            yield batch, extract_batch(spec, batch)

    def close(self) -> None:
        pass


def _bounded(submit: Callable[[Batch], Any], wait_first: Callable[[set[Any]], tuple[set[Any], set[Any]]],
             result: Callable[[Any], list[ExtractedDocument]], batches: Iterable[Batch],
             window: int) -> Iterator[tuple[Batch, list[ExtractedDocument]]]:
    """Keep at most ``window`` batches in flight; yield each as it completes."""
    pending: dict[Any, Batch] = {}
    source = iter(batches)
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            batch = next(source, None)
            if batch is None:
                exhausted = True
                break
            pending[submit(batch)] = batch
            faults.point("extract.submitted")
        if not pending:
            return
        done, _ = wait_first(set(pending))
        for future in [f for f in pending if f in done]:  # in submission order
            batch = pending.pop(future)
            yield batch, result(future)


def _init_worker(lifeline: Lifeline) -> None:
    """An extraction worker dies with the build (a killed ``kg build`` leaves no worker behind:
    ``lifeline`` set the death signal when the worker unpickled it, and exited if the build was
    already gone) and leaves Ctrl-C to it (the build then stops and reports what is stored)."""
    die_with_parent(b"ckg-extract", parent=lifeline.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor:
    """A pool of local worker processes (``kg build --workers N``), each with its own pipeline."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        # spawn: never fork a process that may hold a RocksDB handle and threads
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                            initargs=(Lifeline(b"ckg-extract"),),
                                            mp_context=multiprocessing.get_context("spawn"))

    def map(self, spec: ExtractorSpec, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[ExtractedDocument]]]:
        def wait_first(futures: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
            return set(done), set(rest)

        return _bounded(lambda batch: self._pool.submit(extract_batch, spec, batch), wait_first,
                        lambda f: f.result(), batches, window=2 * self.workers)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Batches run as tasks on a Dask distributed cluster (``kg build --executor dask://HOST:PORT``).

    Every worker needs conflict-kg and the spaCy model installed; the curated entities travel
    with the job, so workers need no ontology files.
    """

    def __init__(self, address: str) -> None:
        try:
            self._dask: Any = importlib.import_module("distributed")
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ValueError("the dask executor needs the 'distributed' package: "
                             "pip install 'conflict-kg[dask]'") from exc
        try:
            # connect timeout: dask config distributed.comm.timeouts.connect (default 30 s; env
            # DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            self._client: Any = self._dask.Client(address)
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        threads = sum(self._client.nthreads().values()) or 1
        self.workers = threads

    def map(self, spec: ExtractorSpec, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[ExtractedDocument]]]:
        wait = self._dask.wait
        [spec_future] = self._client.scatter([spec], broadcast=True, hash=False)

        def wait_first(futures: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = wait(list(futures), return_when="FIRST_COMPLETED")
            return set(done), set(rest)

        def submit(batch: Batch) -> Any:
            return self._client.submit(extract_batch, spec_future, batch, pure=False)

        def result(future: Any) -> list[ExtractedDocument]:
            value: list[ExtractedDocument] = future.result()
            future.release()
            return value

        return _bounded(submit, wait_first, result, batches, window=2 * self.workers)

    def close(self) -> None:
        self._client.close()


def check_executor(executor: str) -> str:
    """``executor`` if :func:`executor_for` knows its kind, else ValueError (checked on the
    command line before anything is loaded)."""
    if executor in ("", "local") or executor.startswith(("dask://", "tcp://")):
        return executor
    raise ValueError(f"unknown executor {executor!r}: use 'local' or dask://HOST:PORT")


def executor_for(executor: str | None, workers: int) -> Executor:
    """``None``/``local`` (with ``workers`` > 1: a process pool), or ``dask://HOST:PORT``."""
    if executor in (None, "", "local"):
        if workers == 0:
            workers = os.cpu_count() or 1
        return ProcessExecutor(workers) if workers > 1 else LocalExecutor()
    if executor.startswith("dask://"):
        address = "tcp://" + executor[len("dask://"):]
        return DaskExecutor(address)
    if executor.startswith("tcp://"):
        return DaskExecutor(executor)
    check_executor(executor)  # raises: there is no other kind
    raise AssertionError(executor)
