"""Event tables for tools that expect rows: CSV, GDELT-style TSV and ACLED-style CSV.

Called by ``kg export`` and the API's ``/export.csv``. One row per event and place, with its
CAMEO code and PLOVER category (from the ontology), actors, place and coordinates, date,
claimant, denier, source document and the sentence that reports it. Every row carries the
event's IRI, so each row can be traced back to (and checked against) the graph.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from kg.nlp.tables import rules
from kg.store import BaseStore

__all__ = ["EXPORT_FORMATS", "event_rows", "export"]

EXPORT_FORMATS = ("csv", "gdelt", "acled")

_QUERY = """
SELECT ?event ?class ?type ?cameo ?plover ?date ?place ?placeLabel ?lat ?long
       (GROUP_CONCAT(DISTINCT ?agentLabel; separator="; ") AS ?agents)
       (GROUP_CONCAT(DISTINCT ?targetLabel; separator="; ") AS ?targets)
       (GROUP_CONCAT(DISTINCT ?claimantLabel; separator="; ") AS ?claimants)
       (GROUP_CONCAT(DISTINCT ?denierLabel; separator="; ") AS ?deniers)
       (SAMPLE(?docId) AS ?document) (SAMPLE(?url) AS ?source) (SAMPLE(?sentence) AS ?text) WHERE {
  ?event a ckg:Event ; a ?class . FILTER(?class != ckg:Event)
  ?class rdfs:label ?type .
  OPTIONAL { ?class ckg:cameoCode ?cameo }
  OPTIONAL { ?class ckg:ploverCategory ?plover }
  OPTIONAL { ?event ckg:date ?date }
  OPTIONAL { ?event ckg:place ?place . ?place rdfs:label ?placeLabel .
             OPTIONAL { ?place geo:lat ?lat ; geo:long ?long } }
  OPTIONAL { ?event ckg:agent ?a . ?a rdfs:label ?agentLabel }
  OPTIONAL { ?event ckg:target ?t . ?t rdfs:label ?targetLabel }
  OPTIONAL { ?event ckg:claimedBy ?c . ?c rdfs:label ?claimantLabel }
  OPTIONAL { ?event ckg:deniedBy ?dn . ?dn rdfs:label ?denierLabel }
  OPTIONAL { ?event ckg:evidence ?m . ?m nif:anchorOf ?sentence ; ckg:inDocument ?doc .
             ?doc dcterms:identifier ?docId . OPTIONAL { ?doc schema:url ?url } }
}
GROUP BY ?event ?class ?type ?cameo ?plover ?date ?place ?placeLabel ?lat ?long
ORDER BY ?date ?event ?place ?cameo
"""
COLUMNS = ["event", "date", "event_type", "cameo_code", "plover_category", "actors", "targets", "place",
           "latitude", "longitude", "claimed_by", "denied_by", "document", "source_url", "sentence"]


def _getter(solution: ox.QuerySolution) -> Callable[[str], str]:
    def value(name: str) -> str:
        term = solution[name]
        return "" if term is None else str(term.value)

    return value


def event_rows(store: BaseStore) -> list[dict[str, str]]:
    """One row per event and place (the first CAMEO code of its class), sorted by date."""
    result = store.query(_QUERY)
    assert isinstance(result, ox.QuerySolutions)
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for s in result:
        v = _getter(s)
        key = (v("event"), v("place"))
        if key in rows:
            continue  # several CAMEO codes for one class: the first (lowest) one
        rows[key] = {
            "event": v("event"), "date": v("date"), "event_type": v("type"), "cameo_code": v("cameo"),
            "plover_category": v("plover"), "actors": v("agents"), "targets": v("targets"),
            "place": v("placeLabel"), "latitude": v("lat"), "longitude": v("long"), "claimed_by": v("claimants"),
            "denied_by": v("deniers"), "document": v("document"), "source_url": v("source"), "sentence": v("text"),
        }
    return list(rows.values())


def _acled(event_type: str) -> tuple[str, str]:
    """The ACLED (event type, sub-event type) of an event class label: the ontology's
    ``ckg:acledEventType``/``ckg:acledSubEventType``, inherited along ``rdfs:subClassOf``."""
    table = rules().acled
    kind = next((k for k in sorted(table) if k.lower() == event_type.replace(" ", "").lower()), "Event")
    found = table.get(kind, ("", ""))
    return found[0] or "Strategic developments", found[1] or "Other"


def export(store: BaseStore, fmt: str) -> Iterator[str]:
    """The event table in ``fmt`` (csv, gdelt, acled), as lines of text."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    rows = event_rows(store)
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt == "gdelt":
        header = ["GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "EventCode", "EventRootCode",
                  "ActionGeo_FullName", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL", "CKG_EVENT_IRI",
                  "CKG_CLAIMED_BY", "CKG_SENTENCE"]
        buffer.write("\t".join(header) + "\n")
        for i, r in enumerate(rows, start=1):
            cells = [str(i), r["date"].replace("-", ""), r["actors"].split("; ")[0], r["targets"].split("; ")[0],
                     r["cameo_code"], r["cameo_code"][:2], r["place"], r["latitude"], r["longitude"],
                     r["source_url"] or r["document"], r["event"], r["claimed_by"], r["sentence"]]
            buffer.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    else:
        fields = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
                  "latitude", "longitude", "source", "notes", "ckg_event", "ckg_claimed_by"]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for i, r in enumerate(rows, start=1):
            event_type, sub_type = _acled(r["event_type"])
            writer.writerow({"event_id_cnty": f"CKG{i}", "event_date": r["date"], "event_type": event_type,
                             "sub_event_type": sub_type, "actor1": r["actors"].split("; ")[0],
                             "actor2": r["targets"].split("; ")[0], "location": r["place"], "latitude": r["latitude"],
                             "longitude": r["longitude"], "source": r["document"], "notes": r["sentence"],
                             "ckg_event": r["event"], "ckg_claimed_by": r["claimed_by"]})
    yield from buffer.getvalue().splitlines(keepends=True)
