"""A remote store: the graph kept in a real ``oxigraph serve`` process, reached over SPARQL 1.1
Query/Update and the Graph Store Protocol; built, updated, dumped and served as the embedded
store is, with byte-identical dumps."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.procs import wait_for_http
from kg.remote import remote_endpoints
from tests.conftest import SEEDS, free_port, run_kg, start_server, stop_server

ARMENIA = "<https://w3id.org/conflict-kg/id/entity/armenia>"
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def _oxigraph(location: Path, *extra: str, command: str = "serve") -> tuple[subprocess.Popen[bytes], str]:
    assert OXIGRAPH, "the oxigraph server CLI (PyPI 'oxigraph') is a test dependency"
    port = free_port()
    log = (location.parent / f"oxigraph-{port}.log").open("wb")
    proc = subprocess.Popen([OXIGRAPH, command, "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_for_http(base + "/query?query=ASK%20%7B%7D", proc, timeout=30, pause=0.1):
        raise AssertionError(f"oxigraph serve did not start:\n{Path(log.name).read_text()[-2000:]}")
    return proc, base


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server with a store of its own, holding the seeds graph built through it."""
    proc, base = _oxigraph(tmp_path_factory.mktemp("oxigraph") / "data", "--union-default-graph")
    run_kg("build", str(SEEDS), "--store", base, store=Path("unused"))
    yield base
    stop_server(proc)


def _nq(store: str | Path) -> bytes:
    return run_kg("dump", "--format", "nq", "--store", str(store), store=Path(str(store))).stdout.encode()


def test_a_build_through_the_endpoint_gives_the_embedded_graph(remote: str, seeds_dump_nq: Path) -> None:
    assert hashlib.sha256(_nq(remote)).hexdigest() == hashlib.sha256(seeds_dump_nq.read_bytes()).hexdigest()
    again = run_kg("add", str(SEEDS), "--store", remote, store=Path("unused"))
    assert "5 unchanged" in again.stderr
    stats = run_kg("stats", "--json", "--store", remote, store=Path("unused")).stdout
    assert '"documents": 5' in stats


def test_replace_and_remove_through_the_endpoint(remote: str, tmp_path: Path) -> None:
    changed = tmp_path / "000_8e1aa165a3142573.txt"
    changed.write_text((SEEDS / changed.name).read_text(encoding="utf-8") + "\n\nThe OSCE Minsk Group met in Moscow.\n",
                       encoding="utf-8")
    out = run_kg("add", str(changed), "--store", remote, store=Path("unused"))
    assert "1 replaced" in out.stderr
    out = run_kg("add", str(SEEDS / changed.name), "--store", remote, store=Path("unused"))
    assert "1 replaced" in out.stderr
    extra = tmp_path / "extra.txt"
    extra.write_text("date 2020-10-05\nArmenian forces shelled Ganja on Sunday, Azerbaijan said.\n", encoding="utf-8")
    run_kg("add", str(extra), "--store", remote, store=Path("unused"))
    ids = run_kg("query", "SELECT ?id WHERE { ?d a ckg:Document ; dcterms:identifier ?id } ORDER BY ?id",
                 "--format", "csv", "--store", remote, store=Path("unused")).stdout.split()
    assert "extra" in ids and len(ids) == 7
    run_kg("remove", "extra", "--store", remote, store=Path("unused"))
    graphs = httpx.post(remote + "/query", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"},
                        headers={"Accept": "text/csv"}).text
    assert "graph/doc/extra" not in graphs


def test_the_api_serves_from_the_endpoint(remote: str, seeds_dump_nq: Path, tmp_path: Path) -> None:
    proc, base = start_server(tmp_path / "unused", {"CKG_STORE": remote})
    try:
        r = httpx.get(base + "/sparql", params={"query": f"SELECT ?l WHERE {{ {ARMENIA} rdfs:label ?l }}"},
                      headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["l"]["value"] == "Armenia"
        r = httpx.get(base + "/sparql", params={"query": f"CONSTRUCT WHERE {{ {ARMENIA} ?p ?o }}"},
                      headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and "Armenia" in r.text
        page = httpx.get(base + "/id/entity/stepanakert", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Stepanakert" in page.text
        assert httpx.get(base + "/queries/casualties", params={"side": "armenia"}).status_code == 200
        assert httpx.get(base + "/dump.nq", timeout=60).content == seeds_dump_nq.read_bytes()
        bad = httpx.get(base + "/sparql", params={"query": "SELECT WHERE"})
        assert bad.status_code == 400 and "Traceback" not in bad.text
    finally:
        stop_server(proc)


def test_an_endpoint_without_a_union_default_graph_is_refused(tmp_path: Path) -> None:
    proc, base = _oxigraph(tmp_path / "data")
    try:
        out = run_kg("build", str(SEEDS), "--store", base, store=Path("unused"), check=False)
        assert out.returncode == 1
        assert "union-default-graph" in out.stderr.strip().splitlines()[-1]
    finally:
        stop_server(proc)


def test_an_unreachable_endpoint_is_one_clear_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    out = run_kg("stats", "--store", url, store=Path("unused"), check=False)
    assert out.returncode == 1
    assert out.stderr.strip().startswith("kg: error: cannot reach the remote store") and "Traceback" not in out.stderr


def test_without_a_graph_store_endpoint_graphs_are_read_by_construct(remote: str, seeds_dump_nq: Path) -> None:
    out = run_kg("dump", "--format", "nq", "--store", remote, store=Path("unused"),
                 env={"CKG_STORE_GRAPH_STORE_URL": remote + "/no-such-endpoint"}).stdout.encode()
    assert out == seeds_dump_nq.read_bytes()


def test_a_read_only_endpoint_refuses_writes_in_one_line(seeds_dump_nq: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    subprocess.run([str(OXIGRAPH), "load", "--location", str(data), "--file", str(seeds_dump_nq)], check=True,
                   capture_output=True)
    proc, base = _oxigraph(data, "--union-default-graph", command="serve-read-only")
    try:
        extra = tmp_path / "extra.txt"
        extra.write_text("date 2020-10-05\nArmenian forces shelled Ganja on Sunday.\n", encoding="utf-8")
        out = run_kg("add", str(extra), "--store", base, store=Path("unused"), check=False)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert out.stderr.strip().splitlines()[-1].startswith("kg: error: the remote store"), out.stderr[-500:]
        assert '"documents": 5' in run_kg("stats", "--json", "--store", base, store=Path("unused")).stdout
    finally:
        stop_server(proc)


@pytest.mark.parametrize(("url", "expected"), [
    ("http://h:7878", ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store")),
    ("http://h:7878/", ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store")),
    ("http://h:3030/ds/query", ("http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data")),
    ("https://h/sparql", ("https://h/sparql", "https://h/update", "https://h/data")),
])
def test_endpoints_follow_from_one_url(url: str, expected: tuple[str, str, str]) -> None:
    assert remote_endpoints(url) == expected
    assert remote_endpoints(url, "http://u/up", "http://g/gsp")[1:] == ("http://u/up", "http://g/gsp")
