"""A SPARQL 1.1 endpoint as the store, for graphs that outgrow one machine.

``--store http://HOST:7878`` (or ``CKG_STORE``) keeps the graph in Oxigraph server, OpenLink
Virtuoso, Fuseki, QLever or any store that speaks the SPARQL 1.1 Query and Update protocols;
whole graphs are read with the Graph Store Protocol when the server offers it. The command line
and the HTTP API use it exactly as they use the embedded store (:class:`kg.store.BaseStore`).

Each document is still written by ONE update request (drop its graph and provenance, insert
the new ones), which the servers above apply as one transaction. The endpoint must answer
queries over the union of its named graphs by default (``oxigraph serve --union-default-graph``;
Fuseki ``tdb2:unionDefaultGraph true``; Virtuoso always does), as the embedded store does;
:meth:`check` says so plainly when it does not.

Endpoints, from the one URL: an Oxigraph-style base (``http://host:7878``) gives ``/query``,
``/update`` and ``/store``; a URL ending in ``/query`` or ``/sparql`` (Fuseki) gives its sibling
``update`` and ``data``. A Virtuoso server (known by its ``Server`` header) takes updates on
its SPARQL endpoint itself and graphs at ``/sparql-graph-crud``: ``http://host:8890/sparql``
(read-only unless its ``SPARQL`` user was granted ``SPARQL_UPDATE``) or, with
``CKG_STORE_USER``/``CKG_STORE_PASSWORD`` (HTTP digest), ``http://host:8890/sparql-auth`` and
``/sparql-graph-crud-auth``. ``CKG_STORE_UPDATE_URL`` and ``CKG_STORE_GRAPH_STORE_URL``
override either. What differs between the engines, and what this module does about it:
``docs/remote-engines.md``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from kg import faults
from kg.ids import Iris
from kg.results import QueryTimeoutError
from kg.store import BaseStore, GraphWrite, QueryResult, Term, graph_quads, update_text
from kg.vocab import PREFIXES, XSD

__all__ = ["RemoteStore", "RemoteStoreError", "is_remote", "query_form", "remote_endpoints"]

_RESULTS_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
                   "application/sparql-results+xml;q=0.5")
_XSD = XSD.base
_DECIMAL = ox.NamedNode(_XSD + "decimal")
_STRING = _XSD + "string"
# Virtuoso's SPARQL endpoint and its Graph Store Protocol endpoint beside it.
_VIRTUOSO_GSP = {"sparql": "sparql-graph-crud", "sparql-auth": "sparql-graph-crud-auth"}


class RemoteStoreError(OSError):
    """The remote endpoint cannot be reached, or answered with a server error."""


def is_remote(location: str | Path) -> bool:
    return str(location).startswith(("http://", "https://"))


def remote_endpoints(url: str, update_url: str | None = None, graph_store_url: str | None = None, *,
                     engine: str = "sparql") -> tuple[str, str, str]:
    """The query, update and graph-store URLs for one store URL (see the module docstring).

    ``engine`` is ``"virtuoso"`` for an OpenLink Virtuoso server, anything else for the
    protocols' usual layout."""
    url = url.rstrip("/")
    head, _, last = url.rpartition("/")
    has_path = "//" in head + "/" and "/" in url.split("//", 1)[-1]
    if engine == "virtuoso":
        if has_path and last in _VIRTUOSO_GSP:
            query, update, graphs = url, url, f"{head}/{_VIRTUOSO_GSP[last]}"
        else:
            query = update = f"{url}/sparql"
            graphs = f"{url}/sparql-graph-crud"
    elif last in ("query", "sparql") and "//" in head + "/":
        query, update, graphs = url, f"{head}/update", f"{head}/data"
    else:
        query, update, graphs = f"{url}/query", f"{url}/update", f"{url}/store"
    return query, update_url or update, graph_store_url or graphs


def _term(term: Term) -> str:
    return str(term)


