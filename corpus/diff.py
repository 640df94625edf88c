"""Per-document errors of an extraction against gold (corpus/score.py --diff; tuning half only).

Matches exactly as ../shared/eval/score.py does (its own functions are loaded from it), and
prints, for each document, the gold items no prediction matched ("miss") and the predictions no
gold item matched ("extra"), for statements, events and casualty claims, with what the graph
holds for the nearest prediction, so an error can be read without opening the dump.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

SCORER = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "score.py"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pairs(preds: list[Any], golds: list[Any], ok: Any) -> tuple[list[Any], list[Any]]:
    """The greedy matching of the scorer, returning (unmatched golds, unmatched predictions)."""
    used: set[int] = set()
    missed = []
    for g in golds:
        for i, p in enumerate(preds):
            if i not in used and ok(p, g):
                used.add(i)
                break
        else:
            missed.append(g)
    return missed, [p for i, p in enumerate(preds) if i not in used]


def diff(dump: Path, gold_files: list[Path],
         kinds: tuple[str, ...] = ("entities", "statements", "events", "casualties")) -> None:
    sc = scorer()
    store = sc.load(str(dump))
    names = sc.Names(store)

    def label(iri: str | None) -> str:
        if not iri:
            return "-"
        keys = sorted(k for k in names.keys.get(iri, set()) if not re.fullmatch(r"Q[0-9]+", k))
        return keys[0] if keys else iri.rsplit("/", 1)[-1]

    for path in gold_files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        docs = sc.select(store, "SELECT ?d WHERE { ?d dcterms:identifier ?id FILTER(STR(?id) = ?want) }", ["d"],
                         want=sc.ox.Literal(gold["doc"]))
        print(f"### {gold['doc']}")
        if not docs:
            print("  not in the graph")
            continue
        d = sc.ox.NamedNode(docs[0][0])
        by_label = {e["label"]: e for e in gold.get("entities", [])}

        def gold_entity(name: str | None) -> dict[str, Any] | None:
            return by_label.get(name) or ({"label": name} if name else None)  # type: ignore[arg-type]

        if "entities" in kinds:
            ents = sorted({e for (e,) in sc.select(
                store, "SELECT DISTINCT ?e WHERE { ?m ckg:inDocument ?d ; ckg:refersTo ?e . }", ["e"], d=d)})
            missed, extra = _pairs(ents, gold.get("entities", []), lambda p, g: names.matches(p, g))
            for g in missed:
                print(f"  miss entity  {g['label']} ({g.get('type')})")
            for p in extra:
                print(f"  extra entity {label(p)}")
        if "statements" in kinds:
            stmts = sc.select(store, """SELECT DISTINCT ?s ?q ?sp WHERE {
                ?s a ckg:Statement ; prov:wasDerivedFrom ?d ; ckg:quote ?q . OPTIONAL { ?s ckg:speaker ?sp } }""",
                              ["s", "q", "sp"], d=d)
            missed, extra = _pairs(stmts, gold.get("statements", []),
                                   lambda p, g: sc.norm(g["quote_start"]) in sc.norm(p[1])
                                   and names.matches(p[2], gold_entity(g["speaker"])))
            for g in missed:
                near = [p for p in stmts if sc.norm(g["quote_start"]) in sc.norm(p[1])]
                got = f" (found, speaker {label(near[0][2])})" if near else " (quote not found)"
                print(f"  miss stmt    {g['speaker']}: {g['quote_start'][:60]!r}{got}")
            for p in extra:
                print(f"  extra stmt   {label(p[2])}: {p[1][:60]!r}")
        if "events" in kinds:
            evs = sc.select(store, """SELECT DISTINCT ?e ?cls ?p ?date WHERE {
                ?e prov:wasDerivedFrom ?d ; a ?cls . ?cls rdfs:subClassOf* ckg:Event .
                OPTIONAL { ?e ckg:place ?p } OPTIONAL { ?e ckg:date ?date } }""", ["e", "cls", "p", "date"], d=d)
            by_event: dict[str, list[tuple[str, str | None, str | None]]] = {}
            for e, cls, p, date in evs:
                by_event.setdefault(e, []).append((cls.rsplit("#", 1)[-1], p, date))
            # The scorer also accepts superclasses; the event's own classes are enough to read it.
            full = sc.select(store, """SELECT DISTINCT ?e ?cls ?p ?date WHERE {
                ?e prov:wasDerivedFrom ?d ; a ?c . ?c rdfs:subClassOf* ?cls . ?cls rdfs:subClassOf* ckg:Event .
                OPTIONAL { ?e ckg:place ?p } OPTIONAL { ?e ckg:date ?date } }""", ["e", "cls", "p", "date"], d=d)
            scored: dict[str, list[tuple[str, str | None, str | None]]] = {}
            for e, cls, p, date in full:
                scored.setdefault(e, []).append((cls.rsplit("#", 1)[-1], p, date))
            anchors = dict(sc.select(store, """SELECT ?e ?t WHERE { ?e prov:wasDerivedFrom ?d .
                ?e ckg:evidence/<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?t }""",
                                     ["e", "t"], d=d))

            def event_ok(p: str, g: dict[str, Any]) -> bool:
                rows = scored[p]
                classes = {cls for cls, _, _ in rows}
                for cls, place, date in rows:
                    if g["type"] == "Other":
                        if classes & sc.LISTED_EVENT_TYPES:
                            continue
                    elif cls != g["type"]:
                        continue
                    if g.get("place") and not names.matches(place, gold_entity(g["place"])):
                        continue
                    if g.get("date") and (date or "")[:10] != g["date"]:
                        continue
                    return True
                return False

            def show(e: str) -> str:
                rows = sorted(by_event[e], key=lambda r: (r[0] in ("Event", "Attack", "ViolentEvent"), r[0]))
                cls, place, date = rows[0]
                text = anchors.get(e, "")
                return f"{cls} @ {label(place)} {(date or '-')[:10]}" + (f"  <{text[:70]}>" if text else "")

            missed, extra = _pairs(sorted(scored), gold.get("events", []), event_ok)
            for g in missed:
                print(f"  miss event   {g['type']} @ {g.get('place') or '-'} {g.get('date') or '-'}"
                      + (f"  <{g['evidence'][:70]}>" if g.get("evidence") else ""))
            for p in extra:
                print(f"  extra event  {show(p)}")
        if "casualties" in kinds:
            cls = sc.select(store, """SELECT DISTINCT ?c ?n ?k ?by WHERE {
                ?c a ckg:CasualtyClaim ; prov:wasDerivedFrom ?d ; ckg:count ?n .
                OPTIONAL { ?c ckg:casualtyKind ?k } OPTIONAL { ?c ckg:claimedBy ?by } }""", ["c", "n", "k", "by"], d=d)

            def claim_ok(p: tuple[Any, ...], g: dict[str, Any]) -> bool:
                if str(p[1]) != str(g["count"]) or g["kind"] not in (p[2] or "").lower():
                    return False
                return not g.get("claimed_by") or names.matches(p[3], gold_entity(g["claimed_by"]))

            missed, extra = _pairs(cls, gold.get("casualty_claims", []), claim_ok)
            said = dict(sc.select(store, """SELECT ?c ?t WHERE { ?c a ckg:CasualtyClaim ; prov:wasDerivedFrom ?d .
                ?c ckg:evidence/<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?t }""",
                                  ["c", "t"], d=d))
            for g in missed:
                print(f"  miss claim   {g['count']} {g['kind']} by {g.get('claimed_by') or '-'}"
                      + (f"  <{g['evidence'][:70]}>" if g.get("evidence") else ""))
            for p in extra:
                text = said.get(p[0], "")
                print(f"  extra claim  {p[1]} {(p[2] or '-').rsplit('#', 1)[-1]} by {label(p[3])}"
                      + (f"  <{text[:70]}>" if text else ""))
