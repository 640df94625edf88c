"""Extractions to RDF, and RDF files to plain data: the pyoxigraph side of the data path.

:func:`document_quads` writes one document's graph (document, mentions, new entities,
statements, events and casualty claims); :func:`provenance_quads` describes that graph with
PROV-O; :func:`load_static_graph` reads the ontology or the curated entities into a named
graph with stable blank-node labels; :func:`curated_entities` reduces the curated graph to
:class:`~kg.model.CuratedEntity` records for the NLP layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from kg.ids import Iris
from kg.model import CuratedEntity, DocumentExtraction, Span
from kg.vocab import CKG, DCTERMS, GEO, GN, NIF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD

__all__ = [
    "DEFAULT_BASE",
    "Versions",
    "curated_entities",
    "document_quads",
    "entity_quads",
    "load_static_graph",
    "provenance_quads",
]

DEFAULT_BASE = "https://w3id.org/conflict-kg/id/"

_TYPE = ox.NamedNode(RDF.type)


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(datatype))


def decimal(value: float) -> ox.Literal:
    return typed(format(Decimal(str(round(value, 4))).normalize(), "f"), XSD.decimal)


def date_literal(value: dt.date) -> ox.Literal:
    return typed(value.isoformat(), XSD.date)


@dataclass(frozen=True)
class Versions:
    """What the provenance graph says produced a document graph."""

    extractor: str
    model_name: str
    model_version: str
    spacy_version: str


class _Writer:
    """Collects the quads of one graph."""

    def __init__(self, graph: str) -> None:
        self.graph = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []
        self.mentions: set[str] = set()

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, self.graph))


def _web_iri(url: str) -> ox.NamedNode | None:
    """An http(s) URL as an IRI, or None when it is not one oxigraph accepts."""
    if not url.startswith(("http://", "https://")):
        return None
    try:
        return ox.NamedNode(url)
    except ValueError:
        return None


def _mention(w: _Writer, iris: Iris, doc_id: str, doc_iri: str, span: Span, confidence: float | None,
             refers_to: str | None) -> str:
    """A span of the text. Entity mentions carry ``refersTo`` and a confidence; evidence spans
    (of statements, events, claims) carry neither: the node they support has the confidence.
    Offsets are ``xsd:integer`` (oxigraph stores integer subtypes as integers)."""
    m = iris.mention(doc_id, span.begin, span.end)
    if m in w.mentions:
        if refers_to is None:
            return m
    w.mentions.add(m)
    w.add(m, RDF.type, CKG.Mention)
    w.add(m, NIF.beginIndex, typed(span.begin, XSD.integer))
    w.add(m, NIF.endIndex, typed(span.end, XSD.integer))
    w.add(m, NIF.anchorOf, lit(span.text))
    w.add(m, NIF.referenceContext, doc_iri)
    w.add(m, CKG.inDocument, doc_iri)
    if refers_to:
        w.add(m, CKG.confidence, decimal(confidence if confidence is not None else 0.5))
        w.add(m, CKG.refersTo, refers_to)
    return m


def _extracted(w: _Writer, iris: Iris, doc_id: str, doc_iri: str, node: str, evidence: Span,
               confidence: float) -> None:
    """What every extracted node has: evidence span, source document, confidence."""
    mention = _mention(w, iris, doc_id, doc_iri, evidence, None, None)
    w.add(node, CKG.evidence, mention)
    w.add(node, PROV.wasDerivedFrom, doc_iri)
    w.add(node, CKG.confidence, decimal(confidence))


def document_quads(extraction: DocumentExtraction, iris: Iris) -> list[ox.Quad]:
    """Every quad of one document's graph ``res:graph/doc/{id}``, sorted."""
    doc = extraction.document
    w = _Writer(iris.document_graph(doc.doc_id))
    d = iris.document(doc.doc_id)
    w.add(d, RDF.type, CKG.Document)
    w.add(d, RDF.type, NIF.Context)
    w.add(d, DCTERMS.identifier, lit(doc.doc_id))
    w.add(d, NIF.isString, lit(doc.text))
    if doc.title:
        w.add(d, DCTERMS.title, lit(doc.title))
        w.add(d, RDFS.label, lit(doc.title))
    if doc.date:
        w.add(d, DCTERMS.date, date_literal(doc.date))
    if doc.outlet:
        w.add(d, DCTERMS.source, lit(doc.outlet))
    if doc.url:
        w.add(d, SCHEMA.url, typed(doc.url, XSD.anyURI))
        source = _web_iri(doc.url)
        if source is not None:  # the page the text came from (beside the outlet's name, a literal)
            w.add(d, DCTERMS.source, source)
    if doc.canonical_url:
        w.add(d, CKG.canonicalUrl, typed(doc.canonical_url, XSD.anyURI))
    if doc.author:
        w.add(d, DCTERMS.creator, lit(doc.author))
    if doc.language:
        w.add(d, DCTERMS.language, lit(doc.language))
    seen: set[tuple[int, int]] = set()
    for mention in extraction.mentions:
        key = (mention.span.begin, mention.span.end)
        if key in seen:
            continue
        seen.add(key)
        _mention(w, iris, doc.doc_id, d, mention.span, mention.confidence, mention.entity)
    for st in extraction.statements:
        w.add(st.iri, RDF.type, CKG.Statement)
        w.add(st.iri, RDF.type, CKG.DirectQuote if st.quote is not None else CKG.ReportedSpeech)
        if st.quote is not None:
            w.add(st.iri, CKG.quote, lit(st.quote))
        if st.content is not None:
            w.add(st.iri, CKG.content, lit(st.content))
        _extracted(w, iris, doc.doc_id, d, st.iri, st.evidence, st.confidence)
        if st.speaker:
            w.add(st.iri, CKG.speaker, st.speaker)
        if st.on_behalf_of:
            w.add(st.iri, CKG.onBehalfOf, st.on_behalf_of)
        if st.date:
            w.add(st.iri, CKG.date, date_literal(st.date))
        for entity_iri in st.about:
            w.add(st.iri, CKG.about, entity_iri)
    for ev in extraction.events:
        w.add(ev.iri, RDF.type, CKG.Event)
        for event_type in ev.types:
            w.add(ev.iri, RDF.type, CKG[event_type])
        _extracted(w, iris, doc.doc_id, d, ev.iri, ev.evidence, ev.confidence)
        for prop, values in ((CKG.agent, ev.agent), (CKG.target, ev.target), (CKG.place, ev.place),
                             (CKG.claimedBy, ev.claimed_by), (CKG.deniedBy, ev.denied_by), (CKG.about, ev.about)):
            for value in values:
                w.add(ev.iri, prop, value)
        if ev.date:
            w.add(ev.iri, CKG.date, date_literal(ev.date))
        if ev.background:
            w.add(ev.iri, CKG.isBackground, typed("true", XSD.boolean))
    for cc in extraction.casualty_claims:
        w.add(cc.iri, RDF.type, CKG.CasualtyClaim)
        _extracted(w, iris, doc.doc_id, d, cc.iri, cc.evidence, cc.confidence)
        w.add(cc.iri, CKG.count, typed(cc.count, XSD.integer))
        w.add(cc.iri, CKG.casualtyKind, CKG[cc.kind])
        w.add(cc.iri, CKG.population, CKG[cc.population])
        if cc.qualifier:
            w.add(cc.iri, CKG.countQualifier, lit(cc.qualifier))
        if cc.side:
            w.add(cc.iri, CKG.side, cc.side)
        for claimant in cc.claimed_by:
            w.add(cc.iri, CKG.claimedBy, claimant)
        if cc.date:
            w.add(cc.iri, CKG.date, date_literal(cc.date))
        w.add(cc.iri, CKG.isBackground, typed("true" if cc.background else "false", XSD.boolean))
    for place in extraction.places:
        _describe(w, place)
    for actor, span in extraction.mediators:
        # a role the text gives, in this document's graph only
        w.add(actor, RDF.type, CKG.Mediator)
        w.add(actor, CKG.evidence, _mention(w, iris, doc.doc_id, d, span, None, None))
    for entity in extraction.new_entities:
        w.add(entity.iri, RDF.type, CKG[entity.type])
        w.add(entity.iri, RDFS.label, lit(entity.label, "en"))
        w.add(entity.iri, CKG.confidence, decimal(entity.confidence))
        w.add(entity.iri, PROV.wasDerivedFrom, d)
        if entity.wikidata:
            w.add(entity.iri, OWL.sameAs, WD[entity.wikidata])
    return sorted(set(w.quads), key=str)