class _Credentials(httpx.Auth):
    """User and password for a remote store, sent as the server's challenge asks: HTTP digest
    (Virtuoso's ``/sparql-auth``; one digest state per endpoint, as Virtuoso keeps one per
    path) or basic."""

    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user, password
        self._digest: dict[str, httpx.DigestAuth] = {}
        self._basic = False
        self._lock = threading.Lock()

    def _basic_header(self) -> str:
        return "Basic " + base64.b64encode(f"{self._user}:{self._password}".encode()).decode("ascii")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._basic:
            request.headers["Authorization"] = self._basic_header()
            yield request
            return
        with self._lock:
            digest = self._digest.setdefault(request.url.path, httpx.DigestAuth(self._user, self._password))
        flow = digest.auth_flow(request)
        outgoing = next(flow)
        while True:
            response = yield outgoing
            challenges = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
            if response.status_code == 401 and "basic" in challenges and "digest" not in challenges:
                self._basic = True
                request.headers["Authorization"] = self._basic_header()
                yield request
                return
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return


def _canonical_literals(literals: Sequence[ox.Literal]) -> list[ox.Literal]:
    """The literals as the embedded store gives them back: pyoxigraph stores numbers, booleans
    and dates by value and writes them in canonical form (Virtuoso answers ``"1"^^xsd:boolean``
    in query results, ``"1000.0"^^xsd:double``, ``".500"`` seconds)."""
    scratch = ox.Store()
    p = ox.NamedNode("urn:p")
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:{i}"), p, lit, ox.DefaultGraph()) for i, lit in enumerate(literals))
    out = list(literals)
    for q in scratch:
        assert isinstance(q.object, ox.Literal)
        out[int(q.subject.value[4:])] = q.object
    return out


_FORMS = ("select", "ask", "construct", "describe")


