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


# -- one actor, one node ------------------------------------------------------------------

def entity_of(ex: DocumentExtraction, surface: str) -> set[str | None]:
    return {short(m.entity) for m in ex.mentions if m.span.text == surface}


def test_an_acronym_and_its_expansion_are_one_entity(extractor: Extractor) -> None:
    ex = run(extractor, "The National Liberation Front (NLF) blocked the road on Monday. "
                        "Later the NLF said its fighters had left the area.")
    assert entity_of(ex, "NLF") == entity_of(ex, "National Liberation Front") == {"national-liberation-front"}
    assert "nlf" not in {short(e.iri) for e in ex.new_entities}
    assert {short(s.speaker) for s in ex.statements} == {"national-liberation-front"}


def test_a_surname_after_the_full_name_is_the_person(extractor: Extractor) -> None:
    ex = run(extractor, "The spokesperson for the rescue service, Tamar Odeh, spoke on Monday.\n\n"
                        "Odeh added in a radio interview on Friday: “The shelter held.”")
    assert entity_of(ex, "Odeh") == {"tamar-odeh"}
    assert [short(s.speaker) for s in ex.statements] == ["tamar-odeh"]


def test_a_countrys_army_is_its_armed_force(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan's military said it had repelled an attack overnight.")
    (st,) = ex.statements
    assert short(st.speaker) == "azerbaijani-armed-forces"


def test_a_countrys_body_no_entity_stands_for_is_one_new_entity(extractor: Extractor) -> None:
    ex = run(extractor, "Freedonia's health ministry said two people died. Later the ministry said the toll rose.")
    assert {short(s.speaker) for s in ex.statements} == {"freedonias-health-ministry"}
    assert [c.claimed_by for c in ex.casualty_claims] == [(ENT + "freedonias-health-ministry",)]


# -- attribution on unseen text -----------------------------------------------------------

def quotes_of(ex: DocumentExtraction) -> list[tuple[str, str | None]]:
    return [(st.quote or "", short(st.speaker)) for st in ex.statements if st.quote]


def test_a_quotation_introduced_by_a_colon_in_the_paragraph_before(extractor: Extractor) -> None:
    ex = run(extractor, "The mayor, Lena Kovac, wrote on her Facebook page on Monday:\n\n"
                        "“Our city will not be intimidated. We will rebuild every house.”")
    assert quotes_of(ex) == [("Our city will not be intimidated. We will rebuild every house.", "lena-kovac")]


def test_a_labelled_quotation_takes_the_speaker_of_the_sentence_before(extractor: Extractor) -> None:
    ex = run(extractor, "Lena Kovac spoke to reporters on Monday.\n\nQuote: “Nobody here will leave.”")
    assert quotes_of(ex) == [("Nobody here will leave.", "lena-kovac")]


def test_he_is_the_person_last_spoken_of_not_the_last_name(extractor: Extractor) -> None:
    ex = run(extractor, "Colonel Marek Brandt defended the operation on Tuesday.\n\n"
                        "He further accused the rebels of hiding among civilians, as Omar Haddad of the "
                        "relief agency had warned.\n\n"
                        "“We did not fire on the trucks,” he said.\n\n"
                        "“The investigation will show it.\n\n“We have nothing to hide.”")
    assert quotes_of(ex) == [("We did not fire on the trucks", "marek-brandt"),
                             ("The investigation will show it.\n\n“We have nothing to hide.", "marek-brandt")]


@pytest.mark.parametrize("text", [
    "“We reject these accusations entirely,” read the statement from the Popular Front for Renewal.",
    "The Popular Front for Renewal issued a statement on Monday. “We reject these accusations entirely,” "
    "the statement said.",
    "The Popular Front for Renewal said in a statement: “We reject these accusations entirely.”",
])
def test_a_statement_is_spoken_by_its_issuer(extractor: Extractor, text: str) -> None:
    assert [s for _, s in quotes_of(run(extractor, text))] == ["popular-front-for-renewal"]


def test_a_short_fragment_inside_reported_speech(extractor: Extractor) -> None:
    ex = run(extractor, "Lena Kovac spoke on Monday. She accused the rebels of trying to "
                        "“buy time” before the talks.")
    assert quotes_of(ex) == [("buy time", "lena-kovac")]


def test_it_is_the_last_body_that_spoke(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan's military said its units had repelled an attack by Armenian forces overnight. "
                        "The Armenian side had shelled the area, according to residents. "
                        "“The enemy retreated with losses,” it added.")
    assert quotes_of(ex) == [("The enemy retreated with losses", "azerbaijani-armed-forces")]


@pytest.mark.parametrize("text", [
    "“The bridge was hit twice,” a witness told reporters, according to footage aired by a local channel "
    "(via Reuters).",
    "“The bridge was hit twice,” a resident told Reuters.",
])
def test_a_news_agency_credited_is_never_the_speaker(extractor: Extractor, text: str) -> None:
    assert "reuters" not in {s for _, s in quotes_of(run(extractor, text))}


def test_a_denial_is_not_an_admission(extractor: Extractor) -> None:
    ex = run(extractor, "Russia denied it was responsible for the strike on the market in Kramatorsk on Friday.")
    (st,) = ex.statements
    assert short(st.speaker) == "russia" and st.content and st.content.startswith("denied")
    (ev,) = ex.events
    assert ev.claimed_by == () and [short(d) for d in ev.denied_by] == ["russia"]


@pytest.mark.parametrize(("text", "kind"), [
    ("A strike on a school in Barda killed six people on Sunday.", "AirStrike"),  # a bare strike
    ("Warplanes carried out a raid on Barda on Saturday.", "AirStrike"),  # by aircraft
    ("Rebels launched an assault on Barda on Saturday.", "ArmedClash"),
    ("The siege of Barda began on Saturday.", "ArmedClash"),
    ("Troops invaded the border town of Barda on Saturday.", "TerritorialCapture"),
    ("Gunmen seized 20 hostages in Barda on Saturday.", "HostageTaking"),
    ("Twelve soldiers were killed in an ambush near Barda on Saturday.", "ArmedClash"),
    ("Helicopters dropped barrel bombs on Barda on Saturday.", "AirStrike"),
])
def test_events_worded_unlike_the_seeds(extractor: Extractor, text: str, kind: str) -> None:
    ex = run(extractor, text)
    assert events_of(ex, kind) == [("barda", dt.date(2020, 10, 10 if "Saturday" in text else 11))]
    assert not [e for e in ex.events if kind not in e.types]


def test_a_strike_on_a_deal_is_no_event(extractor: Extractor) -> None:
    assert run(extractor, "The two parties struck a deal in Barda on Saturday.").events == []


def test_the_history_cut_off_is_the_articles_year(extractor: Extractor) -> None:
    text = "Barda was shelled heavily in 2022, when the first offensive began."
    assert run(extractor, text, date=dt.date(2024, 5, 10)).events == []
    assert events_of(run(extractor, text, date=dt.date(2022, 5, 10)), "Shelling") == [("barda", None)]


def test_killed_and_wounded_in_one_clause(extractor: Extractor) -> None:
    ex = run(extractor, "The strike on Barda killed four people and wounded 19, Azerbaijan said.")
    assert claims_of(ex) == [(4, "Killed", "UnknownPopulation", None, "azerbaijan"),
                             (19, "Wounded", "UnknownPopulation", None, "azerbaijan")]


def test_a_claimant_given_by_role_is_the_person_named_with_it(extractor: Extractor) -> None:
    ex = run(extractor, "Regional governor Serhiy Lysak visited the site on Monday.\n\n"
                        "The strike on Barda killed four people, the regional governor said.")
    assert claims_of(ex) == [(4, "Killed", "UnknownPopulation", None, "serhiy-lysak")]


def test_a_claimant_given_by_role_of_a_named_body(extractor: Extractor) -> None:
    ex = run(extractor, "Three people were killed in Barda, the head of the Civil Defence Service said.")
    assert claims_of(ex) == [(3, "Killed", "UnknownPopulation", None, "civil-defence-service")]


def test_a_headline_repeats_numbers_it_does_not_claim_them(extractor: Extractor) -> None:
    ex = run(extractor, "Two killed in shelling of Barda\n\nTwo civilians were killed in Barda on Saturday.")
    assert [c.count for c in ex.casualty_claims] == [2] and ex.casualty_claims[0].population == "Civilian"


def test_a_quotation_whose_closing_mark_was_lost_runs_to_the_paragraph_end(extractor: Extractor) -> None:
    ex = run(extractor, "“Two people died,” Lena Kovac said. “The number of wounded has risen to 12. — AFP")
    assert quotes_of(ex) == [("Two people died", "lena-kovac"),
                             ("The number of wounded has risen to 12.", "lena-kovac")]


def test_a_demonyms_army_no_entity_stands_for(extractor: Extractor) -> None:
    ex = run(extractor, "The Freedonian army said it had hit a depot. Freedonian army officers declined to comment.")
    assert [short(s.speaker) for s in ex.statements] == ["freedonian-army"]
    assert [m.span.text for m in ex.mentions] == ["Freedonian army"]


def test_ceasefire_talks_are_a_negotiation_where_they_meet(extractor: Extractor) -> None:
    ex = run(extractor, "Envoys held ceasefire talks in Moscow on Saturday on a truce in Barda.")
    assert {t for e in ex.events for t in e.types} == {"Negotiation"}
    assert events_of(ex, "Negotiation") == [("moscow", dt.date(2020, 10, 10))]


def test_an_air_raid_alert_is_no_air_strike(extractor: Extractor) -> None:
    assert run(extractor, "Air raid alerts sounded in Barda on Saturday.").events == []


def test_a_day_and_month_after_the_article_date_is_last_year(extractor: Extractor) -> None:
    ex = run(extractor, "He recalled the shelling of Barda on November 30, when the war began.",
             date=dt.date(2020, 10, 11))
    assert events_of(ex, "Shelling") == [("barda", dt.date(2019, 11, 30))]


def test_a_body_named_only_by_its_kind_is_the_countrys(extractor: Extractor) -> None:
    ex = run(extractor, "Two soldiers were killed on Monday in an attack in northern Chad, the Central African "
                        "nation’s military said.\n\nNine more were wounded in an ambush, it said.")
    assert {short(s.speaker) for s in ex.statements} == {"chad-military"}
    assert [short(c.claimed_by[0]) for c in ex.casualty_claims] == ["chad-military", "chad-military"]


def test_one_body_named_by_two_kinds_is_one_node(extractor: Extractor) -> None:
    ex = run(extractor, "Chad's defence ministry said the convoy was hit near Barda on Monday.\n\n"
                        "“Two soldiers were killed and nine wounded,” the statement continued.\n\n"
                        "The ministry said the attackers fled.")
    assert {short(s.speaker) for s in ex.statements} == {"chads-defence-ministry"}


@pytest.mark.parametrize(("text", "count"), [
    ("Twenty-three soldiers were killed in an ambush near Barda, Azerbaijan said.", 23),
    ("Thirty-one civilians were killed in Barda on Saturday, Azerbaijan said.", 31),
])
def test_hyphenated_number_words(extractor: Extractor, text: str, count: int) -> None:
    assert [c.count for c in run(extractor, text).casualty_claims] == [count]


def test_people_who_fled_are_not_counted_dead(extractor: Extractor) -> None:
    ex = run(extractor, "More than 300 people have been killed and some 100,000 residents have fled their homes.")
    assert [(c.count, c.kind) for c in ex.casualty_claims] == [(300, "Killed")]


def test_an_outlet_relaying_a_source_is_not_the_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "CNN reported that, according to the Civil Defence Service, 45 people were killed in Barda.")
    assert [short(c.claimed_by[0]) for c in ex.casualty_claims] == ["civil-defence-service"]
