"""A parsed document's text, read once, and the tests on its lines that several layers share.

spaCy rebuilds ``Doc.text`` from every token on each access (a Python object per token): the
rule layers read it thousands of times per document, which cost more than the tagger in a
profile of the build (docs/performance.md). The text of a ``Doc`` never changes (retokenizing
keeps it), so it is kept in the doc's ``user_data``.
"""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["in_headline", "text_of"]

_KEY = "ckg.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per doc."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return str(text)


def in_headline(text: str, begin: int, end: int | None = None) -> bool:
    """Whether the line holding ``text[begin:end]`` is in title case (a headline: every word
    looks like a proper name)."""
    start = text.rfind("\n", 0, begin) + 1
    stop = text.find("\n", begin if end is None else end)
    words = [w for w in text[start:stop if stop >= 0 else len(text)].split() if w[:1].isalpha()]
    return len(words) > 2 and sum(w[:1].isupper() for w in words) / len(words) > 0.6
