"""The FastAPI application: ``create_app()`` wires settings, the store and the routers.

``kg serve`` and ``make serve`` run it with uvicorn (``api.app:create_app``, factory).
The lifespan opens the on-disk store once and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import documents, dumps, pages, queries, resources, sparql, views
from api.errors import install_error_handlers
from api.logs import install_request_logging
from kg import __version__
from kg.build import open_store
from kg.settings import Settings, get_settings

__all__ = ["HTML_CSP", "SECURITY_HEADERS", "create_app"]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Pages load nothing from elsewhere; the editor needs inline styles (CodeMirror) and data: images.
HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


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
            app.state.store.close()
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
    install_request_logging(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("content-type", "").startswith("text/html") and \
                not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault("Content-Security-Policy", HTML_CSP)
        return response

    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(resources.router)
    app.include_router(dumps.router)
    app.include_router(queries.router)
    app.include_router(documents.router)
    app.include_router(views.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
