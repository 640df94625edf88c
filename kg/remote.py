"""A SPARQL 1.1 endpoint as the store, for graphs that outgrow one machine.

``--store http://HOST:7878`` (or ``CKG_STORE``) keeps the graph in Oxigraph server, Fuseki,
Virtuoso, QLever or any store that speaks the SPARQL 1.1 Query and Update protocols; whole
graphs are read with the Graph Store Protocol when the server offers it. The command line and
the HTTP API use it exactly as they use the embedded store (:class:`kg.store.BaseStore`).

Each document is still written by ONE update request (drop its graph and provenance, insert
the new ones), which the servers above apply as one transaction. The endpoint must answer
queries over the union of its named graphs by default (``oxigraph serve --union-default-graph``;
Fuseki ``tdb2:unionDefaultGraph true``), as the embedded store does; :meth:`check` says so
plainly when it does not.

Endpoints, from the one URL: an Oxigraph-style base (``http://host:7878``) gives ``/query``,
``/update`` and ``/store``; a URL ending in ``/query`` or ``/sparql`` (Fuseki, Virtuoso) gives
its sibling ``update`` and ``data``. ``CKG_STORE_UPDATE_URL`` and ``CKG_STORE_GRAPH_STORE_URL``
override either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg import faults
from kg.ids import Iris
from kg.results import QueryTimeoutError
from kg.store import BaseStore, GraphWrite, QueryResult, Term, update_text
from kg.vocab import PREFIXES

__all__ = ["RemoteStore", "RemoteStoreError", "is_remote", "remote_endpoints"]

_RESULTS_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
                   "application/sparql-results+xml;q=0.5")


class RemoteStoreError(OSError):
    """The remote endpoint cannot be reached, or answered with a server error."""


def is_remote(location: str | Path) -> bool:
    return str(location).startswith(("http://", "https://"))


def remote_endpoints(url: str, update_url: str | None = None, graph_store_url: str | None = None
                     ) -> tuple[str, str, str]:
    """The query, update and graph-store URLs for one store URL (see the module docstring)."""
    url = url.rstrip("/")
    head, _, last = url.rpartition("/")
    if last in ("query", "sparql") and "//" in head + "/":
        query, update, graphs = url, f"{head}/update", f"{head}/data"
    else:
        query, update, graphs = f"{url}/query", f"{url}/update", f"{url}/store"
    return query, update_url or update, graph_store_url or graphs


def _term(term: Term) -> str:
    return str(term)


class RemoteStore(BaseStore):
    """A store behind SPARQL 1.1 Query/Update (and, where offered, Graph Store) endpoints."""

    def __init__(self, url: str, *, iris: Iris | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0) -> None:
        self.url = url
        self.path = None
        self.location = url
        self.iris = iris or Iris()
        self.version = 0
        self.timeout = timeout
        self.query_url, self.update_url, self.graph_store_url = remote_endpoints(url, update_url, graph_store_url)
        self._gsp = True  # until the server shows it has no graph store endpoint
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=True,
                                  headers={"User-Agent": "conflict-kg"})

    def close(self) -> None:
        self._http.close()

    # -- HTTP ----------------------------------------------------------------------------

    def _post(self, url: str, *, data: dict[str, str | list[str]] | None = None, content: bytes | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        faults.point("remote.update" if url == self.update_url else "remote.query")
        try:
            response = self._http.post(url, data=data, content=content, headers=headers)
            faults.point("remote.updated" if url == self.update_url else "remote.query")
        except httpx.TimeoutException as exc:
            raise QueryTimeoutError(f"the remote store {self.url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"cannot reach the remote store {url}: {exc}") from exc
        self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        message = " ".join(response.text.split())[:500] or response.reason_phrase
        if response.status_code in (400, 422):
            raise SyntaxError(message)
        hint = ""
        if response.status_code in (403, 404, 405) and str(response.request.url) == self.update_url:
            hint = ("; it takes no SPARQL Update. A conflict-kg server (kg serve) takes documents through its "
                    "POST /documents: kg add --server http://HOST:PORT")
        raise RemoteStoreError(f"the remote store {response.request.url} answered {response.status_code}: {message}"
                               + hint)

    # -- primitives ----------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool = True, base_iri: str | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a query on the endpoint; our prefixes are declared in front of it.

        Returns pyoxigraph's own result types (solutions, boolean, or triples), so callers
        cannot tell the embedded store from a remote one."""
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {**PREFIXES, "res": self.iris.base}.items())
        if base_iri:
            prologue = f"BASE <{base_iri}>\n" + prologue
        form: dict[str, str | list[str]] = {"query": prologue + sparql}
        if default_graph:
            form["default-graph-uri"] = list(default_graph)
        if named_graphs:
            form["named-graph-uri"] = list(named_graphs)
        response = self._post(self.query_url, data=form, headers={"Accept": _RESULTS_ACCEPT})
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.content
        if media in ("application/sparql-results+json", "application/json"):
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
        return [row["g"].value for row in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
                if isinstance(row["g"], ox.NamedNode)]

    def quad_count(self) -> int:
        for row in self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):
            return int(row["n"].value)
        return 0

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """One graph, by the Graph Store Protocol (``GET ?graph=``) when the server has it."""
        if self._gsp:
            try:
                response = self._http.get(self.graph_store_url, params={"graph": graph},
                                          headers={"Accept": "application/n-triples"})
            except httpx.HTTPError as exc:
                raise RemoteStoreError(f"cannot reach the remote store {self.graph_store_url}: {exc}") from exc
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code == 200 and media in ("application/n-triples", "text/plain"):
                name = ox.NamedNode(graph)
                return sorted((ox.Quad(t.subject, t.predicate, t.object, name)
                               for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)), key=str)
            if response.status_code >= 500:
                self._raise_for(response)
            self._gsp = False  # the graph exists (graphs() listed it): this server has no graph store endpoint
        return super().graph_quads(graph)

    def _apply(self, writes: list[GraphWrite]) -> None:
        """One SPARQL UPDATE request for all the writes: the server applies it as one transaction."""
        try:
            self._post(self.update_url, content=update_text(writes, self.iris.provenance_graph).encode("utf-8"),
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

