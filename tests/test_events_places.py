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
