"""Typed HTTP errors and the handlers that turn them into responses.

Routers raise :class:`APIError`; nothing ever echoes an internal exception or a traceback
to the client. SPARQL clients get ``text/plain`` messages, other clients JSON, and browsers
(``text/html`` preferred in Accept) an HTML page with the same status and message.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.remote import RemoteStoreError
from kg.results import QueryTimeoutError

__all__ = ["APIError", "install_error_handlers"]

log = logging.getLogger("api")


class APIError(Exception):
    """An error with an HTTP status and a message safe to show to the client."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _respond(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from api.conneg import choose
    from api.render import render

    sparql = request.url.path.startswith("/sparql")
    machine = "text/plain" if sparql else "application/json"
    if choose(request.headers.get("accept"), [machine, "text/html"]) == "text/html":  # a browser
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        page = render("error.html", request=request, status=status, reason=reason, message=message)
        return HTMLResponse(page, status_code=status, headers={**(headers or {}), "Vary": "Accept"})
    if sparql:
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError) -> Response:
        return _respond(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _respond(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return _respond(request, 422, f"invalid request: {problems}")

    @app.exception_handler(RemoteStoreError)
    async def remote_store_error(request: Request, exc: RemoteStoreError) -> Response:
        log.warning("remote store error on %s %s: %s", request.method, request.url.path, exc)
        return _respond(request, 502, f"the store behind this service failed: {exc}")

    @app.exception_handler(QueryTimeoutError)
    async def store_timeout(request: Request, exc: QueryTimeoutError) -> Response:
        return _respond(request, 503, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "internal server error")
