"""SIGKILL ``kg serve`` while clients add documents through ``POST /documents``, over and over, and
count what is lost (not a test: a long run; tests/test_shared_store.py covers the path itself).

    python bench/kill_server_loop.py [--docs 30] [--kills 20] [--seed 1]

A corpus of ``--docs`` documents (bench/corpus.py) is built once with ``kg build`` as the
reference. Then, on one store, a server is started, a client posts the documents one by one
(the ones not yet acknowledged first, then some again), and the server is SIGKILLed at a random
moment; after every kill the store is opened and checked:

* every document the server acknowledged (answered 200 or 201) is in it;
* every document graph in it is byte-for-byte the reference graph, and has its provenance
  (and no provenance is left without its graph): never half a document.

When every document is in, the store starts over. Prints the figures and writes
bench/results/kill_server_loop.json; exits 1 if anything was lost or half-written.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.corpus import write_corpus  # noqa: E402
from bench.kill_loop import DOC_GRAPH, graphs, run  # noqa: E402
from kg.procs import free_port, wait_for_http  # noqa: E402

KG = [sys.executable, "-m", "kg.cli"]
PROV = "https://w3id.org/conflict-kg/id/graph/provenance"
DOCUMENT_GRAPH = "https://w3id.org/conflict-kg/ontology#DocumentGraph"
TOKEN = "kill-loop-token"


def start(store: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CKG_STORE": str(store), "CKG_API_TOKEN": TOKEN, "CKG_QUERY_WORKERS": "0",
           "SOURCE_DATE_EPOCH": "1700000000"}
    with log.open("ab") as out:
        proc = subprocess.Popen([*KG, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_for_http(base + "/sparql", proc, timeout=120, headers={"Accept": "text/turtle"}):
        raise SystemExit(f"the server did not start; see {log}")
    return proc, base


def provenance_graphs(store: Path) -> set[str]:
    handle = ox.Store.read_only(str(store))
    found = {str(getattr(q.subject, "value", "")) for q in handle.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(DOCUMENT_GRAPH),
        ox.NamedNode(PROV))}
    del handle
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="ckg-kill-server-"))
    corpus = work / "corpus.jsonl"
    write_corpus(args.docs, corpus)
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    started = time.monotonic()
    run([*KG, "build", str(corpus), "-q"], work / "reference")
    reference = graphs(work / "reference")
    store, log = work / "live", work / "server.log"
    figures = {"kills": 0, "acknowledged": 0, "posts": 0, "lost": 0, "half": 0, "mismatched": 0, "restarts": 0}
    acked: set[str] = set()
    while figures["kills"] < args.kills:
        if len(acked) == len(records):  # all in: start over, so the next kills land in writes
            shutil.rmtree(store, ignore_errors=True)
            acked.clear()
            figures["restarts"] += 1
        proc, base = start(store, log)
        stop = threading.Event()
        acked_now: set[str] = set()

        def post(base: str = base, stop: threading.Event = stop, acked_now: set[str] = acked_now,
                 acked: set[str] = acked) -> None:
            order = [r for r in records if r["id"] not in acked] + rng.sample(records, min(3, len(records)))
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as client:
                for record in order:
                    if stop.is_set():
                        return
                    try:
                        r = client.post("/documents", json=record)
                    except httpx.HTTPError:
                        return  # the server died mid-request: not acknowledged
                    figures["posts"] += 1
                    if r.status_code in (200, 201):
                        acked_now.add(record["id"])

        poster = threading.Thread(target=post)
        poster.start()
        time.sleep(rng.uniform(2.0, 12.0))  # the first write loads the spaCy model (a few seconds)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        poster.join()
        figures["kills"] += 1
        acked |= acked_now
        figures["acknowledged"] += len(acked_now)
        stored = graphs(store)
        prov = provenance_graphs(store)
        ids = {r["id"]: DOC_GRAPH + r["id"] for r in records}
        figures["lost"] += sum(1 for doc_id in acked if ids[doc_id] not in stored)
        figures["mismatched"] += sum(1 for g, text in stored.items() if reference.get(g) != text)
        figures["half"] += len(set(stored) ^ {g for g in prov if g.startswith(DOC_GRAPH)})
        print(f"kill {figures['kills']}: {len(acked_now)} acknowledged in this run, {len(stored)} documents "
              f"stored, lost {figures['lost']}, half {figures['half']}, mismatched {figures['mismatched']}",
              file=sys.stderr, flush=True)
    figures["seconds"] = round(time.monotonic() - started)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "kill_server_loop.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if figures["lost"] or figures["half"] or figures["mismatched"] else 0


if __name__ == "__main__":
    sys.exit(main())
