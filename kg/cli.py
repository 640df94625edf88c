"""The ``kg`` command line: build, add, watch, remove, query, dump, validate, stats, serve.

Every failure the user can cause (a bad file, a locked store, a bad query) ends with one
line on stderr, ``kg: error: …``, and a non-zero exit status; nothing is half-written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from pydantic import ValidationError

from kg import __version__, faults
from kg.build import Builder, check_documents, iter_documents, open_store
from kg.errors import InputError, ModelNotFoundError, QueryTimeoutError, RemoteStoreError
from kg.model import SourceDocument
from kg.settings import Settings
from kg.store import DUMP_FORMATS, StoreLockedError

__all__ = ["main"]

RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")
GRAPH_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld", "rdf")


class CliError(Exception):
    """An error reported as one line."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "store", None):
        overrides["store"] = args.store
    return Settings(**overrides)


def _progress(quiet: bool, total: int):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal, one line per document otherwise (logs, CI), nothing when quiet."""
    done = [0]
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def report(doc, status):  # type: ignore[no-untyped-def]
        done[0] += 1
        if bar is not None:
            bar.set_postfix_str(f"{status} {doc.doc_id}"[:40])
            bar.update(1)
            if done[0] == total:
                bar.close()
        elif not quiet:
            print(f"[{done[0]}/{total}] {status:9} {doc.doc_id}", file=sys.stderr, flush=True)

    return report


def _executor_arg(value: str) -> str:
    """--executor checked before the build loads (an unknown kind is a usage error at once)."""
    from kg.executors import check_executor

    try:
        return check_executor(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_build(args: argparse.Namespace) -> int:
    if getattr(args, "server", None):
        return _add_through_server(args)
    settings = _settings(args)
    total = check_documents(args.paths)  # every file is read and checked before the store is touched
    store = open_store(settings, bulk=True)
    builder = Builder(store, settings, packs=args.pack or ())
    builder.install_static_graphs()
    workers = args.workers if args.workers > 0 else (os.cpu_count() or 1)
    wanted: set[str] = set()

    def docs() -> Iterator[SourceDocument]:
        for doc in iter_documents(args.paths):  # read a second time, streaming
            wanted.add(doc.doc_id)
            yield doc

    report = builder.add(docs(), progress=_progress(args.quiet, total), workers=workers, executor=args.executor)
    if report.written and 10 * report.written >= len(store.document_ids()):
        faults.point("build.optimize")
        store.optimize()  # a sizeable share of the store was just written: compact it for queries
    removed = []
    if getattr(args, "prune", False):
        for doc_id in store.document_ids():
            if doc_id not in wanted and builder.remove(doc_id):
                removed.append(doc_id)
    print(f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged"
          + (f", {len(removed)} removed" if removed else "") + f" ({settings.store})", file=sys.stderr)
    return 0


def _fetch_policy(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kg.fetch import FetchPolicy

    policy = FetchPolicy()
    return FetchPolicy(user_agent=args.user_agent or policy.user_agent, timeout=args.timeout, retries=args.retries,
                       delay=args.delay, max_bytes=int(args.max_mb * 1024 * 1024))


def _web_reporter(quiet: bool):  # type: ignore[no-untyped-def]
    """Lines for pages and WARC records: one per document written, one per page that failed."""
    counts = {"failed": 0, "stored": 0, "skipped": 0, "done": 0}

    def progress(doc: SourceDocument, status: str) -> None:
        counts["done"] += 1
        if not quiet:
            print(f"[{counts['done']}] {status:9} {doc.doc_id}", file=sys.stderr, flush=True)

    def report(status: str, message: str) -> None:
        counts[status] = counts.get(status, 0) + 1
        if status == "failed":  # always said, even with -q: it is what the user must look at
            print(f"kg: failed: {message}", file=sys.stderr, flush=True)
        elif not quiet and status == "skipped":
            print(f"kg: skipped: {message}", file=sys.stderr, flush=True)

    return progress, report, counts


def _server_sources(client) -> set[str]:  # type: ignore[no-untyped-def]
    """The page URLs the server's store holds (what ``stored_sources`` reads from a store)."""
    from kg.vocab import CKG, DCTERMS

    query = f"SELECT DISTINCT ?u WHERE {{ ?d a <{CKG.Document}> ; <{DCTERMS.source}> ?u FILTER(isIRI(?u)) }}"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    answer = _server_answer(response, "the query for stored pages")
    results = answer.get("results")
    bindings = results.get("bindings", []) if isinstance(results, dict) else []
    return {row["u"]["value"] for row in bindings}


