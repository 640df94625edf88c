"""kg/rdf.py without spaCy: a hand-made extraction (every field filled in) turned into RDF and
compared triple by triple with the graph a person wrote out below; the provenance graphs; Turtle
files read into named graphs (skolem IRIs, rebasing); the curated graph read back into records.

These are the fast tests `make mutate` runs first against kg/rdf.py's mutants (docs/testing.md):
each expected graph is written here in Turtle, so a changed term, datatype, language tag,
number format or a dropped triple fails with the triples only in one of the two graphs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from string import Template

import pyoxigraph as ox
import pytest

from kg.ids import Iris
from kg.model import (
    CasualtyClaim,
    CuratedEntity,
    DocumentExtraction,
    EntityMention,
    Event,
    NewEntity,
    SourceDocument,
    Span,
    Statement,
)
from kg.rdf import (
    DEFAULT_BASE,
    Versions,
    curated_entities,
    document_quads,
    entity_quads,
    load_static_graph,
    provenance_quads,
    static_provenance_quads,
)
from kg.vocab import CKG, RDF, RDFS

IRIS = Iris()
R = DEFAULT_BASE
PREFIXES = f"""
@prefix doc: <{R}doc/> .
@prefix entity: <{R}entity/> .
@prefix statement: <{R}statement/> .
@prefix event: <{R}event/> .
@prefix claim: <{R}claim/> .
@prefix graph: <{R}graph/> .
@prefix docgraph: <{R}graph/doc/> .
@prefix extract: <{R}activity/extract/> .
@prefix genid: <{R}.well-known/genid/> .
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix schema: <https://schema.org/> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def turtle(text: str, **names: str) -> set[Triple]:
    """The triples of a Turtle text written below (``$name`` stands for an IRI computed here)."""
    data = (PREFIXES + Template(text).substitute(names)).encode()
    return {(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.TURTLE)}  # type: ignore[misc]


def triples(quads: list[ox.Quad], graph: str) -> set[Triple]:
    """The triples of ``quads``, which must all be in ``graph``, sorted and without duplicates."""
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}
    assert quads == sorted(quads, key=str) and len(quads) == len(set(quads))
    return {(q.subject, q.predicate, q.object) for q in quads}  # type: ignore[misc]


def diff(expected: set[Triple], actual: set[Triple]) -> str:
    return "\n".join(["only in expected:", *sorted(f"  {t}" for t in expected - actual),
                      "only in actual:", *sorted(f"  {t}" for t in actual - expected)])


def assert_graph(quads: list[ox.Quad], graph: str, expected: set[Triple]) -> None:
    actual = triples(quads, graph)
    assert actual == expected, diff(expected, actual)


# -- one document's graph ------------------------------------------------------------------------

TEXT = ('Ruritania said Bordurian troops shelled Kessel on Tuesday. "We did not fire," a Bordurian spokesman '
        "said. Two soldiers were killed, the ministry said. Talks in Kessel were mediated by the Syldavian envoy.\n")


def span(begin: int, end: int) -> Span:
    return Span(begin, end, TEXT[begin:end])


RURITANIA, TROOPS, KESSEL, ENVOY = (IRIS.entity(s) for s in ("ruritania", "bordurian-troops", "kessel",
                                                           "syldavian-envoy"))
REGION, COUNTRY = IRIS.entity("kessel-region"), IRIS.entity("ruritania-country")
FIRST, QUOTE, CLAIM, TALKS = span(0, 58), span(59, 105), span(106, 150), span(151, 204)

KESSEL_PLACE = CuratedEntity(
    iri=KESSEL, slug="kessel", label="Kessel", types=("Location", "Settlement"), alt_labels=("Kesel",),
    role_labels=("the river town",), family_names=("Kesselov",), demonyms=("Kesselite",), part_of=(REGION,),
    affiliated_with=(RURITANIA,), capital_of=(REGION,), located_in=(COUNTRY,), wikidata="Q999001",
    lat=40.0, long=45.123456, geonames=1234567, in_country=COUNTRY, in_region=REGION, iso_code="RU-KS")
