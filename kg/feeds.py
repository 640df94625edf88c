"""RSS and Atom feeds (``kg watch FEED…``): poll, fetch the new items' pages, add them.

:func:`feed_items` reads a feed with feedparser; :func:`watch` polls feeds at an interval and
hands the pages of items it has not seen to the same path as ``kg add URL`` (fetch, read,
extract, write). What has been seen is what the store holds: each document's ``dcterms:source``
is its page's URL, so a restarted watch adds nothing it added before. Items whose page failed
are remembered for the life of the process only (a restart tries them once more).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.fetch import Fetcher, FetchError

__all__ = ["FeedItem", "PollReport", "feed_items", "watch"]

FEED_TYPES: tuple[str, ...] = ()  # feeds come as application/rss+xml, text/xml, text/plain…: any type is read


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: the page it links to and what the feed says about it."""

    link: str
    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    outlet: str | None = None  # the feed's own title


@dataclass
class PollReport:
    """What one poll of all feeds did."""

    number: int
    items: int = 0
    new: int = 0
    added: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"poll {self.number}: {self.items} items, {self.new} new, {len(self.added)} added, "
                f"{len(self.failed)} failed")


def feed_items(data: bytes, *, url: str) -> list[FeedItem]:
    """The entries of an RSS or Atom document that link to a page, in feed order."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if parsed.get("bozo") and not parsed.entries:
        problem = str(parsed.get("bozo_exception", "not a feed")).splitlines()[0][:200]
        raise FetchError(url, f"not an RSS or Atom feed ({problem})")
    outlet = (parsed.feed.get("title") or "").strip() or None
    items = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link.startswith(("http://", "https://")):
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(link=link, title=(entry.get("title") or "").strip() or None,
                              date=dt.date(*when[:3]) if when else None,
                              author=(entry.get("author") or "").strip() or None, outlet=outlet))
    return items


AddPages = Callable[[list[str], dict[str, FeedItem]], tuple[list[str], list[str]]]


def watch(feeds: Iterable[str], fetcher: Fetcher, *, add_pages: AddPages, seen: Callable[[], set[str]],
          interval: float = 900.0, polls: int | None = None, say: Callable[[str], None] | None = None,
          ) -> list[PollReport]:
    """Poll ``feeds`` every ``interval`` seconds (``polls`` times, or until interrupted). Each poll
    reads every feed, and gives the links not in ``seen()`` (what the store holds) nor failed
    earlier to ``add_pages(links, items)``, which returns the links added and the links that
    failed. ``say`` gets a line per feed problem and a summary line per poll."""
    feeds = list(feeds)
    failed_before: set[str] = set()
    known: dict[str, tuple[dict[str, str], list[FeedItem]]] = {}  # per feed: validators, last items
    reports: list[PollReport] = []
    number = 0
    while polls is None or number < polls:
        number += 1
        started = time.monotonic()
        report = PollReport(number)
        items: dict[str, FeedItem] = {}
        for feed in feeds:
            validators, last = known.get(feed, ({}, []))
            try:  # a conditional GET: a feed that has not changed answers 304, with no body
                fetched = fetcher.get(feed, accept=FEED_TYPES, headers=validators)
                found = last if fetched.status == 304 else feed_items(fetched.body, url=feed)
                sent = {k: v for k, v in (("If-None-Match", fetched.etag),
                                          ("If-Modified-Since", fetched.last_modified)) if v}
                known[feed] = (sent or validators, found)
            except FetchError as exc:
                if say:
                    say(f"feed {exc}")
                continue
            report.items += len(found)
            for item in found:
                items.setdefault(item.link, item)
        stored = seen()
        new = [link for link in items if link not in stored and link not in failed_before]
        report.new = len(new)
        if new:
            added, failed = add_pages(new, items)
            report.added, report.failed = added, failed
            failed_before.update(failed)
        reports.append(report)
        if say:
            say(report.line())
        if polls is not None and number >= polls:
            break
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return reports
