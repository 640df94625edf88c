"""Ad-hoc queries in worker processes (api/querypool.py), against a real ``kg serve``:
runaways are killed at the time limit and their memory freed while other queries answer,
writes are seen by the next query, and no worker outlives the server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import _start_query_pool
from kg.procs import alive, descendants, stat, total_rss_mb
from kg.settings import Settings
from kg.store import KGStore
from tests.conftest import TOKEN, served_copy, start_server, stop_server

# Both do all their work before the first row: one counts (constant memory), one sorts
# (about 400 MB a second of one core on the seeds graph).
COUNTING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
NORMAL = "SELECT ?label WHERE { ?e a ckg:State ; rdfs:label ?label } ORDER BY ?label"
WARM = 2


def workers(pid: int) -> list[int]:
    """The server's query workers (named ckg-query), zombies excluded."""
    return [p for p in descendants(pid) if (s := stat(p)) is not None and s[0] == "ckg-query" and s[1] != "Z"]


def wait_until(predicate: object, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def killed_pids(log: Path) -> list[int]:
    pids = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "api.querypool" and "pid" in record and "killed" in record["msg"]:
                pids.append(int(record["pid"]))
    return pids


def server_log(store: Path, base: str) -> Path:
    return store.parent / f"server-{base.rsplit(':', 1)[1]}.log"


def sparql(base: str, query: str, **kwargs: object) -> httpx.Response:
    return httpx.get(base + "/sparql", params={"query": query}, timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def pooled(store_copy: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    proc, base = start_server(store_copy, {"CKG_QUERY_TIMEOUT": "1", "CKG_RESULT_LIMIT": "1000000000",
                                           "CKG_QUERY_WORKERS": "12", "CKG_QUERY_WARM_WORKERS": str(WARM)})
    assert wait_until(lambda: len(workers(proc.pid)) >= WARM), "the warm workers did not start"
    yield proc, base, store_copy
    stop_server(proc)


# -- the tests -----------------------------------------------------------------------------------


def test_runaways_are_killed_their_memory_freed_and_others_answer(
        pooled: tuple[subprocess.Popen[str], str, Path]) -> None:
    proc, base, store = pooled
    assert sparql(base, NORMAL).status_code == 200
    time.sleep(1)  # let the warm workers settle
    baseline = total_rss_mb(proc.pid)
    before = set(workers(proc.pid))

    answers: list[httpx.Response] = []
    runaways = [threading.Thread(target=lambda q=q: answers.append(sparql(base, q)))
                for q in [COUNTING, SORTING] * 5]
    for t in runaways:
        t.start()
    peak, peak_workers, normal = baseline, 0, []
    while any(t.is_alive() for t in runaways):  # normal queries meanwhile, one after the other
        r = sparql(base, NORMAL)
        normal.append((r.status_code, [b["label"]["value"] for b in r.json()["results"]["bindings"]]
                       if r.status_code == 200 else r.text))
        peak = max(peak, total_rss_mb(proc.pid))
        peak_workers = max(peak_workers, len(workers(proc.pid)))
    for t in runaways:
        t.join()

    assert [r.status_code for r in answers] == [503] * 10
    assert all("query stopped after 1 s" in r.text for r in answers)
    assert normal and all(status == 200 and {"Armenia", "Azerbaijan"} <= set(labels) for status, labels in normal)
    killed = killed_pids(server_log(store, base))
    assert len(killed) >= 10  # a streaming query may stop itself; these two kinds cannot
    assert wait_until(lambda: not any(alive(p) for p in killed), timeout=10), "killed workers still exist"
    # the survivors are the ones that answered the normal queries, plus the warm minimum
    assert wait_until(lambda: len(workers(proc.pid)) <= 12 - 10 + WARM, timeout=10)
    # their memory went with them (how much, against a threshold: bench/limits.py)
    after = total_rss_mb(proc.pid)
    print(f"total RSS: baseline {baseline:.0f} MB, during {peak:.0f} MB, after {after:.0f} MB; workers: "
          f"before {len(before)}, during up to {peak_workers}, after {len(workers(proc.pid))}; "
          f"{len(normal)} normal queries answered meanwhile")
    assert sparql(base, "ASK { ?s a ?c }").json()["boolean"] is True


def test_workers_that_die_while_idle_are_replaced(pooled: tuple[subprocess.Popen[str], str, Path]) -> None:
    proc, base, _ = pooled
    for pid in workers(proc.pid):  # as the kernel's OOM killer would
        os.kill(pid, signal.SIGKILL)
    for _ in range(3):
        r = sparql(base, NORMAL)
        assert r.status_code == 200 and "Azerbaijan" in r.text, r.text
    assert wait_until(lambda: len(workers(proc.pid)) >= WARM)


@pytest.mark.parametrize(("query", "accept", "status", "text"), [
    ("SELECT ?x WHERE { ?x ?y }", None, 400, "1:26"),  # line and column, as before
    ("DELETE WHERE { ?s ?p ?o }", None, 400, "syntax error"),
    ("SELECT * WHERE { SERVICE <http://example.invalid/sparql> { ?s ?p ?o } }", None, 400, "CKG_ALLOW_SERVICE"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "text/csv", 406, "RDF format"),
    ("ASK {}", "text/turtle", 406, "JSON, XML, CSV or TSV"),
    ("SELECT * WHERE { ?s ?p ?o }", None, 413, "more than 1000 rows"),
])
def test_errors_from_a_worker_are_clear(small_limit_server: str, query: str, accept: str | None, status: int,
                                        text: str) -> None:
    r = sparql(small_limit_server, query, headers={"Accept": accept} if accept else {})
    assert r.status_code == status and text in r.text, r.text[:300]
    assert "Traceback" not in r.text


@pytest.mark.parametrize(("accept", "start"), [
    ("application/sparql-results+json", b'{"head"'), ("text/csv", b"label\r\n"),
    ("text/tab-separated-values", b"?label\n"), ("application/sparql-results+xml", b"<?xml"),
])
def test_results_serialized_by_a_worker(small_limit_server: str, accept: str, start: bytes) -> None:
    r = sparql(small_limit_server, NORMAL, headers={"Accept": accept})
    assert r.status_code == 200 and r.content.startswith(start) and b"Azerbaijan" in r.content
    assert r.headers["content-type"].startswith(accept)


@pytest.fixture(scope="module")
def small_limit_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_copy(seeds_store, tmp_path_factory.mktemp("small"), {"CKG_RESULT_LIMIT": "1000"}) as (base, _):
        yield base


def test_a_write_is_seen_by_the_next_adhoc_query(writable_server: tuple[str, Path]) -> None:
    base, store = writable_server
    ask = 'ASK { ?d a ckg:Document ; dcterms:identifier "pool-write-test" }'
    assert sparql(base, ask).json()["boolean"] is False
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "date 2020-10-05\nArmenia said Azerbaijan shelled Stepanakert on Sunday."
    r = httpx.post(base + "/documents", params={"id": "pool-write-test"}, content=text.encode(),
                   headers={**auth, "Content-Type": "text/plain"}, timeout=300)
    assert r.status_code == 201, r.text
    assert sparql(base, ask).json()["boolean"] is True  # the very next query
    r = httpx.delete(base + "/documents/pool-write-test", headers=auth, timeout=60)
    assert r.status_code == 200
    assert sparql(base, ask).json()["boolean"] is False
    # every checkpoint but the newest is deleted once no worker has it open
    snapshots = store.parent / f".{store.name}-snapshots"
    assert wait_until(lambda: len([p for p in snapshots.iterdir() if p.name.isdigit()]) == 1, timeout=10), \
        sorted(p.name for p in snapshots.iterdir())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_the_server(store_copy: Path, sig: signal.Signals) -> None:
    proc, base = start_server(store_copy, {"CKG_QUERY_TIMEOUT": "3"})
    assert wait_until(lambda: len(workers(proc.pid)) >= WARM)

    def runaway() -> None:
        with contextlib.suppress(httpx.HTTPError):  # a killed server answers nothing
            httpx.get(base + "/sparql", params={"query": COUNTING}, timeout=30)

    busy = threading.Thread(target=runaway)
    busy.start()  # one worker busy with a runaway when the signal comes
    time.sleep(0.5)
    family = descendants(proc.pid)
    assert len(workers(proc.pid)) >= WARM
    proc.send_signal(sig)
    proc.wait(timeout=30)
    busy.join(timeout=30)
    assert wait_until(lambda: not any(alive(p) for p in family), timeout=10), \
        [(p, stat(p)) for p in family if alive(p)]
    if sig == signal.SIGTERM:  # a clean shutdown also deletes the checkpoints
        assert not (store_copy.parent / f".{store_copy.name}-snapshots").exists()


def test_only_a_local_store_gets_worker_processes(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    assert _start_query_pool(KGStore(None), settings) is None  # in memory: queries run in threads
    assert _start_query_pool(object(), settings) is None  # e.g. a remote SPARQL store
    assert _start_query_pool(KGStore(tmp_path / "store"), settings.model_copy(update={"query_workers": 0})) is None
    pool = _start_query_pool(KGStore(tmp_path / "store"), settings)
    assert pool is not None
    try:
        assert (tmp_path / ".store-snapshots" / "1").is_dir()  # beside the store, not in it
        other = settings.model_copy(update={"store": tmp_path / "other",
                                            "query_snapshots": tmp_path / ".store-snapshots"})
        assert _start_query_pool(KGStore(tmp_path / "other"), other) is None  # the directory is in use
        assert (tmp_path / ".store-snapshots" / "1").is_dir()
    finally:
        pool.close()
    assert not (tmp_path / ".store-snapshots").exists()


def test_a_query_that_outgrows_the_memory_limit_is_killed(store_copy: Path) -> None:
    proc, base = start_server(store_copy, {"CKG_QUERY_TIMEOUT": "60", "CKG_RESULT_LIMIT": "1000000000",
                                           "CKG_QUERY_MEMORY_MB": "200"})
    try:
        r = sparql(base, SORTING)
        assert r.status_code == 503 and "more than 200 MB" in r.text, r.text[:300]
        assert sparql(base, NORMAL).status_code == 200
        assert any("grew past 200 MB" in line for line in server_log(store_copy, base).read_text().splitlines())
    finally:
        stop_server(proc)