def _post_documents(client, docs: Iterable[SourceDocument],  # type: ignore[no-untyped-def]
                    progress: Callable[[SourceDocument, str], None]) -> dict[str, int]:
    """Each document to the server's ``POST /documents`` (page metadata included); the counts."""
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    for doc in docs:
        record = {"id": doc.doc_id, "text": doc.text, "date": doc.date.isoformat() if doc.date else None,
                  "url": doc.url, "outlet": doc.outlet, "title": doc.title, "author": doc.author,
                  "language": doc.language, "canonical_url": doc.canonical_url}
        answer = _server_answer(client.post("/documents", json={k: v for k, v in record.items() if v is not None}),
                                doc.doc_id)
        status = next((k for k in counts if answer.get(k)), "unchanged")
        counts[status] += 1
        progress(doc, status)
    return counts


def cmd_add(args: argparse.Namespace) -> int:
    """``kg add``: files and folders as ``kg build`` reads them, and also URLs (``kg add URL…``,
    ``--urls FILE``) and web archives (``FILE.warc.gz``). A page or record that fails is one line;
    the others go on. What the store holds already (by URL) is not fetched again."""
    from kg.fetch import Fetcher, read_url_list, stored_sources, web_documents
    from kg.warc import is_warc, warc_documents

    urls = [p for p in args.paths if p.startswith(("http://", "https://"))]
    warcs = [p for p in args.paths if p not in urls and is_warc(p)]
    files = [p for p in args.paths if p not in urls and p not in warcs]
    for listing in args.urls or ():
        urls.extend(read_url_list(listing))
    if not urls and not warcs:
        if not files:
            raise CliError("nothing to add: give files, folders, URLs, --urls FILE or FILE.warc.gz")
        return cmd_build(args)
    for warc in warcs:
        if not Path(warc).is_file():
            raise InputError(warc, "no such file")
    if files:
        check_documents(files)  # every file is read and checked before the store is touched
    if getattr(args, "server", None):
        return _add_web_through_server(args, files, warcs, urls)
    settings = _settings(args)
    store = open_store(settings, bulk=True)
    builder = Builder(store, settings, packs=args.pack or ())
    builder.install_static_graphs()
    stored = stored_sources(store)
    progress, report, counts = _web_reporter(args.quiet)
    fetcher = Fetcher(_fetch_policy(args))

    def docs() -> Iterator[SourceDocument]:
        if files:
            yield from iter_documents(files)
        for warc in warcs:
            yield from warc_documents(warc, report=report, skip=stored)
        yield from web_documents(list(dict.fromkeys(urls)), fetcher, skip=stored, report=report)

    workers = args.workers if args.workers > 0 else (os.cpu_count() or 1)
    try:
        result = builder.add(docs(), progress=progress, workers=workers, executor=args.executor, batch_size=1)
    finally:
        fetcher.close()
    print(f"{len(result.added)} added, {len(result.replaced)} replaced, {len(result.unchanged)} unchanged, "
          f"{counts['failed']} failed, {counts['stored']} already stored ({settings.store})", file=sys.stderr)
    return 0