HALF_PLACE = CuratedEntity(iri=IRIS.entity("half"), slug="half", label="Half", types=("Location",), lat=1.5)

FULL = DocumentExtraction(
    document=SourceDocument(doc_id="hand-made", text=TEXT, path="hand-made.txt", title="Shelling of Kessel",
                            date=dt.date(2024, 3, 5), url="https://news.example/a?id=1", outlet="Example News",
                            author="A. Writer", language="en", canonical_url="https://news.example/a"),
    mentions=[EntityMention(span(0, 9), RURITANIA, 0.91234, curated=True, kind="label"),
              EntityMention(span(0, 9), TROOPS, 0.2, curated=False),  # the same span again: not written
              EntityMention(span(15, 31), TROOPS, 0.6, curated=False),
              EntityMention(span(40, 46), KESSEL, 1.0, curated=True, kind="geo")],
    new_entities=[NewEntity(TROOPS, "Bordurian troops", "ArmedForce", 0.6, wikidata="Q999002"),
                  NewEntity(IRIS.entity("ministry"), "the ministry", "GovernmentBody", 0.35)],
    statements=[Statement(f"{R}statement/q", quote="We did not fire", content=None, evidence=QUOTE,
                          speaker=TROOPS, on_behalf_of=RURITANIA, date=dt.date(2024, 3, 5),
                          about=(KESSEL, TROOPS), confidence=0.8),
                Statement(f"{R}statement/r", quote=None, content="Bordurian troops shelled Kessel",
                          evidence=FIRST)],
    events=[Event(f"{R}event/e", types=("Shelling", "Attack"), evidence=FIRST, agent=(TROOPS,), target=(KESSEL,),
                  place=(KESSEL,), date=dt.date(2024, 3, 5), claimed_by=(RURITANIA,), denied_by=(TROOPS,),
                  about=(RURITANIA,), background=True, confidence=0.75),
            Event(f"{R}event/f", types=(), evidence=TALKS)],
    casualty_claims=[CasualtyClaim(f"{R}claim/c", count=2, kind="Killed", evidence=CLAIM, population="Military",
                                   qualifier="at least", side=RURITANIA, claimed_by=(IRIS.entity("ministry"),),
                                   date=dt.date(2024, 3, 4), confidence=0.66667),
                     CasualtyClaim(f"{R}claim/d", count=0, kind="Wounded", evidence=CLAIM, background=True)],
    places=[KESSEL_PLACE, HALF_PLACE],
    mediators=[(ENVOY, span(188, 203))],
)

