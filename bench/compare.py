"""Comparison benchmark (not a test): conflict-kg against peers measured in the same run.

    python bench/compare.py [--sizes 10,100,1000,10000] [--workers 2] [--seconds 20] [--clients 8,16] [--quick]

Absolute times on a small shared machine are noisy, so every headline number is a ratio
against a peer run on the same machine, in the same run, on the same input:

a. build: ``kg build corpus.jsonl --workers W`` vs the bare spaCy pipeline (``nlp.pipe`` over
   the same texts, ``bench/bare_pipeline.py``), per corpus size N (``bench/corpus.py``);
b. store writes: ``KGStore.write`` one document per call vs ``pyoxigraph.Store.bulk_load`` of
   the same N-Quads (``bench/store_writes.py``);
c. endpoint: ``kg serve`` vs ``oxigraph serve`` vs rdflib-endpoint over the same data, driven
   by the same query mix from K concurrent httpx clients (8 and 16) for S seconds each, in
   interleaved phases (every server started at once, driven in turn, the order reversed each
   round), at N = 1,000 and 10,000 (quick: the largest built N);
d. memory: peak RSS of the build (whole process tree) and of each server, per million quads.

Prints a table (metric | ours | peer | ratio | goal | met?) and writes every raw number to
``bench/results/compare.json``. The peers live in their own venv (``--peers``, default
``bench/.peers``, made by ``make bench``); this script runs in ours. Loopback only.
How the fixed start-up costs are handled is explained at :func:`bench_build` and in
bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from corpus import write_corpus  # noqa: E402

VENV_BIN = Path(sys.executable).parent
KG = VENV_BIN / "kg"
EPOCH = "1700000000"
PACK = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"  # the seeds' war: the bench corpus is built with it

# Goals: ratio ours/peer (higher is better), except growth (lower is better).
GOAL_BUILD = 0.8
GOAL_WRITES = 0.5
GOAL_OXIGRAPH = 0.9  # req/s at every client count
GOAL_P99 = 1.2  # p99 latency, ours/oxigraph (lower is better)
GOAL_MEMORY = 2.0  # PSS of the server's process tree, ours/oxigraph (lower is better)
GOAL_RDFLIB = 10.0
GOAL_GROWTH = 1.2  # our own bar for "linear": per-document cost within 20 % from small to large N

PREFIXES = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# Plain SPARQL 1.1 every server supports: full IRIs or PREFIX declarations, no predeclared
# prefixes, the default graph is the union of the named graphs on all three.
QUERY_MIX: list[tuple[str, str]] = [
    ("top-entities", PREFIXES + "SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m ckg:refersTo ?e } "
                                "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 10"),
    ("speakers", PREFIXES + "SELECT ?who ?label (COUNT(?s) AS ?n) WHERE { ?s a ckg:Statement ; ckg:speaker ?who . "
                            "?who rdfs:label ?label } GROUP BY ?who ?label ORDER BY DESC(?n) ?who LIMIT 20"),
    ("events-by-type", PREFIXES + "SELECT ?type (COUNT(DISTINCT ?ev) AS ?n) WHERE { ?ev a ?type . "
                                  "?type rdfs:subClassOf+ ckg:Event } GROUP BY ?type ORDER BY DESC(?n) ?type"),
    ("lookup-iri", "SELECT ?p ?o WHERE { <https://w3id.org/conflict-kg/id/entity/stepanakert> ?p ?o } "
                   "ORDER BY ?p ?o"),
    ("scan-limit", PREFIXES + "SELECT ?s ?q WHERE { ?s ckg:quote ?q } LIMIT 100"),
    ("ask", PREFIXES + "ASK { ?c a ckg:CasualtyClaim ; ckg:count ?n . FILTER(?n > 100) }"),
]
ACCEPT = "application/sparql-results+json"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- process-tree memory sampling ---------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_pids(root: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler:
    """Samples the summed RSS (and PSS) of a process and all its descendants from /proc."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_procs = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree_pids(self.pid)
            rss = sum(_status_kb(p, "VmRSS:") for p in pids)
            pss = sum(_pss_kb(p) for p in pids)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.samples += 1
            self._stop.wait(self.interval)


