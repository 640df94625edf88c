"""Store writes: our public write path vs pyoxigraph's bulk loader, on the same quads.

    python bench/store_writes.py DUMP.nq --workdir DIR [--base IRI]

DUMP.nq is ``kg dump --format nq`` of a built store. Its quads are grouped as ``kg build``
writes them: one write per document graph, with that document's provenance (the quads of
``res:graph/provenance`` whose subject is the graph IRI or its activity, plus the
descriptions of the agents the activity names, which every document write repeats), and one
write each for the ontology and curated-entities graphs with their provenance. Then:

* ours: a fresh ``kg.store.KGStore(DIR/ours-R, bulk=True)`` (as ``kg build`` opens it), one
  ``KGStore.write([...])`` call per group of documents of about ``kg.build.WRITE_BYTES`` of
  N-Quads (one all-or-nothing write each, as ``kg build`` commits; ``--batch 1`` measures one
  document per write), then ``flush()``;
* peer: a fresh ``pyoxigraph.Store(DIR/bulk_load-R)``, ``bulk_load(path=DUMP.nq)``, then ``flush()``.

Parsing the dump into ``Quad`` objects for our side is done before the clock starts (the
builder hands ``write`` ready-made quads); ``bulk_load`` parses the file inside its timing
(that is how it is used). With ``--rounds R`` both run R times, alternating which goes
first, and each side's fastest round counts (noise on a shared machine only adds time).
Prints one JSON object with both timings (wall and CPU of this process) and quad counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.build import WRITE_BYTES
from kg.ids import Iris
from kg.store import GraphWrite, KGStore
from kg.vocab import PROV


def group_writes(quads: list[ox.Quad], iris: Iris) -> tuple[list[GraphWrite], int]:
    """The writes ``kg build`` makes for these quads, static graphs first, then documents by id."""
    prov_graph = iris.provenance_graph
    by_graph: dict[str, list[ox.Quad]] = {}
    prov_by_subject: dict[str, list[ox.Quad]] = {}
    for q in quads:
        g = q.graph_name.value  # type: ignore[union-attr]
        if g == prov_graph:
            prov_by_subject.setdefault(q.subject.value, []).append(q)  # type: ignore[union-attr]
        else:
            by_graph.setdefault(g, []).append(q)
    writes: list[GraphWrite] = []
    used_subjects: set[str] = set()
    # the ontology, the entities and the conflict packs kept in the store (kg.packs.pack_graph)
    statics = [g for g in (iris.ontology_graph, iris.entities_graph) if g in by_graph]
    statics += sorted(g for g in by_graph if g.startswith(f"{iris.base}graph/pack/"))
    for g in statics:
        writes.append(GraphWrite(graph=g, quads=by_graph[g], provenance=prov_by_subject.get(g, []),
                                 provenance_subjects=(g,)))
        used_subjects.add(g)
    for g in sorted(by_graph):
        doc_id = iris.doc_id_of_graph(g)
        if doc_id is None:
            if g not in statics:
                raise SystemExit(f"unexpected graph {g}: not a document, ontology, entities or pack graph")
            continue
        activity = iris.activity(doc_id)
        provenance = [*prov_by_subject.get(g, []), *prov_by_subject.get(activity, [])]
        agents = sorted({q.object.value for q in prov_by_subject.get(activity, [])  # type: ignore[union-attr]
                         if q.predicate.value == PROV.wasAssociatedWith})
        for agent in agents:
            provenance.extend(prov_by_subject.get(agent, []))
            used_subjects.add(agent)
        used_subjects.update((g, activity))
        writes.append(GraphWrite(graph=g, quads=by_graph[g], provenance=provenance,
                                 provenance_subjects=(g, activity)))
    left = sum(len(v) for s, v in prov_by_subject.items() if s not in used_subjects)
    return writes, left


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", type=Path)
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--base", default=Iris().base)
    ap.add_argument("--batch", type=int, default=0,
                    help="documents per write; default: as kg build groups them, about WRITE_BYTES of N-Quads")
    ap.add_argument("--rounds", type=int, default=1, help="repeat both sides; the best round of each counts")
    args = ap.parse_args()
    iris = Iris(args.base)
    t0 = time.perf_counter()
    quads = list(ox.parse(path=str(args.dump), format=ox.RdfFormat.N_QUADS))
    writes, leftover = group_writes(quads, iris)
    groups: list[list[GraphWrite]] = []
    size = 0
    for w in writes:  # kg build commits what has come back once it is WRITE_BYTES of N-Quads
        if not groups or (len(groups[-1]) >= args.batch if args.batch else size >= WRITE_BYTES):
            groups.append([])
            size = 0
        groups[-1].append(w)
        size += sum(len(str(q)) + 3 for q in (*w.quads, *w.provenance))  # type: ignore[misc]
    parse_s = time.perf_counter() - t0
    if leftover:
        print(f"warning: {leftover} provenance quads belong to no write", file=sys.stderr)

    def ours(target: Path) -> tuple[float, float, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        store = KGStore(target, iris=iris, bulk=True)  # as `kg build` opens it
        for group in groups:  # one all-or-nothing write per group, as `kg build` writes
            store.write(group)
        store.flush()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        return seconds, cpu, len(store.store)

    def bulk(target: Path) -> tuple[float, float, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        store = ox.Store(str(target))
        store.bulk_load(path=str(args.dump), format=ox.RdfFormat.N_QUADS)
        store.flush()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        return seconds, cpu, len(store)

    runs: dict[str, list[tuple[float, float, int]]] = {"ours": [], "bulk_load": []}
    for r in range(args.rounds):
        # Alternate which side goes first; each round writes into fresh directories.
        for side in (("ours", "bulk_load") if r % 2 == 0 else ("bulk_load", "ours")):
            target = args.workdir / f"{side}-{r}"
            if target.exists():
                raise SystemExit(f"{target} exists: store_writes needs fresh directories")
            runs[side].append((ours if side == "ours" else bulk)(target))
            shutil.rmtree(target)

    def best(side: str) -> dict[str, object]:
        seconds, cpu, length = min(runs[side])
        return {"seconds": round(seconds, 3), "cpu_s": round(cpu, 3), "quads": length,
                "quads_per_s": round(length / seconds, 1), "rounds_s": [round(x[0], 3) for x in runs[side]]}

    ours_best, bulk_best = best("ours"), best("bulk_load")
    ours_len, bulk_len = ours_best["quads"], bulk_best["quads"]
    documents = sum(1 for w in writes if iris.doc_id_of_graph(w.graph) is not None)
    ours_best["docs_per_s"] = round(documents / float(ours_best["seconds"]), 2)  # type: ignore[arg-type]
    json.dump({"quads_in_dump": len(quads), "writes": len(writes), "documents": documents,
               "parse_and_group_s": round(parse_s, 3), "rounds": args.rounds, "timing": "best of rounds",
               "ours": ours_best, "bulk_load": bulk_best,
               "same_quad_count": ours_len == bulk_len == len(quads)}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
