"""What the statement, event and claim layers need to know about a parsed document chunk:
which entity a token belongs to, who the subject of a speech verb is (names, pronouns,
"the ministry", "the spokeswoman"), what date a sentence gives, and whether a character
lies inside a quotation.

Built once per spaCy ``Doc`` by :mod:`kg.nlp.extract`; the rules use the dependency parse
of the configured model and the curated entities (types, ``ckg:capitalOf``,
``ckg:affiliatedWith``), never the wording of particular articles.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.model import CuratedEntity, EntityMention, NewEntity, Span
from kg.nlp.dates import resolve_date
from kg.nlp.doctext import text_of
from kg.nlp.quotes import Quote
from kg.nlp.tables import rules

__all__ = ["ACTOR_TYPES", "Context", "PLACE_TYPES"]

_R = rules()
PERSON = "Person"
ACTOR_TYPES = _R.actor_types
PLACE_TYPES = _R.place_types
_STATE = _R.subclasses("State")


@dataclass
class Context:
    """One parsed chunk with its linked mentions; offsets are absolute (document) offsets."""

    doc: Doc
    offset: int
    mentions: Sequence[EntityMention]
    curated: dict[str, CuratedEntity]
    new: dict[str, NewEntity]
    quotes: Sequence[Quote]
    anchor: dt.date | None
    anchor_is_publication: bool
    _starts: list[int] = field(default_factory=list)
    text: str = ""  # the chunk's text (spaCy rebuilds ``Doc.text`` from its tokens on every access)
    sents: list[SpacySpan] = field(default_factory=list)  # the chunk's sentences, listed once
    _sent_starts: list[int] = field(default_factory=list)
    _demonyms: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: (m.span.begin, m.span.end))
        self._starts = [m.span.begin for m in self.mentions]
        self.text = text_of(self.doc)
        self.sents = list(self.doc.sents)
        self._sent_starts = [s.start for s in self.sents]

    def sent_of(self, token: Token) -> SpacySpan:
        """The sentence of ``token`` (``Token.sent`` walks every sentence of the doc on each call)."""
        return self.sents[bisect.bisect_right(self._sent_starts, token.i) - 1]

    # -- entities -------------------------------------------------------------------------

    def types(self, iri: str) -> set[str]:
        if iri in self.curated:
            return set(self.curated[iri].types)
        if iri in self.new:
            return {self.new[iri].type}
        return set()

    def is_person(self, iri: str) -> bool:
        return PERSON in self.types(iri)

    def is_actor(self, iri: str) -> bool:
        return bool(self.types(iri) & ACTOR_TYPES)

    def is_place(self, iri: str) -> bool:
        return bool(self.types(iri) & PLACE_TYPES)

    def as_actor(self, iri: str) -> str | None:
        """The actor an entity stands for when it acts: a capital stands for its state."""
        if self.is_actor(iri):
            return iri
        entity = self.curated.get(iri)
        if entity and entity.capital_of:
            return entity.capital_of[0]
        return None

    def state_of(self, iri: str) -> str | None:
        """The state an actor belongs to (a ministry's or an army's), or itself for a state."""
        entity = self.curated.get(iri)
        if entity is None:
            return None
        if set(entity.types) & _STATE:
            return iri
        for parent in (*entity.part_of, *entity.affiliated_with):
            if parent in self.curated and set(self.curated[parent].types) & _STATE:
                return parent
        return None

    def affiliation(self, iri: str) -> str | None:
        entity = self.curated.get(iri)
        if entity and entity.affiliated_with:
            return entity.affiliated_with[0]
        return None

    def sentence_span(self, sent: SpacySpan, text: str) -> Span:
        """The evidence span of a sentence: its characters without surrounding whitespace."""
        raw = sent.text
        begin = self.offset + sent.start_char + (len(raw) - len(raw.lstrip()))
        end = self.offset + sent.start_char + len(raw.rstrip())
        return Span(begin, max(begin, end), text[begin:max(begin, end)])

    def mentions_in(self, begin: int, end: int) -> list[EntityMention]:
        i = bisect.bisect_left(self._starts, begin)
        out = []
        while i < len(self.mentions) and self.mentions[i].span.begin < end:
            if self.mentions[i].span.end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def mention_at(self, token: Token) -> EntityMention | None:
        char = self.offset + token.idx
        i = bisect.bisect_right(self._starts, char) - 1
        while i >= 0 and i >= bisect.bisect_right(self._starts, char) - 3:
            m = self.mentions[i]
            if m.span.begin <= char < m.span.end:
                return m
            i -= 1
        return None

    def mentions_before(self, char: int) -> list[EntityMention]:
        i = bisect.bisect_left(self._starts, char)
        return list(reversed(self.mentions[:i]))

    # -- quotes ---------------------------------------------------------------------------

    def in_quote(self, char: int) -> bool:
        return any(q.begin <= char < q.end for q in self.quotes)

    def token_in_quote(self, token: Token) -> bool:
        return self.in_quote(self.offset + token.idx)

    # -- dates ----------------------------------------------------------------------------

    def date_in(self, tokens: Iterable[Token] | SpacySpan, *, outside_quotes: bool = True) -> dt.date | None:
        """The first resolvable DATE entity among ``tokens``."""
        seen: set[int] = set()
        for token in tokens:
            if token.ent_type_ != "DATE" or token.i in seen:
                continue
            if outside_quotes and self.token_in_quote(token):
                continue
            ent = next((e for e in self.doc.ents if e.start <= token.i < e.end), None)
            if ent is None:
                continue
            seen.update(range(ent.start, ent.end))
            resolved = resolve_date(ent.text, self.anchor, anchor_is_publication=self.anchor_is_publication)
            if resolved is not None:
                return resolved
        return None

    def is_headline(self, sent: SpacySpan) -> bool:
        """A sentence that is its own paragraph and does not end like a sentence (a headline)."""
        line = sent.text.strip()
        para_begin = self.text.rfind("\n", 0, sent.start_char) + 1
        para_end = self.text.find("\n", sent.start_char)
        paragraph = self.text[para_begin:para_end if para_end >= 0 else len(self.text)].strip()
        if not paragraph.endswith((".", "!", "?", "”", '"', "’", "'", ")", ":")) and len(paragraph.split()) <= 20:
            return True  # a short paragraph that does not end like a sentence, split or not
        return paragraph == line and not line.endswith((".", "!", "”", '"', "’", "'", ")", ":"))

    def demonym(self, word: str) -> str | None:
        """The entity a demonym names ("Armenian" -> Armenia): the first curated entity with it."""
        if self._demonyms is None:
            self._demonyms = {}
            for iri, entity in self.curated.items():
                for d in entity.demonyms:
                    self._demonyms.setdefault(d, iri)
        return self._demonyms.get(word)
