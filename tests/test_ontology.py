"""The ontology declares every public term, and the code uses no term it does not declare."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.settings import Settings
from kg.vocab import CKG, ckg_terms
from tests.conftest import ROOT, SHARED

ONTOLOGY = Settings().ontology_dir / "conflict-kg.ttl"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def _declared(onto: rdflib.Graph) -> set[str]:
    kinds = {rdflib.URIRef(OWL + k) for k in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty",
                                              "NamedIndividual")} | {rdflib.URIRef(RDFS + "Class")}
    declared = set()
    for s, _, o in onto.triples((None, rdflib.RDF.type, None)):
        if (o in kinds or (o, rdflib.RDF.type, rdflib.URIRef(OWL + "Class")) in onto
                or str(o).startswith("http://www.w3.org/2004/02/skos/core#")) and str(s).startswith(CKG.base):
            declared.add(str(s)[len(CKG.base):])
    return declared


def test_every_spec_term_is_declared(onto: rdflib.Graph) -> None:
    spec = (SHARED / "SPEC.md").read_text()
    terms = set(re.findall(r"ckg:([A-Za-z]+)", spec))
    assert terms, "SPEC.md names no ckg: terms?"
    assert terms - _declared(onto) == set()


def test_every_term_the_code_uses_is_declared(onto: rdflib.Graph) -> None:
    assert set(ckg_terms()) - _declared(onto) == set()


def test_code_spells_no_ckg_iri_outside_the_vocabulary_module() -> None:
    used: set[str] = set()
    for path in [*ROOT.glob("kg/**/*.py"), *ROOT.glob("api/**/*.py"), *ROOT.glob("api/**/*.rq")]:
        text = path.read_text()
        if path.name == "vocab.py":
            continue
        assert "conflict-kg/ontology#" not in text, f"{path} spells a ckg: IRI by hand; use kg.vocab"
        used |= set(re.findall(r"\bCKG\.([A-Za-z]+)", text)) | set(re.findall(r"\bckg:([A-Za-z]+)", text))
        used.discard("base")
    assert used - set(ckg_terms()) == set(), "add these to kg.vocab and the ontology"


def test_classes_and_properties_are_documented(onto: rdflib.Graph) -> None:
    missing = []
    for term in _declared(onto):
        node = rdflib.URIRef(CKG.base + term)
        for prop in (rdflib.RDFS.label, rdflib.RDFS.comment):
            if (node, prop, None) not in onto:
                missing.append(f"{term} lacks {prop}")
        is_property = any((node, rdflib.RDF.type, rdflib.URIRef(OWL + k)) in onto
                          for k in ("ObjectProperty", "DatatypeProperty"))
        if is_property:
            for prop in (rdflib.RDFS.domain, rdflib.RDFS.range):
                if (node, prop, None) not in onto:
                    missing.append(f"{term} lacks {prop}")
    assert missing == []


@pytest.mark.parametrize(("cls", "code"), [("Shelling", "194"), ("Ceasefire", "0871"), ("CeasefireViolation", "196"),
                                           ("MartialLaw", "1724"), ("Mobilization", "154"), ("DroneStrike", "1952"),
                                           ("TerritorialCapture", "192"), ("Negotiation", "046"),
                                           ("CallForCeasefire", "0256")])
def test_event_classes_carry_cameo_codes(onto: rdflib.Graph, cls: str, code: str) -> None:
    node = rdflib.URIRef(CKG.base + cls)
    assert rdflib.Literal(code) in set(onto.objects(node, rdflib.URIRef(CKG.cameoCode)))
    assert (node, rdflib.URIRef(CKG.ploverCategory), None) in onto
    assert (node, rdflib.RDFS.subClassOf * "+", rdflib.URIRef(CKG.Event)) in onto  # type: ignore[operator]


@pytest.mark.parametrize("name", ["conflict-kg.ttl", "shapes.ttl", "pack-shapes.ttl",
                                  "packs/nagorno-karabakh-2020.ttl"])
def test_ontology_files_parse_with_both_libraries(name: str) -> None:
    path = ONTOLOGY.parent / name
    assert len(rdflib.Graph().parse(path, format="turtle")) > 0
    assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 0


def test_curated_entities_are_complete() -> None:
    from kg.build import Builder
    from kg.settings import Settings
    from kg.store import KGStore

    # the world's entities with the Karabakh pack, as the seeds are built
    pack = ONTOLOGY.parent / "packs" / "nagorno-karabakh-2020.ttl"
    entities = Builder(KGStore(None), Settings(), packs=[pack]).install_static_graphs()
    places = [e for e in entities if {"Settlement", "Region", "Country"} & set(e.types)]
    assert len(places) >= 60
    for place in places:
        assert place.lat is not None and place.long is not None, place.label
        assert -90 <= place.lat <= 90 and -180 <= place.long <= 180
    for e in entities:
        if e.wikidata:
            assert re.fullmatch(r"Q[1-9]\d*", e.wikidata), e.label
    names = {n.lower() for e in entities for n in (e.label, *e.alt_labels, *e.family_names)}
    for variant in ("pashinian", "harutiunian", "khadjiyev", "fizuli", "terter", "jabrail", "sugovushan",
                    "nagorny karabakh", "upper karabakh", "artsakh"):
        assert variant in names, variant
    kinds = {t for e in entities for t in e.types}
    assert {"State", "Person", "GovernmentBody", "ArmedForce", "InternationalOrganization", "Mediator",
            "MediaOutlet", "Settlement", "Region"} <= kinds
    assert not [p for p in Path(ONTOLOGY.parent).glob("*.ttl") if p.stat().st_size == 0]


def test_the_vocabulary_refuses_undeclared_terms() -> None:
    import pytest

    assert CKG.refersTo.endswith("#refersTo") and CKG["Event"].endswith("#Event")
    with pytest.raises(AttributeError, match="not a declared term"):
        _ = CKG.refersto  # a typo is an error where it is spelt, not an IRI nothing knows
    with pytest.raises(KeyError):
        _ = CKG["NoSuchClass"]
