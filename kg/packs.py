"""Conflict packs: what belongs to one war (its leaders, spokespeople, ministries, armed groups,
villages, standing mediators) as a Turtle file of curated entities (format: docs/packs.md).

A pack is checked with the SHACL shapes of ``ontology/pack-shapes.ttl`` before it is used; each
problem is one line ``FILE:LINE: subject: message``. A pack given to ``kg build --pack`` (or in
``CKG_PACKS``) is stored in its own graph ``res:graph/pack/{name}``; later commands on the same
store use the packs the store holds, so ``kg add`` extracts as ``kg build`` did.

Called by :mod:`kg.build`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.ids import Iris, slugify
from kg.rdf import load_static_graph
from kg.reader import InputError

__all__ = ["Pack", "check_pack", "load_pack", "pack_graph", "pack_name"]


@dataclass(frozen=True)
class Pack:
    """One conflict pack: its name, file and quads (in its graph)."""

    name: str
    path: Path
    graph: str
    quads: tuple[ox.Quad, ...]


def pack_name(path: Path) -> str:
    """The pack's name: its file name without ``.ttl`` (``nagorno-karabakh-2020``)."""
    return slugify(path.name.removesuffix(".ttl"))


def pack_graph(iris: Iris, name: str) -> str:
    return f"{iris.base}graph/pack/{name}"


def _line_of(text: str, subject: str, base: str) -> int:
    """The line of the file where ``subject`` is first described (for error messages)."""
    local = subject.rsplit("/", 1)[-1]
    candidates = [rf"(?m)^\s*(?:<{re.escape(subject)}>|[\w-]*:{re.escape(local)}(?![\w-]))",
                  re.escape(f"<{subject}>"), rf"[\w-]*:{re.escape(local)}(?![\w-])"]
    if subject.startswith(base):
        candidates.append(re.escape(subject[len(base):]))
    for pattern in candidates:
        match = re.search(pattern, text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return 1


def check_pack(path: Path, quads: list[ox.Quad], shapes: Path, *, base: str) -> list[str]:
    """SHACL problems of a pack, one line each (empty when it conforms)."""
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph()
    payload = ox.serialize([q.triple for q in quads], None, ox.RdfFormat.N_TRIPLES) or b""
    data.parse(data=payload.decode("utf-8"), format="nt")
    shacl = rdflib.Graph().parse(str(shapes), format="turtle")
    ok, report, _ = validate(data, shacl_graph=shacl, inference="none", allow_warnings=True)
    if ok:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = str(report.value(result, sh.focusNode))
        message = str(report.value(result, sh.resultMessage) or "does not conform")
        prop = report.value(result, sh.resultPath)
        where = f" ({str(prop).rsplit('#', 1)[-1].rsplit('/', 1)[-1]})" if prop is not None else ""
        lines.append((_line_of(text, focus, base), f"{path}:{_line_of(text, focus, base)}: {focus}{where}: {message}"))
    return [line for _, line in sorted(set(lines))]


def load_pack(path: Path, iris: Iris, shapes: Path) -> Pack:
    """Read and check a pack. Raises :class:`~kg.reader.InputError` (one line per problem)."""
    if not path.is_file():
        raise InputError(path, "no such conflict pack (a Turtle file; see docs/packs.md)")
    name = pack_name(path)
    graph = pack_graph(iris, name)
    try:
        quads = load_static_graph(path, graph, base=iris.base)
    except SyntaxError as exc:
        raise InputError(path, f"invalid Turtle: {exc}") from exc
    except ValueError as exc:
        raise InputError(path, str(exc)) from exc
    problems = check_pack(path, quads, shapes, base=iris.base)
    if problems:
        raise InputError(path, "not a valid conflict pack:\n" + "\n".join(problems))
    return Pack(name=name, path=path, graph=graph, quads=tuple(quads))
