"""Load benchmark (not a test): drive a real ``kg serve`` with concurrent clients.

    python bench/load.py --store kg-store [--clients 50] [--seconds 60]
    python bench/load.py --store kg-store --seconds 3600 --writes-every 10 --out bench/results/soak.json

Mixes canned queries, entity pages, ``/claims``, ``/map``, ``/search`` and ad-hoc SPARQL from
``--clients`` concurrent httpx clients on loopback for ``--seconds`` seconds; prints throughput,
p50/p99 latency per kind, each page kind's latency against the canned queries' (goal: within
2×) and the server's memory sampled over the run (it should not grow), and writes
``bench/results/load.json`` (or ``--out``). Bounded in time and in count; loopback only.

The soak (``make bench-soak``): ``--writes-every S`` adds one writer client that posts a new
document (``POST /documents``, varied synthetic articles from ``bench/corpus.py``) every S
seconds with a token the server is started with, and records each acknowledged id. At the end
every acknowledged document must be in the store: asked through ``/sparql`` on the running
server and again after a restart on the same store. The report adds latency per
``--window`` (600 s) window, the server's memory (PSS of its process tree) and the load average
every ``--sample-every`` seconds with the memory's slope after warm-up, and the goals of issue 15
part 3 (0 errors, canned-query p99 < 1 s, memory flat, every acknowledged document present).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from compare import tree_pss_kb  # bench/ is on sys.path when this runs as a script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.procs import free_port, wait_for_http  # noqa: E402

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
SEEDS_PACK = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"  # the entities bench/corpus.py swaps
WRITE_PREFIX = "soak-"  # ids of the writer's documents (the seeds' are their file names)

# (seconds since the start, latency in seconds) per kind; (seconds since the start, text) per error
Samples = dict[str, list[tuple[float, float]]]
Errors = list[tuple[float, str]]


async def client(base: str, started: float, deadline: list[float], samples: Samples, errors: Errors,
                 rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < deadline[0]:
            kind, path, headers = rng.choice(MIX)
            t0 = time.perf_counter()
            at = time.monotonic() - started
            try:
                r = await http.get(path, headers=headers)
                if r.status_code != 200:
                    errors.append((at, f"{r.status_code} {path}"))
            except httpx.HTTPError as exc:
                errors.append((at, f"{type(exc).__name__} {path}"))
                continue
            samples.setdefault(kind, []).append((at, time.perf_counter() - t0))


async def writer(base: str, token: str, started: float, deadline: list[float], every: float, samples: Samples,
                 errors: Errors, acknowledged: list[str], distinct: int = 0) -> None:
    """Post one new synthetic document every ``every`` seconds (at once if the last took longer).

    With ``distinct`` N > 0 the ids cycle through N: from the N+1st write on, each replaces the
    document of its id with a new text, so the store stops growing (a soak of constant size)."""
    from corpus import Generator, load_entities, load_seeds  # bench/corpus.py

    gen = Generator(load_seeds(ROOT / "seeds"), load_entities(SEEDS_PACK), seed=1)
    headers = {"Authorization": f"Bearer {token}"}
    i = 0
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        next_at = time.monotonic() + min(every, 1.0)
        while True:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= deadline[0]:
                return
            next_at += every
            doc = gen.document(i)
            doc["id"] = f"{WRITE_PREFIX}{gen.seed}-{(i % distinct) if distinct else i:05d}"
            i += 1
            t0 = time.perf_counter()
            at = time.monotonic() - started
            try:
                r = await http.post("/documents", json=doc, headers=headers)
            except httpx.HTTPError as exc:
                errors.append((at, f"{type(exc).__name__} POST /documents {doc['id']}"))
                continue
            if r.status_code in (200, 201) and r.json().get("id") == doc["id"]:  # 201 added, 200 replaced
                acknowledged.append(doc["id"])
                samples.setdefault("write", []).append((at, time.perf_counter() - t0))
            else:
                errors.append((at, f"{r.status_code} POST /documents {doc['id']}"))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def stats_of(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(1000 * pct(values, 0.5), 1), "p99": round(1000 * pct(values, 0.99), 1),
            "max": round(1000 * max(values), 1) if values else float("nan"),
            "mean": round(1000 * statistics.fmean(values), 1) if values else float("nan")}


def window_stats(samples: Samples, errors: Errors, lo: float, hi: float) -> dict[str, object]:
    kinds = {k: stats_of([lat for at, lat in v if lo <= at < hi]) for k, v in sorted(samples.items())}
    return {"from_s": round(lo), "to_s": round(hi), "errors": sum(lo <= at < hi for at, _ in errors),
            "latency_ms": {k: s for k, s in kinds.items() if s["n"]}}


def print_window(w: dict[str, object], memory: list[tuple[float, int, float]]) -> None:
    lo, hi = w["from_s"], w["to_s"]
    mem = [m for at, m, _ in memory if lo <= at < hi]  # type: ignore[operator]
    load = [a for at, _, a in memory if lo <= at < hi]  # type: ignore[operator]
    kinds = "  ".join(f"{k} {s['n']} {s['p50']:.0f}/{s['p99']:.0f}"  # type: ignore[index]
                      for k, s in w["latency_ms"].items())  # type: ignore[attr-defined]
    print(f"window {lo}-{hi} s: {w['errors']} errors; n p50/p99 ms: {kinds}; "
          f"PSS {(mem[-1] // 1024) if mem else '?'} MB; load {max(load) if load else float('nan'):.1f} max",
          flush=True)


def slope_mb_per_hour(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of PSS over time, MB per hour."""
    if len(points) < 3:
        return float("nan")
    xs, ys = [t for t, _ in points], [kb / 1024 for _, kb in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 3600 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")


def markdown_table(result: dict[str, Any]) -> str:
    """The soak's windows as a Markdown table (``--table RESULT.json`` prints it again)."""
    kinds = ("canned", "page", "claims", "map", "search", "sparql")
    lines = ["| window (min) | requests | errors | " + " | ".join(f"{k} p50/p99 ms" for k in kinds)
             + " | writes (p50/max s) | PSS at end (MB) | load avg |",
             "|" + "---|" * (len(kinds) + 6)]
    memory = [(at, kb, a) for (at, kb), (_, a) in zip(result["pss_kb_over_time"], result["loadavg_over_time"],
                                                       strict=True)]
    rows = [*result.get("windows", []), {"from_s": 0, "to_s": result["seconds"], "errors": result["errors"],
                                         "latency_ms": result["latency_ms"], "overall": True}]
    for w in rows:
        lat = w["latency_ms"]
        inside = [(kb, a) for at, kb, a in memory if w["from_s"] <= at < w["to_s"]]
        writes = lat.get("write")
        cells = [("all" if w.get("overall") else f"{w['from_s'] / 60:.0f}–{w['to_s'] / 60:.0f}"),
                 str(sum(v["n"] for k, v in lat.items() if k != "write")), str(w["errors"]),
                 *(f"{lat[k]['p50']:.0f} / {lat[k]['p99']:.0f}" if k in lat else "–" for k in kinds),
                 f"{writes['n']} ({writes['p50'] / 1000:.1f} / {writes.get('max', writes['p99']) / 1000:.1f})"
                 if writes else "0",
                 str(inside[-1][0] // 1024) if inside else "–",
                 f"{min(a for _, a in inside):.1f}–{max(a for _, a in inside):.1f}" if inside else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def start_server(store: Path, log_path: Path, token: str | None, port: int) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    env = {**os.environ, "CKG_STORE": str(store)}
    if token:
        env["CKG_API_TOKEN"] = token
    with open(log_path, "ab") as log:
        server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port)], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_for_http(base + "/sparql", server, timeout=120, headers={"Accept": "text/turtle"}):
        raise SystemExit(f"kg serve did not start; see {log_path}")
    return server, base


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def present_ids(base: str) -> set[str]:
    """Ids of the writer's documents that the store holds, asked through /sparql."""
    query = ("SELECT ?id WHERE { ?d a ckg:Document ; dcterms:identifier ?id . "
             f'FILTER(STRSTARTS(STR(?id), "{WRITE_PREFIX}")) }}')
    r = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                  timeout=120)
    r.raise_for_status()
    return {b["id"]["value"] for b in r.json()["results"]["bindings"]}


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=os.environ.get("CKG_STORE", "kg-store"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--writes-every", type=float, default=0,
                    help="one more client posts a new document every this many seconds (0: reads only)")
    ap.add_argument("--distinct", type=int, default=0,
                    help="the writer's ids cycle through this many, each later write replacing a document, so the "
                         "store's size stays constant (0: every write a new document)")
    ap.add_argument("--sample-every", type=float, default=0,
                    help="memory and load average every this many seconds (default: 20 samples a run)")
    ap.add_argument("--window", type=float, default=600, help="report latency per window of this many seconds")
    ap.add_argument("--warmup", type=float, default=0,
                    help="memory slope from this many seconds on (default: a tenth of the run)")
    ap.add_argument("--max-pss-mb", type=int, default=6000,
                    help="stop the run early (and say so) if the server's process tree passes this much memory; "
                         "0: never (the machine is shared)")
    ap.add_argument("--port", type=int, default=0, help="the server's port (default: any free one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    ap.add_argument("--table", type=Path, help="only print the windows of this earlier result as a Markdown table")
    args = ap.parse_args()
    if args.table:
        print(markdown_table(json.loads(args.table.read_text())))
        return 0
    sample_every = args.sample_every or max(1.0, args.seconds / 20)
    token = secrets.token_urlsafe(24) if args.writes_every > 0 else None
    samples: Samples = {}
    errors: Errors = []
    acknowledged: list[str] = []
    memory: list[tuple[float, int, float]] = []  # (seconds, PSS kB, 1-minute load average)
    windows: list[dict[str, object]] = []
    durability: dict[str, object] = {}
    stopped: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        shutil.copytree(args.store, store)
        log_path = Path(tmp) / "server.log"
        server, base = start_server(store, log_path, token, args.port)
        try:
            started = time.monotonic()
            deadline = [started + args.seconds]  # brought forward if the server's memory passes --max-pss-mb

            async def sample_memory() -> None:
                while time.monotonic() < deadline[0]:
                    memory.append((round(time.monotonic() - started, 1), tree_pss_kb(server.pid), loadavg()))
                    if args.max_pss_mb and memory[-1][1] > 1024 * args.max_pss_mb:
                        stopped.append(f"stopped after {memory[-1][0]:.0f} s: the server's PSS "
                                       f"{memory[-1][1] // 1024} MB passed --max-pss-mb {args.max_pss_mb}")
                        print(stopped[-1], flush=True)
                        deadline[0] = time.monotonic()
                        return
                    await asyncio.sleep(sample_every)

            async def report_windows() -> None:
                lo = 0.0
                while lo + args.window <= args.seconds:
                    while time.monotonic() < min(deadline[0], started + lo + args.window):
                        await asyncio.sleep(min(5.0, max(0.0, started + lo + args.window - time.monotonic())))
                    if time.monotonic() < started + lo + args.window:
                        return  # stopped early: the part of the run after the last whole window follows
                    windows.append(window_stats(samples, errors, lo, lo + args.window))
                    print_window(windows[-1], memory)
                    lo += args.window

            rng = random.Random(7)
            tasks = [sample_memory(), report_windows(),
                     *[client(base, started, deadline, samples, errors, random.Random(rng.random()))
                       for _ in range(args.clients)]]
            if token:
                tasks.append(writer(base, token, started, deadline, args.writes_every, samples, errors, acknowledged,
                                    args.distinct))
            await asyncio.gather(*tasks)
            elapsed = time.monotonic() - started
            tail = window_stats(samples, errors, float(windows[-1]["to_s"]) if windows else 0.0,  # type: ignore[arg-type]
                                elapsed + 1)
            if tail["latency_ms"] or tail["errors"]:  # the part of the run after the last whole window
                windows.append(tail)
                print_window(tail, memory)
            if token:
                durability["present_live"] = len(present_ids(base) & set(acknowledged))
        finally:
            stop_server(server)
        if token:  # again after a restart on the same store: acknowledged means durable
            server, base = start_server(store, log_path, None, args.port)
            try:
                durability["present_after_restart"] = len(present_ids(base) & set(acknowledged))
                missing = sorted(set(acknowledged) - present_ids(base))
            finally:
                stop_server(server)
            durability["acknowledged"] = len(set(acknowledged))  # distinct ids (a replacement counts once)
            durability["writes"] = len(acknowledged)
            durability["missing_examples"] = missing[:5]
    total = sum(len(v) for k, v in samples.items() if k != "write")
    result: dict[str, object] = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": total,
        "throughput_rps": round(total / elapsed, 1), "errors": len(errors), "stopped_early": stopped,
        "error_examples": [f"{at:.0f}s {e}" for at, e in errors[:5]],
        "latency_ms": {k: stats_of([lat for _, lat in v]) for k, v in sorted(samples.items())},
        "pss_kb_over_time": [(at, kb) for at, kb, _ in memory],  # the server and its query workers
        "loadavg_over_time": [(at, a) for at, _, a in memory],
    }
    latency: dict[str, dict[str, float]] = result["latency_ms"]  # type: ignore[assignment]
    print(f"{total} requests in {elapsed:.1f} s from {args.clients} clients: {result['throughput_rps']} req/s, "
          f"{len(errors)} errors")
    print(f"{'kind':8} {'n':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, stats in latency.items():
        print(f"{kind:8} {stats['n']:7d} {stats['p50']:8.1f} {stats['p99']:8.1f}")
    canned = latency.get("canned")
    if canned:
        goals = {}
        for kind in ("page", "claims", "map", "search"):
            stats = latency.get(kind)
            if stats:
                r50, r99 = stats["p50"] / canned["p50"], stats["p99"] / canned["p99"]
                goals[kind] = {"p50_ratio": round(r50, 2), "p99_ratio": round(r99, 2), "met": r50 <= 2 and r99 <= 2}
                print(f"{kind:8} vs canned queries: p50 {r50:.2f}x, p99 {r99:.2f}x (goal <= 2x): "
                      f"{'met' if goals[kind]['met'] else 'NOT met'}")
        result["pages_vs_canned"] = goals
    if memory:
        kbs = [kb for _, kb, _ in memory]
        warmup = args.warmup or args.seconds / 10
        slope = slope_mb_per_hour([(at, kb) for at, kb, _ in memory if at >= warmup])
        loads = [a for _, _, a in memory]
        result["memory"] = {"first_mb": kbs[0] // 1024, "last_mb": kbs[-1] // 1024, "max_mb": max(kbs) // 1024,
                            "after_warmup_first_mb": next((kb // 1024 for at, kb, _ in memory if at >= warmup), None),
                            "slope_mb_per_hour_after_warmup": round(slope, 1), "warmup_s": warmup}
        result["loadavg"] = {"min": min(loads), "median": statistics.median(loads), "max": max(loads)}
        print("server memory (PSS of the server and its query workers): "
              f"first {kbs[0] // 1024} MB, last {kbs[-1] // 1024} MB, max {max(kbs) // 1024} MB; "
              f"slope after {warmup:.0f} s: {slope:+.1f} MB/h")
        print(f"load average (1 min) during the run: min {min(loads):.1f}, median {statistics.median(loads):.1f}, "
              f"max {max(loads):.1f}")
    if windows:
        result["windows"] = windows
    if token:
        result["writes"] = durability
        print(f"documents: {durability['acknowledged']} acknowledged, {durability['present_live']} present "
              f"(live), {durability['present_after_restart']} present after a restart")
        mem = result.get("memory", {})
        slope_ok = abs(mem.get("slope_mb_per_hour_after_warmup", float("nan"))) <= 0.1 * mem.get("max_mb", 0)  # type: ignore[union-attr,operator]
        soak_goals = {
            "errors == 0": len(errors) == 0,
            "canned p99 < 1 s": bool(canned) and canned["p99"] < 1000,
            "memory flat (|slope| <= 10% of max per hour)": slope_ok,
            "every acknowledged document present": durability["present_after_restart"] == len(set(acknowledged))
            == durability["present_live"],
            "ran its full time": not stopped,
        }
        result["soak_goals"] = soak_goals
        for goal, met in soak_goals.items():
            print(f"goal {goal}: {'met' if met else 'NOT met'}")
        print(markdown_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
