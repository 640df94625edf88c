"""Pictures of the graph: ``/map`` (Leaflet over an offline Natural Earth basemap), ``/timeline``
(vis-timeline) and ``/claims`` (the claims ledger: who claims and who denies each event, and
each claimant's casualty figures), all with the same filters as URL parameters (``type``,
``actor``, ``claimant``, ``place``, ``from``, ``to``). The data goes into the page as a JSON
block and a plain table (the same facts, for keyboards, screen readers and print); the scripts
are ours and the libraries are npm packages served from ``/static/vendor``.

Also the HTML of event pages (:func:`event_page`) and of what a document page lists as
extracted from it (:func:`extracted_from`), called by :mod:`api.resources`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.cache import cached_response
from api.deps import StoreDep
from api.errors import APIError
from api.queries import QUERIES, run_query
from api.render import render
from api.resources import _select, local_path
from kg.results import serialize_rows
from kg.store import BaseStore
from kg.vocab import CKG

__all__ = ["Filters", "casualties", "entity_extras", "event_page", "events", "extracted_from", "ledger", "router",
           "to_json"]

router = APIRouter(tags=["pages"])

Filter = Annotated[str | None, Query(max_length=200)]
_ROLES = {CKG.agent: "agents", CKG.target: "targets", CKG.claimedBy: "claimants", CKG.deniedBy: "deniers",
          CKG.place: "places", CKG.about: "about"}
_AREA_KINDS = {CKG.Country: "country", CKG.Region: "region"}


def to_json(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: ``<`` escaped, so no text closes it."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")


@dataclass
class Filters:
    """The filters of the map, the timeline and the ledger, as given and as resolved."""

    given: dict[str, str] = field(default_factory=dict)
    classes: set[str] | None = None      # event classes (IRIs) the type filter allows
    actor: str | None = None             # IRI
    claimant: str | None = None          # IRI
    place: set[str] | None = None        # the place and every place located in it
    start: str | None = None
    end: str | None = None
    errors: list[str] = field(default_factory=list)
    shown: int | None = None             # set when there were more events than the result limit

    def query(self, **extra: str) -> str:
        """The filters as a query string (for links between the views)."""
        return urlencode({**self.given, **extra})


def _entity(store: BaseStore, value: str) -> str | None:
    """The IRI an actor or place filter names: a slug (``armenia``), an IRI or a label (``Armenia``)."""
    base = store.iris.base
    value = value.strip()
    candidates = []
    if value.startswith(("http://", "https://")):
        candidates.append(value)
    else:
        candidates.append(f"{base}entity/{value.lower().replace(' ', '-')}")
    for iri in candidates:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        if next(iter(store.quads_for_pattern(node, None, None)), None) is not None:
            return iri
    rows = _select(store, """SELECT ?e WHERE { ?e rdfs:label|skos:altLabel ?l .
        FILTER(STRSTARTS(STR(?e), ?prefix) && LCASE(STR(?l)) = ?want) } ORDER BY ?e LIMIT 1""",
                   want=ox.Literal(value.lower()), prefix=ox.Literal(f"{base}entity/"))
    return str(rows[0]["e"].value) if rows else None


def _event_types(store: BaseStore) -> dict[str, str]:
    """Event classes of the ontology: local name -> label."""
    rows = _select(store, """SELECT ?c ?l WHERE { ?c rdfs:subClassOf+ ckg:Event ; rdfs:label ?l }""")
    return {str(r["c"].value)[len(CKG.base):]: str(r["l"].value) for r in rows}


def parse_filters(store: BaseStore, type_: str | None = None, actor: str | None = None,
                  claimant: str | None = None, place: str | None = None, start: str | None = None,
                  end: str | None = None) -> Filters:
    """Resolve the filters; each value that names nothing we know becomes a message, not an empty page."""
    f = Filters(given={k: v.strip() for k, v in (("type", type_), ("actor", actor), ("claimant", claimant),
                                                 ("place", place), ("from", start), ("to", end)) if v and v.strip()})
    if t := f.given.get("type"):
        types = _event_types(store)
        wanted = next((name for name, label in types.items()
                       if t.lower().replace(" ", "") in (name.lower(), label.lower().replace(" ", ""))), None)
        if wanted is None:
            f.errors.append(f"There is no event type “{t}”. Event types: {', '.join(sorted(types))}.")
        else:
            rows = _select(store, "SELECT ?c WHERE { ?c rdfs:subClassOf* ?t }", t=ox.NamedNode(CKG[wanted]))
            f.classes = {str(r["c"].value) for r in rows}
    for name in ("actor", "claimant", "place"):
        if value := f.given.get(name):
            iri = _entity(store, value)
            if iri is None:
                f.errors.append(f"No {'actor' if name != 'place' else 'place'} “{value}” in the graph "
                                f"(give a slug such as the end of an entity page's address, or a name).")
            elif name == "place":
                rows = _select(store, """SELECT ?p WHERE { ?p (ckg:locatedIn|ckg:inCountry|ckg:inRegion)* ?t }""",
                               t=ox.NamedNode(iri))
                f.place = {str(r["p"].value) for r in rows} | {iri}
            else:
                setattr(f, name, iri)
    for name, attr in (("from", "start"), ("to", "end")):
        if value := f.given.get(name):
            try:
                setattr(f, attr, dt.date.fromisoformat(value).isoformat())
            except ValueError:
                f.errors.append(f"“{value}” is not a date: give {name} as YYYY-MM-DD.")
    return f


_EVENTS = """SELECT ?event ?class ?typeLabel ?date ?role ?x ?xl ?doc ?title WHERE {
  ?event a ckg:Event ; a ?class . FILTER(?class != ckg:Event && STRSTARTS(STR(?class), STR(ckg:)))
  ?class rdfs:label ?typeLabel .
  OPTIONAL { ?event ckg:date ?date }
  { VALUES ?role { ckg:agent ckg:target ckg:claimedBy ckg:deniedBy ckg:place ckg:about } ?event ?role ?x .
    OPTIONAL { ?x rdfs:label ?xl } }
  UNION
  { ?event ckg:evidence ?x . ?x nif:anchorOf ?xl ; ckg:inDocument ?doc . OPTIONAL { ?doc dcterms:title ?title }
    BIND(ckg:evidence AS ?role) }
}"""

_PLACES = """SELECT ?p ?lat ?long ?kind ?country ?countryLabel ?region ?regionLabel ?alt ?alat ?along WHERE {
  { SELECT DISTINCT ?p WHERE { ?e a ckg:Event ; ckg:place ?p } }
  OPTIONAL { ?p geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?p a ?kind . FILTER(?kind IN (ckg:Country, ckg:Region)) }
  OPTIONAL { ?p ckg:inCountry ?country . OPTIONAL { ?country rdfs:label ?countryLabel } }
  OPTIONAL { ?p ckg:inRegion ?region . OPTIONAL { ?region rdfs:label ?regionLabel } }
  OPTIONAL { ?p skos:altLabel ?alt }
  OPTIONAL { ?p (ckg:inRegion|ckg:inCountry|ckg:locatedIn) ?up . ?up geo:lat ?alat ; geo:long ?along }
}"""


def _link(store: BaseStore, iri: str, label: str | None) -> dict[str, str]:
    return {"iri": iri, "label": label or iri.rsplit("/", 1)[-1], "link": local_path(iri, store.iris.base) or iri}


def _places(store: BaseStore) -> dict[str, dict[str, Any]]:
    """Every place an event happens at: coordinates (its own, else those of its region or country),
    kind (country, region or point), the country and region it is in, and its names."""
    out: dict[str, dict[str, Any]] = {}
    for r in _select(store, _PLACES):
        iri = str(r["p"].value)
        p = out.setdefault(iri, {"lat": None, "long": None, "kind": "point", "approximate": False,
                                 "country": None, "region": None, "names": set()})
        if r.get("lat") is not None and r.get("long") is not None:
            p["lat"], p["long"], p["approximate"] = float(r["lat"].value), float(r["long"].value), False
        elif p["lat"] is None and r.get("alat") is not None and r.get("along") is not None:
            p["lat"], p["long"], p["approximate"] = float(r["alat"].value), float(r["along"].value), True
        if r.get("kind") is not None:
            kind = _AREA_KINDS[str(r["kind"].value)]
            p["kind"] = "country" if "country" in (kind, p["kind"]) else kind
        for key in ("country", "region"):
            if r.get(key) is not None:
                p[key] = _link(store, str(r[key].value), str(r[f"{key}Label"].value) if r.get(f"{key}Label") else None)
        if r.get("alt") is not None:
            p["names"].add(str(r["alt"].value))
    return out


def _involving(store: BaseStore, iri: str) -> list[str]:
    """The events an entity takes part in (any role, or as their place)."""
    rows = _select(store, """SELECT DISTINCT ?event WHERE { ?event a ckg:Event ;
        ckg:agent|ckg:target|ckg:claimedBy|ckg:deniedBy|ckg:about|ckg:place ?x }""", x=ox.NamedNode(iri))
    return sorted(str(r["event"].value) for r in rows)


def events(store: BaseStore, f: Filters, *, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Events that pass the filters, folded: the reports of one event (same type, date, place and
    agents) from several sentences or documents make one item. Sorted by date (undated last).
    ``only``: just these events (IRIs from the store), read with a ``VALUES`` block."""
    raw: dict[str, dict[str, Any]] = {}
    if only is not None:
        if not only:
            return []
        values = " ".join(str(ox.NamedNode(i)) for i in only)  # serialized by pyoxigraph, not formatted
        rows = _select(store, _EVENTS.replace("WHERE {", f"WHERE {{ VALUES ?event {{ {values} }}", 1))
    else:
        rows = _select(store, _EVENTS)
    for r in rows:
        iri = str(r["event"].value)
        e = raw.setdefault(iri, {"iri": iri, "classes": {}, "date": None, "reports": {},
                                 **{k: {} for k in _ROLES.values()}})
        e["classes"][str(r["class"].value)] = str(r["typeLabel"].value)
        if r.get("date") is not None:
            e["date"] = str(r["date"].value)
        role, x = str(r["role"].value), str(r["x"].value)
        label = str(r["xl"].value) if r.get("xl") is not None else None
        if role == CKG.evidence:
            doc = str(r["doc"].value)
            e["reports"][x] = {"sentence": label, "doc": local_path(doc, store.iris.base) or doc,
                               "title": str(r["title"].value) if r.get("title") is not None else doc.rsplit("/", 1)[-1]}
        elif x not in e[_ROLES[role]] or label:
            e[_ROLES[role]][x] = label
    places = _places(store)
    folded: dict[tuple[Any, ...], dict[str, Any]] = {}
    for iri in sorted(raw):
        e = raw[iri]
        cls = sorted(e["classes"])[0]
        if f.classes is not None and not f.classes & set(e["classes"]):
            continue
        involved = set(e["agents"]) | set(e["targets"]) | set(e["claimants"]) | set(e["deniers"]) | set(e["about"])
        if f.actor and f.actor not in involved:
            continue
        if f.claimant and f.claimant not in e["claimants"]:
            continue
        if f.place is not None and not f.place & set(e["places"]):
            continue
        if (f.start or f.end) and not e["date"]:
            continue
        if (f.start and e["date"] < f.start) or (f.end and e["date"] > f.end):
            continue
        key = (cls, e["date"], tuple(sorted(e["places"])), tuple(sorted(e["agents"])))
        item = folded.get(key)
        if item is None:
            place_iri = sorted(e["places"])[0] if e["places"] else None
            place = None
            if place_iri is not None:
                place = {**_link(store, place_iri, e["places"][place_iri]), **places.get(place_iri, {})}
                place["names"] = sorted({place["label"], *place.get("names", set())})
            type_label = e["classes"][cls]
            item = folded[key] = {
                "id": "ev-" + iri.rsplit("/", 1)[-1], "iri": iri, "link": local_path(iri, store.iris.base) or iri,
                "type": type_label, "class": cls[len(CKG.base):], "date": e["date"], "place": place,
                "title": type_label[:1].upper() + type_label[1:] + (f" at {place['label']}" if place else ""),
                "agents": {}, "targets": {}, "claimants": {}, "deniers": {}, "reports": {}, "sources": []}
        for role in ("agents", "targets", "claimants", "deniers"):
            item[role].update({k: v for k, v in e[role].items() if v or k not in item[role]})
        item["reports"].update(e["reports"])
        item["sources"].append({"iri": iri, "link": local_path(iri, store.iris.base) or iri,
                                "claimants": sorted(e["claimants"]), "deniers": sorted(e["deniers"]),
                                "reports": [e["reports"][m] for m in sorted(e["reports"])]})
    out = []
    for item in folded.values():
        for role in ("agents", "targets", "claimants", "deniers"):
            item[role] = sorted((_link(store, k, v) for k, v in item[role].items()), key=lambda x: x["label"])
        item["reports"] = sorted(item["reports"].values(), key=lambda r: (r["doc"], r["sentence"] or ""))
        out.append(item)
    out.sort(key=lambda i: (i["date"] is None, i["date"] or "", i["title"], i["iri"]))
    return out


