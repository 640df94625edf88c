"""Answers computed from the store, kept until the store changes.

Every write through the server's store bumps ``BaseStore.version`` (``POST /documents``,
``DELETE``; the server is the only writer of a local store while it runs), so an entry is
keyed on the store and its version: the first request after a write computes afresh, and the
entries of older versions are dropped at once. Only a store of our own (:class:`KGStore`) is
cached: a remote SPARQL store may be written by others, whose writes its version does not count.
Concurrent misses of one key at one version are computed once (the others wait for that answer):
without it, under a steady stream of writes every client recomputed every page after each write,
each computation slowed the others down, and once one took longer than the time between two
writes nothing was kept at all (the 1-hour soak, ``make bench-soak``, ``docs/performance.md``).
Used for what a page costs many queries to
build (the landing page's counts and ledger, entity pages, ``/claims``, ``/map``,
``/timeline``) and for ``/search``'s scan of every label. Bounded by count and by bytes.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from kg.store import BaseStore, KGStore

__all__ = ["CANNED", "RESPONSES", "SCANS", "StoreCache", "cached_response"]

V = TypeVar("V")


class StoreCache(Generic[V]):
    """An LRU of values computed from one store at one version (thread-safe)."""

    def __init__(self, entries: int, max_bytes: int = 0, size: Callable[[V], int] | None = None) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._at: tuple[int, int] | None = None  # (id(store), version) the entries belong to
        self._pending: dict[tuple[Hashable, int, int], Future[V]] = {}  # computations under way
        self.hits = self.misses = 0

    def _check_version(self, store: BaseStore) -> None:
        at = (id(store), store.version)
        if at != self._at:
            self._items.clear()
            self._bytes = 0
            self._at = at

    def get(self, store: BaseStore, key: Hashable) -> V | None:
        with self._lock:
            self._check_version(store)
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, store: BaseStore, key: Hashable, value: V, *, version: int | None = None) -> None:
        """Keep ``value``, computed at ``version`` (read before computing; default: now)."""
        size = self._size(value) if self._size else 0
        if self.max_bytes and size > self.max_bytes // 4:
            return  # too big to be worth keeping
        with self._lock:
            if version is not None and version != store.version:
                return  # the store changed while it was computed
            self._check_version(store)
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.entries or (self.max_bytes and self._bytes > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def get_or_compute(self, store: BaseStore, key: Hashable, compute: Callable[[], V]) -> V:
        """The kept value, or ``compute()``'s, computed once for every thread that asks for the
        same key at the same store version meanwhile (its error, too, is theirs)."""
        hit = self.get(store, key)
        if hit is not None:
            return hit
        version = store.version
        at = (key, id(store), version)
        with self._lock:
            pending = self._pending.get(at)
            if pending is None:
                mine: Future[V] = Future()
                self._pending[at] = mine
        if pending is not None:
            return pending.result()
        try:
            value = compute()
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        else:
            mine.set_result(value)
        finally:
            with self._lock:
                self._pending.pop(at, None)
        self.put(store, key, value, version=version)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self._at = None


@dataclass(frozen=True)
class _Body:
    body: bytes
    status: int
    media_type: str | None


RESPONSES: StoreCache[_Body] = StoreCache(1024, max_bytes=64 * 2**20, size=lambda b: len(b.body))
SCANS: StoreCache[Any] = StoreCache(16)  # whole-store scans shared by many requests (/search's labels)
CANNED: StoreCache[Any] = StoreCache(256)  # canned queries' rows (api.queries.run_query)
# responses being computed, by (URL, variant, store, version): the event loop's own, so no lock
_COMPUTING: dict[tuple[Hashable, int, int], asyncio.Task[Response]] = {}


def _keepable(response: Response) -> bool:
    return response.status_code in (200, 400) and not isinstance(response, StreamingResponse)


async def cached_response(request: Request, store: BaseStore, work: Callable[[], Response], *,
                          variant: Hashable = None, headers: dict[str, str] | None = None) -> Response:
    """``work()`` (run in a thread) for this URL and ``variant`` (the negotiated format), or its
    body kept from an earlier request at the same store version (answered without a thread).
    Only 200 and 400 answers with a body are kept; an error raised by ``work`` is not."""
    if not isinstance(store, KGStore):  # written by others too (a remote store): always afresh
        return await run_in_threadpool(work)
    key = (str(request.url), variant)
    hit = RESPONSES.get(store, key)
    if hit is not None:
        return Response(hit.body, status_code=hit.status, media_type=hit.media_type, headers=headers)
    version = store.version
    at = (key, id(store), version)
    task = _COMPUTING.get(at)
    if task is not None:  # the same answer is being computed for another request: wait for it
        shared = await asyncio.shield(task)
        if _keepable(shared):
            return Response(bytes(shared.body), status_code=shared.status_code, media_type=shared.media_type,
                            headers=headers)
        return await run_in_threadpool(work)  # not shareable (a stream): compute our own
    task = asyncio.ensure_future(run_in_threadpool(work))
    _COMPUTING[at] = task

    def done(finished: asyncio.Task[Response]) -> None:  # also when the asking client has gone
        _COMPUTING.pop(at, None)
        if not finished.cancelled() and finished.exception() is None and _keepable(response := finished.result()):
            RESPONSES.put(store, key, _Body(bytes(response.body), response.status_code, response.media_type),
                          version=version)

    task.add_done_callback(done)
    return await asyncio.shield(task)
