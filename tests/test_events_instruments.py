"""What an attack was carried out with decides its class (kg/nlp/lexicon/instruments.tsv, combat.tsv).

One sentence of our own per rule: named weapon systems, weapons launched or hitting, a generic strike
typed by the weapons told beside it or in the next sentence, a bare strike in a story of drones,
weapons named in one list as one attack, and captures tried or failed as fighting.
"""

from __future__ import annotations

import pytest

from kg.nlp.extract import Extractor
from kg.nlp.tables import rules
from tests.test_events import SATURDAY, events, extractor, run

__all__ = ["extractor"]


def kinds(extractor: Extractor, text: str) -> list[str]:
    return [t for t, _, _ in events(run(extractor, text))]


def test_every_instrument_names_an_event_class() -> None:
    assert not [p for p in rules().problems if p.startswith("instruments.tsv")]
    events = rules().subclasses("Event")
    assert set(rules().instruments.values()) <= events


@pytest.mark.parametrize(("text", "kind"), [
    ("A Shahed hit an apartment block in Barda on Saturday.", "DroneStrike"),
    ("A Geran-2 slammed into a house in Barda on Saturday.", "DroneStrike"),  # a hyphenated model name
    ("A Lancet hit a howitzer near Barda on Saturday.", "DroneStrike"),
    ("An FPV drone hit a car in Barda on Saturday.", "DroneStrike"),
    ("A loitering munition struck a tank near Barda on Saturday.", "DroneStrike"),
    ("An Iskander hit Barda on Saturday.", "MissileStrike"),
    ("Russia struck Barda with Kalibr missiles on Saturday.", "MissileStrike"),
    ("An ATACMS strike hit an airfield near Barda on Saturday.", "MissileStrike"),
    ("Ukraine hit a depot in Barda with HIMARS on Saturday.", "MissileStrike"),
    ("The army struck Barda with glide bombs on Saturday.", "AirStrike"),
])
def test_a_named_weapon_system_types_the_strike(extractor: Extractor, text: str, kind: str) -> None:
    assert kinds(extractor, text) == [kind]


@pytest.mark.parametrize(("text", "kind"), [
    ("Rebels launched forty drones at Barda on Saturday.", "DroneStrike"),
    ("The army launched dozens of Shahed drones at Ganja on Saturday.", "DroneStrike"),
    ("Helicopters fired rockets at the village of Barda on Saturday.", "AirStrike"),  # the platform fires
    ("Rebels fired rockets at the village of Barda on Saturday.", "Shelling"),
    ("The rebels sent thirty kamikaze drones to Barda on Saturday.", "DroneStrike"),
    ("The rebels used a Lancet drone to strike a bus near Barda on Saturday.", "DroneStrike"),
    ("A drone dropped an explosive device on a car in Barda on Saturday.", "DroneStrike"),  # not a roadside bomb
    ("An airstrike by a drone killed two people in Barda on Saturday.", "DroneStrike"),  # the most specific
    ("Two people were killed in a heavy weapons attack on Barda on Saturday.", "Shelling"),
])
def test_weapons_launched_or_hitting_are_the_attack(extractor: Extractor, text: str, kind: str) -> None:
    assert kinds(extractor, text) == [kind]


@pytest.mark.parametrize(("text", "kind"), [
    ("Drones and missiles hit Barda on Saturday.", "DroneStrike"),
    ("Rebels launched forty drones and three cruise missiles at Barda on Saturday.", "DroneStrike"),
    ("Rebels launched three cruise missiles and forty drones at Barda on Saturday.", "MissileStrike"),
    ("The army launched a combined attack with drones, cruise missiles and ballistic missiles on Barda on "
     "Saturday.", "DroneStrike"),
    ("Rebels attacked Barda on Saturday with tanks, artillery, warplanes and drones.", "Attack"),  # no one kind
    ("Rebels carried out a massive drone and missile attack on Barda on Saturday.", "DroneStrike"),
    ("Rebels carried out a missile and drone attack on Barda on Saturday.", "MissileStrike"),
])
def test_weapons_in_one_list_are_one_attack_of_the_first_named(extractor: Extractor, text: str, kind: str) -> None:
    assert kinds(extractor, text) == [kind]


