"""Geoparsing recall on other wars, with no article text: gazetteer places in sentences of our own.

    python bench/geo_recall.py [--seed 7] [--towns 12] [--regions 3] [--countries UA,SY,...] [--misses]
                               [--template NAME] [--output bench/results/geo_recall.json]

For each of a dozen countries at war, a fixed-seed sample of its gazetteer towns (population
5,000 or more, no town of the country at least half as big having their name, even as an
alternate) and first- level regions is put into some twenty sentence templates written for this
benchmark: war verbs ("Shelling hit X overnight"), "the town of X, Y region", "X-based", "near X
on Tuesday", datelines ("X, May 3 (Reuters) -", "X, Y region -"), possessives, "X, Country",
regions with their administrative word. Each sentence is one document built by the real
extractor (spaCy model, world gazetteer, no pack), and a place counts as found when a mention
covering its name refers to the IRI of that very gazetteer feature (the GeoNames settlement, or
the first-level region): a Settlement or Region with the right id, not the country, not a
namesake elsewhere. Names are written as English news writes them: the GeoNames main name
without accents or ayn marks, an Arabic article sometimes hyphenated ("Bayt al-Faqih",
"al-Mayadin").

Prints recall overall, per template and per country, and with ``--misses`` every miss with what
came out instead. A benchmark, not a test: nothing asserts a threshold (tests/test_geoparse_recall.py
pins the wordings with sentences of its own).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTRIES = ("UA", "RU", "IL", "PS", "LB", "SY", "YE", "SD", "MM", "ML", "BF", "NE", "LY")
_MIN_POPULATION = 5000
_ADMIN_WORDS = ("Oblast", "Region", "Province", "Governorate", "State", "District")
_NAME_WORDS = ("Krai", "Kray", "Republic", "Okrug", "Area", "Strip", "Bank")  # part of the name as written
_NOT_WRITTEN = ("Administrative", "Popularate", "Urban")  # in a GeoNames region name, not in news
_PARTICLES = {"al", "el", "ad", "ash", "as", "an", "ar", "at", "az", "ed", "es", "ez"}

# {X} the town, {XU} the town in capitals, {R} its region's name and {w}/{W} the region's
# administrative word (lower-case / capitalised), {C} the country, {D} its demonym.
TOWN_TEMPLATES: dict[str, str] = {
    "shelling-hit": "Shelling hit {X} overnight, {C}'s emergency service said.",
    "town-of-region": "{D} troops pushed into the town of {X}, {R} {w}, on Monday.",
    "in-town-of": "In the town of {X}, {R} {w}, residents queued for water as aid groups in {C} warned of shortages.",
    "based": "{X}-based activists said {D} forces had shelled the area again.",
    "near-on-day": "Two drones were shot down near {X} on Tuesday, the {D} military said.",
    "dateline-caps": "{XU}, May 3 (Reuters) - Fighting flared again in {C} on Sunday, officials said.",
    "dateline-country": "{X}, {C} (AP) - An air strike killed four people on Friday.",
    "dateline-region": "{X}, {R} {W} - Gunmen attacked a market on Thursday, {D} officials said.",
    "strike-on": "An air strike on {X} killed five civilians, {C}'s health ministry said.",
    "fled": "Residents fled {X} as {D} government forces advanced.",
    "bare-object": "{D} officials said {X} was without power after the strikes.",
    "curfew-in": "A curfew was imposed in {X} and nearby villages, the {D} army said.",
    "mayor-of": "The mayor of {X} said three people were wounded in the attack in {C}.",
    "since": "Thousands of displaced people have sheltered in {X} since the war in {C} began.",
    "between": "The road between {X} and the border was cut on Wednesday, {D} sources said.",
    "possessive": "{X}'s governor said schools would stay closed, {C}'s state media reported.",
    "x-comma-country": "Witnesses in {X}, {C}, described heavy gunfire late on Wednesday.",
    "in-countrys-region": "Rebels said they had captured {X} in {C}'s {R} {w}.",
    "a-town-in": "The {D} army said it had retaken {X}, a town in the {R} {w}.",
    "outskirts": "Fierce clashes broke out on the outskirts of {X} early on Saturday, {D} media said.",
}
REGION_TEMPLATES: dict[str, str] = {
    "region-in-the": "Fighting intensified in the {R} {w} of {C}, officials said.",
    "region-across": "{D} forces shelled villages across {R} {W} overnight.",
    "region-governor": "The governor of the {R} {w} said two people were killed on Sunday in {C}.",
    "region-dateline": "{R} {W}, {C} (AP) - Aid convoys reached the area on Monday.",
    "region-possessive": "{R} {W}'s police chief said the roads were closed, {D} media reported.",
}


@dataclass(frozen=True)
class Case:
    template: str
    kind: str  # "town" | "region"
    cc: str
    place_id: int
    iri: str
    name: str  # as written
    text: str
    begin: int  # the name's character offsets in text
    end: int


def plain(name: str) -> str:
    """A GeoNames name as English news writes it: no accents, no ayn or hamza marks."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[‘’ʿʾ'`]", "", text).strip()