EXPECTED_FULL = """
doc:hand-made a ckg:Document, nif:Context ;
    dcterms:identifier "hand-made" ;
    nif:isString $article ;
    dcterms:title "Shelling of Kessel" ; rdfs:label "Shelling of Kessel" ;
    dcterms:date "2024-03-05"^^xsd:date ;
    dcterms:source "Example News", <https://news.example/a?id=1> ;
    schema:url "https://news.example/a?id=1"^^xsd:anyURI ;
    ckg:canonicalUrl "https://news.example/a"^^xsd:anyURI ;
    dcterms:creator "A. Writer" ;
    dcterms:language "en" .

<$m_ruritania> a ckg:Mention ; nif:beginIndex 0 ; nif:endIndex 9 ; nif:anchorOf "Ruritania" ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made ;
    ckg:confidence "0.9123"^^xsd:decimal ; ckg:refersTo entity:ruritania .
<$m_troops> a ckg:Mention ; nif:beginIndex 15 ; nif:endIndex 31 ; nif:anchorOf "Bordurian troops" ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made ;
    ckg:confidence "0.6"^^xsd:decimal ; ckg:refersTo entity:bordurian-troops .
<$m_kessel> a ckg:Mention ; nif:beginIndex 40 ; nif:endIndex 46 ; nif:anchorOf "Kessel" ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made ;
    ckg:confidence "1"^^xsd:decimal ; ckg:refersTo entity:kessel .

# evidence spans: no refersTo, no confidence (the node they support has it)
<$m_first> a ckg:Mention ; nif:beginIndex 0 ; nif:endIndex 58 ;
    nif:anchorOf "Ruritania said Bordurian troops shelled Kessel on Tuesday." ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made .
<$m_quote> a ckg:Mention ; nif:beginIndex 59 ; nif:endIndex 105 ;
    nif:anchorOf "\\"We did not fire,\\" a Bordurian spokesman said." ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made .
<$m_claim> a ckg:Mention ; nif:beginIndex 106 ; nif:endIndex 150 ;
    nif:anchorOf "Two soldiers were killed, the ministry said." ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made .
<$m_talks> a ckg:Mention ; nif:beginIndex 151 ; nif:endIndex 204 ;
    nif:anchorOf "Talks in Kessel were mediated by the Syldavian envoy." ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made .
<$m_envoy> a ckg:Mention ; nif:beginIndex 188 ; nif:endIndex 203 ; nif:anchorOf "Syldavian envoy" ;
    nif:referenceContext doc:hand-made ; ckg:inDocument doc:hand-made .

statement:q a ckg:Statement, ckg:DirectQuote ; ckg:quote "We did not fire" ;
    ckg:evidence <$m_quote> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.8"^^xsd:decimal ;
    ckg:speaker entity:bordurian-troops ; ckg:onBehalfOf entity:ruritania ;
    ckg:date "2024-03-05"^^xsd:date ; ckg:about entity:kessel, entity:bordurian-troops .
statement:r a ckg:Statement, ckg:ReportedSpeech ; ckg:content "Bordurian troops shelled Kessel" ;
    ckg:evidence <$m_first> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.5"^^xsd:decimal .

event:e a ckg:Event, ckg:Shelling, ckg:Attack ;
    ckg:evidence <$m_first> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.75"^^xsd:decimal ;
    ckg:agent entity:bordurian-troops ; ckg:target entity:kessel ; ckg:place entity:kessel ;
    ckg:claimedBy entity:ruritania ; ckg:deniedBy entity:bordurian-troops ;
    ckg:about entity:ruritania ; ckg:date "2024-03-05"^^xsd:date ; ckg:isBackground true .
event:f a ckg:Event ;
    ckg:evidence <$m_talks> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.5"^^xsd:decimal .

claim:c a ckg:CasualtyClaim ;
    ckg:evidence <$m_claim> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.6667"^^xsd:decimal ;
    ckg:count 2 ; ckg:casualtyKind ckg:Killed ; ckg:population ckg:Military ; ckg:countQualifier "at least" ;
    ckg:side entity:ruritania ; ckg:claimedBy entity:ministry ; ckg:date "2024-03-04"^^xsd:date ;
    ckg:isBackground false .
claim:d a ckg:CasualtyClaim ;
    ckg:evidence <$m_claim> ; prov:wasDerivedFrom doc:hand-made ; ckg:confidence "0.5"^^xsd:decimal ;
    ckg:count 0 ; ckg:casualtyKind ckg:Wounded ; ckg:population ckg:UnknownPopulation ; ckg:isBackground true .

entity:kessel a ckg:Location, ckg:Settlement ; rdfs:label "Kessel"@en ; skos:altLabel "Kesel"@en ;
    ckg:roleLabel "the river town"@en ; ckg:familyName "Kesselov"@en ; ckg:demonym "Kesselite"@en ;
    ckg:partOf entity:kessel-region ; ckg:affiliatedWith entity:ruritania ;
    ckg:capitalOf entity:kessel-region ; ckg:locatedIn entity:ruritania-country ;
    ckg:inCountry entity:ruritania-country ; ckg:inRegion entity:kessel-region ; ckg:isoCode "RU-KS" ;
    owl:sameAs wd:Q999001, <https://sws.geonames.org/1234567/> ;
    geo:lat "40"^^xsd:decimal ; geo:long "45.1235"^^xsd:decimal .
# a latitude without a longitude is no position
entity:half a ckg:Location ; rdfs:label "Half"@en .

entity:syldavian-envoy a ckg:Mediator ; ckg:evidence <$m_envoy> .

entity:bordurian-troops a ckg:ArmedForce ; rdfs:label "Bordurian troops"@en ;
    ckg:confidence "0.6"^^xsd:decimal ; prov:wasDerivedFrom doc:hand-made ; owl:sameAs wd:Q999002 .
entity:ministry a ckg:GovernmentBody ; rdfs:label "the ministry"@en ;
    ckg:confidence "0.35"^^xsd:decimal ; prov:wasDerivedFrom doc:hand-made .
"""


