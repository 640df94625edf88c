"""Build at scale (not a test): the goals of issue 15 part 2, measured against peers in one run.

    python bench/scale.py [--sizes 1000,10000] [--workers 2] [--big 100000] [--baseline-src DIR]

Prints, each against its goal:

- build throughput at the largest N (default 10,000) against the bare spaCy pipeline on the
  same texts with the same number of processes, measured interleaved in this run (goal >= 0.85;
  also per CPU-second, which other work on the machine disturbs less);
- per-document cost from the smallest to the largest N (and to ``--big`` N, one run of ours
  only, e.g. 100,000: about 40 minutes on two free cores), our bar for "linear" <= 1.2;
- peak memory (summed RSS of the ``kg build`` process tree) at the smallest vs the largest N
  (flat: <= 1.2);
- the world gazetteer's share of extraction time (<= 10 %) and memory per worker (<= 150 MB),
  from ``bench/world.py``'s two workers (with and without the gazetteer);
- start-up: seconds from exec to the first document reported done by ``kg build`` (a 200-document
  corpus, 2 workers), and to the first answered request of ``kg serve`` (on the smallest N's
  store); with ``--baseline-src DIR`` (a checkout of an earlier conflict-kg, e.g. ``git worktree
  add /tmp/base main``) the same for that code, run interleaved with ours in this venv
  (``PYTHONPATH=DIR``), and the ratio.

Both builds are timed as compare.py times them (wall clock of a fresh process; each side's
start-up, the median of ``--startup-runs`` runs on a 1-document corpus, is subtracted). Raw
numbers go to ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from compare import EPOCH, KG, PACK, bare_build, kg_build, log, store_len  # noqa: E402

from corpus import write_corpus  # noqa: E402

GOAL_BUILD = 0.85
GOAL_GROWTH = 1.2
GOAL_MEMORY_GROWTH = 1.2
GOAL_GAZETTEER_SHARE = 0.10
GOAL_GAZETTEER_MB = 150.0


def _env(store: Path, src: Path | None) -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CKG_STORE": str(store)}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _kg(src: Path | None) -> list[str]:
    # the same venv; with PYTHONPATH=src, the kg package of that checkout is imported first
    # (-P: not the one in the working directory, which is this checkout)
    return [str(KG)] if src is None else [sys.executable, "-P", "-c",
                                          "from kg.cli import main; raise SystemExit(main())"]


def first_document(corpus: Path, store: Path, workers: int, src: Path | None) -> float:
    """Seconds from exec to the first document reported done (then the build is stopped)."""
    if store.exists():
        shutil.rmtree(store)
    started = time.perf_counter()
    proc = subprocess.Popen([*_kg(src), "build", str(corpus), "--store", str(store), "--workers", str(workers),
                             "--pack", str(PACK)], env=_env(store, src), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            if line.startswith("[1/") or line.startswith("[1]"):
                return time.perf_counter() - started
        raise SystemExit(f"kg build reported no document (exit {proc.wait()})")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        shutil.rmtree(store, ignore_errors=True)


def first_answer(store: Path, src: Path | None, timeout: float = 600) -> float:
    """Seconds from exec to the first answered SPARQL request of ``kg serve`` on ``store``."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    proc = subprocess.Popen([*_kg(src), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
                            env=_env(store, src), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        while time.perf_counter() - started < timeout:
            try:
                r = httpx.get(url, params={"query": "ASK { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=10)
                if r.status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise SystemExit(f"kg serve exited ({proc.returncode})")
            time.sleep(0.05)
        raise SystemExit("kg serve did not answer")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure_startup(work: Path, store: Path, workers: int, runs: int, baseline: Path | None) -> dict[str, Any]:
    corpus = write_corpus(200, work / "corpora" / "corpus-200.jsonl")
    sides: list[tuple[str, Path | None]] = [("ours", None)] + ([("baseline", baseline)] if baseline else [])
    out: dict[str, Any] = {"build_first_document_s": {}, "serve_first_answer_s": {}}
    for i in range(runs):  # interleaved, so both see the same machine
        for name, src in (sides if i % 2 == 0 else sides[::-1]):
            out["build_first_document_s"].setdefault(name, []).append(
                first_document(corpus, work / "stores" / f"first-{name}", workers, src))
            out["serve_first_answer_s"].setdefault(name, []).append(first_answer(store, src))
    for key in ("build_first_document_s", "serve_first_answer_s"):
        out[key] = {name: {"runs": v, "median": statistics.median(v)} for name, v in out[key].items()}
    return out


def gazetteer(docs: int) -> dict[str, Any]:
    from world import run_worker

    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(docs, Path(tmp) / "corpus.jsonl")
        curated, world = run_worker("curated", corpus), run_worker("world", corpus)
    share = (world["extract_s"] - curated["extract_s"]) / world["extract_s"]
    return {"docs": docs, "curated": curated, "world": world, "share": share,
            "extra_mb": world["rss_mb"] - curated["rss_mb"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes N, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--big", type=int, default=0, help="also one build of ours at this N (e.g. 100000)")
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--baseline-src", type=Path, help="a checkout of earlier code to compare start-up with")
    ap.add_argument("--gazetteer-docs", type=int, default=200)
    ap.add_argument("--only", default="build,gazetteer,startup", help="sections to run")
    ap.add_argument("--workdir", type=Path, help="keep corpora and stores here (default: a temporary dir)")
    ap.add_argument("--output", type=Path, default=BENCH / "results" / "scale.json")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    started = time.perf_counter()
    result: dict[str, Any] = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "argv": sys.argv[1:], "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    work = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="ckg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpora, stores = work / "corpora", work / "stores"
    lines: list[str] = []
    try:
        if "build" in sections:
            one = write_corpus(1, corpora / "corpus-1.jsonl")
            log(f"scale: start-up baselines ({args.startup_runs} runs each)")
            ours0 = [kg_build(one, stores / "startup", args.workers) for _ in range(args.startup_runs)]
            bare0 = [bare_build(one, args.workers, 16) for _ in range(args.startup_runs)]
            fixed = {"ours": statistics.median(r["wall_s"] for r in ours0),
                     "bare": statistics.median(r["wall_s"] for r in bare0),
                     "ours_cpu": statistics.median(r["cpu_s"] for r in ours0),
                     "bare_cpu": statistics.median(r["cpu_s"] for r in bare0)}
            rows = []
            for i, n in enumerate(sizes):
                corpus = write_corpus(n, corpora / f"corpus-{n}.jsonl")
                runs: dict[str, dict[str, Any]] = {}
                for side in (("ours", "bare") if i % 2 == 0 else ("bare", "ours")):
                    log(f"scale: N={n} {side} (load {os.getloadavg()[0]:.1f})")
                    runs[side] = kg_build(corpus, stores / str(n), args.workers) if side == "ours" \
                        else bare_build(corpus, args.workers, 16)
                row: dict[str, Any] = {"n": n, "quads": store_len(stores / str(n))}
                for side in ("ours", "bare"):
                    r = runs[side]
                    net = max(r["wall_s"] - fixed[side], 1e-3)
                    cpu = max(r["cpu_s"] - fixed[side + "_cpu"], 1e-3)
                    row[side] = {**r, "net_s": net, "docs_per_s": n / net, "ms_per_doc": 1000 * net / n,
                                 "net_cpu_s": cpu, "cpu_ms_per_doc": 1000 * cpu / n}
                row["ratio"] = row["ours"]["docs_per_s"] / row["bare"]["docs_per_s"]
                row["ratio_cpu"] = row["bare"]["net_cpu_s"] / row["ours"]["net_cpu_s"]
                log(f"scale: N={n}: ours {row['ours']['wall_s']:.1f} s, bare {row['bare']['wall_s']:.1f} s, "
                    f"ratio {row['ratio']:.2f} (per CPU-s {row['ratio_cpu']:.2f})")
                rows.append(row)
            result["build"] = {"workers": args.workers, "startup": fixed, "sizes": rows}
            lo, hi = rows[0], rows[-1]
            met = hi["ratio"] >= GOAL_BUILD
            lines.append(f"build docs/s vs bare spaCy, N={hi['n']:,}, {args.workers} workers: "
                         f"{hi['ours']['docs_per_s']:.1f} / {hi['bare']['docs_per_s']:.1f} = {hi['ratio']:.2f} "
                         f"(goal >= {GOAL_BUILD}: {'met' if met else 'MISSED'}); per CPU-second {hi['ratio_cpu']:.2f}")
            lines.append("  by N (ratio, per CPU-s): " + ", ".join(
                f"{r['n']:,}: {r['ratio']:.2f} / {r['ratio_cpu']:.2f}" for r in rows))
            if len(rows) >= 2:
                growth = hi["ours"]["ms_per_doc"] / lo["ours"]["ms_per_doc"]
                mem = hi["ours"]["peak_rss_kb"] / lo["ours"]["peak_rss_kb"]
                result["build"]["growth"] = growth
                result["build"]["memory_growth"] = mem
                lines.append(f"build ms/doc N={lo['n']:,} -> {hi['n']:,}: {lo['ours']['ms_per_doc']:.1f} -> "
                             f"{hi['ours']['ms_per_doc']:.1f} = {growth:.2f} (bare "
                             f"{hi['bare']['ms_per_doc'] / lo['bare']['ms_per_doc']:.2f}; goal <= {GOAL_GROWTH}: "
                             f"{'met' if growth <= GOAL_GROWTH else 'MISSED'})")
                lines.append(f"build peak RSS of the tree N={lo['n']:,} -> {hi['n']:,}: "
                             f"{lo['ours']['peak_rss_kb'] / 1024:.0f} -> {hi['ours']['peak_rss_kb'] / 1024:.0f} MB "
                             f"= {mem:.2f} (bare {lo['bare']['peak_rss_kb'] / 1024:.0f} -> "
                             f"{hi['bare']['peak_rss_kb'] / 1024:.0f} MB; flat, goal <= {GOAL_MEMORY_GROWTH}: "
                             f"{'met' if mem <= GOAL_MEMORY_GROWTH else 'MISSED'})")
            if args.big:
                corpus = write_corpus(args.big, corpora / f"corpus-{args.big}.jsonl")
                log(f"scale: N={args.big} ours only (load {os.getloadavg()[0]:.1f})")
                r = kg_build(corpus, stores / str(args.big), args.workers)
                net = r["wall_s"] - fixed["ours"]
                cpu = r["cpu_s"] - fixed["ours_cpu"]
                big = {"n": args.big, **r, "ms_per_doc": 1000 * net / args.big, "cpu_ms_per_doc": 1000 * cpu / args.big,
                       "quads": store_len(stores / str(args.big))}
                result["build"]["big"] = big
                shutil.rmtree(stores / str(args.big), ignore_errors=True)
                lines.append(f"build N={args.big:,} (ours only): {r['wall_s']:.0f} s, {big['ms_per_doc']:.1f} ms/doc "
                             f"({big['ms_per_doc'] / hi['ours']['ms_per_doc']:.2f} of N={hi['n']:,}; CPU "
                             f"{big['cpu_ms_per_doc'] / hi['ours']['cpu_ms_per_doc']:.2f}), peak RSS "
                             f"{r['peak_rss_kb'] / 1024:.0f} MB, {big['quads']:,} quads")
        if "gazetteer" in sections:
            log("scale: gazetteer")
            g = gazetteer(args.gazetteer_docs)
            result["gazetteer"] = g
            lines.append(f"world gazetteer: {g['share']:.1%} of extraction time (goal <= 10%: "
                         f"{'met' if g['share'] <= GOAL_GAZETTEER_SHARE else 'MISSED'}), +{g['extra_mb']:.0f} MB "
                         f"per worker (goal <= {GOAL_GAZETTEER_MB:.0f}: "
                         f"{'met' if g['extra_mb'] <= GOAL_GAZETTEER_MB else 'MISSED'})")
        if "startup" in sections:
            n = sizes[0]
            store = stores / str(n)
            if not store.exists():
                kg_build(write_corpus(n, corpora / f"corpus-{n}.jsonl"), store, args.workers)
            log("scale: start-up")
            s = measure_startup(work, store, args.workers, args.startup_runs, args.baseline_src)
            result["startup"] = s
            for key, what in (("build_first_document_s", "kg build: first document done"),
                              ("serve_first_answer_s", f"kg serve: first answer (N={n:,})")):
                ours = s[key]["ours"]["median"]
                text = f"{what}: {ours:.2f} s"
                if "baseline" in s[key]:
                    base = s[key]["baseline"]["median"]
                    text += f" (baseline {base:.2f} s: {ours / base:.2f})"
                lines.append(text)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    result["loadavg_end"] = os.getloadavg()
    result["duration_s"] = time.perf_counter() - started
    result["summary"] = lines
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nbuild at scale ({os.cpu_count()} CPUs, load {result['loadavg_start'][0]:.1f} -> "
          f"{result['loadavg_end'][0]:.1f}, {result['duration_s'] / 60:.1f} min)")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
