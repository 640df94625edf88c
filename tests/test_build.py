"""Building, adding, removing and dumping with the real ``kg`` command and a store on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import SEEDS, run_kg


def _dump(store: Path, fmt: str = "nq") -> bytes:
    return run_kg("dump", "--format", fmt, store=store).stdout.encode()


def _digest(store: Path, fmt: str = "nq") -> str:
    out = run_kg("dump", "--format", fmt, store=store).stdout
    return hashlib.sha256(out.encode()).hexdigest()


def test_two_builds_give_byte_identical_dumps(seeds_store: Path, tmp_path: Path) -> None:
    other = tmp_path / "second"
    run_kg("build", str(SEEDS), store=other)
    for fmt in ("nq", "trig", "ttl", "nt"):
        assert _digest(seeds_store, fmt) == _digest(other, fmt), fmt


def test_dump_is_sorted_nquads_with_every_graph(seeds_dump_nq: Path) -> None:
    lines = seeds_dump_nq.read_text().splitlines()
    graphs = {line.rsplit(" ", 2)[-2] for line in lines}
    assert "<https://w3id.org/conflict-kg/id/graph/ontology>" in graphs
    assert "<https://w3id.org/conflict-kg/id/graph/entities>" in graphs
    assert "<https://w3id.org/conflict-kg/id/graph/provenance>" in graphs
    assert sum(g.startswith("<https://w3id.org/conflict-kg/id/graph/doc/") for g in graphs) == 5
    # within each graph, lines are sorted
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        by_graph.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    assert all(v == sorted(v) for v in by_graph.values())


def test_readding_unchanged_documents_changes_nothing(store_copy: Path) -> None:
    before = _dump(store_copy)
    proc = run_kg("add", str(SEEDS / "000_8e1aa165a3142573.txt"), store=store_copy,
                  env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert "1 unchanged" in proc.stderr
    assert _dump(store_copy) == before


def test_changed_document_replaces_its_graph(store_copy: Path, tmp_path: Path) -> None:
    doc = tmp_path / "000_8e1aa165a3142573.txt"
    doc.write_text(" date 2020-10-05 Shells hit Ganja on Monday, Azerbaijan said.\n")
    proc = run_kg("add", str(doc), store=store_copy)
    assert "1 replaced" in proc.stderr
    store = ox.Store.read_only(str(store_copy))
    graph = ox.NamedNode("https://w3id.org/conflict-kg/id/graph/doc/000_8e1aa165a3142573")
    texts = [q.object.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString"), None, graph)]
    assert texts == ["Shells hit Ganja on Monday, Azerbaijan said.\n"]
    anchors = sorted(q.object.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf"), None, graph))
    assert "Stepanakert" not in anchors and "Azerbaijan" in anchors
    # exactly one provenance record for the graph, with the new fingerprint
    prov = ox.NamedNode("https://w3id.org/conflict-kg/id/graph/provenance")
    fps = list(store.quads_for_pattern(graph, ox.NamedNode("https://w3id.org/conflict-kg/ontology#fingerprint"),
                                       None, prov))
    assert len(fps) == 1


def test_remove_deletes_graph_and_provenance(store_copy: Path) -> None:
    run_kg("remove", "001_36c1d242395cb763", store=store_copy)
    dump = _dump(store_copy).decode()
    assert "001_36c1d242395cb763" not in dump
    proc = run_kg("remove", "001_36c1d242395cb763", store=store_copy, check=False)
    assert proc.returncode == 1 and "no such document" in proc.stderr


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("latin1.txt", "Ca\xf1a".encode("latin-1")),
        ("broken.jsonl", b'{"id": "j1", "text": "fine"}\n{"id": "j2", "text": '),
        ("doc.pdf", b"%PDF-1.4"),
    ],
)
def test_bad_input_is_one_line_and_store_unchanged(store_copy: Path, tmp_path: Path, name: str, data: bytes) -> None:
    before = _dump(store_copy)
    good = tmp_path / "good.txt"
    good.write_text("Azerbaijan and Armenia agreed a ceasefire in Moscow.")
    bad = tmp_path / name
    bad.write_bytes(data)
    proc = run_kg("add", str(good), str(bad), store=store_copy, check=False)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kg: error: ") and name in lines[0]
    assert _dump(store_copy) == before


def test_locked_store_is_a_clear_error(seeds_store: Path, store_copy: Path) -> None:
    holder = ox.Store(str(store_copy))
    proc = run_kg("add", str(SEEDS / "000_8e1aa165a3142573.txt"), store=store_copy, check=False)
    del holder
    assert proc.returncode == 1
    assert "in use by another process" in proc.stderr


def test_stats_and_query(seeds_store: Path, store_copy: Path) -> None:
    stats = run_kg("stats", "--json", store=store_copy).stdout
    assert '"documents": 5' in stats
    parsed = json.loads(stats)
    assert parsed["by_class"]["Document"] == 5 and parsed["by_class"]["Statement"] > 20
    assert set(parsed["per_document"]) == {p.stem for p in SEEDS.glob("*.txt")}
    out = run_kg("query", "SELECT ?id WHERE { ?d a ckg:Document ; dcterms:identifier ?id } ORDER BY ?id",
                 "--format", "csv", store=store_copy).stdout
    assert out.splitlines()[0] == "id" and len(out.splitlines()) == 6
    bad = run_kg("query", "SELECT WHERE", store=store_copy, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("kg: error: bad SPARQL")


def test_validate_conforms_on_seeds(store_copy: Path) -> None:
    proc = run_kg("validate", store=store_copy, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "conforms" in proc.stdout


def test_parallel_build_gives_the_same_graph(seeds_store: Path, tmp_path: Path) -> None:
    parallel = tmp_path / "parallel"
    run_kg("build", "--workers", "2", str(SEEDS), store=parallel)
    assert _digest(parallel, "nq") == _digest(seeds_store, "nq")