def _mentions(doc_id: str, **spans: Span) -> dict[str, str]:
    return {f"m_{name}": IRIS.mention(doc_id, s.begin, s.end) for name, s in spans.items()}


def test_a_document_graph_triple_by_triple() -> None:
    names = _mentions("hand-made", ruritania=span(0, 9), troops=span(15, 31), kessel=span(40, 46), first=FIRST,
                      quote=QUOTE, claim=CLAIM, talks=TALKS, envoy=span(188, 203))
    text_literal = '"' + TEXT.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    expected = turtle(EXPECTED_FULL, article=text_literal, **names)
    assert_graph(document_quads(FULL, IRIS), IRIS.document_graph("hand-made"), expected)


def test_a_bare_document_and_urls_that_are_no_iris() -> None:
    bare = DocumentExtraction(SourceDocument(doc_id="bare one", text="Nothing.", path="x"))
    assert_graph(document_quads(bare, IRIS), IRIS.document_graph("bare one"), turtle("""
        <${d}> a ckg:Document, nif:Context ; dcterms:identifier "bare one" ; nif:isString "Nothing." .
        """, d=IRIS.document("bare one")))
    for url in ("ftp://files.example/a", "https://bad example/a", "news.example/a"):  # kept as a string only
        doc = DocumentExtraction(SourceDocument(doc_id="u", text="Text.", path="x", url=url))
        got = triples(document_quads(doc, IRIS), IRIS.document_graph("u"))
        assert {(p.value, o.value) for s, p, o in got if p.value.startswith(("http://purl", "https://schema"))} \
            == {("http://purl.org/dc/terms/identifier", "u"), ("https://schema.org/url", url)}, url
    doc = DocumentExtraction(SourceDocument(doc_id="h", text="Text.", path="x", url="http://news.example/b"))
    got = triples(document_quads(doc, IRIS), IRIS.document_graph("h"))
    assert (ox.NamedNode(IRIS.document("h")), ox.NamedNode("http://purl.org/dc/terms/source"),
            ox.NamedNode("http://news.example/b")) in got