def run_measured(cmd: Sequence[str | Path], *, env: dict[str, str] | None = None, stdout: Any = None,
                 timeout: float = 7200) -> dict[str, Any]:
    """Run a command to completion; wall time and peak RSS/PSS of its process tree."""
    full_env = {**os.environ, **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in cmd], env=full_env, cwd=ROOT, stdout=stdout or subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err[-3000:]}")
    # CPU time of the process and every descendant it waited for (spaCy joins its workers):
    # less sensitive than wall time to other work on the machine.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "loadavg_1m": [load_before, os.getloadavg()[0]],
            "peak_rss_kb": sampler.peak_rss_kb, "peak_pss_kb": sampler.peak_pss_kb,
            "peak_processes": sampler.peak_procs, "stdout": out, "stderr": err}


def store_len(path: Path) -> int:
    return len(ox.Store.read_only(str(path)))


# -- a. build --------------------------------------------------------------------------------------

def kg_build(corpus: Path, store: Path, workers: int) -> dict[str, Any]:
    if store.exists():
        shutil.rmtree(store)
    r = run_measured([KG, "build", corpus, "--store", store, "--workers", str(workers), "-q", "--pack", PACK],
                     env={"SOURCE_DATE_EPOCH": EPOCH, "CKG_STORE": str(store)})
    r.pop("stdout")
    r["summary"] = r.pop("stderr").strip().splitlines()[-1:]
    return r


def bare_build(corpus: Path, workers: int, batch_size: int) -> dict[str, Any]:
    r = run_measured([sys.executable, BENCH / "bare_pipeline.py", corpus, "--workers", str(workers),
                      "--batch-size", str(batch_size)])
    r.pop("stderr")
    r["inside"] = json.loads(r.pop("stdout"))
    return r


def least_squares(xs: list[float], ys: list[float]) -> dict[str, float]:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx if sxx else float("nan")
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    return {"slope_s_per_doc": slope, "intercept_s": intercept,
            "r2": 1 - ss_res / ss_tot if ss_tot else float("nan")}


