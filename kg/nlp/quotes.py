"""Find direct quotations in text: curly, single-curly, straight, split and multi-paragraph.

Pure string work (no spaCy), called by :mod:`kg.nlp.statements`. Each quote mark is judged
as opening or closing from what stands around it, so a stray or unbalanced mark never
swallows the rest of the article: an opening mark pairs with the next closing mark in the
same paragraph; a quote left open at the end of a paragraph continues only when the next
paragraph opens with a quote mark (the newspaper convention for multi-paragraph quotes),
otherwise it is dropped. Apostrophes inside words ("Armenia’s") are never quote marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quote", "find_quotes"]

_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘‚‹"
_SINGLE_CLOSE = "’›"
_OPENERS_BEFORE = " \t\n([{—–-:;,/" + "\u00a0"


@dataclass(frozen=True)
class Quote:
    """A quotation: ``begin``/``end`` delimit the words inside the marks."""

    begin: int
    end: int
    text: str
    closed: bool = True  # False when the closing mark was missing at the end of the paragraph


def _role(text: str, i: int) -> str | None:
    """'open', 'close' or None for the quote mark at ``i``."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in _DOUBLE_OPEN:
        return "open"
    if ch in _DOUBLE_CLOSE:
        return "close"
    if ch in _SINGLE_OPEN:
        return "open" if not before.isalnum() else None
    if ch in _SINGLE_CLOSE or ch == "'":
        if before.isalnum() and after.isalpha():
            return None  # apostrophe inside a word: Armenia’s, don't
        if ch == "'" and before in _OPENERS_BEFORE and not after.isspace():
            return "open"
        if not before.isspace() and (not after.isalnum()):
            return "close"
        return None
    if ch == '"':
        if before in _OPENERS_BEFORE and not after.isspace():
            return "open"
        if not before.isspace():
            return "close"
        return "open" if not after.isspace() else None
    return None


def _family(ch: str) -> str:
    if ch in _DOUBLE_OPEN or ch in _DOUBLE_CLOSE or ch == '"':
        return "double"
    return "single"


def find_quotes(text: str, *, min_chars: int = 2) -> list[Quote]:
    """Every top-level quotation in ``text``, in order.

    >>> [q.text for q in find_quotes('He said “we will win” and ‘soon’.')]
    ['we will win', 'soon']
    >>> [q.text for q in find_quotes("Armenia’s army said: 'Hold'. It's over.")]
    ['Hold']
    """
    quotes: list[Quote] = []
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for part in text.split("\n"):
        paragraphs.append((start, start + len(part)))
        start += len(part) + 1
    open_at: int | None = None
    open_family = ""
    carried_from: int | None = None  # begin of a quote continued from an earlier paragraph
    for p_index, (p_begin, p_end) in enumerate(paragraphs):
        i = p_begin
        if open_at is not None and carried_from is None:
            open_at = None
        while i < p_end:
            ch = text[i]
            if ch in _DOUBLE_OPEN + _DOUBLE_CLOSE + _SINGLE_OPEN + _SINGLE_CLOSE + "\"'":
                role = _role(text, i)
                if role == "open" and open_at is None:
                    open_at, open_family = i + 1, _family(ch)
                elif role == "open" and carried_from is not None and i == _first_char(text, p_begin, p_end):
                    open_at = i + 1  # the continuation mark of a multi-paragraph quote
                elif role == "open" and open_at is not None and carried_from is None and _family(ch) == "double" \
                        and open_family == "double" and text[open_at:i].rstrip().endswith((".", "!", "?")) \
                        and text[i - 1].isspace():
                    # a mark that opens the next sentence inside an open quotation ('… was found. "Russia
                    # has …," he wrote'): the first quotation ended there, its closing mark lost or
                    # misplaced, and the next one begins
                    _add(quotes, text, open_at, i, min_chars, closed=False)
                    open_at = i + 1
                elif role == "close" and open_at is not None and _family(ch) == open_family:
                    begin = carried_from if carried_from is not None else open_at
                    _add(quotes, text, begin, i, min_chars, closed=True)
                    open_at, carried_from = None, None
            i += 1
        if open_at is not None:
            nxt = _next_paragraph(text, paragraphs, p_index)
            if nxt is not None and text[nxt] in _DOUBLE_OPEN + _SINGLE_OPEN + "\"'" and \
                    _family(text[nxt]) == open_family:
                if carried_from is None:
                    carried_from = open_at
                continue
            begin = carried_from if carried_from is not None else open_at
            if carried_from is not None or _starts_sentence(text, p_begin, open_at - 1):
                # a closing mark missing at the end of the paragraph (and of the article): the
                # quotation runs to the paragraph's end, less a trailing credit ("— AFP")
                _add(quotes, text, begin, _before_credit(text, begin, p_end), min_chars, closed=False)
            open_at, carried_from = None, None
    return quotes


def _starts_sentence(text: str, p_begin: int, mark: int) -> bool:
    """Whether the quote mark at ``mark`` opens a sentence: at the paragraph start or after
    a sentence's end (". “…"), as a quotation with its closing mark lost would."""
    before = text[p_begin:mark].rstrip()
    return not before or before.endswith((".", "!", "?", ":"))


_CREDIT = re.compile(r"\s+(?:—|–|--)\s*[A-Z][\w.&]*(?:\s+[A-Z][\w.&]*){0,2}\s*$")


def _before_credit(text: str, begin: int, end: int) -> int:
    m = _CREDIT.search(text, begin, end)
    return m.start() if m else end


def _first_char(text: str, begin: int, end: int) -> int:
    i = begin
    while i < end and text[i].isspace():
        i += 1
    return i


def _next_paragraph(text: str, paragraphs: list[tuple[int, int]], index: int) -> int | None:
    for begin, end in paragraphs[index + 1:]:
        first = _first_char(text, begin, end)
        if first < end:
            return first
    return None


def _add(quotes: list[Quote], text: str, begin: int, end: int, min_chars: int, *, closed: bool) -> None:
    raw = text[begin:end]
    stripped = raw.strip()
    if len(stripped) < min_chars or not any(c.isalpha() for c in stripped):
        return
    lead = len(raw) - len(raw.lstrip())
    b = begin + lead
    e = b + len(stripped)
    quotes.append(Quote(b, e, text[b:e], closed=closed))
