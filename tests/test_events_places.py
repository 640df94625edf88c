"""Which event of a sentence a place belongs to, when the sentence tells several kinds."""

from __future__ import annotations

import pytest

from kg.nlp.extract import Extractor
from tests.test_events import SATURDAY, events, extractor, run

__all__ = ["extractor"]


@pytest.mark.parametrize("text", [
    "Nine people died in the intense helicopters' attack on the town of Barda, followed by launching dozens "
    "of shells by the rebels on areas in the town of Ganja on Saturday.",
    "Two people died in a helicopter attack on the city of Barda, followed by launching shells on areas in "
    "the town of Ganja on Saturday.",
])
def test_a_place_under_the_verb_that_launched_the_shells_is_the_shelling(extractor: Extractor, text: str) -> None:
    assert events(run(extractor, text)) == [("AirStrike", "barda", SATURDAY), ("Shelling", "ganja", SATURDAY)]


def test_the_towns_of_a_toll_after_an_attack_are_where_it_hit(extractor: Extractor) -> None:
    ex = run(extractor, "Government shelling killed 13 civilians in Nagorno-Karabakh on Saturday, a monitor said. "
                        "It said that 12 civilians were killed in Barda and one in Ganja.")
    assert events(ex) == [("Shelling", "barda", SATURDAY), ("Shelling", "ganja", SATURDAY),
                          ("Shelling", "nagorno-karabakh", SATURDAY)]


@pytest.mark.parametrize("second", [
    "The war has left Barda outside Baku's control.",  # no toll
    "Officials met in Barda, where two people were killed last year.",  # the town is not the toll's
])
def test_no_toll_place_without_a_toll_in_it(extractor: Extractor, second: str) -> None:
    ex = run(extractor, "Government shelling killed 13 civilians in Nagorno-Karabakh on Saturday. " + second)
    assert events(ex) == [("Shelling", "nagorno-karabakh", SATURDAY)]
