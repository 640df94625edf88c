"""News from the web: fetch pages politely (``kg add URL…``, ``kg add --urls FILE``, ``kg watch``).

:class:`Fetcher` is the one HTTP client: a clear User-Agent, robots.txt respected
(:mod:`urllib.robotparser`), one request at a time per host with a delay between them (longer
when robots.txt asks for a Crawl-delay), timeouts, retries with exponential back-off on
connection errors, 429 and 5xx (``Retry-After`` honoured up to a limit), redirects followed (each
hop checked against robots.txt) and a size cap. :func:`read_url_list` reads a list of links: one
URL a line, or a CSV/TSV with a URL column (a header such as GDELT's ``SOURCEURL``, or the
URL-looking field of each row when there is no header). :func:`web_documents` turns URLs into
documents, one line per page that fails, skipping what the store already holds, so a killed run
resumes without fetching again what it stored.

Nothing here runs unless a command asks for a URL: reading files never touches the network.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from kg import __version__
from kg.model import SourceDocument
from kg.reader import InputError, parse_html
from kg.vocab import CKG, DCTERMS

__all__ = [
    "USER_AGENT",
    "FetchError",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "read_url_list",
    "stored_sources",
    "web_documents",
]

USER_AGENT = f"conflict-kg/{__version__} (news reader for research; reads robots.txt; +python-httpx)"
ROBOTS_AGENT = "conflict-kg"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_URL = re.compile(r"\Ahttps?://[^\s\"'<>]+\Z", re.IGNORECASE)
_URL_COLUMNS = ("sourceurl", "url", "link", "href", "source_url", "article_url", "page_url", "uri")


class FetchError(Exception):
    """A page that could not be had; ``str()`` is one line naming the URL and the reason."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}")


