"""The FastAPI application: ``create_app()`` wires settings, the store and the routers.

``kg serve`` and ``make serve`` run it with uvicorn (``api.app:create_app``, factory).
The lifespan opens the on-disk store once and closes it on shutdown, and starts and stops
the worker processes of ad-hoc queries (:mod:`api.querypool`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import documents, dumps, pages, queries, resources, sparql, views
from api.errors import install_error_handlers
from api.logs import install_request_logging
from api.querypool import QueryPool
from kg import __version__
from kg.build import open_store
from kg.settings import Settings, get_settings
from kg.store import BaseStore, KGStore

__all__ = ["HTML_CSP", "SECURITY_HEADERS", "create_app"]

log = logging.getLogger("api")

# The stack of the threads that parse and evaluate queries (kg.sparqltext's nesting limits hold on 8 MB;
# some systems give threads 2 MB)
QUERY_THREAD_STACK = 16 * 2**20

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Pages load nothing from elsewhere; the editor needs inline styles (CodeMirror) and data: images.
HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>conflict-kg API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def _start_query_pool(store: BaseStore, settings: Settings) -> QueryPool | None:
    """Worker processes for ad-hoc queries, over a local on-disk store only; None: in-thread."""
    if settings.query_workers <= 0 or not isinstance(store, KGStore) or store.path is None:
        return None
    pool = QueryPool(store, max_workers=settings.query_workers, warm_workers=settings.query_warm_workers,
                     snapshot_root=settings.query_snapshots, memory_mb=settings.query_memory_mb,
                     active_workers=settings.query_active_workers, engine_results=settings.query_engine_results)
    try:
        pool.start()
    except OSError as exc:
        log.warning("ad-hoc queries run in threads (cannot be stopped at the time limit): %s", exc)
        pool.close()
        return None
    return pool


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response, and the CSP to HTML pages (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", HTML_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """HEAD wherever GET is (pure ASGI): the request is answered as a GET, with the same status and
    headers, and the body is dropped. Link checkers, crawlers and cache revalidation send HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def send_headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] != "http.response.body":
                await send(message)
            elif not ended and not message.get("more_body", False):
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve app over the store named by ``settings`` (default: the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if threading.stack_size() < QUERY_THREAD_STACK:
            threading.stack_size(QUERY_THREAD_STACK)  # for the threads started from now on
        app.state.store = open_store(settings)
        app.state.query_pool = _start_query_pool(app.state.store, settings)
        try:
            yield
        finally:
            if app.state.query_pool is not None:
                app.state.query_pool.close()  # no worker outlives the server
            del app.state.query_pool
            app.state.store.flush()
            app.state.store.close()
            del app.state.store

    app = FastAPI(
        title="conflict-kg",
        version=__version__,
        description="A knowledge graph of news about armed conflict: SPARQL, entity pages and dumps.",
        lifespan=lifespan,
        docs_url=None,  # /docs is served below, from our own copy of Swagger UI
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                       allow_methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"], allow_headers=["*"],
                       expose_headers=["Content-Type", "Vary", "ETag"])
    install_error_handlers(app)
    install_request_logging(app)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)

    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(resources.router)
    app.include_router(dumps.router)
    app.include_router(queries.router)
    app.include_router(documents.router)
    app.include_router(views.router)
    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI from /static/vendor (npm's swagger-ui-dist, copied by `make install`), under our CSP."""
        return HTMLResponse(_DOCS_PAGE)

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
