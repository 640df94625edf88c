"""The time and memory goals that tests must not assert (they are speeds and sizes), measured
against a real ``kg serve`` with tight limits:

* a normal query sent while ten runaway queries run is answered within ``--answer-goal``
  seconds (30; tests/test_limits.py checks only that it is answered while they run);
* once the runaways are killed at the 1 s query limit, the server and its query workers are
  back within ``--memory-goal`` MB (150) of their resident memory before them
  (tests/test_querypool.py checks only that the killed workers are gone).

    python bench/limits.py --store kg-store

Prints the figures, writes bench/results/limits.json; exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kg.procs import free_port, total_rss_mb, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNTING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
NORMAL = "SELECT ?label WHERE { ?e a ckg:State ; rdfs:label ?label } ORDER BY ?label"


def _serve(store: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = (store.parent / f"server-{port}.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port)], cwd=ROOT,
                            env={**os.environ, "CKG_STORE": str(store), **env}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_for_http(base + "/sparql?query=ASK%20%7B%7D", proc, timeout=120):
        raise SystemExit("kg serve did not start")
    return proc, base


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _runaways(base: str, queries: list[str]) -> tuple[list[threading.Thread], list[int]]:
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda q=q: statuses.append(
        httpx.get(base + "/sparql", params={"query": q}, timeout=120).status_code)) for q in queries]
    for t in threads:
        t.start()
    return threads, statuses


def answer_under_runaways(store: Path) -> dict[str, object]:
    proc, base = _serve(store, {"CKG_QUERY_TIMEOUT": "1", "CKG_RESULT_LIMIT": "1000000000"})
    try:
        threads, statuses = _runaways(base, [RUNAWAY] * 10)
        time.sleep(0.3)
        started = time.monotonic()
        ok = httpx.get(base + "/sparql", params={"query": "ASK { ?s a ?c }"}, timeout=120)
        seconds = time.monotonic() - started
        for t in threads:
            t.join(timeout=120)
        return {"answer_s": round(seconds, 2), "answer_status": ok.status_code, "runaway_statuses": statuses}
    finally:
        _stop(proc)


def memory_after_runaways(store: Path) -> dict[str, object]:
    proc, base = _serve(store, {"CKG_QUERY_TIMEOUT": "1", "CKG_RESULT_LIMIT": "1000000000",
                                "CKG_QUERY_WORKERS": "12", "CKG_QUERY_WARM_WORKERS": "2"})
    try:
        httpx.get(base + "/sparql", params={"query": NORMAL}, timeout=60)
        time.sleep(2)
        baseline = total_rss_mb(proc.pid)
        threads, statuses = _runaways(base, [COUNTING, SORTING] * 5)
        peak = baseline
        while any(t.is_alive() for t in threads):
            peak = max(peak, total_rss_mb(proc.pid))
            time.sleep(0.1)
        deadline, after = time.monotonic() + 10, total_rss_mb(proc.pid)
        while time.monotonic() < deadline and after >= baseline + 150:
            time.sleep(0.2)
            after = total_rss_mb(proc.pid)
        return {"baseline_mb": round(baseline), "peak_mb": round(peak), "after_mb": round(after),
                "runaway_statuses": statuses}
    finally:
        _stop(proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default="kg-store", help="a built store (copied; never written)")
    ap.add_argument("--answer-goal", type=float, default=30.0)
    ap.add_argument("--memory-goal", type=float, default=150.0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ckg-limits-"))
    try:
        store = work / "store"
        shutil.copytree(args.store, store)
        figures: dict[str, object] = {**answer_under_runaways(store), **memory_after_runaways(store)}
        answered = figures["answer_status"] == 200 and float(figures["answer_s"]) < args.answer_goal  # type: ignore[arg-type]
        freed = float(figures["after_mb"]) < float(figures["baseline_mb"]) + args.memory_goal  # type: ignore[arg-type]
        figures.update(answer_goal_s=args.answer_goal, memory_goal_mb=args.memory_goal,
                       answer_goal_met=answered, memory_goal_met=freed)
        print(json.dumps(figures, indent=2))
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "limits.json").write_text(json.dumps(figures, indent=2))
        return 0 if answered and freed else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
