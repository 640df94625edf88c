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
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

__all__ = ["JsonFormatter", "install_request_logging"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("api.access")


class JsonFormatter(logging.Formatter):
    """Log records as JSON lines (the message and the record's ``extra`` fields)."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                   "msg": record.getMessage()}
        payload.update(getattr(record, "fields", {}))
        return json.dumps(payload, ensure_ascii=False)


def install_request_logging(app: FastAPI) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.middleware("http")
    async def request_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get("x-request-id", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex[:16]
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            log.info("request", extra={"fields": {
                "request_id": request_id, "method": request.method, "path": request.url.path,
                "status": status, "ms": round(1000 * (time.perf_counter() - started), 1),
                "client": request.client.host if request.client else None}})
