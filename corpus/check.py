#!/usr/bin/env python3
"""Check the development corpus: gold files against SCHEMA.md, texts against the manifest.

Usage: python corpus/check.py [--texts DIR] [--gold DIR] [--manifest TSV ...]

For every gold JSON: it parses, has the SCHEMA.md keys and types, every label used by a
statement, event or casualty claim is an entity, surface forms, quote starts and evidence occur
in the text. For every manifest row: the text exists, its sha256 and word count match. Texts are
not in git (third-party material); without them only the gold files' own structure is checked.
"""
from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = {"State", "Person", "Organization", "GovernmentBody", "ArmedForce", "InternationalOrganization",
         "MediaOutlet", "Country", "Region", "Settlement"}
EVENTS = {"ArmedClash", "Shelling", "MissileStrike", "AirStrike", "DroneStrike", "Shootdown", "TerritorialCapture",
          "Ceasefire", "CeasefireViolation", "MartialLaw", "Mobilization", "CallForCeasefire", "Negotiation", "Other"}
PLACES = {"Settlement", "Region", "Country"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


def read_text(path: str) -> tuple[str | None, str]:
    with open(path, encoding="utf-8") as fh:
        raw = fh.read()
    m = re.match(r"date (\d{4}-\d{2}-\d{2})\n", raw)
    return (m.group(1), raw[m.end():]) if m else (None, raw)


def check_gold(path: str, texts: str | None) -> list[str]:
    errs: list[str] = []
    doc = os.path.basename(path)[:-5]
    try:
        with open(path, encoding="utf-8") as fh:
            g = json.load(fh)
    except ValueError as exc:
        return [f"{doc}: not JSON: {exc}"]

    def err(msg: str) -> None:
        errs.append(f"{doc}: {msg}")

    if g.get("doc") != doc:
        err(f"doc is {g.get('doc')!r}, not the file name")
    text = date = None
    tpath = os.path.join(texts, doc + ".txt") if texts else None
    if tpath and os.path.exists(tpath):
        date, text = read_text(tpath)
        if g.get("doc_date") != date:
            err(f"doc_date {g.get('doc_date')!r} but the text's date line says {date!r}")
    if g.get("doc_date") is not None and not DATE.match(g["doc_date"]):
        err("doc_date is not YYYY-MM-DD")
    labels: set[str] = set()
    for e in g.get("entities", []):
        if e.get("label") in labels:
            err(f"entity {e.get('label')!r} twice")
        labels.add(e.get("label"))
        if e.get("type") not in TYPES:
            err(f"entity {e.get('label')!r}: type {e.get('type')!r}")
        if not isinstance(e.get("mediator"), bool):
            err(f"entity {e.get('label')!r}: mediator not a boolean")
        if e.get("wikidata") is not None and not re.fullmatch(r"Q\d+", e["wikidata"]):
            err(f"entity {e.get('label')!r}: wikidata {e['wikidata']!r}")
        if e.get("type") in PLACES:
            for key in ("country", "map", "geonames"):
                if key not in e:
                    err(f"place {e['label']!r} lacks {key!r}")
        for form in e.get("surface_forms", []):
            if text is not None and form not in text:
                err(f"entity {e['label']!r}: surface form {form!r} not in the text")

    def known(value: str | None, where: str) -> None:
        if value is not None and value not in labels:
            err(f"{where}: {value!r} is not an entity label")

    def occurs(snippet: str, where: str) -> None:
        if text is not None and snippet not in text:
            err(f"{where}: {snippet!r} not in the text")

    for s in g.get("statements", []):
        known(s.get("speaker"), "statement speaker")
        known(s.get("on_behalf_of"), "statement on_behalf_of")
        occurs(s.get("quote_start", ""), "quote_start")
        if s.get("date") is not None and not DATE.match(s["date"]):
            err(f"statement date {s['date']!r}")
    for v in g.get("events", []):
        if v.get("type") not in EVENTS:
            err(f"event type {v.get('type')!r}")
        for key in ("place", "agent", "target", "claimed_by", "denied_by"):
            known(v.get(key), f"event {key}")
        occurs(v.get("evidence", ""), "event evidence")
        if v.get("date") is not None and not DATE.match(v["date"]):
            err(f"event date {v['date']!r}")
    for c in g.get("casualty_claims", []):
        if not isinstance(c.get("count"), int) or c.get("kind") not in ("killed", "wounded"):
            err(f"casualty claim {c!r}")
        if c.get("population") not in ("military", "civilian", "mixed", "unknown"):
            err(f"casualty population {c.get('population')!r}")
        known(c.get("side"), "casualty side")
        known(c.get("claimed_by"), "casualty claimed_by")
        occurs(c.get("evidence", ""), "casualty evidence")
    return errs


def check_manifest(path: str, texts: str, gold: str) -> list[str]:
    errs: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        doc = row["id"]
        if not os.path.exists(os.path.join(gold, doc + ".json")):
            errs.append(f"{doc}: in {os.path.basename(path)} but no gold file")
        tpath = os.path.join(texts, doc + ".txt")
        if not os.path.exists(tpath):
            continue
        with open(tpath, "rb") as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            errs.append(f"{doc}: sha256 of the text differs from the manifest")
        if str(len(read_text(tpath)[1].split())) != row["words"]:
            errs.append(f"{doc}: word count differs from the manifest")
        if row["split"] not in ("tune", "check"):
            errs.append(f"{doc}: split {row['split']!r}")
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", default=os.environ.get("CKG_CORPUS_TEXTS", "/work/corpus-texts"))
    ap.add_argument("--gold", default=os.path.join(HERE, "gold"))
    ap.add_argument("--manifest", nargs="*", default=sorted(glob.glob(os.path.join(HERE, "manifest", "*.tsv"))))
    args = ap.parse_args()
    texts = args.texts if os.path.isdir(args.texts) else None
    errs: list[str] = []
    files = sorted(glob.glob(os.path.join(args.gold, "*.json")))
    for path in files:
        errs += check_gold(path, texts)
    for path in args.manifest:
        errs += check_manifest(path, texts or "", args.gold) if texts else []
    for e in errs:
        sys.stdout.write(e + "\n")
    note = "" if texts else " (no texts: structure only)"
    sys.stdout.write(f"{len(files)} gold files, {len(errs)} problems{note}\n")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
