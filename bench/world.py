"""What the world gazetteer costs: start-up, memory per worker and share of build time.

    python bench/world.py [--docs N] [--rebuild]

Measures, each in a fresh process so figures do not mix:

- building the gazetteer file from the GeoNames packages (only with ``--rebuild``: it is done
  once per machine), and opening it;
- an extraction worker's start-up and resident memory with the world gazetteer (geoparsing on)
  and without it (the extractor of before the world knowledge: curated names only);
- extraction time on N documents of the bench corpus with and without it.

Prints the ratios against the goals of issue 15 (gazetteer <= 10% of build time, <= 150 MB
per worker) and writes bench/results/world.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"

_WORKER = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from kg.build import Builder
from kg.nlp.extract import Extractor
from kg.reader import read_path
from kg.settings import Settings
from kg.store import KGStore
from pathlib import Path
world = sys.argv[1] == "world"
builder = Builder(KGStore(None), Settings(), packs=[Path(sys.argv[2])])
builder.install_static_graphs()
spec = builder.spec()
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ex = Extractor(model=spec.model, entities=spec.entities, iris=builder.iris,
               gazetteer=spec.gazetteer if world else None, world_dir=spec.world_dir if world else None)
startup = time.perf_counter() - t0
docs = list(read_path(Path(sys.argv[3])))
t1 = time.perf_counter()
places = sum(len(e.places) for e in ex.extract_many(docs))
extract = time.perf_counter() - t1
print(json.dumps({"startup_s": startup, "extract_s": extract, "docs": len(docs), "places": places,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_before_extractor_mb": rss0 / 1024}))
"""


def run_worker(mode: str, corpus: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _WORKER, mode, str(PACK), str(corpus)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--rebuild", action="store_true", help="also time building the gazetteer file")
    ap.add_argument("--rounds", type=int, default=2, help="best of this many runs of each")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import write_corpus

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(args.docs, Path(tmp) / "corpus.jsonl")
        if args.rebuild:
            t = time.perf_counter()
            target = str(Path(tmp) / "w.sqlite")
            code = ("from pathlib import Path; from kg.geo.index import ensure_gazetteer; "
                    f"ensure_gazetteer(Path({target!r}))")
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            results["gazetteer_build_s"] = round(time.perf_counter() - t, 2)
        for mode in ("curated", "world"):
            runs = [run_worker(mode, corpus) for _ in range(args.rounds)]
            results[mode] = min(runs, key=lambda r: r["extract_s"])
    world, curated = results["world"], results["curated"]
    assert isinstance(world, dict) and isinstance(curated, dict)
    share = (world["extract_s"] - curated["extract_s"]) / world["extract_s"]
    extra_mb = world["rss_mb"] - curated["rss_mb"]
    lines = [
        f"world gazetteer, {args.docs} bench documents ({world['places']} geoparsed place mentions):",
        f"  worker start-up      {curated['startup_s']:.2f} s without, {world['startup_s']:.2f} s with "
        f"(x{world['startup_s'] / curated['startup_s']:.2f})",
        f"  extraction           {curated['extract_s']:.2f} s without, {world['extract_s']:.2f} s with: "
        f"the gazetteer is {share:.1%} of build time (goal <= 10%: {'met' if share <= 0.10 else 'MISSED'})",
        f"  worker memory (RSS)  {curated['rss_mb']:.0f} MB without, {world['rss_mb']:.0f} MB with: "
        f"+{extra_mb:.0f} MB (goal <= 150 MB: {'met' if extra_mb <= 150 else 'MISSED'})",
    ]
    if "gazetteer_build_s" in results:
        lines.append(f"  building the gazetteer file once: {results['gazetteer_build_s']} s")
    print("\n".join(lines))
    out = ROOT / "bench" / "results" / "world.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
