"""Casualty claims, second pass: one person counted inside a count ("…, including a child"; "…, one
of them a child"), "another" person, a participle after the person ("another man hurt in the blast"),
and an outlet's "As X reported, …". Hand-written sentences, one per class of wording."""

from __future__ import annotations

from kg.nlp.extract import Extractor
from tests.test_casualties import claimants, counts, extractor, run

__all__ = ["extractor"]


def test_including_one_person_is_a_claim_of_its_own(extractor: Extractor) -> None:
    ex = run(extractor, "The rocket hit a bus and killed five passengers, including a teenage girl.")
    assert counts(ex) == [(1, "Killed"), (5, "Killed")]


def test_an_appositive_part_naming_who_they_are(extractor: Extractor) -> None:
    assert counts(run(extractor, "Eight people died in the fire, two of them children.")) == \
        [(2, "Killed"), (8, "Killed")]
    assert counts(run(extractor, "Four people were killed, one of them an infant.")) == \
        [(1, "Killed"), (4, "Killed")]


def test_a_part_without_people_stays_uncounted(extractor: Extractor) -> None:
    assert counts(run(extractor, "The strike wounded twelve, three of them badly.")) == [(12, "Wounded")]


def test_another_person_is_one(extractor: Extractor) -> None:
    assert counts(run(extractor, "Another farmer was badly hurt near the bridge.")) == [(1, "Wounded")]


def test_a_participle_after_the_people(extractor: Extractor) -> None:
    ex = run(extractor, "Another boy and girl wounded by the shell were taken to a clinic.")
    assert counts(ex) == [(2, "Wounded")]


def test_as_an_outlet_reported_gives_the_source(extractor: Extractor) -> None:
    ex = run(extractor, "As Reuters reported on Monday, a driver was killed and four people were injured.")
    assert claimants(ex) == [(1, "Killed", "reuters"), (4, "Wounded", "reuters")]


def test_as_clause_with_an_object_stays_an_aside(extractor: Extractor) -> None:
    ex = run(extractor, "Six civilians were killed, as Reuters reported heavy fighting in the hills.")
    assert claimants(ex) == [(6, "Killed", None)]


def test_people_given_care_are_wounded(extractor: Extractor) -> None:
    assert counts(run(extractor, "Rescuers were giving first aid to seven people near the station.")) == \
        [(7, "Wounded")]
    assert counts(run(extractor, "Volunteer medics treated eleven people at the scene.")) == [(11, "Wounded")]


def test_care_for_something_other_than_injury_is_no_count(extractor: Extractor) -> None:
    assert counts(run(extractor, "Volunteer medics treated eleven people for panic attacks.")) == []


def test_a_count_in_a_condition_is_wounded(extractor: Extractor) -> None:
    ex = run(extractor, "Medics gave medical aid to five people, two in critical condition and three in fair "
                        "condition.")
    assert counts(ex) == [(2, "Wounded"), (3, "Wounded"), (5, "Wounded")]


def test_the_body_that_treats_claims_the_count(extractor: Extractor) -> None:
    ex = run(extractor, "The Red Cross treated four people after the blast.")
    assert claimants(ex) == [(4, "Wounded", "international-committee-of-the-red-cross")]


def test_a_name_after_according_to_a_role(extractor: Extractor) -> None:
    ex = run(extractor, "According to the acting ‘governor’ of the district, Ivan Petrov, a shell killed four people.")
    assert claimants(ex) == [(4, "Killed", "ivan-petrov")]


def test_a_breakdown_after_the_place_counts_its_part(extractor: Extractor) -> None:
    ex = run(extractor, "Since May, at least 90 people have died in Tamara, mostly soldiers but also 12 civilians, "
                        "according to a Reuters count.")
    assert counts(ex) == [(12, "Killed"), (90, "Killed")]


def test_a_part_in_a_condition_is_a_claim(extractor: Extractor) -> None:
    ex = run(extractor, "Nine were hospitalised, four of them in serious condition.")
    assert counts(ex) == [(4, "Wounded"), (9, "Wounded")]


def test_one_person_in_a_condition_in_a_list(extractor: Extractor) -> None:
    ex = run(extractor, "Medics took three people to the clinic - a teenage boy in moderate condition and two women "
                        "in light condition.")
    assert (1, "Wounded") in counts(ex) and (2, "Wounded") in counts(ex)


def test_the_sources_are_those_of_the_hospital_named_before(extractor: Extractor) -> None:
    ex = run(extractor, "Medical sources at Al-Noor Hospital reported that the hospital received 12 dead.\n"
                        "The sources added that 5 of the injured were in critical condition.")
    assert claimants(ex) == [(5, "Wounded", "al-noor-hospital"), (12, "Killed", "al-noor-hospital")]


def test_a_breakdown_among_them(extractor: Extractor) -> None:
    ex = run(extractor, "The death toll from the shelling has risen to 14, among them three children, "
                        "the ministry said.")
    assert counts(ex) == [(3, "Killed"), (14, "Killed")]
