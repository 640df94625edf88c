"""HTTP content negotiation: parse ``Accept`` with q-values and pick what we can produce.

Used by every router that answers in more than one format. ``choose`` returns None when
nothing offered is acceptable, which the caller turns into 406.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "choose", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*) or 0 when it does not match."""
        t, _, s = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == t and self.subtype == s:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        t, sep, s = media.partition("/")
        if not sep or not t or not s:
            continue
        q = 1.0
        params = []
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            key = key.strip().lower()
            value = value.strip().strip('"')
            if key == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
            elif key:
                params.append((key, value))
        ranges.append(MediaRange(t, s, q, order, tuple(params)))
    return ranges


def choose(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers (server order breaks ties), or None.

    Each offered type takes the q of the most specific range that matches it; q=0 excludes.

    >>> choose("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", ["text/turtle", "text/html"])
    'text/html'
    >>> choose("application/json", ["text/turtle"]) is None
    True
    """
    ranges = parse_accept(header)
    best: tuple[float, int, str] | None = None
    for index, media_type in enumerate(offered):
        specificity, q = 0, 0.0
        for r in ranges:
            m = r.matches(media_type)
            if m > specificity:
                specificity, q = m, r.q
        if specificity and q > 0:
            key = (q, -index, media_type)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None
