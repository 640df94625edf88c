"""The vocabulary, in one place: namespaces and every ``ckg:`` term the code writes or reads.

Terms are plain strings (full IRIs) so that modules without pyoxigraph can use them.
``tests/test_ontology.py`` fails when a term here is not declared in
``ontology/conflict-kg.ttl``, and when code elsewhere spells a ``ckg:`` IRI by hand.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CKG", "NS", "PREFIXES", "Namespace", "ckg_terms", "dump_prefixes", "sparql_prefixes"]


class Namespace:
    """A namespace IRI; ``NS.term`` and ``NS["term"]`` give the full IRI of a term, ``NS.base`` itself.

    Not a ``str`` subclass on purpose: ``DCTERMS.title`` must be the term, not ``str.title``.
    """

    __slots__ = ("base",)

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.base + name

    def __getitem__(self, name: str) -> str:
        return self.base + name

    def __str__(self) -> str:
        return self.base

    def __repr__(self) -> str:
        return f"Namespace({self.base!r})"


CKG: Final = Namespace("https://w3id.org/conflict-kg/ontology#")
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

# Every ckg: term the code uses. Classes start with a capital letter.
_CKG_TERMS: Final = (
    # classes
    "Actor State Person Organization GovernmentBody ArmedForce MediaOutlet InternationalOrganization "
    "Mediator Location Country Region Settlement Event ArmedClash Shelling MissileStrike AirStrike "
    "DroneStrike Shootdown TerritorialCapture Ceasefire CeasefireViolation MartialLaw Mobilization "
    "CallForCeasefire Negotiation Mediation Other MilitaryAid ForeignFighterDeployment "
    "Statement DirectQuote ReportedSpeech CasualtyClaim "
    "Document Mention DocumentGraph CuratedGraph OntologyGraph Extraction "
    # concepts
    "Killed Wounded Military Civilian MixedPopulation UnknownPopulation "
    # properties
    "speaker onBehalfOf quote content about agent target place date claimedBy deniedBy count "
    "countQualifier casualtyKind population side evidence refersTo inDocument confidence isBackground "
    "fingerprint softwareVersion modelName spacyVersion familyName roleLabel demonym affiliatedWith "
    "partOf locatedIn inCountry inRegion isoCode capitalOf cameoCode ploverCategory"
).split()


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