def bench_build(sizes: list[int], workers: int, batch_size: int, work: Path, startup_runs: int) -> dict[str, Any]:
    """Build throughput of ``kg build`` vs the bare spaCy pipeline, per corpus size.

    Both sides are timed the same way: wall clock of a fresh process, from exec to exit, so
    both pay their interpreter start, imports and ``spacy.load`` (ours also parses the
    ontology, installs the static graphs and flushes the store). To report throughput
    without those fixed costs, each side's *startup* is measured as the median wall time of
    the same command on a 1-document corpus (``startup_runs`` times), and subtracted:
    ``net = wall(N) - startup``. Throughput (docs/s, tokens/s) and ms/doc use ``net``; the
    raw wall times and a least-squares fit of wall time on N (whose slope is independent of
    the fixed costs) are reported too. Tokens are the spaCy token counts of the bare run
    (both sides tokenize the same texts with the same tokenizer).
    """
    corpora = work / "corpora"
    stores = work / "stores"
    one = write_corpus(1, corpora / "corpus-1.jsonl")
    log(f"build: startup baselines ({startup_runs} runs each, 1-document corpus)")
    ours_runs = [kg_build(one, stores / "startup", workers) for _ in range(startup_runs)]
    bare_runs = [bare_build(one, workers, batch_size) for _ in range(startup_runs)]
    ours_startup, bare_startup = [r["wall_s"] for r in ours_runs], [r["wall_s"] for r in bare_runs]
    ours_fixed, bare_fixed = statistics.median(ours_startup), statistics.median(bare_startup)
    ours_fixed_cpu = statistics.median(r["cpu_s"] for r in ours_runs)
    bare_fixed_cpu = statistics.median(r["cpu_s"] for r in bare_runs)
    shutil.rmtree(stores / "startup")
    log(f"build: startup ours {ours_fixed:.2f} s, bare spaCy {bare_fixed:.2f} s")
    per_size = []
    for n in sizes:
        corpus = write_corpus(n, corpora / f"corpus-{n}.jsonl")
        # Alternate the order so neither side always runs on the cooler (or hotter) machine.
        first_ours = sizes.index(n) % 2 == 0
        runs: dict[str, dict[str, Any]] = {}
        for side in (("ours", "bare") if first_ours else ("bare", "ours")):
            log(f"build: N={n} {side}")
            if side == "ours":
                runs["ours"] = kg_build(corpus, stores / str(n), workers)
            else:
                runs["bare"] = bare_build(corpus, workers, batch_size)
        ours, bare = runs["ours"], runs["bare"]
        tokens = bare["inside"]["tokens"]
        quads = store_len(stores / str(n))
        ours_net = max(ours["wall_s"] - ours_fixed, 1e-3)
        bare_net = max(bare["wall_s"] - bare_fixed, 1e-3)
        ours_cpu = max(ours["cpu_s"] - ours_fixed_cpu, 1e-3)
        bare_cpu = max(bare["cpu_s"] - bare_fixed_cpu, 1e-3)
        row = {
            "n": n, "tokens": tokens, "quads": quads, "corpus_bytes": corpus.stat().st_size,
            "ours": {**ours, "net_s": ours_net, "docs_per_s": n / ours_net, "tokens_per_s": tokens / ours_net,
                     "ms_per_doc": 1000 * ours_net / n, "net_cpu_s": ours_cpu, "docs_per_cpu_s": n / ours_cpu},
            "bare": {**bare, "net_s": bare_net, "docs_per_s": n / bare_net, "tokens_per_s": tokens / bare_net,
                     "ms_per_doc": 1000 * bare_net / n, "net_cpu_s": bare_cpu, "docs_per_cpu_s": n / bare_cpu},
        }
        row["ratio_docs_per_s"] = row["ours"]["docs_per_s"] / row["bare"]["docs_per_s"]
        row["ratio_docs_per_cpu_s"] = row["ours"]["docs_per_cpu_s"] / row["bare"]["docs_per_cpu_s"]
        per_size.append(row)
        log(f"build: N={n}: ours {ours['wall_s']:.1f} s wall ({row['ours']['docs_per_s']:.1f} docs/s net), "
            f"bare {bare['wall_s']:.1f} s ({row['bare']['docs_per_s']:.1f} docs/s net), "
            f"ratio {row['ratio_docs_per_s']:.2f} (per CPU-s {row['ratio_docs_per_cpu_s']:.2f}), {quads} quads")
    fit_sizes = [r["n"] for r in per_size]
    out: dict[str, Any] = {
        "workers": workers, "bare_batch_size": batch_size,
        "startup": {"ours_runs_s": ours_startup, "bare_runs_s": bare_startup,
                    "ours_median_s": ours_fixed, "bare_median_s": bare_fixed,
                    "ours_median_cpu_s": ours_fixed_cpu, "bare_median_cpu_s": bare_fixed_cpu},
        "sizes": per_size,
    }
    if len(fit_sizes) >= 2:
        out["fit_ours"] = least_squares([float(n) for n in fit_sizes], [r["ours"]["wall_s"] for r in per_size])
        out["fit_bare"] = least_squares([float(n) for n in fit_sizes], [r["bare"]["wall_s"] for r in per_size])
        # Growth of per-document cost: largest N against the smallest N whose net time is not
        # dominated by start-up noise (N >= 100 when there are two such sizes).
        big = [r for r in per_size if r["n"] >= 100]
        lo, hi = (big[0], big[-1]) if len(big) >= 2 else (per_size[0], per_size[-1])
        out["growth"] = {"from_n": lo["n"], "to_n": hi["n"],
                         "ours": hi["ours"]["ms_per_doc"] / lo["ours"]["ms_per_doc"],
                         "bare": hi["bare"]["ms_per_doc"] / lo["bare"]["ms_per_doc"]}
    return out


# -- b. store writes -----------------------------------------------------------------------------

def dump_nq(store: Path, out: Path) -> dict[str, Any]:
    if not out.exists():
        r = run_measured([KG, "dump", "--format", "nq", "--store", store, "-o", out], env={"CKG_STORE": str(store)})
        return {"wall_s": r["wall_s"], "bytes": out.stat().st_size}
    return {"bytes": out.stat().st_size}


