"""Plain dataclasses that carry documents and extractions between the modules.

The reader makes :class:`SourceDocument`; the NLP layer makes :class:`DocumentExtraction`;
the RDF layer turns that into quads. None of these import spaCy or pyoxigraph.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "CasualtyClaim",
    "CuratedEntity",
    "DocumentExtraction",
    "EntityMention",
    "Event",
    "NewEntity",
    "SourceDocument",
    "Span",
    "Statement",
]


@dataclass(frozen=True)
class SourceDocument:
    """One news article as read from disk: ``text`` is what every offset indexes into."""

    doc_id: str
    text: str
    path: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None  # byline, as the page gives it
    language: str | None = None  # ISO 639-1 code of the text, when known
    canonical_url: str | None = None  # the URL the page declares as its own (rel=canonical, og:url)


@dataclass(frozen=True)
class CuratedEntity:
    """An entity of ``ontology/entities.ttl``, reduced to what the gazetteer and linker need."""

    iri: str
    slug: str
    label: str
    types: tuple[str, ...]  # local names of ckg: classes, e.g. ("State", "Country")
    alt_labels: tuple[str, ...] = ()
    role_labels: tuple[str, ...] = ()
    family_names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()  # IRIs
    affiliated_with: tuple[str, ...] = ()  # IRIs
    capital_of: tuple[str, ...] = ()  # IRIs
    located_in: tuple[str, ...] = ()  # IRIs
    wikidata: str | None = None
    lat: float | None = None
    long: float | None = None
    geonames: int | None = None  # GeoNames feature id
    in_country: str | None = None  # IRI of the Country a place lies in
    in_region: str | None = None  # IRI of its first-level Region
    iso_code: str | None = None  # ISO 3166-1 alpha-2 of a state, ISO 3166-2 of a region


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets into :attr:`SourceDocument.text` (Python ``str`` indices)."""

    begin: int
    end: int
    text: str


@dataclass(frozen=True)
class NewEntity:
    """An entity the model found that is not curated: its IRI comes from its normalised name."""

    iri: str
    label: str
    type: str  # local name of a ckg: class
    confidence: float
    wikidata: str | None = None  # from the links file of ``kg link``


@dataclass(frozen=True)
class EntityMention:
    """A name in the text linked to an entity IRI."""

    span: Span
    entity: str  # IRI
    confidence: float
    curated: bool
    kind: str = ""  # how a curated name matched: label, alt, role, family, demonym, geo


@dataclass(frozen=True)
class Statement:
    """A direct quote or reported speech (filled in by the statements layer)."""

    iri: str
    quote: str | None
    content: str | None
    evidence: Span
    speaker: str | None = None
    on_behalf_of: str | None = None
    date: dt.date | None = None
    about: tuple[str, ...] = ()
    confidence: float = 0.5


@dataclass(frozen=True)
class Event:
    """An event the text reports or alleges (filled in by the events layer)."""

    iri: str
    types: tuple[str, ...]
    evidence: Span
    agent: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    date: dt.date | None = None
    claimed_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    background: bool = False
    confidence: float = 0.5


@dataclass(frozen=True)
class CasualtyClaim:
    """A number of killed or wounded people and who claims it."""

    iri: str
    count: int
    kind: str  # "Killed" | "Wounded"
    evidence: Span
    population: str = "UnknownPopulation"
    qualifier: str | None = None
    side: str | None = None
    claimed_by: tuple[str, ...] = ()
    date: dt.date | None = None
    background: bool = False
    confidence: float = 0.5


@dataclass
class DocumentExtraction:
    """Everything extracted from one document."""

    document: SourceDocument
    mentions: list[EntityMention] = field(default_factory=list)
    new_entities: list[NewEntity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    casualty_claims: list[CasualtyClaim] = field(default_factory=list)
    places: list[CuratedEntity] = field(default_factory=list)  # gazetteer places the document names
    mediators: list[tuple[str, Span]] = field(default_factory=list)  # actors the text presents mediating
