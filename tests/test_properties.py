"""Property tests of the extractor (hypothesis): any text, no crash, every offset exact,
every extraction valid against the SHACL shapes."""

from __future__ import annotations

import datetime as dt

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyshacl import validate

from kg.build import make_extractor
from kg.ids import Iris
from kg.model import SourceDocument
from kg.nlp.extract import Extractor
from kg.nlp.quotes import find_quotes
from kg.rdf import document_quads, entity_quads
from kg.settings import Settings
from tests.conftest import PACK

WORDS = ["Armenia", "Azerbaijan", "said", "“", "”", "‘", "’", '"', "'", "shelled", "Stepanakert", "killed", "12",
         "civilians", "on", "Saturday", "he", "the", "ministry", "\n\n", ".", ",", "Pashinian", "ceasefire",
         "<script>", "é", "—", "\u00a0", "wounded", "denied", "claim", "Turkey", "drones", "October 3"]
newsish = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=60).map(" ".join)
anything = st.text(max_size=400)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])


def _check_offsets(extractor: Extractor, text: str) -> None:
    if not text.strip():
        return
    ex = extractor.extract(SourceDocument(doc_id="p", text=text, path="<p>", date=dt.date(2020, 10, 4)))
    spans = [m.span for m in ex.mentions] + [s.evidence for s in ex.statements] + \
        [e.evidence for e in ex.events] + [c.evidence for c in ex.casualty_claims]
    for span in spans:
        assert 0 <= span.begin <= span.end <= len(text)
        assert text[span.begin:span.end] == span.text
    for st_ in ex.statements:
        if st_.quote is not None:
            assert st_.quote and st_.quote in text
    for claim in ex.casualty_claims:
        assert claim.count >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(newsish, anything))
def test_any_text_extracts_without_crash_and_with_exact_offsets(extractor: Extractor, text: str) -> None:
    _check_offsets(extractor, text)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(newsish, anything))
def test_quote_spans_are_exact(text: str) -> None:
    for q in find_quotes(text):
        assert text[q.begin:q.end] == q.text and q.text.strip()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=newsish.filter(lambda t: bool(t.strip())))
def test_extractions_conform_to_the_shapes(extractor: Extractor, text: str) -> None:
    s = Settings()
    iris = Iris()
    ex = extractor.extract(SourceDocument(doc_id="p", text=text, path="<p>", date=dt.date(2020, 10, 4)))
    data = rdflib.Graph()
    data.parse(s.ontology_dir / "conflict-kg.ttl", format="turtle")
    curated = entity_quads(extractor.entities.values(), iris.entities_graph)
    nt = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in [*curated, *document_quads(ex, iris)])
    data.parse(data=nt, format="nt")
    shapes = rdflib.Graph().parse(s.ontology_dir / "shapes.ttl", format="turtle")
    conforms, _, report = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, report
