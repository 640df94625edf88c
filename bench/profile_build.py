"""Profile the extraction hot path (not a test): where a build spends its time, per layer.

    python bench/profile_build.py CORPUS.jsonl [--repeat 3] [--pyinstrument OUT.html]

Loads the pipeline once, then extracts every document ``--repeat`` times in this process and
prints the best wall and CPU time per document, split into the bare spaCy parse (the floor),
our rule layers and the RDF conversion. With ``--pyinstrument`` it also writes a call-tree
profile of one pass. Used to find and check the fixes listed in docs/performance.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.build import Builder, read_documents
from kg.ids import Iris
from kg.nlp.extract import Extractor
from kg.rdf import document_quads
from kg.settings import Settings
from kg.store import KGStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyinstrument", type=Path)
    args = parser.parse_args()
    settings = Settings(store=Path("unused"))
    builder = Builder(KGStore(None), settings)
    entities = builder.install_static_graphs()
    docs = read_documents([args.corpus])
    iris = Iris(settings.base_iri)
    extractor = Extractor(model=settings.spacy_model, entities=entities, iris=iris)
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


if __name__ == "__main__":
    main()
