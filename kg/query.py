"""What an ad-hoc SPARQL query means here, in one place: the HTTP endpoint (in a worker process of
:mod:`api.querypool` or in a thread of the server) and ``kg query`` all call :func:`execute_query`.

* The query is refused before the engine parses it when it nests too deeply to parse safely
  (:func:`kg.sparqltext.complexity_problem`; pyoxigraph would exhaust its stack and die).
* The dataset: ``default-graph-uri`` / ``named-graph-uri`` (the protocol's) first, else the
  query's own ``FROM`` / ``FROM NAMED`` (``FROM <g>`` with no such graph is an empty default
  graph), else the union of every graph as the default graph (SPARQL 1.1 Protocol §2.1.4).
* Relative IRIs resolve against ``base_iri`` (the endpoint's URL over HTTP) unless the query
  says ``BASE``.
* The rows are materialized on the calling thread (pyoxigraph iterators must be consumed on
  their own thread), capped at ``limit``, checked against the deadline between rows.
* Syntax errors name the problem and the fix (:func:`kg.sparqltext.explain_syntax_error`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pyoxigraph as ox

from kg.results import QueryTimeoutError, ResultTooLargeError, Rows, collect_rows, serialize_boolean, serialize_rows
from kg.sparqltext import complexity_problem, explain_syntax_error, has_dataset_clause
from kg.store import BaseStore
from kg.vocab import PREFIXES

__all__ = ["QueryError", "execute_query", "serialize_answer", "serialize_graph", "timeout_message"]


class QueryError(Exception):
    """A query failure with an HTTP status and a message safe to show to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def timeout_message(timeout: float) -> str:
    return f"query stopped after {timeout:g} s; narrow it or add a LIMIT"


def check_query(query: str) -> None:
    """Raise :class:`QueryError` (400) for a query refused before parsing (too deeply nested)."""
    problem = complexity_problem(query)
    if problem is not None:
        raise QueryError(400, f"{problem}: the parser would run out of stack; split or simplify the query")


def execute_query(store: BaseStore, query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
                  limit: int = 100_000, timeout: float = float("inf"), *, base_iri: str | None = None,
                  store_errors: tuple[type[Exception], ...] = ()) -> tuple[str, object]:
    """Run the query and materialize its result on this thread: ``("boolean", bool)``,
    ``("rows", Rows)`` or ``("graph", sorted triples)``. Raises :class:`QueryError`, or one of
    ``store_errors`` as it is when the store (not the query) fails to start the query.

    The deadline (``timeout`` seconds from now) is checked between rows, which stops a query
    that streams; one that sorts or groups is only stopped by killing its process."""
    check_query(query)
    deadline = time.monotonic() + timeout
    try:
        # a dataset named by the protocol or by the query replaces the union default graph
        union = not default_graphs and not named_graphs and not has_dataset_clause(query)
        result = store.query(query, union=union, default_graph=list(default_graphs) or None,
                             named_graphs=list(named_graphs) or None, base_iri=base_iri)
    except SyntaxError as exc:
        raise QueryError(400, explain_syntax_error(query, str(exc), declared=_declared(store))) from exc
    except store_errors:
        raise
    except (ValueError, OSError) as exc:
        raise QueryError(400, f"query failed: {exc}") from exc
    try:
        if isinstance(result, ox.QueryBoolean):
            return "boolean", bool(result)
        if isinstance(result, ox.QuerySolutions):
            return "rows", collect_rows(result, limit, deadline=deadline)
        triples: list[ox.Triple] = []
        for triple in result:
            if len(triples) >= limit:
                raise ResultTooLargeError(f"the query returns more than {limit} triples; add a LIMIT")
            if len(triples) % 256 == 0 and time.monotonic() > deadline:
                raise QueryTimeoutError("the query ran past its time limit")
            triples.append(triple)
        return "graph", sorted(set(triples), key=str)
    except ResultTooLargeError as exc:
        raise QueryError(413, str(exc)) from exc
    except QueryTimeoutError as exc:
        raise QueryError(503, timeout_message(timeout)) from exc
    except (ValueError, OSError) as exc:  # evaluation errors surface while iterating
        raise QueryError(400, f"query failed: {exc}") from exc


def _declared(store: BaseStore) -> dict[str, str]:
    return {**PREFIXES, "res": store.iris.base}


def serialize_graph(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """A CONSTRUCT or DESCRIBE result (sorted triples) in ``fmt``, our prefixes declared."""
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    data = ox.serialize(triples, None, fmt, prefixes=prefixes)
    return data if isinstance(data, bytes) else b""


def serialize_answer(kind: str, value: object, *, results_format: str | None,
                     graph_format: ox.RdfFormat | None) -> bytes | None:
    """The body of an :func:`execute_query` result in the negotiated format, or None when no
    format of that kind was acceptable (the caller answers 406)."""
    if kind == "graph":
        return None if graph_format is None else serialize_graph(value, graph_format)  # type: ignore[arg-type]
    if results_format is None:
        return None
    if kind == "boolean":
        return serialize_boolean(bool(value), results_format)
    assert isinstance(value, Rows)
    return b"".join(serialize_rows(value, results_format))