def _add_web_through_server(args: argparse.Namespace, files: list[str], warcs: list[str], urls: list[str]) -> int:
    """``kg add URL… --server URL``: pages fetched here, each posted to the running server."""
    import httpx

    from kg.fetch import Fetcher, web_documents
    from kg.warc import warc_documents

    if getattr(args, "pack", None):
        raise CliError("--pack does not go with --server: the server builds with the packs its store holds")
    progress, report, counts = _web_reporter(args.quiet)
    try:
        with _server_client(args) as client, Fetcher(_fetch_policy(args)) as fetcher:
            stored = _server_sources(client)

            def docs() -> Iterator[SourceDocument]:
                if files:
                    yield from iter_documents(files)
                for warc in warcs:
                    yield from warc_documents(warc, report=report, skip=stored)
                yield from web_documents(list(dict.fromkeys(urls)), fetcher, skip=stored, report=report)

            done = _post_documents(client, docs(), progress)
    except httpx.HTTPError as exc:
        raise CliError(f"the server {args.server} cannot be reached: {exc}") from exc
    print(f"{done['added']} added, {done['replaced']} replaced, {done['unchanged']} unchanged, "
          f"{counts['failed']} failed, {counts['stored']} already stored (through {args.server})", file=sys.stderr)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """``kg watch FEED…``: poll RSS/Atom feeds and add the pages of new items, as ``kg add URL`` does."""
    from kg.feeds import FeedItem, watch
    from kg.fetch import Fetcher, stored_sources, web_documents

    settings = _settings(args)
    client = None
    if args.server:  # beside a running kg serve: its POST /documents writes, its /sparql says what is stored
        if args.pack:
            raise CliError("--pack does not go with --server: the server builds with the packs its store holds")
        client = _server_client(args)
    else:
        try:
            store = open_store(settings)
        except StoreLockedError as exc:
            raise CliError(f"{exc} (kg serve holds the store: watch through it with --server URL, or give both "
                           "the same store server, --store http://HOST:PORT)") from exc
        builder = Builder(store, settings, packs=args.pack or ())
        builder.install_static_graphs()
    fetcher = Fetcher(_fetch_policy(args))

    def say(line: str) -> None:
        print(f"kg watch: {line}", file=sys.stderr, flush=True)

    def add_pages(links: list[str], items: dict[str, FeedItem]) -> tuple[list[str], list[str]]:
        progress, _, _ = _web_reporter(args.quiet)
        failed: list[str] = []
        added: list[str] = []

        def report(status: str, message: str) -> None:
            if status == "failed":
                failed.append(message.split(": ", 1)[0] if message.startswith(("http://", "https://")) else message)
                say(f"failed: {message}")

        def on_done(doc: SourceDocument, status: str) -> None:
            if doc.url:
                added.append(doc.url)
            progress(doc, status)

        def defaults(url: str) -> dict[str, object]:
            item = items[url]
            return {"title": item.title, "date": item.date, "author": item.author, "outlet": item.outlet}

        pages = web_documents(links, fetcher, report=report, defaults=defaults)
        if client is not None:
            _post_documents(client, pages, on_done)
        else:
            builder.add(pages, progress=on_done, batch_size=1)
        return added, [link for link in links if link in set(failed)]

    def seen() -> set[str]:
        return _server_sources(client) if client is not None else stored_sources(store)

    import httpx

    try:
        watch(args.feeds, fetcher, add_pages=add_pages, seen=seen, interval=args.interval, polls=args.polls, say=say)
    except httpx.HTTPError as exc:
        raise CliError(f"the server {args.server} cannot be reached: {exc}") from exc
    finally:
        fetcher.close()
        if client is not None:
            client.close()
    return 0


