"""The command line's writer lowers RocksDB's background threads (compactions) while it writes,
gives them their priority back when they fall behind or before ``optimize``, and stays atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.store as store_module
from kg.store import GraphWrite, KGStore

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread nice values: Linux")


def _rocksdb_nice() -> set[int]:
    out = set()
    for task in Path("/proc/self/task").iterdir():
        if (task / "comm").read_text().startswith("rocksdb:low"):
            out.add(os.getpriority(os.PRIO_PROCESS, int(task.name)))
    return out


def _write(store: KGStore, i: int, n: int = 3000) -> None:
    quads = b"".join(f'<http://example.org/s{i}-{j}> <http://example.org/p> "a sentence {j}" '
                     f"<http://example.org/g{i}> .\n".encode() for j in range(n))
    store.write([GraphWrite(graph=f"http://example.org/g{i}", quads=quads, provenance=(), provenance_subjects=())])


def test_compactions_yield_while_building_and_catch_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    store = KGStore(tmp_path / "s", bulk=True)
    assert _rocksdb_nice() == {store_module.COMPACTION_NICENESS}
    monkeypatch.setattr(store_module, "COMPACTION_DEBT_FILES", (0, 1))  # any file left behind is too many
    _write(store, 1)
    _write(store, 2)
    assert _rocksdb_nice() == {own}
    monkeypatch.setattr(store_module, "COMPACTION_DEBT_FILES", (1000, 2000))
    _write(store, 3)
    assert _rocksdb_nice() == {store_module.COMPACTION_NICENESS}
    store.optimize()
    assert _rocksdb_nice() == {own}
    assert store.quad_count() == 9000


def test_a_write_too_big_for_one_ingestion_is_a_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BULK_MAX_QUADS", 100)
    store = KGStore(tmp_path / "s", bulk=True)
    _write(store, 1)
    assert store.quad_count() == 3000
    assert store.has_graph("http://example.org/g1")
