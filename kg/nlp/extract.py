"""Run the NLP layers over documents and collect plain :class:`~kg.model.DocumentExtraction` s.

Called by :mod:`kg.build`. Long documents are parsed in paragraph-aligned chunks so that
spaCy's length limit and memory stay bounded; offsets always index the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from kg.geo.index import WorldGazetteer
from kg.geo.world import WorldEntities
from kg.ids import Iris, normalise_name
from kg.model import CuratedEntity, DocumentExtraction, NewEntity, SourceDocument
from kg.nlp.casualties import extract_casualties
from kg.nlp.coref import bodies_by_state, corefer
from kg.nlp.dates import reference_date, reference_year
from kg.nlp.discourse import Context
from kg.nlp.doctext import text_of
from kg.nlp.event_classifier import load as load_classifier
from kg.nlp.events import extract_events
from kg.nlp.geoparse import Geoparser, matchable
from kg.nlp.linker import NameIndex, link_bare_bodies, link_entities
from kg.nlp.pipeline import ModelInfo, load_pipeline, model_info
from kg.nlp.quotes import Quote, find_quotes
from kg.nlp.roles import find_mediators
from kg.nlp.statements import extract_statements

if TYPE_CHECKING:
    from kg.executors import ExtractorSpec

__all__ = ["Extractor", "chunks"]

CHUNK_CHARS = 100_000


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut at paragraph (or line, or space) breaks."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < size // 2:
            cut = window.rfind(" ")
        if cut < size // 2:
            cut = size
        pieces.append((start, text[start:start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


class Extractor:
    """The spaCy pipeline plus linking, ready to run on documents."""

    def __init__(self, *, model: str, entities: Sequence[CuratedEntity], iris: Iris,
                 gazetteer: str | Path | None = None, world_dir: str | Path | None = None,
                 links: Mapping[str, str] | None = None,
                 event_classifier: tuple[str, float, bool, bool] | None = None) -> None:
        """``gazetteer`` (the world gazetteer file) and ``world_dir`` (``ontology/world``) turn
        geoparsing on; without them only curated names become places. ``links`` (normalised
        name -> Wikidata id, from ``kg link``) link new entities. ``event_classifier`` (model
        directory, threshold, gate, generic only: :mod:`kg.nlp.event_classifier`) may retype events."""
        self.iris = iris
        self.classifier = None if event_classifier is None else load_classifier(*event_classifier)
        self.links = dict(links or {})
        self.entities = {e.iri: e for e in entities}
        self.bodies = bodies_by_state(self.entities)  # coreference: "the army" of a named state
        self.index = NameIndex(self.entities)
        self.geoparser: Geoparser | None = None
        if gazetteer is not None and world_dir is not None:
            world = WorldEntities.load(WorldGazetteer(Path(gazetteer)), iris, Path(world_dir))
            world.add_curated(list(entities))
            self.geoparser = Geoparser(world, self.entities)
        self.nlp: Language = load_pipeline(model, [e for e in entities if matchable(e)])
        self.info: ModelInfo = model_info(self.nlp)
        self.nlp.max_length = max(self.nlp.max_length, CHUNK_CHARS * 2)

    @classmethod
    def from_spec(cls, spec: ExtractorSpec) -> Extractor:
        """The extractor a builder's :meth:`~kg.build.Builder.spec` describes (in a worker or not)."""
        return cls(model=spec.model, entities=spec.entities, iris=Iris(spec.base_iri), gazetteer=spec.gazetteer,
                   world_dir=spec.world_dir, links=dict(spec.links), event_classifier=spec.event_classifier)

    def extract(self, document: SourceDocument) -> DocumentExtraction:
        """Everything extracted from one document."""
        return next(iter(self.extract_many([document])))

    def extract_many(self, documents: Iterable[SourceDocument], *, batch_size: int = 16
                     ) -> Iterator[DocumentExtraction]:
        """Extractions in input order. spaCy parses in batches; the rule layers run one document
        at a time, as its chunks arrive. (Parallelism is the executors' job: kg.executors.)"""
        parts = ((piece, (index, offset, document))
                 for index, document in enumerate(documents)
                 for offset, piece in chunks(document.text))
        pending: tuple[int, DocumentExtraction, dict[str, NewEntity], list[Quote]] | None = None
        for doc, (index, offset, document) in self.nlp.pipe(parts, as_tuples=True, batch_size=batch_size):
            if pending is None or pending[0] != index:
                if pending is not None:
                    yield self._finish(pending[1], pending[2])
                pending = (index, DocumentExtraction(document=document), {}, find_quotes(document.text))
            self._chunk(doc, offset, document, pending[1], pending[2], pending[3])
        if pending is not None:
            yield self._finish(pending[1], pending[2])

    def _finish(self, extraction: DocumentExtraction, new: dict[str, NewEntity]) -> DocumentExtraction:
        places = {p.iri for p in extraction.places}
        named = {m.entity for m in extraction.mentions}  # a name coreference folded into another is gone
        linked = (replace(e, wikidata=self.links.get(normalise_name(e.label))) for e in new.values()
                  if e.iri not in places and e.iri in named)
        extraction.new_entities = sorted(linked, key=lambda e: e.iri)
        by_iri: dict[str, CuratedEntity] = {}
        for p in extraction.places:  # one record per place, with the spellings of every chunk
            known = by_iri.get(p.iri)
            by_iri[p.iri] = p if known is None else replace(
                known, alt_labels=tuple(sorted({*known.alt_labels, *p.alt_labels})))
        extraction.places = sorted(by_iri.values(), key=lambda p: p.iri)
        return extraction

    def _chunk(self, doc: Doc, offset: int, document: SourceDocument, extraction: DocumentExtraction,
               new: dict[str, NewEntity], quotes: list[Quote]) -> None:
        anchor, is_publication = document.date, True
        if anchor is None:
            anchor, is_publication = reference_date(document.text), False
        curated = self.entities
        if self.geoparser is not None:
            doc, places = self.geoparser(doc)
            extraction.places.extend(places.values())
            curated = {**self.entities, **{p.iri: p for p in extraction.places}}
        mentions, _ = link_entities(doc, index=self.index, iris=self.iris, offset=offset, known_new=new)
        mentions += link_bare_bodies(text_of(doc), [*extraction.mentions, *mentions], self.entities, offset=offset)
        mentions.sort(key=lambda m: (m.span.begin, m.span.end, m.entity))
        mentions = corefer(doc, offset=offset, mentions=mentions, earlier=extraction.mentions, curated=curated,
                           new=new, iris=self.iris, bodies=self.bodies)
        extraction.mentions.extend(mentions)
        extraction.mediators.extend(find_mediators(doc, mentions, curated, offset=offset))
        # a demonym ("Iranian drones") names its state in the graph, but is not a speaker or an agent
        # of its own: the rule layers see the names only
        named = [m for m in mentions if m.kind != "demonym"]
        ctx = Context(doc=doc, offset=offset, mentions=named, curated=curated, new=new,
                      quotes=quotes, anchor=anchor, anchor_is_publication=is_publication)
        year = anchor.year if anchor else reference_year(document.text)  # history is what predates it
        extraction.statements.extend(
            extract_statements(ctx, doc_id=document.doc_id, text=document.text, iris=self.iris))
        extraction.events.extend(
            extract_events(ctx, doc_id=document.doc_id, text=document.text, iris=self.iris, year=year,
                           classifier=self.classifier))
        extraction.casualty_claims.extend(
            extract_casualties(ctx, doc_id=document.doc_id, text=document.text, iris=self.iris, year=year,
                               statements=extraction.statements))
