"""Deterministic crashes: every write path SIGKILLed at each of its named points (``CKG_FAULT``,
:mod:`kg.faults`) leaves the store as it was before or as it is after, never in between, and
leaves no process of the run behind. (The random SIGKILL loops are in test_crash.py.)

"Between" is judged per unit: a document's graph together with its provenance (fingerprint
included), the ontology and entities graphs with theirs, and the shared agent descriptions.
Each unit must be exactly as before or exactly as after; for one document (kg add, kg remove,
the API) that means the whole store is before or after."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.faults import POINTS
from kg.procs import processes_of
from tests.conftest import EPOCH, KG, PACK, ROOT, SEEDS, TOKEN, start_server, stop_server
from tests.test_remote import _oxigraph

BASE = "https://w3id.org/conflict-kg/id/"
PROV = BASE + "graph/provenance"
DOC = "000_8e1aa165a3142573"
KILLED = -signal.SIGKILL


def _units(quads: Iterator[ox.Quad]) -> dict[str, str]:
    """The store cut into units that must each change all at once (see the module docstring)."""
    out: dict[str, list[str]] = {}
    for q in quads:
        graph = q.graph_name.value  # type: ignore[union-attr]
        if graph != PROV:
            unit = graph
        else:
            subject = q.subject.value  # type: ignore[union-attr]
            if subject.startswith(BASE + "activity/extract/"):
                unit = BASE + "graph/doc/" + subject[len(BASE + "activity/extract/"):]
            elif subject.startswith(BASE + "graph/"):
                unit = subject
            else:
                unit = "agents"
        out.setdefault(unit, []).append(str(q))
    return {u: "\n".join(sorted(v)) for u, v in out.items()}


def _state(store: Path) -> dict[str, str]:
    if not store.exists():
        return {}
    handle = ox.Store.read_only(str(store))
    try:
        return _units(iter(handle))
    finally:
        del handle


def _assert_before_or_after(state: dict[str, str], before: dict[str, str], after: dict[str, str]) -> None:
    between = [unit for unit in sorted(set(state) | set(before) | set(after))
               if state.get(unit) not in (before.get(unit), after.get(unit))]
    assert not between, f"left between before and after: {between}"


def _env(store: Path | str, fault: str | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": EPOCH, "CKG_PACKS": str(PACK), **extra}
    env.pop("CKG_FAULT", None)
    if fault:
        env["CKG_FAULT"] = fault
    return env


def _kg(args: list[str], store: Path | str, fault: str | None = None) -> None:
    """Run kg; its output goes to a file, not a pipe, so the wait ends when kg does, whatever
    its children do (they are checked by :func:`_assert_no_survivor`)."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.run([*KG, *args], env=_env(store, fault), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                              timeout=600)
        log.seek(0)
        output = log.read()
    if fault is None:
        assert proc.returncode == 0, output
    else:
        assert proc.returncode == KILLED, f"CKG_FAULT={fault} was not reached ({proc.returncode}):\n{output}"


