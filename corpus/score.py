#!/usr/bin/env python3
"""Score the extractor on the development corpus of other wars (make score-corpus).

The article texts are third-party material and are not in the repository: regather them with
the manifests (corpus/manifest/*.tsv: URL, sha256 and the search that finds each one) into a
folder (default corpus/texts/, git-ignored; CORPUS_TEXTS to change it). This script checks each
text's sha256, builds the texts that are there with no conflict pack into a scratch store, and
prints, for the tuning half and the checking half separately:

- the scorer's table (../shared/eval/score.py: entities, statements, events, casualty claims);
- geoparsing: of the gold places a reader would put on a map ("map": true), how many got
  coordinates from the right feature (the gold GeoNames id where the annotator gave one, else a
  place in the gold country), with the misses listed.

Usage: python corpus/score.py [--texts DIR] [--split tune|check|all] [--misses] [--diff] [--only ID ...]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def manifest() -> list[dict[str, str]]:
    rows = []
    for path in sorted((ROOT / "corpus" / "manifest").glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh, delimiter="\t"))
    return rows


def kg(*args: str, store: Path) -> None:
    env = {**os.environ, "CKG_STORE": str(store), "CKG_PACKS": "", "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run([sys.executable, "-m", "kg.cli", *args], check=True, env=env, cwd=ROOT)


def in_gazetteer(ent: dict[str, object]) -> bool:
    """Whether the world gazetteer holds the gold place at all (by id, or by a name in its country)."""
    from kg.geo.index import WorldGazetteer

    world = WorldGazetteer.open()
    if ent.get("geonames") and world.get(int(str(ent["geonames"]))) is not None:
        return True
    forms = [str(ent["label"]), *(str(f) for f in ent.get("surface_forms", []))]  # type: ignore[attr-defined]
    return any(p.cc == ent.get("country") for f in forms for p in world.lookup(f))


REACHABLE = [0, 0]


def geo_score(nq: Path, gold_files: list[Path], show: bool) -> tuple[int, int]:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    prefixes = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> PREFIX dcterms: <http://purl.org/dc/terms/> ")
    ok = total = 0
    for path in gold_files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        rows = store.query(prefixes + """SELECT ?e ?text ?lat ?same ?cc ?iso WHERE {
            ?d dcterms:identifier ?id . ?m ckg:inDocument ?d ; ckg:refersTo ?e ; nif:anchorOf ?text .
            OPTIONAL { ?e geo:lat ?lat } OPTIONAL { ?e owl:sameAs ?same }
            OPTIONAL { ?e ckg:inCountry/ckg:isoCode ?cc } OPTIONAL { ?e ckg:isoCode ?iso }
            VALUES ?want { %s } FILTER(STR(?id) = ?want) }""".replace("%s", str(ox.Literal(gold["doc"]))),
                           use_default_graph_as_union=True)
        found: dict[str, dict[str, set[str]]] = {}
        for r in rows:
            info = found.setdefault(r["text"].value.lower(), {"lat": set(), "same": set(), "cc": set()})
            if r["lat"] is not None:
                info["lat"].add(r["lat"].value)
            if r["same"] is not None:
                info["same"].add(r["same"].value)
            for key in ("cc", "iso"):
                if r[key] is not None:
                    info["cc"].add(r[key].value[:2])
        for ent in gold.get("entities", []):
            if ent.get("type") not in ("Settlement", "Region", "Country") or not ent.get("map"):
                continue
            total += 1
            forms = {ent["label"].lower(), *(s.lower() for s in ent.get("surface_forms", []))}
            hits = [found[f] for f in forms if f in found and found[f]["lat"]]
            if ent.get("geonames"):  # the right feature under another surface form ("Gaza" for Gaza City)
                iri = f"https://sws.geonames.org/{ent['geonames']}/"
                hits += [h for h in found.values() if iri in h["same"] and h["lat"]]
            right = False
            for h in hits:
                if ent.get("geonames"):
                    right = f"https://sws.geonames.org/{ent['geonames']}/" in h["same"]
                else:
                    right = not ent.get("country") or ent["country"] in h["cc"]
                if right:
                    break
            ok += right
            if in_gazetteer(ent):
                REACHABLE[0] += right
                REACHABLE[1] += 1
            if not right and show:
                why = "no coordinates" if not hits else f"wrong feature {sorted(hits[0]['same'] or hits[0]['cc'])}"
                print(f"  miss {gold['doc']}: {ent['label']} ({ent.get('country')}, {ent.get('geonames')}): {why}")
    return ok, total


def qid_score(nq: Path, gold_files: list[Path], show: bool) -> tuple[int, int]:
    """States and international bodies the gold names with a Wikidata id: how many the graph links
    to that id in that document."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    ok = total = 0
    for path in gold_files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        rows = store.query("""SELECT DISTINCT ?w WHERE { ?d <http://purl.org/dc/terms/identifier> ?id .
            ?m <https://w3id.org/conflict-kg/ontology#inDocument> ?d ;
               <https://w3id.org/conflict-kg/ontology#refersTo> ?e .
            ?e <http://www.w3.org/2002/07/owl#sameAs> ?w VALUES ?want { %s } FILTER(STR(?id) = ?want) }"""
                           .replace("%s", str(ox.Literal(gold["doc"]))), use_default_graph_as_union=True)
        linked = {r["w"].value.rsplit("/", 1)[-1] for r in rows}
        for ent in gold.get("entities", []):
            if ent.get("type") in ("State", "InternationalOrganization") and ent.get("wikidata"):
                total += 1
                ok += ent["wikidata"] in linked
                if show and ent["wikidata"] not in linked:
                    print(f"  no QID {gold['doc']}: {ent['label']} ({ent['wikidata']})")
    return ok, total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=Path(os.environ.get("CORPUS_TEXTS", ROOT / "corpus" / "texts")))
    ap.add_argument("--split", choices=("tune", "check", "all"), default="all")
    ap.add_argument("--misses", action="store_true", help="list geoparsing misses (look at the tuning half only)")
    ap.add_argument("--diff", action="store_true",
                    help="per document, the gold items missed and the predictions unmatched (tuning half only)")
    ap.add_argument("--only", action="append", default=[], metavar="ID", help="score only these documents")
    args = ap.parse_args()
    rows = manifest()
    present = []
    for row in rows:
        text = args.texts / f"{row['id']}.txt"
        if not text.is_file():
            continue
        if hashlib.sha256(text.read_bytes()).hexdigest() != row["sha256"]:
            print(f"{text}: sha256 differs from the manifest: skipped", file=sys.stderr)
            continue
        if not args.only or row["id"] in args.only:
            present.append(row)
    if not present:
        print(f"no corpus texts in {args.texts}: regather them with corpus/manifest/*.tsv", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "texts").mkdir()
        for row in present:
            shutil.copy(args.texts / f"{row['id']}.txt", work / "texts" / f"{row['id']}.txt")
        kg("build", str(work / "texts"), "-q", store=work / "store")
        kg("dump", "--format", "nq", "-o", str(work / "dump.nq"), store=work / "store")
        for split in (("tune", "check") if args.split == "all" else (args.split,)):
            gold_dir = work / f"gold-{split}"
            gold_dir.mkdir()
            files = []
            for row in present:
                if row["split"] == split:
                    files.append(shutil.copy(ROOT / "corpus" / "gold" / f"{row['id']}.json", gold_dir))
            print(f"== {split} half: {len(files)} documents")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(SCORER), "--graph", str(work / "dump.nq"), "--gold", str(gold_dir)],
                           check=True)
            ok, total = geo_score(work / "dump.nq", [Path(f) for f in files], args.misses and split == "tune")
            print(f"places on the map: {ok}/{total} = {ok / total if total else 0:.3f} from the right feature; "
                  f"of those the gazetteer holds: {REACHABLE[0]}/{REACHABLE[1]}")
            REACHABLE[:] = [0, 0]
            ok, total = qid_score(work / "dump.nq", [Path(f) for f in files], args.misses and split == "tune")
            print(f"states and international bodies with their Wikidata id: {ok}/{total} = "
                  f"{ok / total if total else 0:.3f}")
            if args.diff and split == "tune":
                from diff import diff

                diff(work / "dump.nq", sorted(Path(f) for f in files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
