"""Train the sentence classifier of event types (make train-events; see kg.nlp.event_classifier).

Examples are the sentences of annotated documents: a sentence that is the evidence of a gold
event (its first words, SCHEMA.md) is an example of that event's class (the first event's,
when a sentence reports several), every other sentence an example of ``none``. Sentences are
split by the extractor's own pipeline (the configured spaCy model and its paragraph rule), so
training and use see the same sentences. The model is a bag-of-words ``textcat`` (unigrams
and bigrams, hashed into a small table: no vectors, no transformer), a few hundred kB.

Usage::

    python -m kg.nlp.train_events --out models/event-textcat \\
        --texts /path/to/corpus-texts --gold corpus/gold --split tune \\
        --texts ../shared/seeds --gold ../shared/gold

``--texts``/``--gold`` pairs name a folder of ``<id>.txt`` and one of ``<id>.json``; with
``--split``, only the corpus documents whose manifest split is that one are used (folders
without a manifest entry, the seeds, are used whole).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.ids import normalise_name

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["examples_from", "main", "train"]

NONE = "none"
ROOT = Path(__file__).resolve().parent.parent.parent


def _splitter() -> Language:
    """The extractor's sentence splitter: the configured model with the paragraph rule."""
    from kg.nlp.pipeline import load_pipeline
    from kg.settings import Settings

    return load_pipeline(Settings().spacy_model, [])


def examples_from(text: str, events: Sequence[dict[str, object]], nlp: Language) -> tuple[list[tuple[str, str]], int]:
    """(sentence, class) pairs of one document, and how many gold events found their sentence."""
    sents = [s.text.strip() for s in nlp(text).sents if s.text.strip()]
    normed = [normalise_name(s) for s in sents]
    labels: dict[int, str] = {}
    found = 0
    for event in events:
        evidence = normalise_name(str(event.get("evidence") or ""))
        if not evidence:
            continue
        hit = next((i for i, s in enumerate(normed) if s.startswith(evidence)), None)
        if hit is None:
            hit = next((i for i, s in enumerate(normed) if evidence in s), None)
        if hit is None:
            continue
        found += 1
        labels.setdefault(hit, str(event["type"]))
    return [(s, labels.get(i, NONE)) for i, s in enumerate(sents)], found


def _manifest_splits() -> dict[str, str]:
    splits: dict[str, str] = {}
    for path in sorted((ROOT / "corpus" / "manifest").glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                splits[row["id"]] = row["split"]
    return splits


def collect(pairs: Iterable[tuple[Path, Path]], *, split: str | None = None,
            only: set[str] | None = None, verbose: bool = True) -> list[tuple[str, str]]:
    """The examples of every document of the (texts, gold) folder pairs."""
    splits = _manifest_splits()
    nlp = _splitter()
    data: list[tuple[str, str]] = []
    n_events = n_found = n_docs = 0
    for texts, gold in pairs:
        for gold_file in sorted(gold.glob("*.json")):
            doc_id = gold_file.stem
            if split and doc_id in splits and splits[doc_id] != split:
                continue  # never read a document of the other half
            if only is not None and doc_id in splits and doc_id not in only:
                continue
            text_file = texts / f"{doc_id}.txt"
            if not text_file.is_file():
                continue
            events = json.loads(gold_file.read_text(encoding="utf-8")).get("events", [])
            got, found = examples_from(text_file.read_text(encoding="utf-8"), events, nlp)
            data += got
            n_docs += 1
            n_events += len(events)
            n_found += found
    if verbose:
        print(f"{n_docs} documents, {len(data)} sentences; {n_found}/{n_events} gold events matched a sentence",  # noqa: T201
              file=sys.stderr)
    return data


def train(data: Sequence[tuple[str, str]], out: Path, *, epochs: int = 15, seed: int = 0,
          length: int = 2 ** 14, verbose: bool = True) -> Path:
    """Train the bag-of-words classifier on (sentence, class) pairs and save it to ``out``."""
    import spacy
    from spacy.training import Example
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    labels = sorted({label for _, label in data} | {NONE})
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": length}})
    textcat = nlp.get_pipe("textcat")
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {lab: float(lab == label) for lab in labels}})
                for text, label in data]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)  # noqa: S311 (the order of examples, not a secret)
    start = time.monotonic()
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for i in range(0, len(examples), 16):
            nlp.update(examples[i:i + 16], sgd=optimizer, drop=0.2, losses=losses)
        if verbose:
            print(f"epoch {epoch + 1}: loss {losses.get('textcat', 0):.3f}", file=sys.stderr)  # noqa: T201
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    # The hashed features need no word list: do not ship the words of the training texts.
    (out / "vocab" / "strings.json").write_text("[]", encoding="utf-8")
    if verbose:
        counts = Counter(label for _, label in data)
        print(f"trained in {time.monotonic() - start:.1f} s on {len(data)} sentences {dict(sorted(counts.items()))}"  # noqa: T201
              f" -> {out}", file=sys.stderr)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--texts", type=Path, action="append", required=True)
    ap.add_argument("--gold", type=Path, action="append", required=True)
    ap.add_argument("--split", choices=("tune", "check"), default="tune",
                    help="corpus documents of this half only (default tune; never train on check to score check)")
    ap.add_argument("--epochs", type=int, default=15)
    args = ap.parse_args(argv)
    if len(args.texts) != len(args.gold):
        ap.error("give --texts and --gold in pairs")
    data = collect(zip(args.texts, args.gold, strict=True), split=args.split)
    train(data, args.out, epochs=args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