def test_an_evidence_span_that_is_also_a_name_keeps_its_link() -> None:
    """A statement whose evidence is exactly a linked name: one mention, still linked."""
    name = span(0, 9)
    extraction = DocumentExtraction(
        SourceDocument(doc_id="d", text=TEXT, path="x"),
        mentions=[EntityMention(name, RURITANIA, 0.9, curated=True)],
        statements=[Statement(f"{R}statement/s", quote=None, content="c", evidence=name)],
        mediators=[(RURITANIA, name)])
    got = triples(document_quads(extraction, IRIS), IRIS.document_graph("d"))
    m = ox.NamedNode(IRIS.mention("d", 0, 9))
    assert {(p.value, o) for s, p, o in got if s == m} == {
        (RDF.type, ox.NamedNode(CKG.Mention)), (CKG.confidence, ox.Literal("0.9", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#decimal"))), (CKG.refersTo, ox.NamedNode(RURITANIA)),
        ("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex",
         ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#endIndex",
         ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf", ox.Literal("Ruritania")),
        ("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext",
         ox.NamedNode(IRIS.document("d"))),
        (CKG.inDocument, ox.NamedNode(IRIS.document("d")))}


def test_the_same_extraction_gives_the_same_quads_in_the_same_order() -> None:
    first, second = document_quads(FULL, IRIS), document_quads(FULL, IRIS)
    assert first == second and [str(q) for q in first] == sorted(str(q) for q in first)


# -- provenance ----------------------------------------------------------------------------------

VERSIONS = Versions(extractor="1.2.3", model_name="en_test_model", model_version="3.8.0", spacy_version="3.8.7")


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process in a time zone nine hours east of UTC (times must still be written in UTC)."""
    monkeypatch.setenv("TZ", "JST-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_provenance_of_a_document_graph(far_east: None) -> None:
    when = dt.datetime(2024, 3, 5, 12, 30, 15, 999, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # 10:30:15 UTC
    quads = provenance_quads("hand made", iris=IRIS, fingerprint="abc123", generated=when, versions=VERSIONS)
    assert_graph(quads, IRIS.provenance_graph, turtle(f"""
        @prefix sw: <{R}agent/conflict-kg/> .
        @prefix model: <{R}agent/model/en_test_model/> .
        docgraph:hand%20made a prov:Entity, ckg:DocumentGraph ;
            prov:wasDerivedFrom doc:hand%20made ; prov:wasGeneratedBy extract:hand%20made ;
            prov:generatedAtTime "2024-03-05T10:30:15Z"^^xsd:dateTime ; ckg:fingerprint "abc123" .
        extract:hand%20made a prov:Activity, ckg:Extraction ; prov:used doc:hand%20made ;
            prov:wasAssociatedWith sw:1.2.3, model:3.8.0 ;
            prov:endedAtTime "2024-03-05T10:30:15Z"^^xsd:dateTime .
        sw:1.2.3 a prov:SoftwareAgent ; rdfs:label "conflict-kg 1.2.3" ;
            ckg:softwareVersion "1.2.3" .
        model:3.8.0 a prov:SoftwareAgent ;
            rdfs:label "spaCy model en_test_model 3.8.0" ; ckg:modelName "en_test_model" ;
            ckg:softwareVersion "3.8.0" ; ckg:spacyVersion "3.8.7" .
        """))


def test_provenance_of_a_static_graph() -> None:
    quads = static_provenance_quads(IRIS.ontology_graph, "OntologyGraph", iris=IRIS, source="ontology/x.ttl",
                                    fingerprint="f00")
    assert_graph(quads, IRIS.provenance_graph, turtle("""
        graph:ontology a prov:Entity, ckg:OntologyGraph ; prov:wasDerivedFrom "ontology/x.ttl" ;
            ckg:fingerprint "f00" .
        """))


# -- Turtle files into named graphs --------------------------------------------------------------

STATIC = """@prefix ex: <https://example.org/> .
@prefix entity: <https://w3id.org/conflict-kg/id/entity/> .
entity:x ex:p [ ex:q "v" ] , _:second .
_:second ex:r entity:y ; ex:s [ ex:t 7 ] .
ex:a ex:b "kept"@en , <relative> .
"""


def test_a_turtle_file_becomes_a_graph_without_blank_nodes(tmp_path: Path) -> None:
    path = tmp_path / "static.ttl"
    path.write_text(STATIC, encoding="utf-8")
    graph = f"{R}graph/entities/"  # a trailing slash: the labels still say "entities"
    quads = load_static_graph(path, graph)
    expected = turtle("""
        @prefix ex: <https://example.org/> .
        entity:x ex:p genid:entities-0, genid:entities-1 .
        genid:entities-0 ex:q "v" .
        genid:entities-1 ex:r entity:y ; ex:s genid:entities-2 .
        genid:entities-2 ex:t 7 .
        ex:a ex:b "kept"@en, <$rel> .
        """, rel=(tmp_path / "relative").resolve().as_uri())
    assert_graph(quads, graph, expected)
    assert load_static_graph(path, graph) == quads  # the same labels every time

    other = "https://kg.example/id/"
    moved = load_static_graph(path, f"{other}graph/pack/demo-X", base=other)
    assert_graph(moved, f"{other}graph/pack/demo-X", turtle(f"""
        @prefix ex: <https://example.org/> .
        @prefix new: <{other}entity/> .
        @prefix newid: <{other}.well-known/genid/> .
        new:x ex:p newid:demo-X-0, newid:demo-X-1 .
        newid:demo-X-0 ex:q "v" .
        newid:demo-X-1 ex:r new:y ; ex:s newid:demo-X-2 .
        newid:demo-X-2 ex:t 7 .
        ex:a ex:b "kept"@en, <$rel> .
        """, rel=(tmp_path / "relative").resolve().as_uri()))


def test_bad_turtle_and_rdf_star_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(SyntaxError):
        load_static_graph(bad, f"{R}graph/x")
    star = tmp_path / "star.ttl"
    star.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b <<( ex:c ex:d ex:e )>> .\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"star\.ttl: RDF-star triples are not supported"):
        load_static_graph(star, f"{R}graph/x")
    with pytest.raises(OSError):
        load_static_graph(tmp_path / "missing.ttl", f"{R}graph/x")


# -- the curated graph, read back ----------------------------------------------------------------

SPARSE = CuratedEntity(iri=IRIS.entity("sparse"), slug="sparse", label="Sparse", types=("Organization",))


def test_curated_entities_come_back_as_they_were_written() -> None:
    entities = [replace(KESSEL_PLACE, long=45.1235), SPARSE, CuratedEntity(
        iri=IRIS.entity("x-y"), slug="x-y", label="X", types=("Country", "State"), lat=-12.25, long=0.5,
        alt_labels=("A", "B"), demonyms=("Xian",))]
    quads = entity_quads(entities, IRIS.entities_graph)
    assert triples(quads, IRIS.entities_graph) >= turtle("""
        entity:sparse a ckg:Organization ; rdfs:label "Sparse"@en .
        entity:x-y a ckg:Country, ckg:State ; rdfs:label "X"@en ; skos:altLabel "A"@en, "B"@en ;
            ckg:demonym "Xian"@en ; geo:lat "-12.25"^^xsd:decimal ; geo:long "0.5"^^xsd:decimal .
        """)
    assert curated_entities(quads) == sorted(entities, key=lambda e: e.iri)


def test_only_named_typed_labelled_entities_are_curated() -> None:
    g = ox.NamedNode(IRIS.entities_graph)
    quads = [ox.Quad(s, p, o, g) for s, p, o in turtle("""
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        entity:two-labels a ckg:Person, foaf:Person ; rdfs:label "Zed"@en, "Ada"@en ;
            owl:sameAs <https://other.example/x>, wd:Q42, <https://sws.geonames.org/notanumber/>,
                <https://sws.geonames.org/77/> .
        entity:no-ckg-type a foaf:Person ; rdfs:label "Nobody"@en .
        entity:no-label a ckg:Person .
        <https://w3id.org/conflict-kg/id/place/not-an-entity> a ckg:Location ; rdfs:label "Elsewhere"@en .
        [] a ckg:Person ; rdfs:label "Blank"@en .
        entity:bad-geonames a ckg:Location ; rdfs:label "B"@en ; owl:sameAs <https://sws.geonames.org/12x/>,
            <https://sws.geonames.org/X77/> .
        entity:untyped rdfs:label "Untyped"@en .
        """)]
    # a statement about a triple (RDF-star, which a remote store could hold) is no name
    quads.append(ox.Quad(ox.NamedNode(IRIS.entity("two-labels")), ox.NamedNode(RDFS.label),
                         ox.Triple(ox.NamedNode(IRIS.entity("x")), ox.NamedNode(RDFS.label), ox.Literal("A")), g))
    assert curated_entities(quads) == [
        CuratedEntity(iri=IRIS.entity("bad-geonames"), slug="bad-geonames", label="B", types=("Location",)),
        CuratedEntity(iri=IRIS.entity("two-labels"), slug="two-labels", label="Ada", types=("Person",),
                      wikidata="Q42", geonames=77)]
    assert curated_entities([]) == []
    # a base that itself holds "/entity/": the slug is what follows the last one
    odd = "https://kg.example/entity/id/entity/x-y"
    assert [e.slug for e in curated_entities([ox.Quad(ox.NamedNode(odd), ox.NamedNode(p), o, g) for p, o in (
        (RDF.type, ox.NamedNode(CKG.Person)), (RDFS.label, ox.Literal("X", language="en")))])] == ["x-y"]
