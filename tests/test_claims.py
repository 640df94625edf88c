"""Statements, events and casualty claims: one short hand-written sentence per construction.

None of these sentences is taken from the seeds; each pins a rule users rely on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.build import make_extractor
from kg.model import DocumentExtraction, SourceDocument
from kg.nlp.extract import Extractor
from kg.nlp.quotes import find_quotes
from kg.settings import Settings
from tests.conftest import PACK

ENT = "https://w3id.org/conflict-kg/id/entity/"
SUNDAY = dt.date(2020, 10, 11)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])


def run(extractor: Extractor, text: str, date: dt.date | None = SUNDAY) -> DocumentExtraction:
    return extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>", date=date))


def short(iri: str | None) -> str | None:
    return iri.removeprefix(ENT) if iri else None


# -- quotes -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "quotes"), [
    ("He said “the line holds” and left.", ["the line holds"]),
    ("She called it ‘a provocation’, adding ‘we will answer’.", ["a provocation", "we will answer"]),
    ('The army said "positions are stable" today.', ["positions are stable"]),
    ("Karabakh’s leaders' words and Armenia’s army's position were unclear.", []),
    ("“First paragraph of a long quote.\n\n“Second paragraph, still the same speaker,” he said.",
     ["First paragraph of a long quote.\n\n“Second paragraph, still the same speaker,"]),
])
def test_quote_marks(text: str, quotes: list[str]) -> None:
    assert [q.text for q in find_quotes(text)] == quotes


@pytest.mark.parametrize("text", [
    "“Unbalanced opening and no close", "Stray close” here", "‘’“”\"\"''", '"', "“" * 50 + "x" + "”" * 3,
    "He said ‘we’ll see’ and “maybe", "\"A\" \"B\" \"C", "“\n\n”", "",
])
def test_odd_quote_marks_never_crash(extractor: Extractor, text: str) -> None:
    quotes = find_quotes(text)
    for q in quotes:
        assert text[q.begin:q.end] == q.text
    if text.strip():
        ex = run(extractor, text + " Azerbaijan said.")
        for st in ex.statements:
            assert st.evidence.text == (text + " Azerbaijan said.")[st.evidence.begin:st.evidence.end]


# -- statements ---------------------------------------------------------------------------

def test_split_quote_around_said(extractor: Extractor) -> None:
    ex = run(extractor, "“We are ready to talk,” Ilham Aliyev said, “but only if they withdraw.”")
    quotes = {st.quote: short(st.speaker) for st in ex.statements if st.quote}
    assert quotes == {"We are ready to talk": "ilham-aliyev", "but only if they withdraw.": "ilham-aliyev"}


def test_pronoun_speaker_resolves_to_the_named_person(extractor: Extractor) -> None:
    ex = run(extractor, "Nikol Pashinyan spoke to parliament on Friday. “Our army stands firm,” he said.")
    (st,) = [s for s in ex.statements if s.quote]
    assert short(st.speaker) == "nikol-pashinyan"
    assert short(st.on_behalf_of) == "armenia"


def test_spokesperson_speaks_on_behalf_of_the_ministry(extractor: Extractor) -> None:
    ex = run(extractor, "“The enemy retreated,” Azerbaijan's defence ministry spokesman Vagif Dargahli said.")
    (st,) = [s for s in ex.statements if s.quote]
    assert short(st.speaker) == "vagif-dargahli"
    assert short(st.on_behalf_of) == "ministry-of-defence-of-azerbaijan"


def test_the_spokeswoman_resolves_in_context(extractor: Extractor) -> None:
    ex = run(extractor, "Shushan Stepanyan briefed reporters in Yerevan. “Drones were downed,” the spokeswoman said.")
    (st,) = [s for s in ex.statements if s.quote]
    assert short(st.speaker) == "shushan-stepanyan"


def test_reported_speech_is_a_statement_without_quote(extractor: Extractor) -> None:
    ex = run(extractor, "Armenia's defence ministry said its units had repelled an attack near Hadrut.")
    (st,) = ex.statements
    assert st.quote is None and st.content and "repelled an attack" in st.content
    assert short(st.speaker) == "ministry-of-defence-of-armenia"


def test_scare_quotes_without_speaker_are_not_statements(extractor: Extractor) -> None:
    ex = run(extractor, "The clashes raised fears of a “wider war” in the region.")
    assert [s for s in ex.statements if s.quote] == []


# -- events -------------------------------------------------------------------------------

def events_of(ex: DocumentExtraction, kind: str) -> list[tuple[str | None, dt.date | None]]:
    return sorted(((short(e.place[0]) if e.place else None), e.date) for e in ex.events if kind in e.types)


@pytest.mark.parametrize(("phrase", "date"), [
    ("on Saturday", dt.date(2020, 10, 10)),
    ("yesterday", dt.date(2020, 10, 10)),
    ("last Sunday", dt.date(2020, 10, 4)),
    ("on October 8", dt.date(2020, 10, 8)),
    ("in the early hours of Sunday", dt.date(2020, 10, 11)),
])
def test_relative_dates_resolve_against_the_article_date(extractor: Extractor, phrase: str, date: dt.date) -> None:
    ex = run(extractor, f"Artillery shelled Barda {phrase}.")
    assert events_of(ex, "Shelling") == [("barda", date)]


def test_one_event_per_place_in_a_list(extractor: Extractor) -> None:
    ex = run(extractor, "Armenian forces shelled Tovuz, Goranboy and Barda on Friday, Azerbaijan said.")
    assert [p for p, _ in events_of(ex, "Shelling")] == ["barda", "goranboy", "tovuz"]
    assert all(short(e.claimed_by[0]) == "azerbaijan" for e in ex.events if "Shelling" in e.types)


def test_denial_is_kept_beside_the_claim(extractor: Extractor) -> None:
    ex = run(extractor, "Yerevan said a Turkish jet shot down an Armenian warplane, but Ankara denied the claim.")
    (ev,) = [e for e in ex.events if "Shootdown" in e.types]
    assert [short(c) for c in ev.claimed_by] == ["armenia"]
    assert [short(d) for d in ev.denied_by] == ["turkey"]


def test_history_is_not_a_current_event(extractor: Extractor) -> None:
    ex = run(extractor, "A ceasefire ended the war in 1994 after clashes that killed thousands.")
    assert ex.events == []


def test_same_event_in_two_documents_is_one_node(extractor: Extractor) -> None:
    a = run(extractor, "Rockets shelled Ganja on Saturday.")
    b = extractor.extract(SourceDocument(doc_id="other", text="Azerbaijan said Armenia shelled Ganja on October 10.",
                                         path="<o>", date=dt.date(2020, 10, 12)))
    ia = {e.iri for e in a.events if "Shelling" in e.types}
    ib = {e.iri for e in b.events if "Shelling" in e.types}
    assert ia and ia == ib
    assert [short(c) for e in b.events for c in e.claimed_by] == ["azerbaijan"]


# -- casualty claims ----------------------------------------------------------------------

def claims_of(ex: DocumentExtraction) -> list[tuple[int, str, str, str | None, str | None]]:
    return sorted((c.count, c.kind, c.population, short(c.side),
                   short(c.claimed_by[0]) if c.claimed_by else None) for c in ex.casualty_claims)


def test_claim_about_the_other_sides_losses(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan said that Armenia had lost 240 soldiers while 310 more were wounded.")
    assert claims_of(ex) == [(240, "Killed", "Military", "armenia", "azerbaijan"),
                             (310, "Wounded", "UnknownPopulation", None, "azerbaijan")]


def test_own_losses_reported(extractor: Extractor) -> None:
    ex = run(extractor, "Armenia has reported 37 military deaths and said six civilians were killed.")
    assert claims_of(ex) == [(6, "Killed", "Civilian", "armenia", "armenia"),
                             (37, "Killed", "Military", "armenia", "armenia")]


def test_background_toll_is_flagged(extractor: Extractor) -> None:
    ex = run(extractor, "The war of the early 1990s claimed 25,000 lives.")
    (claim,) = ex.casualty_claims
    assert (claim.count, claim.kind, claim.background) == (25000, "Killed", True)
