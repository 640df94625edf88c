"""The vocabulary, in one place: namespaces and every ``ckg:`` term the code writes or reads.

Terms are plain strings (full IRIs) so that modules without pyoxigraph can use them.
``tests/test_ontology.py`` fails when a term here is not declared in
``ontology/conflict-kg.ttl``, and when code elsewhere spells a ``ckg:`` IRI by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["CKG", "NS", "PREFIXES", "Namespace", "ckg_terms", "dump_prefixes", "sparql_prefixes"]


# Every ckg: term the ontology declares (the code may use no other). Classes start with a capital letter.
_CKG_TERMS: Final = (
    # classes
    "Actor State Person Organization GovernmentBody ArmedForce MediaOutlet InternationalOrganization "
    "Mediator Location Country Region Settlement NaturalFeature Event ArmedClash Shelling MissileStrike AirStrike "
    "DroneStrike Shootdown TerritorialCapture Ceasefire CeasefireViolation MartialLaw Mobilization "
    "CallForCeasefire Negotiation Mediation Other MilitaryAid ForeignFighterDeployment HostageTaking "
    "Statement DirectQuote ReportedSpeech CasualtyClaim "
    "Document Mention DocumentGraph CuratedGraph OntologyGraph Extraction "
    # concepts
    "Attack CasualtyKinds Populations Killed Wounded Military Civilian MixedPopulation UnknownPopulation "
    # properties
    "speaker onBehalfOf quote content about agent target place date claimedBy deniedBy count "
    "countQualifier casualtyKind population side evidence refersTo inDocument confidence isBackground "
    "fingerprint softwareVersion modelName spacyVersion familyName roleLabel demonym affiliatedWith "
    "partOf locatedIn inCountry inRegion isoCode capitalOf cameoCode ploverCategory canonicalUrl "
    "extractionPolicy acledEventType acledSubEventType"
).split()




class Namespace:
    """A namespace IRI; ``NS.term`` and ``NS["term"]`` give the full IRI of a term, ``NS.base`` itself.

    Given ``terms``, the namespace is closed, as rdflib's ``DefinedNamespace`` is: a term not
    among them (a typo, a term the ontology does not declare) raises ``AttributeError`` /
    ``KeyError`` where it is spelt, instead of minting an IRI nothing knows.
    Not a ``str`` subclass on purpose: ``DCTERMS.title`` must be the term, not ``str.title``.

    >>> CKG.refersTo
    'https://w3id.org/conflict-kg/ontology#refersTo'
    >>> CKG.refersto
    Traceback (most recent call last):
    AttributeError: 'refersto' is not a declared term of https://w3id.org/conflict-kg/ontology# (kg/vocab.py)
    """

    __slots__ = ("base", "terms")

    def __init__(self, base: str, terms: Iterable[str] | None = None) -> None:
        self.base = base
        self.terms = frozenset(terms) if terms is not None else None

    def _term(self, name: str) -> str | None:
        if self.terms is not None and name not in self.terms:
            return None
        return self.base + name

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self._term(name)
        if term is None:
            raise AttributeError(f"{name!r} is not a declared term of {self.base} (kg/vocab.py)")
        return term

    def __getitem__(self, name: str) -> str:
        term = self._term(name)
        if term is None:
            raise KeyError(f"{name!r} is not a declared term of {self.base} (kg/vocab.py)")
        return term

    def __str__(self) -> str:
        return self.base

    def __repr__(self) -> str:
        return f"Namespace({self.base!r})"


CKG: Final = Namespace("https://w3id.org/conflict-kg/ontology#", _CKG_TERMS)
RDF: Final = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS: Final = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL: Final = Namespace("http://www.w3.org/2002/07/owl#")
XSD: Final = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS: Final = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV: Final = Namespace("http://www.w3.org/ns/prov#")
DCTERMS: Final = Namespace("http://purl.org/dc/terms/")
GEO: Final = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
NIF: Final = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA: Final = Namespace("https://schema.org/")
SEM: Final = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD: Final = Namespace("http://www.wikidata.org/entity/")
SH: Final = Namespace("http://www.w3.org/ns/shacl#")
GN: Final = Namespace("https://sws.geonames.org/")


class NS:
    """Namespaces by prefix (the instance namespace ``res:`` is a setting, see :mod:`kg.ids`)."""

    ckg = CKG
    rdf = RDF
    rdfs = RDFS
    owl = OWL
    xsd = XSD
    skos = SKOS
    prov = PROV
    dcterms = DCTERMS
    geo = GEO
    nif = NIF
    schema = SCHEMA
    sem = SEM
    wd = WD


PREFIXES: Final[dict[str, str]] = {
    name: ns.base
    for name, ns in (("ckg", CKG), ("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("xsd", XSD), ("skos", SKOS),
                     ("prov", PROV), ("dcterms", DCTERMS), ("geo", GEO), ("nif", NIF), ("schema", SCHEMA),
                     ("sem", SEM), ("wd", WD))
}

def ckg_terms() -> list[str]:
    """Local names of every ``ckg:`` term the code uses (checked against the ontology by tests)."""
    return list(_CKG_TERMS)


def dump_prefixes(base_iri: str) -> dict[str, str]:
    """Prefixes for Turtle and TriG output: the vocabularies plus one per kind of instance IRI."""
    kinds = ("entity", "doc", "mention", "statement", "event", "claim", "graph", "agent", "activity")
    return {**PREFIXES, **{k: f"{base_iri}{k}/" for k in kinds}, "docgraph": f"{base_iri}graph/doc/"}


def sparql_prefixes(base_iri: str | None = None) -> str:
    """``PREFIX`` lines for every namespace (and ``res:`` when ``base_iri`` is given)."""
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()]
    if base_iri:
        lines.append(f"PREFIX res: <{base_iri}>")
    return "\n".join(lines) + "\n"