def _describe(w: _Writer, e: CuratedEntity) -> None:
    """The facts of a curated or gazetteer entity: types, names, links, coordinates, country, region."""
    for t in e.types:
        w.add(e.iri, RDF.type, CKG[t])
    w.add(e.iri, RDFS.label, lit(e.label, "en"))
    for prop, values in ((SKOS.altLabel, e.alt_labels), (CKG.roleLabel, e.role_labels),
                         (CKG.familyName, e.family_names), (CKG.demonym, e.demonyms)):
        for v in values:
            w.add(e.iri, prop, lit(v, "en"))
    for prop, iris_ in ((CKG.partOf, e.part_of), (CKG.affiliatedWith, e.affiliated_with),
                        (CKG.capitalOf, e.capital_of), (CKG.locatedIn, e.located_in)):
        for v in iris_:
            w.add(e.iri, prop, v)
    if e.in_country:
        w.add(e.iri, CKG.inCountry, e.in_country)
    if e.in_region:
        w.add(e.iri, CKG.inRegion, e.in_region)
    if e.iso_code:
        w.add(e.iri, CKG.isoCode, lit(e.iso_code))
    if e.wikidata:
        w.add(e.iri, OWL.sameAs, WD[e.wikidata])
    if e.geonames:
        w.add(e.iri, OWL.sameAs, GN[f"{e.geonames}/"])
    if e.lat is not None and e.long is not None:
        w.add(e.iri, GEO.lat, decimal(e.lat))
        w.add(e.iri, GEO.long, decimal(e.long))


