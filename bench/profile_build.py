"""Profile a build (not a test): where extraction time goes, and where the writer's goes.

    python bench/profile_build.py CORPUS.jsonl [--repeat 3] [--pyinstrument OUT.html]
    python bench/profile_build.py CORPUS.jsonl --build STORE [--workers 2] [--no-optimize]

Without ``--build``: loads the pipeline once, then extracts every document ``--repeat`` times
in this process and prints the best wall and CPU time per document, split into the bare spaCy
parse (the floor), our rule layers and the RDF conversion. With ``--pyinstrument`` it also
writes a call-tree profile of one pass.

With ``--build STORE``: runs the real :class:`kg.build.Builder` (as ``kg build`` does: bulk
writes, ``--workers`` extraction processes, then ``Store.optimize``) into a fresh STORE and
splits the CPU time between the extraction workers, the writer's own thread (reading,
fingerprints, pickling, parsing N-Quads and writing SST files) and RocksDB's background
threads (flushes and compactions), and times every store write as the store grows. Used to
find and check the fixes listed in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from kg.build import Builder, iter_documents, read_documents
from kg.ids import Iris
from kg.nlp.extract import Extractor
from kg.rdf import document_quads
from kg.settings import Settings
from kg.store import KGStore

PACK = Path(__file__).resolve().parent.parent / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"
TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's live threads, summed by thread name."""
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            name = (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[name.rstrip("0123456789")] = out.get(name.rstrip("0123456789"), 0.0) + \
            (int(fields[11]) + int(fields[12])) / TICK
    return out


def usage(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def profile_build(corpus: Path, store_dir: Path, workers: int, optimize: bool) -> dict[str, Any]:
    if store_dir.exists():
        shutil.rmtree(store_dir)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    t0, c0 = time.perf_counter(), usage(resource.RUSAGE_SELF)
    store = KGStore(store_dir, bulk=True)
    builder = Builder(store, Settings(store=store_dir), packs=[PACK])
    builder.install_static_graphs()
    t_static, c_static = time.perf_counter() - t0, usage(resource.RUSAGE_SELF) - c0
    writes: list[dict[str, float]] = []
    write = store.write

    def timed_write(batch: Any) -> None:
        batch = list(batch)
        w0, m0 = time.perf_counter(), time.thread_time()
        write(batch)
        writes.append({"docs": len(batch), "bytes": sum(len(w.quads) for w in batch if isinstance(w.quads, bytes)),
                       "wall_s": time.perf_counter() - w0, "thread_cpu_s": time.thread_time() - m0,
                       "at_s": time.perf_counter() - t0,
                       "sst_files": sum(1 for p in store_dir.iterdir() if p.suffix == ".sst")})

    store.write = timed_write  # type: ignore[method-assign]
    first: list[float] = []
    report = builder.add(iter_documents([corpus]), workers=workers,
                         progress=lambda d, s: first.append(time.perf_counter() - t0) if not first else None)
    t_add = time.perf_counter() - t0
    threads_before_optimize = thread_cpu()
    o0 = time.perf_counter()
    if optimize:
        store.optimize()
    t_opt = time.perf_counter() - o0
    threads = thread_cpu()
    wall = time.perf_counter() - t0
    self_cpu, child_cpu = usage(resource.RUSAGE_SELF) - c0, usage(resource.RUSAGE_CHILDREN)
    rocks = sum(v for k, v in threads.items() if k.startswith("rocksdb"))
    main = time.thread_time()
    docs = len(report.added)
    big = [w for w in writes if w["docs"] > 1]
    half = len(big) // 2
    return {
        "docs": docs, "workers": workers, "quads": store.quad_count(), "wall_s": wall, "static_s": t_static,
        "static_cpu_s": c_static, "first_document_s": first[0] if first else None, "add_s": t_add - t_static,
        "optimize_s": t_opt, "cpu": {"workers_s": child_cpu, "writer_total_s": self_cpu,
                                     "writer_main_thread_s": main, "rocksdb_threads_s": rocks,
                                     "rocksdb_threads_before_optimize_s": sum(
                                         v for k, v in threads_before_optimize.items() if k.startswith("rocksdb")),
                                     "other_writer_threads_s": self_cpu - main - rocks,
                                     "by_thread_name": threads},
        "commits": len(writes), "write_wall_s": sum(w["wall_s"] for w in writes),
        "write_wall_first_half_s": sum(w["wall_s"] for w in big[:half]),
        "write_wall_second_half_s": sum(w["wall_s"] for w in big[half:]),
        "max_sst_files": max((w["sst_files"] for w in writes), default=0),
        "peak_rss_writer_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "writes": writes,
    }


def profile_extraction(args: argparse.Namespace) -> None:
    settings = Settings(store=Path("unused"))
    builder = Builder(KGStore(None), settings)
    entities = builder.install_static_graphs()
    docs = read_documents([args.corpus])
    iris = Iris(settings.base_iri)
    spec = builder.spec()
    extractor = Extractor(model=settings.spacy_model, entities=entities, iris=iris, gazetteer=spec.gazetteer,
                          world_dir=spec.world_dir, links=dict(spec.links))
    texts = [d.text for d in docs]
    best: dict[str, float] = {}

    def timed(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        w, c = time.perf_counter() - wall, time.process_time() - cpu
        best[name] = min(best.get(name, float("inf")), w)
        best[name + " cpu"] = min(best.get(name + " cpu", float("inf")), c)

    for _ in range(args.repeat):
        timed("spacy", lambda: [None for _ in extractor.nlp.pipe(texts, batch_size=16)])
        timed("extract", lambda: list(extractor.extract_many(docs, batch_size=16)))
        extractions = list(extractor.extract_many(docs, batch_size=16))
        timed("rdf", lambda: [document_quads(e, iris) for e in extractions])  # noqa: B023
    n = len(docs)
    print(f"{n} documents, best of {args.repeat}, ms per document (wall / cpu):")
    for name in ("spacy", "extract", "rdf"):
        print(f"  {name:8} {1000 * best[name] / n:8.2f} / {1000 * best[name + ' cpu'] / n:8.2f}")
    rules = best["extract cpu"] - best["spacy cpu"]
    print(f"  rule layers (extract - spacy, cpu): {1000 * rules / n:.2f} ms/doc")
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        list(extractor.extract_many(docs, batch_size=16))
        profiler.stop()
        args.pyinstrument.write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyinstrument", type=Path)
    parser.add_argument("--build", type=Path, metavar="STORE", help="profile a whole build into this (new) store")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-optimize", action="store_true")
    parser.add_argument("--json", type=Path, help="write the build profile here")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help="override a constant for this run (candidates: kg.build.MAX_WRITE_BYTES=4194304, "
                             "kg.store.COMPACTION_NICENESS=None...)")
    args = parser.parse_args()
    for item in args.set:
        import ast
        import importlib

        name, _, value = item.partition("=")
        module, _, attr = name.rpartition(".")
        setattr(importlib.import_module(module), attr, ast.literal_eval(value))
    if not args.build:
        profile_extraction(args)
        return
    r = profile_build(args.corpus, args.build, args.workers, not args.no_optimize)
    r["set"] = args.set
    cpu = r["cpu"]
    total = cpu["workers_s"] + cpu["writer_total_s"]
    print(f"{r['docs']} documents, {r['quads']} quads, {r['workers']} workers: {r['wall_s']:.1f} s wall "
          f"(static graphs {r['static_s']:.1f} s, first document done at {r['first_document_s']:.1f} s, "
          f"optimize {r['optimize_s']:.1f} s), load {os.getloadavg()[0]:.1f}")
    print(f"CPU {total:.1f} s: workers {cpu['workers_s']:.1f} ({cpu['workers_s'] / total:.0%}), writer thread "
          f"{cpu['writer_main_thread_s']:.1f} ({cpu['writer_main_thread_s'] / total:.0%}), RocksDB threads "
          f"{cpu['rocksdb_threads_s']:.1f} ({cpu['rocksdb_threads_s'] / total:.0%}; "
          f"{cpu['rocksdb_threads_before_optimize_s']:.1f} before optimize), other writer threads "
          f"{cpu['other_writer_threads_s']:.1f} ({cpu['other_writer_threads_s'] / total:.0%})")
    print(f"{r['commits']} commits, {r['write_wall_s']:.1f} s in store writes (first half "
          f"{r['write_wall_first_half_s']:.1f} s, second half {r['write_wall_second_half_s']:.1f} s), "
          f"at most {r['max_sst_files']} SST files; peak RSS writer {r['peak_rss_writer_mb']:.0f} MB, "
          f"largest worker {r['peak_rss_worker_mb']:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
