"""A small news site on the loopback for the fetch, watch and WARC tests: article pages, a
robots.txt, a feed that grows between polls, slow, failing, flaky, huge and redirecting URLs.
Every request is counted, so tests can prove what was (not) fetched."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODIES = [
    ("Ceasefire talks resume in Geneva", "2020-10-09", "Anna Petrosyan",
     "Foreign ministers of Armenia and Azerbaijan met in Geneva on Friday to discuss a ceasefire, officials said. "
     "The talks were mediated by the OSCE Minsk Group and lasted more than ten hours. "
     "A spokesman for the Armenian foreign ministry said the two sides agreed to exchange prisoners and bodies. "
     "The ministry of defence of Azerbaijan said shelling continued overnight near the front line."),
    ("Shelling hits Stepanakert overnight", "2020-10-04", "Lilit Markosyan",
     "Shelling hit Stepanakert overnight, the de facto authorities of Nagorno-Karabakh said on Sunday. "
     "Two civilians were killed and eleven wounded in the attack, according to a statement. "
     "Azerbaijan's defence ministry denied targeting civilians and said its forces returned fire. "
     "Residents spent the night in basements as sirens sounded across the city."),
    ("Drone strike reported near Fuzuli", "2020-10-17", "Rashad Aliyev",
     "A drone strike destroyed an air defence system near Fuzuli, the Azerbaijani defence ministry said on Saturday. "
     "Armenian officials said the claim was false and that their forces had repelled an attack in the area. "
     "Independent observers could not verify either account. The fighting has killed hundreds of people since "
     "the end of September, officials on both sides have said."),
    ("Mediators call for humanitarian truce", "2020-10-26", "Sarah Jones",
     "The United States, France and Russia called on Armenia and Azerbaijan to respect a humanitarian truce "
     "that took effect on Monday morning. Within hours both sides accused each other of violating it. "
     "The co-chairs of the OSCE Minsk Group said they would meet the foreign ministers again in Geneva. "
     "Aid agencies said thousands of families had fled their homes."),
    ("Prisoners exchanged after talks", "2020-11-20", "Hayk Grigoryan",
     "Armenia and Azerbaijan exchanged prisoners of war on Friday under the terms of a truce agreed this month, "
     "the International Committee of the Red Cross said. Forty-four people were returned to Armenia and twelve "
     "to Azerbaijan, officials said. The exchange was the first since the fighting ended and followed weeks of "
     "negotiations between the two governments."),
]

GERMAN = ("Die Außenminister Armeniens und Aserbaidschans haben sich am Freitag in Genf getroffen, um über eine "
          "Waffenruhe zu sprechen. Die Gespräche dauerten mehr als zehn Stunden, teilte ein Sprecher mit. Beide "
          "Seiten vereinbarten einen Austausch von Gefangenen, hieß es aus dem Außenministerium in Eriwan.")


def article_html(i: int, *, base: str, path: str, hide_date: bool = False, lang: str = "en") -> bytes:
    """A news page as outlets publish them: navigation, a byline, a caption and a "Read also" link
    around the story; canonical URL, site name, author and date in the head."""
    title, date, author, body = BODIES[i % len(BODIES)]
    if lang != "en":
        title, body = "Gespräche über eine Waffenruhe", GERMAN
    sentences = [s.strip().rstrip(".") for s in body.split(". ") if s.strip(". ")]
    paragraphs = "".join(f"<p>{s}.</p>" for s in sentences)
    date_meta = "" if hide_date else f'<meta property="article:published_time" content="{date}T09:30:00Z">'
    byline_date = "" if hide_date else f'<time datetime="{date}">{date}</time>'
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | Loopback News</title>
<link rel="canonical" href="{base}{path}">
<meta property="og:site_name" content="Loopback News"><meta name="author" content="{author}">
{date_meta}</head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {author} {byline_date}</p>
<figure><img src="/photo.jpg" alt=""><figcaption>A photo caption that is not part of the story.</figcaption></figure>
{paragraphs}<p><a href="/other">Read also: Ten things to know about the region</a></p></article></main>
<aside><h3>Most read</h3><ul><li><a href="/x">Something else entirely happened today</a></li></ul></aside>
<footer>Copyright Loopback News. All rights reserved.</footer></body></html>""".encode()


def feed_xml(base: str, paths: list[str]) -> bytes:
    items = "".join(f"""<item><title>{BODIES[i % len(BODIES)][0]}</title><link>{base}{path}</link>
<guid>{base}{path}</guid><pubDate>Mon, 0{1 + i % 9} Nov 2020 10:00:00 GMT</pubDate></item>"""
                    for i, path in enumerate(paths))
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loopback News</title>
<link>{base}/</link><description>World news</description>{items}</channel></rss>""".encode()


@dataclass
class NewsSite:
    """The site; ``hits`` counts requests per path, ``agents`` the User-Agent headers seen."""

    page_delay: float = 0.0  # seconds every article page takes (for kill-and-resume)
    feed_steps: list[list[str]] = field(default_factory=list)  # paths listed by the 1st, 2nd… feed request
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    base: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def respond(self, path: str, etag: str | None = None) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.hits[path] += 1
            count = self.hits[path]
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path.startswith("/news/"):
            number = int(path.rsplit("-", 1)[-1].split(".")[0])
            if self.page_delay:
                time.sleep(self.page_delay)
            return 200, html, article_html(number, base=self.base, path=path)
        if path.startswith("/nodate/"):
            return 200, html, article_html(1, base=self.base, path=path, hide_date=True)
        if path.startswith("/private/"):
            return 200, html, article_html(0, base=self.base, path=path)
        if path == "/german.html":
            return 200, html, article_html(0, base=self.base, path=path, lang="de")
        if path == "/moved":
            return 301, {"Location": "/news/story-3.html"}, b""
        if path == "/slow.html":
            time.sleep(3)
            return 200, html, article_html(0, base=self.base, path=path)
        if path == "/broken.html":
            return 500, html, b"<h1>Internal Server Error</h1>"
        if path == "/flaky.html":  # fails once, then works
            if count == 1:
                return 503, {"Retry-After": "0", **html}, b"busy"
            return 200, html, article_html(4, base=self.base, path=path)
        if path == "/huge.html":
            return 200, html, b"<html><body>" + b"<p>words words words</p>" * 200_000 + b"</body></html>"
        if path == "/photo.jpg":
            return 200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff"
        if path == "/feed.xml":
            steps = self.feed_steps or [[]]
            body = feed_xml(self.base, steps[min(count, len(steps)) - 1])
            tag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            if etag == tag:  # a conditional GET of an unchanged feed
                self.hits["/feed.xml 304"] += 1
                return 304, {"ETag": tag}, b""
            return 200, {"Content-Type": "application/rss+xml", "ETag": tag}, body
        return 404, html, b"<h1>Not found</h1>"


def serve(site: NewsSite) -> Iterator[NewsSite]:
    """Run ``site`` on a free loopback port until the generator is closed."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            site.agents.add(self.headers.get("User-Agent", ""))
            status, headers, body = site.respond(self.path.split("?")[0], self.headers.get("If-None-Match"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