def bench_store_writes(store: Path, n: int, work: Path) -> dict[str, Any]:
    dump = work / f"dump-{n}.nq"
    d = dump_nq(store, dump)
    target = work / f"writes-{n}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    log(f"store writes: {n} documents ({dump.stat().st_size // 1_000_000} MB of N-Quads)")
    rounds = 3 if store_len(store) < 1_000_000 else 1  # a 10,000-document store takes minutes a round
    r = run_measured([sys.executable, BENCH / "store_writes.py", dump, "--workdir", target, "--rounds", str(rounds)])
    result = json.loads(r["stdout"])
    result.update({"n": n, "dump": d, "peak_rss_kb": r["peak_rss_kb"], "wall_s": r["wall_s"]})
    result["ratio_quads_per_s"] = result["ours"]["quads_per_s"] / result["bulk_load"]["quads_per_s"]
    if not result["same_quad_count"]:
        log(f"WARNING: store writes: quad counts differ: ours {result['ours']['quads']}, "
            f"bulk_load {result['bulk_load']['quads']}, dump {result['quads_in_dump']}")
    shutil.rmtree(target)
    log(f"store writes: ours {result['ours']['quads_per_s']:.0f} quads/s, bulk_load "
        f"{result['bulk_load']['quads_per_s']:.0f} quads/s, ratio {result['ratio_quads_per_s']:.2f}")
    return result


# -- c. endpoint ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    cmd: list[str]
    query_url: str
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    ready_s: float = 0.0

    def start(self, logdir: Path, timeout: float = 900) -> None:
        self.log_path = logdir / f"server-{self.name}.log"
        started = time.perf_counter()
        with self.log_path.open("w") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env={**os.environ, **self.env}, stdout=out,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = httpx.get(self.query_url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": ACCEPT},
                              timeout=10)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{self.name} did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        self.ready_s = time.perf_counter() - started

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process and its children (our query workers are processes):
    the live ones, plus the finished children the root has reaped."""
    total = 0
    for child in tree_pids(pid):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        if child == pid:
            total += int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its children (shared pages counted once)."""
    return sum(_pss_kb(child) for child in tree_pids(pid))


def rows_of(body: bytes) -> int:
    data = json.loads(body)
    if "boolean" in data:
        return int(bool(data["boolean"]))
    return len(data["results"]["bindings"])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


async def drive(url: str, clients: int, seconds: float, pid: int) -> dict[str, Any]:
    """K clients, each cycling through the query mix from its own offset, for ``seconds``."""
    latencies: dict[str, list[float]] = {name: [] for name, _ in QUERY_MIX}
    counts: dict[str, set[int]] = {name: set() for name, _ in QUERY_MIX}
    errors: list[str] = []
    rss: list[int] = []
    started = time.monotonic()
    deadline = started + seconds
    cpu0 = time.process_time()

    async def client(k: int) -> None:
        i = k % len(QUERY_MIX)
        async with httpx.AsyncClient(timeout=300, headers={"Accept": ACCEPT}) as http:
            while time.monotonic() < deadline:
                name, query = QUERY_MIX[i]
                i = (i + 1) % len(QUERY_MIX)
                t = time.perf_counter()
                try:
                    r = await http.get(url, params={"query": query})
                except httpx.HTTPError as exc:
                    errors.append(f"{name}: {type(exc).__name__}")
                    continue
                if r.status_code != 200:
                    errors.append(f"{name}: HTTP {r.status_code} {r.text[:120]}")
                    continue
                latencies[name].append(time.perf_counter() - t)
                counts[name].add(rows_of(r.content))

    async def sample() -> None:
        while time.monotonic() < deadline:
            rss.append(tree_pss_kb(pid))
            await asyncio.sleep(1.0)

    await asyncio.gather(sample(), *[client(k) for k in range(clients)])
    elapsed = time.monotonic() - started
    client_cpu = time.process_time() - cpu0
    every = [x for v in latencies.values() for x in v]
    return {
        "requests": len(every), "errors": len(errors), "error_examples": errors[:5], "elapsed_s": elapsed,
        "req_per_s": len(every) / elapsed, "p50_ms": 1000 * pct(every, 0.5), "p99_ms": 1000 * pct(every, 0.99),
        "client_cpu_share": client_cpu / elapsed,
        "per_query": {name: {"n": len(v), "p50_ms": 1000 * pct(v, 0.5), "p99_ms": 1000 * pct(v, 0.99),
                             "rows": sorted(counts[name])} for name, v in latencies.items()},
        "rss_kb_samples": rss, "latencies": every,
    }


def peer_versions(peers: Path) -> dict[str, str]:
    out = {}
    try:
        out["oxigraph"] = subprocess.run([str(peers / "bin" / "oxigraph"), "--version"], capture_output=True,
                                         text=True, check=True).stdout.strip()
        code = ("import importlib.metadata as m; print(' '.join(f'{p} {m.version(p)}' for p in "
                "('rdflib-endpoint', 'rdflib', 'fastapi', 'uvicorn')))")
        out["rdflib-endpoint"] = subprocess.run([str(peers / "bin" / "python"), "-c", code], capture_output=True,
                                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"the peers venv {peers} is missing or broken ({exc}); run 'make bench' "
                         "(or 'make bench-quick'), which creates it") from exc
    return out


def bench_endpoint(store: Path, n: int, work: Path, peers: Path, client_counts: list[int], seconds: float,
                   only: set[str], rounds: int = 2) -> dict[str, Any]:
    """The servers over the same data, all started at once, then driven in turn: for each client
    count, ``rounds`` phases of ``seconds / rounds`` per server, the order reversed every round, so
    that load from elsewhere on the machine falls on every server alike. A server not being driven
    is idle (it costs memory, no CPU)."""
    dump = work / f"dump-{n}.nq"
    dump_info = dump_nq(store, dump)
    quads = store_len(store)
    served = work / "served"
    if served.exists():
        shutil.rmtree(served)
    served.mkdir()
    shutil.copytree(store, served / "ours")
    log(f"endpoint: oxigraph load of {quads} quads")
    load = run_measured([peers / "bin" / "oxigraph", "load", "--location", served / "oxigraph", "--file", dump])
    port = free_port()
    servers = [
        Server("ours", [str(KG), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/sparql",
               env={"CKG_STORE": str(served / "ours")}),
    ]
    port = free_port()
    servers.append(Server("oxigraph", [str(peers / "bin" / "oxigraph"), "serve", "--location",
                                       str(served / "oxigraph"), "--bind", f"127.0.0.1:{port}",
                                       "--union-default-graph"], f"http://127.0.0.1:{port}/query"))
    port = free_port()
    servers.append(Server("rdflib-endpoint", [str(peers / "bin" / "python"), str(BENCH / "rdflib_endpoint_server.py"),
                                              str(dump), "--port", str(port)], f"http://127.0.0.1:{port}/sparql"))
    servers = [s for s in servers if not only or s.name in only]
    results: dict[str, Any] = {"n": n, "quads": quads, "dump": dump_info, "client_counts": client_counts,
                               "seconds": seconds, "rounds": rounds, "oxigraph_load_s": load["wall_s"],
                               "by_clients": {}}
    warm: dict[str, dict[str, int]] = {}
    phase = seconds / rounds
    try:
        for server in servers:
            log(f"endpoint: starting {server.name}")
            server.start(work)
            # One pass of the mix first: warms caches, and gives each query's row count.
            warm[server.name] = {}
            for name, query in QUERY_MIX:
                r = httpx.get(server.query_url, params={"query": query}, headers={"Accept": ACCEPT}, timeout=300)
                if r.status_code != 200:
                    log(f"WARNING: {server.name}: {name} answered {r.status_code}: {r.text[:200]}")
                    warm[server.name][name] = -1
                else:
                    warm[server.name][name] = rows_of(r.content)
            log(f"endpoint: {server.name} ready in {server.ready_s:.1f} s")
        for clients in client_counts:
            phases: dict[str, list[dict[str, Any]]] = {s.name: [] for s in servers}
            for r in range(rounds):
                for server in (servers if r % 2 == 0 else servers[::-1]):
                    assert server.proc is not None
                    cpu0 = cpu_seconds(server.proc.pid)
                    d = asyncio.run(drive(server.query_url, clients, phase, server.proc.pid))
                    d["server_cpu_s"] = cpu_seconds(server.proc.pid) - cpu0
                    d["pss_kb_after"] = tree_pss_kb(server.proc.pid)  # the whole tree: our query workers too
                    d["processes"] = len(tree_pids(server.proc.pid))
                    phases[server.name].append(d)
                    log(f"endpoint: N={n} {clients} clients, round {r + 1}/{rounds}, {server.name}: "
                        f"{d['req_per_s']:.1f} req/s, p50 {d['p50_ms']:.1f} ms, p99 {d['p99_ms']:.1f} ms, "
                        f"{d['errors']} errors, memory (PSS, tree) {d['pss_kb_after'] // 1024} MB, "
                        f"{d['processes']} processes")
                    if d["errors"]:
                        log(f"WARNING: {server.name}: {d['errors']} failed requests, e.g. {d['error_examples'][:2]}")
            results["by_clients"][str(clients)] = {name: _merge_phases(ds, quads, server_warm=warm[name])
                                                   for name, ds in phases.items()}
    finally:
        for server in servers:
            server.stop()
    # Row counts must agree: within a server across the run, and across servers.
    warnings = []
    for by in results["by_clients"].values():
        for name, _ in QUERY_MIX:
            seen = {s: sorted({v["warm_rows"][name], *v["per_query"][name]["rows"]}) for s, v in by.items()}
            if any(len(v) != 1 for v in seen.values()) or len({tuple(v) for v in seen.values()}) > 1:
                warnings.append(f"row counts for {name} disagree: {seen}")
    for w in warnings:
        log(f"WARNING: {w}")
    results["row_count_warnings"] = warnings
    results["rows_per_query"] = next(iter(warm.values()), {})
    shutil.rmtree(served)
    return results


def _merge_phases(phases: list[dict[str, Any]], quads: int, *, server_warm: dict[str, int]) -> dict[str, Any]:
    """One server's phases at one client count as one measurement: requests over the summed time;
    p50 and p99 over every latency; memory the largest seen at the end of a phase."""
    latencies = [x for d in phases for x in d.pop("latencies")]
    requests = sum(d["requests"] for d in phases)
    elapsed = sum(d["elapsed_s"] for d in phases)
    cpu = sum(d["server_cpu_s"] for d in phases)
    pss = max(d["pss_kb_after"] for d in phases)
    per_query = {}
    for name, _ in QUERY_MIX:
        per_query[name] = {"n": sum(d["per_query"][name]["n"] for d in phases),
                           "rows": sorted({r for d in phases for r in d["per_query"][name]["rows"]}),
                           "p50_ms_by_phase": [d["per_query"][name]["p50_ms"] for d in phases]}
    return {"requests": requests, "errors": sum(d["errors"] for d in phases), "elapsed_s": elapsed,
            "req_per_s": requests / elapsed if elapsed else 0.0, "p50_ms": 1000 * pct(latencies, 0.5),
            "p99_ms": 1000 * pct(latencies, 0.99), "server_cpu_s": cpu,
            "req_per_server_cpu_s": requests / cpu if cpu else None, "pss_kb": pss,
            "pss_mb_per_mquad": pss / 1024 / (quads / 1e6), "processes": max(d["processes"] for d in phases),
            "warm_rows": server_warm, "per_query": per_query, "phases": phases}


# -- the table -----------------------------------------------------------------------------------

def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    if x >= 1000:
        s = f"{x:,.0f}"
    elif x >= 100:
        s = f"{x:.0f}"
    elif x >= 10:
        s = f"{x:.1f}"
    else:
        s = f"{x:.2f}"
    return s + unit


def table(result: dict[str, Any]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def add(metric: str, ours: str, peer: str, ratio: float | None, goal: str = "—",
            met: bool | None = None) -> None:
        rows.append({"metric": metric, "ours": ours, "peer": peer, "ratio": fmt(ratio),
                     "goal": goal, "met": "—" if met is None else ("yes" if met else "NO")})

    build = result.get("build")
    if build and build["sizes"]:
        big = build["sizes"][-1]
        w = build["workers"]
        r = big["ratio_docs_per_s"]
        add(f"build docs/s, N={big['n']}, {w} workers (vs bare spaCy)", fmt(big["ours"]["docs_per_s"]),
            fmt(big["bare"]["docs_per_s"]), r, f">= {GOAL_BUILD}", r >= GOAL_BUILD)
        add(f"build tokens/s, N={big['n']} (vs bare spaCy)", fmt(big["ours"]["tokens_per_s"]),
            fmt(big["bare"]["tokens_per_s"]), r, f">= {GOAL_BUILD}", r >= GOAL_BUILD)
        add(f"build docs per CPU-second, N={big['n']} (vs bare spaCy)", fmt(big["ours"]["docs_per_cpu_s"]),
            fmt(big["bare"]["docs_per_cpu_s"]), big["ratio_docs_per_cpu_s"])
        if "growth" in build:
            g = build["growth"]
            lo = next(s for s in build["sizes"] if s["n"] == g["from_n"])
            add(f"build ms/doc growth N={g['from_n']}->{g['to_n']} (ratio = ours hi/lo)",
                f"{fmt(lo['ours']['ms_per_doc'])}->{fmt(big['ours']['ms_per_doc'])}",
                f"{fmt(lo['bare']['ms_per_doc'])}->{fmt(big['bare']['ms_per_doc'])}", g["ours"],
                f"<= {GOAL_GROWTH}", g["ours"] <= GOAL_GROWTH)
        add(f"build peak RSS MB, tree, N={big['n']} (vs bare spaCy)", fmt(big["ours"]["peak_rss_kb"] / 1024),
            fmt(big["bare"]["peak_rss_kb"] / 1024), big["ours"]["peak_rss_kb"] / big["bare"]["peak_rss_kb"])
        add(f"build peak RSS MB per Mquad, N={big['n']}", fmt(big["ours"]["peak_rss_kb"] / 1024 / (big["quads"] / 1e6)),
            "—", None)
    writes = result.get("store_writes")
    if writes:
        r = writes["ratio_quads_per_s"]
        add(f"store writes quads/s, N={writes['n']} (KGStore.write vs bulk_load)",
            fmt(writes["ours"]["quads_per_s"]), fmt(writes["bulk_load"]["quads_per_s"]), r,
            f">= {GOAL_WRITES}", r >= GOAL_WRITES)
    for ep in result.get("endpoint") or []:
        worst_memory: tuple[float, dict[str, Any], dict[str, Any]] | None = None
        for clients, by in ep["by_clients"].items():
            ours = by.get("ours")
            if ours is None:
                continue
            for peer, goal in (("oxigraph", GOAL_OXIGRAPH), ("rdflib-endpoint", GOAL_RDFLIB)):
                if peer not in by:
                    continue
                p = by[peer]
                r = ours["req_per_s"] / p["req_per_s"] if p["req_per_s"] else None
                add(f"endpoint req/s, N={ep['n']}, {clients} clients (vs {peer})", fmt(ours["req_per_s"]),
                    fmt(p["req_per_s"]), r, f">= {goal:g}", None if r is None else r >= goal)
                if peer != "oxigraph":
                    continue
                if ours.get("req_per_server_cpu_s") and p.get("req_per_server_cpu_s"):
                    add(f"endpoint req per server CPU-second, N={ep['n']}, {clients} clients (vs {peer})",
                        fmt(ours["req_per_server_cpu_s"]), fmt(p["req_per_server_cpu_s"]),
                        ours["req_per_server_cpu_s"] / p["req_per_server_cpu_s"])
                add(f"endpoint p50 ms, N={ep['n']}, {clients} clients, lower is better (vs {peer})",
                    fmt(ours["p50_ms"]), fmt(p["p50_ms"]), ours["p50_ms"] / p["p50_ms"] if p["p50_ms"] else None)
                r99 = ours["p99_ms"] / p["p99_ms"] if p["p99_ms"] else None
                add(f"endpoint p99 ms, N={ep['n']}, {clients} clients, lower is better (vs {peer})",
                    fmt(ours["p99_ms"]), fmt(p["p99_ms"]), r99, f"<= {GOAL_P99:g}",
                    None if r99 is None else r99 <= GOAL_P99)
                ratio = ours["pss_kb"] / p["pss_kb"] if p["pss_kb"] else float("inf")
                if worst_memory is None or ratio > worst_memory[0]:
                    worst_memory = (ratio, ours, p)
        if worst_memory is not None:
            ratio, ours, p = worst_memory
            add(f"server memory MB, PSS of the process tree, N={ep['n']} (vs oxigraph; MB per Mquad "
                f"{fmt(ours['pss_mb_per_mquad'])} vs {fmt(p['pss_mb_per_mquad'])})", fmt(ours["pss_kb"] / 1024),
                fmt(p["pss_kb"] / 1024), ratio, f"<= {GOAL_MEMORY:g}", ratio <= GOAL_MEMORY)
    return rows


def print_table(rows: list[dict[str, str]]) -> None:
    heads = {"metric": "metric", "ours": "ours", "peer": "peer", "ratio": "ratio", "goal": "goal", "met": "met?"}
    widths = {k: max(len(heads[k]), *(len(r[k]) for r in rows)) for k in heads}
    line = " | ".join(heads[k].ljust(widths[k]) for k in heads)
    print(line)
    print("-|-".join("-" * widths[k] for k in heads))
    for r in rows:
        print(" | ".join(r[k].ljust(widths[k]) if k == "metric" else r[k].rjust(widths[k]) for k in heads))


# -- main ----------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,100,1000,10000", help="corpus sizes N, comma-separated (10..10000)")
    ap.add_argument("--workers", type=int, default=2, help="spaCy processes for both builds")
    ap.add_argument("--seconds", type=float, default=20, help="drive time per server")
    ap.add_argument("--clients", default="8,16", help="concurrent HTTP clients, comma-separated (each is measured)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="endpoint phases per server and client count (order reversed each round)")
    ap.add_argument("--endpoint-sizes", default="1000,10000",
                    help="serve the stores of these N (each, or the largest built size below it)")
    ap.add_argument("--bare-batch-size", type=int, default=16,
                    help="nlp.pipe batch_size of the bare floor (16: what kg build uses)")
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="about two minutes: sizes 10,50,200, 8 s per server and client count")
    ap.add_argument("--only", default="build,writes,endpoint", help="sections to run")
    ap.add_argument("--servers", default="", help="endpoint servers to run (default: all three)")
    ap.add_argument("--peers", type=Path, default=BENCH / ".peers", help="venv holding oxigraph and rdflib-endpoint")
    ap.add_argument("--workdir", type=Path, help="keep corpora, stores and dumps here (default: a temporary dir)")
    ap.add_argument("--output", type=Path, default=BENCH / "results" / "compare.json")
    args = ap.parse_args()
    if args.quick:
        if args.sizes == ap.get_default("sizes"):
            args.sizes = "10,50,200"
        if args.seconds == ap.get_default("seconds"):
            args.seconds = 8
        args.startup_runs = min(args.startup_runs, 2)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or sizes[0] < 1 or sizes[-1] > 10_000:
        raise SystemExit("--sizes must be between 1 and 10,000")
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    peers = args.peers.resolve()
    started = time.perf_counter()
    result: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:], "sizes": sizes, "quick": args.quick,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_start": os.getloadavg()},
        "versions": {"pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?"},
        "query_mix": dict(QUERY_MIX),
    }
    if sections & {"endpoint"}:
        result["versions"].update(peer_versions(peers))
    work_tmp = None
    if args.workdir:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work_tmp = tempfile.mkdtemp(prefix="ckg-bench-")
        work = Path(work_tmp)
    own = work / "stores"
    try:
        built: dict[int, Path] = {}
        if "build" in sections:
            result["build"] = bench_build(sizes, args.workers, args.bare_batch_size, work, args.startup_runs)
            built = {r["n"]: own / str(r["n"]) for r in result["build"]["sizes"]}
        else:
            for n in sizes:  # reuse stores of an earlier --workdir run, or build them
                if not (own / str(n)).exists():
                    log(f"building N={n} (build section skipped, store needed)")
                    kg_build(write_corpus(n, work / "corpora" / f"corpus-{n}.jsonl"), own / str(n), args.workers)
                built[n] = own / str(n)
        if "writes" in sections:
            n = max(built)
            result["store_writes"] = bench_store_writes(built[n], n, work)
        if "endpoint" in sections:
            only = {s.strip() for s in args.servers.split(",") if s.strip()}
            clients = [int(c) for c in args.clients.split(",") if c.strip()]
            serve = sorted({max([n for n in built if n <= int(e)] or [min(built)])
                            for e in args.endpoint_sizes.split(",") if e.strip()})
            result["endpoint"] = [bench_endpoint(built[n], n, work, peers, clients, args.seconds, only, args.rounds)
                                  for n in serve]
    finally:
        if work_tmp:
            shutil.rmtree(work_tmp, ignore_errors=True)
    result["machine"]["loadavg_end"] = os.getloadavg()
    result["duration_s"] = time.perf_counter() - started
    rows = table(result)
    result["table"] = rows
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print()
    print(f"conflict-kg vs peers, same machine, same run ({os.cpu_count()} CPUs, "
          f"{result['duration_s'] / 60:.1f} min; ratio = ours/peer)")
    print_table(rows)
    if result.get("build"):
        print("build by N (net ms/doc ours | bare | ratio ours/bare docs/s): " + ";  ".join(
            f"{r['n']}: {r['ours']['ms_per_doc']:.1f} | {r['bare']['ms_per_doc']:.1f} | {r['ratio_docs_per_s']:.2f}"
            for r in result["build"]["sizes"]))
    if any(ep.get("row_count_warnings") for ep in result.get("endpoint") or []):
        print("WARNING: row counts disagree across servers: see endpoint.row_count_warnings in the JSON")
    print(f"raw numbers: {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
