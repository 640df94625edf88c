"""Atomic ingest: ``kg add`` killed with SIGKILL at many points leaves each document either as
it was or complete, never half-written; a rerun finishes the job. (The long loop is a bench.)"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox

from kg.reader import parse_text
from tests.conftest import EPOCH, KG, ROOT, SEEDS

DOC = "000_8e1aa165a3142573"
GRAPH = f"https://w3id.org/conflict-kg/id/graph/doc/{DOC}"
PROV = "https://w3id.org/conflict-kg/id/graph/provenance"


def _state(store_dir: Path) -> tuple[str, str | None]:
    """The document graph (sorted N-Quads) and its recorded fingerprint."""
    store = ox.Store.read_only(str(store_dir))
    quads = sorted(str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH)))
    fps = [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(GRAPH), ox.NamedNode("https://w3id.org/conflict-kg/ontology#fingerprint"), None,
        ox.NamedNode(PROV))]
    del store
    return "\n".join(quads), (fps[0] if len(fps) == 1 else None if not fps else "several")


def _ended_before(proc: subprocess.Popen[str] | subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait until ``deadline`` (a ``time.monotonic()`` moment); True if ``proc`` ended before it."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return True
        time.sleep(0.02)
    return proc.poll() is not None


def _env(store: Path) -> dict[str, str]:
    return {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": EPOCH}


def test_sigkill_during_add_never_leaves_half_a_document(seeds_store: Path, tmp_path: Path) -> None:
    changed = tmp_path / f"{DOC}.txt"
    changed.write_text(" date 2020-10-05 Shells hit Ganja and Barda on Monday, Azerbaijan's defence ministry "
                       "said. Armenia denied it.\n" + (SEEDS / f"{DOC}.txt").read_text()[17:])
    before = _state(seeds_store)
    after_dir = tmp_path / "after"
    shutil.copytree(seeds_store, after_dir)
    started = time.monotonic()
    subprocess.run([*KG, "add", "-q", str(changed)], env=_env(after_dir), cwd=ROOT, check=True, timeout=300)
    duration = time.monotonic() - started  # kill points spread over a whole run, however loaded the machine
    after = _state(after_dir)
    assert before != after
    rng = random.Random(20201011)  # fixed: the same kill points on every run
    kills, seen, tries = 0, {"before": 0, "after": 0}, 0
    while kills < 4 and tries < 8:  # four kills that land (a run that ended first is not one)
        tries += 1
        store = tmp_path / f"s{kills}"
        shutil.copytree(seeds_store, store)
        started = time.monotonic()
        proc = subprocess.Popen([*KG, "add", "-q", str(changed)], env=_env(store), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if _ended_before(proc, started + rng.uniform(0.1, 0.98) * duration):
            duration = time.monotonic() - started  # faster than the first run: aim the next kills within this
        else:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        state = _state(store)
        assert state in (before, after), "a killed add left the document half-written"
        seen["before" if state == before else "after"] += 1
        if kills == 1:  # a rerun resumes: the document ends up complete
            subprocess.run([*KG, "add", "-q", str(changed)], env=_env(store), cwd=ROOT, check=True, timeout=300)
            assert _state(store) == after
        shutil.rmtree(store)
    assert kills >= 4, f"the kills must land while kg add runs ({kills} of {tries} did, seen {seen})"


def _graphs(store_dir: Path) -> dict[str, str]:
    store = ox.Store.read_only(str(store_dir))
    out: dict[str, list[str]] = {}
    for q in store:
        out.setdefault(str(q.graph_name), []).append(str(q))
    del store
    return {g: "\n".join(sorted(v)) for g, v in out.items()}


def _corpus(path: Path, copies: int) -> Path:
    """The seeds ``copies`` times over, under new ids, in one JSONL file (several write batches)."""
    lines = []
    for k in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            doc = parse_text(seed.read_bytes(), doc_id=seed.stem)
            lines.append(json.dumps({"id": f"{seed.stem}-{k}", "text": doc.text,
                                     "date": doc.date.isoformat() if doc.date else None}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sigkill_during_build_loses_no_reported_document(tmp_path: Path) -> None:
    """kg build as it runs on a corpus: extraction in two worker processes, each batch of new
    documents bulk-loaded in one ingestion; killed at three points (six runs at most)."""
    corpus = _corpus(tmp_path / "corpus.jsonl", copies=8)  # 40 documents, three batches
    build = [*KG, "build", "--workers", "2", str(corpus)]
    reference = tmp_path / "reference"
    started = time.monotonic()
    subprocess.run(build, env=_env(reference), cwd=ROOT, check=True, timeout=600, capture_output=True)
    duration = time.monotonic() - started
    expected = _graphs(reference)
    rng = random.Random(27092020)
    kills, lost, reported_total, i = 0, 0, 0, -1
    while kills < 3 and i < 5:  # three kills that land, in six runs at most
        i += 1
        store = tmp_path / f"b{i}"
        started = time.monotonic()
        proc = subprocess.Popen(build, env=_env(store), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if _ended_before(proc, started + rng.uniform(0.3, 0.98) * duration):
            duration = time.monotonic() - started  # faster than the reference run: aim the next kills within this
        else:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        # returns once every process holding its stderr is gone: the workers die with the build
        _, err = proc.communicate(timeout=60)
        reported = {line.split()[-1] for line in err.splitlines() if "] added" in line}
        reported_total += len(reported)
        if not store.exists():
            continue
        graphs = _graphs(store)
        for graph, quads in graphs.items():
            if "/graph/doc/" in graph:
                assert quads == expected[graph], f"{graph} is half-written after a kill"
        lost += sum(1 for doc_id in reported
                    if f"<https://w3id.org/conflict-kg/id/graph/doc/{doc_id}>" not in graphs)
        if i == 0:  # a rerun resumes and completes the build
            subprocess.run([*build, "-q"], env=_env(store), cwd=ROOT, check=True, timeout=600)
            assert _graphs(store) == expected
        shutil.rmtree(store)
    print(f"kg build killed {kills} times; {reported_total} documents reported done, {lost} of them lost")
    assert lost == 0
    assert kills >= 3
