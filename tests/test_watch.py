"""kg watch FEED…: a feed on the loopback that grows between polls; new items added, a summary line
per poll, what the store holds never added twice (across a killed and restarted watch), and a
watch beside kg serve on the same (remote) store, whose endpoint and pages show the news as it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.reader import doc_id_for_url
from tests.conftest import EPOCH, KG, ROOT, run_kg, start_server, stop_server
from tests.newsweb import NewsSite, serve

STEPS = [["/news/story-0.html", "/news/story-1.html"],
         ["/news/story-0.html", "/news/story-1.html", "/news/story-2.html", "/private/story-9.html"]]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    yield from serve(NewsSite(feed_steps=STEPS))


def _sources(store: Path) -> list[str]:
    db = ox.Store.read_only(str(store))
    rows = db.query("""SELECT ?u WHERE { GRAPH ?g { ?d a <https://w3id.org/conflict-kg/ontology#Document> ;
                       <http://purl.org/dc/terms/source> ?u FILTER(isIRI(?u)) } }
                       ORDER BY ?u""")
    return [r["u"].value for r in rows]  # type: ignore[union-attr]


def test_watch_adds_new_items_and_a_restart_adds_nothing_twice(site: NewsSite, tmp_path: Path) -> None:
    store = tmp_path / "store"
    feed = f"{site.base}/feed.xml"
    env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.Popen([*KG, "watch", feed, "--interval", "1", "--delay", "0"], env=env, cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    polls: list[str] = []
    deadline = time.monotonic() + 240
    while len(polls) < 3 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith("kg watch: poll "):
            polls.append(line.strip())
    proc.send_signal(signal.SIGKILL)  # a watch is stopped by killing it
    proc.wait(timeout=30)
    assert polls == ["kg watch: poll 1: 2 items, 2 new, 2 added, 0 failed",
                     "kg watch: poll 2: 4 items, 2 new, 1 added, 1 failed",
                     "kg watch: poll 3: 4 items, 0 new, 0 added, 0 failed"]
    assert site.hits["/feed.xml 304"] == 1  # the unchanged feed was asked for with its ETag
    pages = [f"{site.base}{p}" for p in STEPS[1][:3]]
    assert _sources(store) == pages
    assert site.hits["/private/story-9.html"] == 0  # robots.txt disallows it

    restarted = run_kg("watch", feed, "--polls", "1", "--delay", "0", store=store)
    assert "kg watch: poll 1: 4 items, 1 new, 0 added, 1 failed" in restarted.stderr.splitlines()
    assert all(site.hits[p] == 1 for p in STEPS[1][:3])  # nothing stored was fetched again
    assert _sources(store) == pages


def test_watch_beside_kg_serve_on_one_store(site: NewsSite, tmp_path: Path) -> None:
    """kg serve holds an embedded store; both processes share an Oxigraph server instead, and the
    endpoint and pages show what the watch adds."""
    from tests.test_remote import _oxigraph

    oxigraph, remote = _oxigraph(tmp_path / "data", "--union-default-graph")
    server = None
    try:
        run_kg("watch", f"{site.base}/feed.xml", "--polls", "1", "--delay", "0", "--store", remote,
               store=Path("unused"))
        server, base = start_server(tmp_path / "unused", {"CKG_STORE": remote})
        story = doc_id_for_url(f"{site.base}/news/story-0.html")
        page = httpx.get(f"{base}/id/doc/{story}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Ceasefire talks resume in Geneva" in page.text
        run_kg("watch", f"{site.base}/feed.xml", "--polls", "1", "--delay", "0", "--store", remote,
               store=Path("unused"))  # the feed has grown: the running server shows the new item
        newer = doc_id_for_url(f"{site.base}/news/story-2.html")
        r = httpx.get(f"{base}/sparql", params={"query": f"ASK {{ ?d <http://purl.org/dc/terms/identifier> "
                                                          f'"{newer}" }}'},
                      headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["boolean"] is True
    finally:
        if server is not None:
            stop_server(server)
        stop_server(oxigraph)


def test_watch_through_a_running_kg_serve(site: NewsSite, tmp_path: Path) -> None:
    """--server URL: the pages go to the server's POST /documents (with the token), and what is
    stored is asked of its /sparql, so a restarted watch and kg add URL --server add nothing twice."""
    from tests.conftest import TOKEN

    server, base = start_server(tmp_path / "store", {"CKG_API_TOKEN": TOKEN})
    env = {"CKG_API_TOKEN": TOKEN}
    try:
        first = run_kg("watch", f"{site.base}/feed.xml", "--polls", "1", "--delay", "0", "--server", base,
                       store=tmp_path / "unused", env=env)
        assert "kg watch: poll 1: 2 items, 2 new, 2 added, 0 failed" in first.stderr.splitlines()
        story = doc_id_for_url(f"{site.base}/news/story-0.html")
        page = httpx.get(f"{base}/id/doc/{story}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Ceasefire talks resume in Geneva" in page.text
        second = run_kg("watch", f"{site.base}/feed.xml", "--polls", "1", "--delay", "0", "--server", base,
                        store=tmp_path / "unused", env=env)
        assert "kg watch: poll 1: 4 items, 2 new, 1 added, 1 failed" in second.stderr.splitlines()
        again = run_kg("add", f"{site.base}/news/story-0.html", "--server", base, store=tmp_path / "unused", env=env)
        assert "0 added, 0 replaced, 0 unchanged, 0 failed, 1 already stored" in again.stderr.splitlines()[-1]
        assert site.hits["/news/story-0.html"] == 1
    finally:
        stop_server(server)