def newsy(name: str, rng: random.Random) -> str:
    """Sometimes the Arabic article hyphenated, as many outlets write it: "Bayt al-Faqih", "al-Mayadin"."""
    words = name.split()
    if len(words) < 2 or not any(w.lower() in _PARTICLES for w in words) or rng.random() < 0.4:
        return name
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w.lower() in _PARTICLES and i + 1 < len(words):
            article = w.lower() if i > 0 or rng.random() < 0.5 else w.capitalize()
            out.append(f"{article}-{words[i + 1]}")
            i += 2
        else:
            out.append(w)
            i += 1
    return " ".join(out)


def region_parts(name: str, default_word: str) -> tuple[str, str]:
    """A region's name as news writes it, without its administrative word, and the word ("Donetsk
    Oblast" -> Donetsk, Oblast; "Chelyabinsk Administrative" -> Chelyabinsk, Oblast; "Perm Krai"
    -> Perm Krai, "")."""
    for junk in _NOT_WRITTEN:
        name = name.removesuffix(f" {junk}")
    if name.startswith("Republic of ") or any(name.endswith(f" {w}") for w in _NAME_WORDS):
        return name, ""
    for word in _ADMIN_WORDS:
        if name.endswith(f" {word}"):
            return name[: -len(word) - 1], word
    return name, default_word


def _tidy(text: str) -> str:
    """No space before a space or punctuation (a region written with no administrative word)."""
    return re.sub(r" (?=[ ,.'])", "", text)


def sample(gaz: Any, countries: tuple[str, ...], towns: int, regions: int, seed: int
           ) -> list[tuple[str, str, Any, Any]]:
    """(kind, cc, place, its region) for the sampled places, in a fixed order."""
    from kg.geo.index import name_key

    rng = random.Random(seed)
    country_keys = {name_key(c.name) for c in gaz.countries()}
    out: list[tuple[str, str, Any, Any]] = []
    for cc in countries:
        rows = gaz._db.execute("SELECT * FROM place WHERE cc = ? AND kind IN ('settlement', 'region') "
                               "ORDER BY id", (cc,)).fetchall()
        places = [gaz._place(r) for r in rows]
        best: dict[str, int] = {}
        for p in places:
            if p.kind == "settlement":
                key = name_key(plain(p.name))
                best[key] = max(best.get(key, 0), p.population)
        pool = [p for p in places if p.kind == "settlement" and p.population >= _MIN_POPULATION
                and len(plain(p.name)) >= 3 and best[name_key(plain(p.name))] == p.population
                and name_key(plain(p.name)) not in country_keys
                and (r := gaz.region(p.cc, p.admin1)) is not None and not r.name.endswith(" City")]
        taken = 0
        for p in rng.sample(pool, len(pool)):
            if taken == towns:
                break
            if any(q.kind == "settlement" and q.cc == cc and q.id != p.id and q.population * 2 >= p.population
                   for q in gaz.lookup(plain(p.name))):
                continue  # a bigger town of the country has the name too (as an alternate): ambiguous to a reader
            out.append(("town", cc, p, gaz.region(p.cc, p.admin1)))
            taken += 1
        areas = [p for p in places if p.kind == "region" and not p.name.endswith(" City")]
        for p in rng.sample(areas, min(regions, len(areas))):
            out.append(("region", cc, p, p))
    return out


