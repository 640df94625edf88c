"""The FastAPI application: ``create_app()`` wires settings, the store and the routers.

``kg serve`` and ``make serve`` run it with uvicorn (``api.app:create_app``, factory).
The lifespan opens the on-disk store once and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import documents, dumps, pages, queries, resources, sparql
from api.errors import install_error_handlers
from kg import __version__
from kg.build import open_store
from kg.settings import Settings, get_settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve app over the store named by ``settings`` (default: the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings)
        try:
            yield
        finally:
            app.state.store.flush()
            del app.state.store

    app = FastAPI(
        title="conflict-kg",
        version=__version__,
        description="A knowledge graph of news about armed conflict: SPARQL, entity pages and dumps.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                       allow_methods=["GET", "POST", "DELETE", "OPTIONS"], allow_headers=["*"],
                       expose_headers=["Content-Type", "Vary", "ETag"])
    install_error_handlers(app)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(resources.router)
    app.include_router(dumps.router)
    app.include_router(queries.router)
    app.include_router(documents.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
