"""HTML pages: the landing page with counts and example queries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.render import render
from api.sparql import examples

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
    """Counts of what the store holds and example queries."""
    stats = await run_in_threadpool(store.stats)
    counts = [(label, stats[key]) for key, label in _COUNT_NAMES.items()]
    return HTMLResponse(render("index.html", request=request, counts=counts, examples=examples(store.iris.base)))
