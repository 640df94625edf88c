"""The same graph in three stores, side by side: the embedded pyoxigraph store, ``oxigraph
serve`` and OpenLink Virtuoso (Debian's virtuoso-opensource), each reached through conflict-kg's
own store classes (``kg.store.KGStore``, ``kg.remote.RemoteStore``).

    python bench/engines.py [--docs N] [--built STORE] [--rounds R]

1. ``bench/corpus.py`` writes N documents (default 10,000) and ``kg build`` extracts them into
   an embedded store (or ``--built STORE``: a store already built from that corpus).
2. **Load**: the built graph is read back as the writes the builder makes (one per document:
   its graph and its provenance; batches of 16 documents, one transaction each, as ``kg
   build`` writes them) and written into a new store of each engine. Extraction is the same
   whichever store is behind it and is left out: this is the store's share of a build.
3. **Query**: two canned queries of the API (``api/queries/casualties.rq``, ``mediation.rq``),
   an entity's description (CONSTRUCT), a label search, a class count over the whole union
   graph, the fingerprints read of ``kg add`` and the full N-Quads dump, each run R times
   (median; the first run is a warm-up).
4. The three dumps must be byte-identical.

Prints a table with the ratios to the embedded store and writes ``bench/results/engines-N.json``.
Servers are started here on 127.0.0.1 with stores in a temporary directory. The machine is
shared: compare the ratios of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from api.queries import QUERIES  # noqa: E402
from corpus import write_corpus  # noqa: E402
from kg.ids import Iris  # noqa: E402
from kg.procs import total_rss_mb  # noqa: E402
from kg.remote import RemoteStore  # noqa: E402
from kg.results import collect_rows  # noqa: E402
from kg.store import BaseStore, GraphWrite, KGStore  # noqa: E402
from tests.engines import Engine, start_oxigraph, start_virtuoso  # noqa: E402

PACK = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"
BATCH = 16
# The canned queries that take no parameter and stay bounded: at N = 1,000 "claims", "timeline",
# "map" and "accusations" each take more than 4 GB and a minute in the embedded store already.
CANNED = ("casualties", "mediation")


def build(corpus: Path, store: Path) -> float:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "CKG_PACKS": str(PACK)}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store), "-q"],
                   check=True, env=env, cwd=ROOT)
    return time.perf_counter() - t


def read_writes(store: BaseStore) -> list[list[GraphWrite]]:
    """The built graph as the builder's writes: static graphs first (one transaction), then
    the documents in batches of :data:`BATCH`."""
    iris = store.iris
    prov_graph = ox.NamedNode(iris.provenance_graph)
    prov: dict[str, list[ox.Quad]] = {}
    for q in store.graph_quads(iris.provenance_graph):
        prov.setdefault(str(getattr(q.subject, "value", q.subject)), []).append(q)
    statics, docs = [], []
    for graph in store.graphs():
        if graph == iris.provenance_graph:
            continue
        doc_id = iris.doc_id_of_graph(graph)
        subjects = (graph,) if doc_id is None else (graph, iris.activity(doc_id))
        provenance = [q for s in subjects for q in prov.pop(s, [])]
        write = GraphWrite(graph=graph, quads=store.graph_quads(graph), provenance=provenance,
                           provenance_subjects=subjects)
        (statics if doc_id is None else docs).append(write)
    rest = [q for quads in prov.values() for q in quads]  # agents and the like, shared by all documents
    assert all(q.graph_name == prov_graph for q in rest)
    first = statics[0]
    statics[0] = GraphWrite(graph=first.graph, quads=first.quads, provenance=[*first.provenance, *rest],
                            provenance_subjects=first.provenance_subjects)
    return [statics] + [docs[i:i + BATCH] for i in range(0, len(docs), BATCH)]


def timed(fn: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def measure(name: str, store: BaseStore, batches: list[list[GraphWrite]], rounds: int,
            entity: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    quads = sum(len(w.quads) + len(w.provenance) for b in batches for w in b)  # type: ignore[arg-type]
    t = time.perf_counter()
    for batch in batches:
        store.write(batch)
    store.flush()
    store.optimize()
    load = time.perf_counter() - t
    figures["load_s"] = load
    figures["load_quads_per_s"] = quads / load
    figures["load_docs_per_s"] = sum(len(b) for b in batches[1:]) / load

    def canned(q: str) -> Callable[[], int]:
        return lambda: len(collect_rows(store.query(QUERIES[q].text), 100_000).rows)  # type: ignore[arg-type]

    queries: dict[str, Callable[[], Any]] = {f"canned {q}": canned(q) for q in CANNED}
    queries["entity CONSTRUCT"] = lambda: len(list(store.query(f"CONSTRUCT WHERE {{ <{entity}> ?p ?o }}")))
    queries["label search"] = lambda: len(list(store.query(  # type: ignore[arg-type]
        'SELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "arm")) }')))
    queries["classes (whole union)"] = lambda: len(list(store.query(  # type: ignore[arg-type]
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?x a ?c } GROUP BY ?c")))
    queries["fingerprints (kg add)"] = lambda: len(store.fingerprints())
    for label, fn in queries.items():
        seconds, result = timed(fn, rounds)
        figures[f"{label} ms"] = seconds * 1000
        figures[f"{label} rows"] = result
        print(f"  {name}: {label}: {seconds * 1000:.1f} ms ({result})", flush=True)
    seconds, dump = timed(lambda: store.dump_bytes("nq"), max(1, rounds // 3))
    figures["dump nq s"] = seconds
    figures["dump_sha256"] = hashlib.sha256(dump).hexdigest()
    figures["quads"] = quads
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--built", type=Path, help="an embedded store already built from the corpus of --docs")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--engines", default="embedded,oxigraph,virtuoso")
    args = ap.parse_args()
    engines = args.engines.split(",")
    out: dict[str, Any] = {"docs": args.docs, "rounds": args.rounds, "machine": platform.platform(),
                           "cpus": os.cpu_count(), "engines": {}}
    with tempfile.TemporaryDirectory(prefix="ckg-engines-") as tmp_name:
        tmp = Path(tmp_name)
        built = args.built
        if built is None:
            corpus = write_corpus(args.docs, tmp / "corpus.jsonl")
            built = tmp / "built"
            out["build_s"] = build(corpus, built)
            print(f"built {args.docs} documents into the embedded store in {out['build_s']:.0f} s", flush=True)
        source = KGStore(built, iris=Iris(), read_only=True)
        batches = read_writes(source)
        reference = hashlib.sha256(source.dump_bytes("nq")).hexdigest()
        entity = f"{source.iris.base}entity/armenia"
        source.close()
        print(f"{sum(len(b) for b in batches[1:])} documents, {len(batches)} transactions", flush=True)
        for name in engines:
            server: Engine | None = None
            store: BaseStore
            if name == "embedded":
                store = KGStore(tmp / "embedded", iris=Iris())
                where = tmp / "embedded"
            elif name == "oxigraph":
                server = start_oxigraph(tmp / "oxigraph", "--union-default-graph")
                store = RemoteStore(server.url, timeout=600)
                where = tmp / "oxigraph"
            else:
                server = start_virtuoso(tmp / "virtuoso", buffers=60_000)
                store = RemoteStore(server.url, timeout=600, user=server.env["CKG_STORE_USER"],
                                    password=server.env["CKG_STORE_PASSWORD"])
                where = tmp / "virtuoso"
            try:
                print(f"{name}: loading", flush=True)
                figures = measure(name, store, batches, args.rounds, entity)
                figures["memory_mb"] = total_rss_mb(server.proc.pid) if server else None
                figures["disk_mb"] = du_mb(where)
                figures["identical_dump"] = figures["dump_sha256"] == reference
                out["engines"][name] = figures
                print(f"{name}: load {figures['load_s']:.1f} s, dump identical: {figures['identical_dump']}",
                      flush=True)
            finally:
                store.close()
                if server:
                    server.stop()
                shutil.rmtree(where, ignore_errors=True)
    print_table(out)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"engines-{args.docs}.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0 if all(e["identical_dump"] for e in out["engines"].values()) else 1


def print_table(out: dict[str, Any]) -> None:
    engines = out["engines"]
    names = list(engines)
    rows = [("load (s)", "load_s"), ("load (quads/s)", "load_quads_per_s")]
    rows += [(k[:-3] + " (ms)", k) for k in next(iter(engines.values())) if k.endswith(" ms")]
    rows += [("dump nq (s)", "dump nq s"), ("server memory (MB RSS)", "memory_mb"), ("disk (MB)", "disk_mb")]
    base = names[0]
    header = ["figure", *names, *[f"{n}/{base}" for n in names[1:]]]
    if "oxigraph" in names and "virtuoso" in names:
        header.append("virtuoso/oxigraph")
    print(f"\nN = {out['docs']} documents, {next(iter(engines.values()))['quads']} quads; median of "
          f"{out['rounds']} runs")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, key in rows:
        values = [engines[n].get(key) for n in names]
        cells = [label, *[_fmt(v) for v in values]]
        for v in values[1:]:
            cells.append(_ratio(v, values[0]))
        if "oxigraph" in names and "virtuoso" in names:
            cells.append(_ratio(engines["virtuoso"].get(key), engines["oxigraph"].get(key)))
        print("| " + " | ".join(cells) + " |")
    print("| identical dump | " + " | ".join(str(engines[n]["identical_dump"]).lower() for n in names) + " |")


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def _ratio(v: float | None, ref: float | None) -> str:
    return "–" if v is None or not ref else f"{v / ref:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
