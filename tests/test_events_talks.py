"""Talks at one place told twice: one round or two."""

from __future__ import annotations

from kg.nlp.extract import Extractor
from tests.test_events import SATURDAY, extractor, run

__all__ = ["extractor"]
MOSCOW = "https://w3id.org/conflict-kg/id/entity/moscow"


def talks(extractor: Extractor, text: str) -> list[tuple[str, object]]:
    return sorted(((e.place[0], e.date) for e in run(extractor, text).events if e.types == ("Negotiation",)),
                  key=str)


def test_a_dated_round_and_an_undated_one_stay_apart(extractor: Extractor) -> None:
    text = ("A delegation will arrive in Moscow on Saturday for ceasefire talks, the group said. "
            "The ceasefire talks resumed in Moscow earlier this week, officials said.")
    assert talks(extractor, text) == sorted([(MOSCOW, SATURDAY), (MOSCOW, None)], key=str)


def test_the_talks_told_again_are_one(extractor: Extractor) -> None:
    text = "Envoys held ceasefire talks in Moscow on Saturday. The talks in Moscow lasted ten hours."
    assert talks(extractor, text) == [(MOSCOW, SATURDAY)]


def test_the_strike_told_again_is_the_strike_not_the_attacks_between(extractor: Extractor) -> None:
    ex = run(extractor, "Warplanes struck Barda on Saturday, the ministry said. One of the fighters killed took "
                        "part in the October 3 attacks. The strike was based on intelligence, the ministry said.")
    assert sorted(e.types[0] for e in ex.events) == ["AirStrike", "ArmedClash"]


def test_the_explosions_after_strikes_are_the_strikes(extractor: Extractor) -> None:
    ex = run(extractor, "Warplanes launched three airstrikes on Barda on Saturday, the media reported. "
                        "Residents described the explosions in the town as powerful.")
    assert [e.types[0] for e in ex.events] == ["AirStrike"]