def cases(ex: Any, seed: int, towns: int, regions: int, countries: tuple[str, ...],
          only: set[str]) -> list[Case]:
    world = ex.geoparser.world
    gaz = world.gazetteer
    states = {e.iso_code: e for e in world.entities if "State" in e.types and e.iso_code}
    rng = random.Random(seed)
    words: dict[str, str] = {}
    for cc in countries:
        counted = Counter(w for r in gaz._db.execute("SELECT name FROM place WHERE cc = ? AND kind = 'region'", (cc,))
                          for w in _ADMIN_WORDS if str(r[0]).endswith(f" {w}"))
        words[cc] = counted.most_common(1)[0][0] if counted else "Region"
    out: list[Case] = []
    for kind, cc, place, region in sample(gaz, countries, towns, regions, seed):
        state = states[cc]
        country = state.label.removeprefix("State of ")
        demonym = state.demonyms[0] if state.demonyms else country
        base, word = region_parts(plain(region.name), words[cc])
        name = newsy(plain(place.name), rng) if kind == "town" else base
        templates = TOWN_TEMPLATES if kind == "town" else REGION_TEMPLATES
        for tname, template in templates.items():
            if only and tname not in only:
                continue
            values = {"X": name, "XU": name.upper(), "R": base, "w": word.lower(), "W": word, "C": country,
                      "D": demonym}
            marker = "{XU}" if "{XU}" in template else "{X}" if kind == "town" else "{R}"
            head, tail = template.split(marker, 1)
            prefix = _tidy(head.format(**values))
            written = values[marker[1:-1]]
            if kind == "region":
                written = f"{written} {word.lower() if tail.startswith(' {w}') else word}".strip()
                tail = tail.split("}", 1)[1]
            text = prefix + written + _tidy(tail.format(**values))
            if text[:1].islower():
                text = text[0].upper() + text[1:]
            out.append(Case(tname, kind, cc, place.id, world.iri_of(place), written, text,
                            len(prefix), len(prefix) + len(written)))
    return out


def outcome(case: Case, extraction: Any) -> tuple[bool, str]:
    """Whether the name came out as its feature, and what came out instead."""
    covering = [m for m in extraction.mentions if m.span.begin < case.end and case.begin < m.span.end]
    if any(m.entity == case.iri for m in covering):
        return True, ""
    if not covering:
        return False, "nothing"
    return False, "; ".join(f"{m.span.text!r} -> {m.entity.rsplit('/', 1)[-1]}" for m in covering)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--towns", type=int, default=12, help="towns per country")
    ap.add_argument("--regions", type=int, default=3, help="first-level regions per country")
    ap.add_argument("--countries", default=",".join(COUNTRIES))
    ap.add_argument("--template", action="append", default=[], help="only these templates")
    ap.add_argument("--misses", action="store_true", help="list every miss")
    ap.add_argument("--output", type=Path, help="write the figures as JSON")
    args = ap.parse_args()

    from kg.build import make_extractor
    from kg.model import SourceDocument
    from kg.settings import Settings

    ex = make_extractor(Settings())
    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    todo = cases(ex, args.seed, args.towns, args.regions, countries, set(args.template))
    docs = [SourceDocument(doc_id=f"geo-{i}", text=c.text, path="<bench>", date=None) for i, c in enumerate(todo)]
    t0 = time.perf_counter()
    results = [outcome(c, e) for c, e in zip(todo, ex.extract_many(docs), strict=True)]
    seconds = time.perf_counter() - t0
    by_template: dict[str, list[bool]] = defaultdict(list)
    by_country: dict[str, list[bool]] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for c, (ok, _) in zip(todo, results, strict=True):
        by_template[c.template].append(ok)
        by_country[c.cc].append(ok)
        by_kind[c.kind].append(ok)
    found = sum(ok for ok, _ in results)
    print(f"geoparsing recall: {found}/{len(results)} = {found / max(len(results), 1):.3f} "
          f"(seed {args.seed}, {len(results)} sentences, {seconds:.0f} s)")
    for label, groups in (("kind", by_kind), ("template", by_template), ("country", by_country)):
        print(f"-- by {label}")
        for key, oks in sorted(groups.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), kv[0])):
            print(f"  {key:20s} {sum(oks):4d}/{len(oks):<4d} {sum(oks) / len(oks):.3f}")
    if args.misses:
        print("-- misses")
        for c, (ok, got) in zip(todo, results, strict=True):
            if not ok:
                print(f"  [{c.template}] {c.cc} {c.name!r}: {got}\n      {c.text}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({
            "seed": args.seed, "sentences": len(results), "found": found,
            "recall": found / max(len(results), 1),
            "by_template": {k: sum(v) / len(v) for k, v in sorted(by_template.items())},
            "by_country": {k: sum(v) / len(v) for k, v in sorted(by_country.items())},
            "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
