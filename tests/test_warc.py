"""kg add FILE.warc.gz: the HTML responses of a web archive (written here with warcio), with the
archived URL as the source and the archive date standing in for a date the page does not give."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import run_kg
from tests.newsweb import article_html

ARCHIVED = "http://archived.test"


def _record(writer: WARCWriter, url: str, body: bytes, *, ctype: str = "text/html; charset=utf-8",
            status: str = "200 OK", date: str = "2020-10-05T12:00:00Z") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def write_warc(path: Path) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warc_record(f"{ARCHIVED}/", "warcinfo", payload=io.BytesIO(b"software: test"))
        writer.write_record(info)
        _record(writer, f"{ARCHIVED}/news/story-0.html",
                article_html(0, base=ARCHIVED, path="/news/story-0.html"))
        _record(writer, f"{ARCHIVED}/nodate/story.html",  # states no date: the archive's stands in
                article_html(1, base=ARCHIVED, path="/nodate/story.html", hide_date=True), date="2020-10-06T08:00:00Z")
        _record(writer, f"{ARCHIVED}/photo.jpg", b"\xff\xd8\xff", ctype="image/jpeg")
        _record(writer, f"{ARCHIVED}/gone.html", b"<h1>Not found</h1>", status="404 Not Found")
        _record(writer, f"{ARCHIVED}/german.html", article_html(0, base=ARCHIVED, path="/german.html", lang="de"))


def test_warc_html_responses_become_documents(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    store = tmp_path / "store"
    proc = run_kg("add", str(warc), store=store)
    lines = proc.stderr.splitlines()
    assert [line for line in lines if line.startswith("kg: failed: ")] == [
        f"kg: failed: {ARCHIVED}/german.html: the page is in another language ('de'), not English: not read"]
    assert lines[-1].startswith("2 added, 0 replaced, 0 unchanged, 1 failed, 0 already stored")
    db = ox.Store.read_only(str(store))
    rows = db.query("""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?src ?date ?title WHERE { GRAPH ?g { ?d dcterms:source ?src ; dcterms:date ?date ;
        dcterms:title ?title FILTER(isIRI(?src)) } } ORDER BY ?src""")
    assert [(r["src"].value, r["date"].value, r["title"].value) for r in rows] == [  # type: ignore[union-attr]
        (f"{ARCHIVED}/news/story-0.html", "2020-10-09", "Ceasefire talks resume in Geneva"),
        (f"{ARCHIVED}/nodate/story.html", "2020-10-06", "Shelling hits Stepanakert overnight"),
    ]
    again = run_kg("add", str(warc), store=store)
    assert "2 already stored" in again.stderr.splitlines()[-1]


def test_a_file_that_is_not_a_warc_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes(b"this is not an archive\n" * 10)
    proc = run_kg("add", str(bad), store=tmp_path / "store", check=False)
    assert proc.returncode == 1
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"kg: error: {bad}: not a WARC file")
