"""api/cache.py: concurrent misses of one key at one store version are computed once, by the
first to ask; the others wait for its answer (or its error). A write in between starts afresh."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.responses import Response

from api.cache import StoreCache, cached_response
from kg.store import KGStore


class _Store:
    version = 0


def _in_threads(n: int, call: object) -> list[object]:
    out: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            out[i] = call()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return out


def test_concurrent_misses_compute_once() -> None:
    cache: StoreCache[str] = StoreCache(8)
    store, calls = _Store(), []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "rows"

    assert _in_threads(6, lambda: cache.get_or_compute(store, "k", compute)) == ["rows"] * 6  # type: ignore[arg-type]
    assert len(calls) == 1
    store.version += 1  # a write: the next request computes afresh
    assert cache.get_or_compute(store, "k", compute) == "rows" and len(calls) == 2


def test_an_error_is_every_waiters_and_not_kept() -> None:
    cache: StoreCache[str] = StoreCache(8)
    store, calls = _Store(), []

    def fail() -> str:
        calls.append(1)
        time.sleep(0.3)
        raise ValueError("boom")

    results = _in_threads(4, lambda: cache.get_or_compute(store, "k", fail))  # type: ignore[arg-type]
    assert all(isinstance(r, ValueError) for r in results) and len(calls) == 1
    assert cache.get_or_compute(store, "k", lambda: "ok") == "ok"


def _request(path: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [],
                    "scheme": "http", "server": ("testserver", 80)})


@pytest.mark.parametrize("status", [200, 503])
def test_concurrent_requests_share_one_computation(tmp_path: Path, status: int) -> None:
    store = KGStore(tmp_path / "store")
    calls = []

    def work() -> Response:
        calls.append(1)
        time.sleep(0.3)
        return Response(b"page", status_code=status, media_type="text/html")

    async def main() -> list[Response]:
        return list(await asyncio.gather(*[cached_response(_request(f"/cache-test-{status}"), store, work)
                                           for _ in range(5)]))

    try:
        responses = asyncio.run(main())
    finally:
        store.close()
    assert [(r.status_code, r.body) for r in responses] == [(status, b"page")] * 5
    # a 200 is shared with the requests that came meanwhile; a 503 is not kept, so each computes its own
    assert len(calls) == (1 if status == 200 else 5)