def _server_client(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import httpx

    token = os.environ.get("CKG_API_TOKEN") or ""
    if not token:
        raise CliError("writing through a server needs its token: set CKG_API_TOKEN")
    return httpx.Client(base_url=args.server.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                        timeout=httpx.Timeout(600.0, connect=10.0))


def _server_answer(response, what: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    if response.status_code >= 400:
        text = response.text.strip()
        try:
            text = str(response.json().get("error", text))
        except ValueError:
            pass
        raise CliError(f"the server refused {what} ({response.status_code}): {text}")
    answer: dict[str, object] = response.json()
    return answer


def _add_through_server(args: argparse.Namespace) -> int:
    """``kg add --server URL``: each document goes to the running server's ``POST /documents`` (one
    transaction each; the server sees it at once). A document is done when the server answered."""
    import httpx

    if getattr(args, "pack", None):
        raise CliError("--pack does not go with --server: the server builds with the packs its store holds")
    total = check_documents(args.paths)
    report = _progress(args.quiet, total)
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    try:
        with _server_client(args) as client:
            for doc in iter_documents(args.paths):
                record = {"id": doc.doc_id, "text": doc.text, "date": doc.date.isoformat() if doc.date else None,
                          "url": doc.url,
                          "outlet": doc.outlet, "title": doc.title}
                answer = _server_answer(client.post("/documents", json={k: v for k, v in record.items()
                                                                         if v is not None}), doc.doc_id)
                status = next((k for k in counts if answer.get(k)), "unchanged")
                counts[status] += 1
                report(doc, status)
    except httpx.HTTPError as exc:
        raise CliError(f"the server {args.server} cannot be reached: {exc}") from exc
    print(f"{counts['added']} added, {counts['replaced']} replaced, {counts['unchanged']} unchanged "
          f"(through {args.server})", file=sys.stderr)
    return 0


def cmd_suggest_pack(args: argparse.Namespace) -> int:
    """The most frequent names no curated or world entity links, with their likely type and a
    context, to start a conflict pack (TSV, or Turtle with --ttl)."""
    from collections import Counter

    from kg.build import make_extractor
    from kg.ids import Iris, slugify
    from kg.vocab import CKG

    settings = _settings(args)
    check_documents(args.paths)
    extractor = make_extractor(settings, packs=args.pack or ())
    iris = Iris(settings.base_iri)
    counts: Counter[str] = Counter()
    docs_with: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    contexts: dict[str, str] = {}
    for extraction in extractor.extract_many(iter_documents(args.paths)):
        text = extraction.document.text
        new = {e.iri: e for e in extraction.new_entities}
        for m in extraction.mentions:
            if m.entity not in new:
                continue
            counts[m.entity] += 1
            docs_with.setdefault(m.entity, set()).add(extraction.document.doc_id)
            kinds[m.entity], labels[m.entity] = new[m.entity].type, new[m.entity].label
            if m.entity not in contexts:
                start, end = max(0, text.rfind("\n", 0, m.span.begin) + 1), text.find("\n", m.span.end)
                sentence = " ".join(text[start:end if end >= 0 else len(text)].split())
                contexts[m.entity] = sentence[:160]
    ranked = sorted(counts, key=lambda iri: (-len(docs_with[iri]), -counts[iri], labels[iri]))[:args.top]
    if args.ttl:
        print(f"@prefix ckg: <{CKG.base}> .\n"
              "@prefix ent: <" + iris.entity("") + "> .\n"
              "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        for iri in ranked:
            label = labels[iri].replace('"', "'")
            print(f"# {counts[iri]} mentions in {len(docs_with[iri])} documents: {contexts[iri]}")
            print(f"ent:{slugify(labels[iri])} a ckg:{kinds[iri]} ;\n    rdfs:label \"{label}\"@en .\n")
    else:
        print("mentions\tdocuments\ttype\tname\tcontext")
        for iri in ranked:
            print(f"{counts[iri]}\t{len(docs_with[iri])}\t{kinds[iri]}\t{labels[iri]}\t{contexts[iri]}")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """Reconcile the store's unlinked persons and organisations against a reconciliation service
    and write the accepted Wikidata links to the links file (used by every later build)."""
    from kg.links import WIKIDATA_TYPES, reconcile, write_links

    settings = _settings(args)
    links_path = args.links or settings.links
    store = open_store(settings, read_only=True)
    types = " ".join(f"ckg:{t}" for t in sorted(WIKIDATA_TYPES))
    rows = store.query(f"""SELECT DISTINCT ?label ?type WHERE {{
        ?e ckg:confidence ?c ; rdfs:label ?label ; a ?t . VALUES ?t {{ {types} }}
        FILTER NOT EXISTS {{ ?e owl:sameAs ?same }} BIND(STRAFTER(STR(?t), "#") AS ?type) }}""")
    import pyoxigraph as ox

    assert isinstance(rows, ox.QuerySolutions)
    names: dict[str, str] = {}
    for row in rows:
        label, kind = row["label"], row["type"]
        if label is not None and kind is not None:
            names.setdefault(label.value, kind.value)
    store.close()
    if not names:
        print("kg link: every person and organisation is linked already", file=sys.stderr)
        return 0
    try:
        accepted, report = reconcile(args.service, names, min_score=args.min_score)
    except OSError as exc:
        raise CliError(str(exc)) from exc
    write_links(links_path, accepted)
    for line in report:
        print(f"  not linked: {line}", file=sys.stderr)
    print(f"{len(accepted)} linked, {len(report)} not linked, of {len(names)} names; written to {links_path}"
          f" (rebuild to apply: kg build …)", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    if getattr(args, "server", None):
        import httpx

        try:
            with _server_client(args) as client:
                missing = []
                for doc_id in args.doc_ids:
                    response = client.delete(f"/documents/{quote(doc_id, safe='')}")
                    if response.status_code == 404:
                        missing.append(doc_id)
                    else:
                        _server_answer(response, doc_id)
        except httpx.HTTPError as exc:
            raise CliError(f"the server {args.server} cannot be reached: {exc}") from exc
        if missing:
            raise CliError(f"no such document: {', '.join(missing)}")
        print(f"removed {len(args.doc_ids)} document(s) (through {args.server})", file=sys.stderr)
        return 0
    settings = _settings(args)
    builder = Builder(open_store(settings), settings)
    missing = [doc_id for doc_id in args.doc_ids if not builder.remove(doc_id)]
    if missing:
        raise CliError(f"no such document: {', '.join(missing)}")
    print(f"removed {len(args.doc_ids)} document(s)", file=sys.stderr)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """The query as the endpoint runs it (kg.query): FROM honoured, relative IRIs against the store's
    namespace, the same refusals and messages; rows unlimited, no deadline."""
    from kg.query import QueryError, execute_query
    from kg.results import Rows, serialize_boolean, serialize_rows
    from kg.store import dump_quads

    text = args.query
    if not text.lstrip().upper().startswith(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "#")) \
            and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    store = open_store(_settings(args), read_only=True)
    try:
        kind, value = execute_query(store, text, limit=sys.maxsize, base_iri=store.iris.base,
                                    store_errors=(RemoteStoreError, QueryTimeoutError))
    except QueryError as exc:
        raise CliError(f"bad SPARQL: {exc.message.removeprefix('SPARQL syntax error: ')}") from exc
    out = sys.stdout.buffer
    if kind == "graph":
        fmt = args.format if args.format in GRAPH_FORMATS else "ttl"
        dump_quads(value, fmt if fmt not in ("trig", "nq", "jsonld") else "ttl", out,  # type: ignore[arg-type]
                   base=store.iris.base)
        return 0
    if kind == "boolean":
        if args.format in ("json", "xml", "csv", "tsv"):
            out.write(serialize_boolean(bool(value), args.format))
        else:
            print("true" if bool(value) else "false")
        return 0
    assert isinstance(value, Rows)
    if args.format == "table":
        rows = [[_cell(t) for t in row] for row in value.rows]
        widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(value.variables)]
        print("  ".join(v.ljust(w) for v, w in zip(value.variables, widths, strict=True)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        print(f"({len(rows)} rows)", file=sys.stderr)
        return 0
    for chunk in serialize_rows(value, args.format if args.format in ("json", "xml", "csv", "tsv") else "json"):
        out.write(chunk)
    return 0


def _cell(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def cmd_dump(args: argparse.Namespace) -> int:
    store = open_store(_settings(args), read_only=True)
    if args.output:
        tmp = Path(str(args.output) + ".part")
        with tmp.open("wb") as fh:
            store.dump(args.format, fh)
        tmp.replace(args.output)
    else:
        store.dump(args.format, sys.stdout.buffer)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export

    store = open_store(_settings(args), read_only=True)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for line in export(store, args.format):
            out.write(line)
    finally:
        if args.output:
            out.close()
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate_store

    settings = _settings(args)
    result = validate_store(open_store(settings, read_only=True), settings.ontology_dir / "shapes.ttl")
    if result.conforms:
        print("conforms: the graph satisfies ontology/shapes.ttl")
        return 0
    print(result.report)
    print(f"kg: error: {result.violations} SHACL violation(s)", file=sys.stderr)
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    stats = open_store(_settings(args), read_only=True).stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    for key, value in stats.items():
        if key == "graphs":
            print("quads per graph:")
            for graph, n in value.items():  # type: ignore[attr-defined]
                print(f"  {n:8d}  {graph}")
        elif key == "by_class":
            print("instances by class:")
            for cls, n in value.items():  # type: ignore[attr-defined]
                print(f"  {n:8d}  ckg:{cls}")
        elif key == "per_document":
            print(f"  {'mentions':>8} {'statements':>10} {'events':>6} {'claims':>6}  document")
            for doc_id, counts in value.items():  # type: ignore[attr-defined]
                print(f"  {counts.get('Mention', 0):8d} {counts.get('Statement', 0):10d} "
                      f"{counts.get('Event', 0):6d} {counts.get('CasualtyClaim', 0):6d}  {doc_id}")
        else:
            print(f"{key:16} {value}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    if args.store:
        os.environ["CKG_STORE"] = str(args.store)
    settings = _settings(args)
    uvicorn.run("api.app:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, log_level="info", access_log=False)
    return 0


def _fetch_options(p: argparse.ArgumentParser) -> None:
    """How pages are fetched (kg add URL…, kg watch); robots.txt is always respected."""
    from kg.fetch import FetchPolicy

    default = FetchPolicy()
    p.add_argument("--delay", type=float, default=default.delay,
                   help=f"seconds between requests to one host (default: {default.delay:g}; more if robots.txt asks)")
    p.add_argument("--timeout", type=float, default=default.timeout,
                   help=f"seconds to wait for a server (default: {default.timeout:g})")
    p.add_argument("--retries", type=int, default=default.retries,
                   help=f"further tries after a timeout, 429 or 5xx, with back-off (default: {default.retries})")
    p.add_argument("--max-mb", type=float, default=default.max_bytes / 1024 / 1024,
                   help=f"largest page read, in MB (default: {default.max_bytes // 1024 // 1024})")
    p.add_argument("--user-agent", help="the User-Agent header (default: conflict-kg/VERSION …)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg",
                                     description="conflict-kg: news about armed conflict as a knowledge graph")
    parser.add_argument("--version", action="version", version=f"conflict-kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_store(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--store", help="store directory, or the http(s) URL of a SPARQL 1.1 endpoint "
                                       "(default: $CKG_STORE or ./kg-store)")
        return p

    p = with_store(sub.add_parser("build", help="build the graph from files and folders"))
    p.add_argument("paths", nargs="+", help=".txt, .jsonl, .html files or folders")
    p.add_argument("--pack", action="append", type=Path, metavar="FILE",
                   help="a conflict pack (Turtle, docs/packs.md) to build with; repeatable; kept in the store")
    p.add_argument("--prune", action="store_true", help="remove documents that are not among the inputs")
    p.add_argument("--workers", type=int, default=1,
                   help="extraction processes on this machine (0: one per core); the same graph")
    p.add_argument("--executor", metavar="dask://HOST:PORT", type=_executor_arg,
                   help="extract on a Dask cluster instead of this machine; the same graph")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_build)
    server_help = ("write through the running kg serve at this URL (its POST /documents and DELETE /documents; "
                   "the token from $CKG_API_TOKEN) instead of opening the store, which the server holds")
    p = with_store(sub.add_parser("add", help="add or update documents (unchanged ones are skipped): files, "
                                              "folders, URLs, --urls FILE, FILE.warc.gz"))
    p.add_argument("paths", nargs="*", help=".txt, .jsonl, .html files or folders, http(s) URLs of pages, "
                                            ".warc/.warc.gz web archives")
    p.add_argument("--server", metavar="URL", help=server_help)
    p.add_argument("--pack", action="append", type=Path, metavar="FILE",
                   help="a conflict pack to add to the store and build with; repeatable")
    p.add_argument("--workers", type=int, default=1,
                   help="extraction processes on this machine (0: one per core); the same graph")
    p.add_argument("--executor", metavar="dask://HOST:PORT", type=_executor_arg,
                   help="extract on a Dask cluster instead of this machine; the same graph")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--urls", action="append", metavar="FILE",
                   help="a list of page URLs: one a line, or a CSV/TSV with a URL column (e.g. GDELT's SOURCEURL)")
    _fetch_options(p)
    p.set_defaults(func=cmd_add)
    p = with_store(sub.add_parser("watch", help="poll RSS/Atom feeds and add the pages of new items"))
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed URLs")
    p.add_argument("--interval", type=float, default=900.0, help="seconds between polls (default: 900)")
    p.add_argument("--polls", type=int, help="stop after this many polls (default: run until interrupted)")
    p.add_argument("--pack", action="append", type=Path, metavar="FILE",
                   help="a conflict pack to add to the store and build with; repeatable")
    p.add_argument("--server", metavar="URL", help=server_help)
    p.add_argument("-q", "--quiet", action="store_true")
    _fetch_options(p)
    p.set_defaults(func=cmd_watch)
    p = sub.add_parser("suggest-pack", help="frequent unlinked names of a corpus, to start a conflict pack")
    p.add_argument("paths", nargs="+", help=".txt, .jsonl, .html files or folders")
    p.add_argument("--pack", action="append", type=Path, metavar="FILE", help="packs already written for it")
    p.add_argument("--top", type=int, default=50, help="how many names (default 50)")
    p.add_argument("--ttl", action="store_true", help="print a Turtle skeleton of a pack instead of TSV")
    p.set_defaults(func=cmd_suggest_pack)
    p = with_store(sub.add_parser("link", help="link unlinked persons and organisations to Wikidata "
                                               "(W3C reconciliation service; needs the network)"))
    p.add_argument("--service", default="https://wikidata.reconci.link/en/api",
                   help="reconciliation endpoint (default: the Wikidata reconciliation service)")
    p.add_argument("--links", type=Path, help="links file to write (default: $CKG_LINKS or ./kg-links.tsv)")
    p.add_argument("--min-score", type=float, default=80.0, help="lowest score accepted without a match flag")
    p.set_defaults(func=cmd_link)
    p = with_store(sub.add_parser("remove", help="remove documents by id"))
    p.add_argument("doc_ids", nargs="+")
    p.add_argument("--server", metavar="URL", help=server_help)
    p.set_defaults(func=cmd_remove)
    p = with_store(sub.add_parser("query", help="run a SPARQL query (text or file) over the union graph"))
    p.add_argument("query")
    p.add_argument("--format", choices=RESULT_FORMATS + GRAPH_FORMATS, default="table")
    p.set_defaults(func=cmd_query)
    p = with_store(sub.add_parser("dump", help="write the whole graph, deterministically sorted"))
    p.add_argument("--format", choices=sorted(DUMP_FORMATS), default="nq")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=cmd_dump)
    p = with_store(sub.add_parser("export", help="events as rows: csv, gdelt (TSV) or acled (CSV)"))
    p.add_argument("--format", choices=("csv", "gdelt", "acled"), default="csv")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=cmd_export)
    p = with_store(sub.add_parser("validate", help="check the graph against the SHACL shapes"))
    p.set_defaults(func=cmd_validate)
    p = with_store(sub.add_parser("stats", help="counts by kind and per graph"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)
    p = with_store(sub.add_parser("serve", help="serve the HTTP API and SPARQL endpoint"))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (InputError, StoreLockedError, ModelNotFoundError, RemoteStoreError, QueryTimeoutError, CliError) as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:  # a setting (CKG_…): one line, named as the user gives it
        for error in exc.errors():
            name = "CKG_" + "_".join(str(part) for part in error["loc"]).upper()
            print(f"kg: error: {name}: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kg: interrupted; documents reported done are stored", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