@dataclass(frozen=True)
class FetchPolicy:
    """How :class:`Fetcher` behaves towards the sites it reads."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds to connect, and between bytes read
    retries: int = 2  # further tries after a connection error, a timeout, 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    max_retry_after: float = 60.0  # longest Retry-After honoured
    delay: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = 10 * 1024 * 1024  # a page larger than this is refused
    max_redirects: int = 5
    robots: bool = True


@dataclass(frozen=True)
class Fetched:
    """One page as it came: the URL asked for, the URL it ended at after redirects, and its body."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """A polite HTTP client for pages and feeds (see the module docstring). Safe to share between threads."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Language": "en;q=1.0, *;q=0.5"},
            timeout=httpx.Timeout(self.policy.timeout), follow_redirects=False, trust_env=True)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._unreachable: set[str] = set()
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness ------------------------------------------------------------------------

    def _wait_turn(self, origin: str, delay: float) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last.get(origin, 0.0) + delay)
            self._last[origin] = start
        if start > now:
            time.sleep(start - now)

    def _robots_for(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """The site's robots.txt rules (None: no rules, everything allowed). Per RFC 9309, a
        robots.txt that is missing (4xx) allows everything; one that cannot be had (5xx, no
        answer) disallows everything (until the next run asks again)."""
        if origin in self._robots:
            return self._robots[origin]
        rules: urllib.robotparser.RobotFileParser | None = None
        try:
            self._wait_turn(origin, self.policy.delay)
            response = self._client.get(origin + "/robots.txt", follow_redirects=True)
            if response.status_code >= 500:
                self._unreachable.add(origin)
            elif response.status_code < 400:
                rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
                rules.parse(response.text[:512 * 1024].splitlines())
        except httpx.HTTPError:
            self._unreachable.add(origin)
        self._robots[origin] = rules
        return rules

    def _check_robots(self, url: str) -> float:
        """Raise :class:`FetchError` when robots.txt disallows ``url``; the delay the site asks for."""
        if not self.policy.robots:
            return self.policy.delay
        origin = _origin(url)
        rules = self._robots_for(origin)
        if origin in self._unreachable:
            raise FetchError(url, "robots.txt could not be read (server error or no answer): not fetched")
        if rules is None:
            return self.policy.delay
        if not rules.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(url, "disallowed by robots.txt: not fetched")
        asked = rules.crawl_delay(ROBOTS_AGENT)
        return max(self.policy.delay, float(asked)) if asked else self.policy.delay

    # -- fetching --------------------------------------------------------------------------

    def get(self, url: str, *, accept: tuple[str, ...] = HTML_TYPES, headers: dict[str, str] | None = None) -> Fetched:
        """The page at ``url`` (redirects followed; ``headers`` sent with it, e.g. ``If-None-Match``:
        a 304 answer is a :class:`Fetched` with status 304 and no body). Raises :class:`FetchError`."""
        if not _URL.match(url):
            raise FetchError(url, "not an http(s) URL")
        current = url
        for _ in range(self.policy.max_redirects + 1):
            delay = self._check_robots(current)
            response, body = self._request(current, delay, headers)
            if response.is_redirect and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                if not _URL.match(target):
                    raise FetchError(url, f"redirected to {target!r}, not an http(s) URL")
                current = target
                continue
            if response.status_code >= 400:
                raise FetchError(url, f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            if response.status_code == 304:
                return Fetched(url=url, final_url=current, status=304, content_type="", body=b"",
                               etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if accept and content_type and content_type not in accept:
                raise FetchError(url, f"content type {content_type!r} is not one read here ({', '.join(accept)})")
            return Fetched(url=url, final_url=current, status=response.status_code, content_type=content_type,
                           body=body, etag=response.headers.get("etag"),
                           last_modified=response.headers.get("last-modified"))
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects")

    def _request(self, url: str, delay: float, headers: dict[str, str] | None = None
                 ) -> tuple[httpx.Response, bytes]:
        """One GET with retries; the body read in full but never past the size cap."""
        policy = self.policy
        origin = _origin(url)
        problem = ""
        for attempt in range(policy.retries + 1):
            self._wait_turn(origin, delay)
            wait = policy.backoff * (2 ** attempt)
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        problem = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                        wait = max(wait, min(_retry_after(response.headers.get("retry-after")),
                                             policy.max_retry_after))
                    else:
                        length = response.headers.get("content-length", "")
                        if length.isdigit() and int(length) > policy.max_bytes:
                            raise FetchError(url, f"page is {length} bytes, more than the {policy.max_bytes} allowed")
                        body = bytearray()
                        for chunk in response.iter_bytes():
                            body.extend(chunk)
                            if len(body) > policy.max_bytes:
                                raise FetchError(url, f"page is more than the {policy.max_bytes} bytes allowed")
                        return response, bytes(body)
            except httpx.TimeoutException:
                problem = f"no answer within {policy.timeout:g} s"
            except httpx.TooManyRedirects:
                raise FetchError(url, "too many redirects") from None
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            if attempt < policy.retries:
                time.sleep(wait)
        raise FetchError(url, f"{problem} (after {policy.retries + 1} tries)")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0


# -- lists of URLs -------------------------------------------------------------------------


def read_url_list(path: str | Path) -> list[str]:
    """The URLs of a list file, in order, without repeats: one URL a line (``#`` comments and blank
    lines skipped), or a CSV/TSV whose header names a URL column (``SOURCEURL``, ``url``, ``link``…),
    or a header-less CSV/TSV (a GDELT event export) whose rows each hold one URL-looking field.
    Raises :class:`InputError` when the file cannot be read or holds no URL."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot be read") from exc
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(path, "no URLs in the list")
    urls: list[str] = []
    first = lines[0]
    delimiter = "\t" if "\t" in first else ("," if "," in first and not _URL.match(first.strip()) else None)
    if delimiter is None:
        urls = [line.strip() for line in lines]
        bad = next((u for u in urls if not _URL.match(u)), None)
        if bad is not None:
            raise InputError(path, f"not an http(s) URL: {bad[:200]!r}")
    else:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        header = [cell.strip().lower() for cell in rows[0]]
        column = next((header.index(name) for name in _URL_COLUMNS if name in header), None)
        if column is not None:
            urls = [row[column].strip() for row in rows[1:] if len(row) > column and _URL.match(row[column].strip())]
        else:  # no header: the URL-looking field of each row (GDELT's SOURCEURL is its last column)
            for row in rows:
                found = [cell.strip() for cell in row if _URL.match(cell.strip())]
                if found:
                    urls.append(found[-1])
    unique = list(dict.fromkeys(urls))
    if not unique:
        raise InputError(path, "no http(s) URLs found (expected one a line, or a CSV column such as SOURCEURL)")
    return unique


# -- from URLs to documents ----------------------------------------------------------------


def stored_sources(store: object) -> set[str]:
    """The web pages the store already holds (each document's ``dcterms:source`` IRI)."""
    query = getattr(store, "query")  # noqa: B009 - any BaseStore
    result = query(f"SELECT DISTINCT ?u WHERE {{ ?d a <{CKG.Document}> ; <{DCTERMS.source}> ?u FILTER(isIRI(?u)) }}")
    return {row["u"].value for row in result}


Report = Callable[[str, str], None]  # (status, message) -> None: "failed", "skipped", "stored"


def page_document(fetched: Fetched, *, defaults: dict[str, object] | None = None) -> SourceDocument:
    """The document of a fetched page (its metadata completed from ``defaults``, e.g. a feed item's)."""
    from dataclasses import replace

    doc = parse_html(fetched.body, path=fetched.url, url=fetched.url)
    if fetched.final_url != fetched.url and doc.canonical_url == fetched.url:
        doc = replace(doc, canonical_url=fetched.final_url)
    if defaults:
        filled = {k: v for k, v in defaults.items() if v is not None and getattr(doc, k, None) is None}
        if filled:
            doc = replace(doc, **filled)  # type: ignore[arg-type]
    return doc


def web_documents(urls: Iterable[str], fetcher: Fetcher, *, skip: set[str] | None = None,
                  report: Report | None = None, defaults: Callable[[str], dict[str, object]] | None = None,
                  ) -> Iterator[SourceDocument]:
    """The documents of the pages at ``urls``, fetched one at a time as they are asked for. A URL in
    ``skip`` (what the store holds) is not fetched; a page that fails (HTTP, robots.txt, size, not
    English, no text) is one ``report("failed", …)`` line and the next URL follows."""
    seen_ids: set[str] = set()
    for url in urls:
        if skip is not None and url in skip:
            if report:
                report("stored", url)
            continue
        try:
            fetched = fetcher.get(url)
            doc = page_document(fetched, defaults=defaults(url) if defaults else None)
        except (FetchError, InputError) as exc:
            if report:
                report("failed", f"{url}: {getattr(exc, 'problem', str(exc))}")
            continue
        if doc.doc_id in seen_ids:
            if report:
                report("skipped", f"{url}: the same page as an earlier URL ({doc.doc_id})")
            continue
        seen_ids.add(doc.doc_id)
        yield doc
