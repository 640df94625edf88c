"""Serve an N-Quads file with rdflib-endpoint (the Python peer), on loopback.

    bench/.peers/bin/python bench/rdflib_endpoint_server.py DUMP.nq --port P

Runs in the separate peers venv (bench/.peers), never in ours. Loads the file into an
``rdflib.Dataset(default_union=True)`` (so the default graph is the union of the named
graphs, as in the other two servers), builds the app with rdflib-endpoint's public
``SparqlEndpoint(graph=..., path="/sparql")`` and runs it with uvicorn (one process, the
same uvicorn as ``kg serve``). Prints ``ready`` once the data is loaded, before serving.
"""

from __future__ import annotations

import argparse
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump")
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    import rdflib
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(args.dump, format="nquads")
    print(f"loaded {len(dataset)} triples in the union graph in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="bench peer", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
