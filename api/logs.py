"""Structured request logs: one JSON line per request, with a request id.

The id comes from the client's ``X-Request-ID`` (when it is a sane token) or is made up,
and is echoed in the response's ``X-Request-ID``. Headers are never logged, so neither is
the write token. Installed by :func:`api.app.create_app`; ``kg serve`` turns uvicorn's
own access log off so each request is logged once.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["JsonFormatter", "RequestLog", "install_request_logging", "log_as_json"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("api.access")


class JsonFormatter(logging.Formatter):
    """Log records as JSON lines (the message and the record's ``extra`` fields)."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                   "msg": record.getMessage()}
        payload.update(getattr(record, "fields", {}))
        return json.dumps(payload, ensure_ascii=False)


def log_as_json(logger: logging.Logger) -> None:
    """Have ``logger`` write JSON lines on stderr (once; INFO and up; not to the root logger)."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def install_request_logging(app: FastAPI) -> None:
    log_as_json(log)
    app.add_middleware(RequestLog)


class RequestLog:
    """Pure ASGI middleware (Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per
    request, a measurable share of a fast query's time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex[:16]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            log.info("request", extra={"fields": {
                "request_id": request_id, "method": scope["method"], "path": scope["path"],
                "status": status, "ms": round(1000 * (time.perf_counter() - started), 1),
                "client": client[0] if client else None}})
