"""Canned queries: ``/queries`` lists them, ``/queries/{name}`` runs one (JSON or CSV).

Each query is a ``.rq`` file in ``api/queries/`` whose header comments give its title,
description and parameters (``# param NAME[=VARIABLE]: entity|iri|date|class (optional|
required) — doc``). Parameter values are parsed into RDF terms (an entity slug or IRI, a
date, an ontology class) and bound with a ``VALUES`` block; text from the request never
becomes query syntax. One route per query is registered so that OpenAPI documents each
with its parameters.
"""

from __future__ import annotations

import datetime as dt
import inspect
import keyword
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.cache import CANNED
from api.conneg import choose
from api.deps import get_store
from api.errors import APIError
from kg.results import Rows, collect_rows, serialize_rows
from kg.store import BaseStore, KGStore
from kg.vocab import CKG, XSD

__all__ = ["CannedQuery", "load_queries", "router"]

QUERY_DIR = Path(__file__).parent / "queries"
_PARAM = re.compile(r"^#\s*param\s+([a-z][a-z0-9_]*)(?:=([A-Za-z_][A-Za-z0-9_]*))?\s*:\s*(entity|iri|date|class)\s*"
                    r"\((optional|required)\)\s*[—-]\s*(.*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,200}$")
_CLASS = re.compile(r"^[A-Z][A-Za-z]{0,80}$")


@dataclass(frozen=True)
class Param:
    name: str
    variable: str
    kind: str
    required: bool
    doc: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str


def load_queries(folder: Path = QUERY_DIR) -> dict[str, CannedQuery]:
    """Every ``.rq`` file of the folder, by name."""
    out = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = description = ""
        params = []
        for line in text.splitlines():
            if line.startswith("# title:"):
                title = line.split(":", 1)[1].strip()
            elif line.startswith("# description:"):
                description = line.split(":", 1)[1].strip()
            elif (m := _PARAM.match(line)) is not None:
                params.append(Param(m.group(1), m.group(2) or m.group(1), m.group(3), m.group(4) == "required",
                                    m.group(5).strip()))
        out[path.stem] = CannedQuery(path.stem, title or path.stem, description, tuple(params), text)
    return out


def _term(param: Param, value: str, base: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value stands for; 400 when it is not one."""
    value = value.strip()
    try:
        if param.kind == "date":
            return ox.Literal(dt.date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(XSD.date))
        if param.kind == "class":
            if not _CLASS.match(value):
                raise ValueError(value)
            return ox.NamedNode(CKG.base + value)  # any class the ontology may declare, not only those the code uses
        if param.kind == "entity" and _SLUG.match(value):
            return ox.NamedNode(f"{base}entity/{value}")
        if value.startswith(("http://", "https://", "urn:")):
            return ox.NamedNode(value)
    except ValueError as exc:
        raise APIError(400, f"parameter {param.name}: {value!r} is not a valid {param.kind}") from exc
    raise APIError(400, f"parameter {param.name}: {value!r} is not a valid {param.kind} "
                        f"({'a slug like armenia or ' if param.kind == 'entity' else ''}an absolute IRI)")


def run_query(store: BaseStore, query: CannedQuery, values: dict[str, str | None], limit: int) -> Rows:
    """Run a canned query with its parameters bound; materialized on this thread.

    Over a store of our own, results are kept until the store changes (:data:`api.cache.CANNED`,
    keyed on the store version, which every write through the server bumps); a remote store may
    be written by others, so its answers are always computed afresh.
    """
    if not isinstance(store, KGStore):
        return _run(store, query, values, limit)
    key = (query.name, tuple(sorted((k, v) for k, v in values.items() if v)), limit)
    rows: Rows = CANNED.get_or_compute(store, key, lambda: _run(store, query, values, limit))
    return rows


def _run(store: BaseStore, query: CannedQuery, values: dict[str, str | None], limit: int) -> Rows:
    bindings = []
    for param in query.params:
        value = values.get(param.name)
        if value in (None, ""):
            if param.required:
                raise APIError(422, f"parameter {param.name} is required")
            continue
        bindings.append(f"VALUES ?{param.variable} {{ {_term(param, str(value), store.iris.base)} }}")
    text = query.text
    if bindings:
        text = text.replace("WHERE {", "WHERE {\n  " + " ".join(bindings), 1)
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return collect_rows(result, limit)


def _plain(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value == XSD.integer:
        return int(term.value)
    return getattr(term, "value", str(term))


router = APIRouter(prefix="/queries", tags=["canned queries"])
QUERIES = load_queries()


@router.get("", summary="The canned queries and their parameters")
async def list_queries(request: Request) -> JSONResponse:
    base = str(request.base_url).rstrip("/")
    return JSONResponse({"queries": [
        {"name": q.name, "title": q.title, "description": q.description, "url": f"{base}/queries/{q.name}",
         "parameters": [{"name": p.name, "kind": p.kind, "required": p.required, "description": p.doc}
                        for p in q.params]} for q in QUERIES.values()]})


def _make_handler(query: CannedQuery) -> Callable[..., Coroutine[Any, Any, Response]]:
    names = {(p.name + "_" if keyword.iskeyword(p.name) else p.name): p.name for p in query.params}

    async def handler(request: Request, **given: str | None) -> Response:
        values = {names[k]: v for k, v in given.items()}
        store = get_store(request)
        settings = request.app.state.settings
        wanted = choose(request.headers.get("accept"), ["application/json", "text/csv",
                                                        "application/sparql-results+json"])
        if wanted is None:
            raise APIError(406, "canned queries answer application/json or text/csv", headers={"Vary": "Accept"})
        rows = await run_in_threadpool(run_query, store, query, values, settings.result_limit)
        headers = {"Vary": "Accept"}
        if wanted == "text/csv":
            return StreamingResponse(serialize_rows(rows, "csv"), media_type="text/csv; charset=utf-8",
                                     headers=headers)
        if wanted == "application/sparql-results+json":
            return StreamingResponse(serialize_rows(rows, "json"), media_type=wanted, headers=headers)
        return JSONResponse({"query": query.name, "parameters": {k: v for k, v in values.items() if v},
                             "columns": rows.variables,
                             "rows": [{v: _plain(t) for v, t in zip(rows.variables, row, strict=True)}
                                      for row in rows.rows]}, headers=headers)

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for py_name, name in names.items():
        p = next(p for p in query.params if p.name == name)
        default = Query(... if p.required else None, alias=name, description=f"{p.kind}: {p.doc}")
        parameters.append(inspect.Parameter(py_name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                            annotation=str if p.required else str | None))
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__name__ = "query_" + query.name.replace("-", "_")
    handler.__doc__ = query.description
    return handler


for _query in QUERIES.values():
    router.add_api_route(f"/{_query.name}", _make_handler(_query), methods=["GET"], summary=_query.title,
                         description=_query.description, response_class=Response)