def entity_quads(entities: Iterable[CuratedEntity], graph: str) -> list[ox.Quad]:
    """The quads describing curated entities (the world graph), sorted."""
    w = _Writer(graph)
    for e in entities:
        _describe(w, e)
    return sorted(set(w.quads), key=str)


def provenance_quads(doc_id: str, *, iris: Iris, fingerprint: str, generated: dt.datetime,
                     versions: Versions) -> list[ox.Quad]:
    """The PROV-O description of one document graph, in ``res:graph/provenance``."""
    w = _Writer(iris.provenance_graph)
    g = iris.document_graph(doc_id)
    a = iris.activity(doc_id)
    d = iris.document(doc_id)
    when = typed(generated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), XSD.dateTime)
    software = iris.agent("conflict-kg", versions.extractor)
    model = iris.agent("model", versions.model_name, versions.model_version)
    w.add(g, RDF.type, PROV.Entity)
    w.add(g, RDF.type, CKG.DocumentGraph)
    w.add(g, PROV.wasDerivedFrom, d)
    w.add(g, PROV.wasGeneratedBy, a)
    w.add(g, PROV.generatedAtTime, when)
    w.add(g, CKG.fingerprint, lit(fingerprint))
    w.add(a, RDF.type, PROV.Activity)
    w.add(a, RDF.type, CKG.Extraction)
    w.add(a, PROV.used, d)
    w.add(a, PROV.wasAssociatedWith, software)
    w.add(a, PROV.wasAssociatedWith, model)
    w.add(a, PROV.endedAtTime, when)
    w.add(software, RDF.type, PROV.SoftwareAgent)
    w.add(software, RDFS.label, lit(f"conflict-kg {versions.extractor}"))
    w.add(software, CKG.softwareVersion, lit(versions.extractor))
    w.add(model, RDF.type, PROV.SoftwareAgent)
    w.add(model, RDFS.label, lit(f"spaCy model {versions.model_name} {versions.model_version}"))
    w.add(model, CKG.modelName, lit(versions.model_name))
    w.add(model, CKG.softwareVersion, lit(versions.model_version))
    w.add(model, CKG.spacyVersion, lit(versions.spacy_version))
    return sorted(set(w.quads), key=str)


