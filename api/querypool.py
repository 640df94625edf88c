"""Ad-hoc SPARQL queries in worker processes that can be killed at their deadline.

pyoxigraph cannot interrupt a running query from Python (oxigraph issue #1926), and a query
that sorts or groups does all its work before its first row, so a deadline checked between
rows does not stop it. ``/sparql`` therefore runs ad-hoc queries in a pool of worker
processes: a worker that has not answered by the deadline is killed (SIGKILL), which stops
the query and frees its memory at once, and the client gets 503. The server's own bounded
queries (canned queries, entity pages, dumps) keep running in-process.

* Workers are forked by multiprocessing's *forkserver* (itself a fresh interpreter that
  never opens the store), never from the server, which has RocksDB and threads open.
  ``CKG_QUERY_WARM_WORKERS`` idle ones are kept ready, so a killed worker is replaced before
  the next query needs it. At most ``CKG_QUERY_ACTIVE_WORKERS`` (the CPUs) evaluate quick
  queries at once, the others wait; a worker whose query has used 1 s of CPU or run 5 s no
  longer counts, and a query that has waited a quarter of its time limit (at most 2.5 s) with
  no worker coming free starts one, up to ``CKG_QUERY_WORKERS`` (decision 0007). Idle workers
  beyond the warm ones are stopped after 10 s.
* Workers never open the live store (the server holds it read-write, and a second reader of
  a RocksDB directory that is being written is undefined behaviour in pyoxigraph). The
  server takes a RocksDB checkpoint (``Store.backup``: hard links, a few milliseconds) into
  a snapshots directory beside the store at startup and whenever ``KGStore.version`` has
  changed since the last one (every write bumps it), before the next ad-hoc query. Workers
  open the newest checkpoint read-only; each job names its generation, and a worker reopens
  when it changes. A checkpoint is deleted once no worker has it open.
* A SELECT is evaluated and serialized by pyoxigraph in the worker, with the row cap
  (``CKG_RESULT_LIMIT``) as a ``LIMIT`` added to the query (:func:`kg.sparqltext.limit_select`).
  Anything else runs with :func:`kg.query.execute_query` (what a query means lives there,
  shared with the in-thread path and ``kg query``; this module is only the pool), which
  materializes the rows capped at ``CKG_RESULT_LIMIT``; the worker sends the response body
  already serialized in the negotiated format, as bytes; the deadline covers the evaluation,
  not the serialization of the (capped) result.
* When an idle worker has the current snapshot open, the event loop sends it the query and
  waits for its pipe (no thread); otherwise a pool thread waits for a worker, starts one or
  takes a checkpoint first.

See docs/decisions/0004-query-worker-processes.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import dataclasses
import fcntl
import io
import itertools
import json
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.ids import Iris
from kg.lifeline import die_with_parent
from kg.query import QueryError, check_query, execute_query, serialize_answer, timeout_message
from kg.sparqltext import has_dataset_clause, limit_select
from kg.store import KGStore, default_snapshot_root

__all__ = ["Answer", "QueryPool", "default_snapshot_root"]

log = logging.getLogger("api.querypool")

WORKER_NAME = b"ckg-query"  # the workers' process name (/proc/PID/comm, ps, top)
_GRACE = 0.5  # seconds past the deadline before a silent worker is killed (store reopen, row checks)
_SPAWN_TIMEOUT = 60.0  # a worker that is not ready by then is killed
_SERIALIZE_TIMEOUT = 300.0  # serializing a capped, materialized result
_RECYCLE_MB = 256  # a worker left bigger than this by a query is replaced (a fresh one is ~40 MB)
_WRITE_POLL = 0.5  # seconds between looks at KGStore.version, for a checkpoint soon after a write
_EVALUATED = "evaluated"  # a worker sends this when the evaluation is over, then the answer
_SLOW_CPU = 1.0  # CPU seconds: a worker whose query has used more no longer counts against the active budget
_SLOW_WALL = 5.0  # seconds: nor one busy for longer (waiting on something other than the CPU)
_PATIENCE = 2.5  # seconds: a query that has waited this long (or a quarter of its time limit) starts a worker
_IDLE_RETIRE = 10.0  # seconds: an idle worker beyond the warm ones is stopped after this long


# -- the messages between the server and a worker ----------------------------------------------


@dataclass(frozen=True)
class Job:
    """One query for a worker (``query=None``: only open the snapshot)."""

    generation: int
    snapshot: str
    base_iri: str
    query: str | None = None
    query_base_iri: str | None = None  # what relative IRIs in the query resolve against
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    limit: int = 0
    timeout: float = 0.0
    results_format: str | None = None  # json, xml, csv, tsv: for SELECT and ASK
    graph_media_type: str | None = None  # an RDF media type: for CONSTRUCT and DESCRIBE
    engine: bool = True  # SELECT results serialized by pyoxigraph (False: row by row in Python)


@dataclass(frozen=True)
class Answer:
    """A worker's answer: ``kind`` is boolean, rows, graph or error. ``body`` is the response
    body in the requested format, or None when the request asked for no format of that kind."""

    kind: str
    body: bytes | None = None
    status: int = 200
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    rss_mb: float = 0.0  # the worker's resident memory after the query


_ENGINE_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}


def _rows_in(body: bytes, fmt: str, cap: int) -> int:
    """How many rows a results document serialized by pyoxigraph holds; exact up to ``cap + 1``,
    and cheap when it cannot hold more than ``cap`` (a row takes at least 2 or 3 bytes)."""
    if fmt == "tsv":  # one line a row after the header; a newline in a term is escaped
        return body.count(b"\n") - 1
    if fmt == "xml":  # "<" in a term is escaped
        return body.count(b"<result>")
    if fmt == "json":
        if len(body) < 3 * (cap + 1):
            return 0
        return len(json.loads(body)["results"]["bindings"])
    if len(body) < 2 * (cap + 1):  # csv
        return 0
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1


def _answer_in_engine(store: KGStore, job: Job) -> Answer | None:
    """A SELECT evaluated and serialized by pyoxigraph itself, its rows capped by a LIMIT in the
    query (:func:`kg.sparqltext.limit_select`): no Python object per row. None when the query is
    not a SELECT the rewrite understands, or the rewritten text does not parse (the ordinary path
    then answers, with the error message of the query as sent)."""
    assert job.query is not None and job.results_format is not None
    capped = limit_select(job.query, job.limit)
    if capped is None:
        return None
    union = not job.default_graphs and not job.named_graphs and not has_dataset_clause(job.query)
    try:
        result = store.query(capped, union=union, default_graph=list(job.default_graphs) or None,
                             named_graphs=list(job.named_graphs) or None, base_iri=job.query_base_iri)
    except (SyntaxError, ValueError, OSError):
        return None
    if not isinstance(result, ox.QuerySolutions):
        return None
    try:
        body = result.serialize(format=_ENGINE_FORMATS[job.results_format])
    except (ValueError, OSError) as exc:  # evaluation errors surface while serializing
        raise QueryError(400, f"query failed: {exc}") from exc
    assert body is not None
    if _rows_in(body, job.results_format, job.limit) > job.limit:
        raise QueryError(413, f"the query returns more than {job.limit} rows; add a LIMIT")
    return Answer("rows", body)


def _answer(store: KGStore, job: Job, evaluated: Callable[[], None]) -> Answer:
    """Evaluate the job's query, call ``evaluated`` (the deadline no longer applies), then serialize."""
    assert job.query is not None
    if job.results_format is not None and job.limit > 0 and job.engine:
        check_query(job.query)
        answer = _answer_in_engine(store, job)
        if answer is not None:
            return answer  # evaluated and serialized at once: sent without the marker
    kind, value = execute_query(store, job.query, job.default_graphs, job.named_graphs, job.limit, job.timeout,
                                base_iri=job.query_base_iri)
    evaluated()
    graph_format = ox.RdfFormat.from_media_type(job.graph_media_type) if job.graph_media_type else None
    return Answer(kind, serialize_answer(kind, value, results_format=job.results_format, graph_format=graph_format))


