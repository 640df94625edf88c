"""Writes: ``POST /documents`` extracts and adds a document, ``DELETE /documents/{id}``
removes one. Both need the bearer token configured as ``CKG_API_TOKEN`` (compared in
constant time, never logged); without a configured token the write endpoints answer 403
with an explanation, so a public deployment is read-only by default.

Extraction uses :class:`kg.build.Builder` on the store the app holds; the spaCy pipeline is
loaded on the first write and kept. Each document is written in one transaction.
"""

from __future__ import annotations

import hmac
import json
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.errors import APIError
from kg import faults
from kg.build import Builder
from kg.errors import InputError
from kg.reader import parse_jsonl, parse_text
from kg.settings import Settings
from kg.store import BaseStore

__all__ = ["router"]

router = APIRouter(prefix="/documents", tags=["documents"])
_LOCK = threading.Lock()


def require_token(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """401 without (or with malformed) credentials, 403 with a wrong token or none configured."""
    if settings.api_token is None:
        raise APIError(403, "writes are disabled: the server has no CKG_API_TOKEN configured")
    if not authorization or not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
        raise APIError(401, "a bearer token is required", headers={"WWW-Authenticate": 'Bearer realm="conflict-kg"'})
    given = authorization[7:].strip().encode("utf-8")
    if not hmac.compare_digest(given, settings.api_token.get_secret_value().encode("utf-8")):
        raise APIError(403, "wrong token")


Authorized = Annotated[None, Depends(require_token)]


def _builder(request: Request, store: BaseStore, settings: Settings) -> Builder:
    builder: Builder | None = getattr(request.app.state, "builder", None)
    if builder is None:
        builder = Builder(store, settings)
        builder.install_static_graphs()
        request.app.state.builder = builder
    return builder


@router.post("", summary="Extract and add (or replace) a document", status_code=201)
async def add_document(request: Request, store: StoreDep, settings: SettingsDep, _: Authorized,
                       doc_id: Annotated[str | None, Query(alias="id", max_length=200)] = None) -> JSONResponse:
    """A ``text/plain`` body (with ``?id=``; an optional leading ``date YYYY-MM-DD`` line) or a JSON
    object ``{id, text, date, url, outlet, title}``. 201 when added, 200 when replaced or unchanged."""
    body = await request.body()
    if len(body) > 20 * 1024 * 1024:
        raise APIError(413, "document larger than 20 MB")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            try:
                record = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise APIError(400, "body is not valid JSON") from exc
            if not isinstance(record, dict):
                raise APIError(400, "body must be a JSON object")
            docs = parse_jsonl(json.dumps(record), path="<request>")
        elif content_type in ("text/plain", ""):
            if not doc_id:
                raise APIError(422, "a text/plain document needs ?id=")
            docs = [parse_text(body, doc_id=doc_id, path="<request>")]
        else:
            raise APIError(415, "send text/plain (with ?id=) or application/json")
    except InputError as exc:
        raise APIError(422, exc.problem) from exc

    def work() -> dict[str, list[str]]:
        with _LOCK:
            report = _builder(request, store, settings).add(docs)
            faults.point("api.write")
        return {"added": report.added, "replaced": report.replaced, "unchanged": report.unchanged}

    result = await run_in_threadpool(work)
    status = 201 if result["added"] else 200
    return JSONResponse({"id": docs[0].doc_id, **result}, status_code=status)


@router.delete("/{doc_id}", summary="Remove a document and its graph")
async def delete_document(doc_id: str, request: Request, store: StoreDep, settings: SettingsDep,
                          _: Authorized) -> JSONResponse:
    def work() -> bool:
        with _LOCK:
            removed = store.remove_document(doc_id)
            faults.point("api.write")
            return removed

    if not await run_in_threadpool(work):
        raise APIError(404, f"no document {doc_id!r}")
    store.flush()
    return JSONResponse({"id": doc_id, "removed": True})
