"""Shared fixtures: the seeds graph built once per session with the real ``kg`` command,
the real spaCy model, and a real uvicorn server for end-to-end tests."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.procs import wait_for_http

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


# Ports for the servers the tests start: below the kernel's ephemeral range (32768 up), from which
# every client connection and every bind to port 0 draws, in a block of 1,000 of this pytest
# process's own (one per pytest-xdist worker), starting at a point that differs between runs; so
# no other worker's server, nor a connection, takes a port between its choice and the bind.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_BLOCK = 20_000 + 1_000 * (int(_WORKER[2:]) + 1 if _WORKER.startswith("gw") else 0)
_PORTS = itertools.cycle(range(_BLOCK, _BLOCK + 1_000))
for _ in range(os.getpid() % 1_000):
    next(_PORTS)


def free_port() -> int:
    """A loopback port nothing listens on, from this process's block (see above)."""
    for _ in range(1_000):
        port = next(_PORTS)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {_BLOCK}-{_BLOCK + 999}")


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


@contextlib.contextmanager
def served_copy(seeds_store: Path, folder: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """A server (``kg serve``, with ``env``) over a fresh copy of the seeds store in ``folder``:
    its base URL and the copy's path; stopped on leaving."""
    store = folder / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store, env)
    try:
        yield base, store
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real uvicorn server (``kg serve``) over a copy of the seeds store (read-only use)."""
    with served_copy(seeds_store, tmp_path_factory.mktemp("served")) as (base, _):
        yield base


TOKEN = "s3cret-test-token"


@pytest.fixture(scope="module")
def writable_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server with a write token over its own copy of the store (tests may change it)."""
    with served_copy(seeds_store, tmp_path_factory.mktemp("writable"), {"CKG_API_TOKEN": TOKEN}) as served:
        yield served


# The files that take longest, longest first, before all others: with `make test`'s workers
# (pytest-xdist, a file to each at a time, in this order: --no-loadscope-reorder), the long ones
# then run beside the many short ones instead of ending the run alone.
SLOW_FIRST = ("test_faults.py", "test_crash.py", "test_remote.py", "test_build.py", "test_dockerfile.py",
              "test_scale.py", "test_browser.py", "test_shared_store.py", "test_fetch.py", "test_querypool.py",
              "test_watch.py", "test_fuzz_api.py")


# Under `make mutate` (mutmut sets MUTANT_UNDER_TEST and stops at a mutant's first failing test):
# the tests that need no spaCy model run first, those with a blank pipeline next, and those that
# load the statistical model last, so that a mutant the quick tests kill never pays for the model.
_MODEL_TIER = {"blank_model": 1, "blank_builder": 1, "extractor": 2, "built": 2}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("MUTANT_UNDER_TEST"):
        items.sort(key=lambda item: max((_MODEL_TIER.get(f, 0) for f in getattr(item, "fixturenames", ())),
                                        default=0))
        return
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file's tests keep their order
