"""Fighting told by its outcome: a force killing or storming fighters somewhere is a clash there."""

from __future__ import annotations

import pytest

from kg.nlp.extract import Extractor
from tests.test_events import SATURDAY, events, extractor, run

__all__ = ["extractor"]


@pytest.mark.parametrize("text", [
    "Army units killed 21 militants in Barda on Saturday, a military source said.",
    "Government troops stormed the rebels' hideouts in Barda on Saturday.",
    "The army killed a number of insurgents in Barda on Saturday and destroyed their weapons.",
])
def test_a_force_killing_fighters_at_a_place_is_a_clash(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("ArmedClash", "barda", SATURDAY)]


@pytest.mark.parametrize("text", [
    "The ministry said its forces had killed 2,300 fighters since the war began.",  # no place: a toll
    "Rebels were killed in Barda on Saturday.",  # a passive toll, no force acting
    "The army killed two shepherds in Barda on Saturday, villagers said.",  # not fighters
])
def test_no_clash_from_a_killing_alone(extractor: Extractor, text: str) -> None:
    assert [t for t, _, _ in events(run(extractor, text)) if t == "ArmedClash"] == []


def test_an_ambush_beside_an_arrest_is_still_a_clash(extractor: Extractor) -> None:
    ex = run(extractor, "Troops ambushed a rebel column near the town of Barda on Saturday, arresting several of them.")
    assert ("ArmedClash", "barda", SATURDAY) in events(ex)


def test_the_attack_that_is_the_strike_is_no_clash(extractor: Extractor) -> None:
    ex = run(extractor, "A drone strike attack hit Barda on Saturday.")
    assert [t for t, _, _ in events(ex)] == ["DroneStrike"]


def test_a_force_killing_civilians_at_a_place_is_violence_not_a_clash(extractor: Extractor) -> None:
    ex = run(extractor, "The rebels said soldiers and militiamen had killed four people on Saturday in the village "
                        "of Barda.")
    assert events(ex) == [("Other", "barda", SATURDAY)]


@pytest.mark.parametrize(("text", "kinds"), [
    ("The statement said the armed forces had targeted a group of rebels using drones early on Saturday in Barda.",
     ["DroneStrike"]),
    ("Warplanes targeted rebel positions in Barda on Saturday.", ["AirStrike"]),
    ("The army has occasionally targeted missiles it claims were ready for launch in Barda on Saturday.", []),
])
def test_targeting_is_a_strike_when_it_names_the_weapon(extractor: Extractor, text: str, kinds: list[str]) -> None:
    assert [t for t, _, _ in events(run(extractor, text))] == kinds


@pytest.mark.parametrize("text", [
    "Two soldiers were killed in a mine explosion near Barda on Saturday.",
    "A mine blast killed two soldiers near Barda on Saturday.",
])
def test_a_mine_explosion_is_no_shelling(extractor: Extractor, text: str) -> None:
    assert [t for t, _, _ in events(run(extractor, text))] == ["Other"]


def test_the_victims_of_an_attack_are_not_its_agent(extractor: Extractor) -> None:
    (event,) = run(extractor, "Twenty Armenian soldiers were killed in an attack near Barda on Saturday.").events
    assert event.types == ("ArmedClash",) and event.agent == ()
    (event,) = run(extractor, "Azerbaijani troops fought in the clashes near Barda on Saturday.").events
    assert event.agent


@pytest.mark.parametrize(("text", "kind"), [
    ("Gunmen on motorbikes attacked the village of Barda on Saturday.", "Attack"),
    ("Residents reported an attack on the town of Barda on Saturday.", "Attack"),
    ("Rebels attacked an army unit near Barda on Saturday.", "ArmedClash"),
    ("A detachment of soldiers was attacked on the outskirts of Barda on Saturday.", "ArmedClash"),
])
def test_an_attack_on_ground_is_no_battle(extractor: Extractor, text: str, kind: str) -> None:
    assert [t for t, _, _ in events(run(extractor, text))] == [kind]
