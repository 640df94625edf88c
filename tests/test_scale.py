"""Builds that scale out: worker processes, a Dask cluster, streaming input; each gives the
byte-identical graph of a single-process build."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.reader import parse_text
from tests.conftest import SEEDS, run_kg


def _digest(store: Path, fmt: str = "nq") -> str:
    return hashlib.sha256(run_kg("dump", "--format", fmt, store=store).stdout.encode()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty articles in one JSONL file: the seeds, each also cut into its halves and thirds."""
    out = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        seed = parse_text(path.read_bytes(), doc_id=path.stem)
        date = seed.date.isoformat() if seed.date else None
        paragraphs = [p for p in seed.text.split("\n\n") if p.strip()]
        for parts in (1, 2, 3):
            size = -(-len(paragraphs) // parts)
            for i in range(0, len(paragraphs), size):
                if len(lines) < 20:
                    lines.append(json.dumps({"id": f"{path.stem}-{parts}-{i}", "date": date,
                                             "text": "\n\n".join(paragraphs[i:i + size])}))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def single(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("single") / "store"
    run_kg("build", str(corpus), store=store)
    return store


def test_worker_processes_give_the_same_graph(corpus: Path, single: Path, tmp_path: Path) -> None:
    store = tmp_path / "workers"
    proc = run_kg("build", "--workers", "2", str(corpus), store=store)
    assert "20 added" in proc.stderr
    assert _digest(store) == _digest(single)


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """A real Dask cluster on loopback: a scheduler and two single-threaded worker processes."""
    import distributed  # the test extra installs it: missing, this fails rather than skips
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None, silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_executor_gives_the_same_graph(corpus: Path, single: Path, tmp_path: Path,
                                            dask_scheduler: str) -> None:
    store = tmp_path / "dask"
    address = dask_scheduler.removeprefix("tcp://")
    proc = run_kg("build", "--executor", f"dask://{address}", str(corpus), store=store)
    assert "20 added" in proc.stderr
    assert _digest(store) == _digest(single)
    again = run_kg("add", "--executor", f"dask://{address}", str(corpus), store=store)
    assert "20 unchanged" in again.stderr


def test_unreachable_scheduler_is_one_clear_line(tmp_path: Path) -> None:
    proc = run_kg("build", "--executor", "dask://127.0.0.1:9", str(SEEDS), store=tmp_path / "s", check=False,
                  env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("kg: error: cannot reach the Dask scheduler"), proc.stderr[-2000:]


def test_unknown_executor_is_refused(tmp_path: Path) -> None:
    proc = run_kg("build", "--executor", "spark://x", str(SEEDS), store=tmp_path / "s", check=False)
    assert proc.returncode == 2 and "unknown executor" in proc.stderr


def test_a_bad_line_late_in_a_jsonl_file_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(corpus.read_text(encoding="utf-8") + '{"id": "late", "text": ""}\n', encoding="utf-8")
    store = tmp_path / "store"
    proc = run_kg("build", str(bad), store=store, check=False)
    assert proc.returncode == 1 and f"{bad}:21" in proc.stderr
    assert not (store.exists() and any(store.iterdir()))