def static_provenance_quads(graph: str, kind: str, *, iris: Iris, source: str, fingerprint: str) -> list[ox.Quad]:
    """Provenance of the ontology or curated-entities graph."""
    w = _Writer(iris.provenance_graph)
    w.add(graph, RDF.type, PROV.Entity)
    w.add(graph, RDF.type, CKG[kind])
    w.add(graph, PROV.wasDerivedFrom, lit(source))
    w.add(graph, CKG.fingerprint, lit(fingerprint))
    return sorted(set(w.quads), key=str)


def _rebase(term: ox.NamedNode, base: str) -> ox.NamedNode:
    if base != DEFAULT_BASE and term.value.startswith(DEFAULT_BASE):
        return ox.NamedNode(base + term.value[len(DEFAULT_BASE):])
    return term


def load_static_graph(path: Path, graph: str, *, base: str = DEFAULT_BASE) -> list[ox.Quad]:
    """The triples of a Turtle file as quads in ``graph``, sorted.

    Blank nodes become skolem IRIs (``res:.well-known/genid/{graph}-{n}``, numbered in file
    order) so that the store holds no blank nodes and dumps are byte-identical across builds;
    IRIs under the default instance namespace are moved to ``base``. Raises ``SyntaxError``
    for bad Turtle and ``OSError`` when the file cannot be read.
    """
    labels: dict[str, ox.NamedNode] = {}
    tag = graph.rstrip("/").rsplit("/", 1)[-1]

    def stable(term: object) -> ox.NamedNode | ox.Literal:
        if isinstance(term, ox.BlankNode):
            if term.value not in labels:
                labels[term.value] = ox.NamedNode(f"{base}.well-known/genid/{tag}-{len(labels)}")
            return labels[term.value]
        if isinstance(term, ox.NamedNode):
            return _rebase(term, base)
        if isinstance(term, ox.Literal):
            return term
        raise ValueError(f"{path}: RDF-star triples are not supported")

    g = ox.NamedNode(graph)
    quads = []
    with path.open("rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            s = stable(q.subject)
            o = stable(q.object)
            if not isinstance(s, ox.NamedNode):
                raise ValueError(f"{path}: literal in subject position")
            quads.append(ox.Quad(s, q.predicate, o, g))
    return sorted(set(quads), key=str)


def curated_entities(quads: Iterable[ox.Quad]) -> list[CuratedEntity]:
    """The curated entities of the entities graph, as plain records sorted by IRI."""
    props: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and not isinstance(q.object, ox.Triple):
            props.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)

    def strings(p: dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]], key: str) -> tuple[str, ...]:
        return tuple(sorted({t.value for t in p.get(key, [])}))

    def number(p: dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]], key: str) -> float | None:
        values = p.get(key)
        return float(values[0].value) if values else None

    entities = []
    for subject, p in sorted(props.items()):
        types = tuple(sorted(t.value[len(CKG.base):] for t in p.get(RDF.type, []) if t.value.startswith(CKG.base)))
        labels = p.get(RDFS.label)
        if not types or not labels or "/entity/" not in subject:
            continue
        wikidata = next((t.value[len(WD.base):] for t in p.get(OWL.sameAs, []) if t.value.startswith(WD.base)), None)
        geonames = next((int(t.value[len(GN.base):].strip("/")) for t in p.get(OWL.sameAs, [])
                         if t.value.startswith(GN.base) and t.value[len(GN.base):].strip("/").isdigit()), None)
        entities.append(CuratedEntity(
            iri=subject,
            slug=subject.rsplit("/entity/", 1)[-1],
            label=sorted(t.value for t in labels)[0],
            types=types,
            alt_labels=strings(p, SKOS.altLabel),
            role_labels=strings(p, CKG.roleLabel),
            family_names=strings(p, CKG.familyName),
            demonyms=strings(p, CKG.demonym),
            part_of=strings(p, CKG.partOf),
            affiliated_with=strings(p, CKG.affiliatedWith),
            capital_of=strings(p, CKG.capitalOf),
            located_in=strings(p, CKG.locatedIn),
            wikidata=wikidata,
            lat=number(p, GEO.lat),
            long=number(p, GEO.long),
            geonames=geonames,
            in_country=next(iter(strings(p, CKG.inCountry)), None),
            in_region=next(iter(strings(p, CKG.inRegion)), None),
            iso_code=next(iter(strings(p, CKG.isoCode)), None),
        ))
    return entities