def _rss_mb(pid: int | str = "self") -> float:
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def _die_with_the_server() -> None:
    """Make sure a worker busy with a runaway query does not outlive a server that is killed.

    The forkserver exits when the server's end of its "alive" pipe closes, but every child
    inherits a copy of that end: closed here, so only the server holds it. PR_SET_PDEATHSIG
    then has the kernel SIGKILL this worker when the forkserver (its parent) exits."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive_fd, int):
        with contextlib.suppress(OSError):
            os.close(alive_fd)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    die_with_parent(WORKER_NAME)


class _Marker:
    """Tells the server, once, that the evaluation is over (then the answer follows)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sent = False

    def __call__(self) -> None:
        if not self.sent:
            self.conn.send(_EVALUATED)
            self.sent = True


def _worker_main(conn: Connection) -> None:
    """A worker process: answer jobs until told to stop (None) or the server goes away."""
    _die_with_the_server()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on `kg serve` reaches the whole process group
    store: KGStore | None = None
    generation = -1
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        evaluated = _Marker(conn)
        try:
            if job.generation != generation:
                store = None  # close the previous snapshot before opening the next one
                store = KGStore(job.snapshot, iris=Iris(job.base_iri), read_only=True)
                generation = job.generation
            if job.query is None:
                conn.send(Answer("opened"))
                continue
            assert store is not None
            try:
                answer = _answer(store, job, evaluated)
            except QueryError as exc:
                answer = Answer("error", status=exc.status, message=exc.message)
        except (BrokenPipeError, ConnectionError):
            return
        except Exception:  # reported to the server as a 500, the traceback to the log
            traceback.print_exc()
            answer = Answer("error", status=500, message="internal server error")
        try:
            conn.send(dataclasses.replace(answer, rss_mb=_rss_mb()))
        except OSError:
            return


