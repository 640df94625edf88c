"""Deterministic benchmark corpus: N news-like documents recombined from ``seeds/*.txt``.

    python bench/corpus.py N [-o FILE.jsonl] [--seed S] [--seeds DIR] [--entities TTL]

Each document takes a lead paragraph from one seed article and further paragraphs from all
five, then swaps the names of curated entities (the seeds' conflict pack,
``ontology/packs/nagorno-karabakh-2020.ttl``) for other entities of the same kind: a settlement for a
settlement, a person for a person, a state for a state (with its demonym), and so on, one consistent
mapping per document. Dates are the seed's date (or 2020-10-01) shifted by up to two months. Ids are unique.

Output is JSON Lines, one ``{"id", "text", "date", "title"}`` object per line, which
``kg build FILE.jsonl`` reads. The same N and seed always give the same bytes, and the
first N documents of a larger corpus are the corpus of size N (corpora nest), because
document i depends only on (seed, i).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
CKG = rdflib.Namespace("https://w3id.org/conflict-kg/ontology#")
# The kind of an entity is the first of these among its types (State before Mediator, …).
KINDS = ("Person", "Settlement", "Region", "State", "ArmedForce", "GovernmentBody",
         "InternationalOrganization", "MediaOutlet", "Organization")
_DATE_LINE = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*\n")
DEFAULT_DATE = dt.date(2020, 10, 1)


@dataclass(frozen=True)
class Entity:
    iri: str
    kind: str
    label: str
    demonym: str | None
    surname: str | None  # persons only, when no other person shares it


@dataclass(frozen=True)
class Seed:
    name: str
    date: dt.date | None
    paragraphs: tuple[str, ...]


def load_entities(path: Path) -> dict[str, list[Entity]]:
    """Curated entities by kind, each list sorted by IRI (deterministic)."""
    g = rdflib.Graph().parse(path, format="turtle")
    found: list[tuple[str, str, str, str | None]] = []
    for subject in sorted({s for s in g.subjects(rdflib.RDF.type, None) if isinstance(s, rdflib.URIRef)}, key=str):
        types = {str(t).rsplit("#", 1)[-1] for t in g.objects(subject, rdflib.RDF.type)}
        kind = next((k for k in KINDS if k in types), None)
        label = g.value(subject, rdflib.RDFS.label)
        if kind is None or label is None:
            continue
        demonyms = sorted(str(d) for d in g.objects(subject, CKG.demonym))
        found.append((str(subject), kind, str(label), demonyms[0] if demonyms else None))
    surnames: dict[str, int] = {}
    for _, kind, label, _ in found:
        if kind == "Person" and " " in label:
            surnames[label.rsplit(" ", 1)[1]] = surnames.get(label.rsplit(" ", 1)[1], 0) + 1
    labels = {label for _, _, label, _ in found}
    by_kind: dict[str, list[Entity]] = {}
    for iri, kind, label, demonym in found:
        surname = None
        if kind == "Person" and " " in label:
            last = label.rsplit(" ", 1)[1]
            if surnames[last] == 1 and len(last) >= 4 and last not in labels:
                surname = last
        by_kind.setdefault(kind, []).append(Entity(iri, kind, label, demonym, surname))
    return by_kind


def load_seeds(folder: Path) -> list[Seed]:
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        date = None
        m = _DATE_LINE.match(text)
        if m:
            date = dt.date.fromisoformat(m.group(1))
            text = text[m.end():]
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
        seeds.append(Seed(path.stem, date, paragraphs))
    if not seeds:
        raise SystemExit(f"no seed articles (*.txt) in {folder}")
    return seeds


class Generator:
    """Makes document i of the corpus from (seed, i) alone."""

    def __init__(self, seeds: list[Seed], entities: dict[str, list[Entity]], seed: int = 0) -> None:
        self.seeds = seeds
        self.entities = entities
        self.seed = seed
        self.pool = [(s, p) for s in seeds for p in s.paragraphs]
        # Every string we may replace, each pointing at (kind, index, form): one regex, longest
        # alternatives first, so "Ministry of Defence of Armenia" wins over "Armenia".
        self.forms: dict[str, tuple[str, int, str]] = {}
        for kind, members in sorted(entities.items()):
            for i, e in enumerate(members):
                for form, value in (("label", e.label), ("demonym", e.demonym), ("surname", e.surname)):
                    if value:
                        self.forms.setdefault(value, (kind, i, form))
                        if form == "label" and value.upper() != value:
                            self.forms.setdefault(value.upper(), (kind, i, "upper"))  # datelines
        alternatives = sorted(self.forms, key=lambda s: (-len(s), s))
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)")

    def _mapping(self, rng: random.Random) -> dict[str, list[int]]:
        out = {}
        for kind, members in sorted(self.entities.items()):
            order = list(range(len(members)))
            rng.shuffle(order)
            out[kind] = order
        return out

    def _substitute(self, text: str, mapping: dict[str, list[int]]) -> str:
        def replace(m: re.Match[str]) -> str:
            kind, i, form = self.forms[m.group(0)]
            target = self.entities[kind][mapping[kind][i]]
            if form == "label":
                return target.label
            if form == "upper":
                return target.label.upper()
            if form == "demonym":
                return target.demonym or m.group(0)
            return target.surname or target.label.rsplit(" ", 1)[-1]

        return self.pattern.sub(replace, text)

    def document(self, i: int) -> dict[str, str]:
        rng = random.Random(f"conflict-kg-bench:{self.seed}:{i}")
        lead_seed = self.seeds[rng.randrange(len(self.seeds))]
        start = rng.randrange(max(1, min(3, len(lead_seed.paragraphs))))
        paragraphs = [lead_seed.paragraphs[start]]
        for _ in range(rng.randint(3, 11)):
            _, p = self.pool[rng.randrange(len(self.pool))]
            paragraphs.append(p)
        mapping = self._mapping(rng)
        text = "\n\n".join(self._substitute(p, mapping) for p in paragraphs) + "\n"
        date = (lead_seed.date or DEFAULT_DATE) + dt.timedelta(days=rng.randint(-30, 30))
        first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
        title = " ".join(first.split()[:12]).rstrip(",;:")
        return {"id": f"bench-{self.seed}-{i:05d}", "text": text, "date": date.isoformat(), "title": title}


def write_corpus(n: int, output: Path, *, seed: int = 0, seeds_dir: Path = ROOT / "seeds",
                 entities: Path = ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl") -> Path:
    if not 1 <= n <= 1_000_000:
        raise SystemExit(f"N must be between 1 and 1,000,000, not {n}")
    gen = Generator(load_seeds(seeds_dir), load_entities(entities), seed)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for i in range(n):
            fh.write(json.dumps(gen.document(i), ensure_ascii=False) + "\n")
    tmp.replace(output)
    return output


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("-o", "--output", type=Path, help="JSONL file to write (default: bench/results/corpus-N.jsonl)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of seed .txt articles")
    ap.add_argument("--entities", type=Path, default=ROOT / "ontology" / "packs" / "nagorno-karabakh-2020.ttl")
    args = ap.parse_args(argv)
    out = args.output or ROOT / "bench" / "results" / f"corpus-{args.n}.jsonl"
    write_corpus(args.n, out, seed=args.seed, seeds_dir=args.seeds, entities=args.entities)
    print(f"{args.n} documents -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
