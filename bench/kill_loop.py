"""The long SIGKILL loop (not a test; `make test` runs a short one): kill `kg build` and
`kg add` at random points, over and over, and count what is lost.

    python bench/kill_loop.py [--docs 200] [--kills 50] [--workers 2] [--seed 1]

A corpus of ``--docs`` documents (bench/corpus.py) is built once to completion as the
reference. Then, on one store that lives through the whole loop, ``kg build`` is started and
SIGKILLed at a random moment of a full build's duration, again and again, each run resuming
where the last one died; every few kills the store starts over, and some kills hit ``kg add``
replacing a document with a changed text. After every kill the store is opened and checked:

* every document graph in it is byte-for-byte the reference graph (or, for the replaced
  document, the reference or its new version): never half a document;
* every document the killed run reported done (its progress lines) is in it;
* no process of the run is left: none whose environment or command line names the store (the
  extraction workers and multiprocessing's resource tracker die with the build, even when the
  build is killed while they are still starting).

At the end the build is run to completion and the dump compared with the reference dump.
Prints the figures and writes bench/results/kill_loop.json; exits 1 if anything was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.procs import processes_of

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
DOC_GRAPH = "https://w3id.org/conflict-kg/id/graph/doc/"


def graphs(store: Path) -> dict[str, str]:
    """Every document graph of a store (not open elsewhere), as sorted N-Quads text."""
    if not store.exists():
        return {}
    handle = ox.Store.read_only(str(store))
    out: dict[str, list[str]] = {}
    for q in handle:
        name = q.graph_name.value  # type: ignore[union-attr]
        if name.startswith(DOC_GRAPH):
            out.setdefault(name, []).append(str(q))
    del handle
    return {g: "\n".join(sorted(v)) for g, v in out.items()}


def run(cmd: list[str], store: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True, **kwargs)  # type: ignore[call-overload]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh-every", type=int, default=3, help="start the store over after this many kills")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="ckg-kill-"))
    try:
        corpus = work / "corpus.jsonl"
        subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(args.docs), "-o", str(corpus)],
                       check=True, capture_output=True)
        first = json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])
        changed = work / "changed.jsonl"
        changed.write_text(json.dumps({**first, "text": first["text"] + "\n\nArmenian forces shelled Ganja "
                                                                        "on Sunday, Azerbaijan said."}) + "\n")
        build = [*KG, "build", "--workers", str(args.workers), str(corpus)]
        add = [*KG, "add", str(changed)]
        reference = work / "reference"
        started = time.monotonic()
        run(build, reference)
        build_s = time.monotonic() - started
        expected = graphs(reference)
        replaced_graph = DOC_GRAPH + first["id"]
        run(add, reference)
        replaced_version = graphs(reference)[replaced_graph]
        run(build + ["-q"], reference)  # back to the corpus version
        reference_dump = run([*KG, "dump", "--format", "nq"], reference).stdout
        started = time.monotonic()
        run(add, reference)
        add_s = time.monotonic() - started
        run(build + ["-q"], reference)

        store = work / "store"
        figures = {"kills_tried": 0, "kills_landed": 0, "reported_done": 0, "lost": 0, "half_written": 0,
                   "add_kills": 0, "restarts": 0, "survivors": 0}
        for k in range(args.kills):
            if k and k % args.fresh_every == 0:
                shutil.rmtree(store, ignore_errors=True)
                figures["restarts"] += 1
            is_add = k % 5 == 4 and store.exists()
            cmd, duration = (add, add_s) if is_add else (build, build_s)
            env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": "1700000000"}
            proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)
            time.sleep(rng.uniform(0.05, 1.0) * duration)
            figures["kills_tried"] += 1
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                figures["kills_landed"] += 1
                figures["add_kills"] += int(is_add)
            try:
                _, err = proc.communicate(timeout=120)  # returns when the workers are gone too
            except subprocess.TimeoutExpired:
                proc.kill()
                err = ""
            left = processes_of(store)
            if left:
                figures["survivors"] += len(left)
                print(f"kill {k + 1}: processes {left} outlived the killed run", file=sys.stderr, flush=True)
                for pid in left:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                proc.communicate(timeout=30)
            done = {line.split()[-1] for line in err.splitlines() if "] added" in line or "] replaced" in line}
            figures["reported_done"] += len(done)
            now = graphs(store)
            for graph, quads in now.items():
                allowed = {expected[graph], replaced_version} if graph == replaced_graph else {expected[graph]}
                if quads not in allowed:
                    figures["half_written"] += 1
            figures["lost"] += sum(1 for doc_id in done if DOC_GRAPH + doc_id not in now)
            print(f"kill {k + 1}/{args.kills}: {'add' if is_add else 'build'}, {len(now)} documents stored, "
                  f"{len(done)} reported done", file=sys.stderr, flush=True)
        run(build + ["-q"], store)  # the rerun resumes and completes
        final = run([*KG, "dump", "--format", "nq"], store).stdout
        figures["final_dump_identical"] = final == reference_dump
        figures.update(docs=args.docs, workers=args.workers, full_build_s=round(build_s, 1))
        print(json.dumps(figures, indent=2))
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "kill_loop.json").write_text(json.dumps(figures, indent=2))
        ok = (figures["lost"] == 0 and figures["half_written"] == 0 and figures["survivors"] == 0
              and figures["final_dump_identical"])
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