# -- the pool, in the server process ------------------------------------------------------------


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    generation: int = -1
    since: float = 0.0  # time.monotonic() of its last checkout (busy) or checkin (idle)
    cpu: float = 0.0  # its CPU seconds at its last checkout

    def slow(self, now: float) -> bool:
        """Busy for long, or with a query that has used much CPU: one that may run to its deadline."""
        busy = now - self.since
        # a query cannot have used more CPU than wall time: /proc is read only for the long ones
        return busy > _SLOW_WALL or (busy > _SLOW_CPU and _cpu_seconds(self.process.pid) - self.cpu > _SLOW_CPU)

    def checked_out(self) -> None:
        self.since = time.monotonic()
        self.cpu = _cpu_seconds(self.process.pid)


def _cpu_seconds(pid: int | None) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    path: Path
    version: int  # KGStore.version when it was taken


def _context() -> multiprocessing.context.ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    assert isinstance(ctx, multiprocessing.context.ForkServerContext)
    # Import once in the forkserver what every worker needs (and the server's main module,
    # which multiprocessing re-imports in each child), so forking a worker is cheap.
    # (`python -m kg.cli` is re-run in each child as __mp_main__, so its imports are preloaded,
    # not itself: running an already imported module again makes runpy warn.)
    ctx.set_forkserver_preload(["__main__", __name__, "kg.build", "kg.settings"])
    return ctx


