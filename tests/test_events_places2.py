"""Event places, second pass: names the linker did not type as places, standing where only a place stands."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.nlp.extract import Extractor
from tests.test_events import SATURDAY, events, extractor, run

__all__ = ["extractor"]


def places(extractor: Extractor, text: str) -> list[tuple[str, str | None]]:
    return sorted((t, p) for t, p, _ in events(run(extractor, text, date=dt.date(2020, 10, 11))))


def test_a_name_before_an_area_noun_is_the_place_not_the_district_around_it(extractor: Extractor) -> None:
    got = places(extractor, "Two farmers were killed in a strike in the Ein Hilweh area of the southern "
                            "Tartar district on Saturday, a medic said.")
    assert got == [("AirStrike", "ein-hilweh")] or got == [("Attack", "ein-hilweh")], got


@pytest.mark.parametrize("text", [
    "Warplanes carried out eight air strikes on the edges of the villages of Beit Hadid, Jabal Sira and "
    "Kfar Mansour on Saturday, the agency said.",
    "\u201cJets carried out eight air strikes targeting the outskirts of the towns of Beit Hadid, Jabal Sira and "
    "Kfar Mansour,\u201d the agency said on Saturday.",  # inside a quotation too
])
def test_each_town_of_a_list_after_the_towns_of_gets_its_strike(extractor: Extractor, text: str) -> None:
    got = places(extractor, text)
    assert got == [("AirStrike", "beit-hadid"), ("AirStrike", "jabal-sira"), ("AirStrike", "kfar-mansour")], got


def test_a_name_after_around_a_strikes_targets_is_the_place(extractor: Extractor) -> None:
    got = places(extractor, "\u201cOur jets struck some 20 militant targets\u201d around Kfar Haddad in the south, "
                            "the army said on Saturday.")
    assert ("AirStrike", "kfar-haddad") in got, got


def test_a_person_named_after_of_a_noun_that_is_no_place_stays_no_place(extractor: Extractor) -> None:
    got = places(extractor, "Artillery shelled Barda on Saturday, according to the office of Ilham Mammadov.")
    assert got == [("Shelling", "barda")], got


def test_the_same_morning_is_the_day_of_the_event_told_before(extractor: Extractor) -> None:
    ex = run(extractor, "A drone struck a bus near Barda on Saturday, the ministry said.\n\n"
                        "Officials said the rebels had shelled Ganja the same morning.")
    assert events(ex) == [("DroneStrike", "barda", SATURDAY), ("Shelling", "ganja", SATURDAY)]


def test_an_undated_event_of_another_kind_keeps_no_date(extractor: Extractor) -> None:
    ex = run(extractor, "A drone struck a bus near Barda on Saturday, the ministry said.\n\n"
                        "Officials said the rebels had shelled Ganja.")
    assert ("Shelling", "ganja", None) in events(ex)


def test_a_name_ending_in_street_is_the_place_it_names(extractor: Extractor) -> None:
    got = places(extractor, "Shells hit people queuing for bread on Abu Karim Street in Barda on Saturday.")
    assert got == [("Shelling", "abu-karim-street")], got


def test_the_town_of_the_hospital_that_tells_is_not_where_the_strike_was(extractor: Extractor) -> None:
    got = places(extractor, "Doctors at the central hospital in Ganja said it received six bodies after a drone "
                            "hit a crowd on Abu Karim Street on Saturday.")
    assert got == [("DroneStrike", "abu-karim-street")], got


def test_a_list_member_parsed_in_apposition_is_a_place_of_its_own(extractor: Extractor) -> None:
    got = places(extractor, "\u201cWarplanes carried out ten air strikes targeting the outskirts of the towns of "
                            "Deir Kifa, Marwa, Jabal Sira and Kfar Mansour,\u201d the agency said on Saturday.")
    assert got == [("AirStrike", "deir-kifa"), ("AirStrike", "jabal-sira"), ("AirStrike", "kfar-mansour"),
                   ("AirStrike", "marwa")], got
