"""The ``kg`` command line: build, add, remove, query, dump, validate, stats, serve.

Every failure the user can cause (a bad file, a locked store, a bad query) ends with one
line on stderr, ``kg: error: …``, and a non-zero exit status; nothing is half-written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

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


def cmd_build(args: argparse.Namespace) -> int:
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


def cmd_suggest_pack(args: argparse.Namespace) -> int:
    """The most frequent names no curated or world entity links, with their likely type and a
    context, to start a conflict pack (TSV, or Turtle with --ttl)."""
    from collections import Counter

    from kg.build import make_extractor
    from kg.ids import Iris, slugify

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
        print("@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
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
    settings = _settings(args)
    builder = Builder(open_store(settings), settings)
    missing = [doc_id for doc_id in args.doc_ids if not builder.remove(doc_id)]
    if missing:
        raise CliError(f"no such document: {', '.join(missing)}")
    print(f"removed {len(args.doc_ids)} document(s)", file=sys.stderr)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    text = args.query
    if not text.lstrip().upper().startswith(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "#")) \
            and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    store = open_store(_settings(args), read_only=False)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise CliError(f"bad SPARQL: {exc}") from exc
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        fmt = args.format if args.format in GRAPH_FORMATS else "ttl"
        from kg.store import dump_quads

        dump_quads(sorted(result, key=str), fmt if fmt not in ("trig", "nq", "jsonld") else "ttl", out,
                   base=store.iris.base)
        return 0
    if isinstance(result, ox.QueryBoolean):
        if args.format in ("json", "xml", "csv", "tsv"):
            out.write(result.serialize(format=_results_format(args.format)) or b"")
        else:
            print("true" if bool(result) else "false")
        return 0
    if args.format == "table":
        variables = [v.value for v in result.variables]
        rows = [[_cell(s[v]) for v in variables] for s in result]
        widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
        print("  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        print(f"({len(rows)} rows)", file=sys.stderr)
        return 0
    out.write(result.serialize(format=_results_format(args.format)) or b"")
    return 0


def _results_format(name: str):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[name]


def _cell(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def cmd_dump(args: argparse.Namespace) -> int:
    store = open_store(_settings(args))
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

    store = open_store(_settings(args))
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
    result = validate_store(open_store(settings), settings.ontology_dir / "shapes.ttl")
    if result.conforms:
        print("conforms: the graph satisfies ontology/shapes.ttl")
        return 0
    print(result.report)
    print(f"kg: error: {result.violations} SHACL violation(s)", file=sys.stderr)
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    stats = open_store(_settings(args)).stats()
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
    p.add_argument("--executor", metavar="dask://HOST:PORT",
                   help="extract on a Dask cluster instead of this machine; the same graph")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_build)
    p = with_store(sub.add_parser("add", help="add or update documents (unchanged ones are skipped)"))
    p.add_argument("paths", nargs="+")
    p.add_argument("--pack", action="append", type=Path, metavar="FILE",
                   help="a conflict pack to add to the store and build with; repeatable")
    p.add_argument("--workers", type=int, default=1,
                   help="extraction processes on this machine (0: one per core); the same graph")
    p.add_argument("--executor", metavar="dask://HOST:PORT",
                   help="extract on a Dask cluster instead of this machine; the same graph")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_build)
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