def _assert_no_survivor(store: Path | str) -> None:
    """No process of the run is left: none whose environment or command line names the store."""
    deadline = time.monotonic() + 30  # a worker still starting exits as soon as it runs (kg.lifeline)
    while (left := processes_of(store)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:  # do not leave them to the next test
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"processes {left} outlived the killed run"


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("changed") / f"{DOC}.txt"
    path.write_text("date 2020-10-05\nShells hit Ganja and Barda on Monday, Azerbaijan's defence ministry said. "
                    "Armenia denied it.\n" + (SEEDS / f"{DOC}.txt").read_text(encoding="utf-8")[16:],
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def added(seeds_store: Path, changed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The seeds store after ``kg add`` of the changed document, run to completion."""
    store = tmp_path_factory.mktemp("added") / "store"
    shutil.copytree(seeds_store, store)
    _kg(["add", str(changed)], store)
    return _state(store)


def test_every_point_is_known(tmp_path: Path) -> None:
    proc = subprocess.run([*KG, "stats"], env=_env(tmp_path / "store", "nowhere"), cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode != 0 and "unknown point" in proc.stderr


@pytest.mark.parametrize("fault", ["store.write:1", "store.written:1", "build.batch", "build.flush"])
def test_kg_add_killed_at_a_point(fault: str, seeds_store: Path, changed: Path, added: dict[str, str],
                                  tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    before = _state(store)
    assert before != added
    _kg(["add", str(changed)], store, fault)
    state = _state(store)
    assert state in (before, added), "kg add killed at a point left the document neither old nor new"
    _kg(["add", str(changed)], store)  # a rerun finishes the job (a stale fingerprint would skip it)
    assert _state(store) == added


@pytest.mark.parametrize("fault", ["store.write:1", "store.written:1"])
def test_kg_remove_killed_at_a_point(fault: str, seeds_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    before = _state(store)
    _kg(["remove", DOC], store, fault)
    state = _state(store)
    graph = BASE + "graph/doc/" + DOC
    after = {u: v for u, v in before.items() if u != graph}
    assert state in (before, after)
    assert (graph in state) == (fault == "store.write:1")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    store = tmp_path_factory.mktemp("built") / "store"
    _kg(["build", "--workers", "2", str(corpus)], store)
    return _state(store)


# store.written:1 is after the ontology and entities, store.written:2 after the first documents;
# extract.submitted kills the build while its two extraction workers are still starting.
@pytest.mark.parametrize("fault", ["store.write:1", "store.written:1", "build.static", "extract.submitted",
                                   "store.write:2", "store.written:2", "build.batch", "build.flush",
                                   "build.optimize"])
def test_kg_build_killed_at_a_point(fault: str, corpus: Path, built: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    _kg(["build", "--workers", "2", str(corpus)], store, fault)
    _assert_no_survivor(store)
    _assert_before_or_after(_state(store), {}, built)
    if fault in ("store.written:2", "build.batch"):  # a rerun resumes and completes the build
        _kg(["build", "-q", "--workers", "2", str(corpus)], store)
        assert _state(store) == built


def _post(base: str, changed: Path) -> None:
    with pytest.raises(httpx.TransportError):  # the server dies before it answers
        httpx.post(f"{base}/documents", params={"id": DOC}, content=changed.read_bytes(),
                   headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}, timeout=300)


def _delete(base: str, changed: Path) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.delete(f"{base}/documents/{DOC}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)


@pytest.mark.parametrize(("method", "fault"), [("POST", "store.write:1"), ("POST", "store.written:1"),
                                               ("POST", "api.write"), ("DELETE", "store.written:1"),
                                               ("DELETE", "api.write")])
def test_the_api_killed_at_a_point(method: str, fault: str, seeds_store: Path, changed: Path,
                                   added: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    before = _state(store)
    proc, base = start_server(store, {"CKG_API_TOKEN": TOKEN, "CKG_FAULT": fault, "SOURCE_DATE_EPOCH": EPOCH,
                                         "CKG_PACKS": str(PACK)})
    try:
        (_post if method == "POST" else _delete)(base, changed)
        assert proc.wait(timeout=60) == KILLED
    finally:
        stop_server(proc)
    _assert_no_survivor(store)
    after = added if method == "POST" else {u: v for u, v in before.items() if DOC not in u}
    assert _state(store) in (before, after)


def _remote_state(base: str) -> dict[str, str]:
    answer = httpx.get(base + "/store", headers={"Accept": "application/n-quads"}, timeout=60)
    answer.raise_for_status()
    return _units(iter(ox.parse(answer.content, format=ox.RdfFormat.N_QUADS)))


@pytest.fixture(scope="module")
def remote_states(seeds_store: Path, changed: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[tuple[str, bytes, dict[str, str], dict[str, str]]]:
    """An Oxigraph server holding the seeds graph; its content as N-Quads, before and after the add."""
    proc, base = _oxigraph(tmp_path_factory.mktemp("oxigraph") / "data", "--union-default-graph")
    try:
        seeds = subprocess.run([*KG, "dump", "--format", "nq"], env=_env(seeds_store), cwd=ROOT,
                               capture_output=True, check=True).stdout
        httpx.post(base + "/store", content=seeds, headers={"Content-Type": "application/n-quads"}).raise_for_status()
        before = _remote_state(base)
        _kg(["add", str(changed), "--store", base], base)
        after = _remote_state(base)
        yield base, seeds, before, after
    finally:
        stop_server(proc)


@pytest.mark.parametrize("fault", ["remote.update:1", "remote.updated:1"])
def test_kg_add_to_a_remote_store_killed_at_a_point(
        fault: str, changed: Path, remote_states: tuple[str, bytes, dict[str, str], dict[str, str]]) -> None:
    base, seeds, before, after = remote_states
    httpx.post(base + "/update", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
               ).raise_for_status()
    httpx.post(base + "/store", content=seeds, headers={"Content-Type": "application/n-quads"}).raise_for_status()
    assert _remote_state(base) == before
    _kg(["add", str(changed), "--store", base], base, fault)
    assert _remote_state(base) == (before if fault.startswith("remote.update:") else after)


def test_the_points_tested_are_every_point() -> None:
    tested = {"store.write", "store.written", "build.batch", "build.flush", "build.static", "build.optimize",
              "extract.submitted", "api.write", "remote.update", "remote.updated"}
    assert set(POINTS) - {"remote.query"} == tested