def ledger(store: BaseStore, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events someone claims or denies, with each side's actors and the sentences that say so;
    the events someone denies first, then by date."""
    labels = {a["iri"]: a for i in items for role in ("claimants", "deniers") for a in i[role]}
    out = []
    for item in items:
        if not item["claimants"] and not item["deniers"]:
            continue
        sides: dict[str, list[dict[str, Any]]] = {"claims": [], "denies": []}
        for side, role in (("claims", "claimants"), ("denies", "deniers")):
            for who in item[role]:
                said = [r for s in item["sources"] if who["iri"] in s[role] for r in s["reports"]]
                sides[side].append({**labels[who["iri"]], "reports": said})
        out.append({**item, "claims": sides["claims"], "denies": sides["denies"]})
    out.sort(key=lambda e: (not e["denies"], e["date"] is None, e["date"] or "", e["title"]))  # contested first
    return out


def casualties(store: BaseStore, f: Filters, limit: int) -> list[dict[str, str]]:
    rows = run_query(store, QUERIES["casualties"], {}, limit)
    out = []
    for row in rows.rows:
        r = {v: ("" if t is None else str(getattr(t, "value", t))) for v, t in zip(rows.variables, row, strict=True)}
        if f.start and (not r["date"] or r["date"] < f.start) or f.end and (not r["date"] or r["date"] > f.end):
            continue
        r["document"] = local_path(r["document"], store.iris.base) or r["document"]
        r["link"] = local_path(r["claim"], store.iris.base) or r["claim"]
        out.append(r)
    wanted = {_label(store, i) for i in (f.actor, f.claimant) if i}
    if f.claimant:
        out = [r for r in out if r["claimantLabel"] == _label(store, f.claimant)]
    if f.actor:
        out = [r for r in out if wanted & {r["claimantLabel"], r["sideLabel"]}]
    return out


def _label(store: BaseStore, iri: str) -> str:
    rows = _select(store, "SELECT ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l LIMIT 1", x=ox.NamedNode(iri))
    return str(rows[0]["l"].value) if rows else iri.rsplit("/", 1)[-1]


def _chart(casualties: list[dict[str, str]]) -> dict[str, Any]:
    """Bars for the casualty chart: one per claim (background figures left out), coloured by claimant."""
    bars = []
    for r in casualties:
        if r["background"] == "true":
            continue
        who = r["claimantLabel"] or "unattributed"
        losses = " ".join(x for x in (r["sideLabel"], r["population"], r["kind"]) if x and not x.startswith("unknown"))
        bars.append({"label": f"{r['date'] or 'undated'} · {who} says: {losses}", "claimant": who,
                     "value": int(r["count"]), "date": r["date"]})
    bars.sort(key=lambda b: (b["claimant"], b["date"] == "", b["date"], b["label"]))  # one colour together
    return {"bars": bars}


def _filters_from(request: Request) -> dict[str, str | None]:
    q = request.query_params
    return {"type_": q.get("type"), "actor": q.get("actor"), "claimant": q.get("claimant"), "place": q.get("place"),
            "start": q.get("from"), "end": q.get("to")}


def _check_lengths(request: Request) -> None:
    for value in request.query_params.values():
        if len(value) > 200:
            raise APIError(422, "a filter value is at most 200 characters")


def _timeline_payload(items: list[dict[str, Any]], group: str) -> dict[str, Any]:
    groups: dict[str, str] = {}
    out = []
    for i in items:
        if group == "actor":
            name = ", ".join(a["label"] for a in i["agents"]) or "agent not named"
        else:
            name = i["place"]["label"] if i["place"] else "place not named"
        if i["date"]:  # undated events are in the table, not on the timeline
            gid = groups.setdefault(name, f"g{len(groups)}")
            out.append({"id": i["id"], "start": i["date"], "group": gid, "title": i["title"], "type": i["class"],
                        "link": i["link"],
                        "agents": [a["label"] for a in i["agents"]], "targets": [a["label"] for a in i["targets"]],
                        "claimants": [a["label"] for a in i["claimants"]],
                        "deniers": [a["label"] for a in i["deniers"]], "reports": len(i["reports"])})
    return {"items": out, "groups": [{"id": g, "content": name} for name, g in sorted(groups.items())]}


def _map_payload(items: list[dict[str, Any]]) -> dict[str, Any]:
    places: dict[str, dict[str, Any]] = {}
    for i in items:
        p = i["place"]
        if not p or p.get("lat") is None:
            continue
        entry = places.setdefault(p["iri"], {k: p[k] for k in ("label", "link", "lat", "long", "kind", "names",
                                                                "approximate")} | {"events": [],
                                  "country": p["country"]["label"] if p.get("country") else None,
                                  "region": p["region"]["label"] if p.get("region") else None})
        entry["events"].append({"title": i["title"], "type": i["type"], "date": i["date"], "link": i["link"],
                                "claimants": [a["label"] for a in i["claimants"]],
                                "deniers": [a["label"] for a in i["deniers"]],
                                "evidence": [{"sentence": r["sentence"], "doc": r["doc"]} for r in i["reports"]]})
    return {"places": [places[k] for k in sorted(places)]}


async def _page(request: Request, store: BaseStore, view: str) -> HTMLResponse:
    _check_lengths(request)
    limit = request.app.state.settings.result_limit
    group = "actor" if request.query_params.get("group") == "actor" else "place"

    def work() -> dict[str, Any]:
        f = parse_filters(store, **_filters_from(request))
        items = [] if f.errors else events(store, f)
        if len(items) > limit:  # the server's result limit holds for the pictures too
            items, f.shown = items[:limit], limit
        page: dict[str, Any] = {"filters": f, "events": items, "types": sorted(_event_types(store).items()),
                                "group": group}
        if view == "map":
            page["data"] = to_json(_map_payload(items))
            page["unplaced"] = sum(1 for i in items if not i["place"] or i["place"].get("lat") is None)
        elif view == "timeline":
            page["data"] = to_json(_timeline_payload(items, group))
        else:
            found = [] if f.errors else casualties(store, f, limit)
            page.update(ledger=ledger(store, items), casualties=found, data=to_json(_chart(found)))
        return page

    def respond() -> HTMLResponse:
        page = work()
        status = 400 if page["filters"].errors else 200
        return HTMLResponse(render(f"{view}.html", request=request, view=view, **page), status_code=status)

    return await cached_response(request, store, respond)  # type: ignore[return-value]


@router.get("/map", response_class=HTMLResponse, summary="Events on a map (Natural Earth basemap, clustered)")
async def event_map(request: Request, store: StoreDep, type: Filter = None, actor: Filter = None,  # noqa: A002
                    claimant: Filter = None, place: Filter = None) -> HTMLResponse:
    """Events at their places; filters ``type``, ``actor``, ``claimant``, ``place``, ``from``, ``to``."""
    return await _page(request, store, "map")


@router.get("/timeline", response_class=HTMLResponse, summary="Events by date, interactive")
async def timeline(request: Request, store: StoreDep, type: Filter = None, actor: Filter = None,  # noqa: A002
                   claimant: Filter = None, place: Filter = None, group: Filter = None) -> HTMLResponse:
    """One item per event, grouped by place or actor (``group=actor``); the map's filters."""
    return await _page(request, store, "timeline")


@router.get("/claims", response_class=HTMLResponse, summary="The claims ledger: who claims, who denies")
async def claims(request: Request, store: StoreDep, type: Filter = None, actor: Filter = None,  # noqa: A002
                 claimant: Filter = None, place: Filter = None) -> HTMLResponse:
    """For every event, who claims and who denies it, side by side; casualty figures by claimant."""
    return await _page(request, store, "claims")


@router.get("/claims.csv", summary="The claims ledger as CSV (the canned query claims)")
async def claims_csv(request: Request, store: StoreDep) -> StreamingResponse:
    """One row per claimant or denier of each event (``/queries/claims`` as CSV)."""
    limit = request.app.state.settings.result_limit
    rows = await run_in_threadpool(run_query, store, QUERIES["claims"], {}, limit)
    return StreamingResponse(serialize_rows(rows, "csv"), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="claims.csv"'})


PropRows = list[tuple[str, str, str | None]]


def sentences_for_mentions(store: BaseStore, props: PropRows) -> PropRows:
    """A property table whose mention values read as their sentence, not as the mention's IRI."""
    out = []
    for p, v, link in props:
        if link and "/mention/" in link and v.startswith(("http://", "https://")):
            rows = _select(store, "SELECT ?s WHERE { ?m nif:anchorOf ?s } LIMIT 1", m=ox.NamedNode(v))
            if rows:
                v = "“" + str(rows[0]["s"].value) + "”"
        out.append((p, v, link))
    return out


def event_page(store: BaseStore, iri: str) -> dict[str, Any] | None:
    """An event page's facts: its folded item (title, date, place, roles, sentences) and map data."""
    items = events(store, Filters(), only=[iri])
    if not items:
        return None
    item = items[0]
    return {"event": item, "map_data": to_json(_map_payload(items)),
            "strip_data": to_json(_timeline_payload(items, "place"))}


def entity_extras(store: BaseStore, iri: str) -> dict[str, Any]:
    """The entity page's mini-map (its own point or its events' places) and its timeline strip."""
    items = events(store, Filters(), only=_involving(store, iri))
    payload = _map_payload(items)
    rows = _select(store, """SELECT ?lat ?long WHERE { ?x geo:lat ?lat ; geo:long ?long } LIMIT 1""",
                   x=ox.NamedNode(iri))
    if rows:
        payload["self"] = {"lat": float(rows[0]["lat"].value), "long": float(rows[0]["long"].value)}
    return {"map_data": to_json(payload), "strip_data": to_json(_timeline_payload(items, "place"))}


def extracted_from(store: BaseStore, doc: str) -> dict[str, list[dict[str, Any]]]:
    """What was extracted from a document: its events, statements and casualty claims, each with its sentence."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = _select(store, """SELECT ?x ?kind ?kl ?date ?sentence WHERE { ?x prov:wasDerivedFrom ?d ; a ?kind .
        VALUES ?top { ckg:Event ckg:Statement ckg:CasualtyClaim } ?x a ?top .
        FILTER(?kind != ?top && STRSTARTS(STR(?kind), STR(ckg:)) || ?kind = ?top && ?top != ckg:Event)
        OPTIONAL { ?kind rdfs:label ?kl } OPTIONAL { ?x ckg:date ?date }
        OPTIONAL { ?x ckg:evidence ?m . ?m nif:anchorOf ?sentence } } ORDER BY ?x""", d=ox.NamedNode(doc))
    seen = set()
    for r in rows:
        iri = str(r["x"].value)
        if iri in seen:
            continue
        seen.add(iri)
        kind = str(r["kind"].value)
        group = "statements" if kind == CKG.Statement else "casualty claims" if kind == CKG.CasualtyClaim else "events"
        label = str(r["kl"].value) if r.get("kl") is not None else kind[len(CKG.base):]
        out[group].append({"link": local_path(iri, store.iris.base) or iri, "kind": label,
                           "date": str(r["date"].value) if r.get("date") is not None else None,
                           "sentence": str(r["sentence"].value) if r.get("sentence") is not None else ""})
    return {k: out[k] for k in ("events", "statements", "casualty claims") if out.get(k)}
