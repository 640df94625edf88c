"""kg link: Wikidata links through a W3C reconciliation service (a local one, started here), kept
in a links file that every later build reads offline."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.conftest import ROOT, run_kg

# What our little service knows: name -> candidates (id, name, score, match, types)
CANDIDATES = {
    "olesya vartanyan": [{"id": "Q98765431", "name": "Olesya Vartanyan", "score": 100, "match": True}],
    "defense relief council": [{"id": "Q111", "name": "Defense", "score": 60, "match": False},
                {"id": "Q112", "name": "Defence", "score": 55, "match": False}],
}


class _Service(BaseHTTPRequestHandler):
    seen: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        queries = json.loads(parse_qs(body)["queries"][0])
        _Service.seen.extend(queries.values())
        answer = {key: {"result": CANDIDATES.get(q["query"].lower(), [])} for key, q in queries.items()}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()


def test_link_writes_accepted_links_and_the_build_uses_them_offline(service: str, tmp_path: Path) -> None:
    store, links = tmp_path / "store", tmp_path / "links.tsv"
    own = tmp_path / "own.txt"  # an organisation no pack or world table knows
    own.write_text("The Defense Relief Council said on Monday that two of its workers were hurt.\n", encoding="utf-8")
    seeds = [str(ROOT / "seeds" / "003_c0cb85075c205c63.txt"), str(ROOT / "seeds" / "002_228b463ea7424d8f.txt"),
             str(own)]
    run_kg("build", *seeds, store=store, env={"CKG_LINKS": str(links)})
    proc = run_kg("link", "--service", service, "--links", str(links), store=store, env={"CKG_LINKS": str(links)})
    assert "linked" in proc.stderr
    rows = links.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "name\tqid\tlabel\ttype\tscore"
    assert any(r.startswith("Olesya Vartanyan\tQ98765431\t") for r in rows)
    assert not any("Q111" in r for r in rows)  # a weak candidate, barely ahead, is not accepted
    types = {q.get("type") for q in _Service.seen}
    assert {"Q5", "Q43229"} <= types  # persons are asked about as humans, organisations as organisations
    # the service is gone: the next build links from the file alone
    rebuilt = tmp_path / "rebuilt"
    run_kg("build", *seeds, store=rebuilt, env={"CKG_LINKS": str(links)})
    out = run_kg("query", 'SELECT ?w WHERE { ?e rdfs:label "Olesya Vartanyan"@en ; owl:sameAs ?w }',
                 "--format", "csv", store=rebuilt).stdout
    assert "http://www.wikidata.org/entity/Q98765431" in out


def test_link_with_the_service_unreachable_is_one_line(tmp_path: Path) -> None:
    store, own = tmp_path / "store", tmp_path / "own.txt"
    own.write_text("The Defense Relief Council said on Monday that two of its workers were hurt.\n", encoding="utf-8")
    run_kg("build", str(ROOT / "seeds" / "003_c0cb85075c205c63.txt"), str(own), store=store)
    proc = run_kg("link", "--service", "http://127.0.0.1:9/api", "--links", str(tmp_path / "l.tsv"), store=store,
                  check=False)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "reconciliation service" in proc.stderr
    assert not (tmp_path / "l.tsv").exists()


def test_a_malformed_links_file_is_refused_with_its_line(tmp_path: Path) -> None:
    links = tmp_path / "links.tsv"
    links.write_text("name\tqid\tlabel\ttype\tscore\nSomeone\tnot-a-qid\t\tPerson\t1\n", encoding="utf-8")
    proc = run_kg("build", str(ROOT / "seeds" / "003_c0cb85075c205c63.txt"), store=tmp_path / "s",
                  env={"CKG_LINKS": str(links)}, check=False)
    assert proc.returncode == 1 and f"{links}" in proc.stderr and ":2:" in proc.stderr
