"""kg add URL… and kg add --urls FILE against a real HTTP server on the loopback (tests/newsweb.py):
robots.txt, retries, timeouts, redirects, the size cap, one line per failing page, stable ids, page
metadata in the graph, a killed run resumed without fetching again, and no network unless asked."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError
from kg.fetch import read_url_list
from kg.reader import doc_id_for_url, parse_html
from tests.conftest import EPOCH, KG, ROOT, run_kg
from tests.newsweb import NewsSite, article_html, serve

FAST = ["--delay", "0", "--timeout", "1", "--retries", "1", "--max-mb", "1"]
PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> PREFIX schema: <https://schema.org/>
"""


@pytest.fixture
def site() -> Iterator[NewsSite]:
    yield from serve(NewsSite())


def _documents(store: Path) -> dict[str, dict[str, list[str]]]:
    """Every document's metadata (not its text), by id, read from the store on disk."""
    db = ox.Store.read_only(str(store))
    out: dict[str, dict[str, list[str]]] = {}
    rows = db.query(PREFIXES + """SELECT ?id ?p ?o WHERE { GRAPH ?g { ?d a ckg:Document ; dcterms:identifier ?id ;
        ?p ?o } }""")
    for row in rows:  # type: ignore[union-attr]
        name = row["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        out.setdefault(row["id"].value, {}).setdefault(name, []).append(row["o"].value)
    for values in out.values():
        for v in values.values():
            v.sort()
    return out


def test_pages_are_fetched_politely_and_each_failure_is_one_line(site: NewsSite, tmp_path: Path) -> None:
    b = site.base
    failing = {"/private/secret.html": "disallowed by robots.txt", "/german.html": "another language ('de')",
               "/slow.html": "no answer within 1 s (after 2 tries)", "/broken.html": "HTTP 500",
               "/huge.html": "more than the 1048576 allowed", "/missing": "HTTP 404",
               "/photo.jpg": "content type 'image/jpeg'"}
    urls = [f"{b}/news/story-0.html", *(b + p for p in failing), f"{b}/moved", f"{b}/flaky.html"]
    proc = run_kg("add", *urls, *FAST, store=tmp_path / "store")
    lines = proc.stderr.splitlines()
    failed = [line for line in lines if line.startswith("kg: failed: ")]
    assert len(failed) == len(failing)
    for path, problem in failing.items():
        assert any(line.startswith(f"kg: failed: {b}{path}: ") and problem in line for line in failed), path
    assert lines[-1].startswith("3 added, 0 replaced, 0 unchanged, 7 failed, 0 already stored")
    # robots.txt read once and obeyed; a 500 and a timeout retried once; a 503 then 200 recovered
    assert site.hits["/robots.txt"] == 1 and site.hits["/private/secret.html"] == 0
    assert site.hits["/broken.html"] == 2 and site.hits["/flaky.html"] == 2
    assert {agent.split(" ")[0] for agent in site.agents} == {"conflict-kg/0.1.0"}

    docs = _documents(tmp_path / "store")
    story = doc_id_for_url(f"{b}/news/story-0.html")
    moved = doc_id_for_url(f"{b}/news/story-3.html")  # the id comes from the page's canonical URL
    assert set(docs) == {story, moved, doc_id_for_url(f"{b}/flaky.html")}
    assert docs[story]["source"] == sorted(["Loopback News", f"{b}/news/story-0.html"])
    assert docs[story]["title"] == ["Ceasefire talks resume in Geneva"]
    assert docs[story]["date"] == ["2020-10-09"]
    assert docs[story]["creator"] == ["Anna Petrosyan"] and docs[story]["language"] == ["en"]
    assert docs[story]["canonicalUrl"] == [f"{b}/news/story-0.html"]
    assert f"{b}/moved" in docs[moved]["source"] and docs[moved]["canonicalUrl"] == [f"{b}/news/story-3.html"]

    db = ox.Store.read_only(str(tmp_path / "store"))
    (row,) = db.query(PREFIXES + f'SELECT ?t WHERE {{ GRAPH ?g {{ ?d dcterms:identifier "{story}" ; '
                                 "nif:isString ?t } }")  # type: ignore[misc]
    text = row["t"].value
    assert text.startswith("Ceasefire talks resume in Geneva\n\nForeign ministers of Armenia and Azerbaijan met")
    assert text.endswith("shelling continued overnight near the front line.")
    for noise in ("Read also", "caption", "Most read", "Home", "Copyright", "By Anna"):
        assert noise not in text
    assert "conforms" in run_kg("validate", store=tmp_path / "store").stdout  # the new terms meet the shapes


def test_a_killed_url_list_resumes_without_fetching_what_is_stored(tmp_path: Path) -> None:
    site_iter = serve(NewsSite(page_delay=0.4))
    site = next(site_iter)
    try:
        listing = tmp_path / "urls.txt"
        urls = [f"{site.base}/news/story-{n}.html" for n in range(8)]
        listing.write_text("# pages to read\n" + "\n".join(urls) + "\n" + urls[0] + "\n")
        store = tmp_path / "store"
        env = {**os.environ, "CKG_STORE": str(store), "SOURCE_DATE_EPOCH": EPOCH}
        proc = subprocess.Popen([*KG, "add", "--urls", str(listing), "--delay", "0"], env=env, cwd=ROOT,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        added: list[str] = []
        deadline = time.monotonic() + 240
        while len(added) < 2 and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if " added " in line:
                added.append(line.split()[-1])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert len(added) >= 2, "the first run stored nothing before it was killed"
        first_hits = dict(site.hits)

        resumed = run_kg("add", "--urls", str(listing), "--delay", "0", store=store)
        summary = resumed.stderr.splitlines()[-1]
        stored_before = int(summary.split(" failed, ")[1].split()[0])
        assert stored_before >= len(added)
        assert len(_documents(store)) == 8
        for n, url in enumerate(urls):
            path = url[len(site.base):]
            if doc_id_for_url(url) in added:  # stored by the killed run: not fetched again
                assert site.hits[path] == first_hits[path] == 1, path
            else:
                assert site.hits[path] >= 1, n
        again = run_kg("add", "--urls", str(listing), "--delay", "0", store=store)
        assert again.stderr.splitlines()[-1].startswith("0 added, 0 replaced, 0 unchanged, 0 failed, 8 already stored")
    finally:
        site_iter.close()


def test_url_lists_plain_csv_and_gdelt(tmp_path: Path) -> None:
    plain = tmp_path / "urls.txt"
    plain.write_text("# a comment\nhttps://a.test/1\n\nhttps://a.test/2\nhttps://a.test/1\n")
    assert read_url_list(plain) == ["https://a.test/1", "https://a.test/2"]
    media_cloud = tmp_path / "export.csv"
    media_cloud.write_text('stories_id,publish_date,title,URL\n1,2020-10-04,"Shelling, again",https://b.test/x\n'
                           "2,2020-10-05,Talks,https://b.test/y\n")
    assert read_url_list(media_cloud) == ["https://b.test/x", "https://b.test/y"]
    gdelt = tmp_path / "20201004.export.CSV"  # GDELT 2.0 events: tab-separated, no header, SOURCEURL last
    row = ["959040771", "20201004", "202010", "2020", "2020.7589", *[""] * 55, "https://c.test/story?id=3"]
    gdelt.write_text("\t".join(row) + "\n" + "\t".join([*row[:-1], "https://c.test/other"]) + "\n")
    assert read_url_list(gdelt) == ["https://c.test/story?id=3", "https://c.test/other"]
    headed = tmp_path / "gdelt-with-header.tsv"
    headed.write_text("GLOBALEVENTID\tSQLDATE\tSOURCEURL\n1\t20201004\thttps://d.test/a\n")
    assert read_url_list(headed) == ["https://d.test/a"]
    for bad, problem in (("ftp://e.test/x\n", r"not an http\(s\) URL"), ("# nothing\n\n", "no URLs")):
        path = tmp_path / "bad.txt"
        path.write_text(bad)
        with pytest.raises(InputError, match=problem):
            read_url_list(path)


def test_the_id_of_a_page_is_its_canonical_url_and_stable() -> None:
    assert doc_id_for_url("https://www.Example.org:443/world/2020/ceasefire-talks-resume.html?utm_source=rss#top") \
        == doc_id_for_url("https://www.example.org/world/2020/ceasefire-talks-resume.html")
    doc_id = doc_id_for_url("https://www.example.org/world/2020/ceasefire-talks-resume.html")
    assert doc_id.startswith("www.example.org-ceasefire-talks-resume-") and "/" not in doc_id
    assert doc_id_for_url("https://www.example.org/world/?id=1") != doc_id_for_url("https://www.example.org/world/?id=2")


@pytest.mark.parametrize("hidden", [
    "<p class='dateline'>Published on 4 October 2020</p>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-10-04T08:00:00Z"}</script>',
])
def test_a_date_the_page_hides_is_found(hidden: str) -> None:
    page = article_html(1, base="http://x.test", path="/p", hide_date=True).decode().replace("<h1>", hidden + "<h1>")
    assert parse_html(page.encode(), url="http://x.test/p").date is not None
    assert parse_html(page.encode(), url="http://x.test/p").date.isoformat() == "2020-10-04"  # type: ignore[union-attr]


def test_reading_files_reaches_no_network(site: NewsSite, tmp_path: Path) -> None:
    """A saved page names the site in its canonical link, images and links: nothing is fetched."""
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "story.html").write_bytes(article_html(2, base=site.base, path="/news/story-2.html"))
    run_kg("add", str(folder / "story.html"), store=tmp_path / "store")
    run_kg("build", str(folder), store=tmp_path / "store")
    assert sum(site.hits.values()) == 0
    docs = _documents(tmp_path / "store")
    assert docs["story"]["title"] == ["Drone strike reported near Fuzuli"]
    assert docs["story"]["canonicalUrl"] == [f"{site.base}/news/story-2.html"]


def test_a_page_in_another_language_is_reported_not_read() -> None:
    with pytest.raises(InputError) as info:
        parse_html(article_html(0, base="http://x.test", path="/de", lang="de"), url="http://x.test/de")
    assert str(info.value) == "<html>: the page is in another language ('de'), not English: not read"


def test_the_headline_is_the_one_the_reader_sees() -> None:
    page = article_html(3, base="http://x.test", path="/p").decode()
    tagged = page.replace("<title>Mediators call for humanitarian truce | Loopback News</title>",
                          "<title>Truce call | World | Loopback News</title>"
                          '<meta property="og:title" content="Mediators urge a humanitarian truce">')
    assert parse_html(tagged.encode(), url="http://x.test/p").title == "Mediators call for humanitarian truce"
    no_h1 = page.replace("<h1>Mediators call for humanitarian truce</h1>", "")
    assert parse_html(no_h1.encode(), url="http://x.test/p").title == "Mediators call for humanitarian truce"