@pytest.mark.parametrize("text", [
    "A strike hit a school in Barda on Saturday. Officials said a drone was used.",
    "An enemy strike hit Barda on Saturday. The army said two drones hit the school.",
    "Rebels attacked Barda on Saturday. Air defences shot down twenty drones.",
    "Drones attacked Barda on Saturday. The strike damaged a school.",
])
def test_a_generic_attack_takes_the_weapons_told_next(extractor: Extractor, text: str) -> None:
    assert "DroneStrike" in kinds(extractor, text)
    assert not {"AirStrike", "Attack", "ArmedClash"} & set(kinds(extractor, text))


def test_the_other_sides_drones_shot_down_do_not_type_the_strike(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan conducted strikes on rebel positions in Barda on Saturday. Azerbaijan also said "
                        "it destroyed eight rebel drones over Ganja.")
    assert "DroneStrike" not in [t for t, _, _ in events(ex)]


def test_downed_weapons_beside_a_generic_attack_are_the_shootdowns(extractor: Extractor) -> None:
    ex = run(extractor, "Troops downed two helicopters and three drones in Barda on Saturday in response to an "
                        "attack.")
    assert [t for t, _, _ in events(ex)] == ["Shootdown"]


def test_a_bare_strike_in_a_story_of_drones_is_a_drone_strike(extractor: Extractor) -> None:
    ex = run(extractor, "Rebels launched forty drones at Barda on Saturday.\n\nOfficials said a school was "
                        "damaged.\n\nA strike on Ganja killed two people on Saturday.")
    assert events(ex) == [("DroneStrike", "barda", SATURDAY), ("DroneStrike", "ganja", SATURDAY)]


@pytest.mark.parametrize(("story", "kind"), [
    ("Rebels fired three ballistic missiles at Barda on Saturday.", "MissileStrike"),  # a story of missiles
    ("Rebels launched forty drones and three missiles at Barda on Saturday.", "DroneStrike"),  # the first named
])
def test_a_bare_strike_takes_the_kind_of_a_story_of_drones_or_missiles(extractor: Extractor, story: str,
                                                                        kind: str) -> None:
    ex = run(extractor, f"{story}\n\nOfficials said a school was damaged.\n\nA strike on Ganja killed two people "
                        "on Saturday.")
    assert (kind, "ganja", SATURDAY) in events(ex)


@pytest.mark.parametrize("story", [
    "Warplanes bombed Barda on Saturday, and drones hit Ganja.",  # aircraft named: a bare strike stays an air strike
    "Airstrikes hit Barda on Saturday, and drones hit Ganja.",
])
def test_a_bare_strike_in_a_story_of_aircraft_stays_an_air_strike(extractor: Extractor, story: str) -> None:
    ex = run(extractor, f"{story}\n\nOfficials said a school was damaged.\n\nA strike on Agdam killed two people "
                        "on Saturday.")
    assert ("AirStrike", "aghdam", SATURDAY) in events(ex)


def test_counts_shot_down_are_a_shootdown(extractor: Extractor) -> None:
    assert events(run(extractor, "The army said it shot down twenty drones over Barda on Saturday.")) == [
        ("Shootdown", "barda", SATURDAY)]
    assert kinds(extractor, "Rebels launched 25 drones at Barda on Saturday, 20 of which were shot down.") == [
        "DroneStrike", "Shootdown"]


@pytest.mark.parametrize("text", [
    "Rebels tried to capture Barda on Saturday.",
    "Rebels failed to retake Barda on Saturday.",
    "The rebels attempted to seize Barda on Saturday but were repelled.",
    "The army launched an offensive to retake Barda on Saturday.",  # what the fighting was for
    "Troops seized weapons in the battles to liberate Barda on Saturday.",
    "The army attacked rebel positions to retake Barda on Saturday.",
])
def test_a_capture_tried_or_failed_is_fighting(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("ArmedClash", "barda", SATURDAY)]


@pytest.mark.parametrize("text", [
    "The army denied that rebels had captured Barda on Saturday.",  # a denied capture: still the one claimed
    "Rebels managed to capture Barda on Saturday.",
])
def test_a_capture_done_or_claimed_is_ground_taken(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("TerritorialCapture", "barda", SATURDAY)]


@pytest.mark.parametrize("text", [
    "The rebels plan to capture Barda.",  # planned, not tried
    "The army said the rebels could try to capture Barda.",  # a modal above the attempt
])
def test_a_capture_only_planned_is_none(extractor: Extractor, text: str) -> None:
    assert "ArmedClash" not in kinds(extractor, text) and "TerritorialCapture" not in kinds(extractor, text)


