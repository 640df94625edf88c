"""Pictures of the graph: ``/timeline`` (events and statements by date, with filters) and
``/map`` (events at their places, coloured by type, drawn as inline SVG so it works offline:
no tiles, no CDN). Every item links to its evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.queries import QUERIES, run_query
from api.render import render
from api.resources import local_path

__all__ = ["router"]

router = APIRouter(tags=["pages"])

PALETTE = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#a04000", "#2e4053", "#d4ac0d",
           "#cb4335", "#1f618d", "#7b241c", "#117864", "#6c3483"]
Filter = Annotated[str | None, Query(max_length=200)]


def _rows(store: Any, name: str, params: dict[str, str | None], limit: int) -> list[dict[str, str]]:
    rows = run_query(store, QUERIES[name], params, limit)
    return [{v: ("" if t is None else str(getattr(t, "value", t))) for v, t in zip(rows.variables, row, strict=True)}
            for row in rows.rows]


@router.get("/timeline", response_class=HTMLResponse, summary="Events and statements by date")
async def timeline(request: Request, store: StoreDep, actor: Filter = None, place: Filter = None,
                   type: Filter = None, claimant: Filter = None) -> HTMLResponse:  # noqa: A002
    """Events (filter by actor, place, event type, claimant) and statements (by the actor), by date."""
    limit = request.app.state.settings.result_limit

    def work() -> dict[str, Any]:
        events = _rows(store, "timeline", {"actor": actor, "place": place, "type": type}, limit)
        if claimant:  # a slug (armenia) or a name (Armenia) of who claims it
            wanted = claimant.lower().replace("-", " ")
            events = [e for e in events if wanted in e.get("claimantLabel", "").lower()]
        statements = _rows(store, "statements-by", {"actor": actor}, limit) if actor else []
        days: dict[str, list[dict[str, str]]] = defaultdict(list)
        for e in events:
            days[e.get("date") or "undated"].append({"kind": "event", "title": e["type"], "place": e["placeLabel"],
                                                     "who": e["claimantLabel"], "text": e["sentence"],
                                                     "link": local_path(e["event"], store.iris.base) or "",
                                                     "doc": local_path(e["document"], store.iris.base) or ""})
        for s in statements:
            days[s.get("date") or "undated"].append({"kind": "statement", "title": "statement",
                                                     "place": "", "who": s.get("onBehalfOf", ""),
                                                     "text": s.get("quote") or s.get("content", ""),
                                                     "link": local_path(s["statement"], store.iris.base) or "",
                                                     "doc": local_path(s["document"], store.iris.base) or ""})
        ordered = sorted(days.items(), key=lambda kv: (kv[0] == "undated", kv[0]))
        return {"days": ordered, "count": sum(len(v) for v in days.values())}

    page = await run_in_threadpool(work)
    return HTMLResponse(render("timeline.html", request=request, filters={"actor": actor, "place": place,
                                                                           "type": type, "claimant": claimant},
                               **page))


@router.get("/map", response_class=HTMLResponse, summary="Events on a map, coloured by type")
async def event_map(request: Request, store: StoreDep, type: Filter = None) -> HTMLResponse:  # noqa: A002
    """Events at their places' coordinates (an inline SVG: it needs no map tiles)."""
    limit = request.app.state.settings.result_limit

    def work() -> dict[str, Any]:
        rows = _rows(store, "map", {"type": type}, limit)
        points: dict[tuple[str, str], dict[str, Any]] = {}
        types = sorted({r["type"] for r in rows})
        colours = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
        for r in rows:
            key = (r["place"], r["type"])
            point = points.setdefault(key, {"place": r["placeLabel"], "type": r["type"], "lat": float(r["lat"]),
                                            "long": float(r["long"]), "colour": colours[r["type"]], "events": [],
                                            "link": local_path(r["place"], store.iris.base)})
            point["events"].append(local_path(r["event"], store.iris.base))
        regional = [p for p in points.values() if 38 <= p["lat"] <= 42 and 44 <= p["long"] <= 50.5]
        shown = regional or list(points.values())
        if shown:
            lat0, lat1 = min(p["lat"] for p in shown) - 0.3, max(p["lat"] for p in shown) + 0.3
            lon0, lon1 = min(p["long"] for p in shown) - 0.3, max(p["long"] for p in shown) + 0.3
        else:
            lat0, lat1, lon0, lon1 = 38.5, 41.5, 44.0, 50.5
        width, height = 900, max(300, int(900 * (lat1 - lat0) / max(lon1 - lon0, 0.01)))
        for i, p in enumerate(shown):
            p["x"] = round((p["long"] - lon0) / (lon1 - lon0) * width, 1) + (i % 3) * 3
            p["y"] = round((lat1 - p["lat"]) / (lat1 - lat0) * height, 1) + (i % 2) * 3
            p["r"] = min(16, 5 + 2 * len(p["events"]))
        return {"points": shown, "legend": colours, "width": width, "height": height,
                "bounds": (lat0, lat1, lon0, lon1), "outside": len(points) - len(shown)}

    page = await run_in_threadpool(work)
    return HTMLResponse(render("map.html", request=request, type=type, **page))
