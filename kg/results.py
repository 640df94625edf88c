"""Serialize SPARQL results in the W3C formats, row by row, with a cap on the number of rows.

Used by :mod:`kg.query` (the HTTP endpoint and ``kg query``). pyoxigraph can serialize results itself, but not
stop at a limit; writing them here lets the caller cap and materialize the rows on the
thread that ran the query (pyoxigraph iterators must be consumed there), then stream bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.vocab import XSD

__all__ = [
    "RESULT_MEDIA_TYPES",
    "QueryTimeoutError",
    "ResultTooLargeError",
    "Rows",
    "collect_rows",
    "serialize_boolean",
    "serialize_rows",
]

RESULT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class ResultTooLargeError(ValueError):
    """A query returned more rows or triples than the configured cap."""


class QueryTimeoutError(TimeoutError):
    """A query ran past its deadline while its results were being read."""


@dataclass(frozen=True)
class Rows:
    variables: list[str]
    rows: list[list[Term | None]]


def collect_rows(solutions: ox.QuerySolutions, limit: int, *, deadline: float | None = None) -> Rows:
    """Materialize at most ``limit`` rows; raise :class:`ResultTooLargeError` past it.

    pyoxigraph evaluates lazily, row by row, for most queries: checking ``deadline`` (a
    ``time.monotonic()`` value) between rows stops a runaway query and frees its iterator.
    (A query that sorts or groups does its work before the first row and cannot be stopped.)
    """
    variables = [v.value for v in solutions.variables]
    rows: list[list[Term | None]] = []
    for count, solution in enumerate(solutions):
        if count >= limit:
            raise ResultTooLargeError(f"the query returns more than {limit} rows; add a LIMIT")
        if deadline is not None and count % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeoutError("the query ran past its time limit")
        rows.append([solution[v] for v in variables])
    return Rows(variables, rows)


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD.string:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD.string:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return ("<triple><subject>" + _xml_term(term.subject) + "</subject><predicate>"
            + _xml_term(term.predicate) + "</predicate><object>" + _xml_term(term.object)
            + "</object></triple>")


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    value = term.value if not isinstance(term, ox.Triple) else str(term)
    if isinstance(term, ox.BlankNode):
        value = "_:" + value
    if any(c in value for c in ',"\n\r'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


def serialize_rows(rows: Rows, fmt: str, *, chunk_rows: int = 1000) -> Iterator[bytes]:
    """The rows in ``fmt`` (json, xml, csv, tsv), as chunks of bytes."""
    variables: Sequence[str] = rows.variables
    if fmt == "json":
        yield (json.dumps({"head": {"vars": list(variables)}})[:-1] + ', "results": {"bindings": [').encode()
        for start in range(0, len(rows.rows), chunk_rows):
            part = []
            for i, row in enumerate(rows.rows[start:start + chunk_rows], start=start):
                binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                part.append(("," if i else "") + json.dumps(binding, ensure_ascii=False))
            yield "\n".join(part).encode("utf-8")
        yield b"]}}\n"
    elif fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        yield ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
               f"{head}</head><results>\n").encode()
        for start in range(0, len(rows.rows), chunk_rows):
            part = []
            for row in rows.rows[start:start + chunk_rows]:
                cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                for v, t in zip(variables, row, strict=True) if t is not None)
                part.append(f"<result>{cells}</result>\n")
            yield "".join(part).encode("utf-8")
        yield b"</results></sparql>\n"
    elif fmt == "csv":
        yield (",".join(variables) + "\r\n").encode()
        for start in range(0, len(rows.rows), chunk_rows):
            yield "".join(",".join(_csv_cell(t) for t in row) + "\r\n"
                          for row in rows.rows[start:start + chunk_rows]).encode("utf-8")
    elif fmt == "tsv":
        yield ("\t".join("?" + v for v in variables) + "\n").encode()
        for start in range(0, len(rows.rows), chunk_rows):
            yield "".join("\t".join(_tsv_cell(t) for t in row) + "\n"
                          for row in rows.rows[start:start + chunk_rows]).encode("utf-8")
    else:
        raise ValueError(f"unknown results format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result in ``fmt``."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode() + b"\n"
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    if fmt == "csv":
        return b"_askResult\r\n" + (b"true" if value else b"false") + b"\r\n"
    if fmt == "tsv":
        return b"?_askResult\n" + (b"true" if value else b"false") + b"\n"
    raise ValueError(f"unknown results format {fmt!r}")