def query_form(sparql: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``: the first keyword after the prologue
    (``PREFIX``/``BASE`` declarations and comments), None when there is none to be seen."""
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
        else:
            word = ""
            while i < n and (sparql[i].isalpha() or sparql[i] == ":"):
                word += sparql[i]
                i += 1
            word = word.lower()
            if word in _FORMS:
                return word
            if word not in ("prefix", "base"):
                return None
            end = sparql.find(">", i)  # the declaration ends with its IRI
            if end < 0:
                return None
            i = end + 1
    return None


def _virtuoso_solutions(body: bytes) -> bytes:
    """Virtuoso's SPARQL JSON results with typed literals in the embedded store's canonical form."""
    doc: dict[str, Any] = json.loads(body)
    bindings = doc.get("results", {}).get("bindings", [])
    typed: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in bindings:
        for cell in row.values():
            if cell.get("type") in ("typed-literal", "literal") and "datatype" in cell:
                if cell["datatype"] == _STRING:
                    del cell["datatype"]
                    cell["type"] = "literal"
                elif cell["datatype"].startswith(_XSD):
                    typed.setdefault((cell["value"], cell["datatype"]), []).append(cell)
    if not typed:
        return body
    keys = list(typed)
    canonical = _canonical_literals([ox.Literal(v, datatype=ox.NamedNode(d)) for v, d in keys])
    for key, lit in zip(keys, canonical, strict=True):
        for cell in typed[key]:
            cell["value"] = lit.value
    return json.dumps(doc).encode("utf-8")


def _virtuoso_literal(term: Any) -> Any:
    """A term as written to Virtuoso so that it reads back unchanged: Virtuoso takes an
    xsd:decimal without a decimal point (``"40"``) for an xsd:integer; ``"40.0"`` stays a decimal."""
    if isinstance(term, ox.Literal) and term.datatype == _DECIMAL and not any(c in term.value for c in ".eE"):
        return ox.Literal(term.value + ".0", datatype=_DECIMAL)
    return term


_VIRTUOSO_CHUNK = 2000  # triples per INSERT DATA: Virtuoso's SPARQL parser runs out of stack near 6,000


def _virtuoso_update_text(writes: Sequence[GraphWrite], provenance_graph: str) -> str:
    """The update of :func:`kg.store.update_text` as Virtuoso takes it: the same operations in
    one request (one transaction), the insertions cut into INSERT DATA operations of at most
    :data:`_VIRTUOSO_CHUNK` triples, decimals written as Virtuoso keeps them."""
    parts = [update_text([GraphWrite(graph=w.graph, quads=(), provenance=(), provenance_subjects=w.provenance_subjects)
                          for w in writes], provenance_graph)]
    inserts: dict[str, list[str]] = {}
    for w in writes:
        for q in (*graph_quads(w), *w.provenance):
            inserts.setdefault(q.graph_name.value, []).append(  # type: ignore[union-attr]
                f"{q.subject} {q.predicate} {_virtuoso_literal(q.object)} .")
    for graph, lines in inserts.items():
        for start in range(0, len(lines), _VIRTUOSO_CHUNK):
            parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n" + "\n".join(lines[start:start + _VIRTUOSO_CHUNK])
                         + "\n} }")
    return " ;\n".join(parts)


class RemoteStore(BaseStore):
    """A store behind SPARQL 1.1 Query/Update (and, where offered, Graph Store) endpoints."""

    def __init__(self, url: str, *, iris: Iris | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0, user: str | None = None,
                 password: str | None = None) -> None:
        self.url = url
        self.path = None
        self.location = url
        self.iris = iris or Iris()
        self.version = 0
        self.timeout = timeout
        self._given = (update_url, graph_store_url)
        self.query_url, self.update_url, self.graph_store_url = remote_endpoints(url, update_url, graph_store_url)
        self.engine: str | None = None  # "virtuoso" or "sparql", learnt from the server's first answer
        self._foreign: list[str] = []  # graphs of the server's own that conflict-kg leaves out (Virtuoso)
        self._gsp = True  # until the server shows it has no graph store endpoint
        self._user = user
        auth = _Credentials(user, password or "") if user else None
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=True,
                                  headers={"User-Agent": "conflict-kg"}, auth=auth)

    def close(self) -> None:
        self._http.close()

    # -- the engine ----------------------------------------------------------------------

    def _settle(self) -> None:
        """Learn which engine answers (once): Virtuoso lays out its endpoints its own way and
        keeps system graphs of its own beside ours."""
        if self.engine is not None:
            return
        try:
            response = self._http.get(self.query_url, params={"query": "ASK {}"},
                                      headers={"Accept": "application/sparql-results+json"})
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"cannot reach the remote store {self.query_url}: {exc}") from exc
        if not response.headers.get("server", "").lower().startswith("virtuoso"):
            self.engine = "sparql"
            return
        self.engine = "virtuoso"
        self.query_url, self.update_url, self.graph_store_url = remote_endpoints(self.url, *self._given,
                                                                                 engine="virtuoso")
        if response.status_code == 401:
            raise RemoteStoreError(f"the remote store {self.query_url} answered 401: " + (
                "it refused the user and password (CKG_STORE_USER, CKG_STORE_PASSWORD)" if self._user else
                "it asks for a user: set CKG_STORE_USER and CKG_STORE_PASSWORD"))
        # Virtuoso keeps system graphs of its own (virtrdf#, ...) in the same store, in its default
        # graph too: our reads (graphs, counts, dumps) leave out the graphs that are not ours. (Its
        # input:default-graph-exclude pragma would hide them from the union, but then a GRAPH <iri>
        # pattern finds nothing: Virtuoso 7.2.)
        ours = f"{self.iris.base}graph/"
        self._foreign = sorted(row["g"].value for row in self._select(
            f'SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(!STRSTARTS(STR(?g), "{ours}")) }} GROUP BY ?g')
            if isinstance(row["g"], ox.NamedNode))

    # -- HTTP ----------------------------------------------------------------------------

    def _post(self, url: str, *, data: dict[str, str | list[str]] | None = None, content: bytes | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        faults.point("remote.update" if url == self.update_url and content is not None else "remote.query")
        try:
            response = self._http.post(url, data=data, content=content, headers=headers)
            faults.point("remote.updated" if url == self.update_url and content is not None else "remote.query")
        except httpx.TimeoutException as exc:
            raise QueryTimeoutError(f"the remote store {self.url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"cannot reach the remote store {url}: {exc}") from exc
        self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            if self.engine == "virtuoso":
                self._virtuoso_partial(response)
            return
        message = " ".join(response.text.split())[:500] or response.reason_phrase
        if self.engine == "virtuoso" and message.startswith("Virtuoso 37000"):  # its SPARQL compiler
            raise SyntaxError(message)
        if response.status_code in (400, 422):
            raise SyntaxError(message)
        hint = ""
        update = str(response.request.url) == self.update_url and response.request.method == "POST" and \
            response.request.headers.get("content-type", "").startswith("application/sparql-update")
        if response.status_code in (403, 404, 405) and update:
            hint = ("; it takes no SPARQL Update. A conflict-kg server (kg serve) takes documents through its "
                    "POST /documents: kg add --server http://HOST:PORT")
        if response.status_code == 401 or (self.engine == "virtuoso" and "SR186" in message):
            hint = ("; it lets this user read only (Virtuoso: write through /sparql-auth with CKG_STORE_USER and "
                    "CKG_STORE_PASSWORD, or grant SPARQL_UPDATE to the SPARQL user)")
        raise RemoteStoreError(f"the remote store {response.request.url} answered {response.status_code}: {message}"
                               + hint)

    def _virtuoso_partial(self, response: httpx.Response) -> None:
        """Virtuoso cuts a result at ``ResultSetMaxRows`` and answers what an "anytime" query
        found by ``MaxQueryExecutionTime`` with a 200: refuse both rather than return part of a graph."""
        if response.headers.get("x-sql-state") == "S1TAT":
            raise QueryTimeoutError(f"the remote store {self.url} stopped the query at its MaxQueryExecutionTime "
                                    f"({response.headers.get('x-sql-message', '')})")
        rows = response.headers.get("x-sparql-maxrows")
        if rows is not None:
            raise RemoteStoreError(f"the remote store {self.url} cut the result at its ResultSetMaxRows ({rows} "
                                   "rows): raise [SPARQL] ResultSetMaxRows in its virtuoso.ini")

    # -- primitives ----------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool = True, base_iri: str | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a query on the endpoint; our prefixes are declared in front of it.

        Returns pyoxigraph's own result types (solutions, boolean, or triples), so callers
        cannot tell the embedded store from a remote one."""
        self._settle()
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {**PREFIXES, "res": self.iris.base}.items())
        if base_iri:
            prologue = f"BASE <{base_iri}>\n" + prologue
        form: dict[str, str | list[str]] = {"query": prologue + sparql}
        if default_graph:
            form["default-graph-uri"] = list(default_graph)
        if named_graphs:
            form["named-graph-uri"] = list(named_graphs)
        accept = _RESULTS_ACCEPT
        if self.engine == "virtuoso":  # it answers the first type a client accepts, whatever the query's form
            accept = ("application/n-triples" if query_form(sparql) in ("construct", "describe")
                      else "application/sparql-results+json")
        response = self._post(self.query_url, data=form, headers={"Accept": accept})
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.content
        if media in ("application/sparql-results+json", "application/json"):
            if self.engine == "virtuoso":
                body = _virtuoso_solutions(body)
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
            return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        rdf_format = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
                      "text/turtle": ox.RdfFormat.TURTLE}.get(media)
        if rdf_format is None:
            raise RemoteStoreError(f"the remote store answered a query with {media or 'no content type'}")
        graph = ox.Store()  # a graph result becomes pyoxigraph's own triple iterator
        graph.load(body, format=rdf_format, to_graph=ox.DefaultGraph())
        return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _select(self, sparql: str) -> ox.QuerySolutions:
        result = self.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        return result

    def quads_for_pattern(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                          obj: Term | None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        s = _term(subject) if subject is not None else "?s"
        p = _term(predicate) if predicate is not None else "?p"
        o = _term(obj) if obj is not None else "?o"
        g = _term(graph) if graph is not None else "?g"
        for row in self._select(f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}"):
            yield ox.Quad(subject or row["s"], predicate or row["p"], obj or row["o"],
                          graph or row["g"])

    def named_graphs(self) -> list[str]:
        self._settle()
        # Virtuoso finds no graph with an empty pattern (GRAPH ?g {}), and takes seconds over
        # SELECT DISTINCT ?g where GROUP BY ?g takes milliseconds
        query = ("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g" if self.engine == "virtuoso" else
                 "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return [row["g"].value for row in self._select(query)
                if isinstance(row["g"], ox.NamedNode) and row["g"].value not in self._foreign]

    def _ours(self) -> str:
        """A filter on ``?g`` that leaves out the server's own graphs."""
        return f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in self._foreign)}))" if self._foreign else ""

    def quad_count(self) -> int:
        self._settle()
        for row in self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours()} }}"):
            return int(row["n"].value)
        return 0

    def stats(self) -> dict[str, object]:
        out = super().stats()
        graphs = out["graphs"]
        assert isinstance(graphs, dict)
        out["graphs"] = {g: n for g, n in graphs.items() if g not in self._foreign}
        return out

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """One graph, by the Graph Store Protocol (``GET ?graph=``) when the server has it."""
        self._settle()
        if self._gsp:
            try:
                response = self._http.get(self.graph_store_url, params={"graph": graph},
                                          headers={"Accept": "application/n-triples"})
            except httpx.HTTPError as exc:
                raise RemoteStoreError(f"cannot reach the remote store {self.graph_store_url}: {exc}") from exc
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code == 200 and media in ("application/n-triples", "text/plain"):
                name = ox.NamedNode(graph)
                if self.engine == "virtuoso":  # through a store: literals in canonical form
                    scratch = ox.Store()
                    scratch.load(response.content, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
                    return sorted(scratch, key=str)
                return sorted((ox.Quad(t.subject, t.predicate, t.object, name)
                               for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)), key=str)
            if response.status_code >= 500 or response.status_code == 401:
                self._raise_for(response)
            self._gsp = False  # the graph exists (graphs() listed it): this server has no graph store endpoint
        return super().graph_quads(graph)

    def _apply(self, writes: list[GraphWrite]) -> None:
        """One SPARQL UPDATE request for all the writes: the server applies it as one transaction."""
        self._settle()
        text = (_virtuoso_update_text if self.engine == "virtuoso" else update_text)(writes, self.iris.provenance_graph)
        try:
            self._post(self.update_url, content=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        except SyntaxError as exc:  # our update is well-formed: a 400 means the server will not take it
            raise RemoteStoreError(f"the remote store {self.update_url} refused the update: {exc}") from exc

    # -- checks --------------------------------------------------------------------------

    def check(self) -> None:
        """Raise :class:`RemoteStoreError` unless the endpoint answers and its default graph is
        the union of its named graphs (where it holds any data to tell)."""
        sample = self._select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
        rows = list(sample)
        if not rows:
            return
        s, p, o = (_term(rows[0][v]) for v in ("s", "p", "o"))
        union = self.query(f"ASK {{ {s} {p} {o} }}")
        if not bool(union):
            raise RemoteStoreError(
                f"the remote store {self.url} does not query the union of its named graphs by default: "
                "start it with 'oxigraph serve --union-default-graph' (Fuseki: tdb2:unionDefaultGraph true)")

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"
