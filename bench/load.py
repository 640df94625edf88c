"""Load benchmark (not a test): drive a real ``kg serve`` with concurrent clients.

    python bench/load.py --store kg-store [--clients 50] [--seconds 60]

Mixes canned queries, entity pages, ``/claims``, ``/map``, ``/search`` and ad-hoc SPARQL from
``--clients`` concurrent httpx clients on loopback for ``--seconds`` seconds; prints throughput,
p50/p99 latency per kind, each page kind's latency against the canned queries' (goal: within
2×) and the server's memory sampled over the run (it should not grow), and writes
``bench/results/load.json``. Bounded in time and in count; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from compare import tree_pss_kb  # bench/ is on sys.path when this runs as a script

ROOT = Path(__file__).resolve().parent.parent
MIX = [
    ("canned", "/queries/timeline?actor=armenia", {}),
    ("canned", "/queries/casualties?side=armenia", {}),
    ("canned", "/queries/statements-by?actor=ilham-aliyev", {}),
    ("canned", "/queries/events-at?place=nagorno-karabakh", {}),
    ("page", "/id/entity/stepanakert", {"Accept": "text/html"}),
    ("page", "/id/entity/nikol-pashinyan", {"Accept": "text/html"}),
    ("page", "/id/entity/armenia", {"Accept": "application/ld+json"}),
    ("claims", "/claims", {"Accept": "text/html"}),
    ("claims", "/claims?actor=azerbaijan", {"Accept": "text/html"}),
    ("map", "/map", {"Accept": "text/html"}),
    ("search", "/search?q=step", {"Accept": "application/json"}),
    ("search", "/search?q=ar", {"Accept": "text/html"}),
    ("sparql", "/sparql?query=" + httpx.QueryParams({"q": "SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m ckg:refersTo ?e } "
                                                          "GROUP BY ?e ORDER BY DESC(?n) LIMIT 10"})["q"], {}),
    ("sparql", "/sparql?query=" + httpx.QueryParams({"q": "SELECT ?s ?q WHERE { ?s ckg:quote ?q } LIMIT 50"})["q"], {}),
]


async def client(base: str, deadline: float, samples: dict[str, list[float]], errors: list[str],
                 rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < deadline:
            kind, path, headers = rng.choice(MIX)
            started = time.perf_counter()
            try:
                r = await http.get(path, headers=headers)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
                continue
            samples.setdefault(kind, []).append(time.perf_counter() - started)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=os.environ.get("CKG_STORE", "kg-store"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        shutil.copytree(args.store, store)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port)], cwd=ROOT,
                                  env={**os.environ, "CKG_STORE": str(store)}, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/sparql", headers={"Accept": "text/turtle"}).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            samples: dict[str, list[float]] = {}
            errors: list[str] = []
            memory: list[tuple[float, int]] = []
            started = time.monotonic()
            deadline = started + args.seconds

            async def sample_memory() -> None:
                while time.monotonic() < deadline:
                    memory.append((round(time.monotonic() - started, 1), tree_pss_kb(server.pid)))
                    await asyncio.sleep(max(1.0, args.seconds / 20))

            rng = random.Random(7)
            await asyncio.gather(sample_memory(), *[client(base, deadline, samples, errors,
                                                           random.Random(rng.random())) for _ in range(args.clients)])
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    total = sum(len(v) for v in samples.values())
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": total,
        "throughput_rps": round(total / elapsed, 1), "errors": len(errors), "error_examples": errors[:5],
        "latency_ms": {k: {"n": len(v), "p50": round(1000 * pct(v, 0.5), 1), "p99": round(1000 * pct(v, 0.99), 1),
                           "mean": round(1000 * statistics.fmean(v), 1)} for k, v in sorted(samples.items())},
        "pss_kb_over_time": memory,  # the server and its query workers
    }
    print(f"{total} requests in {elapsed:.1f} s from {args.clients} clients: {result['throughput_rps']} req/s, "
          f"{len(errors)} errors")
    print(f"{'kind':8} {'n':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, stats in result["latency_ms"].items():  # type: ignore[union-attr]
        print(f"{kind:8} {stats['n']:7d} {stats['p50']:8.1f} {stats['p99']:8.1f}")
    canned = result["latency_ms"].get("canned")  # type: ignore[union-attr]
    if canned:
        goals = {}
        for kind in ("page", "claims", "map", "search"):
            stats = result["latency_ms"].get(kind)  # type: ignore[union-attr]
            if stats:
                r50, r99 = stats["p50"] / canned["p50"], stats["p99"] / canned["p99"]
                goals[kind] = {"p50_ratio": round(r50, 2), "p99_ratio": round(r99, 2), "met": r50 <= 2 and r99 <= 2}
                print(f"{kind:8} vs canned queries: p50 {r50:.2f}x, p99 {r99:.2f}x (goal <= 2x): "
                      f"{'met' if goals[kind]['met'] else 'NOT met'}")
        result["pages_vs_canned"] = goals
    if memory:
        print("server memory (PSS of the server and its query workers): "
              f"first {memory[0][1] // 1024} MB, last {memory[-1][1] // 1024} MB, "
              f"max {max(m for _, m in memory) // 1024} MB")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