def test_coordinated_clauses_keep_their_own_places(extractor: Extractor) -> None:
    ex = run(extractor, "Rebels shelled Barda on Saturday and attacked Ganja with drones.")
    assert events(ex) == [("DroneStrike", "ganja", SATURDAY), ("Shelling", "barda", SATURDAY)]
    ex = run(extractor, "Rebels shelled and bombed Barda on Saturday.")  # one object: both verbs'
    assert events(ex) == [("AirStrike", "barda", SATURDAY), ("Shelling", "barda", SATURDAY)]


def test_the_attack_told_again_inside_the_region_told_first_takes_the_inner_place(extractor: Extractor) -> None:
    ex = run(extractor, "Shelling killed two people in the South Caucasus on Saturday.\n\nThe explosive assault, "
                        "carried out by the rebels, hit a school in Syunik, South Caucasus.")
    assert events(ex) == [("Shelling", "syunik", SATURDAY)]


@pytest.mark.parametrize("text", [
    "Airstrikes hit Barda on Saturday, and drones hit Ganja.",
    "Warplanes bombed Barda on Saturday, and drones hit Ganja.",
])
def test_a_weapon_that_hits_keeps_the_place_of_its_own_clause(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("AirStrike", "barda", SATURDAY), ("DroneStrike", "ganja", SATURDAY)]


def test_a_list_of_two_kinds_is_typed_by_the_first_not_the_most_specific(extractor: Extractor) -> None:
    assert kinds(extractor, "Rebels attacked Barda with helicopters and drones on Saturday.") == ["AirStrike"]


@pytest.mark.parametrize("text", [
    "Rebel forces advanced on Barda on Saturday.",
    "A rebel attempt to advance on Barda on Saturday was thwarted, the army said.",  # tried: still fighting
])
def test_an_advance_on_a_place_is_fighting(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("ArmedClash", "barda", SATURDAY)]


def test_advancing_a_deal_is_no_fighting(extractor: Extractor) -> None:
    assert run(extractor, "The envoy hopes to advance a deal on Saturday.").events == []


@pytest.mark.parametrize(("story", "kind"), [
    ("Airstrikes hit Barda on Saturday.", "AirStrike"),  # a story of air strikes only
    ("Artillery pounded Barda on Saturday, and warplanes hit Aghdam.", "Shelling"),  # several kinds: the default
])
def test_a_bombardment_with_nothing_to_type_it_is_the_storys_one_kind(extractor: Extractor, story: str,
                                                                      kind: str) -> None:
    ex = run(extractor, f"{story}\n\nOfficials said a school was damaged.\n\nTwo people were killed in Ganja on "
                        "Saturday after a bombardment targeted a house.")
    assert [t for t, p, _ in events(ex) if p == "ganja"] == [kind]


@pytest.mark.parametrize(("text", "kind"), [
    ("Debris from a drone fell on a house in Barda on Saturday.", "Shootdown"),  # what falls was brought down
    ("Rescuers cleared debris in Barda on Saturday after a drone strike.", "DroneStrike"),  # rubble: no shootdown
    ("The rebels claimed control of Barda on Saturday.", "TerritorialCapture"),
    ("Rebels seized control of Barda on Saturday.", "TerritorialCapture"),
])
def test_debris_and_control_claimed(extractor: Extractor, text: str, kind: str) -> None:
    assert kinds(extractor, text) == [kind]


def test_the_next_sentence_at_another_place_is_another_event(extractor: Extractor) -> None:
    ex = run(extractor, "Two civilians were killed in attacks on Barda on Saturday. In Ganja, a rocket hit a house.")
    assert ("Attack", "barda", SATURDAY) in events(ex)


@pytest.mark.parametrize("text", [
    "The rebels have intensified attacks on Barda.",
    "The army ramped up strikes on Barda on Saturday.",
])
def test_attacks_stepped_up_are_a_campaign(extractor: Extractor, text: str) -> None:
    assert run(extractor, text).events == []


def test_struck_in_a_story_of_drones_is_a_drone_strike(extractor: Extractor) -> None:
    ex = run(extractor, "Rebels launched forty drones at Barda on Saturday.\n\nOfficials said a school was damaged.\n\n"
                        "Rebels struck Ganja on Saturday.")
    assert ("DroneStrike", "ganja", SATURDAY) in events(ex)
