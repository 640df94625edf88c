"""HTML pages: the landing page opens on the claims ledger (who claims, who denies, whose
casualty figures), then the counts of what the store holds and example queries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.cache import cached_response
from api.deps import StoreDep
from api.render import render
from api.sparql import examples
from api.views import Filters, casualties, events, ledger

__all__ = ["router"]

router = APIRouter(tags=["pages"])

_COUNT_NAMES = {
    "documents": "Documents",
    "mentions": "Entity mentions",
    "entities": "Entities mentioned",
    "statements": "Statements",
    "events": "Events",
    "casualty_claims": "Casualty claims",
    "quads": "Quads (all graphs)",
}


@router.get("/", response_class=HTMLResponse, summary="Landing page")
async def index(request: Request, store: StoreDep) -> HTMLResponse:
    """The claims ledger first, then counts of what the store holds and example queries."""
    limit = request.app.state.settings.result_limit

    def work() -> dict[str, Any]:
        stats = store.stats()
        items = events(store, Filters())
        rows = ledger(store, items)
        return {"counts": [(label, stats[key]) for key, label in _COUNT_NAMES.items()], "ledger": rows,
                "casualties": [c for c in casualties(store, Filters(), limit) if c["background"] != "true"]}

    def respond() -> HTMLResponse:
        return HTMLResponse(render("index.html", request=request, examples=examples(store.iris.base), **work()))

    return await cached_response(request, store, respond)  # type: ignore[return-value]