class QueryPool:
    """Worker processes for ad-hoc queries over checkpoints of a local on-disk :class:`KGStore`.

    :meth:`start` takes the first checkpoint and warms workers up; :meth:`run` answers one
    query (from the event loop); :meth:`close` stops every worker and deletes the checkpoints.
    """

    def __init__(self, store: KGStore, *, max_workers: int = 12, warm_workers: int = 2,
                 snapshot_root: Path | None = None, memory_mb: int = 2048, active_workers: int = 0,
                 engine_results: bool = True) -> None:
        if store.path is None:
            raise ValueError("a query pool needs an on-disk store")
        self.store = store
        self.max_workers = max(1, max_workers)
        self.warm_workers = max(0, min(warm_workers, self.max_workers))
        # queries evaluating at once (more only wait: the CPUs are busy); slow ones do not count
        self.active_workers = min(self.max_workers, active_workers or max(2, os.cpu_count() or 2))
        self.engine_results = engine_results
        self.memory_mb = memory_mb  # a worker whose query grows past this is killed (0: no limit)
        self.snapshot_root = snapshot_root or default_snapshot_root(store.path)
        self._lock_file: IO[str] | None = None
        self._spawned = False
        self._ctx = _context()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[int] = set()  # ids of checked-out workers
        self._all: dict[int, _Worker] = {}
        self._starting = 0
        self._last_checkin = 0.0  # time.monotonic() when a worker last came free
        self._closed = False
        self._snap_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._pins: dict[int, int] = {}  # generation -> jobs about to send it to a worker
        self._generations = itertools.count(1)
        self._jobs = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="ckg-query")
        self._maintain = threading.Event()
        self._maintainer: threading.Thread | None = None
        self._slots: asyncio.Semaphore | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Take the first checkpoint and warm workers up in the background. Raises OSError when
        the snapshots directory is unusable or in use by another server."""
        _log_as_json()
        root = self.snapshot_root.resolve()
        store_dir = self.store.path.resolve() if self.store.path else None
        if store_dir is not None and (root == store_dir or store_dir in root.parents):
            raise OSError(f"the query snapshots directory {root} must not be inside the store")
        root.mkdir(parents=True, exist_ok=True)
        lock = (root / "LOCK").open("a")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            lock.close()
            raise OSError(f"the query snapshots directory {root} is in use by another server") from exc
        self._lock_file = lock
        for entry in root.iterdir():  # leftovers of a server that did not shut down cleanly
            if entry.name.isdigit():
                shutil.rmtree(entry, ignore_errors=True)
        self._current_snapshot()
        self._maintainer = threading.Thread(target=self._maintenance, name="ckg-query-pool", daemon=True)
        self._maintainer.start()
        self._maintain.set()

    def close(self) -> None:
        """Stop every worker (busy ones are killed) and delete the checkpoints."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all.values())
            idle = list(self._idle)
            self._idle.clear()
            self._cond.notify_all()
        self._maintain.set()
        for w in idle:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in workers:
            if w in idle:
                w.process.join(2)
            if w.process.is_alive():
                w.process.kill()  # a busy one: its job thread sees the end of its pipe
            w.process.join(5)
            if w in idle:
                w.conn.close()
        with self._cond:
            self._all.clear()
        self._jobs.shutdown(wait=False, cancel_futures=True)
        if self._maintainer is not None:
            self._maintainer.join(5)
        with self._snap_lock:
            self._snapshot = None
        if self._lock_file is not None:  # the directory is ours: delete it
            shutil.rmtree(self.snapshot_root, ignore_errors=True)
            self._lock_file.close()
            self._lock_file = None
        if self._spawned:  # now, rather than when the server exits
            _stop_forkserver()

    # -- answering a query -------------------------------------------------------------------

    async def run(self, query: str, *, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
                  limit: int, timeout: float, results_format: str | None,
                  graph_media_type: str | None, base_iri: str | None = None) -> Answer:
        """Answer one query in a worker; a worker silent past ``timeout`` is killed (503)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_workers)
        slots = self._slots
        try:
            async with asyncio.timeout(max(timeout, 1.0)):
                await slots.acquire()
        except TimeoutError:
            return Answer("error", status=503, message="every query worker is busy; try again shortly",
                          headers={"Retry-After": "1"})
        loop = asyncio.get_running_loop()

        def release(_: object) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: the server is stopping
                loop.call_soon_threadsafe(slots.release)

        job = Job(generation=0, snapshot="", base_iri=self.store.iris.base, query=query, query_base_iri=base_iri,
                  default_graphs=tuple(default_graphs), named_graphs=tuple(named_graphs), limit=limit,
                  timeout=timeout, results_format=results_format, graph_media_type=graph_media_type,
                  engine=self.engine_results)
        started = self._start_now(job)
        if started is not None:  # an idle worker was ready: answered from the event loop, no thread
            task = asyncio.ensure_future(self._finish(*started))
            task.add_done_callback(lambda _: slots.release())
            return await asyncio.shield(task)  # a client that goes away does not leave the worker unwatched
        try:
            future = self._jobs.submit(self._run_blocking, job)
        except RuntimeError:  # shut down
            slots.release()
            return Answer("error", status=503, message="the server is shutting down")
        future.add_done_callback(release)
        # Shielded: a client that goes away does not leave the worker busy with no one to kill it;
        # the job thread sees it through either way.
        return await asyncio.shield(asyncio.wrap_future(future))

    def _run_blocking(self, job: Job) -> Answer:
        try:
            snapshot = self._pin_snapshot()
        except OSError as exc:
            log.error("query snapshot failed: %s", exc)
            return Answer("error", status=503, message="the query snapshot could not be taken; try again")
        job = dataclasses.replace(job, generation=snapshot.generation, snapshot=str(snapshot.path))
        try:
            worker = self._dispatch(job, time.monotonic() + max(job.timeout, 1.0))
        except TimeoutError:
            return Answer("error", status=503, message="every query worker is busy; try again shortly",
                          headers={"Retry-After": "1"})
        except _PoolClosedError:
            return Answer("error", status=503, message="the server is shutting down")
        except OSError as exc:
            log.error("no query worker could be started: %s", exc)
            return Answer("error", status=503, message="no query worker could be started; try again")
        finally:
            self._unpin(snapshot.generation)
        try:
            over = self._wait_evaluated(worker, job.timeout + _GRACE)
            if over == "time":
                self._kill(worker, "ran past its deadline")
                return Answer("error", status=503, message=timeout_message(job.timeout))
            if over == "memory":
                self._kill(worker, f"grew past {self.memory_mb} MB")
                return Answer("error", status=503, message=f"query stopped: it needed more than {self.memory_mb} MB "
                                                           "of memory; narrow it or add a LIMIT")
            first = worker.conn.recv()
            if first == _EVALUATED:  # the answer follows, once serialized
                first = worker.conn.recv() if worker.conn.poll(_SERIALIZE_TIMEOUT) else None
        except (EOFError, OSError):
            return self._exited(worker)
        return self._answered(worker, first)

    def _exited(self, worker: _Worker) -> Answer:
        self._kill(worker, "exited")
        if self._closed:
            return Answer("error", status=503, message="the server is shutting down")
        return Answer("error", status=503, message="the query stopped: its worker process exited "
                                                   "(out of memory?); narrow it or add a LIMIT")

    def _answered(self, worker: _Worker, answer: object) -> Answer:
        """Check the worker in (or replace it) once it has sent ``answer``."""
        if not isinstance(answer, Answer):
            self._kill(worker, "answered out of turn")
            return Answer("error", status=500, message="internal server error")
        if answer.rss_mb > _RECYCLE_MB:  # freed memory is not always given back to the system
            self._kill(worker, f"kept {answer.rss_mb:.0f} MB after its query")
        else:
            self._checkin(worker)
        return answer

    def _stopped(self, worker: _Worker, over: str, timeout: float) -> Answer:
        if over == "time":
            self._kill(worker, "ran past its deadline")
            return Answer("error", status=503, message=timeout_message(timeout))
        self._kill(worker, f"grew past {self.memory_mb} MB")
        return Answer("error", status=503, message=f"query stopped: it needed more than {self.memory_mb} MB "
                                                   "of memory; narrow it or add a LIMIT")

    # -- the same, from the event loop: no thread, when an idle worker has the current snapshot open

    def _start_now(self, job: Job) -> tuple[_Worker, Job] | None:
        """Send the job to an idle worker that has the newest snapshot open, if there is one and
        the store has not changed since; never blocks. None: the caller takes the thread path."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != self.store.version:
            return None
        with self._cond:
            if self._closed or self._snapshot is not snapshot:
                return None
            same = [w for w in self._idle if w.generation == snapshot.generation]
            if not same or not same[-1].process.is_alive():
                return None
            worker = same[-1]
            self._idle.remove(worker)
            self._busy.add(id(worker))
            worker.checked_out()
            low = len(self._idle) < self.warm_workers
        if low:
            self._maintain.set()  # keep warm workers ready
        job = dataclasses.replace(job, generation=snapshot.generation, snapshot=str(snapshot.path))
        try:
            worker.conn.send(job)
        except OSError:
            self._kill(worker, "was gone")
            return None
        return worker, job

    async def _finish(self, worker: _Worker, job: Job) -> Answer:
        """Wait for the answer of a worker sent a job by :meth:`_start_now` (the same rules as the
        thread path: killed past the deadline or the memory limit)."""
        try:
            first = await self._receive(worker, job.timeout + _GRACE, watch_memory=True)
            if first in ("time", "memory"):
                return self._stopped(worker, str(first), job.timeout)
            if first == _EVALUATED:
                first = await self._receive(worker, _SERIALIZE_TIMEOUT, watch_memory=False)
        except (EOFError, OSError):
            return self._exited(worker)
        return self._answered(worker, first)

    async def _receive(self, worker: _Worker, seconds: float, *, watch_memory: bool) -> object:
        """The worker's next message, or "time" past ``seconds``, or "memory" as soon as its resident
        memory passes the limit (checked every 50 ms)."""
        loop = asyncio.get_running_loop()
        fd = worker.conn.fileno()
        woken: asyncio.Future[str | None] = loop.create_future()
        deadline = loop.time() + seconds
        ticks: list[asyncio.TimerHandle] = []

        def readable() -> None:
            if not woken.done():
                woken.set_result(None)

        def tick() -> None:
            if woken.done():
                return
            if loop.time() >= deadline:
                woken.set_result("time")
            elif watch_memory and self.memory_mb and worker.process.pid \
                    and _rss_mb(worker.process.pid) > self.memory_mb:
                woken.set_result("memory")
            else:
                ticks.append(loop.call_later(min(0.05, max(0.0, deadline - loop.time())) if watch_memory
                                             else max(0.0, deadline - loop.time()), tick))

        loop.add_reader(fd, readable)
        ticks.append(loop.call_later(min(0.05, seconds) if watch_memory else seconds, tick))
        try:
            over = await woken
        finally:
            loop.remove_reader(fd)
            for handle in ticks:
                handle.cancel()
        if over is not None:
            return over
        return worker.conn.recv()

    def _wait_evaluated(self, worker: _Worker, seconds: float) -> str | None:
        """Wait for the worker's first message; "time" past ``seconds``, "memory" as soon as its
        resident memory passes the limit (checked every 50 ms), None when it answered."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "time"
            if worker.conn.poll(min(left, 0.05)):
                return None
            if self.memory_mb and worker.process.pid and _rss_mb(worker.process.pid) > self.memory_mb:
                return "memory"

    def _dispatch(self, job: Job, deadline: float) -> _Worker:
        """Send the job to a worker; one that has just died is replaced (twice at most)."""
        for attempt in range(3):
            worker = self._checkout(job.generation, deadline)
            worker.generation = job.generation
            try:
                worker.conn.send(job)
                return worker
            except OSError:
                self._kill(worker, "was gone")
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # -- workers -----------------------------------------------------------------------------

    def _checkout(self, generation: int, deadline: float) -> _Worker:
        """An idle worker (preferably with this snapshot open), else a new one while fewer than
        ``active_workers`` are busy with young queries, or once this query has waited a quarter of
        its time for a worker (at most 2.5 s) while no worker has come free for that long (slow
        queries hold them, or they are still starting; under a queue of quick queries workers come
        free all the time, and a new one would not answer sooner), else wait (TimeoutError)."""
        waiting_since = time.monotonic()
        patience = min(_PATIENCE, (deadline - waiting_since) / 4)
        with self._cond:
            while True:
                if self._closed:
                    raise _PoolClosedError
                for dead in [w for w in self._idle if not w.process.is_alive()]:  # e.g. the OOM killer's
                    self._idle.remove(dead)
                    del self._all[id(dead)]
                    log.warning("query worker %s died while idle", dead.process.pid,
                                extra={"fields": {"pid": dead.process.pid, "reason": "died while idle"}})
                    dead.conn.close()
                if self._idle:
                    # the most recently used worker with this snapshot open, else the most recent
                    same = [w for w in self._idle if w.generation == generation]
                    worker = same[-1] if same else self._idle[-1]
                    self._idle.remove(worker)
                    self._busy.add(id(worker))
                    worker.checked_out()
                    self._maintain.set()  # keep warm workers ready
                    return worker
                now = time.monotonic()
                if len(self._all) + self._starting < self.max_workers \
                        and (self._young(now) + self._starting < self.active_workers
                             or (now - waiting_since >= patience and now - self._last_checkin >= patience)):
                    self._starting += 1
                    break
                remaining = deadline - now
                if remaining <= 0:
                    raise TimeoutError
                # wake when a worker is checked in; look again soon, as a busy one may turn slow
                until_patient = waiting_since + patience - now
                self._cond.wait(min(remaining, 0.1, until_patient) if until_patient > 0.001 else min(remaining, 0.1))
        started = self._start_reserved()
        if started is None:
            raise _PoolClosedError
        started.checked_out()
        self._maintain.set()
        return started

    def _young(self, now: float) -> int:
        """Busy workers whose queries are not slow (under ``_cond``)."""
        return sum(1 for w in self._all.values() if id(w) in self._busy and not w.slow(now))

    def _start_reserved(self) -> _Worker | None:
        """Spawn a worker for a slot reserved in ``_starting``: registered and checked out, or
        None when the pool closed meanwhile."""
        try:
            worker = self._spawn()
        finally:
            with self._cond:
                self._starting -= 1
        with self._cond:
            if self._closed:
                self._discard(worker)
                return None
            self._all[id(worker)] = worker
            self._busy.add(id(worker))
            worker.checked_out()
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(id(worker))
            if self._closed or id(worker) not in self._all:
                return
            worker.since = self._last_checkin = time.monotonic()
            self._idle.append(worker)
            self._cond.notify()
        self._maintain.set()  # its old snapshot may now be unused

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(child_end,), daemon=True, name="ckg-query")
        self._spawned = True
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        try:
            ready = parent_end.poll(_SPAWN_TIMEOUT) and parent_end.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._discard(worker)
            raise OSError(f"query worker {process.pid} did not start")
        return worker

    def _discard(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def _kill(self, worker: _Worker, why: str) -> None:
        """SIGKILL a worker: its query stops and its memory is freed; warm ones replace it."""
        with self._cond:
            self._busy.discard(id(worker))
            known = self._all.pop(id(worker), None) is not None
            self._cond.notify()
        if known:
            log.warning("query worker %s %s: killed", worker.process.pid, why,
                        extra={"fields": {"pid": worker.process.pid, "reason": why}})
        self._discard(worker)
        self._maintain.set()

    def _maintenance(self) -> None:
        """Keep warm workers ready, take a checkpoint soon after a write, move idle workers to the
        newest checkpoint, delete unused ones."""
        while True:
            self._maintain.wait(_WRITE_POLL)
            self._maintain.clear()
            if self._closed:
                return
            try:
                if self._snapshot is not None and self._snapshot.version != self.store.version:
                    self._current_snapshot()  # also done before the next query, if that comes first
                self._warm_up()
                self._retire_idle()
                self._refresh_idle()
                self._collect_snapshots()
            except Exception:  # noqa: BLE001 - keep the maintainer alive; the next query retries
                log.exception("query pool maintenance failed")
                time.sleep(1)
                self._maintain.set()

    def _warm_up(self) -> None:
        """Start idle workers up to ``warm_workers``, but not past the active budget counting those
        busy with young queries: under a steady load of fast queries the pool stays that small."""
        while True:
            with self._cond:
                young = self._young(time.monotonic())
                ready = len(self._idle) + self._starting
                if self._closed or ready >= self.warm_workers \
                        or young + ready >= max(self.active_workers, self.warm_workers) \
                        or len(self._all) + self._starting >= self.max_workers:
                    return
                self._starting += 1
            worker = self._start_reserved()
            if worker is None:
                return
            self._refresh(worker)

    def _retire_idle(self) -> None:
        """Stop the idle workers beyond the warm ones that have not been used for a while (a burst of
        slow queries started them)."""
        now = time.monotonic()
        with self._cond:
            extra = len(self._idle) - self.warm_workers
            old = [w for w in self._idle if now - w.since > _IDLE_RETIRE][:max(0, extra)]
            for w in old:
                self._idle.remove(w)
                del self._all[id(w)]
        for w in old:
            with contextlib.suppress(OSError):
                w.conn.send(None)
            w.process.join(2)
            self._discard(w)

    def _refresh_idle(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        with self._cond:
            stale = [w for w in self._idle if w.generation != snapshot.generation]
            for w in stale:
                self._idle.remove(w)
                self._busy.add(id(w))
                w.checked_out()
        for w in stale:
            self._refresh(w)

    def _refresh(self, worker: _Worker) -> None:
        """Open the newest snapshot in a checked-out worker, then check it in."""
        try:
            snapshot = self._pin_snapshot()
        except OSError:
            self._checkin(worker)
            return
        try:
            try:
                worker.conn.send(Job(generation=snapshot.generation, snapshot=str(snapshot.path),
                                     base_iri=self.store.iris.base))
            finally:
                worker.generation = snapshot.generation
                self._unpin(snapshot.generation)
            reply = worker.conn.recv() if worker.conn.poll(_SPAWN_TIMEOUT) else None
            if not isinstance(reply, Answer) or reply.kind != "opened":
                raise OSError("the worker did not open the snapshot")
        except (EOFError, OSError):
            self._kill(worker, "did not open the snapshot")
            return
        self._checkin(worker)

    # -- snapshots ---------------------------------------------------------------------------

    def _current_snapshot(self) -> _Snapshot:
        """The newest checkpoint, taken now if the store has changed since the last one."""
        with self._snap_lock:
            version = self.store.version  # read before the checkpoint: it holds at least this version
            if self._snapshot is not None and self._snapshot.version == version:
                return self._snapshot
            if self._closed:
                raise OSError("the query pool is closed")
            generation = next(self._generations)
            path = self.snapshot_root / str(generation)
            if path.exists():
                shutil.rmtree(path)
            started = time.perf_counter()
            self.store.store.backup(str(path))
            ms = (time.perf_counter() - started) * 1000
            log.info("query snapshot %d taken in %.1f ms (store version %d)", generation, ms, version,
                     extra={"fields": {"generation": generation, "ms": round(ms, 1)}})
            self._snapshot = _Snapshot(generation, path, version)
        self._maintain.set()  # move idle workers to it, delete the old one when unused
        return self._snapshot

    def _pin_snapshot(self) -> _Snapshot:
        while True:
            snapshot = self._current_snapshot()
            with self._cond:
                if self._snapshot is snapshot:  # not replaced (and possibly deleted) meanwhile
                    self._pins[snapshot.generation] = self._pins.get(snapshot.generation, 0) + 1
                    return snapshot

    def _unpin(self, generation: int) -> None:
        with self._cond:
            left = self._pins.get(generation, 0) - 1
            if left > 0:
                self._pins[generation] = left
            else:
                self._pins.pop(generation, None)

    def _collect_snapshots(self) -> None:
        """Delete every checkpoint but the newest that no worker has open and no job is about to use."""
        with self._snap_lock, self._cond:
            keep = {w.generation for w in self._all.values()} | set(self._pins)
            if self._snapshot is not None:
                keep.add(self._snapshot.generation)
            try:
                entries = list(self.snapshot_root.iterdir())
            except OSError:
                return
            for entry in entries:
                if entry.name.isdigit() and int(entry.name) not in keep:
                    shutil.rmtree(entry, ignore_errors=True)


class _PoolClosedError(Exception):
    pass


def _log_as_json() -> None:
    """Log like the request log (JSON lines on stderr); imported here, not in the workers."""
    from api.logs import log_as_json

    log_as_json(log)


def _stop_forkserver() -> None:
    """Stop multiprocessing's forkserver (it is started again when needed)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if callable(stop):
        with contextlib.suppress(Exception):
            stop()
