"""Shared fixtures: the seeds graph built once per session with the real ``kg`` command,
the real spaCy model, and a real uvicorn server for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.procs import free_port, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The seeds are news of the 2020 Nagorno-Karabakh war: the tests build them with its conflict pack
# (CKG_PACKS), as `make build` does; a test of a build with no pack sets CKG_PACKS="".
PACK = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"
SHARED = ROOT.parent / "shared"
KG = [sys.executable, "-m", "kg.cli"]
EPOCH = "1700000000"


def run_kg(*args: str, store: Path, env: dict[str, str] | None = None, check: bool = True,
           timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real ``kg`` command line in a subprocess."""
    full_env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": EPOCH, "CKG_PACKS": str(PACK),
                **(env or {})}
    proc = subprocess.run([*KG, *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from seeds/ by ``kg build`` (do not open it for writing in tests: copy it)."""
    store = tmp_path_factory.mktemp("seeds") / "store"
    run_kg("build", str(SEEDS), store=store)
    return store


@pytest.fixture(scope="session")
def seeds_dump_nq(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dump") / "seeds.nq"
    run_kg("dump", "--format", "nq", "-o", str(out), store=seeds_store)
    return out


@pytest.fixture
def store_copy(seeds_store: Path, tmp_path: Path) -> Path:
    """A private copy of the seeds store that a test may change."""
    target = tmp_path / "store"
    shutil.copytree(seeds_store, target)
    return target


def start_server(store: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start ``kg serve`` (uvicorn) on a free port over ``store``; return the process and base URL."""
    port = free_port()
    full_env = {**os.environ, "CKG_STORE": str(store), **(env or {})}
    log = store.parent / f"server-{port}.log"  # a file, not a pipe: a full pipe would stall the server
    with log.open("w") as out:
        proc = subprocess.Popen([*KG, "serve", "--port", str(port)], env=full_env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    if not wait_for_http(base + "/sparql", proc, headers={"Accept": "text/turtle"}):
        raise AssertionError(f"server did not start:\n{log.read_text()[-3000:]}")
    return proc, base


def stop_server(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real uvicorn server (``kg serve``) over a copy of the seeds store (read-only use)."""
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store)
    yield base
    stop_server(proc)


TOKEN = "s3cret-test-token"


@pytest.fixture(scope="module")
def writable_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server with a write token over its own copy of the store (tests may change it)."""
    store = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store, {"CKG_API_TOKEN": TOKEN})
    yield base, store
    stop_server(proc)
